"""The spreadsheets the incentives take in, each checked whole and written
in one transaction, or not at all:

- ``applications_import``: an employer's quarterly sheet of its workers'
  applications (one a row), each row checked by ``application_create``
  itself, so that the sheet and the entry form refuse the same things;
- ``facts_import``: an export of the national certificate query system or
  of the social-insurance system, recorded as fact checks of the
  applications it matches, the rows that match none reported;
- ``enterprises_import``: the registry of key industry-chain enterprises,
  upserted by 统一社会信用代码 (whose GB 32100 check character is checked
  here, ``credit_code_problem``).

Every error names its row and column ("第5行“身份证号”列:…"); the header
may stand anywhere in the first rows, its columns in any order, and a cell
may hold a number or a date as text or as Excel keeps it. Files are opened
as the policy annex is (``tasks.importers.annex.open_workbook``: size and
zip-bomb limits).
"""

import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from audit.models import AuditAction
from audit.services import audit_lock, audit_record
from common.spreadsheets import escape_formula
from incentives import permissions
from incentives.crypto import (
    id_number_problem,
    keyed_hash,
    mask_id_number,
    normalise_id_number,
)
from incentives.models import (
    Application,
    ApplicationState,
    AwardKind,
    CertificateKind,
    Fact,
    FactResult,
    FinanceKind,
    IndustryChain,
    KeyEnterprise,
    Level,
    Source,
)
from incentives.services.applications import (
    ApplicationError,
    application_create,
    fact_check_record,
)
from policytext.text import clean_text, name_key, to_half_width, whole_number
from tasks.importers.annex import HEADER_SEARCH_ROWS, open_workbook
from tasks.importers.annex import _grid as merged_grid
from tasks.importers.departments import DepartmentDirectory
from tasks.importers.errors import ImportFailed
from tasks.models import Department
from tasks.services import file_digest

__all__ = [
    "SheetError",
    "application_template",
    "applications_import",
    "credit_code_problem",
    "enterprise_template",
    "enterprises_import",
    "fact_template",
    "facts_import",
    "normalise_credit_code",
]

# A sheet is a quarter's filing of one employer, or one export: more rows
# than this is a mistaken file, not a filing.
MAX_ROWS = 3000
HEADER_FILL = PatternFill("solid", start_color="DDE7F3", end_color="DDE7F3")
EXAMPLE_FILL = PatternFill("solid", start_color="F2F2F2", end_color="F2F2F2")
# The template's example row says so in its 备注; a sheet that still holds
# it is refused rather than importing a made-up person.
EXAMPLE_MARK = "【示例】"
LOST_DIGITS = (
    "该单元格是数字格式,Excel 只保留15位有效数字,后几位已丢失;"
    "请把这一列设为“文本”格式后重新填写"
)


class SheetError(ImportFailed):
    """A sheet that cannot be imported: ``errors`` holds every problem
    found, each in Chinese naming its row and column. Nothing has been
    written."""


# -- reading a sheet ---------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False

    def keys(self) -> set[str]:
        return {name_key(n) for n in (self.label, *self.aliases)}


@dataclass
class Sheet:
    sheet_name: str
    header_row: int
    columns: dict[str, Column]
    positions: dict[str, int]
    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)

    def where(self, row: int, key: str) -> str:
        place = f"第{row}行“{self.columns[key].label}”列"
        if key not in self.positions:
            place += "(表中没有此列)"
        return place


def _read_sheet(
    data: bytes, file_name: str, columns: tuple[Column, ...], what: str
) -> Sheet:
    """The rows under the first header row found (within the first rows of
    any worksheet): a row naming at least two of ``columns``. A required
    column it lacks, a column named twice, or no row at all is a
    ``SheetError``."""
    try:
        workbook = open_workbook(data, file_name)
    except ImportFailed as exc:
        raise SheetError(exc.errors) from exc
    by_key = {c.key: c for c in columns}
    for worksheet in workbook.worksheets:
        grid = merged_grid(worksheet)
        for index, values in enumerate(grid[:HEADER_SEARCH_ROWS]):
            keys = [name_key(clean_text(v)) for v in values]
            found: dict[str, list[int]] = {}
            for column in columns:
                names = column.keys()
                for position, key in enumerate(keys):
                    if key in names:
                        found.setdefault(column.key, []).append(position)
            if len(found) >= 2:
                return _rows(worksheet.title, grid, index + 1, by_key, found, what=what)
    names = "、".join(f"“{ws.title}”" for ws in workbook.worksheets)
    required = "".join(f"“{c.label}”" for c in columns if c.required)
    raise SheetError(
        f"文件“{file_name}”的工作表({names})中没有找到表头行:表头应包含{required}等列。"
    )


