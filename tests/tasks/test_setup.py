"""The first command's setup and the policy kept as fixtures."""

import pytest
from django.core.management import call_command

from accounts.models import User
from accounts.roles import RoleName
from tasks.models import Task
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
    assert User.objects.count() == 5
