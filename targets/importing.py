"""Readings from a spreadsheet: one row per reading, all or nothing."""

import datetime
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from common.http import MAX_ID
from policytext.text import clean_text, name_key, whole_number
from tasks.importers.annex import open_workbook
from tasks.importers.errors import ImportFailed

from .services import TargetError, parse_value

COLUMNS = {"target": "目标编号", "value": "数值", "as_of": "截至日期"}


def shown(value: object) -> str:
    text = clean_text(value)
    return text if len(text) <= 20 else text[:20] + "…"


@dataclass
class ReadingRow:
    row: int
    target_id: int
    value: object
    as_of: datetime.date


def read_readings(data: bytes, file_name: str) -> list[ReadingRow]:
    """Rows of a readings sheet: a header row naming 目标编号, 数值 and
    截至日期 (a 指标 column may stand beside them for people), then one
    reading a row. Errors name the row and column."""
    sheet = open_workbook(data, file_name).worksheets[0]
    grid = [list(r) for r in sheet.iter_rows(values_only=True)]
    header, columns = None, {}
    for index, values in enumerate(grid[:20]):
        keys = [name_key(clean_text(v)) for v in values]
        found = {f: keys.index(label) for f, label in COLUMNS.items() if label in keys}
        if len(found) == len(COLUMNS):
            header, columns = index, found
            break
    if header is None:
        raise ImportFailed(
            f"文件“{file_name}”的工作表“{sheet.title}”中没有找到表头:"
            "应包含“目标编号”“数值”“截至日期”三列。"
        )
    rows, errors = [], []
    for number, values in enumerate(grid[header + 1 :], start=header + 2):
        if not any(clean_text(v) for v in values):
            continue

        def where(field, number=number):
            letter = get_column_letter(columns[field] + 1)
            return f"第{number}行“{COLUMNS[field]}”列({letter}列)"

        raw_id = values[columns["target"]]
        raw_date = values[columns["as_of"]]
        target_id = whole_number(raw_id)
        if target_id is None or not 0 < target_id <= MAX_ID:
            errors.append(f"{where('target')}:“{shown(raw_id)}”不是目标编号。")
            target_id = None
        raw_value = values[columns["value"]]
        try:
            value = parse_value(raw_value)
        except TargetError as exc:
            errors.append(f"{where('value')}:{exc}")
            value = None
        else:
            if value is None:
                errors.append(f"{where('value')}:数值为空。")
        as_of = raw_date.date() if isinstance(raw_date, datetime.datetime) else raw_date
        if not isinstance(as_of, datetime.date):
            try:
                as_of = datetime.date.fromisoformat(clean_text(raw_date))
            except ValueError:
                errors.append(
                    f"{where('as_of')}:“{clean_text(raw_date)}”不是日期(YYYY-MM-DD)。"
                )
                as_of = None
        if target_id is not None and value is not None and as_of is not None:
            rows.append(ReadingRow(number, target_id, value, as_of))
    if errors:
        raise ImportFailed(errors)
    if not rows:
        raise ImportFailed(f"文件“{file_name}”表头以下没有读数。")
    return rows
