"""Five failed sign-ins lock the username, wherever they come from, for
15 minutes; twenty from one address, across several accounts, lock the
address. One person's typos never lock a colleague sharing the address.
The login page warns before the last tries, the lock page names what is
locked and until when, and the security administrator (安全管理员) can lift
a lock before then."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.db.models import F
from django.urls import reverse

from audit.models import AuditEvent
from tests.accounts.conftest import sign_in

WRONG = "Wrong#guess987"
ACCOUNT_LOCKED = "账号“{}”登录失败 5 次,已锁定至"
ADDRESS_LOCKED = "地址 {} 尝试登录多个账号、失败 20 次,此地址已锁定至"
NOW = datetime.datetime(2026, 12, 1, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


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
    assert ACCOUNT_LOCKED.format("reporter") in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_one_persons_typos_do_not_lock_a_colleague_at_the_same_address(client, users):
    """An office behind NAT: every sign-in comes from one address."""
    assert fail(client, "reporter", 5, address="10.0.9.9").status_code == 429
    # Still locked, and the tries during the lock count against nobody.
    for _ in range(20):
        sign_in(client, "reporter", WRONG, address="10.0.9.9")
    assert signed_in(sign_in(client, "leader", address="10.0.9.9"))
    assert sign_in(client, "reporter", address="10.0.9.9").status_code == 429


@pytest.mark.django_db
def test_three_colleagues_locking_themselves_do_not_lock_a_fourth(client, users):
    for name in ["reporter", "reviewer", "sysadmin"]:
        fail(client, name, 5, address="10.0.9.9")
    assert signed_in(sign_in(client, "leader", address="10.0.9.9"))


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_lock_page_names_the_account_and_the_time_it_ends(client, users):
    response = fail(client, "reporter", 5)
    page = response.content.decode()
    assert "账号“reporter”登录失败 5 次,已锁定至 2026-12-01 09:45" in page
    assert "此地址" not in page


@pytest.mark.django_db
def test_the_account_is_locked_whatever_address_it_is_tried_from(client, users):
    for number in range(5):
        sign_in(client, "reporter", WRONG, address=f"10.0.1.{number}")
    assert sign_in(client, "reporter", address="10.0.2.1").status_code == 429
    # The addresses are not locked: another account signs in from them.
    assert signed_in(sign_in(client, "leader", address="10.0.1.4"))


def spray(client, address, accounts=10, each=2):
    """An address trying a few passwords on many accounts."""
    for number in range(accounts):
        for _ in range(each):
            response = sign_in(client, f"guess{number}", WRONG, address=address)
    return response


@pytest.mark.django_db
def test_an_address_trying_many_accounts_is_locked(client, users):
    assert spray(client, "10.0.3.3", accounts=9, each=2).status_code == 200
    assert sign_in(client, "reporter", WRONG, address="10.0.3.3").status_code == 200
    response = sign_in(client, "leader", WRONG, address="10.0.3.3")
    assert response.status_code == 429
    # The right password of an account never tried is refused from there.
    response = sign_in(client, "reviewer", address="10.0.3.3")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # The accounts are not locked: from elsewhere they sign in.
    assert signed_in(sign_in(client, "reporter", address="10.0.4.4"))
    assert signed_in(sign_in(client, "leader", address="10.0.4.4"))


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_lock_page_names_the_address_and_the_time_it_ends(client, users):
    response = spray(client, "10.0.3.3", accounts=10, each=2)
    assert response.status_code == 429
    page = response.content.decode()
    assert ADDRESS_LOCKED.format("10.0.3.3") + " 2026-12-01 09:45" in page
    assert "账号“" not in page


def warning(response) -> str | None:
    page = response.content.decode()
    start = page.find("密码错误,还可尝试")
    return None if start < 0 else page[start : page.index("</p>", start)]


@pytest.mark.django_db
def test_the_login_page_counts_down_the_last_tries(client, users):
    warnings = [warning(sign_in(client, "reporter", WRONG)) for _ in range(4)]
    assert warnings == [
        None,
        "密码错误,还可尝试 3 次;再失败 3 次,账号“reporter”将锁定 15 分钟。",
        "密码错误,还可尝试 2 次;再失败 2 次,账号“reporter”将锁定 15 分钟。",
        "密码错误,还可尝试 1 次;再失败 1 次,账号“reporter”将锁定 15 分钟。",
    ]
    # A colleague at the same address starts with no warning.
    assert warning(sign_in(client, "leader", WRONG)) is None


@pytest.mark.django_db
def test_an_unknown_username_is_warned_like_a_known_one(client, users):
    """Else the warning would tell which usernames exist."""
    responses = [sign_in(client, "nobody", WRONG) for _ in range(4)]
    assert "账号“nobody”将锁定" in warning(responses[-1])


@pytest.mark.django_db
def test_the_warning_names_the_address_when_its_lock_is_nearer(client, users):
    spray(client, "10.0.3.3", accounts=9, each=2)
    response = sign_in(client, "reporter", WRONG, address="10.0.3.3")
    assert warning(response) == (
        "密码错误,还可尝试 1 次;再失败 1 次,本地址(10.0.3.3)将锁定 15 分钟。"
    )


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
    # One account's failures lock the account, not the address.
    assert "10.0.6.6" not in page.content.decode()

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
    spray(client, "10.0.8.8", accounts=10, each=2)
    assert sign_in(client, "reporter", address="10.0.8.8").status_code == 429
    client.force_login(staff["security"])
    page = client.get(reverse("accounts:locks")).content.decode()
    assert "10.0.8.8" in page
    assert "guess1" not in page
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
