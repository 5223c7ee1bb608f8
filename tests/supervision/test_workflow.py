"""The problem's state graph: every allowed move by the one who may take
it, every move refused from a state outside its sources or by the wrong
person, and what each move records."""

import pytest

from audit.models import AuditEvent
from supervision import services
from supervision.models import ProblemState, ProblemTransition
from supervision.services import SupervisionError
from supervision.workflow import MOVES, REVIEWER
from tests.supervision.conftest import pdf

pytestmark = pytest.mark.django_db
S = ProblemState
STATES = list(S.values)
BUTTONS = [a for a in MOVES if a != "plan"]


def actor_for(action, users):
    return users["reviewer"] if MOVES[action].who == REVIEWER else users["reporter"]


def attempt(problem, action, users):
    if action == "plan":
        return services.problem_plan(
            problem=problem,
            responsible="王五",
            measures="整改措施",
            actor=users["reporter"],
        )
    return services.problem_transition(
        problem=problem,
        action=action,
        actor=actor_for(action, users),
        reason="理由",
        uploads=[pdf()] if action == "request" else [],
    )


ALLOWED = [(state, action) for action, move in MOVES.items() for state in move.sources]
# A revised plan while rectifying is not a move but is allowed.
REFUSED = [
    (state, action)
    for action, move in MOVES.items()
    for state in STATES
    if state not in move.sources
    and not (action == "plan" and state in (S.PLANNED, S.REOPENED))
]


@pytest.mark.parametrize(("state", "action"), ALLOWED)
def test_every_move_of_the_graph_is_allowed_from_its_sources(
    make_problem, users, state, action
):
    problem = make_problem(state)
    moved = attempt(problem, action, users)
    target = MOVES[action].leads_from(state)
    assert moved.state == target
    last = ProblemTransition.objects.filter(problem=problem).last()
    assert (last.action, last.from_state, last.to_state) == (action, state, target)
    assert last.actor == actor_for(action, users)
    assert AuditEvent.objects.filter(
        action=f"problem.{action}", object_id=str(problem.pk)
    ).exists()


@pytest.mark.parametrize(("state", "action"), REFUSED)
def test_every_move_outside_the_graph_is_refused_with_the_state_named(
    make_problem, users, state, action
):
    problem = make_problem(state)
    count = ProblemTransition.objects.filter(problem=problem).count()
    with pytest.raises(SupervisionError, match=S(state).label):
        attempt(problem, action, users)
    problem.refresh_from_db()
    assert problem.state == state
    assert ProblemTransition.objects.filter(problem=problem).count() == count


@pytest.mark.parametrize("action", list(MOVES))
@pytest.mark.parametrize("who", ["wrong_side", "other_department", "sysadmin"])
def test_a_move_by_someone_else_is_refused(make_problem, users, action, who):
    source = MOVES[action].sources[0]
    problem = make_problem(source)
    if who == "wrong_side":
        actor = (
            users["reporter"] if MOVES[action].who == REVIEWER else users["reviewer"]
        )
    else:
        actor = users[who]
    with pytest.raises(SupervisionError, match="权限|只有"):
        if action == "plan":
            services.problem_plan(
                problem=problem, responsible="王五", measures="措施", actor=actor
            )
        else:
            services.problem_transition(
                problem=problem, action=action, actor=actor, reason="理由"
            )
    problem.refresh_from_db()
    assert problem.state == source


def test_a_cooperating_department_cannot_request_sign_off(
    make_problem, users, education
):
    problem = make_problem(S.PLANNED)
    problem.cooperating.add(education)
    with pytest.raises(SupervisionError, match="权限"):
        services.problem_transition(
            problem=problem,
            action="request",
            actor=users["other_department"],
            uploads=[pdf()],
        )


@pytest.mark.parametrize("action", ["return", "reopen"])
def test_returning_and_reopening_need_a_reason(make_problem, users, action):
    problem = make_problem(MOVES[action].sources[0])
    with pytest.raises(SupervisionError, match="理由"):
        services.problem_transition(
            problem=problem, action=action, actor=users["reviewer"], reason="  "
        )


def test_a_sign_off_request_needs_evidence(make_problem, users):
    problem = make_problem(S.PLANNED)
    with pytest.raises(SupervisionError, match="佐证"):
        services.problem_transition(
            problem=problem, action="request", actor=users["reporter"]
        )
    problem.refresh_from_db()
    assert problem.state == S.PLANNED


def test_evidence_from_a_progress_entry_serves_the_request(make_problem, users):
    problem = make_problem(S.PLANNED)
    services.problem_progress(
        problem=problem, text="已完成核对。", uploads=[pdf()], actor=users["reporter"]
    )
    moved = services.problem_transition(
        problem=problem, action="request", actor=users["reporter"]
    )
    assert moved.state == S.REQUESTED


