"""Payment batches: what a batch takes, the budget refusal with its
figures, a failed payment retried, a paid one never paid again."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from audit.models import AuditAction, AuditEvent
from incentives.models import (
    ApplicationState,
    LineStatus,
    PaymentBatch,
    PaymentLine,
)
from incentives.services import payments
from incentives.services.payments import (
    PaymentError,
    batch_create,
    batch_export,
    batch_settle,
)
from tests.incentives.apps_support import enter, verify, walk
from tests.incentives.payment_data import (
    MONTH,
    TODAY,
    approved,
    budget_set,
    finance,
    sheet,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def guixi(incentive_defaults):
    return finance("贵溪市财政")


@pytest.fixture
def reviewer(incentive_users):
    return incentive_users["reviewer"]


def settle(batch, rows, reviewer, today=TODAY):
    return batch_settle(
        batch=batch,
        data=sheet(rows),
        file_name="回盘.xlsx",
        actor=reviewer,
        today=today,
    )


def exported(batch, reviewer):
    batch_export(batch=batch, actor=reviewer, reveal_reason="交建设银行代发")
    batch.refresh_from_db()
    return batch


def test_a_batch_takes_every_approved_share_of_its_finance_waiting(guixi, reviewer):
    budget_set(guixi, 100_000)
    a = approved(finance=guixi, amount=2200, actor=reviewer)
    b = approved(finance=guixi, amount=1000, actor=reviewer)
    approved(finance=finance("余江区财政"), amount=3000, actor=reviewer)
    approved(
        finance=guixi, amount=2000, actor=reviewer, state=ApplicationState.PUBLICITY
    )

    batch = batch_create(finance=guixi, month=MONTH, actor=reviewer, today=TODAY)

    assert batch.sequence == 1
    assert batch.month == datetime.date(2025, 3, 1)
    assert batch.total == Decimal("3200.00")
    assert batch.state == PaymentBatch.State.OPEN
    lines = batch.lines.order_by("share__application__number")
    assert [(x.share.application, x.amount, x.status) for x in lines] == [
        (a, Decimal("2200.00"), LineStatus.PENDING),
        (b, Decimal("1000.00"), LineStatus.PENDING),
    ]
    event = AuditEvent.objects.get(action=AuditAction.BATCH_CREATE)
    assert event.after == {
        "finance": "贵溪市财政",
        "month": "2025-03",
        "sequence": 1,
        "lines": 2,
        "total": "3,200.00",
    }


def test_the_month_is_kept_as_its_first_day_and_a_later_month_refused(guixi, reviewer):
    budget_set(guixi, 100_000)
    approved(finance=guixi, amount=1000, actor=reviewer)
    with pytest.raises(PaymentError, match="发放月份2025年04月晚于本月"):
        batch_create(
            finance=guixi, month=datetime.date(2025, 4, 1), actor=reviewer, today=TODAY
        )
    batch = batch_create(
        finance=guixi, month=datetime.date(2025, 3, 17), actor=reviewer, today=TODAY
    )
    assert batch.month == datetime.date(2025, 3, 1)


def test_an_empty_batch_is_refused(guixi, reviewer):
    budget_set(guixi, 100_000)
    with pytest.raises(PaymentError, match="贵溪市财政没有待发放的奖励"):
        batch_create(finance=guixi, month=MONTH, actor=reviewer, today=TODAY)
    assert not PaymentBatch.objects.exists()


def test_a_finance_without_a_budget_for_the_year_is_refused(guixi, reviewer):
    budget_set(guixi, 100_000, year=2024)
    approved(finance=guixi, amount=1000, actor=reviewer)
    with pytest.raises(PaymentError, match="尚未设定贵溪市财政2025年度预算"):
        batch_create(finance=guixi, month=MONTH, actor=reviewer, today=TODAY)
    assert not PaymentBatch.objects.exists()
    assert not PaymentLine.objects.exists()


def test_a_batch_over_the_remaining_budget_is_refused_with_the_figures(guixi, reviewer):
    budget_set(guixi, 5000)
    # 1000 paid in January, 2000 pending in February's batch.
    paid = approved(finance=guixi, amount=1000, actor=reviewer)
    january = batch_create(
        finance=guixi, month=datetime.date(2025, 1, 1), actor=reviewer, today=TODAY
    )
    settle(
        exported(january, reviewer),
        [(paid.number, 1000, "成功", "", "2025-01-20")],
        reviewer,
    )
    approved(finance=guixi, amount=2000, actor=reviewer)
    batch_create(
        finance=guixi, month=datetime.date(2025, 2, 1), actor=reviewer, today=TODAY
    )
    # Now 2,500 waiting, with 2,000 left.
    approved(finance=guixi, amount=2200, actor=reviewer)
    approved(finance=guixi, amount=300, actor=reviewer)
    batches, lines = PaymentBatch.objects.count(), PaymentLine.objects.count()
    events = AuditEvent.objects.count()

    with pytest.raises(PaymentError) as caught:
        batch_create(finance=guixi, month=MONTH, actor=reviewer, today=TODAY)

    assert str(caught.value) == (
        "超出预算:贵溪市财政2025年预算5,000.00元,已承诺2,000.00元,"
        "已发放1,000.00元,剩余2,000.00元,本批2,500.00元。"
    )
    assert PaymentBatch.objects.count() == batches
    assert PaymentLine.objects.count() == lines
    assert AuditEvent.objects.count() == events


def test_a_batch_equal_to_the_remaining_budget_is_accepted(guixi, reviewer):
    budget_set(guixi, 3200)
    approved(finance=guixi, amount=2200, actor=reviewer)
    approved(finance=guixi, amount=1000, actor=reviewer)
    assert (
        batch_create(finance=guixi, month=MONTH, actor=reviewer, today=TODAY).total
        == 3200
    )


def test_the_budget_of_the_batch_months_year_is_drawn_on(guixi, reviewer):
    budget_set(guixi, 500, year=2024)
    budget_set(guixi, 100_000, year=2025)
    approved(finance=guixi, amount=1000, actor=reviewer)
    with pytest.raises(PaymentError, match="2024年预算500.00元"):
        batch_create(
            finance=guixi,
            month=datetime.date(2024, 12, 1),
            actor=reviewer,
            today=TODAY,
        )


def test_a_failed_payment_is_retried_in_the_next_batch(guixi, reviewer):
    budget_set(guixi, 100_000)
    ok = approved(finance=guixi, amount=2200, actor=reviewer)
    failed = approved(finance=guixi, amount=1000, actor=reviewer, name="李四")
    first = exported(
        batch_create(finance=guixi, month=MONTH, actor=reviewer, today=TODAY), reviewer
    )
    summary = settle(
        first,
        [
            (ok.number, 2200, "成功", "", "2025-03-18"),
            (failed.number, "1,000.00", "失败", "账户已销户", "2025-03-18"),
        ],
        reviewer,
    )
    assert summary == {"paid": 1, "failed": 1, "pending": 0, "applications_paid": 1}
    line = first.lines.get(share__application=failed)
    assert (line.status, line.failure_reason, line.settled_on) == (
        LineStatus.FAILED,
        "账户已销户",
        datetime.date(2025, 3, 18),
    )
    failed.refresh_from_db()
    assert failed.state == ApplicationState.APPROVED

    second = batch_create(finance=guixi, month=MONTH, actor=reviewer, today=TODAY)

    assert second.sequence == 2
    assert [x.share.application for x in second.lines.all()] == [failed]
    assert second.total == Decimal("1000.00")
    settle(
        exported(second, reviewer), [(failed.number, 1000, "成功", "", "")], reviewer
    )
    failed.refresh_from_db()
    assert failed.state == ApplicationState.PAID
    assert second.lines.get().settled_on == TODAY


def test_a_paid_share_is_never_put_in_a_new_batch(guixi, reviewer):
    budget_set(guixi, 100_000)
    paid = approved(finance=guixi, amount=2200, actor=reviewer)
    batch = exported(
        batch_create(finance=guixi, month=MONTH, actor=reviewer, today=TODAY), reviewer
    )
    settle(batch, [(paid.number, 2200, "成功", "", "2025-03-18")], reviewer)
    paid.refresh_from_db()
    assert paid.state == ApplicationState.PAID
    batch.refresh_from_db()
    assert batch.state == PaymentBatch.State.SETTLED

    with pytest.raises(PaymentError, match="没有待发放的奖励"):
        batch_create(finance=guixi, month=MONTH, actor=reviewer, today=TODAY)
    # Even if the application were set back to approved by mistake.
    paid.state = ApplicationState.APPROVED
    paid.save()
    with pytest.raises(PaymentError, match="没有待发放的奖励"):
        batch_create(finance=guixi, month=MONTH, actor=reviewer, today=TODAY)
    assert PaymentLine.objects.filter(share__application=paid).count() == 1


def test_settling_a_paid_line_again_is_refused(guixi, reviewer):
    budget_set(guixi, 100_000)
    a = approved(finance=guixi, amount=2200, actor=reviewer)
    b = approved(finance=guixi, amount=1000, actor=reviewer)
    batch = exported(
        batch_create(finance=guixi, month=MONTH, actor=reviewer, today=TODAY), reviewer
    )
    settle(batch, [(a.number, 2200, "成功", "", "2025-03-18")], reviewer)
    batch.refresh_from_db()
    assert batch.state == PaymentBatch.State.EXPORTED  # b still pending

    with pytest.raises(PaymentError) as caught:
        settle(
            batch,
            [
                (a.number, 2200, "成功", "", "2025-03-19"),
                (b.number, 1000, "成功", "", ""),
            ],
            reviewer,
        )
    assert caught.value.errors == [
        f"第2行“申请编号”列:申请编号“{a.number}”已发放,不得重复发放"
    ]
    line = batch.lines.get(share__application=b)
    assert line.status == LineStatus.PENDING  # nothing written

    settle(batch, [(b.number, 1000, "成功", "", "")], reviewer)
    batch.refresh_from_db()
    assert batch.state == PaymentBatch.State.SETTLED
    with pytest.raises(PaymentError, match="本批次已回盘"):
        settle(batch, [(b.number, 1000, "成功", "", "")], reviewer)
    assert AuditEvent.objects.filter(action=AuditAction.BATCH_SETTLE).count() == 2


def test_results_before_the_bank_file_is_exported_are_refused(guixi, reviewer):
    budget_set(guixi, 100_000)
    a = approved(finance=guixi, amount=2200, actor=reviewer)
    batch = batch_create(finance=guixi, month=MONTH, actor=reviewer, today=TODAY)
    batch_export(batch=batch, actor=reviewer)  # masked: not the bank's file
    with pytest.raises(PaymentError, match="尚未导出银行发放文件"):
        settle(batch, [(a.number, 2200, "成功", "", "")], reviewer)


def test_an_application_is_paid_when_every_share_of_it_is(
    guixi, reviewer, incentive_defaults
):
    city = finance("市本级财政")
    budget_set(guixi, 100_000)
    budget_set(city, 100_000)
    application = approved(
        finance=guixi,
        amount=10_000,
        actor=reviewer,
        kind="joint_schooling",
        shares=[(city, 2000), (guixi, 8000)],
    )
    area_batch = exported(
        batch_create(finance=guixi, month=MONTH, actor=reviewer, today=TODAY), reviewer
    )
    assert area_batch.total == 8000
    settle(area_batch, [(application.number, 8000, "成功", "", "")], reviewer)
    application.refresh_from_db()
    assert application.state == ApplicationState.APPROVED

    city_batch = exported(
        batch_create(finance=city, month=MONTH, actor=reviewer, today=TODAY), reviewer
    )
    summary = settle(city_batch, [(application.number, 2000, "成功", "", "")], reviewer)
    application.refresh_from_db()
    assert application.state == ApplicationState.PAID
    assert summary["applications_paid"] == 1
    assert application.transitions.filter(action="pay").count() == 1


def test_the_database_refuses_a_second_live_line_of_a_share(guixi, reviewer):
    budget_set(guixi, 100_000)
    a = approved(finance=guixi, amount=2200, actor=reviewer)
    batch = batch_create(finance=guixi, month=MONTH, actor=reviewer, today=TODAY)
    share = a.shares.get()
    other = PaymentBatch.objects.create(
        finance=guixi, month=MONTH, sequence=2, created_by=reviewer
    )
    for status in (LineStatus.PENDING, LineStatus.PAID):
        with pytest.raises(IntegrityError), transaction.atomic():
            PaymentLine.objects.create(
                batch=other, share=share, amount=share.amount, status=status
            )
    # A failed line beside it is allowed: that is the history of a retry.
    PaymentLine.objects.create(
        batch=other, share=share, amount=share.amount, status=LineStatus.FAILED
    )
    assert batch.lines.get().share == share


def test_a_race_past_the_locks_is_caught_by_the_constraint_in_chinese(
    guixi, reviewer, monkeypatch
):
    """Two requests that both read a share as waiting: the second one's
    lines break the constraint, and nothing of its batch is written."""
    budget_set(guixi, 100_000)
    a = approved(finance=guixi, amount=2200, actor=reviewer)
    batch_create(finance=guixi, month=MONTH, actor=reviewer, today=TODAY)
    approved(finance=guixi, amount=1000, actor=reviewer)
    stale = type(a.shares.get()).objects.filter(finance=guixi).order_by("pk")
    monkeypatch.setattr(payments, "payable_shares", lambda finance: stale)

    with pytest.raises(PaymentError, match="已在另一发放批次中待发放或已发放"):
        batch_create(finance=guixi, month=MONTH, actor=reviewer, today=TODAY)
    assert PaymentBatch.objects.count() == 1
    assert PaymentLine.objects.count() == 1


def test_only_the_reviewer_creates_exports_in_full_and_settles(
    guixi, reviewer, incentive_users
):
    budget_set(guixi, 100_000)
    a = approved(finance=guixi, amount=2200, actor=reviewer)
    clerk = incentive_users["clerk"]
    with pytest.raises(PermissionDenied):
        batch_create(finance=guixi, month=MONTH, actor=clerk, today=TODAY)
    batch = batch_create(finance=guixi, month=MONTH, actor=reviewer, today=TODAY)
    with pytest.raises(PermissionDenied):
        batch_export(batch=batch, actor=clerk, reveal_reason="看看")
    exported(batch, reviewer)
    with pytest.raises(PermissionDenied):
        settle(batch, [(a.number, 2200, "成功", "", "")], clerk)
    assert batch.lines.get().status == LineStatus.PENDING


def test_an_application_entered_and_approved_is_paid_through_a_batch(
    guixi, incentive_users
):
    """The services of the applications (H2) make the share; the batch
    pays it and moves the application to 已发放."""
    reviewer = incentive_users["reviewer"]
    budget_set(guixi, 100_000)
    application = enter(incentive_users)
    verify(application, incentive_users)
    walk(application, incentive_users, "submit", "first_pass", "second_pass")
    walk(application, incentive_users, "publicise", "approve")
    batch = batch_create(finance=guixi, month=MONTH, actor=reviewer, today=TODAY)
    assert [(x.share.application, x.amount) for x in batch.lines.all()] == [
        (application, Decimal("2000.00"))
    ]
    settle(
        exported(batch, reviewer),
        [(application.number, 2000, "成功", "", "2025-03-18")],
        reviewer,
    )
    application.refresh_from_db()
    assert application.state == ApplicationState.PAID
    assert list(application.transitions.values_list("action", flat=True))[-1] == "pay"
