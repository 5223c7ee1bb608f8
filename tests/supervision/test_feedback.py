"""The 督导反馈 to one department: its data and its .docx in the 公文
layout."""

import datetime
import io

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from supervision.feedback import feedback_data, feedback_docx
from supervision.models import ProblemCategory, RectificationKind, Visit
from tests.factories import TaskFactory

from .problem_data import EDUCATION, GUIXI, department, make_problem, make_round

D = datetime.date
TODAY = D(2025, 6, 30)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def round_(users):
    return make_round(users["reviewer"])


@pytest.fixture
def guixi_feedback(round_, users):
    Visit.objects.create(
        round=round_,
        department=department(GUIXI),
        visited_on=D(2025, 4, 8),
        methods=["report", "documents", "site"],
        participants="张三\n李四",
        findings="台账不全。",
        created_by=users["reviewer"],
    )
    first = make_problem(
        round_,
        GUIXI,
        D(2025, 9, 30),
        description="技能人才培训台账与月报数据不一致。",
        category=ProblemCategory.DATA,
        requirement="逐项核实培训人数,补齐台账",
        cooperating=(EDUCATION,),
    )
    first.tasks.set([TaskFactory(policy=round_.policy, number=7)])
    make_problem(
        round_,
        GUIXI,
        D(2025, 12, 31),
        description="职业技能等级认定机制不健全。",
        category=ProblemCategory.MECHANISM,
        kind=RectificationKind.ONGOING,
    )
    make_problem(
        round_,
        EDUCATION,
        D(2025, 9, 30),
        description="教育局牵头的问题,贵溪市配合。",
        cooperating=(GUIXI,),
    )
    make_problem(round_, EDUCATION, D(2025, 9, 30), description="与贵溪市无关的问题。")
    return feedback_data(round_, department(GUIXI), today=TODAY)


def open_docx(feedback):
    return Document(io.BytesIO(feedback_docx(feedback)))


def text_of(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


@pytest.mark.django_db
def test_feedback_lists_the_departments_problems_and_those_it_cooperates_on(
    guixi_feedback,
):
    assert [p.description for p in guixi_feedback.problems] == [
        "技能人才培训台账与月报数据不一致。",
        "职业技能等级认定机制不健全。",
    ]
    assert [p.description for p in guixi_feedback.cooperating] == [
        "教育局牵头的问题,贵溪市配合。"
    ]
    assert guixi_feedback.opening == (
        "根据2025年上半年督导工作安排,督导组于2025年4月8日对贵溪市人民政府"
        "“技能鹰潭行动”推进情况进行了督导,采取听取汇报、查阅资料、现场核实等方式,"
        "发现需由你单位牵头整改的问题2个、需你单位配合整改的问题1个。"
        "现将有关情况反馈如下。"
    )


@pytest.mark.django_db
def test_feedback_reads_in_a_fixed_number_of_queries(
    guixi_feedback, round_, django_assert_max_num_queries
):
    guixi = department(GUIXI)
    with django_assert_max_num_queries(4):
        feedback_data(round_, guixi, today=TODAY)
    for _ in range(20):
        problem = make_problem(round_, GUIXI, D(2025, 9, 30), cooperating=(EDUCATION,))
        problem.tasks.set(
            [TaskFactory(policy=round_.policy, number=100 + problem.number)]
        )
    with django_assert_max_num_queries(4):
        feedback = feedback_data(round_, guixi, today=TODAY)
    assert len(feedback.problems) == 22


@pytest.mark.django_db
def test_document_is_a4_with_the_official_margins(guixi_feedback):
    section = open_docx(guixi_feedback).sections[0]

    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
    assert round(section.right_margin.mm) == 26
    assert round(section.bottom_margin.mm) == 35


@pytest.mark.django_db
def test_document_names_the_official_faces_on_every_run(guixi_feedback):
    document = open_docx(guixi_feedback)
    runs = list(document.element.body.iter(f"{W}r"))
    faces = {
        r.find(f"{W}rPr/{W}rFonts").get(qn("w:eastAsia"))
        for r in runs
        if r.find(f"{W}rPr/{W}rFonts") is not None
    }
    without = [
        r
        for r in runs
        if r.find(f"{W}rPr/{W}rFonts") is None
        or not r.find(f"{W}rPr/{W}rFonts").get(qn("w:eastAsia"))
    ]
    assert without == []
    assert {"方正小标宋简体", "仿宋_GB2312", "黑体"} <= faces
    assert document.styles["Normal"].font.size == Pt(16)
    [title] = [p for p in document.paragraphs if p.style.name == "公文标题"][:1]
    assert title.text == "关于2025年上半年督导贵溪市人民政府有关情况的反馈意见"
    assert title.runs[0].font.size == Pt(22)


@pytest.mark.django_db
def test_document_gives_each_problem_with_its_requirement_and_deadline(
    guixi_feedback,
):
    document = open_docx(guixi_feedback)
    text = text_of(document)
    headings = [
        p.text for p in document.paragraphs if p.style.name.startswith("Heading")
    ]

    assert document.paragraphs[0].text == "鹰潭市技能鹰潭行动领导小组办公室"
    assert "贵溪市人民政府:" in text
    assert headings == ["一、牵头整改的问题", "二、配合整改的问题", "三、整改要求"]
    assert "1.【数据不实】技能人才培训台账与月报数据不一致。(涉及第7项工作要求)" in text
    assert (
        "整改要求:逐项核实培训人数,补齐台账。整改时限:限期整改,2025年9月30日前完成。"
        "配合单位:市教育局。"
    ) in text
    assert "2.【机制不健全】职业技能等级认定机制不健全。" in text
    assert "持续整改,2025年12月31日复核" in text
    assert "1.【其他】教育局牵头的问题,贵溪市配合。" in text
    assert "与贵溪市无关的问题" not in text
    # Plans are asked for within 15 days of the feedback.
    assert "于2025年7月15日前在调度平台报送整改方案" in text
    assert "2025年6月30日" in text


@pytest.mark.django_db
def test_document_annexes_the_list_of_the_departments_own_problems(guixi_feedback):
    document = open_docx(guixi_feedback)
    [table, _record] = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]

    assert rows[0] == [
        "序号",
        "问题类别",
        "问题表现",
        "整改要求",
        "整改类型",
        "整改时限",
    ]
    assert [row[2] for row in rows[1:]] == [
        "技能人才培训台账与月报数据不一致。",
        "职业技能等级认定机制不健全。",
    ]
    assert rows[2][5] == "2025年12月31日(复核)"
    [label] = [p for p in document.paragraphs if p.text == "附件"]
    assert label.paragraph_format.page_break_before
    widths = [col.w for col in table._tbl.tblGrid.gridCol_lst]
    assert round(sum(w.mm for w in widths)) == 156


@pytest.mark.django_db
def test_department_without_problems_is_told_none_were_found(round_, users):
    feedback = feedback_data(round_, department(EDUCATION), today=TODAY)
    text = text_of(open_docx(feedback))

    assert feedback.opening.endswith("未发现需要整改的问题。")
    assert "一、牵头整改的问题\n无。" in text
    assert "附件" not in text
