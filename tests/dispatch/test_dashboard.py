"""The reviewer's 月调度 dashboard: who may see it, that its numbers follow
the reports through their workflow, its late list and urge buttons, the
task × month board, the chart data, and that its query count does not grow
with the data."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import RoleName
from accounts.services import user_create
from dispatch.models import ProgressReport, ReportState
from dispatch.selectors.dashboard import board_key
from dispatch.services import period_open, report_transition, urge_create
from tasks.models import Department, Policy, Role, Task
from tasks.selectors import default_policy
from tests.conftest import fill
from tests.factories import (
    KeyTaskFactory,
    PolicyFactory,
    ResponsibilityFactory,
    TaskFactory,
    make_dispatch_data,
)

GUIXI = "贵溪市人民政府"
GAOXIN = "高新区管委会"
URL = reverse("dispatch:dashboard")
# The real annex gives 2025's March 270 reports, 21 of them 贵溪市's.
REPORTS_PER_MONTH = 270
GUIXI_REPORTS = 21


def ahead(days: int = 10) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def ago(days: int = 3) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def report_of(period, task_number, department_name):
    return ProgressReport.objects.get(
        period=period, task__number=task_number, department__name=department_name
    )


def submit(report, user, **values):
    fill(report, user, **values)
    return report_transition(report=report, action="submit", actor=user)


def page(client, period=None):
    response = client.get(URL, {"period": period.pk} if period else {})
    assert response.status_code == 200
    return response


def row_of(response, name):
    rows = [d for d in response.context["departments"] if d.name == name]
    return rows[0] if rows else None


@pytest.fixture
def march(policy):
    """March 2025 of the real policy, its deadline still ahead."""
    return period_open(year=2025, month=3, deadline=ahead())


@pytest.fixture
def worked(march, users):
    """贵溪市 has submitted every report in time; the reviewer approved
    task 1 (on track) and task 2 (seriously behind) and returned task 3."""
    for report in ProgressReport.objects.filter(
        period=march, department__name=GUIXI
    ).select_related("task"):
        status = "behind" if report.task.number == 2 else "on_track"
        submit(report, users["reporter"], proposed_status=status)
    reviewer = users["reviewer"]
    for number in (1, 2):
        report_transition(
            report=report_of(march, number, GUIXI), action="approve", actor=reviewer
        )
    report_transition(
        report=report_of(march, 3, GUIXI),
        action="return",
        actor=reviewer,
        reason="请补充培训签到表和取证名单。",
    )
    return march


# Who sees it


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
def test_only_the_reviewer_opens_the_dashboard(client, march, users, role, expected):
    client.force_login(users[role])
    assert client.get(URL).status_code == expected
    assert client.get(URL, {"period": march.pk}).status_code == expected


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login(client, march):
    response = client.get(URL, {"period": march.pk})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_without_any_period_the_dashboard_invites_to_open_one(client, users):
    client.force_login(users["reviewer"])
    response = page(client)
    assert response.context.get("period") is None
    text = response.content.decode()
    assert "还没有填报期" in text
    assert f'href="{reverse("dispatch:period-list")}"' in text
    assert 'id="dashboard-data"' not in text


@pytest.mark.django_db
@pytest.mark.parametrize("wanted", ["999999", "abc", "-1"])
def test_unknown_period_answers_404(client, march, users, wanted):
    client.force_login(users["reviewer"])
    assert client.get(URL, {"period": wanted}).status_code == 404


@pytest.mark.django_db
def test_default_period_is_the_current_one_and_the_selector_lists_all(
    client, march, users
):
    february = period_open(year=2025, month=2, deadline=ago(30))
    client.force_login(users["reviewer"])
    response = page(client)
    assert response.context["period"] == march
    text = response.content.decode()
    assert f'<option value="{march.pk}" selected>2025年3月(填报中)</option>' in text
    assert f'<option value="{february.pk}">2025年2月(填报中)</option>' in text
    assert page(client, february).context["period"] == february


# The policy switcher

SECOND = "第二份政策的工作要求:到2026年完成测试任务。"


@pytest.fixture
def second(march):
    """A second policy with one task that 贵溪市 leads, in March too."""
    second = PolicyFactory(number="鹰人社字〔2025〕9号", title="第二份政策")
    task = TaskFactory(
        key_task=KeyTaskFactory(policy=second), number=1, requirement=SECOND
    )
    ResponsibilityFactory(task=task, department=Department.objects.get(name=GUIXI))
    period_open(year=2025, month=3, deadline=ahead())
    return second


@pytest.mark.django_db
def test_dashboard_shows_the_policy_with_most_tasks_by_default(client, second, users):
    client.force_login(users["reviewer"])
    response = page(client)
    real = Policy.objects.exclude(pk=second.pk).get()
    assert response.context["policy"] == real
    assert len(response.context["board"]) == 40
    assert response.context["counts"].expected == REPORTS_PER_MONTH
    text = response.content.decode()
    assert SECOND not in text
    assert '<select name="policy" id="dash-policy">' in text
    assert f'<option value="{real.pk}" selected>' in text
    assert f'<option value="{second.pk}">鹰人社字〔2025〕9号 第二份政策(1 项)' in text


@pytest.mark.django_db
def test_second_policy_tasks_appear_only_when_chosen(client, second, users):
    client.force_login(users["reviewer"])
    response = client.get(URL, {"policy": second.pk})
    assert response.status_code == 200
    assert response.context["policy"] == second
    (row,) = response.context["board"]
    assert row.task.requirement == SECOND
    assert row.cells[2].key == "draft"
    report = ProgressReport.objects.get(task=row.task)
    text = response.content.decode()
    assert SECOND in text
    assert reverse("dispatch:report-detail", args=[report.pk]) in text
    assert f'<option value="{second.pk}" selected>' in text
    # Every block counts the chosen policy's reports only.
    assert response.context["counts"].expected == 1
    assert [(d.name, d.expected) for d in response.context["departments"]] == [
        (GUIXI, 1)
    ]
    assert response.context["months"][2].expected == 1


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
def test_only_the_reviewer_switches_policy(client, second, users, role, expected):
    client.force_login(users[role])
    assert client.get(URL, {"policy": second.pk}).status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize("wanted", ["abc", "-1", "1_0", "１", "0"])
def test_unreadable_policy_answers_400_in_chinese(client, second, users, wanted):
    client.force_login(users["reviewer"])
    response = client.get(URL, {"policy": wanted})
    assert response.status_code == 400
    assert "政策文件(参数 policy)应为编号" in response.content.decode()


@pytest.mark.django_db
def test_unknown_policy_answers_404(client, second, users):
    client.force_login(users["reviewer"])
    assert client.get(URL, {"policy": 999999}).status_code == 404


@pytest.mark.django_db
def test_repealed_policy_is_not_the_default(second):
    real = Policy.objects.exclude(pk=second.pk).get()
    real.repealed_on = timezone.localdate()
    policies = [
        *Policy.objects.filter(pk=second.pk).annotate(task_count=Count("tasks")),
        real,
    ]
    real.task_count = 40
    assert default_policy(policies) == second


# The numbers


@pytest.mark.django_db
def test_headline_counts_follow_the_reports_workflow(client, worked, users):
    client.force_login(users["reviewer"])
    counts = page(client, worked).context["counts"]
    assert counts.expected == REPORTS_PER_MONTH
    assert counts.approved == 2
    assert counts.returned == 1
    assert counts.submitted == GUIXI_REPORTS - 3
    assert counts.pending_signoff == 0
    assert counts.draft == REPORTS_PER_MONTH - GUIXI_REPORTS
    assert counts.reported == GUIXI_REPORTS - 1
    assert counts.rate == round(100 * 20 / 270, 1) == 7.4
    assert (counts.on_time, counts.late) == (20, 0)


@pytest.mark.django_db
def test_department_table_counts_each_department_worst_first(client, worked, users):
    client.force_login(users["reviewer"])
    response = page(client, worked)
    guixi = row_of(response, GUIXI)
    assert (
        guixi.expected,
        guixi.on_time,
        guixi.late,
        guixi.pending_signoff,
        guixi.unsubmitted,
        guixi.approved,
    ) == (GUIXI_REPORTS, 20, 0, 0, 1, 2)
    departments = response.context["departments"]
    # 贵溪市 has sent the most; everyone else has sent nothing yet.
    assert departments[-1].name == GUIXI
    assert all(d.reported == 0 for d in departments[:-1])
    assert sum(d.expected for d in departments) == REPORTS_PER_MONTH
    # A group never files itself: its members do.
    names = {d.name for d in departments}
    assert "各区(市)人民政府、管委会" not in names
    assert "未报送" in response.content.decode()


@pytest.mark.django_db
def test_late_list_follows_the_deadline_and_resubmission(client, worked, users):
    client.force_login(users["reviewer"])
    # Before the deadline nobody is late, whatever is still open.
    before = page(client, worked)
    assert before.context["behind"] == []
    assert "截止日未到" in before.content.decode()

    # The deadline passes with 贵溪市's task 3 returned: it is listed, with
    # every department that has sent nothing.
    period_open(year=2025, month=3, deadline=ago())
    after = page(client, worked)
    behind = {d.name: d for d in after.context["behind"]}
    assert behind[GUIXI].overdue == 1
    assert behind[GUIXI].late == 0
    assert behind["市教育局"].overdue == row_of(after, "市教育局").expected
    assert len(behind) == len(after.context["departments"])

    # The deadline is extended and 贵溪市 resubmits in time: it leaves.
    period_open(year=2025, month=3, deadline=ahead())
    submit(report_of(worked, 3, GUIXI), users["reporter"])
    period_open(year=2025, month=3, deadline=ago())
    cleared = page(client, worked)
    assert GUIXI not in {d.name for d in cleared.context["behind"]}
    assert row_of(cleared, GUIXI).reported == GUIXI_REPORTS

    # A report sent after the deadline is late, and keeps it on the list.
    education = report_of(worked, 18, "市教育局")
    submit(education, users["other_department"])
    late = page(client, worked)
    assert row_of(late, "市教育局").late == 1
    assert "市教育局" in {d.name for d in late.context["behind"]}
    assert late.context["counts"].late == 1


@pytest.mark.django_db
def test_report_waiting_for_sign_off_after_the_deadline_is_overdue(
    client, march, users
):
    Department.objects.filter(name=GUIXI).update(requires_signoff=True)
    submit(report_of(march, 1, GUIXI), users["reporter"])
    period_open(year=2025, month=3, deadline=ago())
    client.force_login(users["reviewer"])
    response = page(client, march)
    guixi = row_of(response, GUIXI)
    assert guixi.pending_signoff == 1
    assert guixi.overdue == GUIXI_REPORTS
    assert response.context["counts"].pending_signoff == 1


@pytest.mark.django_db
def test_late_department_has_an_urge_form_and_its_last_urge(client, worked, users):
    period_open(year=2025, month=3, deadline=ago())
    education = Department.objects.get(name="市教育局")
    urge_create(
        period=worked, department=education, message="", actor=users["reviewer"]
    )
    client.force_login(users["reviewer"])
    response = client.get(URL, {"period": worked.pk})
    text = response.content.decode()
    guixi = Department.objects.get(name=GUIXI)
    form = re.search(
        r'<form method="post" action="{}">(.*?)</form>'.format(
            re.escape(reverse("dispatch:urge", args=[guixi.pk]))
        ),
        text,
        re.S,
    )
    assert form, "no urge form for 贵溪市"
    assert 'name="csrfmiddlewaretoken"' in form[1]
    assert f'name="period" value="{worked.pk}"' in form[1]
    assert f'name="next" value="{URL}?period={worked.pk}"' in form[1]
    rows = {d.name: d for d in response.context["behind"]}
    assert rows["市教育局"].last_urged_at is not None
    assert rows[GUIXI].last_urged_at is None
    assert "未催办" in text


@pytest.mark.django_db
def test_returned_report_is_listed_with_its_reason(client, worked, users):
    client.force_login(users["reviewer"])
    response = page(client, worked)
    returned = response.context["returned"]
    assert [(r.department.name, r.task.number) for r in returned] == [(GUIXI, 3)]
    assert returned[0].return_reason == "请补充培训签到表和取证名单。"
    assert returned[0].return_label == "退回修改"
    text = response.content.decode()
    assert "请补充培训签到表和取证名单。" in text
    assert reverse("dispatch:report-detail", args=[returned[0].pk]) in text


@pytest.mark.django_db
def test_returned_list_gives_the_reason_of_the_last_return(client, worked, users):
    report = report_of(worked, 3, GUIXI)
    submit(report, users["reporter"])
    report_transition(
        report=report, action="return", actor=users["reviewer"], reason="第二次退回。"
    )
    client.force_login(users["reviewer"])
    (returned,) = page(client, worked).context["returned"]
    assert returned.return_reason == "第二次退回。"


# The board


def cell_of(response, task_number, month):
    for row in response.context["board"]:
        if row.task.number == task_number:
            return row.cells[month - 1]
    raise AssertionError(f"no row for task {task_number}")


@pytest.mark.django_db
def test_board_has_a_row_per_task_and_a_column_per_month(client, worked, users):
    client.force_login(users["reviewer"])
    response = page(client, worked)
    board = response.context["board"]
    assert len(board) == Task.objects.count() == 40
    assert [row.task.number for row in board] == list(range(1, 41))
    assert all(len(row.cells) == 12 for row in board)
    text = response.content.decode()
    assert text.count('<th scope="row" class="dash-board-task">') == 40
    # Only March has a period: the other months stay white.
    assert cell_of(response, 5, 2).key == "none"
    assert cell_of(response, 5, 3).key == "draft"


@pytest.mark.django_db
def test_board_colours_the_worst_lead_report(client, worked, users):
    client.force_login(users["reviewer"])
    response = page(client, worked)
    # Task 2: 贵溪市 approved as 严重滞后, 高新区 still draft: red wins.
    behind = cell_of(response, 2, 3)
    assert behind.key == "behind"
    assert behind.reports == 2
    approved = report_of(worked, 2, GUIXI)
    assert behind.report_pk == approved.pk
    link = reverse("dispatch:report-detail", args=[approved.pk])
    assert f'<td class="board-cell board-behind"><a href="{link}"' in (
        response.content.decode()
    )
    # Task 1: 贵溪市 approved on track, 高新区's draft is worse.
    assert cell_of(response, 1, 3).key == "draft"
    # Task 3: 贵溪市's returned report is worse than 高新区's draft.
    assert cell_of(response, 3, 3).key == "returned"


@pytest.mark.django_db
def test_board_shows_green_when_every_lead_is_on_track(client, worked, users):
    gaoxin = user_create(
        username="gaoxin",
        password="Pass#word123",
        role=RoleName.REPORTER,
        department=Department.objects.get(name=GAOXIN),
    )
    report = report_of(worked, 1, GAOXIN)
    submit(report, gaoxin, proposed_status="completed")
    report_transition(report=report, action="approve", actor=users["reviewer"])
    client.force_login(users["reviewer"])
    response = page(client, worked)
    cell = cell_of(response, 1, 3)
    assert cell.key == "on_track"
    link = reverse("dispatch:report-detail", args=[report_of(worked, 1, GUIXI).pk])
    assert f'<td class="board-cell board-on_track"><a href="{link}"' in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_task_without_lead_is_shown_by_its_other_reports(client, march, users):
    """Task 5's annex row names only cooperating departments."""
    assert not ProgressReport.objects.filter(
        period=march, task__number=5, role=Role.LEAD
    ).exists()
    client.force_login(users["reviewer"])
    cell = cell_of(page(client, march), 5, 3)
    assert cell.key == "draft"
    assert not cell.lead
    assert (
        cell.reports
        == ProgressReport.objects.filter(period=march, task__number=5).count()
    )


