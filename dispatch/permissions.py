"""Who may see and do what in the monthly loop (月调度).

Progress reports are scoped here, as querysets, so that a view cannot
forget the rule:

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

from dispatch.models import Evidence, ProgressReport, ReportState
from tasks.permissions import (
    is_department_user,
    is_leader,
    is_reviewer,
    tasks_of_department,
)

# What another department on the same task may read: the lead drafts the
# month's joint account from what its cooperators have sent in, before the
# reviewer has got to them, so waiting for approval would hold it up.
SHARED_STATES = (ReportState.SUBMITTED, ReportState.APPROVED)


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
