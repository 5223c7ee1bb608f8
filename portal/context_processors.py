from django.urls import reverse

from accounts import permissions as account_permissions
from assessment import permissions as assessment_permissions
from audit import permissions as audit_permissions
from bulletins import permissions as bulletin_permissions
from incentives import permissions as incentive_permissions
from supervision import permissions as supervision_permissions
from tasks import permissions


def navigation(request):
    """The main menu for the signed-in user, decided by the permissions
    module rather than by conditions in templates."""
    user = getattr(request, "user", None)
    public = ("公开进展", reverse("public"))
    if user is None or not user.is_authenticated:
        return {"nav_items": [public]}
    items = []
    if permissions.is_department_user(user):
        items.append(("本期任务", reverse("dispatch:my-tasks")))
    if permissions.is_leader(user):
        items.append(("待签批", reverse("dispatch:signoff-list")))
    if permissions.is_reviewer(user):
        items += [
            ("调度看板", reverse("dispatch:dashboard")),
            ("审核队列", reverse("dispatch:review-queue")),
            ("填报期", reverse("dispatch:period-list")),
        ]
    if bulletin_permissions.can_list(user):
        items.append(("通报", reverse("bulletins:bulletin-list")))
    if supervision_permissions.can_list(user):
        items.append(("督导整改", reverse("supervision:problem-list")))
    if assessment_permissions.can_list(user):
        items.append(("考核", reverse("assessment:index")))
    if incentive_permissions.can_use(user):
        items.append(("激励奖励", reverse("incentives:application-list")))
    items += [
        ("目标进展", reverse("targets:board")),
        ("重点任务", reverse("tasks:task-list")),
        ("责任部门", reverse("tasks:department-list")),
    ]
    if user.is_staff:
        items.append(("管理后台", reverse("admin:index")))
    if account_permissions.can_unlock(user):
        items.append(("登录锁定", reverse("accounts:locks")))
    if audit_permissions.can_view_audit_trail(user):
        items.append(("审计日志", reverse("audit:event-list")))
    items.append(public)
    return {"nav_items": items}
