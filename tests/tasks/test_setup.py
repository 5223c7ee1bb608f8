"""The first command's setup and the policy kept as fixtures."""

import pytest
from django.core.management import call_command

from accounts.models import User
from accounts.roles import RoleName
from tasks.models import ReportState, Task
from tests.tasks.snapshot import policy_snapshot


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


@pytest.mark.django_db
def test_demo_data_has_reports_in_every_state_and_late_ones(capsys):
    from tasks.models import PeriodStatus, ProgressReport, ReportingPeriod

    call_command("setup_portal", demo=True)
    states = set(ProgressReport.objects.values_list("state", flat=True))
    assert states == set(ReportState.values)
    assert ProgressReport.objects.filter(is_late=True).exists()
    assert ProgressReport.objects.filter(transitions__action="return").exists()
    statuses = list(ReportingPeriod.objects.values_list("status", flat=True))
    assert statuses.count(PeriodStatus.OPEN) == 1
    assert statuses.count(PeriodStatus.CLOSED) == 3

    # Every target extracted from the policy is confirmed and has readings
    # that put targets in every status, a stale one among the red.
    from targets.models import Target
    from targets.selectors import progress_list

    items = progress_list(Target.objects.all())
    assert len(items) == 56
    assert {i.target.review_status for i in items} == {"accepted"}
    assert {i.status for i in items} == {"green", "yellow", "red"}
    assert any(i.stale for i in items)
    assert any(i.status == "red" and not i.stale for i in items)
