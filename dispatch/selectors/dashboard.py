"""Reads for the reviewer's 月调度 dashboard.

The page shows one policy at a time. Each function answers one block of
it with a fixed number of queries, however many departments, tasks and
periods there are, and reads only the rows of the period, year and policy
shown, not the database's history: aggregates are counted by the
database, the task × month board is laid out in Python from one query of
reports and one of tasks.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.utils import timezone

from dispatch.models import (
    ProgressReport,
    ProgressStatus,
    ReportingPeriod,
    ReportState,
    ReportTransition,
    Urge,
)
from tasks.models import Policy, Role, Task

from ..services.reports import MOVES, deadline_passed
from .reports import PENDING_STATES

# Reports the 人社局 has received: waiting for review, or approved.
REPORTED_STATES = (ReportState.SUBMITTED, ReportState.APPROVED)
MONTHS = tuple(range(1, 13))
# On the dashboard "已报送" counts both reports waiting for review and
# approved ones, so the state of the former is named for what it awaits.
STATE_LABELS = {
    ReportState.SUBMITTED: "待审核",
    ReportState.PENDING_SIGNOFF: "待负责人签批",
}


@dataclass(frozen=True)
class PeriodCounts:
    """The headline numbers of a period, over every report filed in it."""

    expected: int
    draft: int
    pending_signoff: int
    submitted: int
    returned: int
    approved: int
    on_time: int
    late: int

    @property
    def reported(self) -> int:
        """Received by the 人社局: waiting for review or approved."""
        return self.submitted + self.approved

    @property
    def rate(self) -> float | None:
        return _percent(self.reported, self.expected)

    @property
    def on_time_rate(self) -> float | None:
        return _percent(self.on_time, self.reported)

    def by_state(self) -> list[tuple[str, str, int]]:
        """(state, label, count) for every state, in workflow order."""
        return [
            (state, STATE_LABELS.get(state, label), getattr(self, state))
            for state, label in ReportState.choices
        ]


def _policy_reports(period: ReportingPeriod, policy: Policy | None):
    return ProgressReport.objects.filter(period=period, task__policy=policy)


def period_counts(period: ReportingPeriod, policy: Policy | None) -> PeriodCounts:
    """One aggregate query over the period's reports on the policy."""
    per_state = {
        state: Count("pk", filter=Q(state=state)) for state in ReportState.values
    }
    counts = _policy_reports(period, policy).aggregate(
        expected=Count("pk"),
        on_time=Count("pk", filter=Q(state__in=REPORTED_STATES, is_late=False)),
        late=Count("pk", filter=Q(state__in=REPORTED_STATES, is_late=True)),
        **per_state,
    )
    return PeriodCounts(**counts)


@dataclass
class DepartmentProgress:
    """One department's reports in a period."""

    department_id: int
    name: str
    sort_order: int
    expected: int
    on_time: int
    late: int
    pending_signoff: int
    unsubmitted: int
    approved: int
    past_deadline: bool
    last_urged_at: datetime.datetime | None = None

    @property
    def reported(self) -> int:
        return self.on_time + self.late

    @property
    def rate(self) -> float | None:
        return _percent(self.reported, self.expected)

    @property
    def overdue(self) -> int:
        """Reports not with the 人社局 although the deadline has passed: a
        draft, a returned report, or one waiting for the leader's
        sign-off."""
        if not self.past_deadline:
            return 0
        return self.unsubmitted + self.pending_signoff

    @property
    def is_behind(self) -> bool:
        """Late or missing: a department the reviewer may want to urge."""
        return bool(self.overdue or self.late)


