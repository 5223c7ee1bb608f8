"""The offline round trip of the monthly report: a department downloads its
period's reports as an Excel sheet, fills it in, and uploads it back.

The sheet is a contract with files kept on people's desks, so columns are
found by their header labels, not their places. Every row is checked before
anything is written, and the writes go through ``report_save`` so that the
web form's rules (who may edit, in which states, from which version) apply
to the sheet unchanged.
"""

import io
import re
from dataclasses import dataclass

from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from audit.services import audit_lock, audit_record
from common.spreadsheets import (
    ESCAPE,
    escape_formula,
    normalise_text,
)
from dispatch.models import (
    REPORT_TEXT_FIELDS,
    ProgressReport,
    ProgressStatus,
    ReportingPeriod,
    ReportState,
)
from policytext.text import clean_text, name_key
from tasks.importers.annex import open_workbook
from tasks.importers.errors import ImportFailed
from tasks.models import Department
from tasks.services import file_digest

from .. import permissions
from ..selectors.reports import department_sheet_reports
from .reports import (
    EDITABLE_FIELDS,
    ConcurrentEdit,
    ReportError,
    report_save,
    text_length_problem,
)

SHEET_TITLE = "进展报告"
HEADER_ROW = 3
HEADER_SEARCH_ROWS = 20
# What a cell holds (Excel's limit, at which openpyxl silently cuts).
CELL_MAX_LENGTH = 32_767


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int
    editable: bool = False


COLUMNS = (
    Column("report", "报告编号", 9),
    Column("task_number", "任务序号", 8),
    Column("key_task", "重点任务", 22),
    Column("requirement", "工作要求", 45),
    Column("role", "本部门角色", 10),
    Column("progress", "本月进展", 45, editable=True),
    Column("problems", "存在问题", 30, editable=True),
    Column("next_steps", "下步计划", 30, editable=True),
    Column("proposed_status", "进度判断", 12, editable=True),
    Column("completion", "完成度(%)", 11, editable=True),
    Column("state", "状态", 18),
    Column("version", "版本", 6),
)
LABELS = {column.key: column.label for column in COLUMNS}
REQUIRED = ("report", *EDITABLE_FIELDS, "version")
TEXT_FIELDS = REPORT_TEXT_FIELDS
STATUS_BY_LABEL = {label: value for value, label in ProgressStatus.choices}
_DIGITS = re.compile(r"[0-9]+")

GREY = PatternFill("solid", start_color="EEEEEE", end_color="EEEEEE")
HEADER_FILL = PatternFill("solid", start_color="DDE7F3", end_color="DDE7F3")
THIN = Side(style="thin", color="BBBBBB")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
MUTED = Font(color="666666")
SMALL_MUTED = Font(color="888888", size=9)


@dataclass(frozen=True)
class SheetResult:
    """What an upload did. ``skipped_rows`` are the sheet rows of reports
    that can no longer be edited, whose cells were not read."""

    updated: int
    unchanged: int
    skipped: int
    skipped_rows: tuple[int, ...] = ()


def sheet_file_name(*, period: ReportingPeriod, department: Department) -> str:
    name = re.sub(r'[\\/:*?"<>|\s]+', "-", department.name)
    return f"{period}进展报告-{name}.xlsx"


