"""Assessment fixtures: a 2025 scheme of four indicators, 贵溪市人民政府
(the users fixture's reporter and leader) and 市教育局 (its other
department) responsible for a task each, and a stand-in for the
indicators' computation whose points a test sets, so that the workflow is
tested apart from the formulas (tests/assessment/test_indicators.py)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessment import services
from assessment.models import DEDUCTION_KINDS, IndicatorKind
from tasks.models import Department, Role
from tests.factories import ResponsibilityFactory, TaskFactory

TODAY = datetime.date(2026, 1, 10)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def pdf(name: str = "佐证.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF)


@dataclass(frozen=True)
class StandIn:
    points: Decimal
    max_points: Decimal
    formula: str
    inputs: list = field(default_factory=list)

    def as_working(self) -> dict:
        return {
            "points": str(self.points),
            "max_points": str(self.max_points),
            "formula": self.formula,
            "inputs": list(self.inputs),
        }


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def given():
    """``{(department_id, indicator_id): Decimal}`` the stand-in gives;
    full marks (0 for deductions) where unset."""
    return {}


@pytest.fixture(autouse=True)
def computation(monkeypatch, given):
    calls = []

    def compute_all(scheme, departments, year, *, today):
        departments = list(departments)
        calls.append([d.pk for d in departments])
        results = {}
        for indicator in scheme.indicators.all():
            full = Decimal(0) if indicator.kind in DEDUCTION_KINDS else indicator.weight
            for department in departments:
                value = given.get((department.pk, indicator.pk), full)
                results[(department.pk, indicator.pk)] = StandIn(
                    points=value,
                    max_points=indicator.weight,
                    formula=f"{indicator.name}的计算公式",
                    inputs=[
                        {"label": "报告", "value": "1份", "url": "/dispatch/reports/1/"}
                    ],
                )
        return results

    monkeypatch.setattr(services, "_compute_all", compute_all)
    return calls


@pytest.fixture(autouse=True)
def grading(monkeypatch):
    """A3's grading where merged; until then a plain stand-in: ranks with
    ties sharing (1, 2, 2, 4), grades by the minimum scores only."""
    try:
        import assessment.grading  # noqa: F401
    except ImportError:

        def assign_grades(totals, scheme):
            ordered = sorted(totals.values(), reverse=True)
            result = {}
            for key, total in totals.items():
                if total >= scheme.excellent_min:
                    grade = "优秀"
                elif total >= scheme.good_min:
                    grade = "良好"
                elif total >= scheme.fair_min:
                    grade = "一般"
                else:
                    grade = "较差"
                result[key] = (ordered.index(total) + 1, grade)
            return result

        monkeypatch.setattr(services, "_assign_grades", assign_grades)


@pytest.fixture
def guixi(departments):
    return Department.objects.get(name="贵溪市人民政府")


@pytest.fixture
def education(departments):
    return Department.objects.get(name="市教育局")


@pytest.fixture
def responsible(guixi, education):
    task = TaskFactory()
    ResponsibilityFactory(task=task, department=guixi, role=Role.LEAD)
    ResponsibilityFactory(task=task, department=education, role=Role.COOPERATING)
    return task


@pytest.fixture
def scheme(users, responsible):
    reviewer = users["reviewer"]
    scheme = services.scheme_create(year=2025, title="2025年度考核方案", actor=reviewer)
    for name, kind, weight, params in (
        ("报送纪律", IndicatorKind.DISCIPLINE, "30", {"late": 1, "missing": 2}),
        ("任务进度", IndicatorKind.PROGRESS, "70", {}),
        ("催办扣分", IndicatorKind.URGES, "5", {"each": 0.5}),
        ("加分", IndicatorKind.BONUS, "5", {"cap": 5}),
    ):
        services.indicator_add(
            scheme=scheme,
            name=name,
            kind=kind,
            weight=Decimal(weight),
            params=params,
            actor=reviewer,
        )
    return scheme


def indicator(scheme, kind):
    return scheme.indicators.get(kind=kind)


@pytest.fixture
def started(scheme, users):
    return services.assessment_start(
        scheme=scheme,
        review_ends_on=datetime.date(2026, 1, 20),
        today=TODAY,
        actor=users["reviewer"],
    )


def sheet_of(assessment, department):
    return assessment.sheets.get(department=department)
