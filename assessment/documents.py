"""The assessment's results as documents: the 通报 of the results (.docx
in the bulletin's 公文 layout, GB/T 9704-2012, built from
``bulletins.documents.word``'s blocks, and its PDF by LibreOffice) and the
score table as .xlsx for the city's 年度综合考核.

``results_data`` reads what the documents show in a fixed number of
queries; ``results_docx`` and ``results_xlsx`` are pure functions of it,
so the document and the workbook cannot disagree. ``render_results`` is
what a job or a view calls.
"""

import datetime
import io
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from bulletins.documents import DocumentError, docx_to_pdf, word
from bulletins.wording import chinese_date
from common.spreadsheets import escape_formula, normalise_text

from .models import (
    Assessment,
    AssessmentState,
    Grade,
    IndicatorKind,
    ObjectionState,
    Score,
)

ISSUER = "鹰潭市技能鹰潭行动领导小组办公室"
RECIPIENTS = "各责任单位:"
COPY_TO = "市委办公室,市政府办公室。"
FORMATS = ("docx", "pdf", "xlsx")
PDF_TIMEOUT = 180
# Widths in mm; each table is the 版心's 156 mm.
RANKING_COLUMNS = (("名次", 18), ("责任单位", 74), ("总分", 30), ("等次", 34))
INDICATOR_COLUMNS = (
    ("序号", 12),
    ("指标名称", 36),
    ("类型", 22),
    ("分值", 18),
    ("计分方法", 68),
)
# Which states have results to publish (ranks and grades assigned).
RESULT_STATES = (AssessmentState.FINAL, AssessmentState.ISSUED)


def number(value) -> str:
    """30.00 as 30, 0.50 as 0.5: points as an office writes them."""
    if value is None or value == "":
        return ""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def title_of(year: int) -> str:
    return f"关于{year}年度技能鹰潭行动考核结果的通报"


def indicator_rule(kind: str, weight, params: dict, lead_share: int) -> str:
    """How an indicator is scored, in one sentence for the annex."""
    w = number(weight)
    p = params or {}
    if kind == IndicatorKind.DISCIPLINE:
        return (
            f"满分{w}分,按应报送份数折算:逾期报送每份计{number(p.get('late', 0))}份、"
            f"未报送每份计{number(p.get('missing', 0))}份、"
            f"退回修改每份计{number(p.get('returned', 0))}份,"
            f"得分=满分×(1−扣减份数÷应报送份数),最低0分"
        )
    if kind == IndicatorKind.PROGRESS:
        return (
            f"满分{w}分,按年末已完成或按序时推进的任务占比计分,"
            f"牵头任务占{lead_share}%、配合任务占{100 - lead_share}%"
        )
    if kind == IndicatorKind.TARGETS:
        return (
            f"满分{w}分,按所牵头目标的完成率与序时进度之比(最高为1)的平均值计分;"
            "无牵头目标的得满分"
        )
    if kind == IndicatorKind.RECTIFICATION:
        return (
            f"满分{w}分,按当年督导发现问题在整改时限内销号的比例计分;无督导问题的得满分"
        )
    if kind == IndicatorKind.URGES:
        return f"每被催办1次扣{number(p.get('each', 0))}分,最多扣{w}分"
    if kind == IndicatorKind.RED_LIGHTS:
        return (
            f"已印发季度通报中所牵头任务每亮1次红灯扣{number(p.get('each', 0))}分,"
            f"最多扣{w}分"
        )
    if kind == IndicatorKind.BONUS:
        cap = number(p.get("cap", weight))
        return f"经认定的表彰、创新等事项加分,须附佐证材料,最多加{cap}分"
    if kind == IndicatorKind.PENALTY:
        return f"经认定的扣分事项,须写明事由并附佐证材料,最多扣{w}分"
    if kind == IndicatorKind.SPECIAL:
        target = p.get("target")
        rule = "录入数值及数据来源"
        if target not in (None, ""):
            rule += f",目标值{number(target)}{p.get('unit', '')}"
        if Decimal(weight or 0) > 0:
            return rule + f",满分{w}分,按数值与目标值之比(最高为1)计分"
        return rule + ",单独列示,不计入总分"
    return ""


