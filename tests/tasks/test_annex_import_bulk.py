"""The annex import at size: rows are read and written in bulk, so its
queries do not grow with the rows, and a re-import that changes many rows
leaves what a first import of the changed annex would."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tasks.importers.annex import AnnexRow, AnnexSheet
from tasks.models import Responsibility, Task
from tasks.services import Action, annex_import
from tests.tasks.snapshot import policy_snapshot

POLICY = "测试〔2025〕1号"
DEPARTMENTS = ["市人社局", "市教育局", "市财政局", "市工信局", "市商务局"]


def sheet(rows: int, edited: bool = False) -> AnnexSheet:
    """``rows`` rows under two key tasks; ``edited`` changes every second
    row's requirement, key task and departments (their number and order)."""
    annex = AnnexSheet(sheet_name="附件")
    for number in range(1, rows + 1):
        change = edited and number % 2 == 0
        count = 1 + (number + change) % 3
        names = [
            DEPARTMENTS[(number + i * (2 if change else 1)) % 5] for i in range(count)
        ]
        annex.rows.append(
            AnnexRow(
                row=number + 2,
                number=number,
                key_task="重点任务乙"
                if (number > rows // 2) != change
                else "重点任务甲",
                requirement=f"工作要求{number}" + ("(修改)" if change else ""),
                departments="、".join(names),
            )
        )
    return annex


def run(annex: AnnexSheet, policy: str = POLICY, **kwargs):
    return annex_import(
        policy_number=policy, sheet=annex, file_name="附件.xlsx", sha256="", **kwargs
    )


def queries(annex: AnnexSheet, **kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        run(annex, **kwargs)
    return len(captured)


@pytest.mark.django_db
def test_a_first_import_takes_the_same_queries_for_few_rows_or_many(departments):
    few = queries(sheet(6), policy="甲〔2025〕1号")
    many = queries(sheet(60), policy="乙〔2025〕1号")
    assert few == many


@pytest.mark.django_db
def test_a_re_import_takes_the_same_queries_for_few_rows_or_many(departments):
    counts = []
    for size, policy in ((6, "甲〔2025〕1号"), (60, "乙〔2025〕1号")):
        run(sheet(size), policy=policy)
        counts.append(queries(sheet(size, edited=True), policy=policy))
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_a_re_import_changing_many_rows_leaves_what_a_first_import_would(
    departments,
):
    run(sheet(60))
    report = run(sheet(60, edited=True))
    assert report.count(Action.UPDATED) == 30
    assert report.count(Action.UNCHANGED) == 30
    updated = policy_snapshot()

    Responsibility.objects.all().delete()
    Task.objects.all().delete()
    run(sheet(60, edited=True))
    assert policy_snapshot() == updated


@pytest.mark.django_db
def test_each_changed_row_reports_its_changes_and_its_task(departments):
    run(sheet(4))
    report = run(sheet(4, edited=True))
    by_number = {outcome.number: outcome for outcome in report.rows}
    assert by_number[1].action == Action.UNCHANGED
    changed = by_number[2]
    assert changed.action == Action.UPDATED
    assert changed.object_id == Task.objects.get(number=2).pk
    assert changed.changes["requirement"] == ("工作要求2", "工作要求2(修改)")
    assert set(changed.changes) == {
        "key_task",
        "requirement",
        "departments_text",
        "departments",
    }
    task = Task.objects.get(number=2)
    assert task.requirement == "工作要求2(修改)"
    assert [r.department.name for r in task.responsibilities.all()] == (
        sheet(4, edited=True).rows[1].departments.split("、")
    )


@pytest.mark.django_db
def test_created_rows_carry_the_ids_of_their_new_tasks(departments):
    report = run(sheet(5))
    assert [outcome.object_id for outcome in report.rows] == list(
        Task.objects.order_by("number").values_list("pk", flat=True)
    )