def _rows(sheet_name, grid, header_row, by_key, found, *, what) -> Sheet:
    errors = []
    for key, positions in found.items():
        if len(positions) > 1:
            letters = "、".join(get_column_letter(p + 1) for p in positions)
            errors.append(
                f"第{header_row}行的表头中“{by_key[key].label}”列出现了多次"
                f"({letters}列),请只保留一列。"
            )
    missing = [c.label for c in by_key.values() if c.required and c.key not in found]
    if missing:
        errors.append(
            f"工作表“{sheet_name}”第{header_row}行的表头缺少"
            + "、".join(f"“{label}”" for label in missing)
            + "列。"
        )
    if errors:
        raise SheetError(errors)
    positions = {key: p[0] for key, p in found.items()}
    sheet = Sheet(sheet_name, header_row, by_key, positions)
    header_keys = [name_key(clean_text(v)) for v in grid[header_row - 1]]
    for number, values in enumerate(grid[header_row:], start=header_row + 1):
        if not any(clean_text(v) for v in values):
            continue
        if [name_key(clean_text(v)) for v in values] == header_keys:
            continue  # the header printed again after a page break
        if len(sheet.rows) == MAX_ROWS:
            raise SheetError(
                f"工作表“{sheet_name}”的{what}超过 {MAX_ROWS} 行,请分成几个文件导入。"
            )
        sheet.rows.append(
            (
                number,
                {
                    key: values[p] if p < len(values) else None
                    for key, p in positions.items()
                },
            )
        )
    if not sheet.rows:
        raise SheetError(f"工作表“{sheet_name}”表头以下没有任何{what}。")
    return sheet


# -- reading a cell ----------------------------------------------------------


class CellProblem(Exception):
    """A cell that cannot be read; the message says why."""


DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
MONTH_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
# Excel's day numbers of 1900-01-01 and 2099-12-31.
EXCEL_DAYS = range(1, 73051)


def _shown(value) -> str:
    text = clean_text(value)
    return text if len(text) <= 20 else text[:20] + "…"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return clean_text(value)


def _code(value) -> str:
    """A number such as a certificate's or an ID card's as text: a numeric
    cell that lost digits is refused (Excel keeps 15 significant digits),
    any width, spaces and dashes taken out, upper case."""
    if isinstance(value, float):
        if abs(value) >= 1e15 or not value.is_integer():
            raise CellProblem(LOST_DIGITS)
        value = int(value)
    text = unicodedata.normalize("NFKC", _text(value))
    return re.sub(r"[\s\-]", "", text).upper()


def _half(value) -> str:
    return unicodedata.normalize("NFKC", to_half_width(_text(value)))


def _date(value) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        day = _number_date(value)
        if day is not None:
            return day
        raise CellProblem(f"“{_shown(value)}”不是日期(如 2024-05-10)")
    text = _half(value)
    if not text:
        return None
    match = DATE_TEXT.match(text)
    try:
        if match:
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
        if re.fullmatch(r"\d{8}", text):
            return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        pass
    raise CellProblem(f"“{_shown(value)}”不是日期(如 2024-05-10)")


def _number_date(value: float) -> datetime.date | None:
    """A date kept as a number: 20240510, or Excel's day number in a cell
    that lost its date format."""
    if float(value).is_integer() and 19000101 <= value <= 20991231:
        text = str(int(value))
        try:
            return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            return None
    if int(value) in EXCEL_DAYS:
        return from_excel(value).date()
    return None


def _month(value) -> datetime.date | None:
    """The first day of the month a cell names: a date, 2024-06, 2024年6月,
    202406."""
    if value is None or value == "":
        return None
    problem = CellProblem(f"“{_shown(value)}”不是年月(如 2024-06)")
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if numeric and float(value).is_integer() and 190001 <= value <= 209912:
        text = str(int(value))
        if 1 <= int(text[4:]) <= 12:
            return datetime.date(int(text[:4]), int(text[4:]), 1)
        raise problem
    if not isinstance(value, str):
        try:
            day = _date(value)
        except CellProblem:
            raise problem from None
        return day.replace(day=1) if day else None
    text = _half(value)
    if not text:
        return None
    match = MONTH_TEXT.match(text) or re.fullmatch(r"(\d{4})(\d{2})", text)
    if match:
        if 1 <= int(match[2]) <= 12:
            return datetime.date(int(match[1]), int(match[2]), 1)
        raise problem
    try:
        day = _date(text)
    except CellProblem:
        raise problem from None
    return day.replace(day=1) if day else None


def _months(value) -> int | None:
    if value is None or value == "":
        return None
    text = _half(value).removesuffix("个月").removesuffix("月")
    number = whole_number(value if isinstance(value, int | float) else text)
    if number is None or number > 1200:
        raise CellProblem(f"“{_shown(value)}”不是月数(填整数,如 6)")
    return number


YES = {"是", "Y", "YES", "TRUE", "√", "1", "应届"}
NO = {"否", "N", "NO", "FALSE", "×", "0", "", "非应届"}


def _yes_no(value) -> bool:
    if isinstance(value, bool):
        return value
    text = _half(value).upper()
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellProblem(f"“{_shown(value)}”应填“是”或“否”")


def _choice(value, table: dict[str, str], what: str, labels: str) -> str:
    text = name_key(_half(value))
    if not text:
        return ""
    if text in table:
        return table[text]
    raise CellProblem(f"{what}“{_shown(value)}”不是{labels}之一")


