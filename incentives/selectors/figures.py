"""The incentives' figures: applications counted by state group and the
amounts approved and paid, by award kind and level, by bearing finance and
by month, for the figures page, its workbook, the dashboard and the
quarterly bulletin.

What is counted, over a range of days (a year, or ``first`` to ``last``;
neither: all of it):

- the applications filed in the range (``filed_on``), by the group of
  their state now: 申请 is all of them, and 审核中 (not yet decided: with
  the clerk or under review, incl. drafts and returned ones), 公示,
  已通过 (approved, not yet paid), 已发放 and 不予奖励 divide them;
- the approvals in the range (the day the 公示 ended without an open
  objection, the ``approve`` move), counted and summed by application
  amount;
- the payments in the range (paid ``PaymentLine`` rows, by the day they
  were paid, else their batch's month), counted by application and summed
  by line.

By finance, the state groups count each application under its bearing
finance, while the amounts approved and paid are each finance's own part
(``Share``; item 18's 2:8 split gives 市本级 and the 区(市) a row each).
By month, an application is counted in the month it was filed, approved
or paid.

``award_figures`` runs six queries whatever the amount of data, scoped
by ``permissions.applications_for_user`` when a user is given.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DateField, Sum
from django.db.models.functions import Coalesce, TruncMonth

from bulletins.wording import chinese_date
from incentives import permissions
from incentives.models import (
    Application,
    ApplicationState,
    ApplicationTransition,
    AwardKind,
    Level,
    LineStatus,
    PaymentLine,
    Share,
)
from incentives.selectors.publicity import amount_text

S = ApplicationState


@dataclass(frozen=True)
class StateGroup:
    key: str
    label: str
    states: tuple[str, ...]


# 申请 is every application; the others divide it.
STATE_GROUPS = (
    StateGroup("applied", "申请", tuple(S.values)),
    StateGroup(
        "reviewing",
        "审核中",
        (S.DRAFT, S.RETURNED, S.FIRST_REVIEW, S.SECOND_REVIEW, S.READY),
    ),
    StateGroup("publicity", "公示", (S.PUBLICITY,)),
    StateGroup("approved", "已通过", (S.APPROVED,)),
    StateGroup("paid", "已发放", (S.PAID,)),
    StateGroup("refused", "不予奖励", (S.REFUSED,)),
)
GROUP_OF = {state: group.key for group in STATE_GROUPS[1:] for state in group.states}
KIND_ORDER = {kind: index for index, kind in enumerate(AwardKind.values)}
LEVEL_ORDER = {level: index for index, level in enumerate(["", *Level.values])}
NO_LEVEL = "—"


@dataclass
class Tally:
    count: int = 0
    amount: Decimal = Decimal(0)

    def add(self, count: int, amount) -> None:
        self.count += count
        self.amount += amount or Decimal(0)


def _groups() -> dict[str, Tally]:
    return {group.key: Tally() for group in STATE_GROUPS}


@dataclass
class FigureRow:
    """One line of a table: the applications filed by state group
    (``states``), the approvals and the payments."""

    key: str
    label: str
    states: dict[str, Tally] = field(default_factory=_groups)
    approvals: Tally = field(default_factory=Tally)
    payments: Tally = field(default_factory=Tally)

    def add_state(self, state: str, count: int, amount) -> None:
        self.states["applied"].add(count, amount)
        self.states[GROUP_OF[state]].add(count, amount)

    def merge(self, row: "FigureRow") -> None:
        for key, tally in row.states.items():
            self.states[key].add(tally.count, tally.amount)
        self.approvals.add(row.approvals.count, row.approvals.amount)
        self.payments.add(row.payments.count, row.payments.amount)

    @property
    def group_cells(self) -> list[Tally]:
        """The state groups in ``STATE_GROUPS`` order, for the tables."""
        return [self.states[group.key] for group in STATE_GROUPS]

    @property
    def is_empty(self) -> bool:
        return not (
            self.states["applied"].count or self.approvals.count or self.payments.count
        )


@dataclass
class KindBlock:
    """An award kind: its total and a row a level."""

    kind: str
    label: str
    total: FigureRow
    levels: list[FigureRow]


@dataclass
class Figures:
    first: datetime.date | None
    last: datetime.date | None
    total: FigureRow
    kinds: list[KindBlock]
    finances: list[FigureRow]
    months: list[FigureRow]

    @property
    def label(self) -> str:
        return range_label(self.first, self.last)

    @property
    def month_total(self) -> FigureRow:
        """The months' own sum: an application paid in two months (item
        18's two shares) counts in each, so its count may exceed the
        kinds' total."""
        total = FigureRow("total", "合计")
        for row in self.months:
            total.merge(row)
        return total


