"""Payment batches: what one finance pays in one month, the transfer file
for the bank, and the bank's results read back.

- ``batch_create`` takes every share of the finance whose application is
  approved and that has no line pending or paid (a failed one is taken
  again), and refuses a batch the finance's budget for the year cannot
  bear, with the figures.
- ``batch_export`` writes the transfer file (xlsx). Card numbers are
  masked unless a reason is given: then they are decrypted for the bank,
  the reveal is audited, and the batch is marked exported.
- ``batch_settle`` reads the bank's results (成功/失败 per line), checks
  the whole sheet first and writes every row or none; an application is
  paid when every share of it is.

A share is never paid twice: ``batch_create`` never takes a share with a
pending or paid line, ``batch_settle`` refuses a line already settled, and
the database refuses a second live line of a share (constraint
``payment_line_live_once``) should two requests race past the locks.
"""

import datetime
import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from audit.models import AuditAction
from audit.services import audit_record
from common.spreadsheets import escape_formula, normalise_text
from incentives import crypto, permissions
from incentives.feeds import feed_readings
from incentives.models import (
    ApplicationState,
    Budget,
    Finance,
    LineStatus,
    PaymentBatch,
    PaymentLine,
    Share,
)
from incentives.selectors.payments import LIVE_LINE, money, year_figures
from incentives.services.applications import ApplicationError, application_move
from policytext.text import clean_text, name_key
from tasks.importers.annex import open_workbook
from tasks.importers.errors import ImportFailed
from tasks.services import file_digest

CENT = Decimal("0.01")


class PaymentError(Exception):
    """A refused payment operation; every message is in Chinese and, for a
    results sheet, names the row and column. Nothing has been written."""

    def __init__(self, errors: list[str] | str):
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        super().__init__("\n".join(self.errors))


def _require_manager(actor) -> None:
    if not permissions.can_manage_payments(actor):
        raise PermissionDenied("只有人社局审核员可以办理奖励发放。")


# -- creating a batch ------------------------------------------------------------


def payable_shares(finance: Finance):
    """The shares of ``finance`` waiting to be paid: application approved,
    no line pending or paid (never batched, or failed last time)."""
    return (
        Share.objects.filter(
            finance=finance, application__state=ApplicationState.APPROVED
        )
        .exclude(lines__status__in=LIVE_LINE)
        .order_by("application__number", "pk")
    )


@transaction.atomic
def batch_create(
    *, finance: Finance, month: datetime.date, actor, today: datetime.date
) -> PaymentBatch:
    """A batch of every share of ``finance`` waiting to be paid, for
    ``month`` (its first day is kept), drawn on the finance's budget for
    ``month.year``.

    Refused, with the figures, when its total exceeds what remains of that
    budget: the budget less what is committed (lines pending in the
    year's other batches) and what was paid (lines paid in the year's
    batches)."""
    _require_manager(actor)
    month = month.replace(day=1)
    if month > today.replace(day=1):
        raise PaymentError(f"发放月份{month:%Y年%m月}晚于本月,不能提前创建发放批次。")
    # The finance's row serialises the batches of one finance: the shares
    # taken, the sequence and the budget check are read under it.
    finance = Finance.objects.select_for_update().get(pk=finance.pk)
    shares = list(payable_shares(finance).select_for_update(of=("self",)))
    if not shares:
        raise PaymentError(
            f"{finance}没有待发放的奖励(公示期满已通过、尚未发放的资金负担)。"
        )
    total = sum((share.amount for share in shares), Decimal(0))
    budget = Budget.objects.filter(finance=finance, year=month.year).first()
    if budget is None:
        raise PaymentError(
            f"尚未设定{finance}{month.year}年度预算,不能创建发放批次;"
            "请先在管理后台“奖励资金预算”中设定。"
        )
    figures = year_figures(finance=finance, year=month.year)
    remaining = budget.amount - figures.committed - figures.paid
    if total > remaining:
        raise PaymentError(
            f"超出预算:{finance}{month.year}年预算{money(budget.amount)}元,"
            f"已承诺{money(figures.committed)}元,已发放{money(figures.paid)}元,"
            f"剩余{money(remaining)}元,本批{money(total)}元。"
        )
    last = PaymentBatch.objects.filter(finance=finance, month=month).aggregate(
        last=Max("sequence")
    )["last"]
    try:
        with transaction.atomic():
            batch = PaymentBatch.objects.create(
                finance=finance,
                month=month,
                sequence=(last or 0) + 1,
                total=total,
                created_by=actor,
            )
            PaymentLine.objects.bulk_create(
                PaymentLine(batch=batch, share=share, amount=share.amount)
                for share in shares
            )
    except IntegrityError as exc:
        raise PaymentError(
            "有奖励已在另一发放批次中待发放或已发放(可能有人同时创建了批次),"
            "本批次未创建。请刷新页面后重试。"
        ) from exc
    audit_record(
        action=AuditAction.BATCH_CREATE,
        actor=actor,
        obj=batch,
        after={
            "finance": str(finance),
            "month": f"{month:%Y-%m}",
            "sequence": batch.sequence,
            "lines": len(shares),
            "total": money(total),
        },
    )
    return batch


