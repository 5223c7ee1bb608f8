"""Reminders of the problems' deadlines (整改时限), sent by the hourly
``send_reminders`` run through ``dispatch.services.reminders.extra_reminders``
(registered in ``SupervisionConfig.ready``).

A problem still being rectified (待制定方案, 整改中, 重新整改) is reminded
up to ``REMINDER_DAYS_BEFORE`` days before its deadline, on the day, and
once it is overdue: once of each kind for each deadline, so that a
granted extension, which moves the deadline, is reminded anew. A problem
waiting for sign-off (待销号) is the reviewer's to decide and is not
reminded.

As for the monthly reports, the ``ProblemReminder`` row is written before
its mail under the unique constraint on (problem, kind, deadline), and the
rows of one mail share its transaction: a second run finds the rows and
sends nothing, and a mail server that refuses the message rolls the rows
back for the next run to try again. A department gets one mail per kind
and run, listing its problems.
"""

import datetime
import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from dispatch.selectors.reports import department_mail_recipients
from dispatch.services.reminders import ExtraReminders

from .models import OPEN_STATES, Problem, ProblemReminder, ProblemReminderKind

logger = logging.getLogger(__name__)

# The run's summary words for each kind.
SUMMARY_WORDS = {
    ProblemReminderKind.BEFORE_DEADLINE: "整改截止前提醒",
    ProblemReminderKind.ON_DEADLINE: "整改到期提醒",
    ProblemReminderKind.OVERDUE: "整改逾期通知",
}


def reminder_kind(deadline: datetime.date, today: datetime.date) -> str | None:
    """The reminder a problem due on ``deadline`` gets ``today``, if any."""
    if deadline < today:
        return ProblemReminderKind.OVERDUE
    if deadline == today:
        return ProblemReminderKind.ON_DEADLINE
    if (deadline - today).days <= settings.REMINDER_DAYS_BEFORE:
        return ProblemReminderKind.BEFORE_DEADLINE
    return None


def problem_reminders_send(now: datetime.datetime) -> ExtraReminders:
    """Send every problem reminder due at ``now`` not sent yet; four
    queries when there is nothing to send, whatever the number of
    problems."""
    today = timezone.localdate(now)
    horizon = today + datetime.timedelta(days=settings.REMINDER_DAYS_BEFORE)
    problems = list(
        Problem.objects.filter(state__in=OPEN_STATES, deadline__lte=horizon)
        .select_related("round", "department")
        .order_by("department__sort_order", "department_id", "round_id", "number")
    )
    sent = {
        (problem_id, kind, deadline)
        for problem_id, kind, deadline in ProblemReminder.objects.filter(
            problem__in=[p.pk for p in problems]
        ).values_list("problem_id", "kind", "deadline")
    }
    due: dict[tuple[int, str], list[Problem]] = defaultdict(list)
    for problem in problems:
        kind = reminder_kind(problem.deadline, today)
        if kind and (problem.pk, kind, problem.deadline) not in sent:
            due[(problem.department_id, kind)].append(problem)
    result = ExtraReminders(sent=dict.fromkeys(SUMMARY_WORDS.values(), 0))
    if not due:
        return result
    recipients = department_mail_recipients(sorted({pk for pk, _ in due}))
    for (department_id, kind), items in due.items():
        emails = recipients.get(department_id, [])
        try:
            with transaction.atomic():
                created = _record(items, kind, emails, now)
                if created and emails:
                    subject, body = message(kind, created, today)
                    send_mail(
                        subject=subject,
                        message=body,
                        from_email=None,
                        recipient_list=emails,
                    )
        except OSError:
            logger.exception(
                "%s的督导问题%s邮件发送失败",
                items[0].department,
                ProblemReminderKind(kind).label,
            )
            result.mail_failures += 1
            continue
        result.sent[SUMMARY_WORDS[kind]] += len(created)
    return result


def _record(
    problems: list[Problem], kind: str, emails: list[str], now: datetime.datetime
) -> list[Problem]:
    """The problems whose reminder row this run wrote; a row another run
    wrote meanwhile is left to that run's mail."""
    created = []
    for problem in problems:
        _, is_new = ProblemReminder.objects.get_or_create(
            problem=problem,
            kind=kind,
            deadline=problem.deadline,
            defaults={"sent_to": ", ".join(emails), "sent_at": now},
        )
        if is_new:
            created.append(problem)
    return created


def message(
    kind: str, problems: list[Problem], today: datetime.date
) -> tuple[str, str]:
    department = problems[0].department
    count = len(problems)
    if kind == ProblemReminderKind.OVERDUE:
        subject = f"【逾期】{count} 个督导问题已超过整改时限"
        opening = f"贵单位以下 {count} 个督导问题已超过整改时限,尚未申请销号:"
        request = (
            "请尽快落实整改、上传佐证材料并申请销号;确需延期的,请在平台提出延期申请。"
        )
    elif kind == ProblemReminderKind.ON_DEADLINE:
        subject = f"【到期】{count} 个督导问题今日到达整改时限"
        opening = f"贵单位以下 {count} 个督导问题的整改时限为今日({_date(today)}):"
        request = "请在今日内完成整改并申请销号;确需延期的,请在平台提出延期申请。"
    else:
        subject = f"【提醒】{count} 个督导问题即将到达整改时限"
        opening = f"贵单位以下 {count} 个督导问题即将到达整改时限:"
        request = "请抓紧整改,完成后上传佐证材料并申请销号。"
    lines = [f"{department.full_name or department.name}:", "", opening]
    for problem in problems:
        lines.append(
            f"{problem.round}问题{problem.number}:"
            f"{_brief(problem.description)}(整改时限{_date(problem.deadline)},"
            f"{problem.get_state_display()})"
        )
    lines += [
        "",
        request,
        "",
        "“技能鹰潭行动”领导小组办公室(市人社局)",
        "(本邮件由系统自动发送,请勿回复。)",
    ]
    return subject, "\n".join(lines)


def _brief(text: str, length: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
