"""Every write of the annual assessment: the scheme and its indicators
(refused once frozen), the assessment's moves along
``assessment.workflow`` (start, recompute, finalise, issue, correct),
manual items, and the departments' objections and their answers.

Scores come from ``assessment.indicators.compute_all`` and keep their
working; a sheet's total is the sum of its scores' points (deductions are
negative points). An accepted objection's corrected points replace the
computed ones, and keep doing so on every recompute. Ranks and grades come
from ``assessment.grading.assign_grades``. Each write is audited in its
own transaction.
"""

import datetime
import hashlib
import uuid
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from assessment import permissions, selectors
from assessment.documents import RESULT_STATES
from assessment.grading import assign_grades
from assessment.indicators import compute_all
from assessment.models import (
    DEDUCTION_KINDS,
    MANUAL_KINDS,
    Assessment,
    AssessmentCorrection,
    AssessmentState,
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
from assessment.workflow import MOVES, OPEN_STATES
from audit.services import (
    audit_event,
    audit_lock,
    audit_record,
    audit_record_many,
    snapshot,
)
from bulletins.models import RenderStatus
from common.files import FileRejected, check_evidence_size, sniff_evidence
from tasks.models import Department

SCHEME_FIELDS = (
    "year",
    "title",
    "excellent_min",
    "good_min",
    "fair_min",
    "excellent_quota",
)
INDICATOR_FIELDS = ("position", "name", "kind", "weight", "params", "lead_share")
# Parameters that are words, not numbers: a special indicator's unit ("%").
TEXT_PARAMS = ("unit",)
TEXT_PARAM_MAX = 20
STATE_FIELDS = ("state", "version", "review_ends_on")
TEXT_MAX = 5000
CENT = Decimal("0.01")


class AssessmentError(Exception):
    """A refused write, with a message in Chinese for the person."""


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _require_manager(actor) -> None:
    if not permissions.can_manage(actor):
        raise AssessmentError("只有人社局审核员可以管理年度考核。")


def _text(value: str, label: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise AssessmentError(f"请填写{label}。")
    if len(value) > TEXT_MAX:
        raise AssessmentError(f"{label}超过 {TEXT_MAX} 字,请精简。")
    return value


def _decimal(value, label: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise AssessmentError(f"{label}“{value}”不是数字。") from exc
    if not number.is_finite():
        raise AssessmentError(f"{label}“{value}”不是数字。")
    return number.quantize(CENT)


def _store(instance, upload) -> None:
    """A file checked like dispatch's evidence (size first, then type by
    content), stored outside the web root under a random name; saved with
    ``instance``."""
    try:
        check_evidence_size(upload.size, upload.name)
        data = upload.read()
        content_type, extension = sniff_evidence(data, upload.name)
    except FileRejected as exc:
        raise AssessmentError(str(exc)) from exc
    instance.original_name = upload.name[:255]
    instance.content_type = content_type
    instance.size = len(data)
    instance.sha256 = hashlib.sha256(data).hexdigest()
    instance.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(data), save=False)


# -- the scheme ---------------------------------------------------------------


def _check_scheme(values: dict) -> None:
    year = values["year"]
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise AssessmentError(f"考核年度“{year}”不合理。")
    if not values["title"]:
        raise AssessmentError("请填写考核方案名称。")
    if not values["excellent_min"] >= values["good_min"] >= values["fair_min"] >= 0:
        raise AssessmentError(
            "等次最低分须为 优秀 ≥ 良好 ≥ 一般 ≥ 0,现为"
            f" {values['excellent_min']}、{values['good_min']}、{values['fair_min']}。"
        )
    quota = values["excellent_quota"]
    if not isinstance(quota, int) or not 0 <= quota <= 100:
        raise AssessmentError(f"优秀比例上限“{quota}”须为 0–100 之间的整数。")


def _scheme_values(data: dict, base: dict) -> dict:
    values = dict(base)
    for name in SCHEME_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name == "title":
            value = _text(value, "考核方案名称", required=False)
        elif name in ("excellent_min", "good_min", "fair_min"):
            label = Scheme._meta.get_field(name).verbose_name
            value = _decimal(value, label)
        values[name] = value
    _check_scheme(values)
    return values


@transaction.atomic
def scheme_create(
    *,
    year: int,
    title: str,
    actor,
    excellent_min: Decimal = Decimal("90"),
    good_min: Decimal = Decimal("85"),
    fair_min: Decimal = Decimal("70"),
    excellent_quota: int = 30,
) -> Scheme:
    _require_manager(actor)
    values = _scheme_values(
        {
            "year": year,
            "title": title,
            "excellent_min": excellent_min,
            "good_min": good_min,
            "fair_min": fair_min,
            "excellent_quota": excellent_quota,
        },
        {},
    )
    if Scheme.objects.filter(year=year).exists():
        raise AssessmentError(f"{year}年度的考核方案已存在,请直接修改。")
    scheme = Scheme.objects.create(**values, created_by=actor)
    audit_record(
        action="scheme.create",
        actor=actor,
        obj=scheme,
        after=snapshot(scheme, SCHEME_FIELDS),
    )
    return scheme


def _lock_scheme(scheme: Scheme) -> Scheme:
    audit_lock()
    return Scheme.objects.select_for_update().get(pk=scheme.pk)


def _require_editable(scheme: Scheme) -> None:
    if scheme.is_frozen:
        raise AssessmentError(
            f"{scheme.year}年度考核已启动,考核方案已冻结,不能再修改。"
        )


@transaction.atomic
def scheme_update(*, scheme: Scheme, data: dict, actor) -> Scheme:
    _require_manager(actor)
    scheme = _lock_scheme(scheme)
    _require_editable(scheme)
    before = snapshot(scheme, SCHEME_FIELDS)
    values = _scheme_values(
        data, before | {name: getattr(scheme, name) for name in SCHEME_FIELDS}
    )
    if values["year"] != scheme.year and (
        Scheme.objects.filter(year=values["year"]).exclude(pk=scheme.pk).exists()
    ):
        raise AssessmentError(f"{values['year']}年度的考核方案已存在。")
    for name, value in values.items():
        setattr(scheme, name, value)
    scheme.save()
    audit_record(
        action="scheme.update",
        actor=actor,
        obj=scheme,
        before=before,
        after=snapshot(scheme, SCHEME_FIELDS),
    )
    return scheme


def _indicator_values(data: dict, base: dict) -> dict:
    values = dict(base)
    for name in INDICATOR_FIELDS:
        if name in data:
            values[name] = data[name]
    values["name"] = _text(values.get("name"), "指标名称")
    if values.get("kind") not in IndicatorKind.values:
        raise AssessmentError(
            f"指标“{values['name']}”的类型“{values.get('kind')}”未知。"
        )
    values["weight"] = _decimal(
        values.get("weight", 0), f"指标“{values['name']}”的分值"
    )
    if values["weight"] < 0:
        raise AssessmentError(f"指标“{values['name']}”的分值不能为负数。")
    lead_share = values.get("lead_share", 70)
    if not isinstance(lead_share, int) or not 0 <= lead_share <= 100:
        raise AssessmentError(
            f"指标“{values['name']}”的牵头任务占比“{lead_share}”须为 0–100 之间的整数。"
        )
    params = values.get("params") or {}
    if not isinstance(params, dict):
        raise AssessmentError(f"指标“{values['name']}”的参数须为“名称: 数值”的形式。")
    for key, value in params.items():
        if key in TEXT_PARAMS:
            if not isinstance(value, str) or len(value) > TEXT_PARAM_MAX:
                raise AssessmentError(
                    f"指标“{values['name']}”的参数“{key}”须为不超过"
                    f" {TEXT_PARAM_MAX} 字的文字。"
                )
            continue
        number = _decimal(value, f"指标“{values['name']}”的参数“{key}”")
        if number < 0:
            raise AssessmentError(
                f"指标“{values['name']}”的参数“{key}”不能为负数(扣分写正数)。"
            )
    values["params"] = params
    position = values.get("position") or 1
    if not isinstance(position, int) or position < 1:
        raise AssessmentError(f"指标“{values['name']}”的序号须为正整数。")
    values["position"] = position
    return values


INDICATOR_AUDIT = ("scheme", *INDICATOR_FIELDS)


@transaction.atomic
def indicator_add(
    *,
    scheme: Scheme,
    name: str,
    kind: str,
    weight: Decimal,
    actor,
    params: dict | None = None,
    lead_share: int = 70,
    position: int | None = None,
) -> Indicator:
    _require_manager(actor)
    scheme = _lock_scheme(scheme)
    _require_editable(scheme)
    if position is None:
        position = scheme.indicators.count() + 1
    values = _indicator_values(
        {
            "name": name,
            "kind": kind,
            "weight": weight,
            "params": params or {},
            "lead_share": lead_share,
            "position": position,
        },
        {},
    )
    indicator = Indicator.objects.create(scheme=scheme, **values)
    audit_record(
        action="indicator.add",
        actor=actor,
        obj=indicator,
        after=snapshot(indicator, INDICATOR_AUDIT),
    )
    return indicator


@transaction.atomic
def indicator_update(*, indicator: Indicator, data: dict, actor) -> Indicator:
    _require_manager(actor)
    _require_editable(_lock_scheme(indicator.scheme))
    indicator = Indicator.objects.get(pk=indicator.pk)
    before = snapshot(indicator, INDICATOR_AUDIT)
    values = _indicator_values(
        data, {name: getattr(indicator, name) for name in INDICATOR_FIELDS}
    )
    for name, value in values.items():
        setattr(indicator, name, value)
    indicator.save()
    audit_record(
        action="indicator.update",
        actor=actor,
        obj=indicator,
        before=before,
        after=snapshot(indicator, INDICATOR_AUDIT),
    )
    return indicator


@transaction.atomic
def indicator_delete(*, indicator: Indicator, actor) -> None:
    _require_manager(actor)
    _require_editable(_lock_scheme(indicator.scheme))
    before = snapshot(indicator, INDICATOR_AUDIT)
    event = audit_event(
        action="indicator.delete", actor=actor, obj=indicator, before=before
    )
    indicator.delete()
    audit_record_many([event])


# -- computing the sheets -----------------------------------------------------


def _compute_all(scheme, departments, year, *, today):
    # A wrapper the workflow tests replace with a stand-in.
    return compute_all(scheme, departments, year, today=today)


def _assign_grades(totals: dict[int, Decimal], scheme) -> dict:
    return assign_grades(totals, scheme)


def _empty_working(indicator: Indicator) -> dict:
    return {
        "points": "0.00",
        "max_points": str(indicator.weight),
        "formula": "本指标无可计算的数据",
        "inputs": [],
    }


def _compute_sheets(
    assessment: Assessment,
    *,
    today: datetime.date,
    now: datetime.datetime,
    departments: Iterable[Department] | None = None,
) -> list[ScoreSheet]:
    """(Re)compute the sheets of ``departments`` (all assessed ones by
    default): their scores and working, accepted corrections applied, the
    totals; ranks and grades are cleared until finalised. A fixed number
    of queries whatever the number of departments."""
    scheme = assessment.scheme
    if departments is None:
        departments = list(selectors.assessed_departments())
    else:
        departments = list(departments)
    indicators = selectors.scheme_indicators(scheme)
    results = _compute_all(scheme, departments, scheme.year, today=today)
    sheets = {
        sheet.department_id: sheet
        for sheet in assessment.sheets.filter(department__in=departments)
    }
    new = [
        ScoreSheet(assessment=assessment, department=d)
        for d in departments
        if d.pk not in sheets
    ]
    for sheet in ScoreSheet.objects.bulk_create(new):
        sheets[sheet.department_id] = sheet
    corrections = {
        (o.sheet_id, o.indicator_id): o
        for o in Objection.objects.filter(
            sheet__in=list(sheets.values()), state=ObjectionState.ACCEPTED
        ).order_by("answered_at", "pk")
    }
    Score.objects.filter(sheet__in=list(sheets.values())).delete()
    scores = []
    for department in departments:
        sheet = sheets[department.pk]
        total = Decimal("0")
        for indicator in indicators:
            result = results.get((department.pk, indicator.pk))
            if result is None:
                points, working = Decimal("0"), _empty_working(indicator)
            else:
                points, working = result.points.quantize(CENT), result.as_working()
            objection = corrections.get((sheet.pk, indicator.pk))
            if objection is not None:
                working["corrected"] = {
                    "objection": objection.pk,
                    "computed_points": str(points),
                    "answer": objection.answer,
                }
                points = objection.corrected_points
            total += points
            scores.append(
                Score(sheet=sheet, indicator=indicator, points=points, working=working)
            )
        sheet.total = total
        sheet.rank = None
        sheet.grade = ""
        sheet.computed_at = now
    Score.objects.bulk_create(scores)
    ScoreSheet.objects.bulk_update(
        list(sheets.values()), ["total", "rank", "grade", "computed_at"]
    )
    return list(sheets.values())


def _totals(sheets: Iterable[ScoreSheet]) -> dict[str, str]:
    return {str(sheet.department_id): str(sheet.total) for sheet in sheets}


# -- the assessment's moves ---------------------------------------------------


def _lock(assessment: Assessment) -> Assessment:
    """The assessment's row, locked for the rest of the transaction, so
    two reviewers' moves take turns."""
    audit_lock()
    return (
        Assessment.objects.select_related("scheme")
        .select_for_update(of=("self",))
        .get(pk=assessment.pk)
    )


def _check_move(assessment: Assessment, action: str) -> None:
    move = MOVES[action]
    if assessment.state not in move.sources:
        raise AssessmentError(
            f"{assessment}当前为“{assessment.get_state_display()}”,不能{move.label}。"
        )


@transaction.atomic
def assessment_create(*, scheme: Scheme, actor) -> Assessment:
    """The year's assessment in 草稿, so that manual items can be entered
    before it starts."""
    _require_manager(actor)
    scheme = _lock_scheme(scheme)
    if Assessment.objects.filter(scheme=scheme).exists():
        raise AssessmentError(f"{scheme.year}年度考核已创建。")
    assessment = Assessment.objects.create(scheme=scheme)
    audit_record(
        action="assessment.create",
        actor=actor,
        obj=assessment,
        after=snapshot(assessment, STATE_FIELDS),
    )
    return assessment


@transaction.atomic
def assessment_start(
    *,
    scheme: Scheme,
    review_ends_on: datetime.date,
    today: datetime.date,
    actor,
    now: datetime.datetime | None = None,
) -> Assessment:
    """Freeze the scheme, compute every assessed department's sheet and
    open the review window (复核期) until ``review_ends_on``."""
    _require_manager(actor)
    now = _now(now)
    scheme = _lock_scheme(scheme)
    if not scheme.indicators.exists():
        raise AssessmentError(f"{scheme.year}年度考核方案还没有指标,不能启动考核。")
    if review_ends_on < today:
        raise AssessmentError(
            f"复核截止日期{review_ends_on:%Y-%m-%d}早于今天,请选择今天或以后的日期。"
        )
    assessment, created = Assessment.objects.get_or_create(scheme=scheme)
    assessment = _lock(assessment)
    _check_move(assessment, "start")
    before = snapshot(assessment, STATE_FIELDS)
    scheme.frozen_at = now
    scheme.save(update_fields=["frozen_at"])
    assessment.scheme = scheme
    sheets = _compute_sheets(assessment, today=today, now=now)
    assessment.state = AssessmentState.REVIEW
    assessment.review_ends_on = review_ends_on
    assessment.started_at = now
    assessment.started_by = actor
    assessment.save()
    audit_record(
        action="assessment.start",
        actor=actor,
        obj=assessment,
        before=None if created else before,
        after=snapshot(assessment, STATE_FIELDS)
        | {"frozen_at": now, "totals": _totals(sheets)},
    )
    return assessment


@transaction.atomic
def assessment_recompute(
    *,
    assessment: Assessment,
    today: datetime.date,
    actor,
    now: datetime.datetime | None = None,
) -> Assessment:
    """Compute every sheet again from the year's data (草稿 and 复核期
    only: a finalised assessment's scores are frozen)."""
    _require_manager(actor)
    assessment = _lock(assessment)
    _check_move(assessment, "recompute")
    before = {"totals": _totals(assessment.sheets.all())}
    sheets = _compute_sheets(assessment, today=today, now=_now(now))
    audit_record(
        action="assessment.recompute",
        actor=actor,
        obj=assessment,
        before=before,
        after={"totals": _totals(sheets)},
    )
    return assessment


def _rank(assessment: Assessment) -> list[ScoreSheet]:
    sheets = list(assessment.sheets.all())
    grades = _assign_grades(
        {s.department_id: s.total for s in sheets}, assessment.scheme
    )
    for sheet in sheets:
        sheet.rank, sheet.grade = grades[sheet.department_id]
    ScoreSheet.objects.bulk_update(sheets, ["rank", "grade"])
    return sheets


def _ranking(sheets: Iterable[ScoreSheet]) -> dict[str, list]:
    return {str(s.department_id): [str(s.total), s.rank, str(s.grade)] for s in sheets}


@transaction.atomic
def assessment_finalise(
    *, assessment: Assessment, actor, now: datetime.datetime | None = None
) -> Assessment:
    """Freeze the scores and assign ranks (ties share a rank) and grades;
    refused while an objection waits for its answer."""
    _require_manager(actor)
    assessment = _lock(assessment)
    _check_move(assessment, "finalise")
    pending = Objection.objects.filter(
        sheet__assessment=assessment, state=ObjectionState.PENDING
    ).count()
    if pending:
        raise AssessmentError(f"还有 {pending} 条申诉未答复,请全部答复后再定稿。")
    before = snapshot(assessment, STATE_FIELDS)
    sheets = _rank(assessment)
    assessment.state = AssessmentState.FINAL
    assessment.finalised_at = _now(now)
    assessment.finalised_by = actor
    assessment.save()
    audit_record(
        action="assessment.finalise",
        actor=actor,
        obj=assessment,
        before=before,
        after=snapshot(assessment, STATE_FIELDS) | {"ranking": _ranking(sheets)},
    )
    return assessment


@transaction.atomic
def assessment_issue(
    *, assessment: Assessment, actor, now: datetime.datetime | None = None
) -> Assessment:
    _require_manager(actor)
    assessment = _lock(assessment)
    _check_move(assessment, "issue")
    before = snapshot(assessment, STATE_FIELDS)
    assessment.state = AssessmentState.ISSUED
    assessment.issued_at = _now(now)
    assessment.issued_by = actor
    assessment.save()
    audit_record(
        action="assessment.issue",
        actor=actor,
        obj=assessment,
        before=before,
        after=snapshot(assessment, STATE_FIELDS)
        | {"ranking": _ranking(assessment.sheets.all())},
    )
    return assessment


@transaction.atomic
def assessment_correct(
    *,
    assessment: Assessment,
    reason: str,
    today: datetime.date,
    actor,
    now: datetime.datetime | None = None,
) -> Assessment:
    """A correction after issue: a new version, computed again and ranked,
    back in 已定稿 to be issued again."""
    _require_manager(actor)
    reason = _text(reason, "更正理由")
    now = _now(now)
    assessment = _lock(assessment)
    _check_move(assessment, "correct")
    before = snapshot(assessment, STATE_FIELDS) | {
        "ranking": _ranking(assessment.sheets.all())
    }
    assessment.version += 1
    AssessmentCorrection.objects.create(
        assessment=assessment, version=assessment.version, reason=reason, by=actor
    )
    _compute_sheets(assessment, today=today, now=now)
    sheets = _rank(assessment)
    assessment.state = AssessmentState.FINAL
    assessment.finalised_at = now
    assessment.finalised_by = actor
    assessment.save()
    audit_record(
        action="assessment.correct",
        actor=actor,
        obj=assessment,
        before=before,
        after=snapshot(assessment, STATE_FIELDS)
        | {"reason": reason, "ranking": _ranking(sheets)},
    )
    return assessment


# -- manual items -------------------------------------------------------------


MANUAL_ITEM_FIELDS = (
    "assessment",
    "department",
    "indicator",
    "points",
    "reason",
    "source",
    "original_name",
    "sha256",
)


@transaction.atomic
def manual_item_add(
    *,
    assessment: Assessment,
    department: Department,
    indicator: Indicator,
    points: Decimal,
    reason: str,
    today: datetime.date,
    actor,
    source: str = "",
    upload=None,
    now: datetime.datetime | None = None,
) -> ManualItem:
    """A 加分/扣分 (points, written as a positive number) or a special
    indicator's value, with its reason and evidence. Once the sheets exist
    the department's sheet is computed again."""
    _require_manager(actor)
    assessment = _lock(assessment)
    if assessment.state not in OPEN_STATES:
        raise AssessmentError(
            f"{assessment}已{assessment.get_state_display()},不能再录入加减分。"
        )
    if (
        indicator.scheme_id != assessment.scheme_id
        or indicator.kind not in MANUAL_KINDS
    ):
        raise AssessmentError(
            f"指标“{indicator.name}”不是本年度方案的加分、扣分或专项指标。"
        )
    if not selectors.assessed_departments().filter(pk=department.pk).exists():
        raise AssessmentError(f"“{department}”不是被考核单位。")
    points = _decimal(points, f"“{indicator.name}”的分值或数值")
    if points < 0:
        raise AssessmentError(
            f"“{indicator.name}”的分值或数值不能为负数(扣分请写正数,按扣分计)。"
        )
    item = ManualItem(
        assessment=assessment,
        department=department,
        indicator=indicator,
        points=points,
        reason=_text(reason, "事由"),
        source=_text(source, "数据来源", required=False)[:200],
        entered_by=actor,
    )
    if indicator.kind == IndicatorKind.SPECIAL and not item.source:
        raise AssessmentError(f"请填写“{indicator.name}”数值的数据来源。")
    if upload is not None:
        _store(item, upload)
    item.save()
    if assessment.sheets.filter(department=department).exists():
        _compute_sheets(
            assessment, today=today, now=_now(now), departments=[department]
        )
    audit_record(
        action="manual_item.add",
        actor=actor,
        obj=item,
        department=department,
        after=snapshot(item, MANUAL_ITEM_FIELDS),
    )
    return item


# -- objections ---------------------------------------------------------------


OBJECTION_FIELDS = ("state", "answer", "corrected_points")


@transaction.atomic
def objection_raise(
    *,
    sheet: ScoreSheet,
    indicator: Indicator,
    reason: str,
    today: datetime.date,
    actor,
    upload=None,
) -> Objection:
    """申诉 by the sheet's own department, during the review window, one
    pending at a time per indicator."""
    if not permissions.can_object(actor, sheet):
        raise AssessmentError("只有本单位的用户可以对本单位的得分提出申诉。")
    assessment = _lock(sheet.assessment)
    if assessment.state != AssessmentState.REVIEW:
        raise AssessmentError(
            f"{assessment}当前为“{assessment.get_state_display()}”,"
            "只有复核期内可以提出申诉。"
        )
    if assessment.review_ends_on and today > assessment.review_ends_on:
        raise AssessmentError(
            f"复核期已于{assessment.review_ends_on:%Y-%m-%d}结束,不能再提出申诉。"
        )
    if indicator.scheme_id != assessment.scheme_id:
        raise AssessmentError(f"指标“{indicator.name}”不属于{assessment}。")
    if sheet.objections.filter(
        indicator=indicator, state=ObjectionState.PENDING
    ).exists():
        raise AssessmentError(
            f"对“{indicator.name}”的申诉尚未答复,请等待答复后再提出。"
        )
    objection = Objection(
        sheet=sheet,
        indicator=indicator,
        reason=_text(reason, "申诉理由"),
        raised_by=actor,
    )
    if upload is not None:
        _store(objection, upload)
    objection.save()
    audit_record(
        action="objection.raise",
        actor=actor,
        obj=objection,
        department=sheet.department,
        after={
            "sheet": sheet.pk,
            "indicator": indicator.pk,
            "reason": objection.reason,
            "file": objection.original_name,
        },
    )
    return objection


def _check_points(indicator: Indicator, points: Decimal) -> None:
    """A corrected score stays within what the indicator can give: a
    deduction is 0 or negative, down to its cap; any other kind 0 up to
    its full marks (a weight of 0 sets no cap, as in the computation)."""
    cap = Decimal(str((indicator.params or {}).get("cap", indicator.weight)))
    if indicator.kind in DEDUCTION_KINDS:
        low, high = (-cap if cap else None), Decimal("0")
    else:
        low, high = Decimal("0"), (cap if cap else None)
    if (low is not None and points < low) or (high is not None and points > high):
        lowest = "不限" if low is None else low
        highest = "不限" if high is None else high
        span = f"{lowest} 至 {highest}"
        raise AssessmentError(
            f"“{indicator.name}”更正后的得分须在 {span} 分之间,现为 {points} 分。"
        )


@transaction.atomic
def objection_answer(
    *,
    objection: Objection,
    accept: bool,
    answer: str,
    actor,
    corrected_points: Decimal | None = None,
    now: datetime.datetime | None = None,
) -> Objection:
    """Accept with the corrected points (the sheet's total follows), or
    reject with a reason."""
    _require_manager(actor)
    assessment = _lock(objection.sheet.assessment)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if assessment.state != AssessmentState.REVIEW:
        raise AssessmentError(
            f"{assessment}当前为“{assessment.get_state_display()}”,不能再答复申诉。"
        )
    if objection.state != ObjectionState.PENDING:
        raise AssessmentError("该申诉已答复。")
    answer = _text(answer, "采纳说明" if accept else "不予采纳的理由")
    before = snapshot(objection, OBJECTION_FIELDS)
    indicator = objection.indicator
    if accept:
        if corrected_points is None or str(corrected_points).strip() == "":
            raise AssessmentError(f"采纳申诉须填写“{indicator.name}”更正后的得分。")
        points = _decimal(corrected_points, "更正后的得分")
        _check_points(indicator, points)
        objection.state = ObjectionState.ACCEPTED
        objection.corrected_points = points
    else:
        objection.state = ObjectionState.REJECTED
    objection.answer = answer
    objection.answered_by = actor
    objection.answered_at = _now(now)
    objection.save()
    after = snapshot(objection, OBJECTION_FIELDS)
    if accept:
        sheet = ScoreSheet.objects.select_for_update().get(pk=objection.sheet_id)
        score = Score.objects.get(sheet=sheet, indicator=indicator)
        working = dict(score.working)
        working["corrected"] = {
            "objection": objection.pk,
            "computed_points": str(
                working.get("corrected", {}).get("computed_points", score.points)
            ),
            "answer": answer,
        }
        score.points = objection.corrected_points
        score.working = working
        score.save(update_fields=["points", "working"])
        before["total"] = str(sheet.total)
        sheet.total = sum(
            (s.points for s in sheet.scores.all()), Decimal("0")
        ).quantize(CENT)
        sheet.save(update_fields=["total"])
        after["total"] = str(sheet.total)
    audit_record(
        action="objection.answer",
        actor=actor,
        obj=objection,
        department=objection.sheet.department,
        before=before,
        after=after,
    )
    return objection


# -- the results files --------------------------------------------------------


RESULTS_FILE_FIELDS = (
    "version",
    "rendered_state",
    "number_text",
    "status",
    "message",
    "docx",
    "pdf",
)
# The formats the background job writes; the .xlsx is made on request.
RESULTS_FORMATS = ("docx", "pdf")
NUMBER_TEXT_MAX = 100


@transaction.atomic
def results_file_create(
    *, assessment: Assessment, actor, number_text: str = ""
) -> ResultsFile:
    """Queue the rendering of the results 通报 (.docx, PDF) of the
    assessment as it stands, once final; the caller enqueues the job
    itself (``assessment.jobs.render_start``)."""
    _require_manager(actor)
    assessment = _lock(assessment)
    if assessment.state not in RESULT_STATES:
        raise AssessmentError(
            f"{assessment}当前为“{assessment.get_state_display()}”,"
            "定稿后才能生成考核结果通报(Word、PDF):名次和等次在定稿时确定。"
        )
    number_text = _text(number_text, "发文字号", required=False)
    if len(number_text) > NUMBER_TEXT_MAX:
        raise AssessmentError(f"发文字号超过 {NUMBER_TEXT_MAX} 字,请检查。")
    if assessment.results_files.filter(
        status__in=[RenderStatus.QUEUED, RenderStatus.RUNNING]
    ).exists():
        raise AssessmentError("考核结果文件正在生成,请等待完成后再试。")
    results_file = ResultsFile.objects.create(
        assessment=assessment,
        version=assessment.version,
        rendered_state=assessment.state,
        number_text=number_text,
        created_by=actor,
    )
    audit_record(
        action="assessment.render",
        actor=actor,
        obj=results_file,
        after=snapshot(results_file, RESULTS_FILE_FIELDS),
    )
    return results_file


def _lock_results_file(results_file: ResultsFile) -> ResultsFile:
    audit_lock()
    return ResultsFile.objects.select_for_update().get(pk=results_file.pk)


@transaction.atomic
def results_file_start(
    *, results_file: ResultsFile, now: datetime.datetime | None = None
) -> ResultsFile:
    results_file = _lock_results_file(results_file)
    if results_file.status != RenderStatus.QUEUED:
        raise AssessmentError(
            f"文件生成任务为“{results_file.get_status_display()}”,不能开始生成。"
        )
    before = snapshot(results_file, RESULTS_FILE_FIELDS)
    results_file.status = RenderStatus.RUNNING
    results_file.started_at = _now(now)
    results_file.save(update_fields=["status", "started_at"])
    audit_record(
        action="assessment.render_start",
        obj=results_file,
        before=before,
        after=snapshot(results_file, RESULTS_FILE_FIELDS),
    )
    return results_file


@transaction.atomic
def results_file_finish(
    *,
    results_file: ResultsFile,
    files: dict[str, str],
    now: datetime.datetime | None = None,
) -> ResultsFile:
    """Done: ``files`` names each format's file under
    MEDIA_ROOT/assessment/results."""
    if set(files) != set(RESULTS_FORMATS):
        raise AssessmentError(
            f"考核结果文件须为 {'、'.join(RESULTS_FORMATS)},"
            f"现为 {'、'.join(sorted(files)) or '无'}。"
        )
    results_file = _lock_results_file(results_file)
    if results_file.status != RenderStatus.RUNNING:
        raise AssessmentError(
            f"文件生成任务为“{results_file.get_status_display()}”,不能标记完成。"
        )
    before = snapshot(results_file, RESULTS_FILE_FIELDS)
    results_file.status = RenderStatus.DONE
    results_file.message = ""
    results_file.finished_at = _now(now)
    for kind, name in files.items():
        setattr(results_file, kind, name)
    results_file.save()
    audit_record(
        action="assessment.render_done",
        obj=results_file,
        before=before,
        after=snapshot(results_file, RESULTS_FILE_FIELDS),
    )
    return results_file


@transaction.atomic
def results_file_fail(
    *, results_file: ResultsFile, reason: str, now: datetime.datetime | None = None
) -> ResultsFile:
    results_file = _lock_results_file(results_file)
    if results_file.is_finished:
        raise AssessmentError(
            f"文件生成任务已经{results_file.get_status_display()},不能再标记失败。"
        )
    before = snapshot(results_file, RESULTS_FILE_FIELDS)
    results_file.status = RenderStatus.FAILED
    results_file.message = (reason or "原因不明")[:500]
    results_file.finished_at = _now(now)
    results_file.save(update_fields=["status", "message", "finished_at"])
    audit_record(
        action="assessment.render_fail",
        obj=results_file,
        before=before,
        after=snapshot(results_file, RESULTS_FILE_FIELDS),
    )
    return results_file
