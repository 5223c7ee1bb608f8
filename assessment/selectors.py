"""Reads of the annual assessment for its pages and documents.

Each function reads with a fixed number of queries, however many
departments and indicators there are (the budget is in its docstring).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, Prefetch, Q, QuerySet, Value, When

from assessment.models import (
    DEDUCTION_KINDS,
    Assessment,
    Indicator,
    IndicatorKind,
    ManualItem,
    Objection,
    ObjectionState,
    ResultsFile,
    Scheme,
    Score,
    ScoreSheet,
)
from bulletins.models import RenderStatus
from tasks.models import Department, DepartmentKind


def assessed_departments(policies=None) -> QuerySet[Department]:
    """Every unit responsible for a task (of ``policies``, or of any),
    named itself or as a member of a group: a group (各区(市)人民政府、
    管委会) is assessed as its members, and a group defined by reference,
    with none, drops out. One query."""
    own = Q(responsibilities__isnull=False)
    through_group = Q(member_of__responsibilities__isnull=False)
    if policies is not None:
        own = Q(responsibilities__task__policy__in=policies)
        through_group = Q(member_of__responsibilities__task__policy__in=policies)
    return (
        Department.objects.exclude(kind=DepartmentKind.GROUP)
        .filter(own | through_group)
        .distinct()
        .order_by("sort_order", "name")
    )


def scheme_indicators(scheme: Scheme) -> list[Indicator]:
    """One query."""
    return list(scheme.indicators.order_by("position", "pk"))


def weights_total(indicators: list[Indicator]) -> Decimal:
    """The full marks of the scored kinds: deductions and bonuses are
    caps, not part of the 100."""
    return sum(
        (
            i.weight
            for i in indicators
            if i.kind not in DEDUCTION_KINDS and i.kind != IndicatorKind.BONUS
        ),
        Decimal("0"),
    )


@dataclass(frozen=True)
class TableRow:
    sheet: ScoreSheet
    points: list[Decimal | None]  # in the indicators' order
    pending_objections: int


@dataclass(frozen=True)
class ScoreTable:
    indicators: list[Indicator]
    rows: list[TableRow]


def score_table(assessment: Assessment, sheets: QuerySet[ScoreSheet]) -> ScoreTable:
    """The department × indicator table of ``sheets`` (already scoped to
    the user) in rank order once ranked, else by department. Three
    queries: indicators, sheets with their department and pending
    objections counted, scores."""
    indicators = scheme_indicators(assessment.scheme)
    sheets = list(
        sheets.filter(assessment=assessment)
        .select_related("department")
        .annotate(
            pending=Count(
                "objections", filter=Q(objections__state=ObjectionState.PENDING)
            )
        )
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=Score.objects.only("sheet_id", "indicator_id", "points"),
            )
        )
        .order_by("rank", "department__sort_order", "department__name")
    )
    rows = []
    for sheet in sheets:
        by_indicator = {
            score.indicator_id: score.points for score in sheet.scores.all()
        }
        rows.append(
            TableRow(
                sheet=sheet,
                points=[by_indicator.get(i.pk) for i in indicators],
                pending_objections=sheet.pending,
            )
        )
    return ScoreTable(indicators=indicators, rows=rows)


@dataclass(frozen=True)
class SheetLine:
    score: Score
    objections: list[Objection]
    manual_items: list[ManualItem]

    @property
    def has_pending(self) -> bool:
        return any(o.state == ObjectionState.PENDING for o in self.objections)


def sheet_lines(sheet: ScoreSheet) -> list[SheetLine]:
    """A sheet's scores, each with its objections and the manual items
    behind it. Three queries."""
    scores = list(
        sheet.scores.select_related("indicator").order_by(
            "indicator__position", "indicator__pk"
        )
    )
    objections: dict[int, list[Objection]] = {}
    for objection in sheet.objections.select_related(
        "raised_by", "answered_by"
    ).order_by("raised_at", "pk"):
        objections.setdefault(objection.indicator_id, []).append(objection)
    items: dict[int, list[ManualItem]] = {}
    for item in ManualItem.objects.filter(
        assessment_id=sheet.assessment_id, department_id=sheet.department_id
    ).order_by("entered_at", "pk"):
        items.setdefault(item.indicator_id, []).append(item)
    return [
        SheetLine(
            score=score,
            objections=objections.get(score.indicator_id, []),
            manual_items=items.get(score.indicator_id, []),
        )
        for score in scores
    ]


def objection_list(objections: QuerySet[Objection]) -> list[Objection]:
    """Objections (already scoped), pending first. One query."""
    return list(
        objections.select_related(
            "sheet__department", "sheet__assessment__scheme", "indicator", "raised_by"
        ).order_by(
            Case(
                When(state=ObjectionState.PENDING, then=Value(0)),
                default=Value(1),
            ),
            "raised_at",
            "pk",
        )
    )


def manual_item_list(assessment: Assessment) -> list[ManualItem]:
    """One query."""
    return list(
        assessment.manual_items.select_related(
            "department", "indicator", "entered_by"
        ).order_by("department__sort_order", "indicator__position", "pk")
    )


@dataclass(frozen=True)
class ResultsFiles:
    latest: ResultsFile | None  # the last rendering, whatever came of it
    current: ResultsFile | None  # the last finished one of what is in force

    @property
    def stale(self) -> bool:
        """The last finished rendering is not of the version and state in
        force (made before issue, or before a correction)."""
        return (
            self.latest is not None
            and self.latest.status == RenderStatus.DONE
            and self.current is None
        )


def results_files(assessment: Assessment, files: QuerySet[ResultsFile]) -> ResultsFiles:
    """The results files of ``assessment`` among ``files`` (already
    scoped): the last rendering for the status line and the last finished
    one of the version and state in force for the downloads. Two
    queries."""
    files = files.filter(assessment=assessment).order_by("-created_at", "-pk")
    return ResultsFiles(
        latest=files.first(),
        current=files.filter(
            status=RenderStatus.DONE,
            version=assessment.version,
            rendered_state=assessment.state,
        ).first(),
    )
