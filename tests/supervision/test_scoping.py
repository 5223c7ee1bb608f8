"""Who sees what: the team sees every round, visit and problem; a
department its own problems (responsible or cooperating), its visits and
the notified rounds covering it; other departments and other roles see
nothing. Also the selectors the ledger and the bulletin read."""

import datetime

import pytest

from supervision import permissions, selectors, services
from supervision.models import ProblemState
from supervision.selectors import LEDGER_COLUMNS

pytestmark = pytest.mark.django_db
S = ProblemState
TODAY = datetime.date(2025, 7, 15)


@pytest.fixture
def two_problems(make_problem, guixi, education):
    own = make_problem(S.PLANNED, description="贵溪市的问题")
    theirs = make_problem(department=education, description="教育局的问题")
    return own, theirs


def test_a_department_sees_its_own_problems_only(users, two_problems):
    own, theirs = two_problems
    assert list(permissions.problems_for_user(users["reporter"])) == [own]
    assert list(permissions.problems_for_user(users["other_department"])) == [theirs]
    assert set(permissions.problems_for_user(users["reviewer"])) == {own, theirs}


def test_a_cooperating_department_sees_the_problem_but_cannot_answer_it(
    users, two_problems, guixi
):
    own, theirs = two_problems
    theirs.cooperating.add(guixi)
    assert set(permissions.problems_for_user(users["reporter"])) == {own, theirs}
    assert not permissions.can(users["reporter"], "plan", theirs)
    assert not permissions.can(users["reporter"], "extension", theirs)
    assert permissions.can(users["reporter"], "progress", theirs)


@pytest.mark.parametrize("role", ["sysadmin"])
def test_other_roles_see_nothing(users, two_problems, sup_round, role):
    user = users[role]
    assert not permissions.problems_for_user(user).exists()
    assert not permissions.rounds_for_user(user).exists()
    assert not permissions.visits_for_user(user).exists()
    assert not permissions.can_list(user)


def test_a_department_sees_a_round_only_once_notified_and_covering_it(
    users, guixi, sup_tasks, education
):
    round = services.round_create(
        policy=sup_tasks[0].policy,
        title="2025年下半年督导",
        year=2025,
        half=2,
        starts_on=datetime.date(2025, 11, 1),
        ends_on=datetime.date(2025, 11, 30),
        departments=[guixi],
        actor=users["reviewer"],
    )
    assert not permissions.rounds_for_user(users["reporter"]).exists()
    services.round_notify(round=round, actor=users["reviewer"])
    assert list(permissions.rounds_for_user(users["reporter"])) == [round]
    assert not permissions.rounds_for_user(users["other_department"]).exists()


def test_a_department_sees_its_visits_only(users, sup_round, guixi, education):
    visits = {
        d: services.visit_record(
            round=sup_round,
            department=d,
            visited_on=datetime.date(2025, 6, 10),
            methods=["report"],
            actor=users["reviewer"],
        )
        for d in (guixi, education)
    }
    assert list(permissions.visits_for_user(users["reporter"])) == [visits[guixi]]
    assert list(permissions.visits_for_user(users["other_department"])) == [
        visits[education]
    ]


def test_a_visit_to_a_department_outside_the_round_is_refused(
    users, sup_round, departments
):
    from tasks.models import Department

    outside = Department.objects.exclude(supervision_rounds=sup_round).first()
    with pytest.raises(services.SupervisionError, match="不在本轮督导单位中"):
        services.visit_record(
            round=sup_round,
            department=outside,
            visited_on=datetime.date(2025, 6, 10),
            methods=["report"],
            actor=users["reviewer"],
        )


def test_problems_are_numbered_in_their_round(make_problem):
    assert [make_problem().number for _ in range(3)] == [1, 2, 3]


def test_the_ledger_rows_hold_the_offices_columns_in_order(
    users, make_problem, education
):
    problem = make_problem(S.SIGNED_OFF, description="台账不全")
    problem.cooperating.add(education)
    services.problem_transition(
        problem=problem, action="reopen", actor=users["reviewer"], reason="反弹"
    )
    services.problem_progress(
        problem=problem, text="第一次进展", actor=users["reporter"]
    )
    services.problem_progress(problem=problem, text="最新进展", actor=users["reporter"])
    [row] = selectors.ledger(None, users["reviewer"])
    assert len(row.values) == len(LEDGER_COLUMNS) == 12
    assert row.values[:7] == (
        1,
        "半年督导",
        "台账不全",
        "贵溪市人民政府",
        "市教育局",
        "王五",
        "完善台账,逐月核对数据。",
    )
    assert row.values[8:11] == ("限期整改", "最新进展", "否")
    assert row.signed_off_at is None


def test_the_ledger_is_scoped_like_the_problems(users, two_problems):
    own, theirs = two_problems
    assert [r.problem for r in selectors.ledger(None, users["reporter"])] == [own]


def test_department_figures_count_found_signed_off_and_overdue(make_problem, education):
    past = TODAY - datetime.timedelta(days=1)
    later = TODAY + datetime.timedelta(days=10)
    make_problem(S.SIGNED_OFF, deadline=past)
    make_problem(S.PLANNED, deadline=past)
    make_problem(S.REQUESTED, deadline=past)  # handed in: not overdue
    make_problem(S.OPEN, deadline=later)
    make_problem(S.REOPENED, department=education, deadline=past)
    figures = {f.department.name: f for f in selectors.department_figures(today=TODAY)}
    guixi = figures["贵溪市人民政府"]
    assert (guixi.found, guixi.signed_off, guixi.in_progress, guixi.requested) == (
        4,
        1,
        2,
        1,
    )
    assert guixi.overdue == 1
    assert guixi.closure_rate == 25.0
    assert figures["市教育局"].overdue == 1
    assert figures["市教育局"].closure_rate == 0.0


def test_overdue_problems_are_the_users_own_past_their_deadline(
    users, make_problem, education
):
    past = TODAY - datetime.timedelta(days=3)
    late = make_problem(S.PLANNED, deadline=past)
    make_problem(S.REQUESTED, deadline=past)
    make_problem(S.PLANNED, deadline=TODAY)  # due today: not yet overdue
    make_problem(S.OPEN, department=education, deadline=past)
    assert list(selectors.overdue_problems(users["reporter"], TODAY)) == [late]
    assert selectors.overdue_problems(users["reviewer"], TODAY).count() == 2
