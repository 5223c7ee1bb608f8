"""Whether an application meets the policy's conditions, each with the
reason in Chinese naming the facts and dates the reviewer can check.

A condition is met (True), failed (False) or not yet verified (None: the
certificate not yet checked in the national query system, an amount the
office has not yet assessed). Only an application whose every condition is
met may pass the 复审 (``all_met``).

Facts recorded from another system (``FactCheck``) count over what was
declared: the latest check of a fact is the one that counts.
"""

import calendar
import datetime
from dataclasses import dataclass

from incentives.models import (
    Application,
    AwardKind,
    CertificateKind,
    Fact,
    FactCheck,
    FactResult,
    Level,
)
from incentives.rules import yuan

# Item 19's certificate levels.
CERTIFICATE_LEVELS = (Level.CHIEF, Level.SPECIAL, Level.ONE, Level.TWO, Level.THREE)
MEDALS = (Level.GOLD, Level.SILVER, Level.BRONZE)
# Item 15: "省级一类及以上" (national and world competitions are above it).
ACCEPTED_GRADE = "省级一类"
HIGHER_GRADE_PREFIXES = ("国家级", "世界")
# Months of continuous social insurance in 鹰潭 (就业, 创业) and of stable
# operation under a business licence (创业).
INSURANCE_MONTHS = 3
LICENCE_MONTHS = 6


