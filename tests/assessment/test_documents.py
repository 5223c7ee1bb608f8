"""The results documents (assessment.documents), read back: the .docx in
the 公文 layout (page, faces with w:eastAsia, title, ranking and grades,
the indicators annex), the workbook's columns formula-safe, the fixed
number of queries, and one PDF conversion."""

import datetime
import io
import shutil
from decimal import Decimal

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn

from assessment.defaults import default_scheme_create
from assessment.documents import (
    render_results,
    results_data,
    results_docx,
    results_text,
    results_xlsx,
)
from assessment.models import (
    Assessment,
    AssessmentCorrection,
    AssessmentState,
    Grade,
    Objection,
    ObjectionState,
    Score,
    ScoreSheet,
)
from bulletins.documents import DocumentError, fonts
from bulletins.documents import pdf as pdf_module
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ISSUED = datetime.datetime(2026, 1, 20, 10, tzinfo=datetime.UTC)

# name, total, rank, grade: 市教育局 and 市财政局 tie for second.
RESULTS = (
    ("市人社局", "93.50", 1, Grade.EXCELLENT),
    ("市教育局", "88.00", 2, Grade.GOOD),
    ("市财政局", "88.00", 2, Grade.GOOD),
    ("=贵溪市", "72.25", 4, Grade.FAIR),
    ("余江区", "61.00", 5, Grade.POOR),
)


def make_assessment(results=RESULTS, *, state=AssessmentState.ISSUED, user=None):
    scheme = default_scheme_create(2025)
    assessment = Assessment.objects.create(
        scheme=scheme,
        state=state,
        review_ends_on=datetime.date(2026, 1, 10),
        issued_at=ISSUED if state == AssessmentState.ISSUED else None,
    )
    indicators = list(scheme.indicators.all())
    for order, (name, total, rank, grade) in enumerate(results):
        sheet = ScoreSheet.objects.create(
            assessment=assessment,
            department=DepartmentFactory(name=name, sort_order=order),
            total=Decimal(total),
            rank=rank,
            grade=grade,
        )
        Score.objects.bulk_create(
            Score(sheet=sheet, indicator=i, points=Decimal(order) + i.position)
            for i in indicators
        )
    return assessment


@pytest.fixture
def assessment():
    return make_assessment()


def docx_of(assessment, **kwargs):
    data = results_data(assessment)
    return Document(io.BytesIO(results_docx(data, results_text(data, **kwargs))))


def texts(document):
    return [p.text for p in document.paragraphs if p.text.strip()]


def east_asian(element):
    return element.find(f"{W}rPr/{W}rFonts").get(qn("w:eastAsia"))


def test_document_is_a4_with_the_official_type_area(assessment):
    section = docx_of(assessment).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
    assert round(section.right_margin.mm) == 26
    assert round(section.bottom_margin.mm) == 35


def test_every_run_names_an_east_asian_face(assessment):
    document = docx_of(assessment)
    runs = list(document.element.body.iter(f"{W}r"))
    assert len(runs) > 50
    assert [r.findtext(f"{W}t") for r in runs if not east_asian(r)] == []
    title = next(p for p in document.paragraphs if p.style.name == "公文标题")
    assert {east_asian(r._r) for r in title.runs} == {fonts.TITLE}


def test_masthead_title_and_optional_number(assessment):
    first = texts(docx_of(assessment, number_text="鹰技能办〔2026〕1号"))[:4]
    assert first == [
        "鹰潭市技能鹰潭行动领导小组办公室",
        "鹰技能办〔2026〕1号",
        "关于2025年度技能鹰潭行动考核结果的通报",
        "各责任单位:",
    ]
    # Without a number the masthead keeps its place and skips it.
    assert texts(docx_of(assessment))[1] == "关于2025年度技能鹰潭行动考核结果的通报"


def test_headings_and_indicator_sentence(assessment):
    document = docx_of(assessment)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["一、考核情况", "二、考核结果", "三、工作要求"]
    body = "\n".join(texts(document))
    assert (
        "本次考核设报送纪律(30分)、任务进度(30分)、目标完成(25分)、督导整改(15分)"
        "4项计分指标,另设加分、扣分、催办扣分、通报红灯扣分、公办职业院校毕业生市内就业率"
    ) in body
    assert "优秀等次不超过参加考核单位的30%" in body


def test_ranking_states_the_grades_and_ties_share_a_rank(assessment):
    document = docx_of(assessment)
    body = texts(document)
    assert "经考核,5个责任单位中,优秀1个、良好2个、一般1个、较差1个。" in body
    assert "良好等次:市教育局、市财政局。" in body
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "名次")
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["名次", "责任单位", "总分", "等次"],
        ["1", "市人社局", "93.50", "优秀"],
        ["2", "市教育局", "88.00", "良好"],
        ["2", "市财政局", "88.00", "良好"],
        ["4", "=贵溪市", "72.25", "一般"],
        ["5", "余江区", "61.00", "较差"],
    ]
    widths = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.gridCol_lst]
    assert sum(widths) == pytest.approx(156 * 56.69, abs=5)


