"""Reads for periods, progress reports and a department's home page."""

import datetime

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Prefetch,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from dispatch.models import (
    Evidence,
    PeriodStatus,
    ProgressReport,
    ReportingPeriod,
    ReportState,
    ReportTransition,
    Urge,
)
from tasks.models import Department

from .. import permissions
from ..workflow import MOVES

PENDING_STATES = (ReportState.DRAFT, ReportState.RETURNED)


def current_period(today: datetime.date | None = None) -> ReportingPeriod | None:
    """The period a department works on now: the latest open one, else the
    latest one."""
    periods = ReportingPeriod.objects.order_by("-year", "-month")
    return periods.filter(status=PeriodStatus.OPEN).first() or periods.first()


def period_list() -> QuerySet[ReportingPeriod]:
    return ReportingPeriod.objects.order_by("-year", "-month")


def department_period_reports(user, period: ReportingPeriod) -> list[ProgressReport]:
    """The user's department's reports for the period, overdue ones first,
    then those still to write, then the rest, each by task number."""
    now = timezone.now()
    overdue = timezone.localtime(now).date() > period.deadline
    reports = (
        permissions.own_reports(user)
        .filter(period=period)
        .select_related("task__key_task", "task__policy", "period", "updated_by")
        .annotate(
            urgency=Case(
                When(state__in=PENDING_STATES, then=Value(0 if overdue else 1)),
                When(state=ReportState.PENDING_SIGNOFF, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("urgency", "task__policy__number", "task__number")
    )
    result = list(reports)
    for report in result:
        report.is_overdue = overdue and report.state in PENDING_STATES
    return result


def department_urges(user, limit: int = 5) -> list[Urge]:
    if not permissions.is_department_user(user):
        return []
    return list(
        Urge.objects.filter(department_id=user.department_id)
        .select_related("period", "created_by")
        .order_by("-created_at")[:limit]
    )


def report_detail(user) -> QuerySet[ProgressReport]:
    return (
        permissions.reports_for_user(user)
        .select_related(
            "task__key_task__section",
            "task__policy",
            "department",
            "period",
            "updated_by",
        )
        .prefetch_related(
            Prefetch(
                "transitions",
                queryset=ReportTransition.objects.select_related("actor").order_by(
                    "at", "pk"
                ),
            ),
            Prefetch(
                "evidence",
                queryset=Evidence.objects.select_related("uploaded_by").order_by(
                    "uploaded_at"
                ),
            ),
        )
    )


def contributions(user, report: ProgressReport) -> list[ProgressReport]:
    """What the other departments on the same task and period have written,
    as far as the user may read it: for a department, what they have sent
    to the 人社局 (``permissions.SHARED_STATES``), never their drafts."""
    others = (
        permissions.reports_for_user(user)
        .filter(task_id=report.task_id, period_id=report.period_id)
        .exclude(pk=report.pk)
    )
    return list(
        others.exclude(progress="")
        .select_related("department")
        .order_by("role", "department__sort_order")
    )


def allowed_moves(user, report: ProgressReport) -> list[tuple[str, str, bool]]:
    """The moves the user may make on the report now: (action, label,
    needs a reason)."""
    moves = []
    for action, move in MOVES.items():
        if report.state not in move.sources or not permissions.can(
            user, action, report
        ):
            continue
        if action == "submit" and not report.is_editable:
            continue
        if action == "reopen" and (
            report.period.is_open
            or (report.reopened and report.state in PENDING_STATES)
        ):
            continue
        moves.append((action, move.label, move.needs_reason))
    return moves


def review_queue(user) -> QuerySet[ProgressReport]:
    """Every report, for the reviewer to filter (``ReviewQueueFilter`` shows
    the submitted ones unless asked otherwise), the longest waiting first.
    Two queries a page whatever the filter: the count and the rows."""
    if not permissions.is_reviewer(user):
        return ProgressReport.objects.none()
    return ProgressReport.objects.select_related(
        "task__key_task", "task__policy", "department", "period"
    ).order_by(F("submitted_at").asc(nulls_last=True), "pk")


def report_department_choices() -> QuerySet[Department]:
    """The departments that file reports, for the review queue's filter."""
    return Department.objects.filter(
        pk__in=ProgressReport.objects.values("department_id")
    ).order_by("sort_order", "name")


def signoff_queue(user) -> QuerySet[ProgressReport]:
    """A leader's department's reports waiting for his sign-off, the oldest
    period first, each with who sent it up. Two queries a page."""
    if not permissions.is_leader(user):
        return ProgressReport.objects.none()
    return (
        permissions.own_reports(user)
        .filter(state=ReportState.PENDING_SIGNOFF)
        .select_related("task__key_task", "task__policy", "period", "updated_by")
        .order_by(
            "period__year",
            "period__month",
            "task__policy__number",
            "task__number",
            "pk",
        )
    )


def period_summaries(periods: list[ReportingPeriod]) -> list[ReportingPeriod]:
    """The periods given (a page of them), each with the count of its
    reports in each state as ``report_count`` and ``<state>_count``. One
    query over those periods' reports only, grouped by the columns of the
    (period, state) index so that the database counts from the index."""
    for period in periods:
        period.report_count = 0
        for state in ReportState.values:
            setattr(period, f"{state}_count", 0)
    by_pk = {period.pk: period for period in periods}
    rows = (
        ProgressReport.objects.filter(period__in=periods)
        .values_list("period_id", "state")
        .annotate(n=Count("*"))
        .order_by()
    )
    for period_id, state, n in rows:
        period = by_pk[period_id]
        period.report_count += n
        setattr(period, f"{state}_count", n)
    return periods


def return_note(report: ProgressReport) -> ReportTransition | None:
    """The move that sent a returned report back, from the prefetched
    history, so that the department sees why first."""
    if report.state != ReportState.RETURNED:
        return None
    moves = [t for t in report.transitions.all() if t.to_state == ReportState.RETURNED]
    return moves[-1] if moves else None


def department_mail_recipients(department_ids: list[int]) -> dict[int, list[str]]:
    """Addresses that reminders and urges go to, by department: its active
    reporters and leaders with an email address on file."""
    from collections import defaultdict

    from accounts.models import User
    from accounts.roles import RoleName

    rows = (
        User.objects.filter(
            department_id__in=department_ids,
            is_active=True,
            groups__name__in=[RoleName.REPORTER.label, RoleName.LEADER.label],
        )
        .exclude(email="")
        .order_by("email")
        .values_list("department_id", "email")
        .distinct()
    )
    by_department: dict[int, list[str]] = defaultdict(list)
    for department_id, email in rows:
        by_department[department_id].append(email)
    return by_department


def department_sheet_reports(user, period: ReportingPeriod) -> QuerySet[ProgressReport]:
    """The reports of the user's department in the period's reporting sheet."""
    return (
        permissions.own_reports(user)
        .filter(period=period)
        .select_related("task__key_task", "period", "updated_by")
    )
