"""The ledger: per finance and year, the budget, what is committed, what
was paid and what remains, after a batch and after its results; in a
constant number of queries."""

import datetime
from decimal import Decimal

import pytest

from incentives import permissions
from incentives.models import Finance
from incentives.selectors.payments import LedgerRow, ledger, ledger_totals
from incentives.services.payments import batch_create, batch_export, batch_settle
from tests.incentives.payment_data import (
    MONTH,
    TODAY,
    approved,
    budget_set,
    finance,
    sheet,
)

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def reviewer(incentive_users):
    return incentive_users["reviewer"]


@pytest.fixture
def guixi(incentive_defaults):
    return finance("贵溪市财政")


def figures(row: LedgerRow) -> tuple:
    return (
        row.budget,
        row.pending,
        row.waiting,
        row.committed,
        row.paid,
        row.remaining,
    )


def row_of(rows, name: str, year: int = 2025) -> LedgerRow:
    (row,) = [
        r
        for r in rows
        if r.finance is not None and r.finance.name == name and r.year == year
    ]
    return row


def test_the_figures_after_a_batch_and_after_its_results(guixi, reviewer):
    budget_set(guixi, 10_000)
    a = approved(finance=guixi, amount=2200, actor=reviewer)
    b = approved(finance=guixi, amount=1000, actor=reviewer)

    rows = ledger(year=2025, today=TODAY)
    assert figures(row_of(rows, "贵溪市财政")) == (
        D(10000),
        D(0),
        D(3200),
        D(3200),
        D(0),
        D(6800),
    )

    batch = batch_create(finance=guixi, month=MONTH, actor=reviewer, today=TODAY)
    c = approved(finance=guixi, amount=500, actor=reviewer)  # approved since
    rows = ledger(year=2025, today=TODAY)
    assert figures(row_of(rows, "贵溪市财政")) == (
        D(10000),
        D(3200),
        D(500),
        D(3700),
        D(0),
        D(6300),
    )

    batch_export(batch=batch, actor=reviewer, reveal_reason="代发")
    batch_settle(
        batch=batch,
        data=sheet(
            [(a.number, 2200, "成功", "", ""), (b.number, 1000, "失败", "销户", "")]
        ),
        file_name="回盘.xlsx",
        actor=reviewer,
        today=TODAY,
    )
    rows = ledger(year=2025, today=TODAY)
    # b failed: waiting again beside c; a paid.
    assert figures(row_of(rows, "贵溪市财政")) == (
        D(10000),
        D(0),
        D(1500),
        D(1500),
        D(2200),
        D(6300),
    )
    assert c.shares.get().lines.count() == 0


def test_every_finance_has_a_row_for_the_year_and_the_totals_add_up(guixi, reviewer):
    yujiang = finance("余江区财政")
    budget_set(guixi, 10_000)
    budget_set(yujiang, 4000)
    approved(finance=guixi, amount=2200, actor=reviewer)
    approved(finance=finance("市本级财政"), amount=1000, actor=reviewer)

    rows = ledger(year=2025, today=TODAY)

    assert [r.finance.name for r in rows] == list(
        Finance.objects.values_list("name", flat=True)
    )
    city = row_of(rows, "市本级财政")
    assert (city.budget, city.committed, city.remaining) == (None, D(1000), None)
    assert figures(row_of(rows, "省就业补助资金")) == (None, 0, 0, 0, 0, None)
    (total,) = ledger_totals(rows)
    assert total.finance is None
    assert figures(total) == (D(14000), D(0), D(3200), D(3200), D(0), D(10800))


def test_a_share_waiting_counts_in_the_current_year_only(guixi, reviewer):
    budget_set(guixi, 10_000, year=2024)
    budget_set(guixi, 10_000, year=2025)
    approved(finance=guixi, amount=2200, actor=reviewer)
    december = batch_create(
        finance=guixi, month=datetime.date(2024, 12, 1), actor=reviewer, today=TODAY
    )
    approved(finance=guixi, amount=1000, actor=reviewer)

    assert figures(row_of(ledger(year=2024, today=TODAY), "贵溪市财政", 2024)) == (
        D(10000),
        D(2200),
        D(0),
        D(2200),
        D(0),
        D(7800),
    )
    assert figures(row_of(ledger(year=2025, today=TODAY), "贵溪市财政")) == (
        D(10000),
        D(0),
        D(1000),
        D(1000),
        D(0),
        D(9000),
    )
    every_year = ledger(today=TODAY)
    assert [(r.finance.name, r.year) for r in every_year] == [
        ("贵溪市财政", 2024),
        ("贵溪市财政", 2025),
    ]
    assert december.lines.get().amount == 2200


def test_a_finance_over_its_budget_is_marked(guixi, reviewer):
    budget_set(guixi, 1000)
    approved(finance=guixi, amount=2200, actor=reviewer)
    row = row_of(ledger(year=2025, today=TODAY), "贵溪市财政")
    assert row.remaining == D(-1200)
    assert row.over_budget


def test_a_clerk_reads_the_ledger_of_their_finance_only(guixi, incentive_users):
    rows = ledger(
        year=2025,
        today=TODAY,
        finances=permissions.finances_for_user(incentive_users["clerk"]),
    )
    assert [r.finance.name for r in rows] == ["贵溪市财政"]
    for role in ("reporter", "sysadmin"):
        user = incentive_users[role]
        assert (
            ledger(year=2025, today=TODAY, finances=permissions.finances_for_user(user))
            == []
        )
    city_rows = ledger(
        year=2025,
        today=TODAY,
        finances=permissions.finances_for_user(incentive_users["city_clerk"]),
    )
    assert len(city_rows) == Finance.objects.count()


def _data(size: int, reviewer) -> None:
    """``size`` applications over three finances, half of them batched,
    some of those paid and some failed."""
    names = ["贵溪市财政", "余江区财政", "市本级财政"]
    for name in names:
        budget_set(finance(name), 1_000_000)
        budget_set(finance(name), 1_000_000, year=2024)
    apps = [
        approved(finance=finance(names[i % 3]), amount=1000 + i, actor=reviewer)
        for i in range(size)
    ]
    for name in names:
        batch = batch_create(
            finance=finance(name), month=MONTH, actor=reviewer, today=TODAY
        )
        batch_export(batch=batch, actor=reviewer, reveal_reason="代发")
        lines = list(batch.lines.select_related("share__application"))
        rows = [
            (
                x.share.application.number,
                x.amount,
                "成功" if i % 2 else "失败",
                "退回",
                "",
            )
            for i, x in enumerate(lines[: len(lines) // 2 + 1])
        ]
        batch_settle(
            batch=batch,
            data=sheet(rows),
            file_name="r.xlsx",
            actor=reviewer,
            today=TODAY,
        )
    for i in range(size):
        approved(finance=finance(names[i % 3]), amount=500, actor=reviewer)
    assert len(apps) == size


@pytest.mark.parametrize("size", [3, 30])
def test_the_ledger_takes_the_same_queries_at_any_size(
    size, guixi, reviewer, django_assert_max_num_queries
):
    _data(size, reviewer)
    with django_assert_max_num_queries(4):
        rows = ledger(year=2025, today=TODAY, finances=Finance.objects.all())
        ledger_totals(rows)
    with django_assert_max_num_queries(4):
        ledger(today=TODAY)
    total = ledger_totals(rows)[0]
    assert (
        total.paid + total.committed == sum(1000 + i for i in range(size)) + 500 * size
    )
