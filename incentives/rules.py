"""The amounts table read: which rule is in force on a day, what it pays
and who bears it.

An application takes the rule in force on the day it was filed
(``rule_for``); the amount is computed from that rule (``amount_for``),
never typed, with an explanation in Chinese that the reviewer reads; the
bearing finances follow the rule's funding (``shares_for``).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from incentives.defaults import CITY_FINANCE, PROVINCE_FUND
from incentives.models import (
    AmountBasis,
    Application,
    AwardKind,
    AwardRule,
    Finance,
    Funding,
    Level,
)

YUAN = Decimal(1)
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Amount:
    rule: AwardRule | None
    amount: Decimal | None
    manual_review: bool
    explanation: str


def rule_for(*, kind: str, level: str, on) -> AwardRule | None:
    """The rule in force on ``on``: started on or before it, not ended
    before it; of two, the one that started later."""
    return (
        AwardRule.objects.filter(kind=kind, level=level or "", effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .order_by("-effective_from", "-pk")
        .first()
    )


def yuan(value: Decimal) -> str:
    """2000 for Decimal("2000.00"), 12.50 for Decimal("12.5")."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value)}"
    return f"{value.quantize(CENT)}"


def _label(kind: str, level: str) -> str:
    if level:
        return str(Level(level).label)
    return str(AwardKind(kind).label)


def amount_for(
    *,
    kind: str,
    level: str,
    on,
    key_chain: bool,
    prize_amount: Decimal | None = None,
    assessed_amount: Decimal | None = None,
    special_funds: Decimal = Decimal(0),
) -> Amount:
    """The amount of an award filed on ``on``, from the rule in force."""
    rule = rule_for(kind=kind, level=level, on=on)
    if rule is None:
        return Amount(
            rule=None,
            amount=None,
            manual_review=True,
            explanation=f"{on}没有施行中的{_label(kind, level)}奖励标准。",
        )
    return amount_from_rule(
        rule,
        key_chain=key_chain,
        prize_amount=prize_amount,
        assessed_amount=assessed_amount,
        special_funds=special_funds,
    )


def amount_from_rule(
    rule: AwardRule,
    *,
    key_chain: bool,
    prize_amount: Decimal | None = None,
    assessed_amount: Decimal | None = None,
    special_funds: Decimal = Decimal(0),
) -> Amount:
    """The amount a given rule pays (an application keeps the rule it was
    filed under, so its amount is recomputed from that rule)."""
    label = _label(rule.kind, rule.level)
    if rule.basis == AmountBasis.PRIZE_MATCH:
        if prize_amount is None:
            return Amount(
                rule, None, True, f"{label}:比照赛事奖金等额配套,须填写赛事奖金。"
            )
        amount = Decimal(prize_amount).quantize(CENT, ROUND_HALF_UP)
        return Amount(
            rule,
            amount,
            rule.manual_review,
            f"{label}:比照赛事奖金{yuan(amount)}元等额配套 = {yuan(amount)}元",
        )
    if rule.basis == AmountBasis.OFFICE:
        if assessed_amount is None:
            return Amount(
                rule, None, True, f"{label}:金额按规定核定,待人社局复审时核定。"
            )
        special = Decimal(special_funds or 0)
        amount = (Decimal(assessed_amount) - special).quantize(CENT, ROUND_HALF_UP)
        text = f"{label}:核定金额{yuan(assessed_amount)}元"
        if special:
            text += f" − 省、市专项资金负担{yuan(special)}元 = {yuan(amount)}元"
        if rule.funding == Funding.SPLIT:
            city = yuan(rule.city_share_percent)
            area = yuan(HUNDRED - rule.city_share_percent)
            text += f",由市本级与受益财政按{city}:{area}比例负担"
        return Amount(rule, amount, True, text)
    # A fixed amount; blank where the policy leaves it to the office.
    if rule.amount is None:
        return Amount(
            rule,
            None,
            True,
            f"{label}:奖励标准另按有关规定执行,金额待人社局在奖励标准中设定,须人工审核。",
        )
    base = rule.amount
    if key_chain and rule.uplift_percent > 0:
        rate = HUNDRED + rule.uplift_percent
        amount = (base * rate / HUNDRED).quantize(YUAN, ROUND_HALF_UP).quantize(CENT)
        text = (
            f"{label}{yuan(base)}元 × {yuan(rate)}%"
            f"(重点产业链企业上浮{yuan(rule.uplift_percent)}%)= {yuan(amount)}元"
        )
    else:
        amount = base.quantize(YUAN, ROUND_HALF_UP).quantize(CENT)
        text = f"{label}{yuan(base)}元"
        if key_chain:
            text += f"({AwardKind(rule.kind).label}不随重点产业链企业上浮)"
    return Amount(rule, amount, rule.manual_review, text)


def shares_for(application: Application) -> list[tuple[Finance, Decimal]]:
    """Who bears what of the application's amount: item 20 the provincial
    employment subsidy fund; item 18 市本级 its percentage (20) and the
    area's finance the rest (all 市本级 without an area); the others the
    application's finance. A share of nothing is left out."""
    rule = application.rule
    amount = application.amount
    if rule is None or amount is None or amount <= 0:
        return []
    if rule.funding == Funding.PROVINCE_FUND:
        return [(Finance.objects.get(name=PROVINCE_FUND), amount)]
    if rule.funding == Funding.SPLIT:
        city_finance = Finance.objects.get(name=CITY_FINANCE)
        area_finance = (
            Finance.objects.filter(area_id=application.area_id).first()
            if application.area_id
            else None
        )
        if area_finance is None or area_finance == city_finance:
            return [(city_finance, amount)]
        city = (amount * rule.city_share_percent / HUNDRED).quantize(
            CENT, ROUND_HALF_UP
        )
        shares = [(city_finance, city), (area_finance, amount - city)]
        return [(finance, part) for finance, part in shares if part > 0]
    return [(application.finance, amount)]
