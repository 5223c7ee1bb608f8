"""Reads of the payments: the ledger of budgets, the batches a user may see
and one batch's lines.

The ledger's figures, per finance and year (the page says the same):

- 预算 (budget): the finance's ``Budget`` for the year; none set, none.
- 已发放 (paid): the lines paid in the year's batches (a batch's year is
  its month's).
- 已承诺 (committed): what is approved and not yet paid: the lines
  pending in the year's batches, plus, in the current year's row, the
  shares approved and waiting for a batch (never batched, or their last
  line failed): they will be paid from this year's budget.
- 剩余 (remaining): budget − committed − paid; none without a budget.

``batch_create`` checks the same figures: a batch takes every waiting
share, so it is refused when its total (本批) exceeds the budget less the
lines pending in the year's other batches (已承诺 there) and the lines
paid.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.utils import timezone

from incentives import crypto, permissions
from incentives.models import (
    ApplicationState,
    Budget,
    Finance,
    LineStatus,
    PaymentBatch,
    PaymentLine,
    Share,
)

# A line that holds its share: the database allows one per share.
LIVE_LINE = (LineStatus.PENDING, LineStatus.PAID)
ZERO = Decimal(0)


def money(amount: Decimal) -> str:
    """An amount as the messages and pages write it: 12,345.00."""
    return f"{amount:,.2f}"


# -- the ledger --------------------------------------------------------------------


@dataclass
class LedgerRow:
    finance: Finance | None  # None for the totals
    year: int
    budget: Decimal | None
    pending: Decimal = ZERO  # in the year's batches, not yet settled
    waiting: Decimal = ZERO  # approved, not in any live line
    paid: Decimal = ZERO

    @property
    def committed(self) -> Decimal:
        return self.pending + self.waiting

    @property
    def remaining(self) -> Decimal | None:
        if self.budget is None:
            return None
        return self.budget - self.committed - self.paid

    @property
    def over_budget(self) -> bool:
        return self.remaining is not None and self.remaining < 0


@dataclass(frozen=True)
class YearFigures:
    pending: Decimal
    paid: Decimal

    @property
    def committed(self) -> Decimal:
        return self.pending


def year_figures(*, finance: Finance, year: int) -> YearFigures:
    """What the year's batches of ``finance`` hold pending and paid (one
    query): the figures ``batch_create`` checks a new batch against."""
    totals = PaymentLine.objects.filter(
        batch__finance=finance, batch__month__year=year
    ).aggregate(
        pending=Sum("amount", filter=Q(status=LineStatus.PENDING)),
        paid=Sum("amount", filter=Q(status=LineStatus.PAID)),
    )
    return YearFigures(pending=totals["pending"] or ZERO, paid=totals["paid"] or ZERO)


def ledger(
    *,
    year: int | None = None,
    today: datetime.date | None = None,
    finances: QuerySet[Finance] | None = None,
) -> list[LedgerRow]:
    """One row per finance and year (see the module's docstring for the
    figures), ordered by year and the finances' order. With ``year``, a
    row for every finance (of ``finances``, default all), set or not;
    without it, the rows of every year that has a budget or an amount.
    ``today`` decides the current year, which holds the shares waiting for
    a batch. Four queries, whatever the data."""
    today = today or timezone.localdate()
    finances = list(finances if finances is not None else Finance.objects.all())
    ids = [f.pk for f in finances]
    budgets = Budget.objects.filter(finance_id__in=ids)
    lines = PaymentLine.objects.filter(batch__finance_id__in=ids, status__in=LIVE_LINE)
    if year is not None:
        budgets = budgets.filter(year=year)
        lines = lines.filter(batch__month__year=year)
    rows: dict[tuple[int, int], LedgerRow] = {}

    def row(finance_id: int, row_year: int) -> LedgerRow:
        key = (row_year, finance_id)
        if key not in rows:
            rows[key] = LedgerRow(finance=by_id[finance_id], year=row_year, budget=None)
        return rows[key]

    by_id = {f.pk: f for f in finances}
    if year is not None:
        for finance in finances:
            row(finance.pk, year)
    for finance_id, budget_year, amount in budgets.values_list(
        "finance_id", "year", "amount"
    ):
        row(finance_id, budget_year).budget = amount
    for item in (
        lines.annotate(line_year=ExtractYear("batch__month"))
        .values("batch__finance_id", "line_year", "status")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        target = row(item["batch__finance_id"], item["line_year"])
        if item["status"] == LineStatus.PAID:
            target.paid += item["total"]
        else:
            target.pending += item["total"]
    if year is None or year == today.year:
        for finance_id, total in (
            Share.objects.filter(
                finance_id__in=ids, application__state=ApplicationState.APPROVED
            )
            .exclude(lines__status__in=LIVE_LINE)
            .values("finance_id")
            .annotate(total=Sum("amount"))
            .values_list("finance_id", "total")
            .order_by()
        ):
            row(finance_id, today.year).waiting += total
    order = {f.pk: i for i, f in enumerate(finances)}
    return sorted(rows.values(), key=lambda r: (r.year, order[r.finance.pk]))


def ledger_totals(rows: list[LedgerRow]) -> list[LedgerRow]:
    """One totals row per year of ``rows``; its budget is the sum of the
    budgets set (none when no row has one)."""
    totals: dict[int, LedgerRow] = {}
    for r in rows:
        total = totals.setdefault(
            r.year, LedgerRow(finance=None, year=r.year, budget=None)
        )
        if r.budget is not None:
            total.budget = (total.budget or ZERO) + r.budget
        total.pending += r.pending
        total.waiting += r.waiting
        total.paid += r.paid
    return [totals[y] for y in sorted(totals)]


def ledger_years(*, today: datetime.date) -> list[int]:
    """The years the ledger page offers: those with a budget or a batch,
    and the current one, latest first."""
    years = set(Budget.objects.values_list("year", flat=True).distinct())
    years |= {d.year for d in PaymentBatch.objects.dates("month", "year")}
    years.add(today.year)
    return sorted(years, reverse=True)


# -- batches -----------------------------------------------------------------------


def batch_list(*, user, filters: dict | None = None) -> QuerySet[PaymentBatch]:
    """The batches ``user`` may see, with their lines counted and summed
    (one query a page)."""
    filters = filters or {}
    batches = permissions.batches_for_user(user).select_related("finance")
    if filters.get("finance"):
        batches = batches.filter(finance_id=filters["finance"])
    if filters.get("state"):
        batches = batches.filter(state=filters["state"])
    return batches.annotate(
        line_count=Count("lines"),
        pending_count=Count("lines", filter=Q(lines__status=LineStatus.PENDING)),
        paid_count=Count("lines", filter=Q(lines__status=LineStatus.PAID)),
        failed_count=Count("lines", filter=Q(lines__status=LineStatus.FAILED)),
        paid_total=Sum("lines__amount", filter=Q(lines__status=LineStatus.PAID)),
    ).order_by("-month", "finance__sort_order", "sequence")


def batch_detail(*, user, pk) -> PaymentBatch:
    """One batch ``user`` may see, else Http404."""
    try:
        return (
            permissions.batches_for_user(user)
            .select_related("finance", "created_by")
            .get(pk=pk)
        )
    except PaymentBatch.DoesNotExist:
        raise Http404("没有这个发放批次,或您无权查看。") from None


@dataclass
class BatchLine:
    """A line as the batch's page shows it: name and card masked; for a
    failed line, the batch that pays it again (if any)."""

    line: PaymentLine
    masked_name: str
    retried_in: PaymentBatch | None = None


@dataclass
class BatchLines:
    lines: list[BatchLine] = field(default_factory=list)
    pending: int = 0
    paid: int = 0
    failed: int = 0
    paid_total: Decimal = ZERO


def batch_lines(batch: PaymentBatch) -> BatchLines:
    """The batch's lines with their applications (two queries: the lines,
    and the later live lines of its failed shares)."""
    lines = list(
        batch.lines.select_related("share__application").order_by(
            "share__application__number", "pk"
        )
    )
    failed_shares = [x.share_id for x in lines if x.status == LineStatus.FAILED]
    retries = {}
    if failed_shares:
        retries = {
            x.share_id: x.batch
            for x in PaymentLine.objects.filter(
                share_id__in=failed_shares, status__in=LIVE_LINE
            ).select_related("batch__finance")
        }
    result = BatchLines()
    for line in lines:
        result.lines.append(
            BatchLine(
                line=line,
                masked_name=crypto.mask_name(line.share.application.name),
                retried_in=retries.get(line.share_id),
            )
        )
        if line.status == LineStatus.PAID:
            result.paid += 1
            result.paid_total += line.amount
        elif line.status == LineStatus.FAILED:
            result.failed += 1
        else:
            result.pending += 1
    return result


def payable_by_finance(finances: QuerySet[Finance]) -> list[dict]:
    """Per finance, the shares waiting for a batch: how many and how much
    (one query), for the batch list's creation form."""
    names = {f.pk: f for f in finances}
    return [
        {
            "finance": names[item["finance_id"]],
            "count": item["count"],
            "total": item["total"],
        }
        for item in Share.objects.filter(
            finance_id__in=list(names), application__state=ApplicationState.APPROVED
        )
        .exclude(lines__status__in=LIVE_LINE)
        .values("finance_id")
        .annotate(count=Count("pk"), total=Sum("amount"))
        .order_by("finance__sort_order")
    ]
