"""The 附件 tables as a workbook: one sheet of tasks, one of targets, one of
departments, then one for each section other apps add (figures["sections"],
such as the supervision's 督导整改情况). Text goes through
common.spreadsheets like every export, so no cell is read as a formula."""

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from common.spreadsheets import escape_formula, normalise_text

from ..wording import chinese_date
from .word import names

TASK_HEADERS = (
    ("序号", "number", 6),
    ("重点任务", "key_task", 30),
    ("工作要求", "requirement", 40),
    ("牵头单位", "lead", 16),
    ("配合单位", "cooperating", 24),
    ("亮灯", "light_label", 12),
    ("单位自评", "proposed_label", 12),
    ("完成度(%)", "completion", 10),
    ("序时进度(%)", "expected", 10),
    ("最近审核通过", "last_approved", 12),
    ("进展情况", "progress", 50),
    ("下步计划", "next_steps", 40),
)
PUBLIC_OMITS = {"progress", "next_steps", "proposed_label"}
TARGET_HEADERS = (
    ("序号", 6),
    ("目标指标", 30),
    ("目标值", 10),
    ("单位", 8),
    ("完成时限", 14),
    ("最新完成值", 12),
    ("数据日期", 14),
    ("完成率(%)", 10),
    ("序时进度(%)", 10),
    ("亮灯", 12),
    ("牵头单位", 20),
)
DEPARTMENT_HEADERS = (
    ("排名", 6),
    ("较上期", 8),
    ("责任单位", 24),
    ("承担任务", 10),
    ("应报", 8),
    ("按时", 8),
    ("逾期", 8),
    ("未报", 8),
    ("退回", 8),
    ("红灯", 8),
)


def _cell(value):
    """Numbers stay numbers; text is escaped against formulas."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return value
    return escape_formula(normalise_text(str(value)))


def _sheet(workbook, title, headers, rows, *, first=False):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title
    sheet.append([name for name, *_ in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for row in rows:
        sheet.append([_cell(value) for value in row])
    for index, (*_, width) in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    return sheet


def _sheet_title(title: str, used: set[str]) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\,
    and not one already in the workbook."""
    base = re.sub(r"[\[\]:*?/\\]", "", title).strip("'")[:31] or "附表"
    name, number = base, 1
    while name in used:
        number += 1
        suffix = f"({number})"
        name = base[: 31 - len(suffix)] + suffix
    return name


def render_xlsx(figures: dict, text: dict) -> bytes:
    """The 附件 tables of the bulletin as .xlsx bytes; with text["public"]
    the reports' own words are left out, as in the document."""
    public = bool(text.get("public"))
    task_headers = [h for h in TASK_HEADERS if not (public and h[1] in PUBLIC_OMITS)]
    workbook = Workbook()
    _sheet(
        workbook,
        "重点任务推进情况",
        task_headers,
        (
            [
                names(task.get(key))
                if key in ("lead", "cooperating")
                else task.get(key)
                for _, key, _ in task_headers
            ]
            for task in figures["tasks"]
        ),
        first=True,
    )
    _sheet(
        workbook,
        "目标任务完成情况",
        TARGET_HEADERS,
        (
            [
                t["task_number"],
                t["metric"],
                t["value"],
                t["unit"],
                chinese_date(t["deadline"]),
                t["latest_value"],
                chinese_date(t["latest_date"]),
                t["percent"],
                t["expected_percent"],
                t["light_label"],
                names(t["lead"]),
            ]
            for t in figures["targets"]
        ),
    )
    _sheet(
        workbook,
        "各单位报送情况",
        DEPARTMENT_HEADERS,
        (
            [
                d["rank"],
                d["rank_change"],
                d["name"],
                d["tasks_held"],
                d["due"],
                d["on_time"],
                d["late"],
                d["missing"],
                d["returned"],
                d["red"],
            ]
            for d in figures["departments"]
        ),
    )
    used = set(workbook.sheetnames)
    for section in figures.get("sections") or []:
        title = _sheet_title(section["title"], used)
        used.add(title)
        _sheet(
            workbook,
            title,
            [(name, max(8, round(mm / 2))) for name, mm in section["columns"]],
            section["rows"],
        )
    workbook.properties.title = text.get("title") or ""
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