def _local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment else None


def results_data(assessment: Assessment) -> dict:
    """What the documents show of ``assessment``: its scheme's rules and
    indicators, every sheet's points, total, rank and grade (by rank, then
    the departments' order), the corrections and the objections' count.
    Six queries whatever the number of departments."""
    assessment = Assessment.objects.select_related("scheme").get(pk=assessment.pk)
    scheme = assessment.scheme
    indicators = [
        {
            "id": i.pk,
            "position": i.position,
            "name": i.name,
            "kind": i.kind,
            "kind_label": i.get_kind_display(),
            "weight": i.weight,
            "rule": indicator_rule(i.kind, i.weight, i.params, i.lead_share),
        }
        for i in scheme.indicators.order_by("position", "pk")
    ]
    sheets = list(
        assessment.sheets.select_related("department").order_by(
            "department__sort_order", "department__name", "pk"
        )
    )
    points: dict[int, dict[int, Decimal]] = {sheet.pk: {} for sheet in sheets}
    for sheet_id, indicator_id, value in Score.objects.filter(
        sheet__assessment=assessment
    ).values_list("sheet_id", "indicator_id", "points"):
        points[sheet_id][indicator_id] = value
    rows = [
        {
            "department_id": sheet.department_id,
            "name": sheet.department.name,
            "total": sheet.total,
            "rank": sheet.rank,
            "grade": sheet.grade,
            "points": points[sheet.pk],
        }
        for sheet in sheets
    ]
    # Ranked first, in rank order; the departments' own order within a rank.
    rows.sort(key=lambda row: (row["rank"] is None, row["rank"] or 0))
    objections = (
        assessment.sheets.aggregate(
            total=Count("objections"),
            accepted=Count(
                "objections", filter=Q(objections__state=ObjectionState.ACCEPTED)
            ),
        )
        if sheets
        else {"total": 0, "accepted": 0}
    )
    corrections = [
        {"version": c.version, "reason": c.reason}
        for c in assessment.corrections.order_by("version")
    ]
    return {
        "year": scheme.year,
        "scheme_title": scheme.title,
        "state": assessment.state,
        "version": assessment.version,
        "rules": {
            "excellent_min": scheme.excellent_min,
            "good_min": scheme.good_min,
            "fair_min": scheme.fair_min,
            "excellent_quota": scheme.excellent_quota,
        },
        "indicators": indicators,
        "rows": rows,
        "objections": objections,
        "corrections": corrections,
        "review_ends_on": assessment.review_ends_on,
        "finalised_on": _local_date(assessment.finalised_at),
        "issued_on": _local_date(assessment.issued_at),
    }


def results_text(
    data: dict, *, number_text: str = "", on: datetime.date | None = None
) -> dict:
    """The 版头, 署名 and 版记 of the results, dated ``on`` (by default the
    day of issue, else of finalisation)."""
    day = on or data["issued_on"] or data["finalised_on"]
    iso = day.isoformat() if day else ""
    return {
        "issuer": ISSUER,
        "number": number_text,
        "title": title_of(data["year"]),
        "recipients": RECIPIENTS,
        "signature": ISSUER,
        "date": iso,
        "copy_to": COPY_TO,
        "printed_by": ISSUER,
        "printed_on": iso,
    }


def _scored(indicator: dict) -> bool:
    return indicator["kind"] in (
        IndicatorKind.DISCIPLINE,
        IndicatorKind.PROGRESS,
        IndicatorKind.TARGETS,
        IndicatorKind.RECTIFICATION,
    ) or (indicator["kind"] == IndicatorKind.SPECIAL and indicator["weight"] > 0)


