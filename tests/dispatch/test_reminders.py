"""Reminders before the deadline, overdue marking after it, the hourly
command that runs them, and the reviewer's urging (催办)."""

import datetime
import smtplib
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from audit.models import AuditEvent
from dispatch import services
from dispatch.models import (
    PeriodStatus,
    ProgressReport,
    Reminder,
    ReminderKind,
    ReportingPeriod,
    ReportState,
    Urge,
)
from dispatch.services.reminders import UNSUBMITTED_STATES, RunResult, reminders_run
from tasks.models import Department

SHANGHAI = ZoneInfo("Asia/Shanghai")
GUIXI = "贵溪市人民政府"


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2025, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def period(policy):
    """March 2025, due on the 25th."""
    return services.period_open(year=2025, month=3)


@pytest.fixture
def mailboxes(users):
    """Every test user with an address of its own."""
    for name, user in users.items():
        user.email = f"{name}@yingtan.example"
        user.save(update_fields=["email"])
    return users


def guixi() -> Department:
    return Department.objects.get(name=GUIXI)


def submit(report: ProgressReport, user) -> None:
    report = services.report_save(
        report=report,
        data={"progress": "已组织培训 120 人次。", "proposed_status": "on_track"},
        expected_version=report.version,
        actor=user,
    )
    services.report_transition(report=report, action="submit", actor=user)


def departments_with_unsubmitted(period) -> set[int]:
    return set(
        ProgressReport.objects.filter(
            period=period, state__in=UNSUBMITTED_STATES
        ).values_list("department_id", flat=True)
    )


def mail_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


# Before the deadline


@pytest.mark.django_db
def test_nothing_is_sent_more_than_three_days_before_the_deadline(period, mailboxes):
    result = reminders_run(now=at(3, 21, 10))

    assert result.reminders_sent == 0
    assert mail.outbox == []
    assert not Reminder.objects.exists()


@pytest.mark.django_db
def test_three_days_before_each_department_with_open_reports_is_reminded_once(
    period, mailboxes
):
    reports = list(
        ProgressReport.objects.filter(period=period, department=guixi()).order_by(
            "task__number"
        )
    )
    submit(reports[0], mailboxes["reporter"])
    submit(reports[1], mailboxes["reporter"])

    result = reminders_run(now=at(3, 22, 10))

    expected = departments_with_unsubmitted(period)
    reminders = Reminder.objects.filter(period=period)
    assert result.before_deadline_sent == len(expected) == reminders.count()
    assert set(reminders.values_list("department_id", flat=True)) == expected
    assert set(reminders.values_list("kind", flat=True)) == {
        ReminderKind.BEFORE_DEADLINE
    }
    # One mail per department whose reporters or leaders have an address:
    # 贵溪市 and 市教育局. 市人社局's reviewer and administrator get none.
    assert len(mail.outbox) == 2
    assert mail_to("reviewer@yingtan.example") == []
    assert mail_to("sysadmin@yingtan.example") == []
    [message] = mail_to("reporter@yingtan.example")
    assert message.to == ["leader@yingtan.example", "reporter@yingtan.example"]
    assert "2025年3月" in message.subject
    assert f"尚有 {len(reports) - 2} 份报告未报送" in message.body
    assert "2025年3月25日" in message.body
    reminder = reminders.get(department=guixi())
    assert reminder.pending_count == len(reports) - 2
    assert reminder.sent_to == "leader@yingtan.example, reporter@yingtan.example"


@pytest.mark.django_db
def test_run_racing_another_sends_nothing_the_other_has_sent(
    period, mailboxes, monkeypatch
):
    """Another run writes 贵溪市's reminder between this run's look at the
    reminders already sent and its own write: the constraint tells."""
    real_recipients = services.reminders.department_mail_recipients

    def other_run_first(department_ids):
        Reminder.objects.create(
            period=period,
            department=guixi(),
            kind=ReminderKind.BEFORE_DEADLINE,
            pending_count=1,
        )
        return real_recipients(department_ids)

    monkeypatch.setattr(
        services.reminders, "department_mail_recipients", other_run_first
    )

    result = reminders_run(now=at(3, 22, 10))

    assert mail_to("reporter@yingtan.example") == []
    assert len(mail.outbox) == 1
    assert result.before_deadline_sent == len(departments_with_unsubmitted(period)) - 1
    assert Reminder.objects.filter(department=guixi()).count() == 1


