"""The demo's supervision round: problems in every state, overdue ones,
extensions granted and pending, both kinds of 回头看, on whatever day the
demo is made, and only once."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from portal.demo import demo_authors, demo_day
from supervision import selectors
from supervision.demo import demo_supervision_create, round_dates
from supervision.models import (
    OPEN_STATES,
    Extension,
    Problem,
    ProblemEvidence,
    ProblemState,
    ProblemTransition,
    ProgressEntry,
    Round,
    Visit,
)

D = datetime.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Inside the policy in its second half year and early in a year (the
# round is then the year before's second half), after it, and before it.
DAYS = [
    pytest.param(D(2024, 9, 10), id="inside-the-policy"),
    pytest.param(D(2025, 3, 5), id="inside-early-in-a-year"),
    pytest.param(D(2026, 12, 1), id="after-the-policy"),
    pytest.param(D(2022, 7, 1), id="before-the-policy"),
]


def _travel(day: datetime.date):
    moment = datetime.datetime.combine(day, datetime.time(10), SHANGHAI)
    return time_machine.travel(moment, tick=False)


def _make(users) -> tuple[Round, datetime.date]:
    stand = demo_day(timezone.localdate())
    round = demo_supervision_create(
        reviewer=users["reviewer"], authors=demo_authors(), today=stand
    )
    return round, stand


@pytest.mark.django_db
@pytest.mark.parametrize("day", DAYS)
def test_demo_round_has_problems_in_every_state_and_overdue_ones(policy, users, day):
    with _travel(day):
        round, stand = _make(users)

    problems = Problem.objects.filter(round=round)
    assert set(problems.values_list("state", flat=True)) == set(ProblemState.values)
    overdue = problems.filter(state__in=OPEN_STATES, deadline__lt=stand)
    assert {p.state for p in overdue} == set(OPEN_STATES)
    assert list(selectors.overdue_problems(users["reviewer"], stand))
    # Plans, progress with evidence, sign-off requests with evidence.
    assert all(p.has_plan for p in problems.exclude(state=ProblemState.OPEN))
    assert not any(p.has_plan for p in problems.filter(state=ProblemState.OPEN))
    assert ProgressEntry.objects.filter(evidence__isnull=False).exists()
    assert ProblemEvidence.objects.filter(entry=None).exists()
    # One extension granted (its deadline moved), one waiting.
    granted = Extension.objects.get(decision="granted")
    assert granted.problem.deadline == granted.new_deadline > stand
    assert Extension.objects.filter(decision="pending").count() == 1
    # 回头看: one found nothing (signed off still), one reopened the problem.
    recheck = ProblemTransition.objects.get(action="recheck")
    assert recheck.from_state == recheck.to_state == ProblemState.SIGNED_OFF
    assert recheck.problem.state == ProblemState.SIGNED_OFF
    reopen = ProblemTransition.objects.get(action="reopen")
    assert reopen.reason and reopen.problem.state == ProblemState.REOPENED
    assert ProblemTransition.objects.filter(action="return").count() == 2

    # The dates read in order, inside the round and up to the demo's day.
    assert round.notified_at is not None and round.leader == users["reviewer"]
    assert round.starts_on <= round.ends_on <= stand
    assert round.half == (1 if round.starts_on.month <= 6 else 2)
    assert round.title == f"{round.year}年{'上下'[round.half - 1]}半年督导"
    policy_day = policy.issued_on
    assert round.starts_on >= policy_day
    visits = Visit.objects.filter(round=round)
    assert visits.count() == 5 == round.departments.count()
    assert all(round.starts_on <= v.visited_on <= round.ends_on for v in visits)
    moments = [timezone.localtime(t.at) for t in ProblemTransition.objects.all()]
    moments += [timezone.localtime(e.entered_at) for e in ProgressEntry.objects.all()]
    assert all(round.starts_on <= m.date() <= stand for m in moments)
    assert all(datetime.time(9) <= m.time() <= datetime.time(17) for m in moments)
    for problem in problems:
        steps = list(problem.transitions.order_by("pk").values_list("at", flat=True))
        assert steps == sorted(steps)
    if day.year > 2025:
        assert round.title == "2025年上半年督导"
        assert round.starts_on == D(2025, 6, 1)


@pytest.mark.django_db
def test_demo_is_the_same_whenever_it_is_made_on_the_same_day(policy, users):
    def made():
        with _travel(D(2025, 10, 8)), transaction.atomic():
            round, _ = _make(users)
            rows = [row.values for row in selectors.ledger(round, users["reviewer"])]
            moves = list(
                ProblemTransition.objects.order_by("problem__number", "pk").values_list(
                    "problem__number", "action", "at", "reason"
                )
            )
            transaction.set_rollback(True)
        return rows, moves

    first = made()
    assert first[0] and first[1]
    assert made() == first


def test_round_is_the_last_half_year_begun_two_months_before_the_day():
    issued = D(2023, 2, 13)
    assert round_dates(D(2025, 12, 20), issued) == (
        2025,
        1,
        D(2025, 6, 1),
        D(2025, 6, 20),
    )
    assert round_dates(D(2025, 7, 31), issued)[:3] == (2025, 1, D(2025, 6, 1))
    assert round_dates(D(2025, 7, 30), issued)[:3] == (2024, 2, D(2024, 12, 1))
    # Early in the policy no whole half year has begun: the round begins
    # two months before the day, not before the policy.
    assert round_dates(D(2023, 5, 20), issued)[:3] == (2023, 1, D(2023, 3, 21))
    assert round_dates(D(2023, 3, 1), issued)[:3] == (2023, 1, issued)


@pytest.mark.django_db
def test_setup_portal_demo_twice_makes_one_round():
    out = io.StringIO()
    with _travel(D(2026, 12, 1)):
        call_command("setup_portal", demo=True, stdout=out)
        counts = (Problem.objects.count(), ProblemTransition.objects.count())
        call_command("setup_portal", demo=True, stdout=out)

    assert Round.objects.get().title == "2025年上半年督导"
    assert (Problem.objects.count(), ProblemTransition.objects.count()) == counts
    assert Visit.objects.count() == 5
    assert out.getvalue().count("已建立2025年上半年督导") == 1