KINDS = {
    AwardKind.EMPLOYMENT: ("就业奖励", "就业"),
    AwardKind.STARTUP: ("创业奖励", "创业"),
    AwardKind.UPSKILL: ("技能提升奖励", "技能提升"),
}
KIND_TABLE = {name_key(n): k.value for k, names in KINDS.items() for n in names}
KIND_LABELS = "、".join(names[0] for names in KINDS.values())
# Each level by any of its names: 高级技师, 一级, 高级技师(一级), 一级/高级技师…
LEVEL_NAMES = {
    Level.ONE: ("高级技师", "一级", "1"),
    Level.TWO: ("技师", "二级", "2"),
    Level.THREE: ("高级工", "三级", "3"),
    Level.SPECIAL: ("特级技师",),
    Level.CHIEF: ("首席技师",),
}
LEVEL_TOKENS = {
    name: level.value for level, names in LEVEL_NAMES.items() for name in names
}
LEVEL_LABELS = "高级技师(一级)、技师(二级)、高级工(三级)、特级技师、首席技师"
CERTIFICATE_TABLE = {
    **{name_key(label): value for value, label in CertificateKind.choices},
    **{name_key(label.removesuffix("证书")): v for v, label in CertificateKind.choices},
    **{v: v for v in CertificateKind.values},
}
CERTIFICATE_LABELS = "、".join(CertificateKind.labels)


def _level(value) -> str:
    text = name_key(_half(value))
    if not text:
        return ""
    tokens = [t for t in re.split(r"[()/、,;\s]+", text) if t]
    levels = {LEVEL_TOKENS.get(t) for t in tokens}
    if len(levels) == 1 and None not in levels:
        return levels.pop()
    raise CellProblem(f"证书等级“{_shown(value)}”不是{LEVEL_LABELS}之一")


def _id_number(value) -> tuple[str, bool]:
    """The ID number a cell holds, and whether the cell was a number (an
    exact integer survives; a float has lost the last digits)."""
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(value, float):
        raise CellProblem(LOST_DIGITS)
    return normalise_id_number(_text(value)), numeric


# -- the applications ----------------------------------------------------------

APPLICATION_COLUMNS = (
    Column("name", "姓名", required=True),
    Column("id_number", "身份证号", ("身份证号码", "公民身份号码"), required=True),
    Column("phone", "手机号", ("手机号码", "联系电话")),
    Column("card_number", "社保卡号", ("社会保障卡号", "社保卡/银行卡号", "银行卡号")),
    Column("card_bank", "开户银行", ("开户行",)),
    Column("kind", "奖励类别", ("奖励类型", "申报类别"), required=True),
    Column("certificate_number", "证书编号", ("证书号", "证书号码")),
    Column("certificate_kind", "证书类别", ("证书类型", "证书种类")),
    Column("occupation", "职业(工种)", ("职业", "工种", "职业工种")),
    Column("level", "证书等级", ("等级", "技能等级", "职业技能等级"), required=True),
    Column("certificate_date", "发证日期", ("取证日期", "证书发证日期")),
    Column("employer_name", "用人单位", ("单位名称", "工作单位")),
    Column("employer_credit_code", "统一社会信用代码", ("单位统一社会信用代码",)),
    Column("contract_start", "劳动合同起始", ("劳动合同起始日期", "合同起始日期")),
    Column("contract_end", "劳动合同终止", ("劳动合同终止日期", "合同终止日期")),
    Column("insurance_first_month", "首次在鹰参保月份", ("首次参保月份",)),
    Column(
        "insurance_months",
        "连续缴费月数",
        ("在鹰连续缴纳社保月数", "连续参保月数"),
    ),
    Column("fresh_graduate", "应届毕业生", ("是否应届毕业生", "职业院校应届毕业生")),
    Column("licence_number", "营业执照号", ("营业执照号码", "营业执照注册号")),
    Column("licence_date", "营业执照登记日期", ("营业执照日期", "执照登记日期")),
    Column("note", "备注"),
)
APPLICATION_READERS = {
    "name": _text,
    "phone": _code,
    "card_number": _code,
    "card_bank": _text,
    "kind": lambda v: _choice(v, KIND_TABLE, "奖励类别", KIND_LABELS),
    "certificate_number": _code,
    "certificate_kind": lambda v: _choice(
        v, CERTIFICATE_TABLE, "证书类别", CERTIFICATE_LABELS
    ),
    "occupation": _text,
    "level": _level,
    "certificate_date": _date,
    "employer_name": _text,
    "employer_credit_code": _code,
    "contract_start": _date,
    "contract_end": _date,
    "insurance_first_month": _month,
    "insurance_months": _months,
    "fresh_graduate": _yes_no,
    "licence_number": _code,
    "licence_date": _date,
    "note": lambda v: clean_text(v) if not isinstance(v, str) else v.strip(),
}


class _Discard(Exception):
    """Rolls back the savepoint of a row checked but not to be kept."""


def _may_import(actor, area) -> None:
    if not permissions.can_enter(actor):
        raise PermissionDenied("只有激励经办员可以导入奖励申请。")
    if area is None:
        if not permissions.is_city_clerk(actor):
            raise PermissionDenied("只有市人社局的激励经办员可以导入市本级的奖励申请。")
    elif not permissions.entry_areas(actor).filter(pk=area.pk).exists():
        raise PermissionDenied(f"您不能导入{area}的奖励申请。")