def test_annex_lists_every_indicator_with_its_weight_and_rule(assessment):
    document = docx_of(assessment)
    assert "附件:考核指标及计分方法" in texts(document)
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "序号")
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert len(rows) == 1 + 9
    assert rows[1][:4] == ["1", "报送纪律", "报送纪律", "30"]
    assert rows[1][4] == (
        "满分30分,按应报送份数折算:逾期报送每份计1份、未报送每份计2份、"
        "退回修改每份计0.5份,得分=满分×(1−扣减份数÷应报送份数),最低0分"
    )
    assert rows[3][4].startswith("满分25分")
    assert rows[7][4] == "每被催办1次扣0.5分,最多扣5分"
    assert rows[9][4] == "录入数值及数据来源,目标值50%,单独列示,不计入总分"


def test_closing_is_dated_the_day_of_issue_in_shanghai(assessment):
    body = texts(docx_of(assessment))
    assert "2026年1月20日" in body
    record = docx_of(assessment).tables[-1]
    assert record.rows[-1].cells[0].text.endswith("2026年1月20日印发")


def test_objections_and_a_correction_are_stated(assessment, users):
    sheet = assessment.sheets.get(department__name="市教育局")
    indicator = assessment.scheme.indicators.first()
    for state, points in (
        (ObjectionState.ACCEPTED, 20),
        (ObjectionState.REJECTED, None),
    ):
        Objection.objects.create(
            sheet=sheet,
            indicator=indicator,
            reason="理由",
            raised_by=users["other_department"],
            state=state,
            corrected_points=points,
        )
    assessment.version = 2
    assessment.save()
    AssessmentCorrection.objects.create(
        assessment=assessment,
        version=2,
        reason="市财政局红灯数有误。",
        by=users["reviewer"],
    )
    body = "\n".join(texts(docx_of(assessment)))
    assert "共提出申诉2件,采纳1件并据此更正得分" in body
    assert "本通报为第2版,更正原因:市财政局红灯数有误。" in body


@pytest.mark.parametrize("state", [AssessmentState.DRAFT, AssessmentState.REVIEW])
def test_document_is_refused_before_the_assessment_is_final(state):
    assessment = make_assessment(state=state)
    with pytest.raises(DocumentError, match="尚未定稿"):
        render_results(assessment, formats=("docx",))
    # The score table is there in any state.
    assert set(render_results(assessment, formats=("xlsx",))) == {"xlsx"}


def test_unknown_format_is_refused_in_chinese(assessment):
    with pytest.raises(DocumentError, match="不支持的文件格式:odt"):
        render_results(assessment, formats=("odt",))


def test_workbook_has_department_by_indicator_total_rank_grade_formula_safe(
    assessment,
):
    book = openpyxl.load_workbook(io.BytesIO(results_xlsx(results_data(assessment))))
    assert book.sheetnames == ["考核得分", "考核指标"]
    sheet = book["考核得分"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["名次", "责任单位", "报送纪律(30)"]
    assert header[-3:] == ["公办职业院校毕业生市内就业率(0)", "总分", "等次"]
    assert len(header) == 2 + 9 + 2
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [row[:2] for row in rows] == [
        [1, "市人社局"],
        [2, "市教育局"],
        [2, "市财政局"],
        [4, "'=贵溪市"],
        [5, "余江区"],
    ]
    # 市教育局 (second department, order 1): position + 1 for each indicator.
    assert rows[1][2:11] == [float(n + 1) for n in range(1, 10)]
    assert rows[1][-2:] == [88.0, "良好"]
    assert sheet.cell(row=2, column=12).data_type == "n"
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    indicators = [[c.value for c in row] for row in book["考核指标"].iter_rows()]
    assert indicators[0] == ["序号", "指标名称", "类型", "分值", "计分方法"]
    assert len(indicators) == 1 + 9


@pytest.mark.parametrize("size", [2, 30])
def test_documents_read_in_six_queries_at_any_size(size, django_assert_num_queries):
    assessment = make_assessment(
        [(f"单位{n}", "80", n + 1, Grade.FAIR) for n in range(size)]
    )
    with django_assert_num_queries(6):
        data = results_data(assessment)
    assert len(data["rows"]) == size
    assert all(len(row["points"]) == 9 for row in data["rows"])


def test_pdf_of_the_results_is_a4(assessment):
    if not (pdf_module.soffice() and shutil.which("pdfinfo")):
        pytest.skip(
            "缺少 soffice 或 pdfinfo(apt: libreoffice-writer-nogui poppler-utils)"
        )
    from pypdf import PdfReader

    files = render_results(assessment)
    assert set(files) == {"docx", "pdf", "xlsx"}
    reader = PdfReader(io.BytesIO(files["pdf"]))
    assert 2 <= len(reader.pages) <= 6
    page = reader.pages[0]
    assert float(page.mediabox.width) == pytest.approx(595.3, abs=1)
    assert "考核结果的通报" in page.extract_text()
