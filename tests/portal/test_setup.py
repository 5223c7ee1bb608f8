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
def test_setup_portal_loads_policy_and_one_demo_account_per_role(capsys):
    call_command("setup_portal", demo=True)
    call_command("setup_portal", demo=True)  # a second run changes nothing

    assert Task.objects.count() == 40
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
    items = progress_list(Target.objects.all(), today)
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
