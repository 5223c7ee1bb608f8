"""The reviewer's queue, filtered by department, task, period and state,
and the leader's list of reports waiting for his sign-off; both run a
fixed number of queries whatever the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from accounts.roles import RoleName
from accounts.services import user_create
from dispatch.models import ProgressReport, ReportState
from dispatch.services import period_open, report_transition
from tasks.models import Department
from tests.conftest import fill
from tests.factories import TaskFactory, make_dispatch_data

QUEUE = reverse("dispatch:review-queue")
SIGNOFF = reverse("dispatch:signoff-list")
GUIXI = "贵溪市人民政府"
SIZES = [(3, 4, 2, 2023), (12, 20, 6, 2024)]


def submit(report, user):
    fill(report, user)
    return report_transition(report=report, action="submit", actor=user)


def listed(response) -> list[tuple[str, int, str]]:
    assert response.status_code == 200
    return sorted(
        (r.department.name, r.task.number, r.state) for r in response.context["reports"]
    )


@pytest.fixture
def sent(period, users):
    """Task 1 sent by 贵溪市 and by 市教育局, task 2 by 贵溪市 and approved,
    in this period; task 1 of 贵溪市 also sent in an earlier one."""
    reports = ProgressReport.objects.filter(period=period)
    guixi = reports.filter(department__name=GUIXI)
    education = reports.filter(department__name="市教育局")
    submit(guixi.get(task__number=1), users["reporter"])
    submit(education.get(task__number=1), users["other_department"])
    approved = submit(guixi.get(task__number=2), users["reporter"])
    report_transition(report=approved, action="approve", actor=users["reviewer"])
    earlier = period_open(
        year=period.year - 1, month=period.month, deadline=period.deadline
    )
    submit(
        ProgressReport.objects.get(
            period=earlier, department__name=GUIXI, task__number=1
        ),
        users["reporter"],
    )
    return earlier


@pytest.mark.django_db
def test_queue_shows_what_awaits_review_unless_another_state_is_chosen(
    client, period, users, sent
):
    client.force_login(users["reviewer"])
    assert listed(client.get(QUEUE)) == [
        ("市教育局", 1, "submitted"),
        (GUIXI, 1, "submitted"),
        (GUIXI, 1, "submitted"),
    ]
    assert listed(client.get(QUEUE, {"state": "approved"})) == [(GUIXI, 2, "approved")]
    every = client.get(QUEUE, {"state": "", "period": period.pk})
    assert len(every.context["reports"]) == min(
        50, ProgressReport.objects.filter(period=period).count()
    )


@pytest.mark.django_db
def test_queue_filters_by_department_task_and_period(client, period, users, sent):
    client.force_login(users["reviewer"])
    education = Department.objects.get(name="市教育局")
    assert listed(client.get(QUEUE, {"department": education.pk})) == [
        ("市教育局", 1, "submitted")
    ]
    task_1 = ProgressReport.objects.get(
        period=period, department__name=GUIXI, task__number=1
    ).task_id
    page = client.get(QUEUE, {"task": task_1, "period": sent.pk})
    assert [(r.period_id, r.task.number) for r in page.context["reports"]] == [
        (sent.pk, 1)
    ]
    text = page.content.decode()
    assert f'<option value="{sent.pk}" selected>' in text


@pytest.mark.django_db
def test_queue_answers_junk_filter_values_with_a_message_not_an_error(
    client, users, sent
):
    client.force_login(users["reviewer"])
    response = client.get(QUEUE, {"department": "abc", "period": "²", "state": "x"})
    assert response.status_code == 200
    assert list(response.context["reports"]) == []
    assert "errorlist-box" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [{}, {"state": ""}, {"state": "approved", "department": "first"}],
    ids=["waiting", "every-state", "department-and-state"],
)
def test_filtered_queue_query_count_does_not_grow(client, users, query):
    counts = []
    for departments, tasks, months, year in SIZES:
        period = make_dispatch_data(departments, tasks, months, year, users["reviewer"])
        params = dict(query)
        if params.get("department") == "first":
            params["department"] = (
                ProgressReport.objects.filter(period=period, state="approved")
                .first()
                .department_id
            )
        params["period"] = period.pk
        client.force_login(users["reviewer"])
        with CaptureQueriesContext(connection) as queries:
            response = client.get(QUEUE, params)
        assert response.status_code == 200
        assert response.context["reports"], params
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # The policy select, and the default policy whose tasks the task select
    # lists, are one query each.
    assert counts[1] <= 17, counts


def make_leader(department) -> User:
    return user_create(
        username=f"leader{department.pk}",
        password="Pass#word123",
        role=RoleName.LEADER,
        department=department,
        must_change_password=False,
    )


@pytest.mark.django_db
def test_leader_lists_his_departments_reports_waiting_for_sign_off(
    client, period, users
):
    Department.objects.filter(name__in=[GUIXI, "市教育局"]).update(
        requires_signoff=True
    )
    reports = ProgressReport.objects.filter(period=period)
    first = submit(
        reports.get(department__name=GUIXI, task__number=1), users["reporter"]
    )
    submit(reports.get(department__name=GUIXI, task__number=2), users["reporter"])
    submit(
        reports.get(department__name="市教育局", task__number=1),
        users["other_department"],
    )
    assert first.state == ReportState.PENDING_SIGNOFF
    client.force_login(users["leader"])
    page = client.get(SIGNOFF)
    assert listed(page) == [
        (GUIXI, 1, "pending_signoff"),
        (GUIXI, 2, "pending_signoff"),
    ]
    text = page.content.decode()
    assert reverse("dispatch:report-detail", args=[first.pk]) in text
    assert f'href="{SIGNOFF}"' in text  # in the leader's menu

    report_transition(report=first, action="sign_off", actor=users["leader"])
    assert listed(client.get(SIGNOFF)) == [(GUIXI, 2, "pending_signoff")]


@pytest.mark.django_db
def test_sign_off_list_is_in_no_one_elses_menu(client, period, users):
    for role in ("reporter", "reviewer", "other_department"):
        client.force_login(users[role])
        page = client.get(reverse("tasks:task-list")).content.decode()
        assert f'href="{SIGNOFF}"' not in page, role


@pytest.mark.django_db
def test_sign_off_list_query_count_does_not_grow(client, users):
    counts = []
    for departments, tasks, months, year in SIZES:
        period = make_dispatch_data(departments, tasks, months, year, users["reviewer"])
        department = (
            ProgressReport.objects.filter(period=period, state=ReportState.DRAFT)
            .first()
            .department
        )
        department.requires_signoff = True
        department.save(update_fields=["requires_signoff"])
        reporter = User.objects.filter(department=department).order_by("pk")[0]
        for report in ProgressReport.objects.filter(
            department=department, state=ReportState.DRAFT
        ):
            submit(report, reporter)
        client.force_login(make_leader(department))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(SIGNOFF)
        assert len(response.context["reports"]) >= months
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 12, counts


def test_task_choices_are_one_policys_tasks(client, policy, users):
    """The task select lists the default policy's tasks (the one with the
    most), the chosen policy's once one is chosen, and a task of another
    policy chosen by itself brings its own policy's tasks."""
    other = TaskFactory(requirement="另一份政策的工作要求").policy
    client.force_login(users["reviewer"])

    def task_choices(params) -> set[int]:
        response = client.get(QUEUE, params)
        assert response.status_code == 200
        field = response.context["filter"].form.fields["task"]
        return {task.policy_id for task in field.queryset}

    assert task_choices({}) == {policy.pk}
    assert task_choices({"policy": other.pk}) == {other.pk}
    assert task_choices({"task": other.tasks.get().pk}) == {other.pk}
    response = client.get(QUEUE, {"policy": other.pk, "state": ""})
    assert listed(response) == []
