"""A target value typed into a lead report counts nowhere until the 人社局
has approved the report: not on the public page, the board, the target
page, a department's page or the export, for another department or for the
reviewer. Reopening an approved report takes it out again."""

import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from dispatch.models import ProgressReport, ReportState
from dispatch.services import period_close, report_transition
from targets.models import Reading, ReadingSource, ReviewStatus, Target
from targets.permissions import counted_readings
from targets.services import reading_record
from tasks.models import Department

VALUE = "777"
SHOWN = "777人"


@pytest.fixture(autouse=True)
def frozen_clock():
    """Mid-month, inside the policy's years and before the deadline."""
    at = datetime.datetime(2025, 6, 12, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(at, tick=False):
        cache.clear()
        yield
        cache.clear()


@pytest.fixture
def target(policy):
    """An accepted target of task 1, which 贵溪市 leads and 市教育局 shares."""
    from tasks.models import Task

    task = Task.objects.get(policy=policy, number=1)
    return Target.objects.create(
        policy=policy,
        task=task,
        key_task=task.key_task,
        metric="铜产业培训技能人才",
        value=Decimal(1200),
        unit="人",
        kind="cumulative",
        start_date=datetime.date(2023, 1, 1),
        deadline=datetime.date(2025, 12, 31),
        source_text="到2025年,铜产业培训技能人才达到1200人。",
        source_ref="附件第1行",
        fingerprint="fp-copper",
        review_status=ReviewStatus.ACCEPTED,
    )


@pytest.fixture
def lead_report(client, period, users, target):
    """贵溪市's report on task 1, saved through the form with the value."""
    report = ProgressReport.objects.get(
        period=period, task__number=1, department__name="贵溪市人民政府"
    )
    client.force_login(users["reporter"])
    response = client.post(
        reverse("dispatch:report-edit", args=[report.pk]),
        {
            "version": report.version,
            "progress": "本月培训铜产业技能人才。",
            "proposed_status": "on_track",
            f"target_{target.pk}": VALUE,
        },
    )
    assert response.status_code == 302
    assert Reading.objects.get().value == Decimal(VALUE)
    client.logout()
    return report


def outside_pages(client, users, target) -> dict[str, str]:
    """Every page outside 贵溪市 where the target's value would show."""
    cooperator = Department.objects.get(name="市教育局")
    pages = {}
    cache.clear()
    pages["public"] = client.get(reverse("public")).content.decode()
    for role in ("other_department", "reviewer"):
        client.force_login(users[role])
        for name, url in {
            "board": reverse("targets:board"),
            "target": reverse("targets:target-detail", args=[target.pk]),
            "department": reverse("tasks:department-detail", args=[cooperator.pk]),
        }.items():
            response = client.get(url)
            assert response.status_code == 200, (role, name)
            pages[f"{role} {name}"] = response.content.decode()
        export = client.get(reverse("targets:export"))
        book = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content)))
        rows = book.active.iter_rows(values_only=True)
        values = [cell for row in rows for cell in row]
        pages[f"{role} export"] = SHOWN if Decimal(VALUE) in values else ""
        client.logout()
    return pages


def assert_counted(client, users, target, counted: bool) -> None:
    for name, page in outside_pages(client, users, target).items():
        assert (SHOWN in page) is counted, name


@pytest.mark.django_db
def test_a_draft_value_counts_nowhere_outside_until_approved(
    client, users, target, lead_report
):
    assert_counted(client, users, target, counted=False)
    report_transition(report=lead_report, action="submit", actor=users["reporter"])
    assert_counted(client, users, target, counted=False)
    report_transition(report=lead_report, action="approve", actor=users["reviewer"])
    assert_counted(client, users, target, counted=True)


@pytest.mark.django_db
def test_the_department_keeps_its_typed_value_in_its_own_form(
    client, users, target, lead_report
):
    client.force_login(users["leader"])
    page = client.get(reverse("dispatch:report-edit", args=[lead_report.pk]))
    assert page.context["form"][f"target_{target.pk}"].value() == Decimal(VALUE)


@pytest.mark.django_db
def test_a_reopened_report_stops_counting_until_approved_again(
    client, period, users, target, lead_report
):
    report_transition(report=lead_report, action="submit", actor=users["reporter"])
    report_transition(report=lead_report, action="approve", actor=users["reviewer"])
    period_close(period=period)
    report_transition(
        report=lead_report, action="reopen", actor=users["reviewer"], reason="核对"
    )
    assert ProgressReport.objects.get(pk=lead_report.pk).state == ReportState.RETURNED
    assert_counted(client, users, target, counted=False)
    report_transition(report=lead_report, action="submit", actor=users["reporter"])
    report_transition(report=lead_report, action="approve", actor=users["reviewer"])
    assert_counted(client, users, target, counted=True)


@pytest.mark.django_db
def test_returned_report_value_does_not_count(client, users, target, lead_report):
    report_transition(report=lead_report, action="submit", actor=users["reporter"])
    report_transition(
        report=lead_report, action="return", actor=users["reviewer"], reason="补充"
    )
    assert_counted(client, users, target, counted=False)


@pytest.mark.django_db
def test_reviewer_and_imported_readings_count_at_once(users, target):
    entered = reading_record(
        target=target,
        value="100",
        as_of=datetime.date(2025, 3, 31),
        source=ReadingSource.REVIEWER,
        actor=users["reviewer"],
    )
    imported = reading_record(
        target=target,
        value="150",
        as_of=datetime.date(2025, 5, 31),
        source=ReadingSource.IMPORT,
    )
    assert set(counted_readings()) == {entered, imported}


@pytest.mark.django_db
def test_reviewer_sees_the_pending_value_on_the_report_labelled(
    client, users, target, lead_report
):
    report_transition(report=lead_report, action="submit", actor=users["reporter"])
    client.force_login(users["reviewer"])
    url = reverse("dispatch:report-detail", args=[lead_report.pk])
    page = client.get(url).content.decode()
    assert f'{SHOWN} <span class="badge">待审核</span>' in page
    report_transition(report=lead_report, action="approve", actor=users["reviewer"])
    page = client.get(url).content.decode()
    assert f'{SHOWN} <span class="badge">已计入目标进展</span>' in page