@pytest.mark.django_db
def test_reminder_goes_only_to_active_users_with_an_address(period, mailboxes):
    mailboxes["leader"].is_active = False
    mailboxes["leader"].save(update_fields=["is_active"])
    mailboxes["other_department"].email = ""
    mailboxes["other_department"].save(update_fields=["email"])

    reminders_run(now=at(3, 22, 10))

    [message] = mail_to("reporter@yingtan.example")
    assert message.to == ["reporter@yingtan.example"]
    assert mail_to("leader@yingtan.example") == []
    assert mail_to("other_department@yingtan.example") == []
    # The department without an address is still recorded as reminded.
    education = Reminder.objects.get(department__name="市教育局")
    assert education.sent_to == ""


@pytest.mark.django_db
def test_running_again_the_same_hour_or_the_next_days_sends_nothing_more(
    period, mailboxes
):
    reminders_run(now=at(3, 22, 10))
    sent, rows = len(mail.outbox), Reminder.objects.count()
    assert sent > 0

    for now in (at(3, 22, 10, 30), at(3, 23, 10), at(3, 25, 23, 30)):
        result = reminders_run(now=now)
        assert result.reminders_sent == 0, now
    assert len(mail.outbox) == sent
    assert Reminder.objects.count() == rows


@pytest.mark.django_db
def test_department_with_every_report_submitted_is_not_reminded(period, mailboxes):
    for report in ProgressReport.objects.filter(period=period, department=guixi()):
        submit(report, mailboxes["reporter"])

    reminders_run(now=at(3, 22, 10))

    assert not Reminder.objects.filter(department=guixi()).exists()
    assert mail_to("reporter@yingtan.example") == []
    assert Reminder.objects.filter(department__name="市教育局").exists()


@pytest.mark.django_db
def test_report_waiting_for_its_leaders_signature_still_counts(period, mailboxes):
    department = guixi()
    department.requires_signoff = True
    department.save(update_fields=["requires_signoff"])
    reports = ProgressReport.objects.filter(period=period, department=department)
    for report in reports:
        submit(report, mailboxes["reporter"])
    assert set(reports.values_list("state", flat=True)) == {ReportState.PENDING_SIGNOFF}

    reminders_run(now=at(3, 22, 10))

    reminder = Reminder.objects.get(department=department)
    assert reminder.pending_count == reports.count()
    [message] = mail_to("leader@yingtan.example")
    assert f"待负责人签批 {reports.count()} 份" in message.body
    assert "请提醒负责人及时签批" in message.body
    [education] = mail_to("other_department@yingtan.example")
    assert "签批" not in education.body


@pytest.mark.django_db
def test_reminder_window_follows_the_setting(period, mailboxes, settings):
    settings.REMINDER_DAYS_BEFORE = 5

    result = reminders_run(now=at(3, 20, 10))

    assert result.before_deadline_sent == len(departments_with_unsubmitted(period))


@pytest.mark.django_db
def test_closed_period_gets_no_reminder(period, mailboxes):
    services.period_close(period=period)

    result = reminders_run(now=at(3, 22, 10))

    assert result.reminders_sent == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_mail_server_failure_leaves_the_reminder_to_the_next_run(
    period, mailboxes, monkeypatch
):
    real_send_mail = services.reminders.send_mail

    def refuse(**kwargs):
        raise smtplib.SMTPServerDisconnected("connection lost")

    monkeypatch.setattr(services.reminders, "send_mail", refuse)
    result = reminders_run(now=at(3, 22, 10))

    assert result.mail_failures == 2
    assert not Reminder.objects.filter(department=guixi()).exists()
    # Departments without addresses had nothing to send and are done.
    assert Reminder.objects.count() == len(departments_with_unsubmitted(period)) - 2

    monkeypatch.setattr(services.reminders, "send_mail", real_send_mail)
    result = reminders_run(now=at(3, 22, 11))

    assert result.before_deadline_sent == 2
    assert len(mail_to("reporter@yingtan.example")) == 1
    assert Reminder.objects.filter(department=guixi()).exists()


