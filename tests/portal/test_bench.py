"""The benchmark's parts at a tiny scale: the dataset's counts and rules,
and that the page and import measurements run (their timings are not
checked)."""

import io

import pytest
from django.db.models import Count, Q

from audit.chain import database_verify
from audit.models import AuditEvent
from dispatch.models import (
    PeriodStatus,
    ProgressReport,
    ReportingPeriod,
    ReportState,
    ReportTransition,
)
from portal.bench import imports, pages
from portal.bench.dataset import DatasetError, dataset_build, sizes_for
from targets.models import Reading, Target
from tasks.models import Department, Policy, Responsibility, Role, Task

SCALE = 0.01


@pytest.fixture
def bench_data(db):
    return dataset_build(scale=SCALE)


def test_dataset_has_the_counts_its_scale_asks_for(bench_data):
    sizes = sizes_for(SCALE)
    counts = bench_data.counts

    assert Department.objects.count() == sizes.departments
    assert Policy.objects.count() == sizes.policies
    assert Task.objects.count() == sizes.policies * sizes.tasks_per_policy
    assert ReportingPeriod.objects.count() == sizes.periods
    assert ProgressReport.objects.count() == (
        Responsibility.objects.count() * sizes.periods
    )
    assert ProgressReport.objects.count() == counts["reports"]
    assert ReportTransition.objects.count() == counts["transitions"] > 0
    assert Target.objects.count() == sizes.targets
    assert Reading.objects.count() == counts["readings"] > 0
    assert AuditEvent.objects.count() == sizes.audit_events


def test_dataset_follows_the_models_rules(bench_data):
    leads = Task.objects.annotate(
        leads=Count("responsibilities", filter=Q(responsibilities__role=Role.LEAD))
    )
    assert set(leads.values_list("leads", flat=True)) == {1}
    assert list(
        ReportingPeriod.objects.filter(status=PeriodStatus.OPEN).values_list(
            "pk", flat=True
        )
    ) == [ReportingPeriod.objects.order_by("-year", "-month").first().pk]
    states = set(ProgressReport.objects.values_list("state", flat=True))
    assert {ReportState.APPROVED, ReportState.DRAFT, ReportState.SUBMITTED} <= states
    for report in ProgressReport.objects.exclude(state=ReportState.DRAFT)[:50]:
        last = report.transitions.order_by("at", "pk").last()
        assert last.to_state == report.state
    assert (
        not Reading.objects.exclude(report=None)
        .exclude(report__role=Role.LEAD)
        .exists()
    )
    assert ProgressReport.objects.filter(is_late=True).exists()


def test_dataset_audit_rows_form_a_valid_chain(bench_data):
    check = database_verify()

    assert check.rows == AuditEvent.objects.count()
    assert check.problems == ()


def test_dataset_refuses_a_database_that_has_a_policy(bench_data):
    with pytest.raises(DatasetError):
        dataset_build(scale=SCALE)


def test_pages_part_measures_every_page(bench_data):
    out = io.StringIO()

    timings = pages.pages_print(repeat=1, out=_Out(out))

    assert len(timings) == 11
    assert all(t.queries > 0 and t.median_ms > 0 for t in timings)
    assert "| dashboard |" in out.getvalue()


def test_imports_part_measures_both_imports_against_their_floor(bench_data):
    out = io.StringIO()

    timings = imports.imports_print(rows=60, out=_Out(out))

    assert [t.name for t in timings] == ["annex import", "import_readings"]
    assert all(t.seconds > 0 and t.floor_seconds > 0 for t in timings)
    # Each measurement was rolled back.
    assert Task.objects.count() == sizes_for(SCALE).tasks_per_policy
    assert Reading.objects.count() == bench_data.counts["readings"]


class _Out:
    """A management command's stdout: one line a write."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, line):
        self.stream.write(line + "\n")
