"""Extension requests (延期申请): the department asks with a reason and a
later date, the reviewer grants (the deadline moves) or refuses (with a
reason); one request waits at a time."""

import datetime

import pytest

from audit.models import AuditEvent
from supervision import services
from supervision.models import ExtensionDecision, ProblemState
from supervision.services import SupervisionError
from tests.supervision.conftest import pdf

pytestmark = pytest.mark.django_db
S = ProblemState
LATER = datetime.timedelta(days=20)


def request(problem, users, **kw):
    return services.extension_request(
        problem=problem,
        new_deadline=kw.pop("new_deadline", problem.deadline + LATER),
        reason=kw.pop("reason", "需协调市财政局,延后完成。"),
        actor=kw.pop("actor", users["reporter"]),
    )


@pytest.mark.parametrize("state", [S.OPEN, S.PLANNED, S.REOPENED])
def test_granting_an_extension_moves_the_deadline_and_keeps_the_state(
    make_problem, users, state
):
    problem = make_problem(state)
    old = problem.deadline
    extension = request(problem, users)
    assert extension.old_deadline == old
    services.extension_decide(extension=extension, grant=True, actor=users["reviewer"])
    problem.refresh_from_db()
    assert problem.deadline == old + LATER
    assert problem.state == state
    extension.refresh_from_db()
    assert extension.decision == ExtensionDecision.GRANTED
    assert extension.decided_by == users["reviewer"]
    assert AuditEvent.objects.filter(action="problem.extension_decide").exists()


def test_refusing_keeps_the_deadline_and_needs_a_reason(make_problem, users):
    problem = make_problem(S.PLANNED)
    extension = request(problem, users)
    with pytest.raises(SupervisionError, match="理由"):
        services.extension_decide(
            extension=extension, grant=False, actor=users["reviewer"]
        )
    services.extension_decide(
        extension=extension,
        grant=False,
        reason="整改时限已充分,不予延期。",
        actor=users["reviewer"],
    )
    problem.refresh_from_db()
    extension.refresh_from_db()
    assert problem.deadline == extension.old_deadline
    assert extension.decision == ExtensionDecision.REFUSED


@pytest.mark.parametrize("state", [S.REQUESTED, S.SIGNED_OFF])
def test_no_extension_once_rectification_is_handed_in(make_problem, users, state):
    problem = make_problem(state)
    with pytest.raises(SupervisionError, match="不能申请延期"):
        request(problem, users)


def test_the_new_date_must_be_later_than_the_deadline(make_problem, users):
    problem = make_problem(S.PLANNED)
    with pytest.raises(SupervisionError, match="须晚于"):
        request(problem, users, new_deadline=problem.deadline)


def test_a_reason_is_required(make_problem, users):
    problem = make_problem(S.PLANNED)
    with pytest.raises(SupervisionError, match="延期理由"):
        request(problem, users, reason=" ")


def test_one_request_waits_at_a_time(make_problem, users):
    problem = make_problem(S.PLANNED)
    first = request(problem, users)
    with pytest.raises(SupervisionError, match="待审批"):
        request(problem, users)
    services.extension_decide(
        extension=first, grant=False, reason="不予延期", actor=users["reviewer"]
    )
    assert request(problem, users).decision == ExtensionDecision.PENDING


def test_a_decided_request_cannot_be_decided_again(make_problem, users):
    problem = make_problem(S.PLANNED)
    extension = request(problem, users)
    services.extension_decide(extension=extension, grant=True, actor=users["reviewer"])
    with pytest.raises(SupervisionError, match="已同意"):
        services.extension_decide(
            extension=extension, grant=False, reason="x", actor=users["reviewer"]
        )


@pytest.mark.parametrize("who", ["reviewer", "other_department"])
def test_only_the_responsible_department_asks(make_problem, users, education, who):
    problem = make_problem(S.PLANNED)
    problem.cooperating.add(education)
    with pytest.raises(SupervisionError, match="只有责任单位"):
        request(problem, users, actor=users[who])


@pytest.mark.parametrize("who", ["reporter", "leader", "sysadmin"])
def test_only_the_reviewer_decides(make_problem, users, who):
    problem = make_problem(S.PLANNED)
    extension = request(problem, users)
    with pytest.raises(SupervisionError, match="审核员"):
        services.extension_decide(extension=extension, grant=True, actor=users[who])


def test_a_problem_signed_off_meanwhile_can_only_be_refused(make_problem, users):
    problem = make_problem(S.PLANNED)
    extension = request(problem, users)
    services.problem_transition(
        problem=problem, action="request", actor=users["reporter"], uploads=[pdf()]
    )
    services.problem_transition(
        problem=problem, action="sign_off", actor=users["reviewer"]
    )
    with pytest.raises(SupervisionError, match="只能不同意"):
        services.extension_decide(
            extension=extension, grant=True, actor=users["reviewer"]
        )
