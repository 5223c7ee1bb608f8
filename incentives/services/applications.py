"""Applications: entry and correction (with the duplicate checks), the
facts other systems confirmed, the office's assessment, and the moves
along the graph of ``incentives.workflow``.

- The amount is always computed from the rule in force on the day of
  filing (``incentives.rules``), never taken from the data.
- Personal data is stored encrypted, masked beside it and, for the ID
  number, as a keyed hash for the duplicate checks (``incentives.crypto``);
  the audit trail gets the masked values only.
- Each write takes the audit chain's lock first: entries are serialised,
  so two clerks cannot both pass the duplicate checks for the same person
  or take the same number.
"""

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_lock, audit_record, snapshot
from incentives import eligibility, permissions, rules
from incentives.crypto import (
    id_number_problem,
    mask_name,
    normalise_digits,
    normalise_id_number,
    personal_values,
)
from incentives.defaults import CITY_FINANCE, PROVINCE_FUND
from incentives.models import (
    CERTIFICATE_KINDS,
    LEVEL_RANK,
    PERSONAL_KINDS,
    AmountBasis,
    Application,
    ApplicationState,
    ApplicationTransition,
    AwardKind,
    CertificateKind,
    Fact,
    FactCheck,
    FactResult,
    Finance,
    Funding,
    KeyEnterprise,
    Level,
    Share,
    Source,
)
from incentives.workflow import (
    CLERK,
    EDITABLE_STATES,
    LIVE_STATES,
    MOVES,
    REVIEWER,
    SYSTEM,
)

S = ApplicationState


class ApplicationError(Exception):
    """A refused write. ``errors`` maps a field name ("" for the whole
    application) to its messages in Chinese."""

    def __init__(self, errors: dict[str, list[str]] | str):
        if isinstance(errors, str):
            errors = {"": [errors]}
        self.errors = errors
        super().__init__(" ".join(m for messages in errors.values() for m in messages))


# The entry's fields, as ``application_create`` takes them.
PERSONAL_FIELDS = ("id_number", "phone", "card_number")
TEXT_FIELDS = (
    "kind",
    "level",
    "name",
    "card_bank",
    "certificate_number",
    "certificate_kind",
    "occupation",
    "employer_name",
    "employer_credit_code",
    "licence_number",
    "competition",
    "competition_grade",
    "note",
)
DATE_FIELDS = (
    "certificate_date",
    "contract_start",
    "contract_end",
    "licence_date",
    "insurance_first_month",
    "filed_on",
)
DATA_FIELDS = (
    *TEXT_FIELDS,
    *DATE_FIELDS,
    "insurance_months",
    "fresh_graduate",
    "prize_amount",
)
LABELS = {
    "id_number": "身份证号",
    "phone": "手机号",
    "card_number": "社保卡/银行卡号",
    "area": "所属区(市)",
    **{
        name: str(Application._meta.get_field(name).verbose_name)
        for name in DATA_FIELDS
    },
}

CERTIFICATE_FIELDS = (
    "certificate_number",
    "certificate_kind",
    "occupation",
    "certificate_date",
    "insurance_first_month",
    "insurance_months",
)
COMPETITION_FIELDS = (
    "competition",
    "competition_grade",
    "prize_amount",
    "employer_name",
)
# What each kind requires besides the name, the date of filing and the
# account paid (personal kinds: also the ID number and the phone).
REQUIRED = {
    AwardKind.EMPLOYMENT: (
        *CERTIFICATE_FIELDS,
        "employer_name",
        "employer_credit_code",
        "contract_start",
    ),
    AwardKind.STARTUP: (*CERTIFICATE_FIELDS, "licence_number", "licence_date"),
    AwardKind.UPSKILL: (
        *CERTIFICATE_FIELDS,
        "employer_name",
        "employer_credit_code",
        "contract_start",
    ),
    AwardKind.COMPETITION: COMPETITION_FIELDS,
    AwardKind.COACH: COMPETITION_FIELDS,
    AwardKind.GRAND: ("competition",),
    AwardKind.TRAINING_CENTRE: ("employer_credit_code",),
    AwardKind.TRAINING_INSTITUTION: ("employer_credit_code",),
    AwardKind.JOINT_SCHOOLING: ("employer_credit_code",),
}
LEVELS = {
    **dict.fromkeys(CERTIFICATE_KINDS, eligibility.CERTIFICATE_LEVELS),
    AwardKind.COMPETITION: eligibility.MEDALS,
    AwardKind.COACH: eligibility.MEDALS,
}
PHONE = re.compile(r"1\d{10}")
CARD = re.compile(r"\d{12,32}")
CREDIT_CODE = re.compile(r"[0-9A-Z]{18}")

