"""A submit that is refused keeps the person where the fix is made: on the
form, with what was typed and the reason."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from dispatch.models import ProgressReport, ReportState

GUIXI = "贵溪市人民政府"


@pytest.fixture
def report(period):
    return ProgressReport.objects.get(
        period=period, task__number=1, department__name=GUIXI
    )


@pytest.mark.django_db
def test_refused_submit_from_the_form_stays_on_it_with_the_reason(
    client, users, report
):
    client.force_login(users["reporter"])
    url = reverse("dispatch:report-edit", args=[report.pk])
    response = client.post(
        url,
        {
            "version": report.version,
            "progress": "",
            "problems": "培训场地不足。",
            "proposed_status": "",
            "submit": "1",
        },
    )
    assert response.status_code == 400
    assert response.templates[0].name == "dispatch/report_edit.html"
    text = response.content.decode()
    assert "已保存为草稿,但未能提交:提交前请填写:本月进展、进度判断。" in text
    assert "培训场地不足。" in text
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT
    assert report.problems == "培训场地不足。"
    # The form carries the version just saved: fixing it and sending again
    # is not taken for somebody else's edit.
    assert response.context["form"]["version"].value() == report.version
    response = client.post(
        url,
        {
            "version": report.version,
            "progress": "本月培训 200 人次。",
            "problems": "培训场地不足。",
            "proposed_status": "on_track",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


@pytest.mark.django_db
def test_refused_submit_from_the_report_page_leads_to_the_form(client, users, report):
    client.force_login(users["reporter"])
    response = client.post(reverse("dispatch:report-move", args=[report.pk, "submit"]))
    assert response["Location"] == reverse("dispatch:report-edit", args=[report.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "提交前请填写:本月进展、进度判断。"
    ]
