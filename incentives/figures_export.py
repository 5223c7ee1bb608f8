"""The incentives' figures as an Excel workbook: the page's three tables
(by kind and level, by bearing finance, by month), one sheet each. Counts
and amounts only: no name, ID, phone or card number is in any cell."""

import datetime
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from common.spreadsheets import escape_formula

from .selectors.figures import STATE_GROUPS, FigureRow, Figures

HEADER_FILL = PatternFill("solid", start_color="DDE7F3", end_color="DDE7F3")
AMOUNT = "#,##0.00"
NOTE = (
    "申请及各状态按申请日期统计(状态为统计时的状态);期内通过按公示期满通过日期统计,"
    "期内发放按到账日期统计;按负担财政统计时,通过与发放金额为该财政负担部分。"
)
FIGURE_HEADERS = [
    *(f"{group.label}(件)" for group in STATE_GROUPS),
    "期内通过(件)",
    "期内通过金额(元)",
    "期内发放(件)",
    "期内发放金额(元)",
]
# The amount columns among FIGURE_HEADERS, counted from its first.
AMOUNT_COLUMNS = (len(STATE_GROUPS) + 1, len(STATE_GROUPS) + 3)


def export_file_name(figures: Figures, today: datetime.date) -> str:
    return f"激励奖励统计-{figures.label}-{today:%Y%m%d}.xlsx"


def _cells(row: FigureRow) -> list:
    return [
        *(tally.count for tally in row.group_cells),
        row.approvals.count,
        row.approvals.amount,
        row.payments.count,
        row.payments.amount,
    ]


def _sheet(book, title: str, heading: str, labels: list[str], rows, widths):
    sheet = book.create_sheet(title)
    sheet.append([escape_formula(heading)])
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append([NOTE])
    sheet.append([*labels, *FIGURE_HEADERS])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(
            horizontal="center", vertical="center", wrap_text=True
        )
    for names, row, bold in rows:
        sheet.append([escape_formula(name) for name in names] + _cells(row))
        if bold:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    first_figure = len(labels) + 1
    for offset in AMOUNT_COLUMNS:
        column = first_figure + offset
        for (cell,) in sheet.iter_rows(
            min_row=4, min_col=column, max_col=column, max_row=sheet.max_row
        ):
            cell.number_format = AMOUNT
    for index in range(1, len(labels) + len(FIGURE_HEADERS) + 1):
        width = widths[index - 1] if index <= len(labels) else 12
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A4"
    return sheet


def figures_workbook(figures: Figures, *, scope: str) -> bytes:
    """The three tables of ``figures`` (``scope`` names whose figures they
    are, e.g. 全市 or 贵溪市人民政府) as xlsx bytes."""
    book = Workbook()
    book.remove(book.active)
    heading = f"技能人才激励奖励统计({scope},{figures.label})"
    kind_rows = []
    for block in figures.kinds:
        for row in block.levels:
            kind_rows.append(([block.label, row.label], row, False))
        kind_rows.append(([block.label, "小计"], block.total, True))
    kind_rows.append((["合计", ""], figures.total, True))
    _sheet(book, "按奖励类别和等级", heading, ["奖励类别", "等级"], kind_rows, [26, 16])
    finance_rows = [([row.label], row, False) for row in figures.finances]
    _sheet(book, "按负担财政", heading, ["负担财政"], finance_rows, [20])
    month_rows = [([row.label], row, False) for row in figures.months]
    month_rows.append((["合计"], figures.month_total, True))
    _sheet(book, "按月份", heading, ["月份"], month_rows, [14])
    book.properties.title = heading
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
