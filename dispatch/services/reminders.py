"""Reminders of the monthly dispatch (月调度), run every hour by cron.

A department gets at most one reminder of each kind per period. The
``Reminder`` row is written before its mail, under the unique constraint
on (period, department, kind), so that a second run, or two runs at once,
find the row and send nothing. Row and mail share a transaction: a mail
server that refuses the message rolls the row back, and the next run
tries again.

Runs take turns (a PostgreSQL advisory lock held for the run): a run that
starts while another is going does nothing, and says so. Each change is
also made once on its own: closing a closed period is refused under its
row lock, and a report is marked overdue only if it is not yet.

Apps above the monthly loop (the supervision's problem deadlines) add
their own reminders to the run through ``extra_reminders``: the monthly
loop cannot import them. Each runs after the monthly reminders, under the
same lock, and keeps its own once-only rows.
"""

import datetime
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone

from dispatch.models import (
    PeriodStatus,
    ProgressReport,
    Reminder,
    ReminderKind,
    ReportingPeriod,
    ReportState,
)
from tasks.models import Department

from ..selectors.reports import department_mail_recipients
from .reports import PeriodAlreadyClosed, deadline_passed, period_close, period_open

logger = logging.getLogger(__name__)

# Reports the department has not yet handed to the reviewer: a report
# waiting for its leader's signature is still the department's to finish.
UNSUBMITTED_STATES = (
    ReportState.DRAFT,
    ReportState.RETURNED,
    ReportState.PENDING_SIGNOFF,
)
# The session-level advisory lock one run holds while it runs.
RUN_LOCK_KEY = 7_468_317_264


@dataclass
class ExtraReminders:
    """What a reminder hook did: how many it sent of each kind, by the
    words the run's summary gives that kind, and the mails that failed."""

    sent: dict[str, int] = field(default_factory=dict)
    mail_failures: int = 0


# Reminders of other apps, each a function of the run's moment that sends
# what is due and says what it sent (the supervision registers its
# problems' deadline reminders in its AppConfig.ready()).
extra_reminders: list[Callable[[datetime.datetime], ExtraReminders]] = []


@dataclass
class RunResult:
    before_deadline_sent: int = 0
    overdue_sent: int = 0
    reports_marked_overdue: int = 0
    periods_closed: int = 0
    periods_opened: int = 0
    mail_failures: int = 0
    # Reminders of ``extra_reminders``, by their summary words; only the
    # kinds of which some were sent.
    extra: dict[str, int] = field(default_factory=dict)
    # Another run was going: this one did nothing.
    skipped: bool = False

    @property
    def reminders_sent(self) -> int:
        return self.before_deadline_sent + self.overdue_sent + sum(self.extra.values())

    @property
    def summary(self) -> str:
        if self.skipped:
            return "另一次提醒任务正在运行,本次未执行任何操作"
        text = (
            f"截止前提醒 {self.before_deadline_sent} 条,"
            f"逾期通知 {self.overdue_sent} 条,"
            f"标记逾期报告 {self.reports_marked_overdue} 份,"
            f"关闭填报期 {self.periods_closed} 个,"
            f"开放填报期 {self.periods_opened} 个"
        )
        for words, count in self.extra.items():
            text += f",{words} {count} 条"
        if self.mail_failures:
            text += f";{self.mail_failures} 封邮件发送失败,下次运行重试"
        return text


def reminders_run(
    *,
    now: datetime.datetime,
    close_after_days: int | None = None,
    open_current: bool = False,
) -> RunResult:
    """Remind, mark overdue and, if asked, open and close periods.

    For each open period: within ``REMINDER_DAYS_BEFORE`` days of its
    deadline, each department with unsubmitted reports is reminded once;
    after the deadline, those reports are marked overdue and each such
    department is told once. A period whose deadline passed more than
    ``close_after_days`` days ago is then closed; ``None`` closes none.

    Each step commits on its own, so that what one run has done stays done
    even if a later step fails.
    """
    with _one_run_at_a_time() as alone:
        if not alone:
            return RunResult(skipped=True)
        return _run(
            now=now, close_after_days=close_after_days, open_current=open_current
        )


