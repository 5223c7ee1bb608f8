"""Every write to targets: candidates from the parser, the person's
decision on each, and readings."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from audit.services import (
    audit_event,
    audit_lock,
    audit_record,
    audit_record_many,
    snapshot,
)
from tasks.models import ImportKind, KeyTask, Role, Task

from . import permissions
from .cache import public_page_changed
from .models import Reading, ReadingSource, ReviewStatus, Target, TargetKind

# What the audit trail keeps of a reading.
READING_FIELDS = ("target", "value", "as_of", "source", "report", "note")


class TargetError(Exception):
    """A refused write, with a message in Chinese."""


@dataclass
class ExtractReport:
    created: list[Target] = field(default_factory=list)
    kept: list[Target] = field(default_factory=list)
    stale: list[Target] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return (
            f"新增候选目标 {len(self.created)} 个,已有 {len(self.kept)} 个未重复创建"
            + (f",{len(self.stale)} 个待确认候选不再出现于原文" if self.stale else "")
        )


@transaction.atomic
def targets_extract(*, policy, candidates, dry_run: bool = False) -> ExtractReport:
    """Store the parser's candidates as targets to be confirmed. A candidate
    already stored (same fingerprint) is left as the person last decided."""
    report = ExtractReport()
    existing = {t.fingerprint: t for t in Target.objects.filter(policy=policy)}
    tasks = {t.number: t for t in Task.objects.filter(policy=policy)}
    key_tasks = {k.number: k for k in KeyTask.objects.filter(policy=policy)}
    seen = set()
    for position, candidate in enumerate(candidates):
        seen.add(candidate.fingerprint)
        target = existing.get(candidate.fingerprint)
        if target is not None:
            report.kept.append(target)
            continue
        parsed = candidate.target
        task = tasks.get(candidate.task_number) if candidate.task_number else None
        key_task = key_tasks.get(candidate.key_task_number) or (
            task.key_task if task else None
        )
        target = Target(
            policy=policy,
            task=task,
            key_task=key_task,
            metric=parsed.metric[:200],
            value=parsed.value,
            unit=parsed.unit,
            comparator=parsed.comparator,
            aspirational=parsed.aspirational,
            kind=parsed.kind,
            deadline=parsed.deadline or datetime.date(2025, 12, 31),
            baseline=_baseline(parsed),
            start_value=_baseline(parsed) or Decimal(0),
            note=parsed.note[:300],
            source_text=parsed.sentence,
            source_ref=candidate.source_ref[:100],
            fingerprint=candidate.fingerprint,
            position=position,
        )
        target.full_clean(exclude=["policy", "task", "key_task", "reviewed_by"])
        report.created.append(target)
    Target.objects.bulk_create(report.created)
    report.stale = [
        t
        for fingerprint, t in existing.items()
        if fingerprint not in seen and t.review_status == ReviewStatus.PROPOSED
    ]
    if dry_run:
        transaction.set_rollback(True)
    else:
        audit_record(
            action="target.extract",
            obj=policy,
            after={
                "created": len(report.created),
                "kept": len(report.kept),
                "stale": len(report.stale),
            },
        )
    return report


def _baseline(parsed) -> Decimal | None:
    if parsed.baseline_multiplier:
        return (parsed.value / parsed.baseline_multiplier).quantize(Decimal("0.01"))
    return None


@transaction.atomic
def target_decide(*, target: Target, accept: bool, actor) -> Target:
    if not permissions.can_review_targets(actor):
        raise TargetError("只有人社局审核员或系统管理员可以确认目标。")
    fields = ["review_status", "reviewed_by", "reviewed_at"]
    before = snapshot(target, fields)
    target.review_status = ReviewStatus.ACCEPTED if accept else ReviewStatus.REJECTED
    target.reviewed_by = actor
    target.reviewed_at = timezone.now()
    target.save(update_fields=fields)
    public_page_changed()
    audit_record(
        action="target.decide",
        actor=actor,
        obj=target,
        before=before,
        after=snapshot(target, fields),
    )
    return target


def parse_value(raw) -> Decimal | None:
    """A number typed by a person: "1,200", "1200.5", "" → None. It must
    fit the readings' column once rounded to its decimal places: a larger
    one ("1e20", a hundred thousand digits) fails inside the database."""
    if raw in (None, ""):
        return None
    text = str(raw)
    shown = text if len(text) <= 20 else text[:20] + "…"
    try:
        value = Decimal(text.replace(",", "").replace("\uff0c", "").strip())
    except InvalidOperation as exc:
        raise TargetError(f"“{shown}”不是数字。") from exc
    if not value.is_finite():
        raise TargetError(f"“{shown}”不是数字。")
    column = Reading._meta.get_field("value")
    digits = column.max_digits - column.decimal_places
    if (
        value.adjusted() >= digits
        or value.quantize(Decimal(1).scaleb(-column.decimal_places)).adjusted()
        >= digits
    ):
        raise TargetError(f"“{shown}”超出可记录的范围:整数部分最多 {digits} 位。")
    return value


def reading_check(
    *,
    target: Target,
    value,
    as_of: datetime.date,
    source: str,
    actor=None,
    report=None,
    today: datetime.date | None = None,
) -> Decimal:
    """The rules a reading keeps, however it comes in (the form, a report,
    an import): its value, parsed, or TargetError naming the rule broken.
    Reads nothing from the database."""
    value = parse_value(value)
    if value is None:
        raise TargetError(f"请填写“{target.metric}”的数值。")
    if target.review_status != ReviewStatus.ACCEPTED:
        raise TargetError(f"目标“{target.metric}”尚未确认,不能录入读数。")
    if value < 0:
        raise TargetError(f"“{target.metric}”的数值不能为负数。")
    if target.unit == "%" and value > 100:
        raise TargetError(f"“{target.metric}”是百分比,不能超过 100。")
    if target.kind == TargetKind.MILESTONE and value not in (0, target.value):
        raise TargetError(
            f"“{target.metric}”是里程碑目标,只能填 0(未完成)或 {target.value_display}。"
        )
    if as_of > (today or timezone.localdate()):
        raise TargetError("读数的截至日期不能晚于今天。")
    if source == ReadingSource.REPORT:
        if report is None or report.task_id != target.task_id:
            raise TargetError("读数须来自该目标所属工作要求的报告。")
        if report.role != Role.LEAD:
            raise TargetError("目标读数由牵头部门在月度报告中填报。")
    elif source == ReadingSource.REVIEWER and not permissions.can_enter_readings(actor):
        raise TargetError("只有人社局审核员可以直接录入目标读数。")
    return value


@transaction.atomic
def reading_record(
    *,
    target: Target,
    value,
    as_of: datetime.date,
    source: str,
    actor=None,
    report=None,
    note: str = "",
) -> Reading:
    """Record a target's value as of a date. A report gives at most one
    reading per target: saving the report again updates it."""
    value = reading_check(
        target=target,
        value=value,
        as_of=as_of,
        source=source,
        actor=actor,
        report=report,
    )
    before = None
    if report is not None:
        previous = Reading.objects.filter(target=target, report=report).first()
        before = snapshot(previous, READING_FIELDS) if previous else None
        reading, _ = Reading.objects.update_or_create(
            target=target,
            report=report,
            defaults={
                "value": value,
                "as_of": as_of,
                "source": source,
                "entered_by": actor,
                "note": note,
            },
        )
    else:
        reading = Reading.objects.create(
            target=target,
            value=value,
            as_of=as_of,
            source=source,
            entered_by=actor,
            note=note,
        )
    public_page_changed()
    audit_record(
        action="reading.record",
        actor=actor,
        obj=reading,
        department=report.department if report is not None else None,
        before=before,
        after=snapshot(reading, READING_FIELDS),
    )
    return reading


def period_as_of(period) -> datetime.date:
    """A report's readings stand as of the end of its month, or today if
    the month is not over."""
    if period.month == 12:
        end = datetime.date(period.year, 12, 31)
    else:
        end = datetime.date(period.year, period.month + 1, 1) - datetime.timedelta(1)
    return min(end, timezone.localdate())


def policy_targets_extract(*, policy, dry_run: bool = False) -> ExtractReport:
    """Run the parser over a loaded policy: its annex rows and its text."""
    from policytext.extraction import extract_candidates

    rows = [
        (task.number, task.key_task.number, task.requirement)
        for task in Task.objects.filter(policy=policy)
        .select_related("key_task")
        .order_by("number")
    ]
    if not rows and not policy.text:
        raise TargetError(f"{policy}尚未导入正文或附件,没有可提取的内容。")
    if policy.imports.filter(kind=ImportKind.DOCUMENT).exists():
        # Read by the general reader at its import; this parser knows only
        # the 鹰潭 policy's own form and would propose them again.
        raise TargetError(
            f"{policy}从通用格式的正文导入,其目标已在导入时读取,不再重复提取。"
        )
    candidates = extract_candidates(annex_rows=rows, text=policy.text)
    return targets_extract(policy=policy, candidates=candidates, dry_run=dry_run)


# Readings an import inserts in one statement.
IMPORT_BATCH_SIZE = 2000


@transaction.atomic
def readings_import(*, rows, actor=None) -> list[Reading]:
    """Record every row's reading, or none: a row that breaks a rule stops
    the whole file, and the message names its row.

    Every row is checked first, by the rules ``reading_record`` applies;
    then the readings and their audit records (one a reading, as
    ``reading_record`` writes them) are inserted in bulk, in one
    transaction."""
    targets = Target.objects.in_bulk({row.target_id for row in rows})
    today = timezone.localdate()
    errors, readings = [], []
    for row in rows:
        target = targets.get(row.target_id)
        if target is None:
            errors.append(f"第{row.row}行:没有编号为 {row.target_id} 的目标。")
            continue
        try:
            value = reading_check(
                target=target,
                value=row.value,
                as_of=row.as_of,
                source=ReadingSource.IMPORT,
                actor=actor,
                today=today,
            )
        except TargetError as exc:
            errors.append(f"第{row.row}行:{exc}")
            continue
        readings.append(
            Reading(
                target=target,
                value=value,
                as_of=row.as_of,
                source=ReadingSource.IMPORT,
                entered_by=actor,
                note="表格导入",
            )
        )
    if errors:
        raise TargetError("\n".join(errors))
    # The chain's lock before the rows, as every writer takes them.
    audit_lock()
    Reading.objects.bulk_create(readings, batch_size=IMPORT_BATCH_SIZE)
    audit_record_many(
        audit_event(
            action="reading.record",
            actor=actor,
            obj=reading,
            after=snapshot(reading, READING_FIELDS),
        )
        for reading in readings
    )
    # The public page's cache, once for the whole file, after every write.
    public_page_changed()
    return readings


def policy_document_load(
    *, accept_targets: bool = False, user=None, dry_run: bool = False, **kwargs
):
    """A new policy from any office's document (tasks.services.
    policy_document_import, whose arguments it takes), its targets stored
    in the same transaction: as candidates to be confirmed, or confirmed
    at once where the administrator ticks so and may confirm targets."""
    from tasks.importers.errors import ImportFailed
    from tasks.services import policy_document_import

    if accept_targets and not dry_run and not permissions.can_review_targets(user):
        raise ImportFailed("只有人社局审核员或系统管理员可以直接确认目标。")

    def store(policy, report) -> list[str]:
        candidates = report.plan.candidates(with_tasks=report.annex is None)
        extracted = targets_extract(
            policy=policy, candidates=candidates, dry_run=report.dry_run
        )
        report.targets = extracted
        notes = [
            f"目标“{t.target.metric}”({t.target.text[:30]}):{t.problem}"
            for t in report.plan.targets
            if t.problem
        ]
        if accept_targets and not report.dry_run:
            for target in extracted.created:
                target_decide(target=target, accept=True, actor=user)
            notes.append(f"已直接确认目标 {len(extracted.created)} 个。")
        elif accept_targets:
            notes.append(f"将直接确认目标 {len(extracted.created)} 个。")
        elif extracted.created:
            done = "将生成" if report.dry_run else "已生成"
            notes.append(
                f"{done}候选目标 {len(extracted.created)} 个,"
                "须在“目标”中逐个确认后才在公众页显示。"
            )
        return notes

    report = policy_document_import(user=user, dry_run=dry_run, then=store, **kwargs)
    if not dry_run and report.policy.published:
        public_page_changed()
    return report


@transaction.atomic
def policy_publish(*, policy, published: bool, actor=None):
    """Show a policy on the public page, or withdraw it (its page a 404, its
    bulletins no longer public): the cached pages are dropped on commit."""
    before = snapshot(policy, ["published"])
    if policy.published != published:
        policy.published = published
        policy.save(update_fields=["published"])
        public_page_changed()
    audit_record(
        action="policy.publish",
        actor=actor,
        obj=policy,
        before=before,
        after=snapshot(policy, ["published"]),
    )
    return policy
