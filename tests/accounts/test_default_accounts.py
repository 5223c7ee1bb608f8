"""No shared or default account is left active: setting up the portal
makes no account at all, demo accounts must change their password first,
and ``check --deploy`` names any generic or password-less active account."""

import io

import pytest
from django.core.checks import run_checks
from django.core.management import call_command

from accounts.checks import check_default_accounts
from accounts.models import User
from accounts.roles import RoleName
from tests.factories import UserFactory


def warning_ids() -> list[str]:
    return [w.id for w in check_default_accounts(None)]


@pytest.mark.django_db
def test_setting_up_the_portal_leaves_no_account_active():
    call_command("setup_portal", stdout=io.StringIO())
    assert not User.objects.filter(is_active=True).exists()


@pytest.mark.django_db
def test_every_demo_account_must_change_its_password_first():
    out = io.StringIO()
    call_command("setup_portal", demo=True, stdout=out)
    demo = User.objects.filter(groups__isnull=False).exclude(password__startswith="!")
    names = {u.username: u for u in demo}
    assert {"security", "auditor"} <= set(names)
    assert names["security"].groups.get().name == RoleName.SECURITY.label
    assert names["auditor"].groups.get().name == RoleName.AUDITOR.label
    assert names["security"].is_staff
    assert not names["auditor"].is_staff
    assert all(u.must_change_password for u in demo)
    assert "首次登录须修改密码" in out.getvalue()


@pytest.mark.django_db
def test_real_named_accounts_raise_no_warning(users):
    assert warning_ids() == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["admin", "Root", "test", "demo"])
def test_an_active_generic_account_is_named(name):
    UserFactory(username=name).save()
    found = check_default_accounts(None)
    assert [w.id for w in found] == ["accounts.W001"]
    assert name in found[0].msg


@pytest.mark.django_db
def test_a_disabled_generic_account_is_not_named():
    user = UserFactory(username="admin", is_active=False)
    user.save()
    assert warning_ids() == []


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["", "!unusable"])
def test_an_active_account_without_a_usable_password_is_named(password):
    User.objects.create(username="zhaolei", password=password)
    found = check_default_accounts(None)
    assert [w.id for w in found] == ["accounts.W002"]
    assert "zhaolei" in found[0].msg


@pytest.mark.django_db
def test_the_check_runs_with_the_deployment_checks():
    UserFactory(username="admin").save()
    deploy = [w.id for w in run_checks(include_deployment_checks=True)]
    assert "accounts.W001" in deploy
    assert "accounts.W001" not in [w.id for w in run_checks()]
