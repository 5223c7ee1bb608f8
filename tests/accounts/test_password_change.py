"""A password someone else chose, or one too old, must be replaced before
the portal can be used: every page but the change page, sign-out and
static files sends the user to the change page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import RoleName
from accounts.services import user_create
from audit.models import AuditEvent
from tasks.models import Department
from tests.accounts.conftest import PASSWORD, sign_in

NEW_PASSWORD = "Jineng#2025ok"


@pytest.fixture
def newcomer(departments):
    return user_create(
        username="newcomer",
        password=PASSWORD,
        role=RoleName.REPORTER,
        department=Department.objects.get(name="贵溪市人民政府"),
    )


def change_password(client, old=PASSWORD, new=NEW_PASSWORD):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


@pytest.mark.django_db
def test_accounts_made_by_the_service_must_change_their_password(newcomer):
    assert newcomer.must_change_password
    assert newcomer.password_change_due()


@pytest.mark.django_db
def test_first_sign_in_leads_to_the_password_change_page(client, newcomer):
    response = sign_in(client, "newcomer")
    assert response.status_code == 302
    response = client.get(response.url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("password_change")
    assert "首次登录或密码被管理员重置后" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/tasks/",
        "/dispatch/mine/",
        "/targets/",
        "/accounts/locks/",
        "/admin/",
        "/audit/",
    ],
)
def test_every_other_page_sends_to_the_password_change_page(client, newcomer, url):
    client.force_login(newcomer)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == reverse("password_change")


@pytest.mark.django_db
def test_htmx_requests_are_sent_to_the_page_as_a_whole(client, newcomer):
    client.force_login(newcomer)
    response = client.get("/tasks/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("password_change")


@pytest.mark.django_db
def test_sign_out_and_static_files_stay_reachable(client, newcomer):
    client.force_login(newcomer)
    assert client.get("/static/css/portal.css").status_code != 302
    response = client.post(reverse("logout"))
    assert response.url == reverse("login")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_after_the_change_the_portal_opens_and_the_demand_is_cleared(client, newcomer):
    client.force_login(newcomer)
    response = change_password(client)
    assert response.status_code == 302
    assert response.url == reverse("home")

    newcomer.refresh_from_db()
    assert not newcomer.must_change_password
    assert timezone.now() - newcomer.password_changed_at < datetime.timedelta(minutes=1)
    assert newcomer.check_password(NEW_PASSWORD)
    # Still signed in, now through to the pages.
    assert client.get(reverse("dispatch:my-tasks")).status_code == 200
    event = AuditEvent.objects.get(action="account.change", object_repr="newcomer")
    assert event.before["must_change_password"] is True
    assert event.after["must_change_password"] is False
    assert NEW_PASSWORD not in str(event.after)


@pytest.mark.django_db
def test_a_new_password_breaking_the_rules_is_refused_in_chinese(client, newcomer):
    client.force_login(newcomer)
    response = change_password(client, new="newcomer1")
    assert response.status_code == 200
    text = response.content.decode()
    assert "密码必须同时包含字母、数字和符号。" in text
    assert "密码不能包含用户名。" in text
    newcomer.refresh_from_db()
    assert newcomer.must_change_password


@pytest.mark.django_db
def test_a_wrong_old_password_changes_nothing(client, newcomer):
    client.force_login(newcomer)
    response = change_password(client, old="Wrong#guess987")
    assert response.status_code == 200
    newcomer.refresh_from_db()
    assert newcomer.must_change_password
    assert newcomer.check_password(PASSWORD)


@pytest.mark.django_db
def test_an_expired_password_must_be_changed(client, users, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    reporter = users["reporter"]
    User.objects.filter(pk=reporter.pk).update(
        password_changed_at=timezone.now() - datetime.timedelta(days=89)
    )
    client.force_login(reporter)
    assert client.get(reverse("dispatch:my-tasks")).status_code == 200

    User.objects.filter(pk=reporter.pk).update(
        password_changed_at=timezone.now() - datetime.timedelta(days=91)
    )
    response = client.get(reverse("dispatch:my-tasks"))
    assert response.url == reverse("password_change")
    page = client.get(reverse("password_change"))
    assert "密码已超过有效期" in page.content.decode()

    change_password(client)
    assert client.get(reverse("dispatch:my-tasks")).status_code == 200


@pytest.mark.django_db
def test_without_a_recorded_change_the_age_counts_from_the_account(users):
    reporter = users["reporter"]
    now = timezone.now()
    assert not reporter.password_change_due(now + datetime.timedelta(days=89))
    assert reporter.password_change_due(now + datetime.timedelta(days=91))


@pytest.mark.django_db
def test_the_admins_own_password_page_leads_to_the_portals(client, staff):
    client.force_login(staff["security"])
    response = client.get("/admin/password_change/")
    assert response.url == reverse("password_change")