# After the deadline


@pytest.mark.django_db
def test_on_the_deadline_day_nothing_is_overdue(period, mailboxes):
    result = reminders_run(now=at(3, 25, 23, 30))

    assert result.reports_marked_overdue == 0
    assert result.overdue_sent == 0
    assert not ProgressReport.objects.filter(overdue_marked_at__isnull=False).exists()
    assert not Reminder.objects.filter(kind=ReminderKind.OVERDUE).exists()


@pytest.mark.django_db
def test_after_the_deadline_unsubmitted_reports_are_marked_overdue(period, mailboxes):
    reports = list(
        ProgressReport.objects.filter(period=period, department=guixi()).order_by(
            "task__number"
        )
    )
    submitted = reports[:3]
    for report in submitted:
        submit(report, mailboxes["reporter"])
    now = at(3, 26, 0, 30)

    result = reminders_run(now=now)

    unsubmitted = ProgressReport.objects.filter(
        period=period, state__in=UNSUBMITTED_STATES
    )
    assert result.reports_marked_overdue == unsubmitted.count()
    assert set(unsubmitted.values_list("overdue_marked_at", flat=True)) == {now}
    for report in submitted:
        report.refresh_from_db()
        assert report.state == ReportState.SUBMITTED
        assert report.overdue_marked_at is None
    overdue = Reminder.objects.filter(period=period, kind=ReminderKind.OVERDUE)
    assert result.overdue_sent == overdue.count()
    assert set(overdue.values_list("department_id", flat=True)) == (
        departments_with_unsubmitted(period)
    )
    assert overdue.get(department=guixi()).pending_count == len(reports) - 3
    [message] = mail_to("reporter@yingtan.example")
    assert "逾期" in message.subject
    assert f"尚有 {len(reports) - 3} 份报告未报送" in message.body


@pytest.mark.django_db
def test_second_run_after_the_deadline_marks_and_sends_nothing_new(period, mailboxes):
    first = at(3, 26, 0, 30)
    reminders_run(now=first)
    sent, rows = len(mail.outbox), Reminder.objects.count()

    result = reminders_run(now=at(3, 26, 1, 30))

    assert result.reports_marked_overdue == 0
    assert result.reminders_sent == 0
    assert len(mail.outbox) == sent
    assert Reminder.objects.count() == rows
    assert set(
        ProgressReport.objects.filter(period=period)
        .exclude(overdue_marked_at=None)
        .values_list("overdue_marked_at", flat=True)
    ) == {first}


@pytest.mark.django_db
def test_report_returned_after_the_deadline_is_marked_on_the_next_run(
    period, mailboxes
):
    report = ProgressReport.objects.filter(period=period, department=guixi()).first()
    submit(report, mailboxes["reporter"])
    reminders_run(now=at(3, 26, 0, 30))
    services.report_transition(
        report=report, action="return", actor=mailboxes["reviewer"], reason="数据不全"
    )

    result = reminders_run(now=at(3, 26, 1, 30))

    report.refresh_from_db()
    assert result.reports_marked_overdue == 1
    assert report.overdue_marked_at == at(3, 26, 1, 30)
    # 贵溪市 has been told already this period.
    assert result.overdue_sent == 0


# The command


def run_command(*args: str) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_command_sends_reminders_and_says_how_many(period, mailboxes):
    count = len(departments_with_unsubmitted(period))

    output = run_command("--now", "2025-03-22T10:00:00+08:00")

    assert f"截止前提醒 {count} 条" in output
    assert Reminder.objects.count() == count
    assert "截止前提醒 0 条" in run_command("--now", "2025-03-22T11:00:00+08:00")