@transaction.atomic
def applications_import(
    *, data: bytes, file_name: str, area, actor, today: datetime.date
) -> list[Application]:
    """Every row of an employer's sheet as a draft application of ``area``
    (``None``: 市本级), filed today, or none. Each row goes through
    ``application_create`` in a savepoint, so a row is refused for what the
    entry form refuses (the ID check digit, the duplicates, what each award
    requires); a person or a certificate twice in the sheet is refused
    too. ``SheetError`` lists every problem of every row."""
    _may_import(actor, area)
    sheet = _read_sheet(data, file_name, APPLICATION_COLUMNS, "申请行")
    messages: list[tuple[int, str]] = []
    created: list[Application] = []
    first_person: dict[tuple[str, str], int] = {}
    first_certificate: dict[str, int] = {}
    for row, cells in sheet.rows:
        values, problems = _application_values(cells, today)
        numeric_id = values.pop("_numeric_id", False)
        if EXAMPLE_MARK in values.get("note", ""):
            messages.append((row, f"第{row}行:这是模板中的示例行,请删除后再导入。"))
            continue
        _sheet_duplicates(row, values, problems, first_person, first_certificate)
        try:
            with transaction.atomic():
                application = application_create(
                    data=values,
                    area=area,
                    actor=actor,
                    today=today,
                    source=Source.BATCH,
                )
                if problems:
                    raise _Discard
        except _Discard:
            pass
        except ApplicationError as exc:
            for key, texts in exc.errors.items():
                if key in problems:
                    continue  # already said, from the cell itself
                for text in texts:
                    if key == "id_number" and numeric_id:
                        text = (
                            text.rstrip("。")
                            + "(该单元格为数字格式,可能已丢失末几位,请设为文本格式)"
                        )
                    problems.setdefault(key, []).append(text)
        else:
            created.append(application)
        for key, texts in problems.items():
            for text in texts:
                text = text.rstrip("。")
                if key in sheet.columns:
                    messages.append((row, f"{sheet.where(row, key)}:{text}。"))
                else:
                    messages.append((row, f"第{row}行:{text}。"))
    if messages:
        raise SheetError([m for _, m in sorted(messages, key=lambda m: m[0])])
    audit_record(
        action=AuditAction.APPLICATION_IMPORT,
        actor=actor,
        obj=area,
        department=area,
        object_repr=f"{area or '市本级'} 批量申报",
        after={
            "file_name": file_name,
            "sha256": file_digest(data),
            "sheet": sheet.sheet_name,
            "area": str(area) if area else "市本级",
            "created": len(created),
            "numbers": [a.number for a in created],
        },
    )
    return created


def _application_values(cells: dict, today) -> tuple[dict, dict[str, list[str]]]:
    values: dict = {"filed_on": today}
    problems: dict[str, list[str]] = {}
    for key, value in cells.items():
        try:
            if key == "id_number":
                values["id_number"], values["_numeric_id"] = _id_number(value)
            else:
                values[key] = APPLICATION_READERS[key](value)
        except CellProblem as exc:
            problems.setdefault(key, []).append(str(exc))
    return values, problems


def _sheet_duplicates(row, values, problems, first_person, first_certificate):
    """The same person for the same award, or the same certificate, in two
    rows of the sheet: the later row is refused, naming the earlier."""
    id_number, kind = values.get("id_number", ""), values.get("kind", "")
    if id_number and kind and "id_number" not in problems:
        earlier = first_person.setdefault((id_number, kind), row)
        if earlier != row:
            problems.setdefault("id_number", []).append(
                f"与第{earlier}行是同一人申请{AwardKind(kind).label},"
                "同一奖励每人只能享受一次"
            )
    certificate = values.get("certificate_number", "")
    if certificate and "certificate_number" not in problems:
        earlier = first_certificate.setdefault(certificate, row)
        if earlier != row:
            problems.setdefault("certificate_number", []).append(
                f"与第{earlier}行的证书编号相同,同一证书不能重复申请"
            )


# -- the facts other systems give ------------------------------------------------

FACT_COLUMNS = {
    Fact.CERTIFICATE: (
        Column("certificate_number", "证书编号", ("证书号", "证书号码"), required=True),
        Column("name", "姓名"),
        Column("level", "证书等级", ("等级", "技能等级", "职业技能等级")),
        Column("certificate_date", "发证日期", ("取证日期",)),
        Column("result", "核验结果", ("查询结果", "核查结果", "验证结果")),
    ),
    Fact.INSURANCE: (
        Column("id_number", "身份证号", ("身份证号码", "公民身份号码"), required=True),
        Column("name", "姓名"),
        Column(
            "insurance_first_month",
            "首次参保月份",
            ("首次在鹰参保月份", "参保起始月份"),
            required=True,
        ),
        Column(
            "insurance_months",
            "连续缴费月数",
            ("连续参保月数", "在鹰连续缴纳社保月数"),
            required=True,
        ),
    ),
}
FACT_SOURCES = {
    Fact.CERTIFICATE: "全国职业资格证书查询系统",
    Fact.INSURANCE: "鹰潭市社会保险信息系统",
}
RESULT_WORDS = {
    FactResult.CONFIRMED: (
        "一致",
        "有效",
        "通过",
        "核验通过",
        "已核验",
        "真实",
        "正常",
        "是",
    ),
    FactResult.MISMATCH: ("不一致", "不符", "信息不符", "无效", "已注销", "已撤销"),
    FactResult.NOT_FOUND: ("查无", "查无记录", "无记录", "未查到", "不存在"),
}
RESULT_TABLE = {
    name_key(w): r.value for r, words in RESULT_WORDS.items() for w in words
}
RESULT_LABELS = "一致、不一致、查无记录"
# A fact of an application that is paid or refused is no longer checked.
CLOSED_STATES = (ApplicationState.PAID, ApplicationState.REFUSED)


