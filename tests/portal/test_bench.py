"""The benchmark's parts at a tiny scale: the dataset's counts and rules,
and that the page and import measurements run (their timings are not
checked)."""

import io

import pytest
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from audit.chain import database_verify
from audit.models import AuditEvent
from bulletins.documents.pdf import soffice
from bulletins.models import Bulletin
from dispatch.models import (
    PeriodStatus,
    ProgressReport,
    ReportingPeriod,
    ReportState,
    ReportTransition,
)
from portal.bench import bulletin, imports, pages
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


# -- the bulletin (bench --bulletin) ------------------------------------------

BULLETIN_STEPS = [
    "bulletin_figures",
    "bulletin_create (rolled back)",
    "render_docx",
    "docx_to_pdf (LibreOffice)",
    "render_xlsx",
    "bulletin page",
]


def test_bulletin_part_measures_every_step_and_leaves_the_data_as_they_were(
    bench_data,
):
    out = io.StringIO()
    audit_rows = AuditEvent.objects.count()
    sessions = Session.objects.count()

    result = bulletin.bulletin_print(repeat=1, out=_Out(out))

    names = [s.name for s in result.steps]
    if soffice() is None:
        assert names == [n for n in BULLETIN_STEPS if not n.startswith("docx_to")]
        assert result.pdf_pages is None
        assert "未测 PDF" in out.getvalue()
    else:
        assert names == BULLETIN_STEPS
        assert result.pdf_pages >= 1
        assert f"PDF 共 {result.pdf_pages} 页" in out.getvalue()
    assert all(s.median_ms > 0 and s.runs == 1 for s in result.steps)
    measured = {s.name: s for s in result.steps}
    assert measured["bulletin_figures"].queries > 0
    assert measured["bulletin page"].queries > 0
    assert measured["bulletin page"].ratio > 0
    assert result.tasks == sizes_for(SCALE).tasks_per_policy
    assert "| bulletin page | 1 |" in out.getvalue()
    # Every bulletin, sign-in and audit record was rolled back.
    assert not Bulletin.objects.exists()
    assert AuditEvent.objects.count() == audit_rows
    assert Session.objects.count() == sessions


def test_bulletin_part_without_libreoffice_skips_only_the_pdf(bench_data, monkeypatch):
    monkeypatch.setattr(bulletin, "soffice", lambda: None)
    out = io.StringIO()

    result = bulletin.bulletin_print(repeat=2, out=_Out(out))

    assert [s.name for s in result.steps] == [
        n for n in BULLETIN_STEPS if not n.startswith("docx_to")
    ]
    assert all(s.runs == 2 for s in result.steps)
    assert "未安装 LibreOffice(soffice),未测 PDF。" in out.getvalue()


def test_bulletin_part_takes_the_month_range_it_is_given(bench_data, monkeypatch):
    monkeypatch.setattr(bulletin, "soffice", lambda: None)
    latest = ReportingPeriod.objects.order_by("-year", "-month").first()
    month = (latest.year, latest.month)

    result = bulletin.bulletin_print(
        repeat=1, out=_Out(io.StringIO()), first=month, last=month
    )

    assert result.label == f"{latest.year}年{latest.month}月"


def _period(year, month, status=PeriodStatus.CLOSED):
    return ReportingPeriod(year=year, month=month, status=status)


def test_last_whole_quarter_leaves_out_a_quarter_still_being_reported():
    periods = [_period(2025, m) for m in range(7, 12)] + [
        _period(2025, 12, PeriodStatus.OPEN)
    ]

    assert bulletin.last_whole_quarter(periods) == ((2025, 7), (2025, 9))
    assert bulletin.last_whole_quarter([*periods[:-1], _period(2025, 12)]) == (
        (2025, 10),
        (2025, 12),
    )


def test_last_whole_quarter_needs_all_three_months():
    periods = [_period(2025, 7), _period(2025, 9), _period(2025, 10)]

    assert bulletin.last_whole_quarter(periods) is None


def test_bench_command_wants_both_ends_of_the_bulletins_range(db):
    with pytest.raises(CommandError, match="须同时给出"):
        call_command("bench", "--bulletin", "--from", "2025-07")
    with pytest.raises(CommandError, match="不是年月"):
        call_command("bench", "--bulletin", "--from", "2025-13", "--to", "2025-09")
    with pytest.raises(CommandError, match="只用于 --bulletin"):
        call_command("bench", "--pages", "--from", "2025-07", "--to", "2025-09")


def test_bulletin_part_refuses_a_database_without_a_policy(db):
    with pytest.raises(bulletin.BenchError, match="没有政策文件"):
        bulletin.bulletin_print(repeat=1, out=_Out(io.StringIO()))
