"""Reading the annex, 重点任务及责任分工, as offices keep it in Excel.

The sheet has title rows above the header, a 重点任务 column merged over
the rows of each key task, text wrapped inside words, the header and a key
task printed again after a page break, and department lists joined by 、 and
commas of either width.
"""

import io
import zipfile
from dataclasses import dataclass, field

import openpyxl
from django.conf import settings
from openpyxl.utils import get_column_letter

from common.files import (
    OLE2_SIGNATURE,
    FileRejected,
    check_zip_archive,
    megabytes,
    unpack_zip_bounded,
)
from policytext.text import clean_text, name_key, to_half_width, whole_number
from tasks.models import KeyTask, Task

from .errors import ImportFailed

COLUMNS = {
    "number": ("序号", "编号"),
    "key_task": ("重点任务",),
    "requirement": ("工作要求", "具体要求", "任务内容"),
    "departments": ("责任部门", "责任单位"),
}
COLUMN_LABELS = {key: names[0] for key, names in COLUMNS.items()}
HEADER_SEARCH_ROWS = 30
# What the columns holding them take; a longer value would be cut, or
# refused by PostgreSQL mid-import.
MAX_NUMBER = 32767  # PositiveSmallIntegerField
KEY_TASK_MAX_LENGTH = KeyTask._meta.get_field("annex_title").max_length
DEPARTMENTS_MAX_LENGTH = Task._meta.get_field("departments_text").max_length


@dataclass
class AnnexRow:
    row: int
    number: int
    key_task: str
    requirement: str
    departments: str