@dataclass
class FactRow:
    row: int
    key: str  # the certificate number, or the ID number's keyed hash
    shown: str  # what a message may show of the key
    name: str = ""
    level: str = ""
    certificate_date: datetime.date | None = None
    result: str = ""
    insurance_first_month: datetime.date | None = None
    insurance_months: int | None = None


@transaction.atomic
def facts_import(
    *,
    data: bytes,
    file_name: str,
    fact: str,
    source: str,
    checked_on: datetime.date,
    actor,
) -> dict:
    """An export of another system recorded as fact checks, dated
    ``checked_on``, of the applications the actor may check: a certificate
    query export matched by 证书编号 (its result, or its presence, is the
    check; a name, level or date that differs from the application is a
    mismatch), a social-insurance export matched by 身份证号 (its months
    are recorded; a different first month or fewer months than declared
    is a mismatch). A malformed row is a ``SheetError`` and nothing is
    written; a row that matches no application is reported in
    ``unmatched`` ({"row", "reason"}), not dropped silently."""
    if not permissions.can_use(actor):
        raise PermissionDenied("只有激励经办员和人社局审核员可以导入核验结果。")
    errors = []
    if fact not in FACT_COLUMNS:
        errors.append("核验事项应为证书核验或社保缴费核验。")
    source = clean_text(source)
    if not source:
        errors.append("请填写数据来源(如 全国职业资格证书查询系统)。")
    elif len(source) > 100:
        errors.append("数据来源不能超过100个字。")
    if not isinstance(checked_on, datetime.date):
        errors.append("请填写核验日期。")
    if errors:
        raise SheetError(errors)
    sheet = _read_sheet(data, file_name, FACT_COLUMNS[fact], "数据行")
    rows, errors = _fact_rows(sheet, fact)
    if errors:
        raise SheetError(errors)
    scope = permissions.applications_for_user(actor).select_related("area")
    if fact == Fact.CERTIFICATE:
        candidates = scope.filter(certificate_number__in={r.key for r in rows})
        key_of = "certificate_number"
    else:
        candidates = scope.filter(id_number_hash__in={r.key for r in rows})
        key_of = "id_number_hash"
    by_key: dict[str, list[Application]] = {}
    for application in candidates.order_by("pk"):
        by_key.setdefault(getattr(application, key_of), []).append(application)

    unmatched: list[dict] = []
    counts = dict.fromkeys(FactResult.values, 0)
    first_row: dict[str, int] = {}
    checked = 0
    audit_lock()
    for row in rows:
        earlier = first_row.setdefault(row.key, row.row)
        if earlier != row.row:
            unmatched.append(
                {"row": row.row, "reason": f"与第{earlier}行重复,未重复记录"}
            )
            continue
        found = by_key.get(row.key, [])
        open_ones = [a for a in found if a.state not in CLOSED_STATES]
        mine = [a for a in open_ones if permissions.who_for(actor, a)]
        if not mine:
            unmatched.append(
                {"row": row.row, "reason": _no_match(fact, row, found, open_ones)}
            )
            continue
        for application in mine:
            result, detail = _judge(fact, row, application)
            try:
                fact_check_record(
                    application=application,
                    fact=fact,
                    result=result,
                    source=source,
                    checked_on=checked_on,
                    actor=actor,
                    detail=detail,
                    insurance_first_month=row.insurance_first_month,
                    insurance_months=row.insurance_months,
                )
            except ApplicationError as exc:
                errors.append(f"第{row.row}行:{exc}")
                continue
            checked += 1
            counts[result] += 1
    if errors:
        raise SheetError(errors)
    return {"checked": checked, "unmatched": unmatched, **counts}


