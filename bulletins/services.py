"""Every write of the bulletins: create (the first version computed from
the figures), edit the draft, regenerate (a new version with what changed),
issue (freeze, deliver, mail), publish, read receipts, and the render
jobs' moves for the background worker.

A bulletin is a draft until issued. Issuing freezes its newest version:
the snapshot was frozen when computed, and the words are copied into the
version, so that neither later edits of the quarter's reports nor of the
draft change what was sent. Regenerating an issued bulletin makes a new
draft version (a correction); departments keep seeing the issued one until
it is issued in turn.
"""

import datetime
import logging
import re

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from audit.services import audit_lock, audit_record, snapshot
from dispatch.selectors.reports import department_mail_recipients
from tasks.models import Department

from . import permissions
from .models import (
    DOCUMENT_TYPES,
    Bulletin,
    BulletinDelivery,
    BulletinKind,
    BulletinState,
    BulletinVersion,
    RenderJob,
    RenderStatus,
)
from .selectors import bulletins as selectors
from .selectors.figures import LightRule, bulletin_figures

logger = logging.getLogger(__name__)

# A bulletin covers a quarter, a month, or any range up to a year.
MAX_MONTHS = 12
EDITABLE_FIELDS = (
    "title",
    "number",
    "recipients",
    "copy_to",
    "printed_by",
    "overview",
    "problems",
    "next_steps",
)
# What the audit trail keeps of a bulletin's state.
STATE_FIELDS = ("state", "number", "issued_at", "published", "published_at")
JOB_FIELDS = ("status", "progress", "message", "docx", "pdf", "xlsx")


class BulletinError(Exception):
    """A refused write, with a message in Chinese for the person."""


def _require_manager(actor) -> None:
    if not permissions.can_manage(actor):
        raise BulletinError("只有人社局审核员可以编制、签发通报。")


def _month_index(ym: tuple[int, int]) -> int:
    return ym[0] * 12 + ym[1] - 1


def check_range(
    first: tuple[int, int], last: tuple[int, int], today: datetime.date
) -> None:
    for label, (year, month) in (("起始月份", first), ("截止月份", last)):
        if not 1 <= month <= 12:
            raise BulletinError(f"{label}“{year}年{month}月”的月份不在 1–12 之间。")
        if not 2000 <= year <= 2100:
            raise BulletinError(f"{label}的年份“{year}”不合理。")
    span = _month_index(last) - _month_index(first) + 1
    if span < 1:
        raise BulletinError("截止月份早于起始月份,请检查通报的月份范围。")
    if span > MAX_MONTHS:
        raise BulletinError(f"通报的月份范围最多 {MAX_MONTHS} 个月,现为 {span} 个月。")
    if _month_index(first) > _month_index((today.year, today.month)):
        raise BulletinError(
            f"起始月份{first[0]}年{first[1]}月尚未到来,不能通报还没有开始的月份。"
        )


def number_pattern(prefix: str) -> re.Pattern:
    return re.compile(rf"^{re.escape(prefix)}〔(\d{{4}})〕([1-9]\d*)号$")


def check_number(number: str, *, prefix: str) -> None:
    """发文字号: prefix, year in 〔〕, a sequence number without leading
    zero, 号 — 鹰技能办〔2025〕3号."""
    example = f"{prefix}〔2025〕3号"
    if number_pattern(prefix).match(number):
        return
    if not number.startswith(prefix):
        raise BulletinError(f"发文字号“{number}”应以“{prefix}”开头,例如“{example}”。")
    rest = number[len(prefix) :]
    if re.match(r"^[\[\[((【]", rest):
        raise BulletinError(
            f"发文字号“{number}”的年份应写在六角括号〔〕内,例如“{example}”。"
        )
    seq = re.match(r"^〔\d{4}〕(\d+)号$", rest)
    if seq and seq.group(1).startswith("0"):
        raise BulletinError(
            f"发文字号“{number}”的序号“{seq.group(1)}”不能以 0 开头,"
            f"应写作“{int(seq.group(1))}号”。"
        )
    raise BulletinError(
        f"发文字号“{number}”格式不对:应为“{example}”的形式"
        "(机关代字、〔四位年份〕、不带前导零的序号、号)。"
    )


def _figures(*, policy, kind: BulletinKind, first, last, today, bulletin=None) -> dict:
    previous = selectors.previous_figures(
        bulletin=bulletin, policy=policy, kind=kind, last=last
    )
    return bulletin_figures(
        policy=policy,
        first=first,
        last=last,
        today=today,
        rule=LightRule(yellow_below=kind.yellow_below, stale_months=kind.stale_months),
        previous=previous,
    )