def range_label(first: datetime.date | None, last: datetime.date | None) -> str:
    if first is None and last is None:
        return "全部"
    if (
        first is not None
        and last is not None
        and (first.month, first.day, last.month, last.day) == (1, 1, 12, 31)
        and first.year == last.year
    ):
        return f"{first.year}年"
    if last is None:
        return f"{chinese_date(first)}以来"
    if first is None:
        return f"截至{chinese_date(last)}"
    return f"{chinese_date(first)}至{chinese_date(last)}"


def bounds(
    year: int | None = None,
    first: datetime.date | None = None,
    last: datetime.date | None = None,
) -> tuple[datetime.date | None, datetime.date | None]:
    """The range's first and last days: ``first``/``last`` where given,
    else the year's."""
    if year is not None:
        first = first or datetime.date(year, 1, 1)
        last = last or datetime.date(year, 12, 31)
    if first and last and first > last:
        raise ValueError(f"起始日期 {first} 晚于结束日期 {last}。")
    return first, last


def _within(field_name: str, first, last) -> dict:
    lookups = {}
    if first is not None:
        lookups[f"{field_name}__gte"] = first
    if last is not None:
        lookups[f"{field_name}__lte"] = last
    return lookups


def scoped_applications(user=None):
    if user is None:
        return Application.objects.all()
    return permissions.applications_for_user(user)


def paid_lines(applications, first=None, last=None):
    """The paid lines of ``applications`` paid within the range, with
    ``paid_on``: the day paid, else the first of the batch's month."""
    return (
        PaymentLine.objects.filter(
            status=LineStatus.PAID, share__application__in=applications
        )
        .annotate(
            paid_on=Coalesce("settled_on", "batch__month", output_field=DateField())
        )
        .filter(**_within("paid_on", first, last))
    )


def _approvals(applications, first, last):
    return ApplicationTransition.objects.filter(
        action="approve",
        application__in=applications,
        **_within("at__date", first, last),
    )


def _month_key(value) -> str:
    if isinstance(value, datetime.datetime):
        value = value.date()
    return f"{value:%Y-%m}"


def _month_keys(first, last, seen: set[str]) -> list[str]:
    """Every month of a bounded range, else the months with data."""
    if first is None or last is None:
        return sorted(seen)
    keys, (year, month) = [], (first.year, first.month)
    while (year, month) <= (last.year, last.month):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


