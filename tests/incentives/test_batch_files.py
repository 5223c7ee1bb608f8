"""The bank's files: the transfer file masked by default and in full only
with a reason (audited), and the results sheet checked as a whole, each
error by row and column, nothing written unless all rows are valid."""

import datetime
import json

import pytest

from audit.models import AuditAction, AuditEvent
from incentives.models import ApplicationState, LineStatus, PaymentBatch
from incentives.services.payments import (
    PaymentError,
    batch_create,
    batch_export,
    batch_file_name,
    batch_settle,
)
from tests.incentives.payment_data import (
    MONTH,
    TODAY,
    approved,
    budget_set,
    finance,
    read_rows,
    sheet,
)

pytestmark = pytest.mark.django_db
CARD_ZHANG = "6217001234567890123"
CARD_LI = "6222020200112233445"
ID_ZHANG = "360602199003071233"
HEADER = ("序号", "申请编号", "姓名", "社保卡/银行卡号", "开户银行", "金额", "摘要")


@pytest.fixture
def reviewer(incentive_users):
    return incentive_users["reviewer"]


@pytest.fixture
def batch(incentive_defaults, reviewer):
    guixi = finance("贵溪市财政")
    budget_set(guixi, 100_000)
    zhang = approved(
        finance=guixi, amount=2200, actor=reviewer, name="张小三", card=CARD_ZHANG
    )
    zhang.id_number_masked = "3606**********1233"
    zhang.save()
    approved(finance=guixi, amount=1000, actor=reviewer, name="李四", card=CARD_LI)
    return batch_create(finance=guixi, month=MONTH, actor=reviewer, today=TODAY)


def numbers(batch):
    return list(
        batch.lines.order_by("share__application__number").values_list(
            "share__application__number", flat=True
        )
    )


def all_text(rows) -> str:
    return json.dumps(rows, ensure_ascii=False, default=str)


def test_the_export_is_masked_by_default_and_never_holds_the_id_number(batch, reviewer):
    data = batch_export(batch=batch, actor=reviewer)
    rows = read_rows(data)
    zhang, li = numbers(batch)

    assert rows[0] == HEADER
    assert rows[1] == (
        1,
        zhang,
        "张*三",
        "6217***********0123",
        "中国建设银行鹰潭分行",
        2200,
        "贵溪市财政2025年03月技能人才奖励(就业奖励)",
    )
    assert rows[2][:4] == (2, li, "李*", "6222***********3445")
    text = all_text(rows)
    for secret in (CARD_ZHANG, CARD_LI, ID_ZHANG, "3606**********1233", "张小三"):
        assert secret not in text
    batch.refresh_from_db()
    assert batch.state == PaymentBatch.State.OPEN  # not the bank's file
    assert not AuditEvent.objects.filter(action=AuditAction.PERSONAL_REVEAL).exists()
    event = AuditEvent.objects.get(action=AuditAction.BATCH_EXPORT)
    assert event.after["masked"] is True
    assert event.after["lines"] == 2
    assert event.after["file_name"] == batch_file_name(batch, full=False)


def test_with_a_reason_the_export_has_the_full_numbers_and_the_reveal_is_audited(
    batch, reviewer
):
    data = batch_export(batch=batch, actor=reviewer, reveal_reason=" 交建设银行代发 ")
    rows = read_rows(data)

    assert [r[2:4] for r in rows[1:]] == [("张小三", CARD_ZHANG), ("李四", CARD_LI)]
    assert ID_ZHANG not in all_text(rows)
    reveal = AuditEvent.objects.get(action=AuditAction.PERSONAL_REVEAL)
    assert reveal.object_id == str(batch.pk)
    assert reveal.actor_id == reviewer.pk
    assert reveal.after == {
        "field": "card_number",
        "reason": "交建设银行代发",
        "count": 2,
    }
    export = AuditEvent.objects.get(action=AuditAction.BATCH_EXPORT)
    assert export.after["masked"] is False
    for event in AuditEvent.objects.all():
        recorded = all_text([event.before, event.after, event.object_repr])
        assert CARD_ZHANG not in recorded and CARD_LI not in recorded
    batch.refresh_from_db()
    assert batch.state == PaymentBatch.State.EXPORTED
    assert batch.exported_at is not None


def test_a_blank_reason_gives_the_masked_file(batch, reviewer):
    rows = read_rows(batch_export(batch=batch, actor=reviewer, reveal_reason="   "))
    assert CARD_ZHANG not in all_text(rows)
    assert not AuditEvent.objects.filter(action=AuditAction.PERSONAL_REVEAL).exists()


def test_a_name_that_looks_like_a_formula_is_written_as_text(
    incentive_defaults, reviewer
):
    guixi = finance("贵溪市财政")
    budget_set(guixi, 100_000)
    approved(finance=guixi, amount=1000, actor=reviewer, name="=HYPERLINK(1)")
    batch = batch_create(finance=guixi, month=MONTH, actor=reviewer, today=TODAY)
    rows = read_rows(batch_export(batch=batch, actor=reviewer, reveal_reason="代发"))
    assert rows[1][2] == "'=HYPERLINK(1)"