def opening_lines(data: dict) -> list[str]:
    """The paragraphs before the results: the basis, the indicators, the
    review window and its objections, a correction's reason."""
    year = data["year"]
    count = len(data["rows"])
    lines = [
        "根据《关于实施“技能鹰潭行动”的意见》(鹰办发〔2022〕22号)“月调度、季通报、"
        f"半年督导、全年考核”的工作机制,按照《{data['scheme_title']}》,"
        f"市技能鹰潭行动领导小组办公室对{count}个责任单位{year}年度工作进行了考核。"
        "现将考核结果通报如下。"
    ]
    scored = [i for i in data["indicators"] if _scored(i)]
    others = [i for i in data["indicators"] if not _scored(i)]
    sentence = (
        "本次考核设"
        + "、".join(f"{i['name']}({number(i['weight'])}分)" for i in scored)
        + f"{len(scored)}项计分指标"
    )
    if others:
        sentence += ",另设" + "、".join(i["name"] for i in others)
    sentence += (
        "。各项得分由调度平台根据全年月度报告、季度通报、督导整改台账等数据计算,"
        "每项得分的计算过程和依据均可在平台查看。"
    )
    review = f"各单位于{chinese_date(data['review_ends_on'])}前在平台复核本单位得分"
    objections = data["objections"]
    if objections["total"]:
        review += (
            f",共提出申诉{objections['total']}件,"
            f"采纳{objections['accepted']}件并据此更正得分。"
        )
    else:
        review += ",未提出申诉。"
    rules = data["rules"]
    grades = (
        f"考核结果分为优秀({number(rules['excellent_min'])}分及以上)、"
        f"良好({number(rules['good_min'])}分及以上)、"
        f"一般({number(rules['fair_min'])}分及以上)、较差四个等次,"
        f"优秀等次不超过参加考核单位的{rules['excellent_quota']}%。"
    )
    lines += [sentence, review if data["review_ends_on"] else "", grades]
    if data["version"] > 1 and data["corrections"]:
        latest = data["corrections"][-1]
        lines.append(
            f"本通报为第{data['version']}版,更正原因:"
            f"{latest['reason'].strip().rstrip('。')}。"
        )
    return [line for line in lines if line]


def grade_lines(data: dict) -> list[str]:
    """The count of each grade, then the departments of each, by rank."""
    by_grade = {grade: [] for grade in Grade.values}
    for row in data["rows"]:
        if row["grade"] in by_grade:
            by_grade[row["grade"]].append(row["name"])
    counts = "、".join(f"{grade}{len(names)}个" for grade, names in by_grade.items())
    lines = [f"经考核,{len(data['rows'])}个责任单位中,{counts}。"]
    for grade, names in by_grade.items():
        if names:
            lines.append(f"{grade}等次:{'、'.join(names)}。")
    return lines


def _check_final(data: dict) -> None:
    if data["state"] not in RESULT_STATES:
        raise DocumentError(
            f"{data['year']}年度考核尚未定稿(当前为“"
            f"{AssessmentState(data['state']).label}”),不能生成考核结果通报;"
            "定稿后名次与等次才确定。"
        )


def results_docx(data: dict, text: dict) -> bytes:
    """The results 通报 as .docx bytes; refused (DocumentError) before the
    assessment is final."""
    _check_final(data)
    document = word.official_document(text)
    opening = opening_lines(data)
    word.add_paragraph(document, opening[0])
    word.add_heading(document, "一、考核情况")
    for line in opening[1:]:
        word.add_paragraph(document, line)
    word.add_heading(document, "二、考核结果")
    for line in grade_lines(data):
        word.add_paragraph(document, line)
    word.add_paragraph(document, f"{data['year']}年度各责任单位考核得分及等次如下:")
    word.add_table(
        document,
        RANKING_COLUMNS,
        [
            [
                (row["rank"] if row["rank"] is not None else "—", None),
                (row["name"], None),
                (f"{row['total']:.2f}", None),
                (row["grade"] or "—", None),
            ]
            for row in data["rows"]
        ],
    )
    word.add_heading(document, "三、工作要求")
    word.add_paragraph(
        document,
        "考核结果纳入全市年度综合考核。获得优秀等次的单位要再接再厉、总结推广经验;"
        "等次为一般、较差的单位要对照考核指标认真查找差距,"
        "于通报印发之日起30日内向市技能鹰潭行动领导小组办公室报送整改措施,"
        "确保“技能鹰潭行动”各项任务按期完成。",
    )
    annex = word.add_paragraph(document, "附件:考核指标及计分方法")
    annex.paragraph_format.space_before = word.LINE
    word.add_closing(document, text)
    word.add_annex_page(document, "", "考核指标及计分方法")
    word.add_table(
        document,
        INDICATOR_COLUMNS,
        [
            [
                (i["position"], None),
                (i["name"], None),
                (i["kind_label"], None),
                (number(i["weight"]), None),
                (i["rule"], None),
            ]
            for i in data["indicators"]
        ],
    )
    return word.official_bytes(document, text)