@dataclass(frozen=True)
class Condition:
    name: str
    met: bool | None
    reason: str


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day if shorter."""
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _month(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月"


def _latest_checks(application: Application) -> dict[str, FactCheck]:
    """The latest check of each fact (prefetched ``fact_checks`` are used
    when present)."""
    latest: dict[str, FactCheck] = {}
    if application.pk is None:
        return latest
    for check in application.fact_checks.all():
        current = latest.get(check.fact)
        if current is None or (check.checked_on, check.pk) > (
            current.checked_on,
            current.pk,
        ):
            latest[check.fact] = check
    return latest


def _failed_check(check: FactCheck) -> str:
    detail = f":{check.detail}" if check.detail else ""
    return (
        f"{check.checked_on}经{check.source}核验,"
        f"结果为“{check.get_result_display()}”{detail}。"
    )


def certificate_held(application: Application) -> Condition:
    name = "职业资格证书"
    if application.certificate_kind not in CertificateKind.values:
        return Condition(
            name,
            False,
            "未填写证书类别(职业资格证书、职业技能等级证书、专项职业能力证书或特种作业操作证书)。",
        )
    if application.level not in CERTIFICATE_LEVELS:
        return Condition(name, False, "证书等级不是高级工(三级)及以上。")
    return Condition(
        name,
        True,
        f"持{application.get_certificate_kind_display()}"
        f"({application.get_level_display()},{application.occupation}),"
        f"证书编号{application.certificate_number},"
        f"发证日期{application.certificate_date}。",
    )


def certificate_verified(application: Application, checks: dict) -> Condition:
    name = "证书核验"
    check = checks.get(Fact.CERTIFICATE)
    if check is None:
        return Condition(name, None, "证书尚未在全国职业资格证书查询系统核验。")
    if check.result == FactResult.CONFIRMED:
        return Condition(
            name, True, f"{check.checked_on}经{check.source}核验,证书信息一致。"
        )
    return Condition(name, False, _failed_check(check))


def contract_one_year(application: Application) -> Condition:
    """A contract of at least one year, its first and last day counted: 1
    June 2024 to 31 May 2025 is one year."""
    name = "劳动合同1年以上"
    start, end = application.contract_start, application.contract_end
    employer = application.employer_name or "用人单位"
    if start is None:
        return Condition(name, False, "未填写劳动合同起始日期。")
    if end is None:
        return Condition(
            name, True, f"与{employer}签订无固定期限劳动合同,自{start}起。"
        )
    one_year_end = add_months(start, 12) - datetime.timedelta(days=1)
    if end >= one_year_end:
        return Condition(name, True, f"与{employer}签订劳动合同{start}至{end},满1年。")
    return Condition(
        name,
        False,
        f"劳动合同{start}至{end}不满1年(须至少到{one_year_end})。",
    )


def contract_held(application: Application) -> Condition:
    name = "劳动合同"
    start, end = application.contract_start, application.contract_end
    employer = application.employer_name or "用人单位"
    if start is None:
        return Condition(name, False, "未填写劳动合同起始日期。")
    term = f"{start}至{end}" if end else f"自{start}起(无固定期限)"
    return Condition(name, True, f"与{employer}签订劳动合同,{term}。")


def insurance_paid(
    application: Application, checks: dict, months_needed: int = INSURANCE_MONTHS
) -> Condition:
    """The first ``months_needed`` or more continuous months of social
    insurance in 鹰潭, by the insurance system's check when there is one,
    else as declared; they must have been paid by the day of filing."""
    name = f"首次在鹰连续缴纳社保{months_needed}个月以上"
    first = application.insurance_first_month
    months = application.insurance_months
    origin = "申报"
    check = checks.get(Fact.INSURANCE)
    if check is not None:
        if check.result != FactResult.CONFIRMED:
            return Condition(name, False, _failed_check(check))
        first = check.insurance_first_month or first
        months = (
            check.insurance_months if check.insurance_months is not None else months
        )
        origin = f"{check.checked_on}经{check.source}核验"
    if first is None:
        return Condition(name, False, "未填写首次在鹰参保月份。")
    if months is None:
        return Condition(name, False, "未填写在鹰连续缴纳社保月数。")
    if months < months_needed:
        return Condition(
            name,
            False,
            f"{origin}:自{_month(first)}起在鹰连续缴纳社保{months}个月,"
            f"不满{months_needed}个月。",
        )
    if add_months(first.replace(day=1), months_needed) > application.filed_on:
        return Condition(
            name,
            False,
            f"{origin}:自{_month(first)}起参保,至申请日{application.filed_on}"
            f"尚不满{months_needed}个月。",
        )
    return Condition(
        name,
        True,
        f"{origin}:自{_month(first)}起在鹰连续缴纳社保{months}个月。",
    )


def licence_operating(application: Application, checks: dict) -> Condition:
    name = f"营业执照稳定经营{LICENCE_MONTHS}个月以上"
    licence_date = application.licence_date
    if licence_date is None:
        return Condition(name, False, "未填写营业执照登记日期。")
    check = checks.get(Fact.LICENCE)
    if check is not None and check.result != FactResult.CONFIRMED:
        return Condition(name, False, _failed_check(check))
    due = add_months(licence_date, LICENCE_MONTHS)
    if due > application.filed_on:
        return Condition(
            name,
            False,
            f"营业执照{application.licence_number}于{licence_date}登记,"
            f"至申请日{application.filed_on}经营不满{LICENCE_MONTHS}个月"
            f"({due}起方可申请)。",
        )
    return Condition(
        name,
        True,
        f"营业执照{application.licence_number}于{licence_date}登记,"
        f"至申请日{application.filed_on}经营满{LICENCE_MONTHS}个月。",
    )


def certificate_while_employed(application: Application) -> Condition:
    name = "入职期间取得证书"
    got, start = application.certificate_date, application.contract_start
    end = application.contract_end
    if got is None or start is None:
        return Condition(name, False, "未填写发证日期或劳动合同起始日期。")
    if got < start:
        return Condition(
            name,
            False,
            f"证书发证日期{got}早于劳动合同起始日期{start},不是入职期间取得。",
        )
    if end is not None and got > end:
        return Condition(name, False, f"证书发证日期{got}晚于劳动合同终止日期{end}。")
    return Condition(name, True, f"证书于{got}取得,在劳动合同期内(自{start}起)。")


def insurance_continuous(application: Application, checks: dict) -> Condition:
    condition = insurance_paid(application, checks, months_needed=1)
    return Condition("连续缴纳社保", condition.met, condition.reason)


def competition_grade(application: Application) -> Condition:
    name = "省级一类及以上技能大赛"
    grade = application.competition_grade.strip()
    competition = application.competition or "赛事"
    if not grade:
        return Condition(name, False, "未填写赛事级别。")
    if grade == ACCEPTED_GRADE or grade.startswith(HIGHER_GRADE_PREFIXES):
        return Condition(name, True, f"{competition}为{grade}赛事。")
    return Condition(
        name, False, f"{competition}为{grade}赛事,须为省级一类及以上技能大赛。"
    )


def medal_won(application: Application) -> Condition:
    name = "获得金银铜牌"
    if application.level not in MEDALS:
        return Condition(name, False, "未获得金牌、银牌或铜牌。")
    return Condition(name, True, f"获得{application.get_level_display()}。")


def prize_set(application: Application) -> Condition:
    name = "赛事奖金"
    prize = application.prize_amount
    if prize is None or prize <= 0:
        return Condition(name, False, "未填写赛事奖金,无法等额配套。")
    return Condition(name, True, f"赛事奖金{yuan(prize)}元,等额配套。")


def grand_award(application: Application) -> Condition:
    name = "获得中华技能大奖"
    if "中华技能大奖" not in application.competition:
        return Condition(
            name, False, "未注明所获中华技能大奖(如“第十六届中华技能大奖”)。"
        )
    return Condition(name, True, f"获得{application.competition}。")


def amount_assessed(application: Application) -> Condition:
    name = "按规定核定金额"
    if application.assessed_amount is None:
        return Condition(name, None, "金额按规定核定,待人社局复审时核定。")
    special = application.special_funds or 0
    return Condition(
        name,
        True,
        f"人社局核定金额{yuan(application.assessed_amount)}元,"
        f"其中省、市专项资金负担{yuan(special)}元。",
    )


def conditions(application: Application) -> list[Condition]:
    """The conditions of the application's award kind, in the policy's
    order."""
    checks = _latest_checks(application)
    kind = application.kind
    if kind == AwardKind.EMPLOYMENT:
        return [
            certificate_held(application),
            certificate_verified(application, checks),
            contract_one_year(application),
            insurance_paid(application, checks),
        ]
    if kind == AwardKind.STARTUP:
        return [
            certificate_held(application),
            certificate_verified(application, checks),
            licence_operating(application, checks),
            insurance_paid(application, checks),
        ]
    if kind == AwardKind.UPSKILL:
        return [
            certificate_held(application),
            certificate_verified(application, checks),
            contract_held(application),
            insurance_continuous(application, checks),
            certificate_while_employed(application),
        ]
    if kind in (AwardKind.COMPETITION, AwardKind.COACH):
        return [
            competition_grade(application),
            medal_won(application),
            prize_set(application),
        ]
    if kind == AwardKind.GRAND:
        return [grand_award(application)]
    return [amount_assessed(application)]


def all_met(conditions: list[Condition]) -> bool:
    return bool(conditions) and all(c.met is True for c in conditions)
