"""Periods, the report state graph, sign-off, reopening, concurrent edits."""

import datetime

import pytest
from django.utils import timezone

from dispatch.models import PeriodStatus, ProgressReport, ReportState, ReportTransition
from dispatch.services import (
    ConcurrentEdit,
    ReportError,
    period_close,
    period_open,
    report_save,
    report_transition,
)
from tasks.models import Department, Responsibility, Role
from tests.conftest import fill


def report_of(period, task_number, department_name):
    return ProgressReport.objects.get(
        period=period, task__number=task_number, department__name=department_name
    )


@pytest.mark.django_db
def test_opening_a_period_gives_each_responsible_department_a_draft(period):
    reports = ProgressReport.objects.filter(period=period)
    assert set(reports.values_list("state", flat=True)) == {ReportState.DRAFT}
    # Task 17 names three departments and the group of six districts.
    task_17 = reports.filter(task__number=17)
    assert sorted(task_17.values_list("department__name", flat=True)) == sorted(
        [
            "市人社局",
            "市商务局",
            "市市场监管局",
            "月湖区人民政府",
            "余江区人民政府",
            "贵溪市人民政府",
            "信江新区管委会",
            "高新区管委会",
            "龙虎山景区管委会",
        ]
    )
    assert task_17.get(department__name="贵溪市人民政府").role == Role.COOPERATING
    # 12类产业链牵头单位 has no listed members, so it files nothing itself.
    assert not reports.filter(department__kind="group").exists()
    # A department named directly keeps its own role over its group's.
    assert report_of(period, 1, "贵溪市人民政府").role == Role.LEAD


@pytest.mark.django_db
def test_opening_again_adds_only_missing_drafts(period):
    before = ProgressReport.objects.filter(period=period).count()
    again = period_open(year=period.year, month=period.month)
    assert again.pk == period.pk
    assert ProgressReport.objects.filter(period=period).count() == before


@pytest.mark.django_db
def test_submit_approve_return_and_resubmit_record_who_when_why(period, users):
    reporter, reviewer = users["reporter"], users["reviewer"]
    report = report_of(period, 1, "贵溪市人民政府")
    fill(report, reporter)
    report = report_transition(report=report, action="submit", actor=reporter)
    assert report.state == ReportState.SUBMITTED
    assert report.submitted_at is not None
    assert report.is_late is False

    report = report_transition(
        report=report, action="return", actor=reviewer, reason="请补充培训人数来源"
    )
    assert report.state == ReportState.RETURNED
    report = fill(report, reporter, progress="补充:人数来自实名制培训系统。")
    report = report_transition(report=report, action="submit", actor=reporter)
    report = report_transition(report=report, action="approve", actor=reviewer)
    assert report.state == ReportState.APPROVED

    history = list(
        ReportTransition.objects.filter(report=report).values_list(
            "from_state", "to_state", "actor__username", "reason"
        )
    )
    assert history == [
        ("draft", "submitted", "reporter", ""),
        ("submitted", "returned", "reviewer", "请补充培训人数来源"),
        ("returned", "submitted", "reporter", ""),
        ("submitted", "approved", "reviewer", ""),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "action", "message"),
    [
        ("draft", "approve", "报告当前为“草稿”,不能执行“审核通过”。"),
        ("draft", "return", "报告当前为“草稿”,不能执行“退回修改”。"),
        ("approved", "submit", "报告当前为“已审核”,不能执行“提交”。"),
        ("approved", "approve", "报告当前为“已审核”,不能执行“审核通过”。"),
        ("submitted", "submit", "报告当前为“已报送”,不能执行“提交”。"),
    ],
)
def test_moves_outside_the_graph_are_refused(period, users, state, action, message):
    report = report_of(period, 1, "贵溪市人民政府")
    ProgressReport.objects.filter(pk=report.pk).update(
        state=state, progress="x", proposed_status="on_track"
    )
    report.refresh_from_db()
    actor = users["reviewer"] if action in ("approve", "return") else users["reporter"]
    with pytest.raises(ReportError) as error:
        report_transition(report=report, action=action, actor=actor, reason="理由")
    assert str(error.value) == message
    report.refresh_from_db()
    assert report.state == state
    assert not ReportTransition.objects.filter(report=report).exists()


@pytest.mark.django_db
def test_submit_needs_progress_and_status(period, users):
    report = report_of(period, 1, "贵溪市人民政府")
    with pytest.raises(ReportError, match="提交前请填写:本月进展、进度判断。"):
        report_transition(report=report, action="submit", actor=users["reporter"])


@pytest.mark.django_db
def test_return_needs_a_reason(period, users):
    report = report_of(period, 1, "贵溪市人民政府")
    fill(report, users["reporter"])
    report_transition(report=report, action="submit", actor=users["reporter"])
    with pytest.raises(ReportError, match="“退回修改”须填写理由。"):
        report_transition(report=report, action="return", actor=users["reviewer"])


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["reporter", "leader", "other_department", "sysadmin"])
def test_only_the_reviewer_approves(period, users, role):
    report = report_of(period, 1, "贵溪市人民政府")
    fill(report, users["reporter"])
    report_transition(report=report, action="submit", actor=users["reporter"])
    with pytest.raises(ReportError, match="没有对这份报告执行“审核通过”的权限"):
        report_transition(report=report, action="approve", actor=users[role])


