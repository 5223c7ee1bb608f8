"""整改台账 as a spreadsheet: the export with the columns offices keep, and
the import of a team's findings sheet (问题清单) as the problems of a round.

The import reads the sheet (``read_findings``, no database), checks it as
a whole against the round, the policy's tasks and the departments' names
and aliases (``findings_check``), and writes every row or none
(``findings_import``). Each error names the sheet, the row and the column;
a department name that matches nothing is reported, never guessed.
"""

import datetime
import io
import re
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from audit.services import audit_event, audit_lock, audit_record_many, snapshot
from common.spreadsheets import XLSX_CONTENT_TYPE, escape_formula, normalise_text
from policytext.text import clean_text, name_key, to_half_width, whole_number
from tasks.importers.annex import HEADER_SEARCH_ROWS, open_workbook
from tasks.importers.annex import _grid as merged_grid
from tasks.importers.departments import DepartmentDirectory
from tasks.importers.errors import ImportFailed
from tasks.models import Department, Task

from .models import Problem, ProblemCategory, ProblemState, RectificationKind, Round
from .selectors import LEDGER_COLUMNS, LedgerRow
from .services import PROBLEM_FIELDS, TEXT_MAX

__all__ = [
    "XLSX_CONTENT_TYPE",
    "FindingsSheet",
    "findings_check",
    "findings_import",
    "findings_template",
    "ledger_file_name",
    "ledger_workbook",
    "read_findings",
]

HEADER_FILL = PatternFill("solid", start_color="DDE7F3", end_color="DDE7F3")
DATE = "yyyy-mm-dd"
# A worksheet's title: at most 31 characters, none of these.
SHEET_TITLE_MAX = 31
_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")


# -- the export ----------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    label: str
    width: int
    number_format: str = ""


# Widths and number formats of the ledger's columns, by their labels
# (``selectors.LEDGER_COLUMNS`` holds the labels and their order).
LEDGER_FORMATS = {
    "序号": Column("序号", 6),
    "问题来源": Column("问题来源", 12),
    "问题表现": Column("问题表现", 40),
    "责任单位": Column("责任单位", 16),
    "配合单位": Column("配合单位", 20),
    "责任人": Column("责任人", 10),
    "整改措施": Column("整改措施", 40),
    "整改时限": Column("整改时限", 12, DATE),
    "整改类型": Column("整改类型", 10),
    "进展情况": Column("进展情况", 40),
    "是否销号": Column("是否销号", 8),
    "销号时间": Column("销号时间", 12, DATE),
}
COLUMNS = tuple(LEDGER_FORMATS[label] for label in LEDGER_COLUMNS)


def ledger_file_name(round: Round | None, today: datetime.date) -> str:
    title = round.title if round is not None else "全部轮次"
    return f"整改台账-{title}-{today:%Y%m%d}.xlsx"