# What the audit trail keeps of an application (the personal data masked).
AUDIT_FIELDS = (
    "number",
    "kind",
    "level",
    "state",
    "source",
    "filed_on",
    "area",
    "finance",
    "id_number_masked",
    "phone_masked",
    "card_masked",
    "card_bank",
    "certificate_number",
    "certificate_kind",
    "occupation",
    "certificate_date",
    "employer_name",
    "employer_credit_code",
    "key_enterprise",
    "contract_start",
    "contract_end",
    "licence_number",
    "licence_date",
    "insurance_first_month",
    "insurance_months",
    "fresh_graduate",
    "competition",
    "competition_grade",
    "prize_amount",
    "assessed_amount",
    "special_funds",
    "rule",
    "amount",
    "needs_manual_review",
)
VERSION_CONFLICT = "申请已被他人修改,请刷新后重试。"
MANUAL_AMOUNT = "该等级奖励标准另按有关规定执行,请先在奖励标准中设定金额"
OFFICE_AMOUNT = "该奖励金额按规定核定,请先核定金额再复审通过。"


def audit_values(application: Application) -> dict:
    """The application as the audit trail keeps it: personal data masked."""
    values = snapshot(application, AUDIT_FIELDS)
    values["name"] = (
        mask_name(application.name) if application.is_personal else application.name
    )
    return values


# Cleaning -----------------------------------------------------------------


def _code(value: str) -> str:
    """A number typed in any width, with spaces or dashes: ASCII, upper
    case, nothing between the characters."""
    value = unicodedata.normalize("NFKC", value)
    return re.sub(r"[\s\-]", "", value).upper()


def _date(value, label: str, errors: dict) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        errors[label].append(f"{LABELS[label]}“{value}”不是有效日期。")
        return None


def _clean(data: dict, errors: dict) -> dict:
    """The entry's values typed: text stripped, dates as dates, numbers
    as numbers; what cannot be read is an error of its field."""
    cleaned = {}
    for name in TEXT_FIELDS:
        value = data.get(name)
        cleaned[name] = "" if value is None else str(value).strip()
    for name in ("certificate_number", "employer_credit_code", "licence_number"):
        cleaned[name] = _code(cleaned[name])
    for name in DATE_FIELDS:
        cleaned[name] = _date(data.get(name), name, errors)
    if cleaned["insurance_first_month"]:
        cleaned["insurance_first_month"] = cleaned["insurance_first_month"].replace(
            day=1
        )
    months = data.get("insurance_months")
    cleaned["insurance_months"] = None
    if months not in (None, ""):
        try:
            cleaned["insurance_months"] = int(str(months).strip())
            if cleaned["insurance_months"] < 0:
                raise ValueError
        except ValueError:
            errors["insurance_months"].append(
                f"{LABELS['insurance_months']}应为不小于0的整数。"
            )
            cleaned["insurance_months"] = None
    prize = data.get("prize_amount")
    cleaned["prize_amount"] = None
    if prize not in (None, ""):
        try:
            cleaned["prize_amount"] = Decimal(str(prize).strip()).quantize(
                Decimal("0.01")
            )
            if not cleaned["prize_amount"].is_finite() or cleaned["prize_amount"] <= 0:
                raise InvalidOperation
        except InvalidOperation:
            errors["prize_amount"].append(f"{LABELS['prize_amount']}应为大于0的金额。")
            cleaned["prize_amount"] = None
    cleaned["fresh_graduate"] = bool(data.get("fresh_graduate"))
    return cleaned


