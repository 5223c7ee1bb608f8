"""Periods, progress reports and their workflow, evidence, and urging.

A report moves through a fixed graph of states; ``report_transition`` is
the one place that checks a move, saves it and records who, when and why.
"""

import datetime
import hashlib
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit.services import audit_lock, audit_record, snapshot
from common.files import FileRejected, check_evidence_size, sniff_evidence
from common.spreadsheets import normalise_text
from dispatch.models import (
    REPORT_TEXT_FIELDS,
    Evidence,
    PeriodStatus,
    ProgressReport,
    ProgressStatus,
    ReportingPeriod,
    ReportState,
    ReportTransition,
    Urge,
)
from targets import services as target_services
from targets.cache import public_page_changed
from targets.models import ReadingSource
from tasks.models import Department, Responsibility

from .. import permissions
from ..selectors.reports import department_mail_recipients
from ..workflow import MOVES

S = ReportState


class ReportError(Exception):
    """A refused write, with a message in Chinese for the person."""


class ConcurrentEdit(ReportError):
    pass


class PeriodAlreadyClosed(ReportError):
    pass


EDITABLE_FIELDS = (
    "progress",
    "problems",
    "next_steps",
    "proposed_status",
    "completion",
)
# What the audit trail keeps of a period and of an evidence file.
PERIOD_FIELDS = ("deadline", "status", "closed_at")
EVIDENCE_FIELDS = ("report", "original_name", "content_type", "size", "sha256", "file")


def deadline_passed(period: ReportingPeriod, now: datetime.datetime) -> bool:
    """The deadline is the end of its day in Asia/Shanghai."""
    return timezone.localtime(now).date() > period.deadline


def default_deadline(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, settings.REPORT_DEADLINE_DAY)


@transaction.atomic
def period_open(
    *, year: int, month: int, deadline: datetime.date | None = None, actor=None
) -> ReportingPeriod:
    """Open a month for reporting and give every responsible department a
    draft for each of its tasks. Opening an open month again only adds the
    drafts that are missing (a task or department added since)."""
    if not 1 <= month <= 12:
        raise ReportError(f"月份“{month}”不在 1–12 之间。")
    if actor is not None and not permissions.can_manage_periods(actor):
        raise ReportError("只有人社局审核员可以开放填报期。")
    audit_lock()
    period, created = ReportingPeriod.objects.get_or_create(
        year=year,
        month=month,
        defaults={
            "deadline": deadline or default_deadline(year, month),
            "opened_at": timezone.now(),
        },
    )
    before = None if created else snapshot(period, PERIOD_FIELDS)
    if not created and deadline and period.deadline != deadline:
        period.deadline = deadline
        period.save(update_fields=["deadline"])
    added = period_ensure_reports(period=period)
    audit_record(
        action="period.open",
        actor=actor,
        obj=period,
        before=before,
        after={**snapshot(period, PERIOD_FIELDS), "reports_created": added},
    )
    return period


def period_ensure_reports(*, period: ReportingPeriod) -> int:
    """Create the drafts missing for the period; returns how many."""
    wanted: dict[tuple[int, int], str] = {}
    responsibilities = Responsibility.objects.select_related(
        "department"
    ).prefetch_related("department__members")
    for responsibility in responsibilities:
        department = responsibility.department
        # A group reports through its members; one defined by reference
        # has none and so files nothing itself.
        units = department.members.all() if department.is_group else [department]
        for unit in units:
            key = (responsibility.task_id, unit.pk)
            # A department named directly keeps its own role over a group's.
            if key not in wanted or not department.is_group:
                wanted[key] = responsibility.role
    existing = set(
        ProgressReport.objects.filter(period=period).values_list(
            "task_id", "department_id"
        )
    )
    missing = [
        ProgressReport(task_id=t, department_id=d, period=period, role=role)
        for (t, d), role in wanted.items()
        if (t, d) not in existing
    ]
    ProgressReport.objects.bulk_create(missing)
    return len(missing)