def department_progress(
    period: ReportingPeriod,
    policy: Policy | None,
    *,
    now: datetime.datetime | None = None,
) -> list[DepartmentProgress]:
    """Every department with reports on the policy in the period, worst
    first: the lowest
    share received, then the most received late.

    Two queries: the counts per department, and the last urge of each.
    """
    past_deadline = deadline_passed(period, now or timezone.now())
    rows = (
        _policy_reports(period, policy)
        .values("department_id", "department__name", "department__sort_order")
        .annotate(
            expected=Count("pk"),
            on_time=Count("pk", filter=Q(state__in=REPORTED_STATES, is_late=False)),
            late=Count("pk", filter=Q(state__in=REPORTED_STATES, is_late=True)),
            pending_signoff=Count("pk", filter=Q(state=ReportState.PENDING_SIGNOFF)),
            unsubmitted=Count("pk", filter=Q(state__in=PENDING_STATES)),
            approved=Count("pk", filter=Q(state=ReportState.APPROVED)),
        )
        .order_by()
    )
    urged = last_urges(period)
    result = [
        DepartmentProgress(
            department_id=row["department_id"],
            name=row["department__name"],
            sort_order=row["department__sort_order"],
            expected=row["expected"],
            on_time=row["on_time"],
            late=row["late"],
            pending_signoff=row["pending_signoff"],
            unsubmitted=row["unsubmitted"],
            approved=row["approved"],
            past_deadline=past_deadline,
            last_urged_at=urged.get(row["department_id"]),
        )
        for row in rows
    ]
    result.sort(
        key=lambda d: (
            d.reported / d.expected if d.expected else 1,
            -d.late,
            d.sort_order,
            d.name,
        )
    )
    return result


def last_urges(period: ReportingPeriod) -> dict[int, datetime.datetime]:
    """When each department was last urged for the period."""
    return dict(
        Urge.objects.filter(period=period)
        .values("department_id")
        .annotate(last=Max("created_at"))
        .order_by()
        .values_list("department_id", "last")
    )


@dataclass(frozen=True)
class MonthRate:
    month: int
    has_period: bool
    expected: int = 0
    reported: int = 0

    @property
    def rate(self) -> float | None:
        return _percent(self.reported, self.expected)


def monthly_rates(
    year: int, periods: Iterable[ReportingPeriod], policy: Policy | None
) -> list[MonthRate]:
    """The share of the policy's reports received, for each month of the
    year; one aggregate query. ``periods`` (already loaded) tells which
    months have a period at all."""
    opened = {p.pk: p.month for p in periods if p.year == year}
    rows = {
        row["period__month"]: row
        for row in ProgressReport.objects.filter(
            period_id__in=opened, task__policy=policy
        )
        .values("period__month")
        .annotate(
            expected=Count("pk"),
            reported=Count("pk", filter=Q(state__in=REPORTED_STATES)),
        )
        .order_by()
    }
    return [
        MonthRate(
            month=month,
            has_period=month in opened.values(),
            expected=rows.get(month, {}).get("expected", 0),
            reported=rows.get(month, {}).get("reported", 0),
        )
        for month in MONTHS
    ]


def returned_reports(
    period: ReportingPeriod, policy: Policy | None
) -> list[ProgressReport]:
    """The period's reports on the policy now returned, each with the reason, time and
    kind of the move that returned it (the reviewer's 退回, the leader's
    decline, or a reopening); one query."""
    last_return = ReportTransition.objects.filter(
        report=OuterRef("pk"), to_state=ReportState.RETURNED
    ).order_by("-at", "-pk")
    reports = list(
        _policy_reports(period, policy)
        .filter(state=ReportState.RETURNED)
        .select_related("task", "department")
        .annotate(
            return_reason=Subquery(last_return.values("reason")[:1]),
            returned_at=Subquery(last_return.values("at")[:1]),
            return_action=Subquery(last_return.values("action")[:1]),
        )
        .order_by("department__sort_order", "department__name", "task__number")
    )
    for report in reports:
        move = MOVES.get(report.return_action or "")
        report.return_label = move.label if move else "退回"
    return reports


# A board cell's look, worst first: a task judged behind or at risk is worse
# than one whose report is not in yet, which is worse than one on track.
BOARD_LOOKS: dict[str, tuple[str, str]] = {
    ProgressStatus.BEHIND: (ProgressStatus.BEHIND.label, "严"),
    ProgressStatus.AT_RISK: (ProgressStatus.AT_RISK.label, "滞"),
    ReportState.RETURNED: ("已退回", "退"),
    ReportState.DRAFT: ("未报送", "·"),
    ReportState.PENDING_SIGNOFF: ("待负责人签批", "签"),
    ReportState.SUBMITTED: ("待审核", "审"),
    ReportState.APPROVED: ("已审核", "审"),
    ProgressStatus.ON_TRACK: (ProgressStatus.ON_TRACK.label, "正"),
    ProgressStatus.COMPLETED: (ProgressStatus.COMPLETED.label, "完"),
}
SEVERITY = {key: rank for rank, key in enumerate(BOARD_LOOKS)}
NO_PERIOD = "none"
NO_REPORT = "missing"


