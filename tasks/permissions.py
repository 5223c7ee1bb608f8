"""Who may see and do what with the policy data.

The policy, its tasks and who is responsible for them are a published
document: every signed-in user reads all of them. Writes are imports and
admin edits, for users holding the model permissions (系统管理员). Scoping
is applied to querysets here so that a view cannot forget it.
"""

from django.db.models import QuerySet

from .models import Department, Task


def tasks_for_user(user) -> QuerySet[Task]:
    if not user.is_authenticated:
        return Task.objects.none()
    return Task.objects.all()


def departments_for_user(user) -> QuerySet[Department]:
    if not user.is_authenticated:
        return Department.objects.none()
    return Department.objects.all()


def can_import_policy(user) -> bool:
    return user.is_active and user.has_perms(["tasks.add_task", "tasks.change_task"])
