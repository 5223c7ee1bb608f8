"""The 公示 and its objections: every write, by the 人社局审核员 only.

- ``publicity_open`` lists applications that passed the 复审 (待公示) for
  at least five working days (``incentives.workdays``) and moves each
  one to 公示中.
- ``publicity_close``, once the last day has passed, approves every one
  without an objection still open; one with an open objection waits for
  it.
- ``objection_record`` holds an application; ``objection_resolve``
  refuses it (异议成立) or, once the publicity's days are over and no
  other objection is open, approves it (异议不成立).

The audit records hold application numbers and dates, never a person's
name or ID number.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_lock, audit_record
from incentives import permissions, workdays
from incentives.models import Application, ApplicationState, Objection, Publicity
from incentives.services.applications import ApplicationError, application_move

MIN_WORKING_DAYS = 5


class PublicityError(Exception):
    """A refused 公示 operation; the message is in Chinese."""


def _month_day(day: datetime.date) -> str:
    return f"{day.month}月{day.day}日"


def _full_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _require_manager(actor) -> None:
    if not permissions.can_manage_publicity(actor):
        raise PermissionDenied("只有人社局审核员可以办理公示及异议。")


def _open_objections(application: Application):
    return Objection.objects.filter(application=application, outcome="")


def _move(application: Application, action: str, *, actor, reason: str):
    """``application_move``, its refusal told as the 公示's, naming the
    application."""
    try:
        return application_move(
            application=application, action=action, actor=actor, reason=reason
        )
    except ApplicationError as exc:
        raise PublicityError(f"申请{application.number}:{exc}") from exc


@transaction.atomic
def publicity_open(
    *,
    applications,
    title: str,
    starts_on: datetime.date,
    working_days: int = MIN_WORKING_DAYS,
    contact: str = "",
    actor,
) -> Publicity:
    """Publish ``applications`` (each 待公示) from ``starts_on``, a working
    day, for ``working_days`` working days."""
    _require_manager(actor)
    title = (title or "").strip()
    if not title:
        raise PublicityError("请填写公示标题。")
    if working_days is None or working_days < MIN_WORKING_DAYS:
        raise PublicityError(f"公示期不得少于{MIN_WORKING_DAYS}个工作日。")
    first = workdays.next_working_day(starts_on)
    if first != starts_on:
        raise PublicityError(
            f"公示开始日期{_full_date(starts_on)}不是工作日,"
            f"请改为{_full_date(first)}或其后的工作日。"
        )
    pks = {a.pk if isinstance(a, Application) else int(a) for a in applications}
    if not pks:
        raise PublicityError("请选择列入公示的申请。")
    # The audit chain's lock before any row's (see ``audit_lock``).
    audit_lock()
    chosen = list(
        Application.objects.select_for_update().filter(pk__in=pks).order_by("number")
    )
    if len(chosen) != len(pks):
        raise PublicityError("所选申请有的已不存在,请刷新后重新选择。")
    not_ready = [a for a in chosen if a.state != ApplicationState.READY]
    if not_ready:
        listed = "、".join(f"{a.number}({a.get_state_display()})" for a in not_ready)
        raise PublicityError(f"以下申请不是“待公示”状态,不能列入公示:{listed}。")

    ends_on = workdays.working_days_end(starts_on, working_days)
    publicity = Publicity.objects.create(
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        working_days=working_days,
        contact=(contact or "").strip(),
        created_by=actor,
    )
    reason = f"列入公示:{title}({_full_date(starts_on)}至{_full_date(ends_on)})"
    for application in chosen:
        _move(application, "publicise", actor=actor, reason=reason)
        # Set apart from the move, which saves only its own fields.
        Application.objects.filter(pk=application.pk).update(publicity=publicity)
        application.publicity = publicity
    audit_record(
        action=AuditAction.PUBLICITY_OPEN,
        actor=actor,
        obj=publicity,
        after={
            "title": title,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "working_days": working_days,
            "applications": [a.number for a in chosen],
        },
    )
    return publicity


@transaction.atomic
def publicity_close(*, publicity: Publicity, today: datetime.date, actor) -> Publicity:
    """End the publicity after its last day: approve each application
    still 公示中 with no open objection."""
    _require_manager(actor)
    audit_lock()
    publicity = Publicity.objects.select_for_update().get(pk=publicity.pk)
    if publicity.state != Publicity.State.OPEN:
        raise PublicityError("该公示已结束。")
    if today <= publicity.ends_on:
        raise PublicityError(
            f"公示期至{_month_day(publicity.ends_on)},期满后方可结束。"
        )
    listed = list(
        Application.objects.select_for_update()
        .filter(publicity=publicity, state=ApplicationState.PUBLICITY)
        .order_by("number")
    )
    held = set(
        Objection.objects.filter(application__in=listed, outcome="").values_list(
            "application_id", flat=True
        )
    )
    approved = []
    for application in listed:
        if application.pk in held:
            continue
        _move(
            application,
            "approve",
            actor=actor,
            reason=f"公示期满无异议:{publicity.title}",
        )
        approved.append(application.number)
    publicity.state = Publicity.State.CLOSED
    publicity.closed_at = timezone.now()
    publicity.save(update_fields=["state", "closed_at"])
    audit_record(
        action=AuditAction.PUBLICITY_CLOSE,
        actor=actor,
        obj=publicity,
        before={"state": Publicity.State.OPEN},
        after={
            "state": Publicity.State.CLOSED,
            "approved": approved,
            "held": [a.number for a in listed if a.pk in held],
        },
    )
    return publicity


@transaction.atomic
def objection_record(
    *,
    application: Application,
    received_on: datetime.date,
    content: str,
    raised_by: str = "",
    actor,
) -> Objection:
    """An objection to ``application``, received during its publicity's
    days; the application waits for it to be resolved."""
    _require_manager(actor)
    audit_lock()
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("publicity")
        .get(pk=application.pk)
    )
    content = (content or "").strip()
    if not content:
        raise PublicityError("请填写异议内容。")
    publicity = application.publicity
    if application.state != ApplicationState.PUBLICITY or publicity is None:
        raise PublicityError(
            f"申请{application.number}不在公示中"
            f"(当前状态:{application.get_state_display()}),不能登记公示异议。"
        )
    if received_on is None or not (
        publicity.starts_on <= received_on <= publicity.ends_on
    ):
        raise PublicityError(
            f"异议收到日期须在公示期内({_full_date(publicity.starts_on)}至"
            f"{_full_date(publicity.ends_on)}),公示期外收到的异议不予登记。"
        )
    objection = Objection.objects.create(
        application=application,
        publicity=publicity,
        received_on=received_on,
        content=content,
        raised_by=(raised_by or "").strip(),
        recorded_by=actor,
    )
    audit_record(
        action=AuditAction.OBJECTION_RECORD,
        actor=actor,
        obj=objection,
        after={
            "application": application.number,
            "publicity": publicity.pk,
            "received_on": received_on.isoformat(),
        },
    )
    return objection


@transaction.atomic
def objection_resolve(
    *,
    objection: Objection,
    outcome: str,
    resolution: str,
    today: datetime.date,
    actor,
) -> Objection:
    """The finding on an objection: upheld refuses the application;
    dismissed approves it once its publicity's days are over and no other
    objection to it is open."""
    _require_manager(actor)
    audit_lock()
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("publicity")
        .get(pk=objection.pk)
    )
    if objection.outcome:
        raise PublicityError("该异议已核查,不能重复处理。")
    if outcome not in Objection.Outcome.values:
        raise PublicityError("请选择核查结论(异议成立或异议不成立)。")
    resolution = (resolution or "").strip()
    if not resolution:
        raise PublicityError("请填写核查情况。")
    application = Application.objects.select_for_update().get(
        pk=objection.application_id
    )
    objection.outcome = outcome
    objection.resolution = resolution
    objection.resolved_by = actor
    objection.resolved_at = timezone.now()
    objection.save(
        update_fields=["outcome", "resolution", "resolved_by", "resolved_at"]
    )

    before_state = application.state
    publicity = objection.publicity
    if application.state == ApplicationState.PUBLICITY:
        if outcome == Objection.Outcome.UPHELD:
            application = _move(
                application,
                "second_refuse",
                actor=actor,
                reason=f"公示异议成立:{resolution}",
            )
        elif (
            publicity.state == Publicity.State.CLOSED or today > publicity.ends_on
        ) and not _open_objections(application).exists():
            application = _move(
                application,
                "approve",
                actor=actor,
                reason=f"公示异议不成立:{resolution}",
            )
    audit_record(
        action=AuditAction.OBJECTION_RESOLVE,
        actor=actor,
        obj=objection,
        after={
            "application": application.number,
            "outcome": outcome,
            "application_state": {"before": before_state, "after": application.state},
        },
    )
    return objection
