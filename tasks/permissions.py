"""Who may see and do what with the plan, and who holds which role.

The policy, its tasks and who is responsible for them are a published
document: every signed-in user reads them. The role predicates here
(reviewer, department user, leader) are the ones every room above uses;
the monthly reports' scoping is in ``dispatch.permissions``.
"""

from django.db.models import Q, QuerySet

from accounts.roles import RoleName, has_role
from tasks.models import Department, Responsibility, Task


def is_reviewer(user) -> bool:
    return (
        user.is_authenticated and user.is_active and has_role(user, RoleName.REVIEWER)
    )


def is_department_user(user) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and user.department_id is not None
        and (has_role(user, RoleName.REPORTER) or has_role(user, RoleName.LEADER))
    )


def is_leader(user) -> bool:
    return is_department_user(user) and has_role(user, RoleName.LEADER)


def tasks_for_user(user) -> QuerySet[Task]:
    if not user.is_authenticated:
        return Task.objects.none()
    return Task.objects.all()


def departments_for_user(user) -> QuerySet[Department]:
    if not user.is_authenticated:
        return Department.objects.none()
    return Department.objects.all()


def tasks_of_department(department_id: int) -> QuerySet[Task]:
    """Tasks a department carries, named itself or through a group."""
    return Task.objects.filter(
        pk__in=Responsibility.objects.filter(
            Q(department_id=department_id) | Q(department__members=department_id)
        ).values("task_id")
    )


def can_import_policy(user) -> bool:
    return user.is_active and user.has_perms(["tasks.add_task", "tasks.change_task"])