@transaction.atomic
def period_close(*, period: ReportingPeriod, actor=None) -> ReportingPeriod:
    """Close an open period; a period closed meanwhile, by a person or
    another run of the reminders, is refused (``PeriodAlreadyClosed``), so
    that a period is closed, and recorded as closed, once."""
    if actor is not None and not permissions.can_manage_periods(actor):
        raise ReportError("只有人社局审核员可以关闭填报期。")
    _lock_period(period)
    if not period.is_open:
        raise PeriodAlreadyClosed(f"{period}填报期已经关闭。")
    before = snapshot(period, PERIOD_FIELDS)
    period.status = PeriodStatus.CLOSED
    period.closed_at = timezone.now()
    period.save(update_fields=["status", "closed_at"])
    audit_record(
        action="period.close",
        actor=actor,
        obj=period,
        before=before,
        after=snapshot(period, PERIOD_FIELDS),
    )
    return period


@transaction.atomic
def period_reopen(*, period: ReportingPeriod, actor=None) -> ReportingPeriod:
    if actor is not None and not permissions.can_manage_periods(actor):
        raise ReportError("只有人社局审核员可以重新开放填报期。")
    _lock_period(period)
    before = snapshot(period, PERIOD_FIELDS)
    period.status = PeriodStatus.OPEN
    period.closed_at = None
    period.save(update_fields=["status", "closed_at"])
    audit_record(
        action="period.reopen",
        actor=actor,
        obj=period,
        before=before,
        after=snapshot(period, PERIOD_FIELDS),
    )
    return period


def report_save(
    *, report: ProgressReport, data: dict, expected_version: int, actor
) -> ProgressReport:
    """Save the department's text; refuse a save based on an old version.

    The update is conditional on the version the editor started from, so of
    two people editing the same report the second is told who saved first.
    """
    if not permissions.can(actor, "edit", report):
        raise ReportError("只能修改本部门的报告。")
    if not report.is_editable:
        raise ReportError(_not_editable_message(report))
    values = {name: data[name] for name in EDITABLE_FIELDS if name in data}
    for name in REPORT_TEXT_FIELDS:
        if name in values:
            values[name] = normalise_text(values[name] or "")
    _validate(values)
    with transaction.atomic():
        # The chain's lock before the report's row, as every writer takes
        # them (see audit_lock).
        audit_lock()
        # Read in the same transaction as the conditional update below: if
        # that succeeds, nobody saved in between, so these were the values.
        old = (
            ProgressReport.objects.filter(pk=report.pk)
            .values(*values, "version")
            .first()
        )
        updated = ProgressReport.objects.filter(
            pk=report.pk, version=expected_version
        ).update(
            **values,
            version=F("version") + 1,
            updated_by=actor,
            updated_at=timezone.now(),
        )
        if not updated:
            current = ProgressReport.objects.select_related("updated_by").get(
                pk=report.pk
            )
            who = current.updated_by or "其他用户"
            when = timezone.localtime(current.updated_at).strftime("%Y-%m-%d %H:%M")
            raise ConcurrentEdit(
                f"保存未成功:这份报告已被{who}于{when}修改。请刷新页面查看最新内容,"
                "再把您的修改重新填入。"
            )
        # Named before the refresh, which drops the related objects.
        label, department = str(report), report.department
        report.refresh_from_db()
        new = snapshot(report, [*values, "version"])
        changed = [name for name in new if new[name] != old[name]]
        audit_record(
            action="report.save",
            actor=actor,
            obj=report,
            object_repr=label,
            department=department,
            before={name: old[name] for name in changed},
            after={name: new[name] for name in changed},
        )
    return report


@transaction.atomic
def report_save_with_readings(
    *, report: ProgressReport, data: dict, expected_version: int, actor, readings
) -> ProgressReport:
    """Save a lead report and the current values of its task's targets
    that it gives, as one write: the values stand as of the period's end."""
    report = report_save(
        report=report, data=data, expected_version=expected_version, actor=actor
    )
    for target, value in readings:
        if value in (None, ""):
            continue
        target_services.reading_record(
            target=target,
            value=value,
            as_of=target_services.period_as_of(report.period),
            source=ReadingSource.REPORT,
            actor=actor,
            report=report,
        )
    return report