def ledger_workbook(
    rows: list[LedgerRow], *, rounds: list[Round] | None = None
) -> bytes:
    """The ledger (``selectors.ledger``) as an xlsx file, one worksheet a
    round since the 序号 are a round's own, the rows in their order.
    ``rounds`` adds a sheet, with only its header, for a round that has
    no problem yet."""
    book = Workbook()
    book.remove(book.active)
    sheets: dict[int, object] = {}
    titles: set[str] = set()

    def sheet_of(round: Round):
        if round.pk not in sheets:
            sheets[round.pk] = _new_sheet(book, round, titles)
        return sheets[round.pk]

    for round in rounds or []:
        sheet_of(round)
    for row in rows:
        sheet_of(row.problem.round).append(_ledger_row(row))
    if not sheets:
        _new_sheet(book, None, titles)
    for sheet in book.worksheets:
        _finish(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _new_sheet(book: Workbook, round: Round | None, titles: set[str]):
    base = _SHEET_TITLE_BAD.sub("", round.title if round else "整改台账")
    base = base[:SHEET_TITLE_MAX] or "整改台账"
    title, n = base, 1
    while title in titles:  # two rounds of the same title
        n += 1
        suffix = f"({n})"
        title = base[: SHEET_TITLE_MAX - len(suffix)] + suffix
    titles.add(title)
    sheet = book.create_sheet(title)
    sheet.append(list(LEDGER_COLUMNS))
    return sheet


def _finish(sheet) -> None:
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.number_format:
            for (cell,) in sheet.iter_rows(
                min_row=2, min_col=index, max_col=index, max_row=sheet.max_row
            ):
                cell.number_format = column.number_format
    sheet.freeze_panes = "A2"


def _ledger_row(row: LedgerRow) -> list:
    values = list(row.values)
    for index, value in enumerate(values):
        if isinstance(value, str):
            values[index] = _text(value)
        elif isinstance(value, datetime.datetime):
            # A cell holds no time zone: the day in Asia/Shanghai.
            values[index] = timezone.localtime(value).date()
    return values


def _text(value: str) -> str:
    return escape_formula(normalise_text(value))


# -- reading a findings sheet ----------------------------------------------------

FINDINGS_COLUMNS = {
    "number": "序号",
    "description": "问题表现",
    "category": "问题类别",
    "tasks": "涉及任务",
    "department": "责任单位",
    "cooperating": "配合单位",
    "requirement": "整改要求",
    "kind": "整改类型",
    "deadline": "整改时限",
}
# Read when present; the model's default otherwise.
OPTIONAL_COLUMNS = {"source": "问题来源"}
ALL_COLUMNS = {**FINDINGS_COLUMNS, **OPTIONAL_COLUMNS}
SOURCE_MAX_LENGTH = Problem._meta.get_field("source").max_length
SOURCE_DEFAULT = Problem._meta.get_field("source").default
MAX_NUMBER = 2**31 - 1  # PositiveIntegerField
TASK_SEPARATORS = re.compile(r"[、,;/\s]+")
# "3", "任务3", "第3项": the number of a task of the round's policy.
TASK_NUMBER = re.compile(r"^(?:第|任务)?(\d{1,5})(?:项|条|号)?$")
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


@dataclass
class FindingRow:
    row: int
    number: int
    description: str
    category: str
    tasks: list[int]
    department: str
    cooperating: str
    requirement: str
    kind: str
    deadline: datetime.date
    source: str


@dataclass
class FindingsSheet:
    file_name: str
    sheet_name: str
    sha256: str
    rows: list[FindingRow] = field(default_factory=list)
    # The column letter of each field, for the messages of the check.
    letters: dict[str, str] = field(default_factory=dict)
    # (row, message) of each row that could not be read: reported by
    # ``findings_check`` with what it finds, so that one upload names
    # every error.
    errors: list[tuple[int, str]] = field(default_factory=list)

    def where(self, row: int, field_name: str) -> str:
        return (
            f"工作表“{self.sheet_name}”第{row}行“{ALL_COLUMNS[field_name]}”列"
            f"({self.letters[field_name]}列)"
        )

    def as_data(self) -> dict:
        """The sheet as JSON holds it: kept in the session between the
        preview and the confirmation."""
        data = asdict(self)
        for row in data["rows"]:
            row["deadline"] = row["deadline"].isoformat()
        return data

    @classmethod
    def from_data(cls, data: dict) -> "FindingsSheet":
        rows = [
            FindingRow(
                **{**row, "deadline": datetime.date.fromisoformat(row["deadline"])}
            )
            for row in data["rows"]
        ]
        return cls(**{**data, "rows": rows})


def read_findings(data: bytes, file_name: str, sha256: str = "") -> FindingsSheet:
    """The rows of a findings sheet: a header row naming the nine columns
    (序号, 问题表现, 问题类别, 涉及任务, 责任单位, 配合单位, 整改要求,
    整改类型, 整改时限; 问题来源 may stand beside them) within the first
    rows of one of its worksheets, then one problem a row. A row that
    cannot be read is kept in ``errors``, named by row and column, for
    ``findings_check`` to report with the rest."""
    workbook = open_workbook(data, file_name)
    for worksheet in workbook.worksheets:
        grid = merged_grid(worksheet)
        header = _find_header(grid)
        if header is not None:
            return _read_rows(file_name, sha256, worksheet.title, grid, *header)
    names = "、".join(f"“{ws.title}”" for ws in workbook.worksheets)
    raise ImportFailed(
        f"文件“{file_name}”的工作表({names})中没有找到表头行:表头应包含"
        + "".join(f"“{label}”" for label in FINDINGS_COLUMNS.values())
        + "九列。"
    )


def _find_header(grid) -> tuple[int, dict[str, int]] | None:
    """The header row (1-based) and each field's column: a row naming 序号
    and 问题表现; the fields it lacks are reported by the caller."""
    for index, values in enumerate(grid[:HEADER_SEARCH_ROWS]):
        keys = [name_key(clean_text(value)) for value in values]
        if "序号" not in keys or "问题表现" not in keys:
            continue
        return index + 1, {
            name: keys.index(label)
            for name, label in ALL_COLUMNS.items()
            if label in keys
        }
    return None


def _read_rows(file_name, sha256, sheet_name, grid, header_row, columns):
    missing = [label for name, label in FINDINGS_COLUMNS.items() if name not in columns]
    if missing:
        raise ImportFailed(
            f"工作表“{sheet_name}”第{header_row}行的表头缺少"
            + "、".join(f"“{label}”" for label in missing)
            + "列。"
        )
    sheet = FindingsSheet(
        file_name=file_name,
        sheet_name=sheet_name,
        sha256=sha256,
        letters={name: get_column_letter(i + 1) for name, i in columns.items()},
    )
    categories = _choices(ProblemCategory)
    kinds = _choices(RectificationKind)
    errors = sheet.errors
    first_row_of: dict[int, int] = {}

    for number_of_row, values in enumerate(grid[header_row:], start=header_row + 1):
        texts = [clean_text(v) for v in values]
        if not any(texts):
            continue
        if all(
            position < len(texts)
            and name_key(texts[position]) == FINDINGS_COLUMNS[name]
            for name, position in columns.items()
            if name in FINDINGS_COLUMNS
        ):
            continue  # the header printed again after a page break

        def cell(name, values=values):
            position = columns.get(name)
            if position is None or position >= len(values):
                return None
            return values[position]

        def text(name, values=values):
            return clean_text(cell(name, values))

        def long_text(name, values=values):
            # A line break typed in the cell (Alt+Enter) is kept, as the
            # web form keeps it.
            value = cell(name, values)
            return normalise_text("" if value is None else str(value))

        def fail(name, problem, row=number_of_row):
            errors.append((row, f"{sheet.where(row, name)}:{problem}。"))

        good = True
        raw_number = cell("number")
        number = whole_number(
            to_half_width(text("number")).removesuffix(".").removesuffix("、")
            if isinstance(raw_number, str)
            else raw_number
        )
        if number is None or not 0 < number <= MAX_NUMBER:
            shown = _shown(text("number"))
            fail("number", f"序号“{shown}”不是正整数" if shown else "序号为空")
            good = False
        elif number in first_row_of:
            fail("number", f"序号 {number} 重复(第{first_row_of[number]}行已使用)")
            good = False
        else:
            first_row_of[number] = number_of_row

        description = long_text("description")
        if not description:
            fail("description", "问题表现为空")
            good = False
        elif len(description) > TEXT_MAX:
            fail("description", f"问题表现超过 {TEXT_MAX} 个字")
            good = False
        category = categories.get(name_key(text("category")))
        if category is None:
            fail("category", _choice_problem("问题类别", text("category"), categories))
            good = False
        tasks: list[int] = []
        for token in TASK_SEPARATORS.split(to_half_width(text("tasks"))):
            if not token:
                continue
            match = TASK_NUMBER.match(token)
            if match is None:
                fail("tasks", f"“{_shown(token)}”不是任务序号(多个序号用“、”分隔)")
                good = False
            elif int(match[1]) not in tasks:
                tasks.append(int(match[1]))
        if not text("department"):
            fail("department", "责任单位为空")
            good = False
        requirement = long_text("requirement")
        if not requirement:
            fail("requirement", "整改要求为空")
            good = False
        elif len(requirement) > TEXT_MAX:
            fail("requirement", f"整改要求超过 {TEXT_MAX} 个字")
            good = False
        kind = kinds.get(name_key(text("kind")))
        if kind is None:
            fail("kind", _choice_problem("整改类型", text("kind"), kinds))
            good = False
        deadline = _as_date(cell("deadline"))
        if deadline is None:
            shown = _shown(text("deadline"))
            fail(
                "deadline",
                f"“{shown}”不是日期(如 2025-09-30)" if shown else "整改时限为空",
            )
            good = False
        source = text("source") or SOURCE_DEFAULT
        if len(source) > SOURCE_MAX_LENGTH:
            fail("source", f"问题来源超过 {SOURCE_MAX_LENGTH} 个字")
            good = False
        if good:
            sheet.rows.append(
                FindingRow(
                    row=number_of_row,
                    number=number,
                    description=description,
                    category=category,
                    tasks=tasks,
                    department=text("department"),
                    cooperating=text("cooperating"),
                    requirement=requirement,
                    kind=kind,
                    deadline=deadline,
                    source=source,
                )
            )
    if not sheet.rows and not errors:
        raise ImportFailed(f"工作表“{sheet_name}”表头以下没有任何问题行。")
    return sheet


def _choices(choices) -> dict[str, str]:
    """A choice by its label or its value, as a person may type either."""
    found = {name_key(str(label)): value for value, label in choices.choices}
    found.update({value: value for value in choices.values})
    return found


def _choice_problem(what: str, typed: str, choices: dict[str, str]) -> str:
    labels = "、".join(k for k, v in choices.items() if k != v)
    if not typed:
        return f"{what}为空,应为{labels}之一"
    return f"{what}“{_shown(typed)}”不是{labels}之一"


def _as_date(value: object) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    match = DATE_TEXT.match(to_half_width(clean_text(value)))
    if match is None:
        return None
    try:
        return datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _shown(text: str) -> str:
    return text if len(text) <= 20 else text[:20] + "…"


# -- checking it against the round, and writing it -------------------------------


@dataclass
class Finding:
    """A row made ready for the database: its departments and tasks."""

    row: FindingRow
    department: Department
    cooperating: list[Department]
    tasks: list[Task]

    @property
    def category_label(self) -> str:
        return ProblemCategory(self.row.category).label

    @property
    def kind_label(self) -> str:
        return RectificationKind(self.row.kind).label


def findings_check(*, round: Round, sheet: FindingsSheet) -> list[Finding]:
    """The sheet's rows as problems of the round, or ``ImportFailed`` with
    every problem found, the rows that could not be read included: a 序号
    the round already uses, a task the policy lacks, a department whose
    name or alias is unknown or that the round does not cover. Reads only,
    in a handful of queries whatever the rows."""
    directory = DepartmentDirectory.load()
    tasks = {t.number: t for t in Task.objects.filter(policy_id=round.policy_id)}
    covered = set(round.departments.values_list("pk", flat=True))
    used = set(round.problems.values_list("number", flat=True))
    errors: list[tuple[int, str]] = list(sheet.errors)
    unknown: list[str] = []
    findings: list[Finding] = []
    for row in sheet.rows:
        where = _where_in(sheet, row.row)
        good = True
        if row.number in used:
            errors.append(
                (row.row, f"{where('number')}:序号 {row.number} 在本轮已有问题使用。")
            )
            good = False
        missing = [n for n in row.tasks if n not in tasks]
        if missing:
            numbers = "、".join(str(n) for n in missing)
            errors.append(
                (row.row, f"{where('tasks')}:政策文件中没有序号为 {numbers} 的任务。")
            )
            good = False
        names = directory.split(row.department)
        found = directory.resolve_all(names, where("department"), unknown)
        if len(names) > 1:
            errors.append(
                (
                    row.row,
                    f"{where('department')}:只能填写一个责任单位"
                    "(一个问题一名责任人),其他单位请填入“配合单位”。",
                )
            )
            good = False
        elif not found:
            good = False
        elif covered and found[0].pk not in covered:
            errors.append(
                (row.row, f"{where('department')}:“{found[0]}”不在本轮督导的单位中。")
            )
            good = False
        count = len(unknown)
        cooperating = directory.resolve_all(
            directory.split(row.cooperating), where("cooperating"), unknown
        )
        if len(unknown) > count:
            good = False
        if found and found[0] in cooperating:
            errors.append(
                (
                    row.row,
                    f"{where('cooperating')}:“{found[0]}”已是责任单位,"
                    "不能同时列为配合单位。",
                )
            )
            good = False
        if good:
            findings.append(
                Finding(
                    row=row,
                    department=found[0],
                    cooperating=cooperating,
                    tasks=[tasks[n] for n in row.tasks],
                )
            )
    # In the sheet's order, whichever step found them.
    messages = [message for _, message in sorted(errors, key=lambda e: e[0])]
    if unknown:
        messages.insert(
            0,
            "以下单位名称无法识别,未导入任何问题。请核对名称,或请系统管理员在"
            "“部门别名”中把它们对应到已有部门后重新导入:" + ";".join(unknown) + "。",
        )
    if messages:
        raise ImportFailed(messages)
    return findings


def _where_in(sheet: FindingsSheet, row: int):
    return lambda field_name: sheet.where(row, field_name)


@transaction.atomic
def findings_import(*, round: Round, sheet: FindingsSheet, actor) -> list[Problem]:
    """Every row of the sheet as an open problem of the round (待制定方案),
    or none: checked again here, in the transaction that writes them, so
    that a preview confirmed later cannot write what has since become
    wrong. Problems, their tasks and cooperating departments and the audit
    records go in bulk: one record a problem, as ``problem_create``
    writes, and one for the import."""
    # The chain's lock before the round's row (see audit_lock); the row
    # serialises numbering with problem_create and other imports.
    audit_lock()
    Round.objects.select_for_update().filter(pk=round.pk).first()
    findings = findings_check(round=round, sheet=sheet)
    problems = Problem.objects.bulk_create(
        [
            Problem(
                round=round,
                number=f.row.number,
                source=f.row.source,
                category=f.row.category,
                description=f.row.description,
                department=f.department,
                requirement=f.row.requirement,
                kind=f.row.kind,
                deadline=f.row.deadline,
                state=ProblemState.OPEN,
                created_by=actor,
            )
            for f in findings
        ]
    )
    Problem.tasks.through.objects.bulk_create(
        Problem.tasks.through(problem_id=p.pk, task_id=t.pk)
        for p, f in zip(problems, findings, strict=True)
        for t in f.tasks
    )
    Problem.cooperating.through.objects.bulk_create(
        Problem.cooperating.through(problem_id=p.pk, department_id=d.pk)
        for p, f in zip(problems, findings, strict=True)
        for d in f.cooperating
    )
    events = [
        audit_event(
            action="problem.create",
            actor=actor,
            obj=p,
            department=f.department,
            # As problem_create records one, and the row it came from.
            after={
                **snapshot(p, PROBLEM_FIELDS),
                "tasks": sorted(t.pk for t in f.tasks),
                "cooperating": sorted(d.pk for d in f.cooperating),
                "row": f.row.row,
            },
        )
        for p, f in zip(problems, findings, strict=True)
    ]
    events.append(
        audit_event(
            action="import.findings",
            actor=actor,
            obj=round,
            after={
                "file_name": sheet.file_name,
                "sheet": sheet.sheet_name,
                "sha256": sheet.sha256,
                "created": len(problems),
                "numbers": [p.number for p in problems],
            },
        )
    )
    audit_record_many(events)
    return problems


# -- a blank findings sheet -------------------------------------------------------


def findings_template(round: Round) -> bytes:
    """An empty findings sheet for the round: its title, a line on what
    each cell takes and the header the import looks for. No example row:
    one left in would be imported."""
    book = Workbook()
    sheet = book.active
    sheet.title = "问题清单"
    sheet.append([escape_formula(f"{round.title}问题清单")])
    labels = list(FINDINGS_COLUMNS.values()) + list(OPTIONAL_COLUMNS.values())
    sheet.append(
        [
            "说明:每行一个问题;“涉及任务”填任务序号,多个用“、”分隔;"
            "“问题类别”填" + "、".join(ProblemCategory.labels) + "之一;"
            "“整改类型”填" + "、".join(RectificationKind.labels) + "之一"
            "(持续整改的时限为复核日期);“整改时限”如 2025-09-30;"
            "“责任单位”只填一个,其他单位填入“配合单位”。"
        ]
    )
    sheet.append(labels)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    widths = (6, 40, 12, 12, 16, 20, 40, 10, 12, 12)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
