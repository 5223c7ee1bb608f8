"""The assessment's pages: the score table at a fixed number of queries
at two sizes, the sheet's working with its links, and scoping."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from assessment import services
from assessment.models import IndicatorKind
from tests.factories import DepartmentFactory, ResponsibilityFactory

from .conftest import TODAY, indicator, sheet_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_review_window():
    """The pages judge the review window by the day they are asked."""
    moment = datetime.datetime.combine(
        TODAY, datetime.time(10), ZoneInfo("Asia/Shanghai")
    )
    with time_machine.travel(moment, tick=False):
        yield


def _restart(scheme, users, extra: int):
    for _ in range(extra):
        ResponsibilityFactory(department=DepartmentFactory())
    return services.assessment_start(
        scheme=scheme, review_ends_on=TODAY, today=TODAY, actor=users["reviewer"]
    )


@pytest.mark.parametrize("extra", [0, 12])
def test_score_table_reads_a_fixed_number_of_queries(
    client, scheme, users, extra, django_assert_max_num_queries
):
    assessment = _restart(scheme, users, extra)
    client.force_login(users["reviewer"])
    with django_assert_max_num_queries(16):
        response = client.get(assessment.get_absolute_url())
    assert response.status_code == 200
    rows = response.context["table"].rows
    assert len(rows) == 2 + extra
    assert "任务进度" in response.content.decode()


def test_sheet_shows_each_score_working_with_its_links(client, started, users, guixi):
    client.force_login(users["reporter"])
    response = client.get(sheet_of(started, guixi).get_absolute_url())
    page = response.content.decode()
    assert "报送纪律的计算公式" in page
    assert 'href="/dispatch/reports/1/"' in page
    assert "提出申诉" in page


def test_department_is_sent_to_its_own_sheet_and_not_shown_others(
    client, started, users, guixi, education
):
    client.force_login(users["reporter"])
    response = client.get(started.get_absolute_url())
    assert response["Location"] == sheet_of(started, guixi).get_absolute_url()
    other = sheet_of(started, education).get_absolute_url()
    assert client.get(other).status_code == 404


def test_department_does_not_see_a_draft_assessment(client, scheme, users, guixi):
    assessment = services.assessment_create(scheme=scheme, actor=users["reviewer"])
    services.assessment_recompute(
        assessment=assessment, today=TODAY, actor=users["reviewer"]
    )
    client.force_login(users["reporter"])
    assert client.get(assessment.get_absolute_url()).status_code == 404
    url = sheet_of(assessment, guixi).get_absolute_url()
    assert client.get(url).status_code == 404


def test_objection_raised_on_the_page_and_answered_from_the_list(
    client, started, scheme, users, guixi
):
    sheet = sheet_of(started, guixi)
    progress = indicator(scheme, IndicatorKind.PROGRESS)
    client.force_login(users["reporter"])
    client.post(
        reverse("assessment:objection-raise", args=[sheet.pk]),
        {"indicator": progress.pk, "reason": "第2项已完成"},
    )
    objection = sheet.objections.get()
    client.force_login(users["other_department"])
    assert (
        "第2项已完成"
        not in client.get(reverse("assessment:objection-list")).content.decode()
    )
    client.force_login(users["reviewer"])
    assert (
        "第2项已完成"
        in client.get(reverse("assessment:objection-list")).content.decode()
    )
    client.post(
        reverse("assessment:objection-answer", args=[objection.pk]),
        {"accept": "1", "answer": "属实", "corrected_points": "60", "next": "list"},
    )
    sheet.refresh_from_db()
    assert sheet.total == Decimal("95.00")


def test_a_refused_answer_shows_why_instead_of_failing(
    client, started, scheme, users, guixi
):
    sheet = sheet_of(started, guixi)
    objection = services.objection_raise(
        sheet=sheet,
        indicator=indicator(scheme, IndicatorKind.PROGRESS),
        reason="有误",
        today=TODAY,
        actor=users["reporter"],
    )
    client.force_login(users["reviewer"])
    response = client.post(
        reverse("assessment:objection-answer", args=[objection.pk]),
        {"accept": "1", "answer": "属实", "corrected_points": "999"},
        follow=True,
    )
    assert response.status_code == 200
    assert "更正后的得分须在" in response.content.decode()


def _sheet_with(scheme, users, guixi, extra: int):
    """贵溪市's sheet with ``extra`` more indicators, each with a 扣分 item
    and its evidence and an objection with its file."""
    from .conftest import pdf

    reviewer, reporter = users["reviewer"], users["reporter"]
    added = [
        services.indicator_add(
            scheme=scheme,
            name=f"扣分{n}",
            kind=IndicatorKind.PENALTY,
            weight=Decimal(5),
            actor=reviewer,
        )
        for n in range(extra)
    ]
    assessment = services.assessment_start(
        scheme=scheme, review_ends_on=TODAY, today=TODAY, actor=reviewer
    )
    sheet = sheet_of(assessment, guixi)
    for item in added:
        services.manual_item_add(
            assessment=assessment,
            department=guixi,
            indicator=item,
            points=Decimal(1),
            reason="通报批评",
            upload=pdf(),
            today=TODAY,
            actor=reviewer,
        )
        services.objection_raise(
            sheet=sheet,
            indicator=item,
            reason="已整改",
            upload=pdf("说明.pdf"),
            today=TODAY,
            actor=reporter,
        )
    return sheet


@pytest.mark.parametrize("role", ["reporter", "reviewer"])
@pytest.mark.parametrize("extra", [0, 8])
def test_sheet_page_reads_a_fixed_number_of_queries(
    client, scheme, users, guixi, role, extra, django_assert_max_num_queries
):
    sheet = _sheet_with(scheme, users, guixi, extra)
    client.force_login(users[role])
    with django_assert_max_num_queries(14):
        response = client.get(sheet.get_absolute_url())
    assert response.status_code == 200
    lines = response.context["lines"]
    assert len(lines) == 4 + extra
    assert sum(len(line.objections) for line in lines) == extra
    page = response.content.decode()
    assert page.count('class="score"') == 4 + extra
    assert page.count("说明.pdf") == extra