@pytest.mark.django_db
def test_command_reads_a_time_without_offset_as_beijing_time(period, mailboxes):
    # 00:30 in Beijing on the 26th; read as UTC it would still be the 25th.
    run_command("--now", "2025-03-26T00:30")

    assert Reminder.objects.filter(kind=ReminderKind.OVERDUE).exists()


@pytest.mark.django_db
def test_command_with_utc_time_acts_on_the_beijing_date(period, mailboxes):
    run_command("--now", "2025-03-25T15:30:00+00:00")  # 23:30 in Beijing

    assert not ProgressReport.objects.filter(overdue_marked_at__isnull=False).exists()


@pytest.mark.django_db
def test_command_refuses_a_malformed_time(period):
    with pytest.raises(CommandError, match="ISO"):
        run_command("--now", "3月22日")


@pytest.mark.django_db
def test_command_leaves_periods_open_unless_asked(period):
    run_command("--now", "2025-04-20T10:00:00+08:00")

    period.refresh_from_db()
    assert period.status == PeriodStatus.OPEN


@pytest.mark.django_db
def test_command_closes_periods_past_their_deadline_by_more_than_n_days(
    period, mailboxes
):
    output = run_command(
        "--now", "2025-03-30T10:00:00+08:00", "--close-after-days", "5"
    )
    period.refresh_from_db()
    assert period.status == PeriodStatus.OPEN
    assert "关闭填报期 0 个" in output

    output = run_command(
        "--now", "2025-03-31T10:00:00+08:00", "--close-after-days", "5"
    )

    period.refresh_from_db()
    assert period.status == PeriodStatus.CLOSED
    assert period.closed_at is not None
    assert "关闭填报期 1 个" in output


@pytest.mark.django_db
def test_period_closed_on_a_late_first_run_is_marked_and_notified_first(
    period, mailboxes
):
    result = reminders_run(now=at(3, 31, 10), close_after_days=5)

    period.refresh_from_db()
    assert period.status == PeriodStatus.CLOSED
    assert result.periods_closed == 1
    assert (
        result.reports_marked_overdue
        == ProgressReport.objects.filter(period=period).count()
    )
    assert result.overdue_sent == len(departments_with_unsubmitted(period))


@pytest.mark.django_db
def test_a_second_run_after_closing_changes_and_records_nothing(period, mailboxes):
    reminders_run(now=at(3, 31, 10), close_after_days=5)
    events, sent = AuditEvent.objects.count(), len(mail.outbox)

    result = reminders_run(now=at(3, 31, 10), close_after_days=5)

    assert result == RunResult()
    assert AuditEvent.objects.count() == events
    assert len(mail.outbox) == sent


@pytest.mark.django_db
def test_closing_a_period_closed_meanwhile_is_refused_and_recorded_once(period):
    stale = ReportingPeriod.objects.get(pk=period.pk)
    services.period_close(period=period)

    with pytest.raises(services.ReportError, match="填报期已经关闭"):
        services.period_close(period=stale)

    assert AuditEvent.objects.filter(action="period.close").count() == 1


@pytest.mark.django_db
def test_a_run_skips_a_period_a_person_closed_meanwhile(period, monkeypatch):
    real = services.reminders.period_close

    def closed_first(*, period):
        real(period=ReportingPeriod.objects.get(pk=period.pk))
        return real(period=period)

    monkeypatch.setattr(services.reminders, "period_close", closed_first)

    result = reminders_run(now=at(3, 31, 10), close_after_days=5)

    assert result.periods_closed == 0
    assert AuditEvent.objects.filter(action="period.close").count() == 1


@pytest.mark.django_db
def test_command_opens_the_current_month_once(policy):
    output = run_command("--now", "2025-04-02T08:00:00+08:00", "--open-current")

    april = ReportingPeriod.objects.get(year=2025, month=4)
    assert april.is_open
    assert april.deadline == datetime.date(2025, 4, 25)
    assert april.reports.exists()
    assert "开放填报期 1 个" in output
    output = run_command("--now", "2025-04-02T09:00:00+08:00", "--open-current")
    assert "开放填报期 0 个" in output
    assert ReportingPeriod.objects.count() == 1


