"""Who may see and do what in the tasks app.

The policy, its tasks and who is responsible for them are a published
document: every signed-in user reads them. Progress reports are scoped
here, as querysets, so that a view cannot forget the rule:

- a department user (填报员, 负责人) sees its own department's reports in
  every state, and the reports that other departments on the tasks it
  shares have sent to the 人社局 (``SHARED_STATES``): a draft, a report
  waiting for the leader's sign-off and a returned one are still the
  department's own work;
- a reviewer (人社局审核员) sees every report.

Who may move a report through its states is decided by ``can`` below; the
services call it before every write.
"""

from django.db.models import Q, QuerySet

from accounts.roles import RoleName, has_role

from .models import (
    Department,
    Evidence,
    ProgressReport,
    ReportState,
    Responsibility,
    Task,
)

# What another department on the same task may read: the lead drafts the
# month's joint account from what its cooperators have sent in, before the
# reviewer has got to them, so waiting for approval would hold it up.
SHARED_STATES = (ReportState.SUBMITTED, ReportState.APPROVED)


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


def reports_for_user(user) -> QuerySet[ProgressReport]:
    if is_reviewer(user):
        return ProgressReport.objects.all()
    if not is_department_user(user):
        return ProgressReport.objects.none()
    return ProgressReport.objects.filter(
        Q(department_id=user.department_id)
        | Q(
            state__in=SHARED_STATES,
            task__in=tasks_of_department(user.department_id),
        )
    )


def own_reports(user) -> QuerySet[ProgressReport]:
    """Reports the user's department files: the only ones it may change."""
    if not is_department_user(user):
        return ProgressReport.objects.none()
    return ProgressReport.objects.filter(department_id=user.department_id)


def evidence_for_user(user) -> QuerySet[Evidence]:
    return Evidence.objects.filter(report__in=reports_for_user(user))


def can_import_policy(user) -> bool:
    return user.is_active and user.has_perms(["tasks.add_task", "tasks.change_task"])


def can_manage_periods(user) -> bool:
    return is_reviewer(user)


def can_urge(user) -> bool:
    return is_reviewer(user)


def can(user, action: str, report: ProgressReport) -> bool:
    """May ``user`` take ``action`` on ``report``, state aside?

    The state graph is checked by the service; this is who, not when.
    """
    own = is_department_user(user) and report.department_id == user.department_id
    if action in ("edit", "submit", "attach"):
        return own
    if action in ("sign_off", "decline"):
        return own and is_leader(user)
    if action in ("approve", "return", "reopen"):
        return is_reviewer(user)
    return False