@dataclass(frozen=True)
class BoardCell:
    month: int
    key: str
    label: str
    mark: str = ""
    report_pk: int | None = None
    reports: int = 0
    lead: bool = True

    @property
    def note(self) -> str:
        """What the cell's tooltip says after its label: of how many
        reports it shows the worst, and whether none of them leads."""
        note = ""
        if self.reports > 1:
            note = f"({self.reports} 份{'牵头' if self.lead else ''}报告中最差)"
        if self.report_pk and not self.lead:
            note += "(无牵头单位)"
        return note


@dataclass(frozen=True)
class BoardRow:
    task: Task
    cells: list[BoardCell]


def board_key(state: str, proposed_status: str) -> str:
    """An approved report shows its progress judgement, any other its
    workflow state."""
    if state == ReportState.APPROVED and proposed_status in ProgressStatus.values:
        return proposed_status
    return state


def task_month_board(
    year: int, periods: Iterable[ReportingPeriod], policy: Policy | None
) -> list[BoardRow]:
    """Every task of the policy × the twelve months of the year, each cell
    the lead department's report; where several departments lead, the
    worst of them.

    A task with no lead department at all (the annex names only cooperating
    ones, or only a group defined by reference) is shown by the worst of
    the reports it has, so that its row does not stay blank. Two queries:
    the policy's reports of the year, and its tasks. Which cells have a
    lead is found here rather than by a ``NOT EXISTS`` in the query, whose
    cost estimate made PostgreSQL compile the query (JIT) for more time
    than it ran.
    """
    month_of = {p.pk: p.month for p in periods if p.year == year}
    rows = (
        ProgressReport.objects.filter(period_id__in=month_of, task__policy=policy)
        .values_list("task_id", "period_id", "state", "proposed_status", "pk", "role")
        .order_by("pk")
    )
    # By (task, month, whether lead): the worst (key, pk) and how many.
    worst: dict[tuple[int, int, bool], tuple[str, int]] = {}
    count: dict[tuple[int, int, bool], int] = {}
    for task_id, period_id, state, proposed_status, pk, role in rows:
        group = (task_id, month_of[period_id], role == Role.LEAD)
        key = board_key(state, proposed_status)
        count[group] = count.get(group, 0) + 1
        if group not in worst or SEVERITY[key] < SEVERITY[worst[group][0]]:
            worst[group] = (key, pk)
    opened = set(month_of.values())
    board = []
    for task in Task.objects.filter(policy=policy).order_by("number"):
        cells = []
        for month in MONTHS:
            lead = (task.pk, month, True) in worst
            group = (task.pk, month, lead)
            if group in worst:
                key, pk = worst[group]
                label, mark = BOARD_LOOKS[key]
                cells.append(
                    BoardCell(
                        month=month,
                        key=key,
                        label=label,
                        mark=mark,
                        report_pk=pk,
                        reports=count[group],
                        lead=lead,
                    )
                )
            elif month in opened:
                cells.append(BoardCell(month=month, key=NO_REPORT, label="无报告"))
            else:
                cells.append(BoardCell(month=month, key=NO_PERIOD, label="未开放填报"))
        board.append(BoardRow(task=task, cells=cells))
    return board


def board_legend() -> list[tuple[str, str, str]]:
    """(key, label, mark) of the looks a board cell takes: the approved
    progress judgements first, then where a report stands in its workflow."""
    keys = [
        ProgressStatus.COMPLETED,
        ProgressStatus.ON_TRACK,
        ProgressStatus.AT_RISK,
        ProgressStatus.BEHIND,
        ReportState.SUBMITTED,
        ReportState.PENDING_SIGNOFF,
        ReportState.RETURNED,
        ReportState.DRAFT,
    ]
    return [(key, *BOARD_LOOKS[key]) for key in keys] + [
        (NO_REPORT, "无报告", ""),
        (NO_PERIOD, "未开放填报", ""),
    ]


def chart_data(
    period: ReportingPeriod, counts: PeriodCounts, months: list[MonthRate]
) -> dict:
    """What static/js/dashboard.js draws, passed through ``json_script``."""
    return {
        "current_month": period.month,
        "states": [
            {"key": state, "label": label, "value": value}
            for state, label, value in counts.by_state()
        ],
        "months": [
            {
                "month": m.month,
                "label": f"{m.month}月",
                "rate": m.rate,
                "reported": m.reported,
                "expected": m.expected,
            }
            for m in months
        ],
    }


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None
