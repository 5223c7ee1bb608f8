"""The problems' deadline reminders, sent by the hourly send_reminders run:
before the deadline, on it and when overdue, once each."""

import datetime
import smtplib
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from dispatch.services import reminders as dispatch_reminders
from dispatch.services.reminders import RunResult, reminders_run
from supervision import reminders
from supervision.models import ProblemReminder, ProblemReminderKind, ProblemState

from .problem_data import EDUCATION, GUIXI, at, make_problem, make_round

D = datetime.date
DEADLINE = D(2025, 8, 31)


@pytest.fixture
def mailboxes(users):
    for name, user in users.items():
        user.email = f"{name}@yingtan.example"
        user.save(update_fields=["email"])
    return users


@pytest.fixture
def round_(users):
    return make_round(users["reviewer"])


def kinds(problem) -> list[str]:
    return sorted(problem.reminders.values_list("kind", flat=True))


@pytest.mark.django_db
def test_hook_is_registered_with_the_hourly_run():
    assert reminders.problem_reminders_send in dispatch_reminders.extra_reminders


@pytest.mark.django_db
def test_nothing_is_sent_more_than_three_days_before_the_deadline(round_, mailboxes):
    make_problem(round_, GUIXI, DEADLINE)

    result = reminders_run(now=at(2025, 8, 27))

    assert result == RunResult()
    assert mail.outbox == []
    assert not ProblemReminder.objects.exists()


@pytest.mark.django_db
def test_three_days_before_a_department_gets_one_mail_listing_its_problems(
    round_, mailboxes
):
    first = make_problem(round_, GUIXI, DEADLINE)
    second = make_problem(round_, GUIXI, D(2025, 8, 30))
    other = make_problem(round_, EDUCATION, D(2025, 9, 1))

    result = reminders_run(now=at(2025, 8, 28))

    assert result.extra == {"整改截止前提醒": 2}
    assert kinds(first) == kinds(second) == [ProblemReminderKind.BEFORE_DEADLINE]
    # 4 days before the education bureau's deadline: not yet.
    assert kinds(other) == []
    [message] = mail.outbox
    assert message.to == ["leader@yingtan.example", "reporter@yingtan.example"]
    assert "2 个督导问题即将到达整改时限" in message.subject
    assert "2025年上半年督导问题1" in message.body
    assert "整改时限2025年8月31日" in message.body
    assert "2025年上半年督导问题2" in message.body
    reminder = first.reminders.get()
    assert reminder.sent_to == "leader@yingtan.example, reporter@yingtan.example"
    assert reminder.deadline == DEADLINE
    assert reminder.sent_at == at(2025, 8, 28)


@pytest.mark.django_db
def test_each_kind_is_sent_once_however_often_the_command_runs(round_, mailboxes):
    problem = make_problem(round_, GUIXI, DEADLINE)
    moments = [
        at(2025, 8, 28),
        at(2025, 8, 28, 11),
        at(2025, 8, 30),
        at(2025, 8, 31, 9),
        at(2025, 8, 31, 23, 30),
        at(2025, 9, 1, 0, 30),
        at(2025, 9, 5),
        at(2025, 10, 1),
    ]
    sent = [sum(reminders_run(now=now).extra.values()) for now in moments]

    assert sent == [1, 0, 0, 1, 0, 1, 0, 0]
    assert kinds(problem) == sorted(
        [
            ProblemReminderKind.BEFORE_DEADLINE,
            ProblemReminderKind.ON_DEADLINE,
            ProblemReminderKind.OVERDUE,
        ]
    )
    subjects = [m.subject for m in mail.outbox]
    assert len(subjects) == 3
    assert subjects[0].startswith("【提醒】")
    assert subjects[1].startswith("【到期】")
    assert subjects[2].startswith("【逾期】")


@pytest.mark.django_db
def test_a_problem_found_overdue_gets_only_the_overdue_notice(round_, mailboxes):
    problem = make_problem(round_, GUIXI, DEADLINE, state=ProblemState.OPEN)

    reminders_run(now=at(2025, 9, 10))
    reminders_run(now=at(2025, 9, 11))

    assert kinds(problem) == [ProblemReminderKind.OVERDUE]
    [message] = mail.outbox
    assert "已超过整改时限" in message.body
    assert "待制定方案" in message.body


@pytest.mark.django_db
@pytest.mark.parametrize("state", [ProblemState.REQUESTED, ProblemState.SIGNED_OFF])
def test_problems_awaiting_or_past_sign_off_are_not_reminded(round_, mailboxes, state):
    make_problem(round_, GUIXI, DEADLINE, state=state)

    reminders_run(now=at(2025, 8, 31))
    reminders_run(now=at(2025, 9, 10))

    assert not ProblemReminder.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_reopened_problem_is_reminded_like_one_in_rectification(round_, mailboxes):
    problem = make_problem(round_, GUIXI, DEADLINE, state=ProblemState.REOPENED)

    reminders_run(now=at(2025, 9, 10))

    assert kinds(problem) == [ProblemReminderKind.OVERDUE]