def sheet_build(*, period: ReportingPeriod, user) -> bytes:
    """The user's department's reports of the period as an xlsx workbook,
    its tasks and its texts so far filled in."""
    if not permissions.is_department_user(user):
        raise ReportError("只有部门填报员和负责人可以下载填报表。")
    reports = list(
        department_sheet_reports(user, period).order_by(
            "task__policy__number", "task__number", "pk"
        )
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    width = len(COLUMNS)

    _banner(
        sheet,
        1,
        f"{period} 技能鹰潭行动进展报告 — {user.department}",
        Font(bold=True, size=14),
        height=26,
    )
    _banner(sheet, 2, _instructions(period), SMALL_MUTED, height=62)
    for position, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(HEADER_ROW, position, column.label)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BOX
        cell.alignment = Alignment(
            wrap_text=True, horizontal="center", vertical="center"
        )
        sheet.column_dimensions[get_column_letter(position)].width = column.width
    sheet.row_dimensions[HEADER_ROW].height = 22

    for row, report in enumerate(reports, start=HEADER_ROW + 1):
        editable = report.is_editable
        values = _export_row(report)
        for position, column in enumerate(COLUMNS, start=1):
            cell = sheet.cell(row, position, values[column.key])
            cell.border = BOX
            cell.alignment = WRAP
            if not (editable and column.editable):
                cell.fill = GREY
            if column.key in ("report", "version", "state"):
                cell.font = MUTED
            if column.key == "completion":
                cell.number_format = "0"

    last_row = HEADER_ROW + max(len(reports), 1)
    _add_validations(sheet, last_row)
    sheet.freeze_panes = f"C{HEADER_ROW + 1}"
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(width)}{last_row}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_import(
    *, period: ReportingPeriod, user, data: bytes, file_name: str
) -> SheetResult:
    """Apply a filled-in sheet, all of it or, if any row is wrong, none of
    it: ``ImportFailed`` then lists every problem by row and column."""
    if not permissions.is_department_user(user):
        raise ImportFailed("只有部门填报员和负责人可以导入填报表。")
    workbook = open_workbook(data, file_name)
    rows = _read_rows(workbook, file_name)
    reports = {report.pk: report for report in department_sheet_reports(user, period)}

    errors: list[str] = []
    changes: list[tuple[int, ProgressReport, dict, int]] = []
    first_row_of: dict[int, int] = {}
    unchanged = 0
    skipped: list[int] = []
    for row in rows:
        report, problem = _match_report(row, reports, first_row_of, period)
        if problem:
            errors.append(problem)
            continue
        if not report.is_editable:
            skipped.append(row.number)
            continue
        values, problems = _read_values(row)
        if problems:
            errors.extend(problems)
            continue
        if all(values[name] == _current(report, name) for name in EDITABLE_FIELDS):
            unchanged += 1
            continue
        version = _as_int(row.value("version"))
        if version is None or version > report.version:
            errors.append(
                f"{row.where('version')}:版本“{_import_text(row.value('version'))}”"
                "无效。请勿修改该列,或重新下载填报表。"
            )
        elif version < report.version:
            errors.append(_stale(row.number, report))
        else:
            changes.append((row.number, report, values, version))
    if errors:
        raise ImportFailed(errors)

    with transaction.atomic():
        # Locks in the one order every writer takes them: the audit chain,
        # then the reports by id, whatever the order of the sheet's rows.
        # (NO KEY: an evidence file added meanwhile need not wait.)
        audit_lock()
        list(
            ProgressReport.objects.select_for_update(no_key=True)
            .filter(pk__in=[report.pk for _, report, _, _ in changes])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for number, report, values, version in changes:
            try:
                report_save(
                    report=report, data=values, expected_version=version, actor=user
                )
            except ConcurrentEdit as exc:
                # Saved by someone else between the checks above and now.
                current = ProgressReport.objects.select_related("updated_by").get(
                    pk=report.pk
                )
                raise ImportFailed(_stale(number, current)) from exc
            except ReportError as exc:
                raise ImportFailed(f"第{number}行:{exc}") from exc
        result = SheetResult(
            updated=len(changes),
            unchanged=unchanged,
            skipped=len(skipped),
            skipped_rows=tuple(skipped),
        )
        # One record for the upload; each report it changed has its own
        # report.save record from report_save.
        audit_record(
            action="import.sheet",
            actor=user,
            obj=period,
            department=user.department,
            after={
                "file_name": file_name[:255],
                "sha256": file_digest(data),
                "updated": result.updated,
                "unchanged": result.unchanged,
                "skipped": result.skipped,
                "reports": [report.pk for _, report, _, _ in changes],
            },
        )
    return result


# -- writing -----------------------------------------------------------------


def _instructions(period: ReportingPeriod) -> str:
    labels = "".join(f"“{LABELS[key]}”" for key in EDITABLE_FIELDS)
    return (
        f"填写说明:1. 只填写{labels}五列,灰色单元格请勿修改,不要增删行、不要改动表头。"
        "2. “进度判断”请从下拉列表中选择;“完成度(%)”填写 0 到 100 的整数。"
        "3. “状态”注明“不导入”的报告已报送、已审核或填报期已截止,其中的修改不会导入。"
        f"4. 填好后在平台“{period}进展报告 · 表格填报”页面上传本文件;"
        "整张表格无误才会导入,如下载后有人在平台上修改了同一份报告,将提示您重新下载。"
    )


def _banner(sheet, row: int, text: str, font: Font, height: int) -> None:
    last = get_column_letter(len(COLUMNS))
    sheet.merge_cells(f"A{row}:{last}{row}")
    cell = sheet.cell(row, 1, escape_formula(text))
    cell.font = font
    cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.row_dimensions[row].height = height


def _export_row(report: ProgressReport) -> dict[str, object]:
    status = report.get_proposed_status_display() if report.proposed_status else ""
    values = {
        "report": report.pk,
        "task_number": report.task.number,
        "key_task": report.task.key_task.name,
        "requirement": report.task.requirement,
        "role": report.get_role_display(),
        "progress": report.progress,
        "problems": report.problems,
        "next_steps": report.next_steps,
        "proposed_status": status,
        "completion": report.completion,
        "state": _state_label(report),
        "version": report.version,
    }
    return {
        key: _cell_text(value) if isinstance(value, str) else value
        for key, value in values.items()
    }


def _cell_text(value: str) -> str:
    """A text as its cell holds it. One longer than a cell can only be a
    column the upload does not read (a report's own text is limited far
    below), and it is shortened visibly, saying so, never silently."""
    text = escape_formula(normalise_text(value))
    if len(text) <= CELL_MAX_LENGTH:
        return text
    note = f"……(全文 {len(text)} 字,超出表格单元格上限,请在平台上查看全文)"
    return text[: CELL_MAX_LENGTH - len(note)] + note


def _state_label(report: ProgressReport) -> str:
    label = report.get_state_display()
    if report.is_editable:
        return label
    if report.state in (ReportState.DRAFT, ReportState.RETURNED):
        return f"{label}(填报期已截止,不导入)"
    return f"{label}(不导入)"


def _add_validations(sheet, last_row: int) -> None:
    first_row = HEADER_ROW + 1
    letters = {
        column.key: get_column_letter(position)
        for position, column in enumerate(COLUMNS, start=1)
    }
    choices = "、".join(ProgressStatus.labels)
    status = DataValidation(
        type="list",
        formula1='"' + ",".join(ProgressStatus.labels) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="进度判断",
        error=f"请从下拉列表中选择:{choices}。",
    )
    completion = DataValidation(
        type="whole",
        operator="between",
        formula1="0",
        formula2="100",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="完成度(%)",
        error="完成度须为 0 到 100 之间的整数。",
    )
    for validation, key in ((status, "proposed_status"), (completion, "completion")):
        validation.add(f"{letters[key]}{first_row}:{letters[key]}{last_row}")
        sheet.add_data_validation(validation)


# -- reading -----------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    number: int
    values: tuple
    columns: dict[str, int]

    def value(self, key: str) -> object:
        position = self.columns.get(key)
        if position is None or position >= len(self.values):
            return None
        return self.values[position]

    def where(self, key: str) -> str:
        letter = get_column_letter(self.columns[key] + 1)
        return f"第{self.number}行“{LABELS[key]}”列({letter}列)"


def _read_rows(workbook, file_name: str) -> list[_Row]:
    """The non-empty rows under the sheet's header row."""
    wanted = {name_key(column.label): column.key for column in COLUMNS}
    for worksheet in workbook.worksheets:
        grid = [tuple(values) for values in worksheet.iter_rows(values_only=True)]
        for index, values in enumerate(grid[:HEADER_SEARCH_ROWS]):
            columns: dict[str, int] = {}
            for position, value in enumerate(values):
                key = wanted.get(name_key(value))
                if key and key not in columns:
                    columns[key] = position
            if "report" not in columns:
                continue
            header_row = index + 1
            missing = [LABELS[key] for key in REQUIRED if key not in columns]
            if missing:
                raise ImportFailed(
                    f"工作表“{worksheet.title}”第{header_row}行的表头缺少"
                    + "、".join(f"“{label}”" for label in missing)
                    + "列。请使用本平台下载的填报表填写。"
                )
            rows = [
                _Row(number, values, columns)
                for number, values in enumerate(grid[header_row:], start=header_row + 1)
                if not all(_is_blank(value) for value in values)
            ]
            if not rows:
                raise ImportFailed(f"工作表“{worksheet.title}”表头以下没有任何报告行。")
            return rows
    raise ImportFailed(
        f"文件“{file_name}”中没有找到填报表的表头行(应包含“报告编号”“本月进展”"
        "“版本”等列)。请使用本平台下载的填报表填写后上传。"
    )


def _match_report(
    row: _Row,
    reports: dict[int, ProgressReport],
    first_row_of: dict[int, int],
    period: ReportingPeriod,
) -> tuple[ProgressReport | None, str | None]:
    raw = row.value("report")
    number = _as_int(raw)
    if number is None:
        text = _import_text(raw)
        if text:
            return None, f"{row.where('report')}:报告编号“{text}”无效。"
        return None, (
            f"{row.where('report')}:报告编号为空。本表只能填写已有的报告,不能新增行。"
        )
    if number in first_row_of:
        return None, (
            f"{row.where('report')}:报告编号 {number} 重复"
            f"(第{first_row_of[number]}行已出现)。"
        )
    first_row_of[number] = row.number
    report = reports.get(number)
    if report is None:
        return None, (
            f"{row.where('report')}:编号为 {number} 的报告不是本部门{period}的报告。"
            "请使用本期下载的填报表,不要修改该列。"
        )
    if "task_number" in row.columns:
        task_number = row.value("task_number")
        if _as_int(task_number) != report.task.number:
            return None, (
                f"{row.where('task_number')}:任务序号“{_import_text(task_number)}”"
                f"与报告编号 {number} 的任务({report.task.number})不符,"
                "请勿修改这两列。"
            )
    return report, None


def _read_values(row: _Row) -> tuple[dict, list[str]]:
    values: dict[str, object] = {
        name: _import_text(row.value(name)) for name in TEXT_FIELDS
    }
    # Refused, not cut: the row's text is the person's, whole.
    problems: list[str] = [
        f"{row.where(name)}:{problem}"
        for name in TEXT_FIELDS
        if (problem := text_length_problem(name, values[name]))
    ]
    status = _import_text(row.value("proposed_status"))
    if status and status not in STATUS_BY_LABEL:
        choices = "、".join(ProgressStatus.labels)
        problems.append(
            f"{row.where('proposed_status')}:“{status}”不是有效的进度判断,"
            f"请从下拉列表中选择({choices})。"
        )
    values["proposed_status"] = STATUS_BY_LABEL.get(status, "")
    raw = row.value("completion")
    text = _import_text(raw)
    completion = None
    if text:
        completion = _as_int(text.removesuffix("%") if isinstance(raw, str) else raw)
        if completion is None or not 0 <= completion <= 100:
            problems.append(
                f"{row.where('completion')}:“{text}”不是 0 到 100 之间的整数。"
            )
    values["completion"] = completion
    return values, problems


def _current(report: ProgressReport, name: str) -> object:
    value = getattr(report, name)
    return normalise_text(value) if name in TEXT_FIELDS else value


def _stale(row_number: int, report: ProgressReport) -> str:
    who = report.updated_by or "其他用户"
    return f"第{row_number}行:该报告在下载后已被{who}修改,请重新下载。"


def _import_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if text.startswith(ESCAPE):
        text = text[len(ESCAPE) :]
    return normalise_text(text)


def _as_int(value: object) -> int | None:
    """A whole number, not negative, however the cell holds it; else
    None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    text = clean_text(value)
    return int(text) if _DIGITS.fullmatch(text) else None


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