@transaction.atomic
def bulletin_create(
    *,
    policy,
    kind: BulletinKind,
    first: tuple[int, int],
    last: tuple[int, int],
    today: datetime.date,
    actor,
) -> Bulletin:
    """A draft over the months ``first``..``last``, with its first
    version computed now and its narrative drafted from it."""
    _require_manager(actor)
    check_range(first, last, today)
    figures = _figures(policy=policy, kind=kind, first=first, last=last, today=today)
    bulletin = Bulletin.objects.create(
        policy=policy,
        kind=kind,
        first_year=first[0],
        first_month=first[1],
        last_year=last[0],
        last_month=last[1],
        **selectors.draft_fields(figures, kind),
        created_by=actor,
    )
    BulletinVersion.objects.create(
        bulletin=bulletin, number=1, figures=figures, created_by=actor
    )
    audit_record(
        action="bulletin.create",
        actor=actor,
        obj=bulletin,
        after={
            "policy": policy.pk,
            "kind": kind.name,
            "range": figures["range"]["label"],
            "version": 1,
        },
    )
    return bulletin


def _lock(bulletin: Bulletin) -> Bulletin:
    """The bulletin's row, locked for the rest of the transaction, so two
    reviewers' issue or regenerate take turns."""
    audit_lock()
    return Bulletin.objects.select_for_update().get(pk=bulletin.pk)


@transaction.atomic
def bulletin_update(*, bulletin: Bulletin, data: dict, actor) -> Bulletin:
    """Edit the draft's words, 发文字号 and 抄送."""
    _require_manager(actor)
    bulletin = _lock(bulletin)
    if not bulletin.is_draft:
        raise BulletinError("通报已签发,不能修改;如需更正,请重新生成新版本后再签发。")
    values = {
        name: (data[name] or "").strip() for name in EDITABLE_FIELDS if name in data
    }
    if not values.get("title", bulletin.title):
        raise BulletinError("通报标题不能为空。")
    number = values.get("number", bulletin.number)
    if number:
        check_number(number, prefix=bulletin.kind.number_prefix)
        _check_number_free(number, bulletin)
    before = snapshot(bulletin, values)
    for name, value in values.items():
        setattr(bulletin, name, value)
    bulletin.save(update_fields=list(values))
    changed = {k: v for k, v in snapshot(bulletin, values).items() if before[k] != v}
    if changed:
        audit_record(
            action="bulletin.update",
            actor=actor,
            obj=bulletin,
            before={k: before[k] for k in changed},
            after=changed,
        )
    return bulletin


def _check_number_free(number: str, bulletin: Bulletin) -> None:
    other = Bulletin.objects.filter(number=number).exclude(pk=bulletin.pk).first()
    if other is not None:
        raise BulletinError(f"发文字号“{number}”已被《{other.title}》使用。")


@transaction.atomic
def bulletin_regenerate(
    *, bulletin: Bulletin, today: datetime.date, actor
) -> BulletinVersion:
    """A new version computed from today's data, listing what changed
    since the newest one. An issued bulletin goes back to draft; the
    issued version stays as it was, and is what departments see."""
    _require_manager(actor)
    bulletin = _lock(bulletin)
    latest = bulletin.versions.order_by("-number").first()
    figures = _figures(
        policy=bulletin.policy,
        kind=bulletin.kind,
        first=bulletin.first,
        last=bulletin.last,
        today=today,
        bulletin=bulletin,
    )
    changes = selectors.figures_changes(latest.figures, figures)
    version = BulletinVersion.objects.create(
        bulletin=bulletin,
        number=latest.number + 1,
        figures=figures,
        changes=changes,
        created_by=actor,
    )
    before = snapshot(bulletin, STATE_FIELDS)
    if not bulletin.is_draft:
        bulletin.state = BulletinState.DRAFT
        bulletin.save(update_fields=["state"])
    audit_record(
        action="bulletin.regenerate",
        actor=actor,
        obj=bulletin,
        before={**before, "version": latest.number},
        after={
            **snapshot(bulletin, STATE_FIELDS),
            "version": version.number,
            "changed": {key: len(value) for key, value in changes.items()},
        },
    )
    return version