@pytest.mark.parametrize(
    ("state", "proposed", "key"),
    [
        (ReportState.APPROVED, "at_risk", "at_risk"),
        (ReportState.APPROVED, "completed", "completed"),
        (ReportState.SUBMITTED, "behind", ReportState.SUBMITTED),
        (ReportState.PENDING_SIGNOFF, "on_track", ReportState.PENDING_SIGNOFF),
        (ReportState.DRAFT, "", ReportState.DRAFT),
    ],
)
def test_only_an_approved_report_shows_its_progress_judgement(state, proposed, key):
    assert board_key(state, proposed) == key


# Charts, without inline script


@pytest.mark.django_db
def test_charts_get_their_data_as_json_and_a_table_without_js(client, worked, users):
    client.force_login(users["reviewer"])
    text = page(client, worked).content.decode()
    data = re.search(
        r'<script id="dashboard-data" type="application/json">(.*?)</script>',
        text,
        re.S,
    )
    charts = json.loads(data[1])
    states = {s["key"]: s["value"] for s in charts["states"]}
    assert states == {
        "draft": 249,
        "pending_signoff": 0,
        "submitted": 18,
        "returned": 1,
        "approved": 2,
    }
    march = charts["months"][2]
    assert (march["reported"], march["expected"], march["rate"]) == (20, 270, 7.4)
    assert charts["months"][0]["rate"] is None
    assert charts["current_month"] == 3
    # Every script is a file or data: the page works under a CSP without
    # 'unsafe-inline'.
    for tag in re.findall(r"<script[^>]*>", text):
        assert " src=" in tag or 'type="application/json"' in tag, tag
    assert "vendor/chartjs/chart.umd.min.js" in text
    assert re.search(r'<script src="[^"]*js/dashboard\.js" defer>', text)
    assert " style=" not in text
    assert " onchange=" not in text
    # Without JS the numbers are in tables.
    assert '<td class="num">20 / 270</td>' in text


# Query counts


@pytest.mark.django_db
def test_dashboard_query_count_does_not_grow_with_data(client, users):
    """Measured on a small data set, then on one with four times the
    departments, five times the tasks and three times the months: for the
    current period and policy, a chosen period, and a chosen policy."""
    client.force_login(users["reviewer"])
    counts = []
    sizes = [(3, 4, 2, 2023), (12, 20, 6, 2024)]
    for departments, tasks, months, year in sizes:
        period = make_dispatch_data(departments, tasks, months, year, users["reviewer"])
        returned = ProgressReport.objects.get(period=period, state="returned")
        chosen = {"period": period.pk, "policy": returned.task.policy_id}
        for params in ({"period": period.pk}, {}, chosen):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(URL, params)
            assert response.status_code == 200
            counts.append(len(queries))
        assert response.context["returned"] == [returned]
    assert ProgressReport.objects.filter(period=period).count() > 60
    assert counts[:3] == counts[3:], counts
    # Three of them save the session, as every request does (idle timeout);
    # two are the supervision's overdue problems and two the incentives'
    # summary (dashboard_panels).
    assert max(counts) <= 21, counts