def _fact_rows(sheet: Sheet, fact: str) -> tuple[list[FactRow], list[str]]:
    rows, errors = [], []
    for number, cells in sheet.rows:
        problems: dict[str, str] = {}

        def read(key, reader, cells=cells, problems=problems):
            try:
                return reader(cells.get(key))
            except CellProblem as exc:
                problems[key] = str(exc)
                return None

        if fact == Fact.CERTIFICATE:
            code = read("certificate_number", _code) or ""
            if not code and "certificate_number" not in problems:
                problems["certificate_number"] = "证书编号为空"
            row = FactRow(
                row=number,
                key=code,
                shown=code,
                name=_text(cells.get("name")),
                level=read("level", _level) or "",
                certificate_date=read("certificate_date", _date),
                result=read(
                    "result",
                    lambda v: _choice(v, RESULT_TABLE, "核验结果", RESULT_LABELS),
                )
                or "",
            )
        else:
            id_number = ""
            try:
                id_number, _numeric = _id_number(cells.get("id_number"))
            except CellProblem as exc:
                problems["id_number"] = str(exc)
            if not id_number and "id_number" not in problems:
                problems["id_number"] = "身份证号为空"
            elif id_number and (problem := id_number_problem(id_number)):
                problems["id_number"] = problem
            row = FactRow(
                row=number,
                key=keyed_hash(id_number) if id_number else "",
                shown=mask_id_number(id_number) if id_number else "",
                name=_text(cells.get("name")),
                insurance_first_month=read("insurance_first_month", _month),
                insurance_months=read("insurance_months", _months),
            )
            for key, what in (
                ("insurance_first_month", "首次参保月份为空"),
                ("insurance_months", "连续缴费月数为空"),
            ):
                if getattr(row, key) is None and key not in problems:
                    problems[key] = what
        for key, text in problems.items():
            errors.append(f"{sheet.where(number, key)}:{text.rstrip('。')}。")
        if not problems:
            rows.append(row)
    return rows, errors


def _no_match(fact, row: FactRow, found, open_ones) -> str:
    if fact == Fact.CERTIFICATE:
        what = f"证书编号为“{row.shown}”"
    else:
        what = f"身份证号为 {row.shown} "
    if not found:
        return f"没有{what}的奖励申请"
    if not open_ones:
        return f"{what}的申请已发放或不予奖励,不再核验"
    areas = "、".join(sorted({str(a.area or "市本级") for a in open_ones}))
    return f"{what}的申请属于{areas},应由其经办员或人社局审核员核验"


def _judge(fact, row: FactRow, application: Application) -> tuple[str, str]:
    """The result of one check, and why."""
    differences = []
    if fact == Fact.CERTIFICATE:
        if row.name and name_key(row.name) != name_key(application.name):
            differences.append("姓名与申请不一致")
        if row.level and row.level != application.level:
            differences.append(
                f"证书等级为{Level(row.level).label},申请为"
                f"{application.get_level_display() or '未填'}"
            )
        if (
            row.certificate_date
            and row.certificate_date != application.certificate_date
        ):
            differences.append(
                f"发证日期为{row.certificate_date},申请为"
                f"{application.certificate_date or '未填'}"
            )
        if row.result == FactResult.NOT_FOUND:
            return FactResult.NOT_FOUND, "证书查询系统查无此证书"
        if row.result == FactResult.MISMATCH:
            return FactResult.MISMATCH, ";".join(["查询结果为不一致", *differences])
        if differences:
            return FactResult.MISMATCH, ";".join(differences)
        return FactResult.CONFIRMED, "证书信息与申请一致"
    first, months = row.insurance_first_month, row.insurance_months
    declared_first = application.insurance_first_month
    declared_months = application.insurance_months
    if row.name and name_key(row.name) != name_key(application.name):
        differences.append("姓名与申请不一致")
    if declared_first and first != declared_first:
        differences.append(f"首次参保月份为{first:%Y-%m},申请为{declared_first:%Y-%m}")
    if declared_months is not None and months < declared_months:
        differences.append(f"连续缴费{months}个月,少于申请的{declared_months}个月")
    if differences:
        return FactResult.MISMATCH, ";".join(differences)
    return FactResult.CONFIRMED, f"首次参保{first:%Y-%m},连续缴费{months}个月"


# -- the key industry-chain enterprises ------------------------------------------

# GB 32100-2015: 18 characters of this set (no I, O, Z, S, V); the 18th is
# a check character of the first 17, weighted 3^i mod 31.
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_AUTHORITIES = "123456789ABCDEFGNY"


def normalise_credit_code(text: str) -> str:
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", text or "")).upper()


