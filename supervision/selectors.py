"""Every read the supervision pages, the ledger export and the bulletin
need. Each function's query budget is in its docstring; "today" is always
a parameter."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Count,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)

from supervision.models import (
    OPEN_STATES,
    Problem,
    ProblemState,
    ProgressEntry,
    Round,
)
from supervision.permissions import problems_for_user
from supervision.workflow import MOVES
from tasks.models import Department

S = ProblemState

LEDGER_COLUMNS = (
    "序号",
    "问题来源",
    "问题表现",
    "责任单位",
    "配合单位",
    "责任人",
    "整改措施",
    "整改时限",
    "整改类型",
    "进展情况",
    "是否销号",
    "销号时间",
)


def _rounds_filter(rounds) -> Q:
    if rounds is None:
        return Q()
    if isinstance(rounds, Round):
        return Q(round=rounds)
    return Q(round__in=list(rounds))


def problem_list(
    user,
    *,
    rounds: Round | Iterable[Round] | None = None,
    department: Department | None = None,
    state: str = "",
    overdue_on: datetime.date | None = None,
) -> QuerySet[Problem]:
    """The user's problems, filtered, with what a row shows: 3 queries
    (problems, their cooperating departments, their tasks) whatever the
    number of rows."""
    problems = problems_for_user(user).filter(_rounds_filter(rounds))
    if department is not None:
        problems = problems.filter(department=department)
    if state:
        problems = problems.filter(state=state)
    if overdue_on is not None:
        problems = problems.filter(state__in=OPEN_STATES, deadline__lt=overdue_on)
    return (
        problems.select_related("round", "department")
        .prefetch_related(
            Prefetch("cooperating", queryset=Department.objects.order_by("sort_order")),
            "tasks",
        )
        .order_by("-round__year", "-round__half", "round_id", "number")
    )


@dataclass(frozen=True)
class LedgerRow:
    """A row of the 整改台账, its values in ``LEDGER_COLUMNS`` order."""

    problem: Problem
    number: int
    source: str
    description: str
    department: str
    cooperating: str
    responsible: str
    measures: str
    deadline: datetime.date
    kind: str
    progress: str
    signed_off: str
    signed_off_at: datetime.datetime | None

    @property
    def values(self) -> tuple:
        return (
            self.number,
            self.source,
            self.description,
            self.department,
            self.cooperating,
            self.responsible,
            self.measures,
            self.deadline,
            self.kind,
            self.progress,
            self.signed_off,
            self.signed_off_at,
        )


def ledger(rounds: Round | Iterable[Round] | None, user) -> list[LedgerRow]:
    """The 整改台账 of a round, of several, or of all (``None``), as the
    user may see it: 2 queries (the problems with their latest progress
    entry, and their cooperating departments)."""
    latest = ProgressEntry.objects.filter(problem=OuterRef("pk")).order_by(
        "-entered_at", "-pk"
    )
    problems = (
        problems_for_user(user)
        .filter(_rounds_filter(rounds))
        .select_related("department", "round")
        .prefetch_related(
            Prefetch("cooperating", queryset=Department.objects.order_by("sort_order"))
        )
        .annotate(latest_progress=Subquery(latest.values("text")[:1]))
        .order_by("-round__year", "-round__half", "round_id", "number")
    )
    return [
        LedgerRow(
            problem=p,
            number=p.number,
            source=p.source,
            description=p.description,
            department=p.department.name,
            cooperating="、".join(d.name for d in p.cooperating.all()),
            responsible=p.responsible,
            measures=p.measures,
            deadline=p.deadline,
            kind=p.get_kind_display(),
            progress=p.latest_progress or "",
            signed_off="是" if p.state == S.SIGNED_OFF else "否",
            signed_off_at=p.signed_off_at,
        )
        for p in problems
    ]


@dataclass(frozen=True)
class DepartmentFigures:
    department: Department
    found: int
    signed_off: int
    in_progress: int
    requested: int
    overdue: int

    @property
    def rectified(self) -> int:
        return self.signed_off

    @property
    def closure_rate(self) -> float | None:
        """Per cent of the problems found that are signed off."""
        if not self.found:
            return None
        return round(100 * self.signed_off / self.found, 1)


def department_figures(
    round: Round | None = None, *, today: datetime.date
) -> list[DepartmentFigures]:
    """Per responsible department, in its sort order: problems found,
    signed off (rectified), still being rectified, waiting for sign-off,
    and overdue on ``today``; of one round or all. Two queries."""
    problems = Problem.objects.all() if round is None else round.problems.all()
    rows = (
        problems.values("department")
        .annotate(
            found=Count("pk"),
            signed_off=Count("pk", filter=Q(state=S.SIGNED_OFF)),
            in_progress=Count("pk", filter=Q(state__in=OPEN_STATES)),
            requested=Count("pk", filter=Q(state=S.REQUESTED)),
            overdue=Count("pk", filter=Q(state__in=OPEN_STATES, deadline__lt=today)),
        )
        .order_by()
    )
    counts = {row.pop("department"): row for row in rows}
    departments = Department.objects.filter(pk__in=counts).order_by(
        "sort_order", "name"
    )
    return [DepartmentFigures(department=d, **counts[d.pk]) for d in departments]


def overdue_problems(user, today: datetime.date) -> QuerySet[Problem]:
    """The user's problems past their deadline and not yet answered with a
    sign-off request, the most overdue first. One query."""
    return (
        problems_for_user(user)
        .filter(state__in=OPEN_STATES, deadline__lt=today)
        .select_related("round", "department")
        .order_by("deadline", "round_id", "number")
    )


def round_summary(round: Round) -> dict[str, int]:
    """A round's problems by state. One query."""
    rows = round.problems.values("state").annotate(n=Count("pk")).order_by()
    counts = {row["state"]: row["n"] for row in rows}
    return {state: counts.get(state, 0) for state in S.values}


def problem_history(problem) -> list:
    """A problem's moves, oldest first as the model orders them, each with
    ``action_label``, the graph's Chinese name of the move; one query."""
    rows = list(problem.transitions.select_related("actor"))
    for row in rows:
        move = MOVES.get(row.action)
        row.action_label = move.label if move else row.action
    return rows
