"""Five failed sign-ins lock the username, and separately the address
they came from, for 15 minutes; the lock is shown in Chinese, and the
security administrator (安全管理员) can lift it before then."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.db.models import F
from django.urls import reverse

from audit.models import AuditEvent
from tests.accounts.conftest import sign_in

WRONG = "Wrong#guess987"
LOCKED_TEXT = "登录失败次数过多,账号已锁定 15 分钟,请稍后再试或联系安全管理员解锁"


def fail(client, username, times, address="10.0.0.1"):
    for _ in range(times):
        response = sign_in(client, username, WRONG, address=address)
    return response


def signed_in(response) -> bool:
    return response.status_code == 302 and response.url == reverse("home")


def time_passes(minutes):
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - datetime.timedelta(minutes=minutes)
    )


@pytest.mark.django_db
def test_four_failures_do_not_lock(client, users):
    response = fail(client, "reporter", 4)
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert signed_in(sign_in(client, "reporter"))


@pytest.mark.django_db
def test_the_fifth_failure_locks_and_the_right_password_is_then_refused(client, users):
    response = fail(client, "reporter", 5)
    assert response.status_code == 429
    response = sign_in(client, "reporter")
    assert response.status_code == 429
    assert LOCKED_TEXT in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_account_is_locked_whatever_address_it_is_tried_from(client, users):
    for number in range(5):
        sign_in(client, "reporter", WRONG, address=f"10.0.1.{number}")
    assert sign_in(client, "reporter", address="10.0.2.1").status_code == 429
    # The addresses are not locked: another account signs in from them.
    assert signed_in(sign_in(client, "leader", address="10.0.1.4"))


@pytest.mark.django_db
def test_the_address_is_locked_whatever_account_is_tried_from_it(client, users):
    for name in ["reviewer", "leader", "nobody", "sysadmin", "other"]:
        sign_in(client, name, WRONG, address="10.0.3.3")
    response = sign_in(client, "reporter", address="10.0.3.3")
    assert response.status_code == 429
    assert LOCKED_TEXT in response.content.decode()
    # The accounts are not locked: from elsewhere they sign in.
    assert signed_in(sign_in(client, "reporter", address="10.0.4.4"))


@pytest.mark.django_db
def test_the_lock_ends_after_fifteen_minutes(client, users):
    fail(client, "reporter", 5)
    time_passes(14)
    assert sign_in(client, "reporter").status_code == 429
    time_passes(16)
    assert signed_in(sign_in(client, "reporter"))


@pytest.mark.django_db
def test_failures_are_logged(client, users):
    fail(client, "reporter", 2, address="10.0.5.5")
    logged = AccessFailureLog.objects.filter(username="reporter")
    assert logged.count() == 2
    assert {f.ip_address for f in logged} == {"10.0.5.5"}
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 2


@pytest.mark.django_db
def test_the_security_admin_sees_the_locks_and_unlocks_an_account(client, staff):
    fail(client, "reporter", 5, address="10.0.6.6")
    client.force_login(staff["security"])
    page = client.get(reverse("accounts:locks"))
    assert page.status_code == 200
    assert "reporter" in page.content.decode()
    assert "10.0.6.6" in page.content.decode()

    response = client.post(reverse("accounts:unlock"), {"username": "reporter"})
    assert response.url == reverse("accounts:locks")
    client.logout()
    assert signed_in(sign_in(client, "reporter", address="10.0.7.7"))

    event = AuditEvent.objects.get(action="account.unlock")
    assert event.actor_username == "security"
    assert event.object_repr == "reporter"
    assert event.object_type == "accounts.user"


@pytest.mark.django_db
def test_the_security_admin_unlocks_an_address(client, staff):
    for name in ["a1", "a2", "a3", "a4", "a5"]:
        sign_in(client, name, WRONG, address="10.0.8.8")
    client.force_login(staff["security"])
    client.post(reverse("accounts:unlock"), {"ip_address": "10.0.8.8"})
    client.logout()
    assert signed_in(sign_in(client, "reporter", address="10.0.8.8"))
    assert AuditEvent.objects.get(action="account.unlock").object_repr == "10.0.8.8"


@pytest.mark.django_db
def test_an_unlock_naming_nothing_unlocks_nothing(client, staff):
    fail(client, "reporter", 5)
    client.force_login(staff["security"])
    response = client.post(reverse("accounts:unlock"), {}, follow=True)
    assert "请指定要解锁的一个用户名或一个地址" in response.content.decode()
    assert AccessAttempt.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["reporter", "reviewer", "sysadmin", "auditor"])
def test_other_roles_cannot_unlock(client, staff, role):
    fail(client, "leader", 5)
    client.force_login(staff[role])
    assert client.get(reverse("accounts:locks")).status_code == 403
    response = client.post(reverse("accounts:unlock"), {"username": "leader"})
    assert response.status_code == 403
    assert AccessAttempt.objects.filter(username="leader").exists()
    assert not AuditEvent.objects.filter(action="account.unlock").exists()
