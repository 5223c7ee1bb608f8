"""The audit trail as an auditor takes it away: xlsx or csv, one row a
record, with its hash so that a copy can be checked against the chain.
The changes are given twice: in words, as the auditor's page shows them
(audit.labels), and as recorded, the JSON that the hash covers.

Every text cell is written so that no spreadsheet runs it as a formula
(a leading apostrophe before = + - @), the portal's one rule for exports.
"""

import csv
import io
import json
from collections.abc import Iterable

from django.utils import timezone
from openpyxl import Workbook

from common.spreadsheets import XLSX_CONTENT_TYPE, escape_formula, normalise_text

from . import labels
from .models import AuditEvent

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
FORMATS = {"xlsx": XLSX_CONTENT_TYPE, "csv": CSV_CONTENT_TYPE}
HEADERS = (
    "编号",
    "时间",
    "操作人",
    "操作人部门",
    "IP 地址",
    "操作",
    "操作代码",
    "对象类型",
    "对象编号",
    "对象",
    "所属部门",
    "修改内容",
    "修改前",
    "修改后",
    "前一条哈希",
    "哈希",
)


def export_file_name(extension: str) -> str:
    return f"审计日志-{timezone.localtime():%Y%m%d-%H%M%S}.{extension}"


def event_cells(event: AuditEvent) -> list:
    return [
        event.pk,
        timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
        *(
            _text(value)
            for value in (
                event.actor_username,
                event.actor_department,
                event.ip or "",
                labels.action_label(event.action),
                event.action,
                event.object_type_label,
                event.object_id,
                event.object_repr,
                event.department,
                labels.changes_text(event),
                _json(event.before),
                _json(event.after),
                event.prev_hash,
                event.hash,
            )
        ),
    ]


def events_csv(events: Iterable[AuditEvent]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    for event in events:
        writer.writerow(event_cells(event))
    # With the byte order mark Excel reads the file as UTF-8.
    return buffer.getvalue().encode("utf-8-sig")


def events_xlsx(events: Iterable[AuditEvent]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("审计日志")
    sheet.append(HEADERS)
    for event in events:
        sheet.append(event_cells(event))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _json(value) -> str:
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _text(value: str) -> str:
    return escape_formula(normalise_text(str(value)))
