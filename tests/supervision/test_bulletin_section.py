"""The bulletin's 督导整改情况 section: the figures per department of the
policy's rounds, in the snapshot, on the page and in the .docx."""

import datetime
import io
import json
from pathlib import Path

import openpyxl
import pytest
from django.template.loader import render_to_string
from docx import Document

from bulletins.documents import render_docx, render_xlsx
from bulletins.selectors.bulletins import mark_department
from bulletins.selectors.figures import bulletin_figures, extra_sections
from supervision.bulletin import rectification_section
from supervision.models import ProblemState

from .problem_data import EDUCATION, GUIXI, department, make_problem, make_round

D = datetime.date
AS_OF = D(2025, 9, 30)
SNAPSHOT = Path(__file__).parents[1] / "bulletins" / "bulletin_snapshot.json"


@pytest.fixture
def round_(users):
    return make_round(users["reviewer"])


@pytest.fixture
def problems(round_):
    S = ProblemState
    for deadline, state in [
        (D(2025, 9, 1), S.SIGNED_OFF),
        (D(2025, 9, 1), S.PLANNED),  # overdue on the 30th
        (D(2025, 12, 1), S.PLANNED),
        (D(2025, 9, 1), S.REQUESTED),
    ]:
        make_problem(round_, GUIXI, deadline, state=state)
    make_problem(round_, EDUCATION, D(2025, 9, 1), state=S.SIGNED_OFF)


def section(policy, as_of=AS_OF):
    return rectification_section(
        policy=policy, first=(2025, 7), last=(2025, 9), as_of=as_of
    )


@pytest.mark.django_db
def test_section_is_registered_with_the_bulletin():
    assert rectification_section in extra_sections


@pytest.mark.django_db
def test_section_counts_each_departments_problems(round_, problems):
    result = section(round_.policy)

    assert result["title"] == "督导整改情况"
    assert [c[0] for c in result["columns"]] == [
        "责任单位",
        "发现问题",
        "已销号",
        "待销号",
        "整改中",
        "其中逾期",
        "销号率",
    ]
    # In the departments' order: 市教育局 comes before the 区(市).
    assert result["rows"] == [
        ["市教育局", 1, 1, 0, 0, 0, "100%"],
        ["贵溪市人民政府", 4, 1, 1, 2, 1, "25%"],
    ]
    assert result["department_ids"] == [
        department(EDUCATION).pk,
        department(GUIXI).pk,
    ]
    assert result["lines"] == [
        "截至2025年9月30日,2025年上半年督导共发现问题5个,已整改销号2个,"
        "待销号1个,整改中2个(其中超过整改时限1个),整改销号率40%。"
    ]
    assert json.loads(json.dumps(result, ensure_ascii=False)) == result


@pytest.mark.django_db
def test_no_section_before_the_first_round_or_for_another_policy(
    round_, problems, users
):
    assert section(round_.policy, as_of=D(2025, 3, 31)) is None
    assert section(make_round(users["reviewer"], year=2024).policy) is None


@pytest.mark.django_db
def test_bulletin_snapshot_carries_the_section(round_, problems):
    figures = bulletin_figures(
        policy=round_.policy, first=(2025, 7), last=(2025, 9), today=D(2025, 10, 10)
    )

    [only] = figures["sections"]
    assert only["key"] == "rectification"
    assert only["rows"][0][1] + only["rows"][1][1] == 5


@pytest.fixture
def snapshot_with_section(round_, problems):
    data = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    data["figures"]["sections"] = [section(round_.policy)]
    return data["figures"], data["text"]


@pytest.mark.django_db
def test_docx_numbers_the_section_between_the_departments_and_the_problems(
    snapshot_with_section,
):
    document = Document(io.BytesIO(render_docx(*snapshot_with_section)))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[2:] == [
        "三、各单位报送情况",
        "四、督导整改情况",
        "五、存在问题",
        "六、下步工作",
    ]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "2025年上半年督导共发现问题5个" in text
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    [table] = [t for t in tables if t[0][0] == "责任单位" and t[0][1] == "发现问题"]
    assert ["贵溪市人民政府", "4", "1", "1", "2", "1", "25%"] in table


@pytest.mark.django_db
def test_page_shows_the_section(snapshot_with_section):
    figures, text = snapshot_with_section
    html = render_to_string(
        "bulletins/_document.html", {"figures": figures, "text": text}
    )

    assert "督导整改情况" in html
    assert "<td>贵溪市人民政府</td><td>4</td><td>1</td>" in html
    assert html.index("督导整改情况") < html.index("存在问题")


@pytest.mark.django_db
def test_workbook_has_the_section_as_a_sheet(snapshot_with_section):
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(*snapshot_with_section)))
    rows = [[c.value for c in row] for row in book["督导整改情况"].iter_rows()]

    assert rows == [
        ["责任单位", "发现问题", "已销号", "待销号", "整改中", "其中逾期", "销号率"],
        ["市教育局", 1, 1, 0, 0, 0, "100%"],
        ["贵溪市人民政府", 4, 1, 1, 2, 1, "25%"],
    ]


@pytest.mark.django_db
def test_page_marks_the_department_users_own_row(snapshot_with_section):
    figures, text = snapshot_with_section
    html = render_to_string(
        "bulletins/_document.html",
        {"figures": mark_department(figures, department(GUIXI).pk), "text": text},
    )

    assert '<tr class="mine"><td>贵溪市人民政府</td><td>4</td>' in html
    assert "<tr><td>市教育局</td><td>1</td>" in html