def report_transition(
    *, report: ProgressReport, action: str, actor, reason: str = ""
) -> ProgressReport:
    """Move a report along the graph, or raise ``ReportError`` saying why
    not. The move and its record are one transaction."""
    move = MOVES.get(action)
    if move is None:
        raise ReportError(f"未知操作“{action}”。")
    if not permissions.can(actor, action, report):
        raise ReportError(f"您没有对这份报告执行“{move.label}”的权限。")
    reason = (reason or "").strip()
    if move.needs_reason and not reason:
        raise ReportError(f"“{move.label}”须填写理由。")
    with transaction.atomic():
        audit_lock()
        report = (
            ProgressReport.objects.select_for_update(of=("self",))
            .select_related("period", "department")
            .get(pk=report.pk)
        )
        if report.state not in move.sources:
            raise ReportError(
                f"报告当前为“{report.get_state_display()}”,不能执行“{move.label}”。"
            )
        target = move.target
        update = {"state": target}
        now = timezone.now()
        if action == "submit":
            if not report.is_editable:
                raise ReportError(_not_editable_message(report))
            missing = [
                label
                for name, label in (
                    ("progress", "本月进展"),
                    ("proposed_status", "进度判断"),
                )
                if not getattr(report, name)
            ]
            if missing:
                raise ReportError("提交前请填写:" + "、".join(missing) + "。")
            if report.department.requires_signoff and not permissions.is_leader(actor):
                target = update["state"] = S.PENDING_SIGNOFF
        if target == S.SUBMITTED:
            update["submitted_at"] = now
            update["is_late"] = deadline_passed(report.period, now)
        if action == "reopen":
            if report.period.is_open:
                raise ReportError("填报期仍在开放,无需重新开放,可直接退回修改。")
            if report.reopened and report.state in (S.DRAFT, S.RETURNED):
                raise ReportError("这份报告已重新开放。")
            update["reopened"] = True
            if report.state == S.DRAFT:
                target = update["state"] = S.DRAFT
        ProgressReport.objects.filter(pk=report.pk).update(
            **update, version=F("version") + 1, updated_by=actor, updated_at=now
        )
        ReportTransition.objects.create(
            report=report,
            action=action,
            from_state=report.state,
            to_state=target,
            actor=actor,
            reason=reason,
        )
        # A report's readings count only while it is approved.
        if S.APPROVED in (report.state, target):
            public_page_changed()
        audit_record(
            action=f"report.{action}",
            actor=actor,
            obj=report,
            before={"state": report.state},
            after={"state": target, "reason": reason},
        )
    report.refresh_from_db()
    return report


@transaction.atomic
def evidence_add(*, report: ProgressReport, upload, actor) -> Evidence:
    """Attach a file after checking its size and, by content, its type."""
    if not permissions.can(actor, "attach", report):
        raise ReportError("只能为本部门的报告上传佐证材料。")
    if not report.is_editable:
        raise ReportError(_not_editable_message(report))
    try:
        check_evidence_size(upload.size, upload.name)
        data = upload.read()
        content_type, extension = sniff_evidence(data, upload.name)
    except FileRejected as exc:
        raise ReportError(str(exc)) from exc
    evidence = Evidence(
        report=report,
        original_name=upload.name[:255],
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
    )
    evidence.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(data), save=False)
    audit_lock()
    evidence.save()
    audit_record(
        action="evidence.add",
        actor=actor,
        obj=evidence,
        after=snapshot(evidence, EVIDENCE_FIELDS),
        department=report.department,
    )
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, actor) -> None:
    report = evidence.report
    if not permissions.can(actor, "attach", report) or not report.is_editable:
        raise ReportError("只能在报告可编辑时删除本部门的佐证材料。")
    audit_lock()
    audit_record(
        action="evidence.remove",
        actor=actor,
        obj=evidence,
        before=snapshot(evidence, EVIDENCE_FIELDS),
        department=report.department,
    )
    evidence.file.delete(save=False)
    evidence.delete()


