"""The targets' progress as an Excel workbook, one row a target, for the
office's own tables and the quarterly bulletin."""

import datetime
import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from common.spreadsheets import XLSX_CONTENT_TYPE, escape_formula, normalise_text

from .progress import Progress
from .selectors import Group

__all__ = ["XLSX_CONTENT_TYPE", "export_file_name", "targets_workbook"]

SHEET_TITLE = "目标进展"
HEADER_FILL = PatternFill("solid", start_color="DDE7F3", end_color="DDE7F3")
NUMBER = "0.##"
PERCENT = "0.0%"
DATE = "yyyy-mm-dd"


@dataclass(frozen=True)
class Column:
    label: str
    width: int
    number_format: str = ""


COLUMNS = (
    Column("序号", 6),
    Column("重点任务", 30),
    Column("指标", 36),
    Column("目标值", 10, NUMBER),
    Column("单位", 8),
    Column("比较", 12),
    Column("期限", 12, DATE),
    Column("最新值", 10, NUMBER),
    Column("截至日期", 12, DATE),
    Column("完成比例", 10, PERCENT),
    Column("应达进度", 10, PERCENT),
    Column("状态", 10),
    Column("预测期末值", 12, NUMBER),
    Column("每月需完成", 12, NUMBER),
)


def export_file_name(today: datetime.date) -> str:
    return f"技能鹰潭行动目标进展-{today:%Y%m%d}.xlsx"


def targets_workbook(groups: list[Group]) -> bytes:
    """The groups' targets in the board's order, as an xlsx file."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    sheet.append([column.label for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
    number = 0
    for group in groups:
        for item in group.items:
            number += 1
            sheet.append(_row(number, group, item))
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.number_format:
            for (cell,) in sheet.iter_rows(
                min_row=2, min_col=index, max_col=index, max_row=sheet.max_row
            ):
                cell.number_format = column.number_format
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _row(number: int, group: Group, item: Progress) -> list:
    target = item.target
    return [
        number,
        _text(group.title),
        _text(target.metric + ("(力争)" if target.aspirational else "")),
        target.value,
        _text(target.unit),
        target.get_comparator_display(),
        target.deadline,
        item.latest_value,
        item.latest_date,
        _share(item.percent),
        _share(item.expected_percent),
        item.status_label,
        item.forecast,
        item.pace_needed,
    ]


def _text(value: str) -> str:
    return escape_formula(normalise_text(value))


def _share(percent: float | None) -> float | None:
    return None if percent is None else round(percent / 100, 4)
