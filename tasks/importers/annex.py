"""Reading the annex, 重点任务及责任分工, as offices keep it in Excel.

The sheet has title rows above the header, a 重点任务 column merged over
the rows of each key task, text wrapped inside words, the header and a key
task printed again after a page break, and department lists joined by 、 and
commas of either width.

Offices name the columns differently (工作要求, 具体工作要求, 工作任务,
主要内容 ...; 责任部门 or 责任单位, or 牵头单位 and 配合单位 in two columns),
add columns of their own (备注, 完成时限: kept in ``AnnexRow.extra``), keep
notes on another sheet and type numbers as text ("1", "1.", "(一)"). A
column that cannot be told is refused with the header as found, never
guessed; ``mapping`` names it (field → header text) where a person has.
"""

import hashlib
import re
from dataclasses import dataclass, field

import openpyxl
from openpyxl.utils import get_column_letter

from common.files import (
    OLE2_SIGNATURE,
)
from policytext.numerals import CHARACTERS as NUMERAL_CHARACTERS
from policytext.numerals import chinese_number
from policytext.text import (
    clean_text,
    name_key,
    to_simplified,
    whole_number,
)
from tasks.models import KeyTask, Task

from .errors import ImportFailed
from .uploads import office_unpack, upload_size_check

# Each field and the header words that name it, the first as messages
# give it. 责任部门 is one column, or 牵头单位 and 配合单位 two.
COLUMNS = {
    "number": ("序号", "编号"),
    "key_task": ("重点任务",),
    "requirement": (
        "工作要求",
        "具体工作要求",
        "具体要求",
        "任务内容",
        "工作任务",
        "主要内容",
    ),
    "departments": ("责任部门", "责任单位"),
    "lead": ("牵头单位", "牵头部门"),
    "cooperating": ("配合单位", "配合部门"),
}
COLUMN_LABELS = {key: names[0] for key, names in COLUMNS.items()}
REQUIRED = ("number", "key_task", "requirement")
HEADER_SEARCH_ROWS = 30
# What the columns holding them take; a longer value would be cut, or
# refused by PostgreSQL mid-import.
MAX_NUMBER = 32767  # PositiveSmallIntegerField
KEY_TASK_MAX_LENGTH = KeyTask._meta.get_field("annex_title").max_length
DEPARTMENTS_MAX_LENGTH = Task._meta.get_field("departments_text").max_length
_BRACKETED = re.compile(r"^\((.+)\)$")
# A row's departments with their roles, as the text's notes give them; how
# a row of 牵头单位 and 配合单位 columns is kept (Task.departments_text), and
# read back where a 责任部门 cell is typed so.
_ROLE_NOTE = re.compile(
    r"^牵头(?:单位|部门):(?P<lead>[^;]+?);?(?:配合(?:单位|部门):(?P<cooperating>[^;]+?);?)?$"
)


