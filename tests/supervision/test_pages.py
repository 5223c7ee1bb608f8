"""The supervision pages as people use them: the reviewer drafts a round,
notifies, records a visit and a problem; the department plans, reports,
asks for an extension and for sign-off; the reviewer signs off and looks
back. Errors come back as Chinese messages, never a 500."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from supervision.models import (
    Extension,
    Problem,
    ProblemState,
    Round,
    Visit,
)
from tests.supervision.conftest import pdf

pytestmark = pytest.mark.django_db
S = ProblemState


def test_the_reviewer_creates_a_round_with_its_plan(
    client, users, guixi, education, sup_tasks
):
    client.force_login(users["reviewer"])
    response = client.post(
        reverse("supervision:round-create"),
        {
            "policy": sup_tasks[0].policy_id,
            "title": "2025年上半年督导",
            "year": 2025,
            "half": 1,
            "starts_on": "2025-06-01",
            "ends_on": "2025-06-30",
            "leader": users["reviewer"].pk,
            "members": "张三\n李四",
            "scope": "督导技能人才培养",
            "departments": [guixi.pk, education.pk],
            "tasks": [t.pk for t in sup_tasks],
        },
    )
    round = Round.objects.get()
    assert response.status_code == 302
    assert response["Location"] == round.get_absolute_url()
    assert round.member_names == ["张三", "李四"]
    assert set(round.departments.all()) == {guixi, education}


def test_a_round_ending_before_it_starts_is_refused_in_chinese(
    client, users, guixi, sup_tasks
):
    client.force_login(users["reviewer"])
    response = client.post(
        reverse("supervision:round-create"),
        {
            "policy": sup_tasks[0].policy_id,
            "title": "2025年上半年督导",
            "year": 2025,
            "half": 1,
            "starts_on": "2025-06-30",
            "ends_on": "2025-06-01",
            "departments": [guixi.pk],
        },
    )
    assert response.status_code == 400
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert not Round.objects.exists()


def test_notifying_mails_the_departments_covered_once(
    client, users, guixi, sup_tasks, django_capture_on_commit_callbacks
):
    from supervision import services

    users["reporter"].email = "guixi@example.cn"
    users["reporter"].save()
    round = services.round_create(
        policy=sup_tasks[0].policy,
        title="2025年上半年督导",
        year=2025,
        half=1,
        starts_on=datetime.date(2025, 6, 1),
        ends_on=datetime.date(2025, 6, 30),
        departments=[guixi],
        actor=users["reviewer"],
    )
    client.force_login(users["reviewer"])
    url = reverse("supervision:round-notify", args=[round.pk])
    with django_capture_on_commit_callbacks(execute=True):
        with_mail = client.post(url)
    assert with_mail.status_code == 302
    round.refresh_from_db()
    assert round.notified_at is not None
    assert [m.to for m in mail.outbox] == [["guixi@example.cn"]]
    again = client.post(url, follow=True)
    assert "已于" in again.content.decode()
    assert len(mail.outbox) == 1


def test_the_reviewer_records_a_visit_with_files(client, users, sup_round, guixi):
    client.force_login(users["reviewer"])
    response = client.post(
        reverse("supervision:visit-create", args=[sup_round.pk]),
        {
            "department": guixi.pk,
            "visited_on": "2025-06-10",
            "methods": ["report", "documents"],
            "participants": "贵溪市人社局局长",
            "checked_tasks": [t.pk for t in sup_round.tasks.all()],
            "findings": "培训台账不全。",
            "files": [pdf("座谈记录.pdf")],
        },
    )
    visit = Visit.objects.get()
    assert response["Location"] == visit.get_absolute_url()
    assert visit.method_labels == ["听取汇报", "查阅资料"]
    page = client.get(visit.get_absolute_url()).content.decode()
    assert "座谈记录.pdf" in page
    file = visit.files.get()
    download = client.get(file.get_absolute_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_the_department_sees_its_visit_but_not_the_team_files(
    client, users, sup_round, guixi
):
    from supervision import services

    visit = services.visit_record(
        round=sup_round,
        department=guixi,
        visited_on=datetime.date(2025, 6, 10),
        methods=["site"],
        findings="现场核实发现问题。",
        uploads=[pdf("督导组笔记.pdf")],
        actor=users["reviewer"],
    )
    client.force_login(users["reporter"])
    page = client.get(visit.get_absolute_url()).content.decode()
    assert "现场核实发现问题" in page
    assert "督导组笔记.pdf" not in page
    assert client.get(visit.files.get().get_absolute_url()).status_code == 404


def test_the_visit_page_shows_the_checked_tasks_approved_reports(
    client, users, sup_round, guixi
):
    from dispatch.models import ProgressReport, ReportingPeriod, ReportState
    from supervision import services
    from tasks.models import Role

    task = sup_round.tasks.order_by("number").first()
    period = ReportingPeriod.objects.create(
        year=2025, month=5, deadline=datetime.date(2025, 6, 5)
    )
    ProgressReport.objects.create(
        task=task,
        department=guixi,
        period=period,
        role=Role.LEAD,
        progress="五月培训 300 人次。",
        state=ReportState.APPROVED,
    )
    ProgressReport.objects.create(
        task=task,
        department=guixi,
        period=ReportingPeriod.objects.create(
            year=2025, month=6, deadline=datetime.date(2025, 7, 5)
        ),
        role=Role.LEAD,
        progress="草稿内容不应显示。",
    )
    visit = services.visit_record(
        round=sup_round,
        department=guixi,
        visited_on=datetime.date(2025, 6, 10),
        methods=["documents"],
        checked_tasks=[task],
        actor=users["reviewer"],
    )
    client.force_login(users["reviewer"])
    page = client.get(visit.get_absolute_url()).content.decode()
    assert "五月培训 300 人次" in page
    assert "草稿内容不应显示" not in page


def test_one_problem_from_finding_to_sign_off_and_back_through_recheck(
    client, users, sup_round, guixi, education
):
    reviewer, reporter = users["reviewer"], users["reporter"]
    client.force_login(reviewer)
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    response = client.post(
        reverse("supervision:problem-create", args=[sup_round.pk]),
        {
            "department": guixi.pk,
            "cooperating": [education.pk],
            "category": "data",
            "description": "培训人数与台账不符。",
            "tasks": [sup_round.tasks.first().pk],
            "requirement": "核实数据。",
            "kind": "deadline",
            "deadline": deadline.isoformat(),
            "source": "半年督导",
        },
    )
    problem = Problem.objects.get()
    assert response["Location"] == problem.get_absolute_url()
    assert problem.number == 1

    client.force_login(reporter)
    client.post(
        reverse("supervision:problem-plan", args=[problem.pk]),
        {"responsible": "王五", "measures": "逐月核对台账。", "version": 0},
    )
    client.post(
        reverse("supervision:problem-progress", args=[problem.pk]),
        {"text": "已核对 1—5 月台账。", "files": [pdf()]},
    )
    client.post(
        reverse("supervision:extension-request", args=[problem.pk]),
        {
            "new_deadline": (deadline + datetime.timedelta(days=10)).isoformat(),
            "reason": "等待市财政局数据。",
        },
    )
    client.post(reverse("supervision:problem-move", args=[problem.pk, "request"]))
    problem.refresh_from_db()
    assert problem.state == S.REQUESTED

    client.force_login(reviewer)
    extension = Extension.objects.get()
    client.post(reverse("supervision:extension-decide", args=[extension.pk, "grant"]))
    client.post(reverse("supervision:problem-move", args=[problem.pk, "sign_off"]))
    client.post(
        reverse("supervision:problem-move", args=[problem.pk, "reopen"]),
        {"reason": "回头看发现数据再次不符。"},
    )
    problem.refresh_from_db()
    assert problem.state == S.REOPENED
    assert problem.deadline == deadline + datetime.timedelta(days=10)
    page = client.get(problem.get_absolute_url()).content.decode()
    assert "回头看发现数据再次不符" in page
    assert "已核对 1—5 月台账" in page
    assert list(problem.transitions.values_list("action", flat=True)) == [
        "plan",
        "request",
        "sign_off",
        "reopen",
    ]
    # The history names each move in Chinese, as the graph does.
    for label in ("提交整改方案", "申请销号", "回头看:重新整改"):
        assert f'<td data-label="操作">{label}</td>' in page


def test_a_refused_move_comes_back_as_a_message(client, users, make_problem):
    problem = make_problem(S.PLANNED)
    client.force_login(users["reporter"])
    response = client.post(
        reverse("supervision:problem-move", args=[problem.pk, "request"]),
        follow=True,
    )
    assert response.status_code == 200
    assert "申请销号须附整改佐证材料" in response.content.decode()


def test_a_bad_extension_date_is_a_message_not_an_error(client, users, make_problem):
    problem = make_problem(S.PLANNED)
    client.force_login(users["reporter"])
    response = client.post(
        reverse("supervision:extension-request", args=[problem.pk]),
        {"new_deadline": "明年", "reason": "x"},
        follow=True,
    )
    assert response.status_code == 200
    assert "请填写申请延至的日期" in response.content.decode()


def test_the_problem_list_filters_by_state_department_and_overdue(
    client, users, make_problem, education
):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    late = make_problem(S.PLANNED, deadline=yesterday, description="逾期的问题")
    make_problem(S.SIGNED_OFF, deadline=yesterday, description="已销号的问题")
    make_problem(department=education, description="教育局的问题")
    client.force_login(users["reviewer"])
    url = reverse("supervision:problem-list")
    overdue = client.get(url, {"overdue": "on"}).content.decode()
    assert "逾期的问题" in overdue
    assert "已销号的问题" not in overdue
    by_state = client.get(url, {"state": "signed_off"}).content.decode()
    assert "已销号的问题" in by_state and "逾期的问题" not in by_state
    by_department = client.get(url, {"department": education.pk}).content.decode()
    assert "教育局的问题" in by_department and "逾期的问题" not in by_department
    assert late.get_absolute_url() in overdue


def test_the_menu_has_the_supervision_entry_for_team_and_departments(client, users):
    for role, shown in (("reviewer", True), ("reporter", True), ("sysadmin", False)):
        client.force_login(users[role])
        page = client.get(reverse("tasks:task-list")).content.decode()
        assert ("督导整改" in page) is shown, role
