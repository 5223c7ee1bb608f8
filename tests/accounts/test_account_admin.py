"""The security administrator creates accounts with a department and one
role, and changes roles, in the admin; every change goes through the
account services and is recorded."""

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.roles import RoleName, role_names
from accounts.services import AccountError, user_set_role
from audit.models import AuditEvent
from tasks.models import Department

NEW_PASSWORD = "Jineng#2025ok"


def add_form(**changes):
    data = {
        "username": "liming",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "last_name": "李",
        "first_name": "明",
        "email": "",
        "department": Department.objects.get(name="市教育局").pk,
        "role": RoleName.REPORTER,
        "_save": "保存",
    }
    data.update(changes)
    return data


def change_form(user, **changes):
    data = {
        "username": user.username,
        "last_name": user.last_name,
        "first_name": user.first_name,
        "email": user.email,
        "department": user.department_id or "",
        "role": sorted(role_names(user))[0],
        "is_active": "on" if user.is_active else "",
        "must_change_password": "on" if user.must_change_password else "",
        "_save": "保存",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def roles_of(user) -> set[str]:
    return role_names(User.objects.get(pk=user.pk))


@pytest.mark.django_db
def test_the_security_admin_creates_an_account_with_one_role(client, staff):
    client.force_login(staff["security"])
    response = client.post(reverse("admin:accounts_user_add"), add_form())
    assert response.status_code == 302, response.context["adminform"].form.errors

    user = User.objects.get(username="liming")
    assert roles_of(user) == {RoleName.REPORTER}
    assert user.department.name == "市教育局"
    assert user.must_change_password
    assert not user.is_staff
    assert not user.is_superuser
    assert user.check_password(NEW_PASSWORD)
    created = AuditEvent.objects.get(action="account.create", object_id=user.pk)
    assert created.actor_username == "security"
    assert NEW_PASSWORD not in str(created.after)
    assert AuditEvent.objects.get(action="account.roles").after == {
        "roles": ["reporter"]
    }


@pytest.mark.django_db
def test_a_new_password_must_follow_the_rules(client, staff):
    client.force_login(staff["security"])
    response = client.post(
        reverse("admin:accounts_user_add"),
        add_form(password1="liming2025", password2="liming2025"),
    )
    assert response.status_code == 200
    assert "密码必须同时包含字母、数字和符号。" in response.content.decode()
    assert not User.objects.filter(username="liming").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [RoleName.REPORTER, RoleName.LEADER])
def test_department_roles_need_a_department(client, staff, role):
    client.force_login(staff["security"])
    response = client.post(
        reverse("admin:accounts_user_add"), add_form(department="", role=role)
    )
    assert response.status_code == 200
    assert "必须选择所属部门" in response.content.decode()


@pytest.mark.django_db
def test_the_security_admin_changes_a_role_and_it_is_recorded(client, staff):
    reporter = staff["reporter"]
    client.force_login(staff["security"])
    response = client.post(
        reverse("admin:accounts_user_change", args=[reporter.pk]),
        change_form(reporter, role=RoleName.LEADER),
    )
    assert response.status_code == 302
    assert roles_of(reporter) == {RoleName.LEADER}
    event = AuditEvent.objects.get(action="account.roles", object_repr="reporter")
    assert event.before == {"roles": ["reporter"]}
    assert event.after == {"roles": ["leader"]}
    assert event.actor_username == "security"


@pytest.mark.django_db
def test_staff_status_follows_the_role(client, staff):
    reviewer = staff["reviewer"]
    client.force_login(staff["security"])
    client.post(
        reverse("admin:accounts_user_change", args=[reviewer.pk]),
        change_form(reviewer, role=RoleName.SYSADMIN),
    )
    assert User.objects.get(pk=reviewer.pk).is_staff
    client.post(
        reverse("admin:accounts_user_change", args=[reviewer.pk]),
        change_form(reviewer, role=RoleName.AUDITOR),
    )
    assert not User.objects.get(pk=reviewer.pk).is_staff


@pytest.mark.django_db
def test_other_changes_are_recorded_before_and_after(client, staff):
    reporter = staff["reporter"]
    client.force_login(staff["security"])
    client.post(
        reverse("admin:accounts_user_change", args=[reporter.pk]),
        change_form(reporter, is_active="", email="a@yingtan.gov.cn"),
    )
    event = AuditEvent.objects.get(action="account.change", object_repr="reporter")
    assert event.before == {"email": "", "is_active": True}
    assert event.after == {"email": "a@yingtan.gov.cn", "is_active": False}
    assert not AuditEvent.objects.filter(action="account.roles").exists()


@pytest.mark.django_db
def test_the_forms_offer_no_way_to_raise_privileges(client, staff):
    reporter = staff["reporter"]
    client.force_login(staff["security"])
    client.post(
        reverse("admin:accounts_user_change", args=[reporter.pk]),
        change_form(
            reporter,
            is_superuser="on",
            is_staff="on",
            groups=[1, 2, 3],
            user_permissions=[1, 2],
        ),
    )
    reporter = User.objects.get(pk=reporter.pk)
    assert not reporter.is_superuser
    assert not reporter.is_staff
    assert role_names(reporter) == {RoleName.REPORTER}
    assert not reporter.user_permissions.exists()


@pytest.mark.django_db
def test_nobody_changes_their_own_role(client, staff):
    security = staff["security"]
    client.force_login(security)
    response = client.post(
        reverse("admin:accounts_user_change", args=[security.pk]),
        change_form(security, role=RoleName.REVIEWER),
    )
    assert response.status_code == 200
    assert "不能修改自己的角色" in response.content.decode()
    assert roles_of(security) == {RoleName.SECURITY}
    with pytest.raises(AccountError):
        user_set_role(user=security, role=RoleName.REVIEWER, actor=security)


@pytest.mark.django_db
def test_a_superusers_account_is_out_of_the_security_admins_reach(client, staff):
    root = User.objects.create_superuser("chief", password=NEW_PASSWORD)
    client.force_login(staff["security"])
    url = reverse("admin:accounts_user_change", args=[root.pk])
    assert (
        client.post(url, {"username": "chief", "role": "reporter"}).status_code == 403
    )
    password_url = reverse("admin:auth_user_password_change", args=[root.pk])
    assert client.get(password_url).status_code == 403


@pytest.mark.django_db
def test_a_password_set_by_an_administrator_must_be_changed(client, staff):
    reporter = staff["reporter"]
    assert not reporter.must_change_password
    client.force_login(staff["security"])
    response = client.post(
        reverse("admin:auth_user_password_change", args=[reporter.pk]),
        {
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    reporter = User.objects.get(pk=reporter.pk)
    assert reporter.check_password(NEW_PASSWORD)
    assert reporter.must_change_password
    event = AuditEvent.objects.get(action="account.change", object_repr="reporter")
    assert event.actor_username == "security"
    assert NEW_PASSWORD not in str(event.after)


@pytest.mark.django_db
def test_the_user_list_shows_roles_in_a_fixed_number_of_queries(
    client, staff, django_assert_max_num_queries
):
    client.force_login(staff["security"])
    url = reverse("admin:accounts_user_changelist")
    client.get(url)
    with django_assert_max_num_queries(14) as small:
        response = client.get(url)
    assert "部门填报员" in response.content.decode()
    for number in range(20):
        User.objects.create(username=f"extra{number}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)