def test_a_reopened_problem_needs_new_evidence_before_a_new_request(
    make_problem, users
):
    problem = make_problem(S.REOPENED)
    with pytest.raises(SupervisionError, match="佐证"):
        services.problem_transition(
            problem=problem, action="request", actor=users["reporter"]
        )


def test_a_problem_can_go_round_again_keeping_its_history(make_problem, users):
    problem = make_problem(S.REOPENED)
    services.problem_progress(
        problem=problem, text="再次整改。", actor=users["reporter"]
    )
    problem = services.problem_transition(
        problem=problem, action="request", actor=users["reporter"], uploads=[pdf()]
    )
    problem = services.problem_transition(
        problem=problem, action="sign_off", actor=users["reviewer"]
    )
    actions = list(
        ProblemTransition.objects.filter(problem=problem).values_list(
            "action", flat=True
        )
    )
    assert actions == ["plan", "request", "sign_off", "reopen", "request", "sign_off"]
    assert problem.state == S.SIGNED_OFF


def test_sign_off_records_who_and_when_and_reopening_clears_it(make_problem, users):
    problem = make_problem(S.SIGNED_OFF)
    assert problem.signed_off_by == users["reviewer"]
    assert problem.signed_off_at is not None
    problem = services.problem_transition(
        problem=problem, action="reopen", actor=users["reviewer"], reason="反弹"
    )
    assert problem.signed_off_at is None
    assert problem.signed_off_by is None


def test_a_recheck_without_findings_is_recorded_without_a_move(make_problem, users):
    problem = make_problem(S.SIGNED_OFF)
    signed_off_at = problem.signed_off_at
    problem = services.problem_transition(
        problem=problem,
        action="recheck",
        actor=users["reviewer"],
        reason="回头看:数据持续准确。",
    )
    assert problem.state == S.SIGNED_OFF
    assert problem.signed_off_at == signed_off_at
    last = ProblemTransition.objects.filter(problem=problem).last()
    assert (last.action, last.from_state, last.to_state) == (
        "recheck",
        S.SIGNED_OFF,
        S.SIGNED_OFF,
    )
    assert last.reason == "回头看:数据持续准确。"


def test_every_move_raises_the_version(make_problem, users):
    problem = make_problem()
    versions = [problem.version]
    problem = services.problem_plan(
        problem=problem, responsible="王五", measures="措施", actor=users["reporter"]
    )
    versions.append(problem.version)
    problem = services.problem_transition(
        problem=problem, action="request", actor=users["reporter"], uploads=[pdf()]
    )
    versions.append(problem.version)
    assert versions == sorted(set(versions))


def test_a_plan_from_a_stale_page_is_refused(make_problem, users):
    problem = make_problem(S.PLANNED)
    stale = problem.version
    services.problem_plan(
        problem=problem, responsible="王五", measures="新措施", actor=users["leader"]
    )
    with pytest.raises(services.ConcurrentEdit):
        services.problem_plan(
            problem=problem,
            responsible="赵六",
            measures="旧页面的措施",
            actor=users["reporter"],
            expected_version=stale,
        )


def test_a_plan_needs_measures_and_one_responsible_person(make_problem, users):
    problem = make_problem()
    for responsible, measures, missing in (
        ("", "措施", "责任人"),
        ("王五", "", "整改措施"),
    ):
        with pytest.raises(SupervisionError, match=missing):
            services.problem_plan(
                problem=problem,
                responsible=responsible,
                measures=measures,
                actor=users["reporter"],
            )


def test_progress_before_the_plan_is_refused(make_problem, users):
    problem = make_problem()
    with pytest.raises(SupervisionError, match="请先制定整改方案"):
        services.problem_progress(
            problem=problem, text="已开始。", actor=users["reporter"]
        )


def test_a_cooperating_department_adds_progress(make_problem, users, education):
    problem = make_problem(S.PLANNED)
    problem.cooperating.add(education)
    entry = services.problem_progress(
        problem=problem, text="配合提供数据。", actor=users["other_department"]
    )
    assert entry.entered_by == users["other_department"]


def test_a_file_whose_content_is_not_its_extension_is_refused(make_problem, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    problem = make_problem(S.PLANNED)
    with pytest.raises(SupervisionError, match="不符"):
        services.problem_progress(
            problem=problem,
            text="附件",
            uploads=[SimpleUploadedFile("照片.pdf", b"GIF89a....")],
            actor=users["reporter"],
        )


@pytest.mark.parametrize("action", BUTTONS)
def test_an_unknown_action_is_refused(make_problem, users, action):
    problem = make_problem()
    with pytest.raises(SupervisionError, match="未知操作"):
        services.problem_transition(
            problem=problem, action=action + "x", actor=users["reviewer"]
        )