@pytest.mark.django_db
def test_a_new_deadline_after_an_extension_is_reminded_anew(round_, mailboxes):
    problem = make_problem(round_, GUIXI, DEADLINE)
    reminders_run(now=at(2025, 9, 1))
    # The extension granted moves the deadline (as extension_decide does).
    problem.deadline = D(2025, 9, 30)
    problem.save(update_fields=["deadline"])

    reminders_run(now=at(2025, 9, 2))
    reminders_run(now=at(2025, 9, 28))
    reminders_run(now=at(2025, 9, 28, 12))

    rows = list(problem.reminders.order_by("sent_at").values_list("kind", "deadline"))
    assert rows == [
        (ProblemReminderKind.OVERDUE, DEADLINE),
        (ProblemReminderKind.BEFORE_DEADLINE, D(2025, 9, 30)),
    ]
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_department_without_an_address_is_recorded_and_not_mailed(round_, users):
    problem = make_problem(round_, EDUCATION, DEADLINE)

    result = reminders_run(now=at(2025, 9, 1))

    assert result.extra == {"整改逾期通知": 1}
    assert problem.reminders.get().sent_to == ""
    assert mail.outbox == []


@pytest.mark.django_db
def test_refused_mail_keeps_nothing_and_the_next_run_sends_it(
    round_, mailboxes, monkeypatch
):
    problem = make_problem(round_, GUIXI, DEADLINE)
    make_problem(round_, EDUCATION, DEADLINE)
    real_send = reminders.send_mail

    def refuse_guixi(**kwargs):
        if "reporter@yingtan.example" in kwargs["recipient_list"]:
            raise smtplib.SMTPServerDisconnected("连接断开")
        return real_send(**kwargs)

    monkeypatch.setattr(reminders, "send_mail", refuse_guixi)
    result = reminders_run(now=at(2025, 9, 1))

    assert result.mail_failures == 1
    assert result.extra == {"整改逾期通知": 1}
    assert kinds(problem) == []
    assert [m.to for m in mail.outbox] == [["other_department@yingtan.example"]]

    monkeypatch.setattr(reminders, "send_mail", real_send)
    result = reminders_run(now=at(2025, 9, 1, 11))

    assert result.extra == {"整改逾期通知": 1}
    assert kinds(problem) == [ProblemReminderKind.OVERDUE]
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_row_written_by_a_racing_run_is_not_mailed_twice(
    round_, mailboxes, monkeypatch
):
    """Another run records the first problem between this run's look at the
    rows and its own write: the constraint tells, and only the second
    problem is in this run's mail."""
    first = make_problem(round_, GUIXI, DEADLINE)
    second = make_problem(round_, GUIXI, DEADLINE)
    real_recipients = reminders.department_mail_recipients

    def other_run_first(department_ids):
        ProblemReminder.objects.create(
            problem=first,
            kind=ProblemReminderKind.OVERDUE,
            deadline=DEADLINE,
            sent_at=at(2025, 9, 1),
        )
        return real_recipients(department_ids)

    monkeypatch.setattr(reminders, "department_mail_recipients", other_run_first)
    result = reminders_run(now=at(2025, 9, 1))

    assert result.extra == {"整改逾期通知": 1}
    [message] = mail.outbox
    assert f"问题{second.number}" in message.body
    assert f"问题{first.number}:" not in message.body
    assert first.reminders.count() == second.reminders.count() == 1


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_problems(
    round_, mailboxes, django_assert_max_num_queries
):
    for _ in range(3):
        make_problem(round_, GUIXI, D(2025, 12, 31))
    with django_assert_max_num_queries(4):
        reminders.problem_reminders_send(at(2025, 9, 1))
    for _ in range(30):
        make_problem(round_, EDUCATION, D(2025, 12, 31))
    with django_assert_max_num_queries(4):
        reminders.problem_reminders_send(at(2025, 9, 1))


@pytest.mark.django_db
def test_command_says_how_many_problem_reminders_it_sent(round_, mailboxes):
    make_problem(round_, GUIXI, DEADLINE)
    make_problem(round_, EDUCATION, DEADLINE)

    out = StringIO()
    call_command("send_reminders", "--now", "2025-09-01T10:00", stdout=out)
    again = StringIO()
    call_command("send_reminders", "--now", "2025-09-01T11:00", stdout=again)

    assert "整改逾期通知 2 条" in out.getvalue()
    assert "整改" not in again.getvalue()