def _clean_personal(data: dict, errors: dict, today=None) -> dict:
    """The ID, phone and card numbers normalised and checked."""
    values = {}
    id_number = normalise_id_number(str(data.get("id_number") or ""))
    if id_number:
        problem = id_number_problem(id_number, today=today)
        if problem:
            errors["id_number"].append(problem)
    phone = normalise_digits(str(data.get("phone") or ""))
    if phone and not PHONE.fullmatch(phone):
        errors["phone"].append("手机号应为以1开头的11位数字。")
    card = normalise_digits(str(data.get("card_number") or ""))
    if card and not CARD.fullmatch(card):
        errors["card_number"].append("社保卡/银行卡号应为12至32位数字。")
    values["id_number"], values["phone"], values["card_number"] = id_number, phone, card
    return values


def _check_values(cleaned: dict, personal: dict, *, today, errors: dict) -> None:
    """Required fields of the kind, levels, formats and dates in order
    (``today`` None: the date of filing was checked at entry)."""
    kind = cleaned["kind"]
    if kind not in AwardKind.values:
        errors["kind"].append("请选择奖励类别。")
        return
    is_personal = kind in PERSONAL_KINDS
    if not cleaned["name"]:
        errors["name"].append("请填写姓名。" if is_personal else "请填写单位名称。")
    required = ["filed_on", *REQUIRED[kind]]
    if is_personal:
        required += ["id_number", "phone", "card_number"]
    else:
        required += ["card_number"]
    for name in required:
        value = personal[name] if name in PERSONAL_FIELDS else cleaned[name]
        if value in (None, "") and not errors.get(name):
            errors[name].append(f"请填写{LABELS[name]}。")
    levels = LEVELS.get(kind, ())
    if levels and cleaned["level"] not in levels:
        choices = "、".join(str(Level(level).label) for level in levels)
        errors["level"].append(f"{AwardKind(kind).label}的等级应为{choices}之一。")
    if not levels and cleaned["level"]:
        errors["level"].append(f"{AwardKind(kind).label}不分等级。")
    if (
        cleaned["certificate_kind"]
        and cleaned["certificate_kind"] not in CertificateKind.values
    ):
        errors["certificate_kind"].append(
            "证书类别应为职业资格证书、职业技能等级证书、专项职业能力证书或特种作业操作证书。"
        )
    code = cleaned["employer_credit_code"]
    if code and not CREDIT_CODE.fullmatch(code):
        errors["employer_credit_code"].append(
            "统一社会信用代码应为18位数字或大写字母。"
        )
    filed_on = cleaned["filed_on"]
    if filed_on and today is not None and filed_on > today:
        errors["filed_on"].append(f"申请日期{filed_on}晚于今天({today})。")
    start, end = cleaned["contract_start"], cleaned["contract_end"]
    if start and end and end <= start:
        errors["contract_end"].append(f"劳动合同终止日期{end}应晚于起始日期{start}。")
    if filed_on:
        for name in ("certificate_date", "licence_date", "insurance_first_month"):
            day = cleaned[name]
            if day and day > filed_on:
                errors[name].append(f"{LABELS[name]}{day}晚于申请日期{filed_on}。")


def _finance_of(area, actor, errors: dict) -> Finance | None:
    """The area's finance (市本级 without an area), if the actor may enter
    applications for that area."""
    if area is None:
        if not permissions.is_city_clerk(actor):
            errors["area"].append("只有市人社局的激励经办员可以录入市本级的奖励申请。")
            return None
        return Finance.objects.get(name=CITY_FINANCE)
    finance = Finance.objects.filter(area=area).first()
    if finance is None:
        errors["area"].append(f"“{area}”不是设有财政的区(市)。")
        return None
    if not permissions.entry_areas(actor).filter(pk=area.pk).exists():
        errors["area"].append(f"您不能录入{area}的奖励申请。")
        return None
    return finance