def exported(batch, reviewer):
    batch_export(batch=batch, actor=reviewer, reveal_reason="交建设银行代发")
    return batch


def test_results_with_bad_rows_name_row_and_column_and_write_nothing(batch, reviewer):
    exported(batch, reviewer)
    zhang, li = numbers(batch)
    data = sheet(
        [
            (zhang, 2200, "成功", "", "2025-03-18"),  # row 3: valid
            (li, 1200, "ok", "", "2025/13/01"),  # row 4
            ("JL2025-999999", 100, "成功", "", ""),  # row 5
            (li, "壹仟", "失败", "", datetime.date(2025, 3, 21)),  # row 6
            (zhang, 2200, "成功", "", ""),  # row 7
            ("", None, None, "", ""),  # blank: skipped
            (None, 1000, "失败", "户名不符", ""),  # row 9
        ],
        title="建设银行代发结果",
    )

    with pytest.raises(PaymentError) as caught:
        batch_settle(
            batch=batch, data=data, file_name="回盘.xlsx", actor=reviewer, today=TODAY
        )

    assert caught.value.errors == [
        "第4行“金额”列:1,200.00元与本批次该笔金额1,000.00元不一致",
        "第4行“结果”列:应为“成功”或“失败”",
        "第4行“日期”列:应为日期(如 2025-03-31),而不是“2025/13/01”",
        "第5行“申请编号”列:申请编号“JL2025-999999”不在本批次中",
        f"第6行“申请编号”列:申请编号“{li}”与第4行重复",
        "第6行“金额”列:应为金额,而不是“壹仟”",
        "第6行“失败原因”列:发放失败的须填写失败原因",
        "第6行“日期”列:2025-03-21晚于今天",
        f"第7行“申请编号”列:申请编号“{zhang}”与第3行重复",
        "第9行“申请编号”列:不能为空",
    ]
    assert set(batch.lines.values_list("status", flat=True)) == {LineStatus.PENDING}
    assert not AuditEvent.objects.filter(action=AuditAction.BATCH_SETTLE).exists()
    assert batch.lines.first().share.application.state == ApplicationState.APPROVED


def test_results_without_the_required_columns_are_refused(batch, reviewer):
    exported(batch, reviewer)
    data = sheet([("JL", 1)], header=("申请编号", "金额"))
    with pytest.raises(PaymentError, match="表头\\(第1行\\)缺少“结果”列"):
        batch_settle(
            batch=batch, data=data, file_name="回盘.xlsx", actor=reviewer, today=TODAY
        )
    data = sheet([("JL", 1)], header=("编号", "钱"))
    with pytest.raises(PaymentError, match="没有找到表头行"):
        batch_settle(
            batch=batch, data=data, file_name="回盘.xlsx", actor=reviewer, today=TODAY
        )


def test_a_file_that_is_not_a_workbook_or_is_empty_is_refused_in_chinese(
    batch, reviewer
):
    exported(batch, reviewer)
    with pytest.raises(PaymentError, match="不是 Excel 工作簿"):
        batch_settle(
            batch=batch,
            data=b"hello",
            file_name="回盘.xlsx",
            actor=reviewer,
            today=TODAY,
        )
    with pytest.raises(PaymentError, match="没有发放结果行"):
        batch_settle(
            batch=batch,
            data=sheet([]),
            file_name="回盘.xlsx",
            actor=reviewer,
            today=TODAY,
        )


def test_valid_results_are_all_written_with_their_dates(batch, reviewer):
    exported(batch, reviewer)
    zhang, li = numbers(batch)
    data = sheet(
        [
            (zhang, "2,200.00元", "成功", "", datetime.datetime(2025, 3, 18, 9, 30)),  # noqa: DTZ001
            (li, 1000.0, "失败", "账号不存在", "2025年3月19日"),
        ]
    )
    summary = batch_settle(
        batch=batch, data=data, file_name="回盘.xlsx", actor=reviewer, today=TODAY
    )
    assert summary == {"paid": 1, "failed": 1, "pending": 0, "applications_paid": 1}
    lines = {
        x.share.application.number: (x.status, x.failure_reason, x.settled_on)
        for x in batch.lines.select_related("share__application")
    }
    assert lines == {
        zhang: (LineStatus.PAID, "", datetime.date(2025, 3, 18)),
        li: (LineStatus.FAILED, "账号不存在", datetime.date(2025, 3, 19)),
    }
    event = AuditEvent.objects.get(action=AuditAction.BATCH_SETTLE)
    assert event.after["paid_amount"] == "2,200.00"
    assert event.after["failed_amount"] == "1,000.00"