# -- the transfer file -------------------------------------------------------------

EXPORT_COLUMNS = (
    ("序号", 6),
    ("申请编号", 16),
    ("姓名", 12),
    ("社保卡/银行卡号", 24),
    ("开户银行", 24),
    ("金额", 12),
    ("摘要", 30),
)
HEADER_FILL = PatternFill("solid", start_color="DDE7F3", end_color="DDE7F3")
MONEY_FORMAT = "#,##0.00"


def batch_file_name(batch: PaymentBatch, *, full: bool) -> str:
    kind = "银行发放文件" if full else "发放清单(脱敏)"
    return f"{kind}-{batch.finance}-{batch.month:%Y%m}-第{batch.sequence}批.xlsx"


def _lines_for_file(batch: PaymentBatch) -> list[PaymentLine]:
    return list(
        batch.lines.select_related("share__application").order_by(
            "share__application__number", "pk"
        )
    )


@transaction.atomic
def batch_export(*, batch: PaymentBatch, actor, reveal_reason: str = "") -> bytes:
    """The batch's lines as an xlsx file for the bank: 序号, 申请编号,
    姓名, 社保卡/银行卡号, 开户银行, 金额, 摘要. Never the ID number.

    Without ``reveal_reason``: names and card numbers masked, a copy to
    check and keep, which anyone who sees the batch may take. With it
    (the reviewer only): the full names and card numbers the bank needs,
    decrypted here; the reveal is audited (the field, the reason and how
    many, never the values) and the batch is marked exported, waiting for
    the bank's results."""
    reason = reveal_reason.strip()
    full = bool(reason)
    if full:
        _require_manager(actor)
    lines = _lines_for_file(batch)
    summary = f"{batch.finance}{batch.month:%Y年%m月}技能人才奖励"
    book = Workbook()
    sheet = book.active
    sheet.title = "发放清单"
    sheet.append([label for label, _ in EXPORT_COLUMNS])
    for number, line in enumerate(lines, start=1):
        application = line.share.application
        if full:
            name = application.name
            card = crypto.decrypt(application.card_encrypted)
        else:
            name = crypto.mask_name(application.name)
            card = application.card_masked
        sheet.append(
            [
                number,
                _text(application.number),
                _text(name),
                _text(card),
                _text(application.card_bank),
                line.amount,
                _text(f"{summary}({application.get_kind_display()})"),
            ]
        )
    _finish(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    if full:
        audit_record(
            action=AuditAction.PERSONAL_REVEAL,
            actor=actor,
            obj=batch,
            after={"field": "card_number", "reason": reason, "count": len(lines)},
        )
        if batch.state == PaymentBatch.State.OPEN:
            batch.state = PaymentBatch.State.EXPORTED
            batch.exported_at = timezone.now()
            batch.save(update_fields=["state", "exported_at"])
    audit_record(
        action=AuditAction.BATCH_EXPORT,
        actor=actor,
        obj=batch,
        after={
            "file_name": batch_file_name(batch, full=full),
            "masked": not full,
            "lines": len(lines),
            "sha256": file_digest(data),
        },
    )
    return data


def _text(value: str) -> str:
    return escape_formula(normalise_text(value or ""))


def _finish(sheet) -> None:
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for index, (_, width) in enumerate(EXPORT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for (cell,) in sheet.iter_rows(min_row=2, min_col=6, max_col=6):
        cell.number_format = MONEY_FORMAT
    sheet.freeze_panes = "A2"


# -- the bank's results ------------------------------------------------------------

RESULT_COLUMNS = {
    "number": "申请编号",
    "amount": "金额",
    "result": "结果",
    "reason": "失败原因",
    "date": "日期",
}
REQUIRED_COLUMNS = ("number", "amount", "result")
RESULTS = {"成功": LineStatus.PAID, "失败": LineStatus.FAILED}
HEADER_SEARCH_ROWS = 10
REASON_MAX = PaymentLine._meta.get_field("failure_reason").max_length


@dataclass(frozen=True)
class Result:
    line: PaymentLine
    status: str
    reason: str
    settled_on: datetime.date


def _header(grid) -> tuple[int, dict[str, int]] | None:
    """The header row (1-based) and the column of each field."""
    labels = {name_key(label): key for key, label in RESULT_COLUMNS.items()}
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        columns = {}
        for position, value in enumerate(row):
            key = labels.get(name_key(clean_text(value)))
            if key and key not in columns:
                columns[key] = position
        if "number" in columns:
            return index + 1, columns
    return None


def _cell(row: tuple, position: int | None):
    if position is None or position >= len(row):
        return None
    value = row[position]
    return value.strip() if isinstance(value, str) else value


def _amount(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        text = str(value).replace(",", "").replace(",", "").removesuffix("元")
        try:
            number = Decimal(text.strip())
        except InvalidOperation:
            return None
    if not number.is_finite():
        return None
    return number.quantize(CENT)


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    for pattern in ("%Y-%m-%d", "%Y年%m月%d日", "%Y%m%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007
        except ValueError:
            continue
    return None


def _read_results(
    *, batch: PaymentBatch, data: bytes, file_name: str, today: datetime.date
) -> list[Result]:
    """Every row of the results sheet checked against the batch; a
    PaymentError lists every error found, by row and column."""
    try:
        workbook = open_workbook(data, file_name)
    except ImportFailed as exc:
        raise PaymentError(exc.errors) from exc
    sheet = workbook.worksheets[0]
    grid = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    found = _header(grid)
    if found is None:
        raise PaymentError(
            f"文件“{file_name}”的工作表“{sheet.title}”中没有找到表头行:"
            "表头应包含“申请编号”“金额”“结果”“失败原因”“日期”。"
        )
    header_row, columns = found
    missing = [RESULT_COLUMNS[k] for k in REQUIRED_COLUMNS if k not in columns]
    if missing:
        raise PaymentError(
            f"表头(第{header_row}行)缺少"
            + "、".join(f"“{label}”" for label in missing)
            + "列。"
        )
    lines = {
        line.share.application.number: line
        for line in batch.lines.select_related("share__application")
    }
    errors: list[str] = []
    results: list[Result] = []
    seen: dict[str, int] = {}

    def where(row: int, key: str) -> str:
        return f"第{row}行“{RESULT_COLUMNS[key]}”列"

    for row_number, row in enumerate(grid[header_row:], start=header_row + 1):
        values = {key: _cell(row, columns.get(key)) for key in RESULT_COLUMNS}
        if all(v in (None, "") for v in values.values()):
            continue
        row_errors = []
        number = str(values["number"] or "").strip()
        line = None
        if not number:
            row_errors.append(f"{where(row_number, 'number')}:不能为空")
        elif number in seen:
            row_errors.append(
                f"{where(row_number, 'number')}:申请编号“{number}”"
                f"与第{seen[number]}行重复"
            )
        elif number not in lines:
            row_errors.append(
                f"{where(row_number, 'number')}:申请编号“{number}”不在本批次中"
            )
        else:
            seen[number] = row_number
            line = lines[number]
            if line.status == LineStatus.PAID:
                row_errors.append(
                    f"{where(row_number, 'number')}:申请编号“{number}”"
                    "已发放,不得重复发放"
                )
            elif line.status == LineStatus.FAILED:
                row_errors.append(
                    f"{where(row_number, 'number')}:申请编号“{number}”已登记为"
                    "发放失败,将在下一批次重新发放,不能在本批次再次登记"
                )
        amount = None
        if values["amount"] in (None, ""):
            row_errors.append(f"{where(row_number, 'amount')}:不能为空")
        else:
            amount = _amount(values["amount"])
            if amount is None:
                row_errors.append(
                    f"{where(row_number, 'amount')}:应为金额,而不是“{values['amount']}”"
                )
            elif line is not None and amount != line.amount:
                row_errors.append(
                    f"{where(row_number, 'amount')}:{money(amount)}元"
                    f"与本批次该笔金额{money(line.amount)}元不一致"
                )
        result = str(values["result"] or "").strip()
        status = RESULTS.get(result)
        if status is None:
            row_errors.append(f"{where(row_number, 'result')}:应为“成功”或“失败”")
        reason = normalise_text(str(values["reason"] or ""))
        if status == LineStatus.FAILED and not reason:
            row_errors.append(f"{where(row_number, 'reason')}:发放失败的须填写失败原因")
        elif len(reason) > REASON_MAX:
            row_errors.append(f"{where(row_number, 'reason')}:不能超过{REASON_MAX}字")
        settled_on = today
        if values["date"] not in (None, ""):
            settled_on = _date(values["date"])
            if settled_on is None:
                row_errors.append(
                    f"{where(row_number, 'date')}:应为日期(如 2025-03-31),"
                    f"而不是“{values['date']}”"
                )
            elif settled_on > today:
                row_errors.append(
                    f"{where(row_number, 'date')}:{settled_on:%Y-%m-%d}晚于今天"
                )
        if row_errors:
            errors.extend(row_errors)
        else:
            results.append(
                Result(
                    line=line,
                    status=status,
                    reason=reason if status == LineStatus.FAILED else "",
                    settled_on=settled_on,
                )
            )
    if not errors and not results:
        errors.append(f"文件“{file_name}”中没有发放结果行(表头下方为空)。")
    if errors:
        raise PaymentError(errors)
    return results


@transaction.atomic
def batch_settle(
    *,
    batch: PaymentBatch,
    data: bytes,
    file_name: str,
    actor,
    today: datetime.date,
) -> dict:
    """The bank's results for the batch's lines: every row is checked
    first (each error names its row and column) and nothing is written
    unless all are valid. Each line named becomes paid or failed with its
    date (the sheet's, else ``today``); an application whose every share
    is paid moves to 已发放; the batch is settled when no line is pending.
    Lines the sheet does not name stay pending for a later results file.
    Returns the counts: paid, failed, pending, applications_paid."""
    _require_manager(actor)
    batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state == PaymentBatch.State.OPEN:
        raise PaymentError(
            "本批次尚未导出银行发放文件,不能导入发放结果;"
            "请先导出发放文件(含完整卡号)交银行。"
        )
    if batch.state == PaymentBatch.State.SETTLED:
        raise PaymentError(
            "本批次已回盘,没有待发放的明细,不能再次导入发放结果(不得重复发放)。"
        )
    # Locked, so that a second upload of the same results waits and then
    # finds the lines settled.
    list(batch.lines.select_for_update())
    results = _read_results(batch=batch, data=data, file_name=file_name, today=today)
    for result in results:
        line = result.line
        line.status = result.status
        line.failure_reason = result.reason
        line.settled_on = result.settled_on
    PaymentLine.objects.bulk_update(
        [r.line for r in results], ["status", "failure_reason", "settled_on"]
    )
    paid_now = {r.line.share.application_id for r in results if r.status == "paid"}
    applications_paid = 0
    if paid_now:
        unpaid = defaultdict(int)
        for application_id in (
            Share.objects.filter(application_id__in=paid_now)
            .exclude(lines__status=LineStatus.PAID)
            .values_list("application_id", flat=True)
        ):
            unpaid[application_id] += 1
        applications = {
            r.line.share.application_id: r.line.share.application for r in results
        }
        for application_id in sorted(paid_now - set(unpaid)):
            application = applications[application_id]
            application.refresh_from_db()
            if application.state != ApplicationState.APPROVED:
                continue
            try:
                application_move(application=application, action="pay", actor=actor)
            except ApplicationError as exc:
                raise PaymentError(
                    f"申请{application.number}不能登记为已发放:{exc}"
                    "(本次回盘未导入任何内容)"
                ) from exc
            applications_paid += 1
    pending = batch.lines.filter(status=LineStatus.PENDING).count()
    if pending == 0:
        batch.state = PaymentBatch.State.SETTLED
        batch.settled_at = timezone.now()
        batch.save(update_fields=["state", "settled_at"])
    paid = [r for r in results if r.status == LineStatus.PAID]
    failed = [r for r in results if r.status == LineStatus.FAILED]
    summary = {
        "paid": len(paid),
        "failed": len(failed),
        "pending": pending,
        "applications_paid": applications_paid,
    }
    audit_record(
        action=AuditAction.BATCH_SETTLE,
        actor=actor,
        obj=batch,
        after={
            "file_name": file_name,
            "sha256": file_digest(data),
            **summary,
            "paid_amount": money(sum((r.line.amount for r in paid), Decimal(0))),
            "failed_amount": money(sum((r.line.amount for r in failed), Decimal(0))),
        },
    )
    # The targets counted from the awards paid (incentives.feeds): the
    # readings this import added, when it added any.
    if paid:
        fed = [r for r in feed_readings(today=today, actor=actor) if r.reading]
        if fed:
            summary["fed"] = fed
    return summary
