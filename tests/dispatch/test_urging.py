"""Urging (催办): the reviewer writes the text, prefilled with the default;
a department with nothing left to send is not urged, and the same text to
the same department for the same period is sent once a day (Beijing
time), so that a second press of the button sends no second mail."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from dispatch.models import ProgressReport, ReportState, Urge
from dispatch.services import (
    ReportError,
    report_transition,
    urge_create,
    urge_default_message,
)
from tasks.models import Department
from tests.conftest import fill

SHANGHAI = ZoneInfo("Asia/Shanghai")
GUIXI = "贵溪市人民政府"


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def march_2026():
    """Every test starts on 1 March 2026, the month the times below are
    in, so that accounts and the period are made then, whatever the day
    the suite runs on (a password older than 90 days must be changed)."""
    with time_machine.travel(at(1, 9), tick=True):
        yield


@pytest.fixture
def guixi(users) -> Department:
    users["reporter"].email = "reporter@yingtan.example"
    users["reporter"].save(update_fields=["email"])
    return Department.objects.get(name=GUIXI)


def submit_all(period, department, user) -> None:
    for report in ProgressReport.objects.filter(period=period, department=department):
        fill(report, user)
        report_transition(report=report, action="submit", actor=user)


def post_urge(client, department, period, message):
    return client.post(
        reverse("dispatch:urge", args=[department.pk]),
        {"period": period.pk, "message": message},
    )


@pytest.mark.django_db
def test_reviewer_sends_the_text_he_wrote(client, period, users, guixi):
    client.force_login(users["reviewer"])
    response = post_urge(client, guixi, period, "请于本周五前报送铜产业培训进展。")
    assert response.status_code == 302
    urge = Urge.objects.get(department=guixi)
    assert urge.message == "请于本周五前报送铜产业培训进展。"
    assert [m.body for m in mail.outbox] == ["请于本周五前报送铜产业培训进展。"]


@pytest.mark.django_db
def test_dashboard_urge_form_holds_the_default_text_to_edit(
    client, period, users, guixi
):
    # Yesterday, so 贵溪市 is behind (the fixture's deadline is ten days on).
    period.deadline -= datetime.timedelta(days=11)
    period.save(update_fields=["deadline"])
    client.force_login(users["reviewer"])
    page = client.get(reverse("dispatch:dashboard"), {"period": period.pk})
    text = page.content.decode()
    assert 'name="message"' in text
    assert f">{urge_default_message(period)}</textarea>" in text


@pytest.mark.django_db
def test_empty_text_sends_the_default(period, users, guixi):
    urge = urge_create(
        period=period, department=guixi, message="  ", actor=users["reviewer"]
    )
    assert urge.message == urge_default_message(period)


@pytest.mark.django_db
def test_department_with_every_report_sent_is_not_urged(client, period, users, guixi):
    submit_all(period, guixi, users["reporter"])
    with pytest.raises(ReportError, match="均已报送人社局,没有需要催办的事项"):
        urge_create(
            period=period, department=guixi, message="", actor=users["reviewer"]
        )
    client.force_login(users["reviewer"])
    response = post_urge(client, guixi, period, "")
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"{guixi}{period}的报告均已报送人社局,没有需要催办的事项。"
    ]
    assert not Urge.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_report_waiting_for_the_leaders_signature_can_still_be_urged(
    period, users, guixi
):
    guixi.requires_signoff = True
    guixi.save(update_fields=["requires_signoff"])
    submit_all(period, guixi, users["reporter"])
    assert set(
        ProgressReport.objects.filter(period=period, department=guixi).values_list(
            "state", flat=True
        )
    ) == {ReportState.PENDING_SIGNOFF}
    urge_create(period=period, department=guixi, message="", actor=users["reviewer"])
    assert Urge.objects.filter(department=guixi).count() == 1


@pytest.mark.django_db
def test_department_without_a_task_in_the_period_is_not_urged(period, users):
    idle = Department.objects.exclude(reports__period=period).first()
    with pytest.raises(ReportError, match="没有需要填报的任务,无需催办"):
        urge_create(period=period, department=idle, message="", actor=users["reviewer"])


@pytest.mark.django_db
def test_same_text_twice_the_same_day_is_refused_with_the_first_time(
    client, period, users, guixi
):
    with time_machine.travel(at(10, 9, 5), tick=False):
        client.force_login(users["reviewer"])
        post_urge(client, guixi, period, "")
    with time_machine.travel(at(10, 16, 0), tick=False):
        client.force_login(users["reviewer"])  # the morning's session is over
        response = post_urge(client, guixi, period, "")
    assert str(list(get_messages(response.wsgi_request))[-1]) == (
        f"今天09:05已向{guixi}发出内容相同的{period}催办,不再重复发送;"
        "如需再次催办,请修改催办内容或次日再发。"
    )
    assert Urge.objects.filter(department=guixi).count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_other_text_the_same_day_or_the_same_text_the_next_day_is_sent(
    period, users, guixi
):
    def send(moment, message):
        with time_machine.travel(moment, tick=False):
            urge_create(
                period=period,
                department=guixi,
                message=message,
                actor=users["reviewer"],
            )

    send(at(10, 23, 50), "请尽快报送。")
    send(at(10, 23, 55), "请今天之内报送。")
    # 00:10 in Beijing is still the 10th in UTC: the day is Beijing's.
    send(at(11, 0, 10), "请尽快报送。")
    assert Urge.objects.filter(department=guixi).count() == 3
    with time_machine.travel(at(11, 8, 0), tick=False), pytest.raises(ReportError):
        urge_create(
            period=period,
            department=guixi,
            message="请尽快报送。",
            actor=users["reviewer"],
        )


@pytest.mark.django_db
def test_too_long_a_text_is_refused_before_sending(client, period, users, guixi):
    client.force_login(users["reviewer"])
    response = post_urge(client, guixi, period, "催" * 1001)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "催办未发送:催办内容不能超过 1000 字。"
    ]
    assert not Urge.objects.exists()