def urge_default_message(period: ReportingPeriod) -> str:
    """The text of an urge unless the reviewer writes another."""
    return (
        f"请抓紧完成{period}“技能鹰潭行动”进展报告的填报,"
        f"截止日期为{period.deadline:%Y年%m月%d日}。"
    )


def urge_create(
    *, period: ReportingPeriod, department: Department, message: str, actor
) -> Urge:
    """Record a 催办 and mail it to the department's users.

    Refused when the department has nothing left to send for the period,
    and when the same text went to it for the period earlier the same day
    (Beijing time): that is a second press of the button or a resent form.
    An urge left unanswered may be sent again the next day, or at once in
    other words, since pressing a silent department again is what urging
    is for."""
    if not permissions.can_urge(actor):
        raise ReportError("只有人社局审核员可以催办。")
    message = (message or "").strip() or urge_default_message(period)
    recipients = department_mail_recipients([department.pk]).get(department.pk, [])
    with transaction.atomic():
        # The chain's lock first, as every writer takes it; it also makes a
        # double press wait, so that the second sees the first's urge.
        audit_lock()
        reports = ProgressReport.objects.filter(period=period, department=department)
        if not reports.exists():
            raise ReportError(f"{department}在{period}没有需要填报的任务,无需催办。")
        # What the reminders press for too; imported here as that module
        # imports this one.
        from .reminders import UNSUBMITTED_STATES

        if not reports.filter(state__in=UNSUBMITTED_STATES).exists():
            raise ReportError(
                f"{department}{period}的报告均已报送人社局,没有需要催办的事项。"
            )
        start = timezone.make_aware(
            datetime.datetime.combine(timezone.localdate(), datetime.time.min)
        )
        earlier = (
            Urge.objects.filter(
                period=period,
                department=department,
                message=message,
                created_at__gte=start,
                created_at__lt=start + datetime.timedelta(days=1),
            )
            .order_by("-created_at")
            .first()
        )
        if earlier is not None:
            raise ReportError(
                f"今天{timezone.localtime(earlier.created_at):%H:%M}已向{department}"
                f"发出内容相同的{period}催办,不再重复发送;"
                "如需再次催办,请修改催办内容或次日再发。"
            )
        urge = Urge.objects.create(
            period=period,
            department=department,
            message=message,
            created_by=actor,
            emailed_to=", ".join(recipients),
        )
        audit_record(
            action="urge.create",
            actor=actor,
            obj=urge,
            after=snapshot(urge, ["period", "message", "emailed_to"]),
        )
    if recipients:
        send_mail(
            subject=f"【催办】{period}技能鹰潭行动进展报告",
            message=message,
            from_email=None,
            recipient_list=recipients,
        )
    return urge


def text_length_problem(name: str, text: str) -> str | None:
    """The one rule on a report text's length, for the service, the web
    form and the sheet: what is wrong, or None."""
    field = ProgressReport._meta.get_field(name)
    length = len(normalise_text(text or ""))
    if length > field.max_length:
        return f"{field.verbose_name}不能超过 {field.max_length} 字(现有 {length} 字)。"
    return None


def _validate(values: dict) -> None:
    for name in REPORT_TEXT_FIELDS:
        problem = text_length_problem(name, values.get(name, ""))
        if problem:
            raise ReportError(problem)
    completion = values.get("completion")
    if completion not in (None, "") and not 0 <= int(completion) <= 100:
        raise ReportError("完成度须在 0 到 100 之间。")
    status = values.get("proposed_status")
    if status and status not in ProgressStatus.values:
        raise ReportError(f"进度判断“{status}”无效。")


def _lock_period(period: ReportingPeriod) -> None:
    """Lock the period's row, after the audit chain as every writer does,
    and read it as it is now. NO KEY: a report or urge created for the
    period meanwhile need not wait."""
    audit_lock()
    period.refresh_from_db(
        from_queryset=ReportingPeriod.objects.select_for_update(no_key=True)
    )


def _not_editable_message(report: ProgressReport) -> str:
    if report.state not in (S.DRAFT, S.RETURNED):
        return f"报告当前为“{report.get_state_display()}”,不能修改。"
    return f"{report.period}填报期已截止,如需修改请联系人社局重新开放。"
