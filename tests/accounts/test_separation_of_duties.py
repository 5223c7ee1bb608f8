"""三员分立: the system administrator runs the portal's data but neither
accounts, roles nor the audit trail; the security administrator manages
accounts and roles and sees no business data; the auditor reads the audit
trail and nothing else."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import ROLE_PERMISSIONS, STAFF_ROLES, RoleName
from dispatch.models import ProgressReport

ROLES = ["sysadmin", "security", "auditor", "reviewer"]


def perms_of(user) -> set[str]:
    return user.get_all_permissions()


@pytest.mark.django_db
def test_each_duty_holds_only_its_own_permissions(staff):
    sysadmin = perms_of(staff["sysadmin"])
    security = perms_of(staff["security"])
    auditor = perms_of(staff["auditor"])

    assert not {p for p in sysadmin if p.split(".")[0] in {"auth", "accounts"}}
    assert "audit.view_audit_trail" not in sysadmin
    assert security == {
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_user",
        "auth.view_group",
    }
    assert auditor == {"audit.view_audit_trail"}
    holders = [
        role
        for role, perms in ROLE_PERMISSIONS.items()
        if "audit.view_audit_trail" in perms
        or any(p.startswith(("accounts.", "auth.")) for p in perms)
    ]
    assert sorted(holders) == [RoleName.AUDITOR, RoleName.SECURITY]
    assert {RoleName.SYSADMIN, RoleName.SECURITY} == STAFF_ROLES


def urls(staff, report):
    user_pk = staff["reporter"].pk
    group_pk = Group.objects.get(name=RoleName.REPORTER.label).pk
    return {
        "user-list": reverse("admin:accounts_user_changelist"),
        "user-add": reverse("admin:accounts_user_add"),
        "user-change": reverse("admin:accounts_user_change", args=[user_pk]),
        "user-password": reverse("admin:auth_user_password_change", args=[user_pk]),
        "group-list": reverse("admin:auth_group_changelist"),
        "group-change": reverse("admin:auth_group_change", args=[group_pk]),
        "task-admin": reverse("admin:tasks_task_changelist"),
        "dashboard": reverse("dispatch:dashboard"),
        "review-queue": reverse("dispatch:review-queue"),
        "my-tasks": reverse("dispatch:my-tasks"),
        "report": reverse("dispatch:report-detail", args=[report.pk]),
        "audit": reverse("audit:event-list"),
        "locks": reverse("accounts:locks"),
    }


# The admin answers 302 (to its own sign-in) to a signed-in user who is not
# staff, and 403 to staff without the permission.
EXPECTED = {
    #                sysadmin security auditor reviewer
    "user-list": (403, 200, 302, 302),
    "user-add": (403, 200, 302, 302),
    "user-change": (403, 200, 302, 302),
    "user-password": (403, 200, 302, 302),
    "group-list": (403, 200, 302, 302),
    "group-change": (403, 200, 302, 302),
    "task-admin": (200, 403, 302, 302),
    "dashboard": (403, 403, 403, 200),
    "review-queue": (403, 403, 403, 200),
    "my-tasks": (403, 403, 403, 403),
    "report": (404, 404, 404, 200),
    "audit": (403, 403, 200, 403),
    "locks": (403, 200, 403, 403),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(EXPECTED))
def test_who_reaches_which_page(client, staff, period, role, page):
    report = ProgressReport.objects.filter(period=period).first()
    client.force_login(staff[role])
    response = client.get(urls(staff, report)[page])
    assert response.status_code == EXPECTED[page][ROLES.index(role)]


@pytest.mark.django_db
def test_the_security_admin_sees_only_users_and_groups_in_the_admin(client, staff):
    client.force_login(staff["security"])
    response = client.get(reverse("admin:index"))
    shown = {
        (app["app_label"], model["object_name"])
        for app in response.context["app_list"]
        for model in app["models"]
    }
    assert shown == {("accounts", "User"), ("auth", "Group")}


@pytest.mark.django_db
def test_the_sysadmin_sees_no_accounts_in_the_admin(client, staff):
    client.force_login(staff["sysadmin"])
    response = client.get(reverse("admin:index"))
    labels = {app["app_label"] for app in response.context["app_list"]}
    assert "tasks" in labels
    assert not labels & {"accounts", "auth", "audit", "axes"}


@pytest.mark.django_db
def test_the_security_admin_cannot_change_what_a_role_may_do(client, staff):
    group = Group.objects.get(name=RoleName.SECURITY.label)
    before = set(group.permissions.values_list("pk", flat=True))
    client.force_login(staff["security"])
    response = client.post(
        reverse("admin:auth_group_change", args=[group.pk]),
        {"name": group.name, "permissions": []},
    )
    assert response.status_code == 403
    assert set(group.permissions.values_list("pk", flat=True)) == before


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["security", "auditor"])
def test_the_menu_of_the_security_admin_and_auditor_holds_no_business_pages(
    client, staff, role
):
    client.force_login(staff[role])
    response = client.get(reverse("tasks:task-list"))
    labels = [label for label, _ in response.context["nav_items"]]
    assert not {"本期任务", "调度看板", "审核队列", "填报期"} & set(labels)