@dataclass
class AnnexSheet:
    sheet_name: str
    rows: list[AnnexRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def key_task_titles(self) -> list[str]:
        """Distinct key tasks in order of first appearance.

        A key task printed again after a page break is the same key task.
        """
        titles: list[str] = []
        seen: set[str] = set()
        spellings: set[str] = set()  # name_key costs; rows repeat a title
        for row in self.rows:
            if row.key_task in spellings:
                continue
            spellings.add(row.key_task)
            key = name_key(row.key_task)
            if key not in seen:
                seen.add(key)
                titles.append(row.key_task)
        return titles

    def where(self, row: int, column: str | None = None) -> str:
        place = f"工作表“{self.sheet_name}”第{row}行"
        if column:
            place += f"“{COLUMN_LABELS[column]}”列"
        return place


def open_workbook(data: bytes, file_name: str) -> openpyxl.Workbook:
    """Open an uploaded xlsx after checking its size and, before anything is
    unpacked, the declared sizes of its parts (zip bombs)."""
    if not data:
        raise ImportFailed(f"文件“{file_name}”是空文件。")
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if len(data) > limit:
        raise ImportFailed(
            f"文件“{file_name}”大小为 {megabytes(len(data))},"
            f"超过上限 {megabytes(limit)}。"
        )
    if data[:8] == OLE2_SIGNATURE:
        raise ImportFailed(
            f"文件“{file_name}”是旧版 Excel(.xls)格式,请在 Excel 中另存为"
            " .xlsx 后再导入。"
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportFailed(f"文件“{file_name}”不是 Excel 工作簿(.xlsx)。")
    try:
        names = check_zip_archive(data, file_name)
        if "xl/workbook.xml" not in names:
            raise ImportFailed(f"文件“{file_name}”不是 Excel 工作簿(.xlsx)。")
        buffer = io.BytesIO(unpack_zip_bounded(data, file_name))
    except FileRejected as exc:
        raise ImportFailed(str(exc)) from exc
    try:
        return openpyxl.load_workbook(buffer, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise ImportFailed(f"文件“{file_name}”无法作为 Excel 工作簿读取:{exc}") from exc


def read_annex(data: bytes, file_name: str) -> AnnexSheet:
    workbook = open_workbook(data, file_name)
    for worksheet in workbook.worksheets:
        grid = _grid(worksheet)
        header = _find_header(grid)
        if header is not None:
            return _read_rows(worksheet.title, grid, *header)
    names = "、".join(f"“{ws.title}”" for ws in workbook.worksheets)
    raise ImportFailed(
        f"文件“{file_name}”的工作表({names})中没有找到表头行:表头应包含"
        "“序号”“重点任务”“工作要求”“责任部门”四列。"
    )


def _grid(worksheet) -> list[list[object]]:
    """Cell values with each merged range's value copied into its cells."""
    grid = [list(row) for row in worksheet.iter_rows(values_only=True)]
    for merged in worksheet.merged_cells.ranges:
        value = worksheet.cell(merged.min_row, merged.min_col).value
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                if r <= len(grid) and c <= len(grid[r - 1]):
                    grid[r - 1][c - 1] = value
    return grid


def _find_header(grid) -> tuple[int, dict[str, int]] | tuple[int, dict, list] | None:
    """The header row (1-based) and column of each field, if the sheet has
    one. A row naming 序号 and 工作要求 is taken as the header; fields it
    lacks are reported by the caller."""
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        keys = [name_key(clean_text(value)) for value in row]
        if not ({"序号", "编号"} & set(keys)):
            continue
        columns: dict[str, int] = {}
        for field_name, names in COLUMNS.items():
            for position, key in enumerate(keys):
                if key in names:
                    columns[field_name] = position
                    break
        if len(columns) >= 2:
            return index + 1, columns
    return None


def _read_rows(sheet_name: str, grid, header_row: int, columns) -> AnnexSheet:
    sheet = AnnexSheet(sheet_name=sheet_name)
    missing = [COLUMN_LABELS[key] for key in COLUMNS if key not in columns]
    if missing:
        raise ImportFailed(
            f"工作表“{sheet_name}”第{header_row}行的表头缺少"
            + "、".join(f"“{name}”" for name in missing)
            + "列。"
        )
    header_keys = [name_key(clean_text(v)) for v in grid[header_row - 1]]
    errors: list[str] = []
    first_row_of: dict[int, int] = {}
    too_long: set[str] = set()
    key_task = ""

    def cell(row: list[object], field_name: str) -> object:
        position = columns[field_name]
        return row[position] if position < len(row) else None

    def where(row_number: int, field_name: str) -> str:
        letter = get_column_letter(columns[field_name] + 1)
        return (
            f"工作表“{sheet_name}”第{row_number}行"
            f"“{COLUMN_LABELS[field_name]}”列({letter}列)"
        )

    for offset, row in enumerate(grid[header_row:], start=header_row + 1):
        values = [clean_text(v) for v in row]
        if not any(values):
            continue
        if [name_key(v) for v in values] == header_keys:
            continue  # the header printed again after a page break
        raw_number = cell(row, "number")
        number = _as_number(raw_number)
        if number is None or not 0 < number <= MAX_NUMBER:
            text = clean_text(raw_number)
            shown = text if len(text) <= 20 else text[:20] + "…"
            if not text:
                problem = "序号为空"
            elif number is None or number <= 0:
                problem = f"序号“{shown}”不是正整数"
            else:
                problem = f"序号“{shown}”超过上限 {MAX_NUMBER}"
            errors.append(f"{where(offset, 'number')}:{problem}。")
            continue
        if number in first_row_of:
            errors.append(
                f"{where(offset, 'number')}:序号 {number} 重复"
                f"(第{first_row_of[number]}行已使用)。"
            )
            continue
        first_row_of[number] = offset
        title = clean_text(cell(row, "key_task"))
        if title and (problem := _too_long(title, KEY_TASK_MAX_LENGTH)):
            # Merged over its rows: said once, at its first row.
            if title not in too_long:
                too_long.add(title)
                errors.append(f"{where(offset, 'key_task')}:重点任务{problem}。")
            continue
        if title:
            key_task = title
        elif not key_task:
            errors.append(
                f"{where(offset, 'key_task')}:重点任务为空,上方也没有可沿用的重点任务。"
            )
            continue
        requirement = clean_text(cell(row, "requirement"))
        departments = clean_text(cell(row, "departments"))
        if not requirement:
            errors.append(f"{where(offset, 'requirement')}:工作要求为空。")
        if not departments:
            errors.append(f"{where(offset, 'departments')}:责任部门为空。")
        elif problem := _too_long(departments, DEPARTMENTS_MAX_LENGTH):
            errors.append(f"{where(offset, 'departments')}:责任部门{problem}。")
            departments = ""
        if requirement and departments:
            sheet.rows.append(
                AnnexRow(
                    row=offset,
                    number=number,
                    key_task=key_task,
                    requirement=requirement,
                    departments=departments,
                )
            )
    if errors:
        raise ImportFailed(errors)
    if not sheet.rows:
        raise ImportFailed(f"工作表“{sheet_name}”表头以下没有任何任务行。")
    numbers = sorted(first_row_of)
    gaps = sorted(set(range(numbers[0], numbers[-1] + 1)) - set(numbers))
    if gaps:
        sheet.notes.append("序号不连续,缺少:" + "、".join(str(n) for n in gaps) + "。")
    return sheet


def _as_number(value: object) -> int | None:
    if isinstance(value, str):
        value = to_half_width(clean_text(value)).removesuffix(".")
        value = value.removesuffix("\u3001")
    return whole_number(value)


def _too_long(text: str, limit: int) -> str | None:
    if len(text) <= limit:
        return None
    return f"有 {len(text)} 个字,超过上限 {limit} 个字,请精简后再导入"
