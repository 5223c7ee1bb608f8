"""What one department may read of another's reports on a task they share:
what has been sent to the 人社局 (submitted or approved), never a draft, a
report waiting for its leader's sign-off, or one returned for changes. Its
own reports it reads in every state."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from dispatch.models import ProgressReport, ReportState
from dispatch.services import period_close, report_transition
from tasks.models import Department
from tests.conftest import fill

COOPERATOR_TEXT = "市教育局本月合作内容:开设铜加工专业班。"
LEAD_TEXT = "贵溪市本月牵头内容草稿:筹备铜产业培训。"


@pytest.fixture(autouse=True)
def frozen_clock():
    """Mid-month, inside the policy's years and before the deadline."""
    at = datetime.datetime(2025, 6, 12, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(at, tick=False):
        yield


def report_of(period, department_name, task_number=1):
    return ProgressReport.objects.get(
        period=period, task__number=task_number, department__name=department_name
    )


def put_in_state(report, state, users):
    """Move 市教育局's written report on task 1 into ``state``."""
    author = users["other_department"]
    fill(report, author, progress=COOPERATOR_TEXT)
    if state == ReportState.DRAFT:
        return
    if state == ReportState.PENDING_SIGNOFF:
        Department.objects.filter(pk=report.department_id).update(requires_signoff=True)
        report_transition(report=report, action="submit", actor=author)
        return
    report_transition(report=report, action="submit", actor=author)
    if state == ReportState.RETURNED:
        report_transition(
            report=report, action="return", actor=users["reviewer"], reason="请补充"
        )
    elif state == ReportState.APPROVED:
        report_transition(report=report, action="approve", actor=users["reviewer"])


def lead_pages(client, period, users) -> dict[str, str]:
    """The pages where 贵溪市, leading task 1, might read its cooperators."""
    lead = report_of(period, "贵溪市人民政府")
    client.force_login(users["reporter"])
    urls = {
        "report": reverse("dispatch:report-detail", args=[lead.pk]),
        "edit": reverse("dispatch:report-edit", args=[lead.pk]),
        "task": reverse("tasks:task-detail", args=[lead.task_id]),
        "cooperator_department": reverse(
            "tasks:department-detail",
            args=[Department.objects.get(name="市教育局").pk],
        ),
    }
    pages = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        pages[name] = response.content.decode()
    return pages


@pytest.mark.django_db
@pytest.mark.parametrize(
    "state", [ReportState.DRAFT, ReportState.PENDING_SIGNOFF, ReportState.RETURNED]
)
def test_cooperating_department_work_in_progress_stays_out_of_the_lead_pages(
    client, period, users, state
):
    cooperator = report_of(period, "市教育局")
    put_in_state(cooperator, state, users)
    assert ProgressReport.objects.get(pk=cooperator.pk).state == state
    for name, page in lead_pages(client, period, users).items():
        assert COOPERATOR_TEXT not in page, name
    detail = client.get(reverse("dispatch:report-detail", args=[cooperator.pk]))
    assert detail.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("state", [ReportState.SUBMITTED, ReportState.APPROVED])
def test_lead_reads_what_its_cooperators_have_sent_in(client, period, users, state):
    cooperator = report_of(period, "市教育局")
    put_in_state(cooperator, state, users)
    pages = lead_pages(client, period, users)
    assert COOPERATOR_TEXT in pages["report"]
    assert COOPERATOR_TEXT in pages["edit"]
    detail = client.get(reverse("dispatch:report-detail", args=[cooperator.pk]))
    assert detail.status_code == 200
    assert COOPERATOR_TEXT in detail.content.decode()


@pytest.mark.django_db
def test_a_report_reopened_after_approval_leaves_the_other_departments_view(
    client, period, users
):
    cooperator = report_of(period, "市教育局")
    put_in_state(cooperator, ReportState.APPROVED, users)
    period_close(period=period)
    report_transition(
        report=cooperator, action="reopen", actor=users["reviewer"], reason="数字有误"
    )
    assert COOPERATOR_TEXT not in lead_pages(client, period, users)["report"]


@pytest.mark.django_db
def test_cooperator_does_not_read_the_lead_draft(client, period, users):
    lead = report_of(period, "贵溪市人民政府")
    fill(lead, users["reporter"], progress=LEAD_TEXT)
    own = report_of(period, "市教育局")
    client.force_login(users["other_department"])
    for url in (
        reverse("dispatch:report-detail", args=[own.pk]),
        reverse("dispatch:report-edit", args=[own.pk]),
    ):
        assert LEAD_TEXT not in client.get(url).content.decode()
    assert (
        client.get(reverse("dispatch:report-detail", args=[lead.pk])).status_code == 404
    )


@pytest.mark.django_db
def test_a_department_reads_its_own_drafts(client, period, users):
    lead = report_of(period, "贵溪市人民政府")
    fill(lead, users["reporter"], progress=LEAD_TEXT)
    client.force_login(users["leader"])  # a colleague of the author
    page = client.get(reverse("dispatch:report-detail", args=[lead.pk]))
    assert LEAD_TEXT in page.content.decode()
    cooperator = report_of(period, "市教育局")
    fill(cooperator, users["other_department"], progress=COOPERATOR_TEXT)
    client.force_login(users["other_department"])
    page = client.get(reverse("dispatch:report-detail", args=[cooperator.pk]))
    assert COOPERATOR_TEXT in page.content.decode()


@pytest.mark.django_db
def test_reviewer_reads_every_department_in_every_state(client, period, users):
    cooperator = report_of(period, "市教育局")
    put_in_state(cooperator, ReportState.DRAFT, users)
    lead = report_of(period, "贵溪市人民政府")
    client.force_login(users["reviewer"])
    page = client.get(reverse("dispatch:report-detail", args=[lead.pk]))
    assert COOPERATOR_TEXT in page.content.decode()


@pytest.mark.django_db
def test_cooperator_evidence_opens_to_the_lead_only_once_sent_in(
    client, period, users, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dispatch.services import evidence_add

    settings.MEDIA_ROOT = tmp_path
    cooperator = report_of(period, "市教育局")
    fill(cooperator, users["other_department"], progress=COOPERATOR_TEXT)
    evidence = evidence_add(
        report=cooperator,
        upload=SimpleUploadedFile("签到表.pdf", b"%PDF-1.4\n%%EOF\n"),
        actor=users["other_department"],
    )
    client.force_login(users["reporter"])
    url = reverse("dispatch:evidence-download", args=[evidence.pk])
    assert client.get(url).status_code == 404
    report_transition(
        report=cooperator, action="submit", actor=users["other_department"]
    )
    assert client.get(url).status_code == 200