@contextmanager
def _one_run_at_a_time() -> Iterator[bool]:
    """Whether this run may go ahead. SQLite lets one writer in at a time,
    and each change is made once anyway, so there it always may."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [RUN_LOCK_KEY])
        alone = cursor.fetchone()[0]
    try:
        yield alone
    finally:
        if alone:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [RUN_LOCK_KEY])


def _run(
    *, now: datetime.datetime, close_after_days: int | None, open_current: bool
) -> RunResult:
    result = RunResult()
    today = timezone.localtime(now).date()
    if (
        open_current
        and not ReportingPeriod.objects.filter(
            year=today.year, month=today.month
        ).exists()
    ):
        period_open(year=today.year, month=today.month)
        result.periods_opened += 1
    periods = ReportingPeriod.objects.filter(status=PeriodStatus.OPEN).order_by(
        "year", "month"
    )
    for period in periods:
        if deadline_passed(period, now):
            result.reports_marked_overdue += _mark_overdue(period, now)
            _remind(period, ReminderKind.OVERDUE, result)
            if close_after_days is not None and today > period.deadline + (
                datetime.timedelta(days=close_after_days)
            ):
                try:
                    period_close(period=period)
                except PeriodAlreadyClosed:
                    # Closed by a person since the list above was read.
                    continue
                result.periods_closed += 1
        elif (period.deadline - today).days <= settings.REMINDER_DAYS_BEFORE:
            _remind(period, ReminderKind.BEFORE_DEADLINE, result)
    for hook in extra_reminders:
        done = hook(now)
        for words, count in done.sent.items():
            if count:
                result.extra[words] = result.extra.get(words, 0) + count
        result.mail_failures += done.mail_failures
    return result


@transaction.atomic
def _mark_overdue(period: ReportingPeriod, now: datetime.datetime) -> int:
    # Rows locked in the order of their ids, as the sheet upload locks
    # them, so that the two never wait for each other.
    due = (
        ProgressReport.objects.select_for_update(no_key=True)
        .filter(
            period=period,
            state__in=UNSUBMITTED_STATES,
            overdue_marked_at__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return ProgressReport.objects.filter(pk__in=list(due)).update(overdue_marked_at=now)


def _remind(period: ReportingPeriod, kind: str, result: RunResult) -> None:
    """One reminder of ``kind`` to each department with unsubmitted reports
    that has not had one yet."""
    pending: dict[int, list[tuple[int, str]]] = defaultdict(list)
    rows = (
        ProgressReport.objects.filter(period=period, state__in=UNSUBMITTED_STATES)
        .order_by("department_id", "task__number")
        .values_list("department_id", "task__number", "state")
    )
    for department_id, task_number, state in rows:
        pending[department_id].append((task_number, state))
    reminded = set(
        Reminder.objects.filter(period=period, kind=kind).values_list(
            "department_id", flat=True
        )
    )
    due = [pk for pk in pending if pk not in reminded]
    if not due:
        return
    departments = Department.objects.in_bulk(due)
    recipients = department_mail_recipients(due)
    for department_id in due:
        department = departments[department_id]
        items = pending[department_id]
        emails = recipients.get(department_id, [])
        try:
            with transaction.atomic():
                _, created = Reminder.objects.get_or_create(
                    period=period,
                    department=department,
                    kind=kind,
                    defaults={
                        "pending_count": len(items),
                        "sent_to": ", ".join(emails),
                    },
                )
                if created and emails:
                    subject, body = _message(kind, period, department, items)
                    send_mail(
                        subject=subject,
                        message=body,
                        from_email=None,
                        recipient_list=emails,
                    )
        except OSError:
            logger.exception("%s %s的提醒邮件发送失败", period, department)
            result.mail_failures += 1
            continue
        if not created:
            continue
        if kind == ReminderKind.OVERDUE:
            result.overdue_sent += 1
        else:
            result.before_deadline_sent += 1


def _message(
    kind: str,
    period: ReportingPeriod,
    department: Department,
    items: list[tuple[int, str]],
) -> tuple[str, str]:
    deadline = _chinese_date(period.deadline)
    count = len(items)
    states = Counter(state for _, state in items)
    breakdown = "、".join(
        f"{state.label} {states[state]} 份"
        for state in UNSUBMITTED_STATES
        if state in states
    )
    tasks = "、".join(str(number) for number, _ in items)
    if kind == ReminderKind.OVERDUE:
        subject = f"【逾期】{period}技能鹰潭行动进展报告未按时报送"
        opening = (
            f"{period}“技能鹰潭行动”月调度进展报告已于{deadline} 24 时(北京时间)"
            f"截止填报,贵单位尚有 {count} 份报告未报送人社局,已标记为逾期。"
        )
        request = "请尽快登录调度平台补报,补报的报告将记为逾期报送。"
    else:
        subject = f"【提醒】{period}技能鹰潭行动进展报告将于{deadline}截止"
        opening = (
            f"{period}“技能鹰潭行动”月调度进展报告将于{deadline} 24 时(北京时间)"
            f"截止填报,贵单位尚有 {count} 份报告未报送人社局。"
        )
        request = "请在截止前登录调度平台完成填报。"
    if ReportState.PENDING_SIGNOFF in states:
        request += "待负责人签批的报告,请提醒负责人及时签批。"
    lines = [
        f"{department.full_name or department.name}:",
        "",
        opening,
        f"其中{breakdown}。",
        f"涉及工作要求序号:{tasks}。",
        "",
        request,
        "",
        "“技能鹰潭行动”领导小组办公室(市人社局)",
        "(本邮件由系统自动发送,请勿回复。)",
    ]
    return subject, "\n".join(lines)


def _chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