# -- the workbook --------------------------------------------------------------


def _cell(value):
    """Numbers stay numbers; text is escaped against formulas."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, int | float):
        return value
    return escape_formula(normalise_text(str(value)))


def _sheet(sheet, title: str, headers, rows) -> None:
    sheet.title = title
    sheet.append([_cell(name) for name, _ in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(
            horizontal="center", vertical="center", wrap_text=True
        )
    for row in rows:
        sheet.append([_cell(value) for value in row])
    for index, (_, width) in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C2" if title == SCORE_SHEET else "A2"


SCORE_SHEET = "考核得分"
INDICATOR_SHEET = "考核指标"


def score_headers(data: dict) -> list[tuple[str, int]]:
    return [
        ("名次", 6),
        ("责任单位", 24),
        *((f"{i['name']}({number(i['weight'])})", 12) for i in data["indicators"]),
        ("总分", 10),
        ("等次", 8),
    ]


def results_xlsx(data: dict) -> bytes:
    """The score table (department × indicator, total, rank, grade) and the
    indicators as .xlsx bytes, in any state (before finalisation the rank
    and grade cells are empty)."""
    workbook = Workbook()
    _sheet(
        workbook.active,
        SCORE_SHEET,
        score_headers(data),
        (
            [
                row["rank"],
                row["name"],
                *(row["points"].get(i["id"]) for i in data["indicators"]),
                row["total"],
                row["grade"] or None,
            ]
            for row in data["rows"]
        ),
    )
    _sheet(
        workbook.create_sheet(),
        INDICATOR_SHEET,
        (("序号", 6), ("指标名称", 28), ("类型", 12), ("分值", 8), ("计分方法", 70)),
        (
            [i["position"], i["name"], i["kind_label"], i["weight"], i["rule"]]
            for i in data["indicators"]
        ),
    )
    workbook.properties.title = title_of(data["year"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def results_file_name(data: dict, ext: str) -> str:
    version = f"(第{data['version']}版)" if data["version"] > 1 else ""
    return f"{data['year']}年度技能鹰潭行动考核结果{version}.{ext}"


def render_results(
    assessment: Assessment,
    *,
    formats: tuple[str, ...] = FORMATS,
    number_text: str = "",
    on: datetime.date | None = None,
    pdf_timeout: int = PDF_TIMEOUT,
) -> dict[str, bytes]:
    """``{ext: bytes}`` of the results in ``formats`` (docx, pdf, xlsx).
    The PDF is the .docx converted by LibreOffice (seconds): run it as a
    job. Raises DocumentError, in Chinese, for a .docx or PDF before the
    assessment is final or when the conversion fails."""
    unknown = [ext for ext in formats if ext not in FORMATS]
    if unknown:
        raise DocumentError(f"不支持的文件格式:{'、'.join(unknown)}。")
    data = results_data(assessment)
    text = results_text(data, number_text=number_text, on=on)
    out: dict[str, bytes] = {}
    if "docx" in formats or "pdf" in formats:
        docx = results_docx(data, text)
        if "docx" in formats:
            out["docx"] = docx
        if "pdf" in formats:
            out["pdf"] = docx_to_pdf(docx, timeout=pdf_timeout)
    if "xlsx" in formats:
        out["xlsx"] = results_xlsx(data)
    return out