def _area_finance(area_id) -> Finance:
    if area_id is None:
        return Finance.objects.get(name=CITY_FINANCE)
    return Finance.objects.get(area_id=area_id)


def key_enterprise_on(credit_code: str, on) -> KeyEnterprise | None:
    """The key industry-chain enterprise of that code listed on ``on``."""
    if not credit_code or on is None:
        return None
    return (
        KeyEnterprise.objects.filter(credit_code=credit_code, listed_from__lte=on)
        .filter(Q(listed_to__isnull=True) | Q(listed_to__gte=on))
        .first()
    )


def _describe(application: Application) -> str:
    return f"申请{application.number}({application.get_state_display()})"


def _check_duplicates(
    *, kind: str, level: str, id_hash: str, certificate_number: str, exclude_pk, errors
) -> None:
    """The same person and award kind twice; a lower level after a higher
    one was paid; the same certificate in two applications. A refused
    application blocks nothing."""
    live = Application.objects.filter(state__in=LIVE_STATES).exclude(pk=exclude_pk)
    if id_hash:
        same = list(live.filter(kind=kind, id_number_hash=id_hash).order_by("pk"))
        rank = LEVEL_RANK.get(level)
        paid_higher = [
            other
            for other in same
            if other.state == S.PAID
            and rank is not None
            and LEVEL_RANK.get(other.level, 0) > rank
        ]
        label = AwardKind(kind).label
        if paid_higher:
            other = paid_higher[0]
            errors["id_number"].append(
                f"该人员已于{_describe(other)}领取{label}"
                f"({other.get_level_display()}),不能再申请较低等级的{label}。"
            )
        elif same:
            errors["id_number"].append(
                f"该人员已有{label}{_describe(same[0])},同一奖励每人只能享受一次。"
            )
    if certificate_number:
        other = (
            live.filter(certificate_number=certificate_number).order_by("pk").first()
        )
        if other is not None:
            errors["certificate_number"].append(
                f"证书编号{certificate_number}已用于{_describe(other)},"
                "同一证书不能重复申请。"
            )


def _raise(errors: dict) -> None:
    errors = {name: messages for name, messages in errors.items() if messages}
    if errors:
        raise ApplicationError(errors)


def _errors() -> dict:
    from collections import defaultdict

    return defaultdict(list)