@pytest.mark.django_db
def test_cooperating_department_cannot_write_or_submit_the_lead_report(period, users):
    from accounts.roles import RoleName
    from accounts.services import user_create

    cooperating = user_create(
        username="rsj-reporter",
        password="Pass#word123",
        role=RoleName.REPORTER,
        department=Department.objects.get(name="市人社局"),
    )
    lead_report = report_of(period, 1, "贵溪市人民政府")
    with pytest.raises(ReportError):
        fill(lead_report, cooperating)
    with pytest.raises(ReportError):
        report_transition(report=lead_report, action="submit", actor=cooperating)
    # It files its own contribution on the same task instead.
    own = report_of(period, 1, "市人社局")
    assert own.role == Role.COOPERATING
    fill(own, cooperating)
    report_transition(report=own, action="submit", actor=cooperating)


@pytest.mark.django_db
def test_leader_signs_off_before_the_report_reaches_the_reviewer(period, users):
    Department.objects.filter(name="贵溪市人民政府").update(requires_signoff=True)
    report = report_of(period, 2, "贵溪市人民政府")
    fill(report, users["reporter"])
    report = report_transition(report=report, action="submit", actor=users["reporter"])
    assert report.state == ReportState.PENDING_SIGNOFF
    with pytest.raises(ReportError):
        report_transition(report=report, action="sign_off", actor=users["reporter"])
    with pytest.raises(ReportError, match="须填写理由"):
        report_transition(report=report, action="decline", actor=users["leader"])
    report = report_transition(
        report=report, action="decline", actor=users["leader"], reason="数字再核一下"
    )
    assert report.state == ReportState.RETURNED
    report = report_transition(report=report, action="submit", actor=users["reporter"])
    report = report_transition(report=report, action="sign_off", actor=users["leader"])
    assert report.state == ReportState.SUBMITTED


@pytest.mark.django_db
def test_leader_submitting_directly_needs_no_sign_off(period, users):
    Department.objects.filter(name="贵溪市人民政府").update(requires_signoff=True)
    report = report_of(period, 3, "贵溪市人民政府")
    fill(report, users["leader"])
    report = report_transition(report=report, action="submit", actor=users["leader"])
    assert report.state == ReportState.SUBMITTED


@pytest.mark.django_db
def test_after_close_a_report_changes_only_when_the_reviewer_reopens_it(period, users):
    reporter, reviewer = users["reporter"], users["reviewer"]
    report = report_of(period, 1, "贵溪市人民政府")
    fill(report, reporter)
    report_transition(report=report, action="submit", actor=reporter)
    report_transition(report=report, action="approve", actor=reviewer)
    draft = report_of(period, 2, "贵溪市人民政府")

    with pytest.raises(ReportError, match="填报期仍在开放"):
        report_transition(report=report, action="reopen", actor=reviewer, reason="x")
    period_close(period=period, actor=reviewer)
    assert period.status == PeriodStatus.CLOSED
    draft.refresh_from_db()
    with pytest.raises(ReportError, match="填报期已截止"):
        fill(draft, reporter)

    report = report_transition(
        report=report, action="reopen", actor=reviewer, reason="数据口径调整,请更新"
    )
    assert report.state == ReportState.RETURNED
    assert report.reopened
    report = fill(report, reporter, progress="按新口径更新。")
    report = report_transition(report=report, action="submit", actor=reporter)
    assert report.state == ReportState.SUBMITTED
    reason = ReportTransition.objects.get(report=report, action="reopen").reason
    assert reason == "数据口径调整,请更新"


@pytest.mark.django_db
def test_late_submission_is_marked_late(policy, users):
    past = timezone.localdate() - datetime.timedelta(days=40)
    period = period_open(
        year=past.year, month=past.month, deadline=past + datetime.timedelta(days=1)
    )
    report = report_of(period, 1, "贵溪市人民政府")
    fill(report, users["reporter"])
    report = report_transition(report=report, action="submit", actor=users["reporter"])
    assert report.is_late


@pytest.mark.django_db
def test_second_save_of_the_same_version_is_refused_naming_the_first(period, users):
    from accounts.roles import RoleName
    from accounts.services import user_create

    colleague = user_create(
        username="gx-2",
        password="Pass#word123",
        role=RoleName.REPORTER,
        department=Department.objects.get(name="贵溪市人民政府"),
        full_name="王小明",
    )
    report = report_of(period, 1, "贵溪市人民政府")
    version = report.version
    report_save(
        report=report,
        data={"progress": "王小明写的内容"},
        expected_version=version,
        actor=colleague,
    )
    stale = report_of(period, 1, "贵溪市人民政府")
    with pytest.raises(ConcurrentEdit, match="已被王小明于.*修改"):
        report_save(
            report=stale,
            data={"progress": "另一个人的内容"},
            expected_version=version,
            actor=users["reporter"],
        )
    stale.refresh_from_db()
    assert stale.progress == "王小明写的内容"
    assert stale.version == version + 1


@pytest.mark.django_db
def test_completion_must_be_a_percentage(period, users):
    report = report_of(period, 1, "贵溪市人民政府")
    with pytest.raises(ReportError, match="完成度须在 0 到 100 之间"):
        fill(report, users["reporter"], completion=120)


@pytest.mark.django_db
def test_every_responsibility_of_a_member_gets_one_report(period):
    members = Department.objects.get(name="各区(市)人民政府、管委会").members.count()
    group_tasks = Responsibility.objects.filter(
        department__name="各区(市)人民政府、管委会"
    ).count()
    assert members == 6
    assert (
        ProgressReport.objects.filter(
            period=period, department__name="龙虎山景区管委会"
        ).count()
        == group_tasks
    )