def award_figures(
    *,
    user=None,
    year: int | None = None,
    first: datetime.date | None = None,
    last: datetime.date | None = None,
) -> Figures:
    """The figures of the range (see the module's docstring); with a user,
    of the applications that user may see. Six queries."""
    first, last = bounds(year, first, last)
    applications = scoped_applications(user)

    filed = (
        applications.filter(**_within("filed_on", first, last))
        .annotate(month=TruncMonth("filed_on"))
        .values(
            "kind",
            "level",
            "state",
            "month",
            "finance_id",
            "finance__name",
            "finance__sort_order",
        )
        .annotate(count=Count("pk"), amount=Sum("amount"))
        .order_by()
    )
    approvals = _approvals(applications, first, last)
    approved = (
        approvals.annotate(month=TruncMonth("at"))
        .values("application__kind", "application__level", "month")
        .annotate(
            count=Count("application_id", distinct=True),
            amount=Sum("application__amount"),
        )
        .order_by()
    )
    approved_shares = (
        Share.objects.filter(application__in=approvals.values("application_id"))
        .values("finance_id", "finance__name", "finance__sort_order")
        .annotate(count=Count("application_id", distinct=True), amount=Sum("amount"))
        .order_by()
    )
    lines = paid_lines(applications, first, last)
    paid_by_level = (
        lines.values("share__application__kind", "share__application__level")
        .annotate(
            count=Count("share__application_id", distinct=True), amount=Sum("amount")
        )
        .order_by()
    )
    paid_by_month = (
        lines.annotate(month=TruncMonth("paid_on"))
        .values("month")
        .annotate(
            count=Count("share__application_id", distinct=True), amount=Sum("amount")
        )
        .order_by()
    )
    paid_by_finance = (
        lines.values(
            "share__finance_id", "share__finance__name", "share__finance__sort_order"
        )
        .annotate(
            count=Count("share__application_id", distinct=True), amount=Sum("amount")
        )
        .order_by()
    )

    levels: dict[tuple[str, str], FigureRow] = {}
    finances: dict[int, FigureRow] = {}
    finance_order: dict[int, tuple] = {}
    months: dict[str, FigureRow] = {}

    def level_row(kind: str, level: str) -> FigureRow:
        if (kind, level) not in levels:
            label = Level(level).label if level else NO_LEVEL
            levels[(kind, level)] = FigureRow(f"{kind}:{level}", label)
        return levels[(kind, level)]

    def finance_row(pk: int, name: str, order: int) -> FigureRow:
        if pk not in finances:
            finances[pk] = FigureRow(str(pk), name)
            finance_order[pk] = (order, name)
        return finances[pk]

    def month_row(value) -> FigureRow:
        key = _month_key(value)
        if key not in months:
            months[key] = FigureRow(key, _month_label(key))
        return months[key]

    for row in filed:
        count, amount = row["count"], row["amount"]
        level_row(row["kind"], row["level"]).add_state(row["state"], count, amount)
        finance_row(
            row["finance_id"], row["finance__name"], row["finance__sort_order"]
        ).add_state(row["state"], count, amount)
        month_row(row["month"]).add_state(row["state"], count, amount)
    for row in approved:
        level_row(row["application__kind"], row["application__level"]).approvals.add(
            row["count"], row["amount"]
        )
        month_row(row["month"]).approvals.add(row["count"], row["amount"])
    for row in approved_shares:
        finance_row(
            row["finance_id"], row["finance__name"], row["finance__sort_order"]
        ).approvals.add(row["count"], row["amount"])
    for row in paid_by_level:
        level_row(
            row["share__application__kind"], row["share__application__level"]
        ).payments.add(row["count"], row["amount"])
    for row in paid_by_month:
        month_row(row["month"]).payments.add(row["count"], row["amount"])
    for row in paid_by_finance:
        finance_row(
            row["share__finance_id"],
            row["share__finance__name"],
            row["share__finance__sort_order"],
        ).payments.add(row["count"], row["amount"])

    total = FigureRow("total", "合计")
    blocks: dict[str, KindBlock] = {}
    for (kind, _level), row in sorted(
        levels.items(),
        key=lambda item: (KIND_ORDER[item[0][0]], LEVEL_ORDER[item[0][1]]),
    ):
        block = blocks.get(kind)
        if block is None:
            label = AwardKind(kind).label
            block = blocks[kind] = KindBlock(kind, label, FigureRow(kind, label), [])
        block.levels.append(row)
        block.total.merge(row)
        total.merge(row)
    month_list = [
        months.get(key) or FigureRow(key, _month_label(key))
        for key in _month_keys(first, last, set(months))
    ]
    return Figures(
        first=first,
        last=last,
        total=total,
        kinds=list(blocks.values()),
        finances=[finances[pk] for pk in sorted(finances, key=finance_order.get)],
        months=month_list,
    )


def _month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{year}年{int(month)}月"


def figure_years(*, user=None, today: datetime.date) -> list[int]:
    """The years a figures page offers: from the first filing the user
    may see to this year, latest first; one query."""
    applications = scoped_applications(user)
    earliest = applications.order_by("filed_on").values_list("filed_on", flat=True)
    first = earliest.first()
    start = min(first.year, today.year) if first else today.year
    return list(range(today.year, start - 1, -1))


def format_yuan(amount) -> str:
    """2200 → "2,200", 2200.5 → "2,200.50", nothing → "0": the 公示's own
    way of writing an amount."""
    return amount_text(Decimal(amount or 0))


__all__ = [
    "STATE_GROUPS",
    "Figures",
    "FigureRow",
    "KindBlock",
    "Tally",
    "award_figures",
    "bounds",
    "figure_years",
    "format_yuan",
    "paid_lines",
    "range_label",
    "scoped_applications",
]