@transaction.atomic
def bulletin_issue(
    *, bulletin: Bulletin, now: datetime.datetime, actor
) -> BulletinVersion:
    """签发: freeze the newest version with the words as they stand, send
    the bulletin to every responsible department in its snapshot, and
    mail their reporters and leaders once the issue is committed."""
    _require_manager(actor)
    bulletin = _lock(bulletin)
    if not bulletin.is_draft:
        raise BulletinError("通报已经签发;如需更正,请先重新生成新版本。")
    if not bulletin.number:
        raise BulletinError("签发前请填写发文字号,例如“鹰技能办〔2025〕3号”。")
    check_number(bulletin.number, prefix=bulletin.kind.number_prefix)
    _check_number_free(bulletin.number, bulletin)
    version = bulletin.versions.order_by("-number").first()
    before = snapshot(bulletin, STATE_FIELDS)
    version.text = selectors.bulletin_text(bulletin, on=timezone.localdate(now))
    version.issued_at = now
    version.save(update_fields=["text", "issued_at"])
    bulletin.state = BulletinState.ISSUED
    bulletin.issued_at = now
    bulletin.issued_by = actor
    bulletin.save(update_fields=["state", "issued_at", "issued_by"])
    sent = _deliver(bulletin, version, now)
    audit_record(
        action="bulletin.issue",
        actor=actor,
        obj=bulletin,
        before=before,
        after={
            **snapshot(bulletin, STATE_FIELDS),
            "version": version.number,
            "departments": len(sent),
            "emailed_to": sorted({a for addresses in sent.values() for a in addresses}),
        },
    )
    return version


def _deliver(
    bulletin: Bulletin, version: BulletinVersion, now: datetime.datetime
) -> dict[int, list[str]]:
    """A delivery to each department of the snapshot, new or renewed (a
    reissued correction is unread again); the mails go after commit, so
    that an issue rolled back mails no one, and a mail server that fails
    leaves the issue done (the portal notice stands)."""
    wanted = [d["id"] for d in version.figures["departments"]]
    departments = {d.pk: d for d in Department.objects.filter(pk__in=wanted).order_by()}
    recipients = department_mail_recipients(list(departments))
    existing = {
        d.department_id: d
        for d in BulletinDelivery.objects.filter(bulletin=bulletin).order_by()
    }
    new, renewed = [], []
    sent = {}
    for pk in wanted:
        if pk not in departments:
            continue
        emails = recipients.get(pk, [])
        sent[pk] = emails
        delivery = existing.get(pk)
        if delivery is None:
            new.append(
                BulletinDelivery(
                    bulletin=bulletin,
                    department_id=pk,
                    notified_at=now,
                    emailed_to=", ".join(emails),
                )
            )
        else:
            delivery.notified_at = now
            delivery.read_at = None
            delivery.emailed_to = ", ".join(emails)
            renewed.append(delivery)
    BulletinDelivery.objects.bulk_create(new)
    BulletinDelivery.objects.bulk_update(
        renewed, ["notified_at", "read_at", "emailed_to"]
    )
    mails = [(departments[pk].name, emails) for pk, emails in sent.items() if emails]
    subject = f"【通报】{bulletin.title}({bulletin.number})"
    transaction.on_commit(lambda: _send_mails(subject, bulletin, mails))
    return sent


def _send_mails(subject: str, bulletin: Bulletin, mails) -> None:
    for name, emails in mails:
        body = (
            f"{name}:\n\n{bulletin.issuer}印发了《{bulletin.title}》"
            f"({bulletin.number}),请登录技能鹰潭行动工作平台,"
            "在“通报”栏目查阅,本单位的事项已标出。\n"
        )
        try:
            send_mail(
                subject=subject, message=body, from_email=None, recipient_list=emails
            )
        except OSError:
            logger.exception("%s的通报邮件发送失败", name)


@transaction.atomic
def bulletin_publish(
    *, bulletin: Bulletin, published: bool, now: datetime.datetime, actor
) -> Bulletin:
    """Put the issued bulletin's public version on /public/bulletins/, or
    take it down."""
    _require_manager(actor)
    bulletin = _lock(bulletin)
    if bulletin.issued_at is None:
        raise BulletinError("通报签发后才能公开。")
    if bulletin.published == published:
        raise BulletinError("通报已经公开。" if published else "通报尚未公开。")
    before = snapshot(bulletin, STATE_FIELDS)
    bulletin.published = published
    bulletin.published_at = now if published else None
    bulletin.save(update_fields=["published", "published_at"])
    audit_record(
        action="bulletin.publish" if published else "bulletin.unpublish",
        actor=actor,
        obj=bulletin,
        before=before,
        after=snapshot(bulletin, STATE_FIELDS),
    )
    return bulletin


