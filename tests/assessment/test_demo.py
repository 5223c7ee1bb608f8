"""Issue 13's demo: ``setup_portal --demo`` leaves a finalised 2024
assessment and a 2025 one in its review window with one objection
waiting, on the default scheme, every score with its working and a
department's point traceable to the report behind it; on a day after the
policy and on one inside it, and only once. A demo standing before 2025
has neither (see assessment/demo.py).

The indicators are computed for real here: the package conftest's
stand-in computation is replaced by a fixture that leaves it alone."""

import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import resolve
from django.utils import timezone

from accounts.models import User
from accounts.services import password_changed
from assessment import selectors
from assessment.defaults import DEFAULT_INDICATORS
from assessment.demo import demo_assessments_create
from assessment.models import (
    Assessment,
    AssessmentState,
    Grade,
    IndicatorKind,
    ManualItem,
    Objection,
    ObjectionState,
    Scheme,
    Score,
)
from audit.models import AuditEvent

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAYS = [
    pytest.param(datetime.date(2026, 1, 10), id="after-the-policy"),
    pytest.param(datetime.date(2025, 6, 15), id="inside-the-policy"),
]


@pytest.fixture
def computation():
    """The real ``compute_all`` (overrides the package's stand-in)."""


def _travel(day: datetime.date):
    moment = datetime.datetime.combine(day, datetime.time(10), SHANGHAI)
    return time_machine.travel(moment, tick=False)


def _setup() -> str:
    out = io.StringIO()
    call_command("setup_portal", demo=True, stdout=out)
    return out.getvalue()


def _report_links(assessment: Assessment) -> list[str]:
    return [
        line["url"]
        for score in Score.objects.filter(
            sheet__assessment=assessment, indicator__kind=IndicatorKind.DISCIPLINE
        )
        for line in score.working["inputs"]
        if line.get("url")
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("day", DAYS)
def test_demo_has_a_finalised_2024_and_a_2025_in_review_with_one_objection(client, day):
    with _travel(day):
        output = _setup()
        today = timezone.localdate()

    line = "演示数据:已建立2024年度(已定稿)、2025年度(复核期)考核,待答复申诉 1 条。"
    assert line in output
    finalised = Assessment.objects.get(scheme__year=2024)
    review = Assessment.objects.get(scheme__year=2025)
    assert finalised.state == AssessmentState.FINAL
    assert finalised.finalised_at is not None
    assert review.state == AssessmentState.REVIEW
    # The window is still open on the day the demo is made.
    assert review.review_ends_on >= today
    # Both on the default scheme, frozen by the start.
    for assessment in (finalised, review):
        scheme = assessment.scheme
        assert scheme.is_frozen
        assert [(i.name, i.kind, i.weight) for i in scheme.indicators.all()] == [
            (name, kind, Decimal(weight))
            for name, kind, weight, _ in DEFAULT_INDICATORS
        ]

    # Exactly one objection, waiting, raised by the sheet's own department.
    objection = Objection.objects.get()
    assert objection.state == ObjectionState.PENDING
    assert objection.sheet.assessment == review
    assert objection.raised_by.department_id == objection.sheet.department_id
    assert objection.reason

    # Ranks and grades in 2024, none yet in 2025.
    sheets_2024 = list(finalised.sheets.all())
    assessed = set(selectors.assessed_departments().values_list("pk", flat=True))
    assert {s.department_id for s in sheets_2024} == assessed
    assert all(s.rank is not None and s.grade in Grade.values for s in sheets_2024)
    assert min(s.rank for s in sheets_2024) == 1
    top = max(s.total for s in sheets_2024)
    assert {s.rank for s in sheets_2024 if s.total == top} == {1}
    assert {s.department_id for s in review.sheets.all()} == assessed
    assert all(s.rank is None and s.grade == "" for s in review.sheets.all())

    # Every score has its working; every sheet's total is its points' sum.
    indicators = len(DEFAULT_INDICATORS)
    for assessment in (finalised, review):
        for sheet in assessment.sheets.prefetch_related("scores"):
            scores = list(sheet.scores.all())
            assert len(scores) == indicators
            assert sheet.total == sum(s.points for s in scores)
            for score in scores:
                assert score.working["formula"]
                assert score.working["inputs"]
                assert all(
                    line["label"] and line["value"] for line in score.working["inputs"]
                )

    # A 加分 with its reason and evidence in each year, on the bonus score.
    for assessment in (finalised, review):
        bonus = ManualItem.objects.get(
            assessment=assessment, indicator__kind=IndicatorKind.BONUS
        )
        assert bonus.reason and bonus.has_file and bonus.points > 0
        score = Score.objects.get(
            sheet__assessment=assessment,
            sheet__department=bonus.department,
            indicator=bonus.indicator,
        )
        assert score.points == bonus.points
        assert bonus.reason in score.working["inputs"][0]["label"]

    # A point of 2025 leads to the report behind it, which the reviewer opens.
    links = _report_links(review)
    assert links
    assert resolve(links[0]).view_name == "dispatch:report-detail"
    reviewer = User.objects.get(username="reviewer")
    password_changed(user=reviewer)
    client.force_login(reviewer)
    with _travel(day):
        assert client.get(links[0]).status_code == 200
    # The objection names the report it is about.
    label = objection.reason.split(":当月")[0].split(":该报告")[0]
    assert any(
        line["label"] == label
        for line in Score.objects.get(
            sheet=objection.sheet, indicator=objection.indicator
        ).working["inputs"]
    )


@pytest.mark.django_db
def test_demo_assessments_are_made_once():
    with _travel(datetime.date(2026, 1, 10)):
        _setup()
        counts = (
            Scheme.objects.count(),
            Score.objects.count(),
            ManualItem.objects.count(),
            Objection.objects.count(),
            AuditEvent.objects.filter(action__startswith="assessment.").count(),
        )
        output = _setup()

    assert "考核" not in output.split("演示账号")[-1]
    assert (
        Scheme.objects.count(),
        Score.objects.count(),
        ManualItem.objects.count(),
        Objection.objects.count(),
        AuditEvent.objects.filter(action__startswith="assessment.").count(),
    ) == counts


@pytest.mark.django_db
def test_a_demo_standing_before_2025_has_no_assessment(policy, users):
    made = demo_assessments_create(
        reviewer=users["reviewer"],
        authors={},
        today=datetime.date(2024, 9, 10),
    )

    assert made == []
    assert not Scheme.objects.exists()
