"""PLACEHOLDER for helper A's ``bulletin_figures`` (branch bul-figures).

Only the interface of /work/issue11.md, so that part B's services import
and run; the lead takes A's version of this file at merge.
"""

import calendar
import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class LightRule:
    yellow_below: int = 20
    stale_months: int = 2


def bulletin_figures(
    *,
    policy,
    first: tuple[int, int],
    last: tuple[int, int],
    today: datetime.date,
    rule: LightRule = LightRule(),  # noqa: B008
    previous: dict | None = None,
) -> dict:
    months = (last[0] - first[0]) * 12 + last[1] - first[1] + 1
    end = datetime.date(last[0], last[1], calendar.monthrange(*last)[1])
    return {
        "schema": 1,
        "policy": {
            "id": policy.pk,
            "number": policy.number,
            "title": policy.title,
            "issuer": policy.issuer,
        },
        "range": {
            "first": f"{first[0]}-{first[1]:02d}",
            "last": f"{last[0]}-{last[1]:02d}",
            "label": f"{first[0]}年{first[1]}月至{last[1]}月",
            "months": months,
        },
        "as_of": min(end, today).isoformat(),
        "elapsed_percent": 0.0,
        "rule": {"yellow_below": rule.yellow_below, "stale_months": rule.stale_months},
        "lights": {"completed": 0, "on_pace": 0, "lagging": 0, "seriously_lagging": 0},
        "discipline": {
            "due": 0,
            "on_time": 0,
            "late": 0,
            "missing": 0,
            "returned": 0,
            "rate": None,
            "on_time_rate": None,
        },
        "months": [],
        "targets_summary": {
            "total": 0,
            "green": 0,
            "yellow": 0,
            "red": 0,
            "none": 0,
            "achieved": 0,
            "missed": 0,
        },
        "tasks": [],
        "targets": [],
        "lagging": [],
        "departments": [],
        "problems": [],
        "next_steps": [],
        "charts": {"lights_by_department": []},
    }
