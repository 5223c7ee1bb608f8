"""The skills action's default 考核方案, as the README's “全年考核” gives it.

The four computed indicators share the 100 points (报送纪律 30, 任务进度
30, 目标完成 25, 督导整改 15); 加分 (at most 5) and the deductions come on
top of or off them, each deduction kind capped by its weight. The special
indicator is task 7's employment rate, which the policy makes an item of
the city's 年度综合考核 in its own right (“从2023年起,公办职业院校毕业生
市内就业率纳入年度综合考核”): it is entered as a value with its source and
carried to the results, with no points of its own by default so that the
100 points stay the four computed indicators'; a reviewer who wants it to
count gives it a weight before the scheme is frozen.
"""

from decimal import Decimal

from django.db import transaction

from audit.models import AuditAction
from audit.services import audit_record

from .models import Indicator, IndicatorKind, Scheme

# (name, kind, weight, params): weight is the full marks of a computed
# indicator, the cap of a deduction or bonus kind (Indicator.weight).
DEFAULT_INDICATORS: tuple[tuple[str, str, str, dict], ...] = (
    (
        "报送纪律",
        IndicatorKind.DISCIPLINE,
        "30",
        {"late": 1, "missing": 2, "returned": 0.5},
    ),
    ("任务进度", IndicatorKind.PROGRESS, "30", {}),
    ("目标完成", IndicatorKind.TARGETS, "25", {}),
    ("督导整改", IndicatorKind.RECTIFICATION, "15", {}),
    ("加分", IndicatorKind.BONUS, "5", {"cap": 5}),
    ("扣分", IndicatorKind.PENALTY, "10", {}),
    ("催办扣分", IndicatorKind.URGES, "5", {"each": 0.5}),
    ("通报红灯扣分", IndicatorKind.RED_LIGHTS, "5", {"each": 1}),
    (
        "公办职业院校毕业生市内就业率",
        IndicatorKind.SPECIAL,
        "0",
        {"task": 7, "target": 50, "unit": "%"},
    ),
)
# Share of the progress indicator's points that lead tasks carry; the rest
# is the cooperating tasks'.
LEAD_SHARE = 70
# The indicators that share the 100 points.
SCORED_KINDS = (
    IndicatorKind.DISCIPLINE,
    IndicatorKind.PROGRESS,
    IndicatorKind.TARGETS,
    IndicatorKind.RECTIFICATION,
    IndicatorKind.SPECIAL,
)


def default_title(year: int) -> str:
    return f"{year}年度技能鹰潭行动考核方案"


@transaction.atomic
def default_scheme_create(year: int, *, actor=None) -> Scheme:
    """The default scheme of ``year`` with its indicators, not frozen;
    audited as the creation of the scheme. Refused (ValueError, in Chinese)
    when the year has a scheme already."""
    if Scheme.objects.filter(year=year).exists():
        raise ValueError(f"{year}年度已有考核方案,不能再创建默认方案。")
    scheme = Scheme.objects.create(
        year=year, title=default_title(year), created_by=actor
    )
    Indicator.objects.bulk_create(
        Indicator(
            scheme=scheme,
            position=position,
            name=name,
            kind=kind,
            weight=Decimal(weight),
            params=params,
            lead_share=LEAD_SHARE,
        )
        for position, (name, kind, weight, params) in enumerate(
            DEFAULT_INDICATORS, start=1
        )
    )
    audit_record(
        action=AuditAction.SCHEME_CREATE,
        actor=actor,
        obj=scheme,
        after={
            "year": year,
            "title": scheme.title,
            "default": True,
            "indicators": [
                {"name": name, "kind": str(kind), "weight": weight, "params": params}
                for name, kind, weight, params in DEFAULT_INDICATORS
            ],
        },
    )
    return scheme