@pytest.mark.django_db
def test_open_current_does_not_reopen_a_closed_month(period):
    services.period_close(period=period)

    result = reminders_run(now=at(3, 28, 8), open_current=True)

    period.refresh_from_db()
    assert result.periods_opened == 0
    assert period.status == PeriodStatus.CLOSED


# Urging (催办)


def urge_url() -> str:
    return reverse("dispatch:urge", args=[guixi().pk])


@pytest.mark.django_db
def test_reviewer_urges_a_department_by_mail(client, period, mailboxes):
    client.force_login(mailboxes["reviewer"])

    response = client.post(
        urge_url(), {"period": period.pk, "message": "请于本周内完成填报。"}
    )

    assert response.status_code == 302
    assert (
        response["Location"] == reverse("dispatch:dashboard") + f"?period={period.pk}"
    )
    urge = Urge.objects.get()
    assert (urge.period, urge.department) == (period, guixi())
    assert urge.message == "请于本周内完成填报。"
    assert urge.created_by == mailboxes["reviewer"]
    [message] = mail.outbox
    assert message.to == ["leader@yingtan.example", "reporter@yingtan.example"]
    assert message.body == "请于本周内完成填报。"


@pytest.mark.django_db
def test_urge_without_message_sends_the_standard_text(client, period, mailboxes):
    client.force_login(mailboxes["reviewer"])

    client.post(urge_url(), {"period": period.pk})

    assert "2025年3月" in Urge.objects.get().message


@pytest.mark.django_db
def test_urge_returns_to_a_local_next_page_only(client, period, users):
    client.force_login(users["reviewer"])
    local = reverse("dispatch:dashboard") + "?period=1&sort=late"

    response = client.post(urge_url(), {"period": period.pk, "next": local})
    assert response["Location"] == local

    response = client.post(
        urge_url(), {"period": period.pk, "next": "https://evil.example/"}
    )
    assert (
        response["Location"] == reverse("dispatch:dashboard") + f"?period={period.pk}"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["reporter", "leader", "other_department", "sysadmin"])
def test_only_the_reviewer_may_urge(client, period, mailboxes, role):
    client.force_login(mailboxes[role])

    response = client.post(urge_url(), {"period": period.pk, "message": "催办"})

    assert response.status_code == 403
    assert not Urge.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_anonymous_urge_is_sent_to_login(client, period):
    response = client.post(urge_url(), {"period": period.pk})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Urge.objects.exists()


@pytest.mark.django_db
def test_urge_by_get_is_not_allowed(client, period, users):
    client.force_login(users["reviewer"])

    assert client.get(urge_url()).status_code == 405
    assert not Urge.objects.exists()


@pytest.mark.django_db
def test_urge_without_period_is_refused_with_a_message(client, period, users):
    client.force_login(users["reviewer"])

    response = client.post(urge_url(), {"message": "催办"})

    assert response.status_code == 302
    assert not Urge.objects.exists()
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]


@pytest.mark.django_db
def test_urge_of_unknown_department_or_period_answers_404(client, period, users):
    client.force_login(users["reviewer"])
    missing = Department.objects.order_by("-pk").first().pk + 1000

    url = reverse("dispatch:urge", args=[missing])
    assert client.post(url, {"period": period.pk}).status_code == 404
    assert client.post(urge_url(), {"period": period.pk + 1000}).status_code == 404


@pytest.mark.django_db
def test_refused_urge_is_shown_as_an_error(client, period, users, monkeypatch):
    def refuse(**kwargs):
        raise services.ReportError("催办未成功。")

    monkeypatch.setattr(services, "urge_create", refuse)
    client.force_login(users["reviewer"])

    response = client.post(urge_url(), {"period": period.pk})

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["催办未成功。"]
