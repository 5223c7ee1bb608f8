"""Who may read the audit trail: holders of audit.view_audit_trail, which
the auditor role (审计管理员) has and no other role."""

from django.contrib.auth.models import Permission
from django.db.models import Q

VIEW_PERMISSION = "audit.view_audit_trail"


def can_view_audit_trail(user) -> bool:
    """``user.has_perm(VIEW_PERMISSION)`` in one query rather than the
    backend's two (user and group permissions): the main menu asks it on
    every page."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    app_label, codename = VIEW_PERMISSION.split(".")
    return (
        Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        .filter(Q(user=user) | Q(group__user=user))
        .exists()
    )