@dataclass
class AnnexRow:
    row: int
    number: int
    key_task: str
    requirement: str
    departments: str
    # Where the sheet has 牵头单位 and 配合单位 columns (or a 责任部门 cell
    # reads "牵头单位:…;配合单位:…"): their lists, which ``departments``
    # gives as a role note. Empty where the row gives no roles.
    lead: str = ""
    cooperating: str = ""
    # The sheet's other columns (备注, 完成时限 ...), by header, if filled.
    extra: dict[str, str] = field(default_factory=dict)


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
    upload_size_check(data, file_name)
    if data[:8] == OLE2_SIGNATURE:
        raise ImportFailed(
            f"文件“{file_name}”是旧版 Excel(.xls)格式,请在 Excel 中另存为"
            " .xlsx 后再导入。"
        )
    buffer = office_unpack(
        data, file_name, part="xl/workbook.xml", kind=" Excel 工作簿(.xlsx)"
    )
    try:
        return openpyxl.load_workbook(buffer, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise ImportFailed(f"文件“{file_name}”无法作为 Excel 工作簿读取:{exc}") from exc


def read_annex(
    data: bytes, file_name: str, mapping: dict[str, str] | None = None
) -> AnnexSheet:
    """The task rows of the first sheet with a header; a sheet before it
    without one (说明, 填表须知) is skipped, any after it is not read.

    ``mapping`` gives a field's column by its header text ({"requirement":
    "推进举措"}), for columns a person has matched by hand; the other
    fields are found by their usual names.
    """
    wanted = _checked_mapping(mapping or {})
    workbook = open_workbook(data, file_name)
    for worksheet in workbook.worksheets:
        grid = _grid(worksheet)
        header = _find_header(worksheet.title, grid, wanted)
        if header is not None:
            return _read_rows(worksheet.title, grid, *header)
    names = "、".join(f"“{ws.title}”" for ws in workbook.worksheets)
    if wanted:
        texts = "".join(f"“{text}”" for text in wanted.values())
        raise ImportFailed(
            f"文件“{file_name}”的工作表({names})中没有找到同时包含{texts}的表头行。"
        )
    raise ImportFailed(
        f"文件“{file_name}”的工作表({names})中没有找到表头行:表头应包含"
        "“序号”“重点任务”“工作要求”“责任部门”四列。"
    )


def _checked_mapping(mapping: dict[str, str]) -> dict[str, str]:
    """The mapping with its header texts as compared; an unknown field or
    an empty text is refused, as is one text given to two fields."""
    errors = []
    wanted: dict[str, str] = {}
    for field_name, text in mapping.items():
        if field_name not in COLUMNS:
            known = "、".join(f"“{k}”({COLUMN_LABELS[k]})" for k in COLUMNS)
            errors.append(f"列对应中的字段“{field_name}”不存在,可用字段为:{known}。")
        elif not _header_key(text):
            errors.append(f"列对应中“{COLUMN_LABELS[field_name]}”的表头文字为空。")
        else:
            wanted[field_name] = clean_text(text)
    keys = [_header_key(text) for text in wanted.values()]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        errors.append(f"列对应中表头“{key}”被指定给了多个字段。")
    if errors:
        raise ImportFailed(errors)
    return wanted


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


def _header_key(value: object) -> str:
    """A header cell as compared: "序 号", "责任\\n单位", "工作要求:",
    "*牵头單位" are 序号, 责任单位, 工作要求, 牵头单位."""
    return to_simplified(name_key(clean_text(value))).strip("*:")


def _find_header(sheet_name: str, grid, wanted: dict[str, str]):
    """The header row (1-based) and the column of each field, or None if
    the sheet has no header.

    A row is taken as the header where it names the 序号 column or two of
    the fields (with ``wanted``: every header text it gives). If it lacks
    a field, or names one twice, the import is refused with the row as
    found, unless the row below it is a complete header (a two-row header:
    责任单位 merged over 牵头单位 and 配合单位).
    """
    rows = grid[:HEADER_SEARCH_ROWS]
    for index, row in enumerate(rows):
        keys = [_header_key(value) for value in row]
        if wanted:
            if not {_header_key(t) for t in wanted.values()} <= set(keys):
                continue
        else:
            found = {f for f, names in COLUMNS.items() if set(names) & set(keys)}
            if "number" not in found and len(found) < 2:
                continue
        columns, problems = _columns(keys, wanted)
        if not problems:
            return index + 1, columns, _header_texts(row)
        if index + 1 < len(rows):
            below = [_header_key(value) for value in rows[index + 1]]
            below_columns, below_problems = _columns(below, wanted)
            if not below_problems:
                return index + 2, below_columns, _header_texts(rows[index + 1])
        cells = "、".join(
            f"{get_column_letter(position + 1)}列“{text}”"
            for position, text in enumerate(clean_text(v) for v in row)
            if text
        )
        place = f"工作表“{sheet_name}”第{index + 1}行的表头"
        raise ImportFailed(
            [place + problem for problem in problems] + [f"该行表头各列为:{cells}。"]
        )
    return None


def _columns(keys: list[str], wanted: dict[str, str]):
    """The column of each field in a header row, and what is wrong: a
    field no column names, or one that two columns name."""
    columns: dict[str, int] = {}
    problems: list[str] = []
    for field_name, text in wanted.items():
        positions = [p for p, key in enumerate(keys) if key == _header_key(text)]
        columns[field_name] = positions[0]
        if len(positions) > 1:
            shown = "、".join(f"{get_column_letter(p + 1)}列" for p in positions)
            problems.append(f"有多列名为“{text}”({shown}),无法确定使用哪一列。")
    taken = set(columns.values())
    ambiguous: set[str] = set()
    for field_name, names in COLUMNS.items():
        if field_name in columns:
            continue
        positions = [p for p, key in enumerate(keys) if key in names and p not in taken]
        if len(positions) > 1:
            ambiguous.add(field_name)
            shown = "、".join(
                f"{get_column_letter(p + 1)}列“{keys[p]}”" for p in positions
            )
            problems.append(
                f"有多列可作为“{COLUMN_LABELS[field_name]}”列({shown}),"
                "无法确定使用哪一列。"
            )
        elif positions:
            columns[field_name] = positions[0]
    missing = [f for f in REQUIRED if f not in columns and f not in ambiguous]
    if "departments" in columns and {"lead", "cooperating"} & set(columns):
        problems.append(
            "既有“责任部门”列,又有“牵头单位”或“配合单位”列,无法确定各部门的角色。"
        )
    elif not {"departments", "lead"} & (set(columns) | ambiguous):
        missing.append("departments")
    for field_name in missing:
        names = "”“".join(COLUMNS[field_name])
        if field_name == "departments":
            names += "”,或“牵头单位”与“配合单位”两列"
            problems.append(f"缺少“责任部门”列(可写作“{names})。")
        else:
            problems.append(f"缺少“{COLUMN_LABELS[field_name]}”列(可写作“{names}”)。")
    return columns, problems


def _header_texts(row: list[object]) -> dict[int, str]:
    return {p: text for p, text in enumerate(clean_text(v) for v in row) if text}


def _read_rows(
    sheet_name: str, grid, header_row: int, columns, header_texts
) -> AnnexSheet:
    sheet = AnnexSheet(sheet_name=sheet_name)
    header_keys = [_header_key(v) for v in grid[header_row - 1]]
    number_key = header_keys[columns["number"]]
    extra_columns = {
        p: text for p, text in header_texts.items() if p not in columns.values()
    }
    errors: list[str] = []
    first_row_of: dict[int, int] = {}
    too_long: set[str] = set()
    key_task = ""

    def cell(row: list[object], field_name: str) -> object:
        position = columns.get(field_name)
        if position is None:
            return None
        return row[position] if position < len(row) else None

    def where(row_number: int, field_name: str) -> str:
        letter = get_column_letter(columns[field_name] + 1)
        label = header_texts.get(columns[field_name]) or COLUMN_LABELS[field_name]
        if _header_key(label) in COLUMNS[field_name]:
            label = COLUMN_LABELS[field_name]  # 序 号, 责任单位: as before
        return f"工作表“{sheet_name}”第{row_number}行“{label}”列({letter}列)"

    for offset, row in enumerate(grid[header_row:], start=header_row + 1):
        values = [clean_text(v) for v in row]
        if not any(values):
            continue
        keys = [_header_key(v) for v in row]
        if keys == header_keys or _header_key(cell(row, "number")) == number_key:
            continue  # the header, or its 序号 row, printed again after a break
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
        if not requirement:
            errors.append(f"{where(offset, 'requirement')}:工作要求为空。")
        lead = cooperating = ""
        if "departments" in columns:
            departments_column = "departments"
            departments = clean_text(cell(row, "departments"))
            empty = "责任部门为空"
            lead, cooperating = read_role_note(departments) or ("", "")
        else:
            departments_column = "lead"
            lead = clean_text(cell(row, "lead"))
            cooperating = clean_text(cell(row, "cooperating"))
            departments = role_note(lead, cooperating) if lead else ""
            empty = "牵头单位为空"
        if not departments:
            errors.append(f"{where(offset, departments_column)}:{empty}。")
        elif problem := _too_long(departments, DEPARTMENTS_MAX_LENGTH):
            errors.append(f"{where(offset, departments_column)}:责任部门{problem}。")
            departments = ""
        if requirement and departments:
            sheet.rows.append(
                AnnexRow(
                    row=offset,
                    number=number,
                    key_task=key_task,
                    requirement=requirement,
                    departments=departments,
                    lead=lead,
                    cooperating=cooperating,
                    extra={
                        text: values[p]
                        for p, text in extra_columns.items()
                        if p < len(values) and values[p]
                    },
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


def role_note(lead: str, cooperating: str) -> str:
    """ "牵头单位:市教育局;配合单位:市人社局" (without 配合单位 if none)."""
    note = f"牵头单位:{lead}"
    return f"{note};配合单位:{cooperating}" if cooperating else note


def read_role_note(text: str) -> tuple[str, str] | None:
    """The lead and cooperating lists of a role note, or None for a plain
    list of departments."""
    match = _ROLE_NOTE.match(name_key(text))
    if match is None:
        return None
    return match["lead"], match["cooperating"] or ""


def _as_number(value: object) -> int | None:
    """A task number as typed: 3, "3", "3.", "3、", "(3)"; a Chinese
    numeral only where marked as a number, "(三)" or "三、" (a bare "三"
    may be a slip and is refused)."""
    if not isinstance(value, str):
        return whole_number(value)
    text = name_key(value)
    marked = text.endswith("\u3001")
    text = text.removesuffix(".").removesuffix("\u3001")
    if bracketed := _BRACKETED.match(text):
        text, marked = bracketed.group(1), True
    if marked and text and set(text) <= set(NUMERAL_CHARACTERS):
        try:
            return chinese_number(text)
        except ValueError:
            return None
    return whole_number(text)


def _too_long(text: str, limit: int) -> str | None:
    if len(text) <= limit:
        return None
    return f"有 {len(text)} 个字,超过上限 {limit} 个字,请精简后再导入"


@dataclass
class AnnexHeader:
    """The header row of an annex as found, for a person to tell which
    column is which where the importer cannot."""

    sheet_name: str
    row: int
    texts: list[str]  # the filled header cells, left to right

    @property
    def signature(self) -> str:
        """The same for the same header, however its cells are spaced or
        wrapped: how a column mapping chosen once is found again."""
        keys = "|".join(_header_key(text) for text in self.texts)
        return hashlib.sha256(keys.encode()).hexdigest()


def annex_header(data: bytes, file_name: str) -> AnnexHeader | None:
    """The header row of the first sheet that has one: the row the import
    takes as its header (even if it cannot tell its columns), else the
    first row of three filled cells or more."""
    workbook = open_workbook(data, file_name)
    fallback = None
    for worksheet in workbook.worksheets:
        grid = _grid(worksheet)
        for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
            keys = [_header_key(value) for value in row]
            texts = [clean_text(v) for v in row if clean_text(v)]
            found = {f for f, names in COLUMNS.items() if set(names) & set(keys)}
            if "number" in found or len(found) >= 2:
                return AnnexHeader(worksheet.title, index + 1, texts)
            if fallback is None and len(texts) >= 3:
                fallback = AnnexHeader(worksheet.title, index + 1, texts)
    return fallback
