"""The first command's setup and the policy kept as fixtures."""

import contextlib
import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from accounts.roles import RoleName
from dispatch.models import ReportState
from tasks.models import Task
from tests.tasks.snapshot import policy_snapshot

D = datetime.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST = "鹰办发〔2022〕22号"
DEMO_SECOND = "鹰人社发〔2025〕8号"  # 演示用, loaded with --demo only


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """The demo's supervision files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.django_db
def test_policy_fixture_loads_the_same_data_as_the_imports(policy):
    imported = policy_snapshot()
    Task.objects.all().delete()
    policy.key_tasks.all().delete()
    policy.sections.all().delete()
    policy.delete()
    assert policy_snapshot()["tasks"] == []

    call_command("loaddata", "policy-skills-yingtan", verbosity=0)
    assert policy_snapshot() == imported


@pytest.mark.django_db
def test_setup_portal_without_demo_loads_the_real_policy_only(capsys):
    from tasks.models import Policy

    call_command("setup_portal")
    assert list(Policy.objects.values_list("number", flat=True)) == [FIRST]
    assert Task.objects.count() == 40


@pytest.mark.django_db
def test_setup_portal_loads_policy_and_one_demo_account_per_role(capsys):
    call_command("setup_portal", demo=True)
    call_command("setup_portal", demo=True)  # a second run changes nothing

    assert Task.objects.filter(policy__number=FIRST).count() == 40
    assert Task.objects.filter(policy__number=DEMO_SECOND).count() == 10
    output = capsys.readouterr().out
    for role in RoleName:
        users = User.objects.filter(groups__name=role.label)
        assert users.exists(), role
        assert role.label in output
    assert User.objects.get(username="admin").is_staff
    assert not User.objects.get(username="reporter").is_staff
    assert User.objects.get(username="reporter").check_password("Yingtan#2025demo")
    loginable = [u.username for u in User.objects.all() if u.has_usable_password()]
    assert sorted(loginable) == sorted(
        [
            "admin",
            "reviewer",
            "reporter",
            "leader",
            "reporter-edu",
            "clerk-guixi",
            "security",
            "auditor",
        ]
    )


def demo_months(today: datetime.date) -> tuple[tuple[int, int], tuple[int, int]]:
    """The demo's first and last month: the four up to today inside the
    policy's span, its first four before it, its last half year after it;
    reaching back, inside the span, to the start of the last whole quarter
    (a 季通报 can always be drafted)."""
    if today < D(2023, 2, 13):
        return (2023, 2), (2023, 5)
    if today.year > 2025:
        return (2025, 7), (2025, 12)
    last = today.year * 12 + today.month - 1
    first = last - 3
    quarter = last - last % 3 - 3
    if quarter < first and quarter >= 2023 * 12 + 1:
        first = quarter
    return (first // 12, first % 12 + 1), (today.year, today.month)


# A new user may try the demo on any day. bin/test-dates runs the "today"
# case inside the policy's span, on its deadline, at a month end and two
# years after it; the day before the policy is tried here.
DEMO_DAYS = [
    pytest.param(D(2022, 7, 1), id="before-the-policy"),
    pytest.param(None, id="today", marks=pytest.mark.date_sensitive),
]


@pytest.mark.django_db
@pytest.mark.parametrize("today", DEMO_DAYS)
def test_demo_data_has_reports_in_every_state_and_late_ones(capsys, today):
    from dispatch.models import PeriodStatus, ProgressReport, ReportingPeriod
    from targets.models import Reading, Target
    from targets.selectors import progress_list

    clock = contextlib.nullcontext()
    if today is not None:
        moment = datetime.datetime.combine(today, datetime.time(10), SHANGHAI)
        clock = time_machine.travel(moment, tick=False)
    with clock:
        today = timezone.localdate()
        call_command("setup_portal", demo=True)
    states = set(ProgressReport.objects.values_list("state", flat=True))
    assert states == set(ReportState.values)
    assert ProgressReport.objects.filter(is_late=True).exists()
    assert ProgressReport.objects.filter(transitions__action="return").exists()
    periods = list(ReportingPeriod.objects.order_by("year", "month"))
    assert [p.status for p in periods] == [PeriodStatus.CLOSED] * (len(periods) - 1) + [
        PeriodStatus.OPEN
    ]
    first, last = periods[0], periods[-1]
    assert ((first.year, first.month), (last.year, last.month)) == demo_months(today)
    # Whatever the day, the months are the policy's own (2023 to 2025).
    assert all(2023 <= p.year <= 2025 for p in periods)
    # Nothing was written as of a day still to come, once the policy runs.
    assert not Reading.objects.filter(as_of__gt=today).exists()
    if today >= D(2023, 6, 1):
        assert not ProgressReport.objects.filter(submitted_at__date__gt=today).exists()

    # Every target extracted from the policy is confirmed and has readings
    # that put targets in every status.
    items = progress_list(Target.objects.filter(policy__number=FIRST), today)
    assert len(items) == 56
    assert {i.target.review_status for i in items} == {"accepted"}
    if today < D(2023, 2, 13):
        # Before the policy nothing can have been measured yet.
        assert not Reading.objects.exists()
        assert {i.status for i in items} == {"none"}
        return
    assert {i.status for i in items} == {"green", "yellow", "red"}
    running = [i for i in items if i.target.deadline >= today]
    judged = [i for i in items if i.target.deadline < today]
    assert all(i.verdict for i in judged)
    assert not any(i.stale for i in judged)
    if running:
        # A stale one among the red, and a red one that is not stale.
        assert any(i.stale for i in running)
        assert any(i.status == "red" and not i.stale for i in running)
        assert {i.status for i in running} == {"green", "yellow", "red"}
    else:
        # After 2025 every target is judged: achieved, or missed by a
        # little (yellow) or by far (red).
        assert {i.verdict for i in judged} == {"achieved", "missed"}
        assert {i.status for i in judged if i.verdict == "missed"} == {
            "yellow",
            "red",
        }


@pytest.mark.django_db
def test_demo_reports_keep_to_the_time_elapsed_like_a_real_quarter(capsys):
    """The demo's 完成度 and proposed statuses follow 序时进度: its 2025 Q3
    bulletin has most tasks on pace, a handful 滞后, two or three 严重滞后
    and a few finished, not a random spread."""
    from bulletins.selectors.figures import PROPOSED_LIGHTS, bulletin_figures
    from dispatch.models import ProgressReport, ProgressStatus
    from targets.models import Reading, Target
    from tasks.models import Policy, Role

    today = D(2026, 1, 10)
    moment = datetime.datetime.combine(today, datetime.time(10), SHANGHAI)
    with time_machine.travel(moment, tick=False):
        call_command("setup_portal", demo=True)
    policy = Policy.objects.get(number=FIRST)
    second = Policy.objects.get(number=DEMO_SECOND)
    assert "演示用" in second.text

    # The first policy's figures are those of a demo without the second:
    # its reports written, and readings; the second has its own few.
    written = ProgressReport.objects.exclude(progress="")
    assert written.filter(task__policy=policy).count() == 1421
    assert written.filter(task__policy=second).count() == 192
    readings = Reading.objects.filter(target__review_status="accepted")
    assert readings.filter(target__policy=policy).count() == 632
    assert readings.filter(target__policy=second).count() == 30
    assert Target.objects.filter(policy=second).count() == 8
    assert set(
        ProgressReport.objects.filter(task__policy=second).values_list(
            "state", flat=True
        )
    ) == set(ReportState.values)

    def figures(first, last):
        return bulletin_figures(policy=policy, first=first, last=last, today=today)

    lights = figures((2025, 7), (2025, 9))["lights"]
    assert sum(lights.values()) == 40
    assert lights["on_pace"] > 25
    assert 3 <= lights["lagging"] <= 8
    assert 2 <= lights["seriously_lagging"] <= 3
    assert 2 <= lights["completed"] <= 5

    # Each approved lead report's own light, its 完成度 against 序时进度 at
    # the end of its month, is the one its department proposed, but for
    # the one task whose departments call it on track when it lags.
    elapsed = {m: figures((2025, m), (2025, m))["elapsed_percent"] for m in (7, 8, 9)}
    assert elapsed[7] < elapsed[8] < elapsed[9] < 100
    reports = ProgressReport.objects.filter(
        task__policy=policy,
        period__year=2025,
        period__month__in=elapsed,
        role=Role.LEAD,
        state=ReportState.APPROVED,
    ).values("task_id", "period__month", "proposed_status", "completion")
    disagreeing = set()
    for report in reports:
        month, completion = report["period__month"], report["completion"]
        assert completion is not None
        if completion == 100:
            light = "completed"
        elif completion >= elapsed[month]:
            light = "green"
        else:
            light = "yellow" if completion >= elapsed[month] - 20 else "red"
        if light != PROPOSED_LIGHTS[report["proposed_status"]]:
            disagreeing.add(report["task_id"])
    assert len(disagreeing) == 1
    assert set(ProgressReport.objects.values_list("proposed_status", flat=True)) >= {
        ProgressStatus.ON_TRACK,
        ProgressStatus.AT_RISK,
        ProgressStatus.BEHIND,
        ProgressStatus.COMPLETED,
    }

    # A department never reports less done than the month before.
    last: dict[tuple[int, int], int] = {}
    for report in (
        ProgressReport.objects.exclude(completion=None)
        .order_by("period__year", "period__month")
        .values("task_id", "department_id", "completion")
    ):
        key = (report["task_id"], report["department_id"])
        assert report["completion"] >= last.get(key, 0)
        last[key] = report["completion"]