@transaction.atomic
def delivery_mark_read(
    *, bulletin: Bulletin, now: datetime.datetime, actor
) -> BulletinDelivery | None:
    """The actor's department has read the bulletin: recorded the first
    time only. None when the bulletin was not sent to its department."""
    department_id = getattr(actor, "department_id", None)
    if department_id is None:
        return None
    delivery = (
        BulletinDelivery.objects.select_for_update()
        .filter(bulletin=bulletin, department_id=department_id)
        .first()
    )
    if delivery is None or delivery.read_at is not None:
        return delivery
    delivery.read_at = now
    delivery.save(update_fields=["read_at"])
    audit_record(
        action="bulletin.read",
        actor=actor,
        obj=bulletin,
        department=delivery.department,
        after={"read_at": now},
    )
    return delivery


# -- render jobs: the worker (bulletins.jobs) moves them ------------------------


class RenderError(BulletinError):
    pass


@transaction.atomic
def render_job_create(*, version: BulletinVersion, actor) -> RenderJob:
    """Queue the rendering of a version's documents; the caller enqueues
    the job itself (bulletins.jobs.render_version) after commit."""
    _require_manager(actor)
    running = version.render_jobs.filter(
        status__in=[RenderStatus.QUEUED, RenderStatus.RUNNING]
    ).first()
    if running is not None:
        raise RenderError("该版本的文件正在生成,请等待完成后再试。")
    job = RenderJob.objects.create(version=version, created_by=actor)
    audit_record(
        action="bulletin.render",
        actor=actor,
        obj=job,
        after={"version": version.number, "status": job.status},
    )
    return job


def _lock_job(job: RenderJob) -> RenderJob:
    audit_lock()
    return RenderJob.objects.select_for_update().get(pk=job.pk)


@transaction.atomic
def render_job_start(*, job: RenderJob, now: datetime.datetime) -> RenderJob:
    job = _lock_job(job)
    if job.status != RenderStatus.QUEUED:
        raise RenderError(f"任务状态为“{job.get_status_display()}”,不能开始生成。")
    before = snapshot(job, JOB_FIELDS)
    job.status = RenderStatus.RUNNING
    job.started_at = now
    job.progress = 0
    job.save(update_fields=["status", "started_at", "progress"])
    audit_record(
        action="bulletin.render_start",
        obj=job,
        before=before,
        after=snapshot(job, JOB_FIELDS),
    )
    return job


@transaction.atomic
def render_job_progress(*, job: RenderJob, progress: int, message: str = "") -> None:
    """A step of a running job, for the page's progress bar. Not audited:
    the start and the end are, and steps would only add noise."""
    if not 0 <= progress <= 100:
        raise RenderError(f"进度“{progress}”不在 0–100 之间。")
    updated = RenderJob.objects.filter(
        pk=job.pk, status=RenderStatus.RUNNING, progress__lte=progress
    ).update(progress=progress, message=message[:500])
    if not updated:
        raise RenderError("任务不在生成中,或进度倒退。")


@transaction.atomic
def render_job_finish(
    *, job: RenderJob, files: dict[str, str], now: datetime.datetime
) -> RenderJob:
    """Done: ``files`` names each format's file under MEDIA_ROOT/bulletins."""
    unknown = set(files) - set(DOCUMENT_TYPES)
    if unknown:
        raise RenderError(f"未知的文件格式:{'、'.join(sorted(unknown))}。")
    job = _lock_job(job)
    if job.status != RenderStatus.RUNNING:
        raise RenderError(f"任务状态为“{job.get_status_display()}”,不能标记完成。")
    before = snapshot(job, JOB_FIELDS)
    job.status = RenderStatus.DONE
    job.progress = 100
    job.message = ""
    job.finished_at = now
    for kind, name in files.items():
        setattr(job, kind, name)
    job.save()
    audit_record(
        action="bulletin.render_done",
        obj=job,
        before=before,
        after=snapshot(job, JOB_FIELDS),
    )
    return job


@transaction.atomic
def render_job_fail(
    *, job: RenderJob, reason: str, now: datetime.datetime
) -> RenderJob:
    job = _lock_job(job)
    if job.is_finished:
        raise RenderError(f"任务已经{job.get_status_display()},不能再标记失败。")
    before = snapshot(job, JOB_FIELDS)
    job.status = RenderStatus.FAILED
    job.message = (reason or "原因不明")[:500]
    job.finished_at = now
    job.save(update_fields=["status", "message", "finished_at"])
    audit_record(
        action="bulletin.render_fail",
        obj=job,
        before=before,
        after=snapshot(job, JOB_FIELDS),
    )
    return job
