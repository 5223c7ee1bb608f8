"""The report pages run a fixed number of queries whatever the number of
departments, tasks, periods and reports: each is measured on a small data
set and again after a larger one is added."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from dispatch.models import ProgressReport
from tasks.models import Role
from tests.factories import make_dispatch_data

SIZES = [(3, 4, 2, 2023), (12, 20, 6, 2024)]


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def measure(client, users, url_for) -> list[int]:
    counts = []
    for departments, tasks, months, year in SIZES:
        period = make_dispatch_data(departments, tasks, months, year, users["reviewer"])
        user, url = url_for(period)
        client.force_login(user)
        counts.append(count(client, url))
    return counts


def lead_report(period) -> ProgressReport:
    """A lead report whose task has cooperating reports with text."""
    return (
        ProgressReport.objects.filter(period=period, role=Role.LEAD)
        .exclude(progress="")
        .order_by("-pk")
        .first()
    )


def reporter_of(report) -> User:
    return User.objects.filter(department_id=report.department_id).first()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page", ["my-tasks", "review-queue", "period-list", "report-detail", "sheet"]
)
def test_report_page_query_count_does_not_grow(client, users, page):
    def url_for(period):
        report = lead_report(period)
        return {
            "my-tasks": (
                reporter_of(report),
                reverse("dispatch:my-tasks") + f"?period={period.pk}",
            ),
            "review-queue": (users["reviewer"], reverse("dispatch:review-queue")),
            "period-list": (users["reviewer"], reverse("dispatch:period-list")),
            "report-detail": (
                users["reviewer"],
                reverse("dispatch:report-detail", args=[report.pk]),
            ),
            "sheet": (
                reporter_of(report),
                reverse("dispatch:sheet-download", args=[period.pk]),
            ),
        }[page]

    counts = measure(client, users, url_for)
    assert counts[0] == counts[1], counts
    assert counts[1] <= 15, counts


@pytest.mark.django_db
def test_lead_sees_cooperating_contributions_while_writing(client, period, users):
    from dispatch.services import report_transition
    from tests.conftest import fill

    cooperating = ProgressReport.objects.get(
        period=period, task__number=1, department__name="市教育局"
    )
    text = "市教育局:铜产业学院已招生 120 人。"
    fill(cooperating, users["other_department"], progress=text)
    report_transition(
        report=cooperating, action="submit", actor=users["other_department"]
    )
    lead = ProgressReport.objects.get(
        period=period, task__number=1, department__name="贵溪市人民政府"
    )
    client.force_login(users["reporter"])
    page = client.get(reverse("dispatch:report-edit", args=[lead.pk]))
    assert text in page.content.decode()
    # A cooperating department does not see the lead's draft.
    client.force_login(users["other_department"])
    page = client.get(reverse("dispatch:report-edit", args=[cooperating.pk]))
    assert page.status_code == 200
    assert list(page.context["contributions"]) == []


@pytest.mark.django_db
def test_department_sees_urges_on_its_home_page(client, period, users):
    from dispatch.services import urge_create
    from tasks.models import Department

    urge_create(
        period=period,
        department=Department.objects.get(name="贵溪市人民政府"),
        message="请于本周五前完成填报。",
        actor=users["reviewer"],
    )
    client.force_login(users["reporter"])
    page = client.get(reverse("dispatch:my-tasks")).content.decode()
    assert "请于本周五前完成填报。" in page
    client.force_login(users["other_department"])
    page = client.get(reverse("dispatch:my-tasks")).content.decode()
    assert "请于本周五前完成填报。" not in page


@pytest.mark.django_db
def test_period_list_counts_only_the_periods_of_its_page(client, policy, users):
    """Thirty months: the first page shows the latest twelve, the last one
    the oldest six, each with its own reports counted, in the same number
    of queries."""
    import datetime

    from dispatch.models import ReportingPeriod
    from dispatch.services import period_open, report_transition
    from tests.conftest import fill

    for index in range(30):
        year, month = divmod(index, 12)
        period_open(
            year=2020 + year, month=month + 1, deadline=datetime.date(2030, 1, 1)
        )
    oldest = ReportingPeriod.objects.get(year=2020, month=1)
    report = ProgressReport.objects.filter(
        period=oldest, department__name="贵溪市人民政府"
    ).first()
    fill(report, users["reporter"])
    report_transition(report=report, action="submit", actor=users["reporter"])
    client.force_login(users["reviewer"])
    url = reverse("dispatch:period-list")
    with CaptureQueriesContext(connection) as first_queries:
        first = client.get(url)
    with CaptureQueriesContext(connection) as second_queries:
        second = client.get(url, {"page": 3})
    assert len(first_queries) == len(second_queries)
    shown = [(p.year, p.month) for p in first.context["periods"]]
    assert len(shown) == 12
    assert shown[0] == (2022, 6)
    periods = second.context["periods"]
    assert [(p.year, p.month) for p in periods][-1] == (2020, 1)
    assert len(periods) == 6
    assert (periods[-1].report_count, periods[-1].submitted_count) == (270, 1)
    assert (periods[0].report_count, periods[0].submitted_count) == (270, 0)
    assert 'href="?page=2"' in first.content.decode()
    assert "第 3 / 3 页" in second.content.decode()