def credit_code_check_char(first17: str) -> str:
    total = sum(
        CREDIT_CODE_CHARS.index(c) * w
        for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """None for a valid 统一社会信用代码 (already normalised), else why not."""
    if len(code) != 18:
        return f"统一社会信用代码应为18位,“{_shown(code)}”为{len(code)}位"
    bad = sorted({c for c in code if c not in CREDIT_CODE_CHARS})
    if bad:
        return (
            "统一社会信用代码只含数字和除 I、O、Z、S、V 外的大写字母,"
            f"不能含“{''.join(bad)}”"
        )
    if code[0] not in CREDIT_CODE_AUTHORITIES or not code[2:8].isdigit():
        return "统一社会信用代码的登记管理部门代码或行政区划码不正确"
    if credit_code_check_char(code[:17]) != code[17]:
        return "统一社会信用代码的校验码(第18位)不正确,请核对"
    return None


ENTERPRISE_COLUMNS = (
    Column("name", "企业名称", ("单位名称", "企业"), required=True),
    Column("credit_code", "统一社会信用代码", ("信用代码",), required=True),
    Column("chain", "产业链", ("所属产业链", "重点产业链"), required=True),
    Column("area", "所在区(市)", ("所在地区", "所属区(市)", "区(市)", "所在区县")),
    Column("listed_from", "列入日期", ("认定日期", "列入时间")),
    Column("listed_to", "移出日期", ("退出日期", "移出时间")),
)
ENTERPRISE_FIELDS = ("name", "chain_id", "area_id", "listed_from", "listed_to")


@transaction.atomic
def enterprises_import(
    *, data: bytes, file_name: str, actor, today: datetime.date
) -> dict:
    """The key industry-chain registry from a sheet: each row's enterprise
    created, or updated by its 统一社会信用代码; a blank 列入日期 is
    ``today``. A bad code, an unknown chain or 区(市), dates out of order
    or a code twice is a ``SheetError`` and nothing is written. Audited
    once, with what changed."""
    if not (
        actor.has_perm("incentives.add_keyenterprise")
        and actor.has_perm("incentives.change_keyenterprise")
    ):
        raise PermissionDenied("只有系统管理员可以导入重点产业链企业名录。")
    sheet = _read_sheet(data, file_name, ENTERPRISE_COLUMNS, "企业行")
    chains = {name_key(c.name): c for c in IndustryChain.objects.all()}
    chain_names = "、".join(c.name for c in chains.values())
    directory = DepartmentDirectory.load()
    areas = list(
        Department.objects.filter(finance__kind=FinanceKind.AREA).order_by(
            "finance__sort_order"
        )
    )
    area_names = "、".join(str(d) for d in areas)
    areas = {d.pk for d in areas}
    errors: list[str] = []
    wanted: dict[str, dict] = {}
    first_row: dict[str, int] = {}
    for row, cells in sheet.rows:
        problems: dict[str, str] = {}
        name = _text(cells.get("name"))
        if not name:
            problems["name"] = "企业名称为空"
        elif len(name) > 200:
            problems["name"] = "企业名称超过200个字"
        code = normalise_credit_code(_text(cells.get("credit_code")))
        problem = credit_code_problem(code) if code else "统一社会信用代码为空"
        if problem:
            problems["credit_code"] = problem
        elif code in first_row:
            problems["credit_code"] = f"与第{first_row[code]}行的统一社会信用代码相同"
        else:
            first_row[code] = row
        chain_text = _text(cells.get("chain"))
        chain = chains.get(name_key(chain_text))
        if chain is None:
            problems["chain"] = (
                f"产业链“{_shown(chain_text)}”不在重点产业链中"
                if chain_text
                else "产业链为空"
            ) + f",应为{chain_names}之一"
        area_text = _text(cells.get("area"))
        area = directory.resolve(area_text) if area_text else None
        if area_text and (area is None or area.pk not in areas):
            problems["area"] = f"“{_shown(area_text)}”不是区(市),应为{area_names}之一"
        dates = {}
        for key in ("listed_from", "listed_to"):
            try:
                dates[key] = _date(cells.get(key))
            except CellProblem as exc:
                problems[key] = str(exc)
        listed_from = dates.get("listed_from") or today
        listed_to = dates.get("listed_to")
        if listed_to and "listed_from" not in problems and listed_to < listed_from:
            problems["listed_to"] = f"移出日期{listed_to}早于列入日期{listed_from}"
        for key, text in problems.items():
            errors.append(f"{sheet.where(row, key)}:{text}。")
        if not problems:
            wanted[code] = {
                "name": name,
                "chain_id": chain.pk,
                "area_id": area.pk if area else None,
                "listed_from": listed_from,
                "listed_to": listed_to,
            }
    if errors:
        raise SheetError(errors)
    audit_lock()
    existing = {
        e.credit_code: e
        for e in KeyEnterprise.objects.select_for_update().filter(
            credit_code__in=wanted
        )
    }
    created, updated, unchanged = [], {}, 0
    for code, values in wanted.items():
        enterprise = existing.get(code)
        if enterprise is None:
            KeyEnterprise.objects.create(credit_code=code, **values)
            created.append(code)
            continue
        changes = {
            key: [_json(getattr(enterprise, key)), _json(value)]
            for key, value in values.items()
            if getattr(enterprise, key) != value
        }
        if not changes:
            unchanged += 1
            continue
        for key, value in values.items():
            setattr(enterprise, key, value)
        enterprise.save(update_fields=[k.removesuffix("_id") for k in changes])
        updated[code] = changes
    audit_record(
        action=AuditAction.ENTERPRISE_IMPORT,
        actor=actor,
        object_repr=f"重点产业链企业名录({file_name})",
        after={
            "file_name": file_name,
            "sha256": file_digest(data),
            "sheet": sheet.sheet_name,
            "created": created,
            "updated": updated,
            "unchanged": unchanged,
        },
    )
    return {"created": len(created), "updated": len(updated), "unchanged": unchanged}


def _json(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


# -- the templates -----------------------------------------------------------------


def _workbook(title: str, columns, example: list | None, notes: list[str]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append([c.label for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(
            horizontal="center", vertical="center", wrap_text=True
        )
    for index, _column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 16
        # Text format, so that Excel keeps an 18-digit number typed in it
        # whole.
        sheet.column_dimensions[letter].number_format = "@"
    if example:
        sheet.append([escape_formula(v) if isinstance(v, str) else v for v in example])
        for cell in sheet[2]:
            cell.fill = EXAMPLE_FILL
            cell.font = Font(italic=True, color="666666")
    sheet.freeze_panes = "A2"
    help_sheet = book.create_sheet("填表说明")
    help_sheet.column_dimensions["A"].width = 100
    for line in notes:
        help_sheet.append([escape_formula(line)])
        help_sheet.cell(help_sheet.max_row, 1).alignment = Alignment(wrap_text=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


COMMON_NOTES = [
    "表头可以不在第一行(上方可有标题行),各列顺序不限。",
    "身份证号、社保卡号、证书编号等长数字请用文本格式填写(模板已设为文本):"
    "Excel 的数字只保留15位有效数字,超过的部分会丢失,导入时会被拒绝。",
    "日期填 2024-05-10 或 2024年5月10日,月份填 2024-06 或 2024年6月;"
    "Excel 的日期格式也可以。",
    "整张表无误时才会导入;有一行不对,则一行也不导入,并逐条列出错误所在的行和列。",
]


def application_template() -> bytes:
    """The employer's quarterly sheet: the header the import looks for, one
    example row (marked, so that leaving it in is refused) and notes."""
    example = {
        "name": "张三",
        "id_number": "360602199003071233",
        "phone": "13800001234",
        "card_number": "6217001234567890123",
        "card_bank": "中国建设银行鹰潭分行",
        "kind": "就业奖励",
        "certificate_number": "S000036060000123",
        "certificate_kind": "职业技能等级证书",
        "occupation": "电工",
        "level": "技师(二级)",
        "certificate_date": "2024-05-10",
        "employer_name": "某某铜业有限公司",
        "employer_credit_code": "91350100M000100Y43",
        "contract_start": "2024-06-01",
        "contract_end": "2027-05-31",
        "insurance_first_month": "2024-06",
        "insurance_months": "6",
        "fresh_graduate": "否",
        "licence_number": "",
        "licence_date": "",
        "note": f"{EXAMPLE_MARK}此行为填写示例,导入前请删除",
    }
    notes = [
        "单位批量申报奖励申请填表说明",
        "每行一名申请人。“姓名”“身份证号”“奖励类别”“证书等级”四列必须有。",
        f"奖励类别填{KIND_LABELS}之一。",
        "证书等级填高级技师(一级)、技师(二级)、高级工(三级),也可只填一级、二级、三级;"
        "特级技师、首席技师的标准另按有关规定执行,转人工审核。",
        f"证书类别填{CERTIFICATE_LABELS}之一。",
        "就业奖励、技能提升奖励须填用人单位、统一社会信用代码、劳动合同起始日期;"
        "创业奖励须填营业执照号和营业执照登记日期;劳动合同终止日期空白为无固定期限。",
        "应届毕业生填“是”或“否”(空白为否)。",
        "同一人同一奖励类别、同一证书编号在表中只能出现一次。",
        "第2行是示例(备注中有“【示例】”),导入前请删除。",
        *COMMON_NOTES,
    ]
    return _workbook(
        "奖励申请",
        APPLICATION_COLUMNS,
        [example[c.key] for c in APPLICATION_COLUMNS],
        notes,
    )


def fact_template(fact: str) -> bytes:
    """The columns a certificate-query or social-insurance export needs,
    with notes; no example row (one left in would be matched)."""
    if fact not in FACT_COLUMNS:
        raise ValueError(f"未知的核验事项“{fact}”")
    columns = FACT_COLUMNS[fact]
    if fact == Fact.CERTIFICATE:
        notes = [
            "证书核验结果导入说明(全国职业资格证书查询系统等导出的结果)",
            "按“证书编号”对应奖励申请;“姓名”“证书等级”“发证日期”有填写时与申请比对,"
            "不一致的记为“不一致”。",
            f"“核验结果”可填{RESULT_LABELS};没有此列或空白时,查询结果中有此证书即记为“一致”。",
        ]
    else:
        notes = [
            "社保缴费核验结果导入说明(社会保险信息系统导出的结果)",
            "按“身份证号”对应奖励申请;记录首次参保月份和连续缴费月数。",
            "首次参保月份与申请不同,或连续缴费月数少于申请所填的,记为“不一致”。",
        ]
    notes += ["没有对应申请的行会在导入结果中逐行列出,不会写入。", *COMMON_NOTES]
    return _workbook(Fact(fact).label, columns, None, notes)


def enterprise_template() -> bytes:
    notes = [
        "重点产业链企业名录导入说明",
        "按统一社会信用代码新增或更新企业;统一社会信用代码须为18位且校验码正确。",
        "产业链须为平台中已有的重点产业链名称;所在区(市)可空白,或填区(市)名称。",
        "列入日期空白时取导入当天;移出日期空白表示仍在名录中。",
        *COMMON_NOTES,
    ]
    return _workbook("重点产业链企业", ENTERPRISE_COLUMNS, None, notes)
