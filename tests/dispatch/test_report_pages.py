"""Every report URL requested by each role, with its own department's
object and another department's: the expected answer for each."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dispatch.models import Evidence, ProgressReport, ReportState
from dispatch.services import evidence_add, report_transition
from tests.conftest import fill

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def report_of(period, task_number, department_name):
    return ProgressReport.objects.get(
        period=period, task__number=task_number, department__name=department_name
    )


@pytest.fixture
def objects(period, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    own = report_of(period, 1, "贵溪市人民政府")
    other = report_of(period, 18, "市教育局")  # 贵溪市 shares no row 18
    fill(own, users["reporter"])
    evidence = evidence_add(
        report=own,
        upload=SimpleUploadedFile("培训签到表.pdf", PDF),
        actor=users["reporter"],
    )
    fill(other, users["other_department"])
    other_evidence = evidence_add(
        report=other,
        upload=SimpleUploadedFile("招生计划.pdf", PDF),
        actor=users["other_department"],
    )
    return {
        "own": own,
        "other": other,
        "evidence": evidence,
        "other_evidence": other_evidence,
    }


# (role, which object) → expected status of GET report-detail / report-edit /
# evidence download. "own" is 贵溪市's report, "other" 市教育局's draft.
DETAIL = {
    ("reporter", "own"): 200,
    ("leader", "own"): 200,
    ("reviewer", "own"): 200,
    ("sysadmin", "own"): 404,
    ("other_department", "own"): 404,
    ("reporter", "other"): 404,
    ("leader", "other"): 404,
    ("reviewer", "other"): 200,
    ("other_department", "other"): 200,
}
EDIT = {**DETAIL, ("reviewer", "own"): 404, ("reviewer", "other"): 404}


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "which"), list(DETAIL))
def test_report_detail_edit_and_evidence_by_role(client, objects, users, role, which):
    client.force_login(users[role])
    report = objects[which]
    evidence = objects["evidence" if which == "own" else "other_evidence"]
    detail = client.get(reverse("dispatch:report-detail", args=[report.pk]))
    assert detail.status_code == DETAIL[role, which]
    edit = client.get(reverse("dispatch:report-edit", args=[report.pk]))
    assert edit.status_code == EDIT[role, which]
    download = client.get(reverse("dispatch:evidence-download", args=[evidence.pk]))
    assert download.status_code == DETAIL[role, which]
    if download.status_code == 200:
        assert b"".join(download.streaming_content) == PDF
        assert "attachment" in download["Content-Disposition"]


@pytest.mark.django_db
def test_anonymous_is_sent_to_login_from_every_report_url(client, objects):
    report, evidence = objects["own"], objects["evidence"]
    for url in [
        reverse("home"),
        reverse("dispatch:my-tasks"),
        reverse("dispatch:review-queue"),
        reverse("dispatch:period-list"),
        reverse("dispatch:report-detail", args=[report.pk]),
        reverse("dispatch:report-edit", args=[report.pk]),
        reverse("dispatch:evidence-download", args=[evidence.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login/" in response["Location"], url


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("reporter", 200),
        ("leader", 200),
        ("other_department", 200),
        ("reviewer", 403),
        ("sysadmin", 403),
    ],
)
def test_my_tasks_page_is_for_department_users(client, objects, users, role, expected):
    client.force_login(users[role])
    assert client.get(reverse("dispatch:my-tasks")).status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("reviewer", 200),
        ("reporter", 403),
        ("leader", 403),
        ("other_department", 403),
        ("sysadmin", 403),
    ],
)
def test_review_and_period_pages_are_for_the_reviewer(
    client, objects, users, role, expected
):
    client.force_login(users[role])
    assert client.get(reverse("dispatch:review-queue")).status_code == expected
    assert client.get(reverse("dispatch:period-list")).status_code == expected
    period = objects["own"].period
    close = client.post(reverse("dispatch:period-action", args=[period.pk, "close"]))
    assert close.status_code == (302 if expected == 200 else 403)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "landing"),
    [
        ("reporter", "dispatch:my-tasks"),
        ("reviewer", "dispatch:dashboard"),
        ("sysadmin", "tasks:task-list"),
    ],
)
def test_home_sends_each_role_to_its_first_page(client, users, role, landing):
    client.force_login(users[role])
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse(landing)


@pytest.mark.django_db
def test_my_tasks_lists_own_reports_overdue_first(client, policy, users):
    import datetime

    from django.utils import timezone

    from dispatch.services import period_open

    past = timezone.localdate() - datetime.timedelta(days=3)
    period = period_open(year=2024, month=6, deadline=past)
    done = report_of(period, 1, "贵溪市人民政府")
    fill(done, users["reporter"])
    report_transition(report=done, action="submit", actor=users["reporter"])
    client.force_login(users["reporter"])
    response = client.get(reverse("dispatch:my-tasks"), {"period": period.pk})
    reports = response.context["reports"]
    assert {r.department.name for r in reports} == {"贵溪市人民政府"}
    assert reports[-1].pk == done.pk
    assert all(r.is_overdue for r in reports[:-1])
    assert response.context["overdue_count"] == len(reports) - 1


@pytest.mark.django_db
def test_other_department_sees_only_sent_in_reports_of_shared_tasks(
    client, period, users
):
    shared = report_of(period, 1, "贵溪市人民政府")  # 市教育局 is on task 1
    unshared = report_of(period, 2, "贵溪市人民政府")  # but not on task 2
    for report in (shared, unshared):
        fill(report, users["reporter"])
    client.force_login(users["other_department"])
    url = reverse("dispatch:report-detail", args=[shared.pk])
    unshared_url = reverse("dispatch:report-detail", args=[unshared.pk])
    assert client.get(url).status_code == 404  # a draft
    for report in (shared, unshared):
        report_transition(report=report, action="submit", actor=users["reporter"])
    assert client.get(url).status_code == 200  # submitted to the 人社局
    for report in (shared, unshared):
        report_transition(report=report, action="approve", actor=users["reviewer"])
    assert client.get(url).status_code == 200
    assert client.get(unshared_url).status_code == 404


@pytest.mark.django_db
def test_reporter_writes_and_submits_through_the_form(client, period, users):
    report = report_of(period, 3, "贵溪市人民政府")
    client.force_login(users["reporter"])
    response = client.post(
        reverse("dispatch:report-edit", args=[report.pk]),
        {
            "version": report.version,
            "progress": "规上铜企业达到 215 家。",
            "problems": "",
            "next_steps": "继续培育。",
            "proposed_status": "on_track",
            "completion": "80",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert report.completion == 80


@pytest.mark.django_db
def test_stale_form_is_refused_with_the_name_of_who_saved_first(client, period, users):
    report = report_of(period, 3, "贵溪市人民政府")
    opened_version = report.version  # the reporter opens the form here
    fill(report, users["leader"], progress="负责人先改了。")
    client.force_login(users["reporter"])
    response = client.post(
        reverse("dispatch:report-edit", args=[report.pk]),
        {"version": opened_version, "progress": "我的修改", "proposed_status": ""},
    )
    assert response.status_code == 400
    assert "已被leader于" in response.content.decode()
    report.refresh_from_db()
    assert report.progress == "负责人先改了。"


@pytest.mark.django_db
def test_move_of_another_departments_report_is_404(client, objects, users):
    client.force_login(users["other_department"])
    url = reverse("dispatch:report-move", args=[objects["own"].pk, "submit"])
    assert client.post(url).status_code == 404
    client.force_login(users["reporter"])
    upload = reverse("dispatch:evidence-upload", args=[objects["other"].pk])
    pdf = SimpleUploadedFile("x.pdf", PDF)
    assert client.post(upload, {"file": pdf}).status_code == 404
    delete = reverse("dispatch:evidence-delete", args=[objects["other_evidence"].pk])
    assert client.post(delete).status_code == 404
    assert Evidence.objects.count() == 2


@pytest.mark.django_db
def test_reviewer_approves_through_the_page(client, objects, users):
    report = objects["own"]
    report_transition(report=report, action="submit", actor=users["reporter"])
    client.force_login(users["reviewer"])
    detail = client.get(reverse("dispatch:report-detail", args=[report.pk]))
    assert [m[0] for m in detail.context["moves"]] == ["approve", "return"]
    response = client.post(reverse("dispatch:report-move", args=[report.pk, "approve"]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED


@pytest.mark.django_db
def test_refused_move_shows_its_message(client, objects, users):
    client.force_login(users["reviewer"])
    report = objects["own"]  # still a draft
    response = client.post(
        reverse("dispatch:report-move", args=[report.pk, "approve"]), follow=True
    )
    assert "报告当前为“草稿”,不能执行“审核通过”。" in response.content.decode()
