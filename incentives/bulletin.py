"""The bulletin's section on the incentives (技能人才激励奖励兑现情况),
registered by ``incentives.panels.register`` into ``bulletins.selectors.
figures.extra_sections``: the awards paid in the bulletin's months and
since the policy began, by award kind, counted by application and summed
by the amounts paid (``selectors.figures.paid_lines``, the figures page's
own count). Counts and amounts only: the section goes into the public
bulletin too. Two queries."""

import calendar
import datetime
from decimal import Decimal

from django.db.models import Count, Sum

from bulletins.selectors.figures import range_label
from bulletins.wording import chinese_date

from .models import Application, AwardKind
from .selectors.figures import format_yuan, paid_lines

KEY = "incentives"
TITLE = "技能人才激励奖励兑现情况"
COLUMNS = [
    ["奖励类别", 44],
    ["本期兑现(笔)", 24],
    ["本期金额(元)", 32],
    ["累计兑现(笔)", 24],
    ["累计金额(元)", 32],
]


def _by_kind(lines) -> dict[str, tuple[int, Decimal]]:
    rows = (
        lines.values("share__application__kind")
        .annotate(
            count=Count("share__application_id", distinct=True), amount=Sum("amount")
        )
        .order_by()
    )
    return {
        row["share__application__kind"]: (row["count"], row["amount"]) for row in rows
    }


def _sum(figures: dict) -> tuple[int, Decimal]:
    return (
        sum(count for count, _ in figures.values()),
        sum((amount for _, amount in figures.values()), Decimal(0)),
    )


def awards_section(*, policy, first, last, as_of: datetime.date) -> dict | None:
    """The section for the months ``first`` to ``last`` (each a (year,
    month)) as of ``as_of``, or None when no award was paid by then."""
    start = datetime.date(*first, 1)
    end = min(datetime.date(*last, calendar.monthrange(*last)[1]), as_of)
    applications = Application.objects.all()
    cumulative = _by_kind(paid_lines(applications, None, as_of))
    if not cumulative:
        return None
    in_range = _by_kind(paid_lines(applications, start, end))
    label = range_label(first, last)
    total_count, total_amount = _sum(cumulative)
    count, amount = _sum(in_range)
    kinds = [kind for kind in AwardKind.values if kind in cumulative]
    since = f"政策实施以来累计兑现{total_count}笔、{format_yuan(total_amount)}元。"
    if in_range:
        parts = "、".join(
            f"{AwardKind(kind).label}{in_range[kind][0]}笔"
            f"{format_yuan(in_range[kind][1])}元"
            for kind in kinds
            if kind in in_range
        )
        line = (
            f"{label}(截至{chinese_date(end)}),全市兑现技能人才激励奖励"
            f"{count}笔、{format_yuan(amount)}元,其中{parts};{since}"
        )
    else:
        line = f"{label}未兑现技能人才激励奖励;{since}"
    rows = [
        [
            AwardKind(kind).label,
            in_range.get(kind, (0, 0))[0],
            format_yuan(in_range.get(kind, (0, 0))[1]),
            cumulative[kind][0],
            format_yuan(cumulative[kind][1]),
        ]
        for kind in kinds
    ]
    rows.append(
        ["合计", count, format_yuan(amount), total_count, format_yuan(total_amount)]
    )
    return {
        "key": KEY,
        "title": TITLE,
        "lines": [line],
        "columns": COLUMNS,
        "rows": rows,
    }