def _next_number(year: int) -> str:
    prefix = f"JL{year}-"
    last = (
        Application.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{sequence:06d}"


def _computed(cleaned: dict, finance: Finance) -> dict:
    """Key enterprise, rule, amount and the finance that bears it."""
    enterprise = key_enterprise_on(cleaned["employer_credit_code"], cleaned["filed_on"])
    amount = rules.amount_for(
        kind=cleaned["kind"],
        level=cleaned["level"],
        on=cleaned["filed_on"],
        key_chain=enterprise is not None,
        prize_amount=cleaned["prize_amount"],
    )
    if amount.rule is None:
        raise ApplicationError({"level": [amount.explanation]})
    if amount.rule.funding == Funding.PROVINCE_FUND:
        finance = Finance.objects.get(name=PROVINCE_FUND)
    return {
        "key_enterprise": enterprise,
        "rule": amount.rule,
        "amount": amount.amount,
        "needs_manual_review": amount.manual_review,
        "finance": finance,
    }


# Entry ----------------------------------------------------------------------


@transaction.atomic
def application_create(
    *, data: dict, area, actor, today: datetime.date, source: str = Source.SINGLE
) -> Application:
    """Enter an application (a draft) after checking it whole; ``area`` is
    the 区(市) where the person is employed or registered, ``None`` for
    市本级. Raises ``ApplicationError`` with every problem found."""
    if not permissions.can_enter(actor):
        raise PermissionDenied("您没有录入奖励申请的权限。")
    audit_lock()
    errors = _errors()
    finance = _finance_of(area, actor, errors)
    cleaned = _clean(data, errors)
    personal = _clean_personal(data, errors, today=today)
    _check_values(cleaned, personal, today=today, errors=errors)
    _raise(errors)
    values = personal_values(**personal)
    _check_duplicates(
        kind=cleaned["kind"],
        level=cleaned["level"],
        id_hash=values["id_number_hash"],
        certificate_number=cleaned["certificate_number"],
        exclude_pk=None,
        errors=errors,
    )
    _raise(errors)
    application = Application(
        **cleaned,
        **values,
        **_computed(cleaned, finance),
        area=area,
        source=source,
        created_by=actor,
    )
    application.number = _next_number(cleaned["filed_on"].year)
    application.save()
    audit_record(
        action=AuditAction.APPLICATION_CREATE,
        actor=actor,
        obj=application,
        after=audit_values(application),
    )
    return application


@transaction.atomic
def application_update(
    *, application: Application, data: dict, actor, version: int
) -> Application:
    """Correct a draft or a returned application. Keys missing from
    ``data`` keep their value; so does a blank ID, phone or card number
    (they are shown masked, never filled in). Everything is checked again
    and the amount recomputed."""
    if CLERK not in permissions.who_for(actor, application):
        raise PermissionDenied("只有本区(市)的激励经办员可以修改该申请。")
    audit_lock()
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.version != version:
        raise ApplicationError(VERSION_CONFLICT)
    if application.state not in EDITABLE_STATES:
        raise ApplicationError(
            f"申请当前为“{application.get_state_display()}”,不能修改。"
        )
    before = audit_values(application)
    merged = {name: getattr(application, name) for name in DATA_FIELDS}
    merged.update({k: v for k, v in data.items() if k in DATA_FIELDS})
    errors = _errors()
    cleaned = _clean(merged, errors)
    given = {name: data.get(name) or "" for name in PERSONAL_FIELDS}
    personal = _clean_personal(given, errors)
    # What is kept counts as present for the required-field check.
    present = {
        "id_number": application.id_number_encrypted,
        "phone": application.phone_encrypted,
        "card_number": application.card_encrypted,
    }
    _check_values(
        cleaned,
        {name: personal[name] or present[name] for name in PERSONAL_FIELDS},
        today=None,
        errors=errors,
    )
    _raise(errors)
    new_values = personal_values(**personal)
    prefixes = {"id_number": "id_number_", "phone": "phone_", "card_number": "card_"}
    for name, prefix in prefixes.items():
        if personal[name]:
            for key, value in new_values.items():
                if key.startswith(prefix):
                    setattr(application, key, value)
    _check_duplicates(
        kind=cleaned["kind"],
        level=cleaned["level"],
        id_hash=application.id_number_hash,
        certificate_number=cleaned["certificate_number"],
        exclude_pk=application.pk,
        errors=errors,
    )
    _raise(errors)
    for name, value in cleaned.items():
        setattr(application, name, value)
    for name, value in _computed(cleaned, _area_finance(application.area_id)).items():
        setattr(application, name, value)
    application.version = F("version") + 1
    application.save()
    application.refresh_from_db()
    audit_record(
        action=AuditAction.APPLICATION_UPDATE,
        actor=actor,
        obj=application,
        before=before,
        after=audit_values(application),
    )
    return application


# Facts and the office's assessment ---------------------------------------

FACT_CLOSED_STATES = (S.PAID, S.REFUSED)
FACT_AUDIT_FIELDS = (
    "application",
    "fact",
    "result",
    "source",
    "checked_on",
    "detail",
    "insurance_first_month",
    "insurance_months",
)


@transaction.atomic
def fact_check_record(
    *,
    application: Application,
    fact: str,
    result: str,
    source: str,
    checked_on: datetime.date,
    actor,
    detail: str = "",
    insurance_first_month: datetime.date | None = None,
    insurance_months: int | None = None,
) -> FactCheck:
    """Record what another system said of one fact; the latest check of a
    fact is the one eligibility counts. The months of social insurance are
    kept only for an insurance check."""
    if not permissions.who_for(actor, application):
        raise PermissionDenied("您没有核验该申请的权限。")
    errors = _errors()
    if fact not in Fact.values:
        errors["fact"].append("请选择核验事项。")
    if result not in FactResult.values:
        errors["result"].append("请选择核验结果。")
    source = (source or "").strip()
    if not source:
        errors["source"].append("请填写数据来源。")
    if not isinstance(checked_on, datetime.date):
        errors["checked_on"].append("请填写核验日期。")
    if insurance_months is not None and (
        not isinstance(insurance_months, int) or insurance_months < 0
    ):
        errors["insurance_months"].append("连续缴费月数应为不小于0的整数。")
    if application.state in FACT_CLOSED_STATES:
        errors[""].append(f"{_describe(application)}已办结,不能再记录核验结果。")
    _raise(errors)
    audit_lock()
    is_insurance = fact == Fact.INSURANCE
    if isinstance(insurance_first_month, datetime.datetime):
        insurance_first_month = insurance_first_month.date()
    check = FactCheck.objects.create(
        application=application,
        fact=fact,
        result=result,
        source=source,
        checked_on=checked_on,
        detail=(detail or "").strip(),
        insurance_first_month=(
            insurance_first_month.replace(day=1)
            if is_insurance and insurance_first_month
            else None
        ),
        insurance_months=insurance_months if is_insurance else None,
        recorded_by=actor,
    )
    audit_record(
        action=AuditAction.FACT_CHECK,
        actor=actor,
        obj=check,
        after=snapshot(check, FACT_AUDIT_FIELDS),
    )
    return check


@transaction.atomic
def application_assess(
    *,
    application: Application,
    assessed_amount: Decimal,
    special_funds: Decimal,
    actor,
) -> Application:
    """The 人社局 sets the amount of an award the policy leaves "按规定"
    (items 8, 9 and 18) during the 复审: the amount is what is left after
    the provincial and city special funds."""
    if REVIEWER not in permissions.who_for(actor, application):
        raise PermissionDenied("只有人社局审核员可以核定金额。")
    audit_lock()
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("rule")
        .get(pk=application.pk)
    )
    errors = _errors()
    if application.rule is None or application.rule.basis != AmountBasis.OFFICE:
        errors[""].append(
            "只有按规定核定金额的奖励(企业职工培训中心、培训机构建设补助,"
            "校企联合办学企业奖励)需要核定金额。"
        )
    if application.state != S.SECOND_REVIEW:
        errors[""].append(
            f"申请当前为“{application.get_state_display()}”,只能在复审时核定金额。"
        )
    assessed = _money(assessed_amount, "assessed_amount", "核定金额", errors)
    special = _money(special_funds or 0, "special_funds", "省、市专项资金负担", errors)
    if assessed is not None and assessed <= 0:
        errors["assessed_amount"].append("核定金额应大于0。")
    if special is not None and special < 0:
        errors["special_funds"].append("省、市专项资金负担不能为负数。")
    if assessed is not None and special is not None and special > assessed:
        errors["special_funds"].append(
            f"省、市专项资金负担{rules.yuan(special)}元超过核定金额"
            f"{rules.yuan(assessed)}元。"
        )
    _raise(errors)
    before = audit_values(application)
    amount = rules.amount_from_rule(
        application.rule,
        key_chain=False,
        assessed_amount=assessed,
        special_funds=special,
    )
    Application.objects.filter(pk=application.pk).update(
        assessed_amount=assessed,
        special_funds=special,
        amount=amount.amount,
        needs_manual_review=amount.manual_review,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    application.refresh_from_db()
    audit_record(
        action=AuditAction.APPLICATION_UPDATE,
        actor=actor,
        obj=application,
        before=before,
        after=audit_values(application),
    )
    return application


def _money(value, field: str, label: str, errors: dict) -> Decimal | None:
    try:
        money = Decimal(str(value).strip()).quantize(Decimal("0.01"))
    except InvalidOperation:
        errors[field].append(f"{label}应为金额。")
        return None
    if not money.is_finite():
        errors[field].append(f"{label}应为金额。")
        return None
    return money


# Moves ------------------------------------------------------------------------


def _second_pass_problems(application: Application) -> list[str]:
    problems = [
        f"{c.name}({'待核验' if c.met is None else '未满足'}:{c.reason})"
        for c in eligibility.conditions(application)
        if c.met is not True
    ]
    if problems:
        return ["复审通过前须满足全部条件:" + ";".join(problems)]
    return []


@transaction.atomic
def application_move(
    *,
    application: Application,
    action: str,
    actor,
    reason: str = "",
    version: int | None = None,
    now: datetime.datetime | None = None,
) -> Application:
    """Move the application along the graph, or raise ``ApplicationError``
    saying why not. A CLERK or REVIEWER move needs that role for this
    application (``permissions.who_for``); a SYSTEM move (publicise,
    approve, pay) is taken only by the services of the 公示 and the
    payments, which checked their own callers, so any actor is accepted.
    ``version``, when given, must be the one the person saw."""
    move = MOVES.get(action)
    if move is None:
        raise ApplicationError("未知的操作")
    if move.who != SYSTEM and move.who not in permissions.who_for(actor, application):
        raise ApplicationError(f"您没有对该申请执行“{move.label}”的权限。")
    reason = (reason or "").strip()
    if move.needs_reason and not reason:
        raise ApplicationError({"reason": [f"“{move.label}”须填写理由。"]})
    now = now or timezone.now()
    audit_lock()
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("rule", "finance", "area")
        .get(pk=application.pk)
    )
    if version is not None and locked.version != version:
        raise ApplicationError(VERSION_CONFLICT)
    if locked.state not in move.sources:
        raise ApplicationError(
            f"申请当前为“{locked.get_state_display()}”,不能执行“{move.label}”。"
        )
    update: dict = {"state": move.target}
    if action == "second_pass":
        if locked.amount is None and locked.rule is not None:
            # The office may have set the amount in the rule since.
            amount = rules.amount_from_rule(
                locked.rule,
                key_chain=locked.key_enterprise_id is not None,
                prize_amount=locked.prize_amount,
                assessed_amount=locked.assessed_amount,
                special_funds=locked.special_funds,
            )
            locked.amount = update["amount"] = amount.amount
        if locked.amount is None:
            office = locked.rule and locked.rule.basis == AmountBasis.OFFICE
            raise ApplicationError(OFFICE_AMOUNT if office else MANUAL_AMOUNT)
        problems = _second_pass_problems(locked)
        if problems:
            raise ApplicationError(problems[0])
    if action == "approve":
        if locked.objections.filter(outcome="").exists():
            raise ApplicationError("该申请有尚未核查的公示异议,不能通过。")
        shares = rules.shares_for(locked)
        if not shares:
            raise ApplicationError("该申请没有奖励金额,不能通过。")
        Share.objects.bulk_create(
            Share(application=locked, finance=finance, amount=amount)
            for finance, amount in shares
        )
    Application.objects.filter(pk=locked.pk).update(
        **update, version=F("version") + 1, updated_at=now
    )
    ApplicationTransition.objects.create(
        application=locked,
        action=action,
        from_state=locked.state,
        to_state=move.target,
        actor=actor,
        reason=reason,
        at=now,
    )
    audit_record(
        action=AuditAction.APPLICATION_MOVE,
        actor=actor,
        obj=locked,
        before={"state": locked.state},
        after={"state": move.target},
    )
    # The caller's instance follows, without losing what else it holds.
    application.state = move.target
    application.version = locked.version + 1
    if "amount" in update:
        application.amount = update["amount"]
    return application
