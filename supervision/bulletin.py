"""The bulletin's section on rectification (督导整改情况), registered in
``SupervisionConfig.ready`` into ``bulletins.selectors.figures.
extra_sections``: the figures per responsible department of every round
of the bulletin's policy begun by its as-of day, from
``selectors.department_figures``. One query, and two per round."""

import datetime
from collections import defaultdict

from bulletins.wording import chinese_date, percent

from .models import Round
from .selectors import department_figures

KEY = "rectification"
TITLE = "督导整改情况"
COLUMNS = [
    ["责任单位", 40],
    ["发现问题", 20],
    ["已销号", 20],
    ["待销号", 20],
    ["整改中", 20],
    ["其中逾期", 16],
    ["销号率", 20],
]
FIELDS = ("found", "signed_off", "requested", "in_progress", "overdue")


def _rate(signed_off: int, found: int) -> float | None:
    return round(100 * signed_off / found, 1) if found else None


def rectification_section(*, policy, first, last, as_of: datetime.date) -> dict | None:
    """The section, or None before the policy's first round or when its
    rounds found nothing."""
    rounds = list(
        Round.objects.filter(policy=policy, starts_on__lte=as_of).order_by(
            "year", "half", "pk"
        )
    )
    totals: dict[int, dict] = {}
    order: dict[int, tuple] = {}
    for round_ in rounds:
        for row in department_figures(round_, today=as_of):
            entry = totals.setdefault(
                row.department.pk,
                defaultdict(int, id=row.department.pk, name=row.department.name),
            )
            order[row.department.pk] = (row.department.sort_order, row.department.name)
            for name in FIELDS:
                entry[name] += getattr(row, name)
    if not totals:
        return None
    ranked = [totals[pk] for pk in sorted(totals, key=order.get)]
    whole = {name: sum(d[name] for d in ranked) for name in FIELDS}
    rate = percent(_rate(whole["signed_off"], whole["found"]))
    titles = "、".join(r.title for r in rounds)
    line = (
        f"截至{chinese_date(as_of)},{titles}共发现问题{whole['found']}个,"
        f"已整改销号{whole['signed_off']}个,待销号{whole['requested']}个,"
        f"整改中{whole['in_progress']}个(其中超过整改时限{whole['overdue']}个),"
        f"整改销号率{rate}。"
    )
    return {
        "key": KEY,
        "title": TITLE,
        "lines": [line],
        "columns": COLUMNS,
        "rows": [
            [
                d["name"],
                *(d[name] for name in FIELDS),
                percent(_rate(d["signed_off"], d["found"])),
            ]
            for d in ranked
        ],
        "department_ids": [d["id"] for d in ranked],
    }
