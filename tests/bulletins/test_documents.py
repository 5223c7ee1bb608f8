"""The bulletin's documents, read back: the .docx's layout and fonts as
GB/T 9704-2012 measures them, the PDF LibreOffice makes of it (pages,
fonts embedded, no ink outside the 版心), the workbook and the charts.

The PDF tests need soffice, pdffonts and pdftoppm (Debian's
libreoffice-writer-nogui and poppler-utils, installed by bin/install); they
are skipped without them unless REQUIRE_DOCUMENT_TOOLS=1 (CI), where a
missing tool fails.
"""

import copy
import io
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from PIL import Image
from pypdf import PdfReader

from bulletins.documents import (
    DocumentError,
    docx_to_pdf,
    fonts,
    render_charts,
    render_docx,
    render_xlsx,
)
from bulletins.documents import charts as charts_module
from bulletins.documents import pdf as pdf_module

SNAPSHOT = Path(__file__).with_name("bulletin_snapshot.json")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MM_PER_PT = 25.4 / 72


@pytest.fixture
def snapshot():
    data = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    return data["figures"], data["text"]


def open_docx(figures, text):
    return Document(io.BytesIO(render_docx(figures, text)))


@pytest.fixture
def document(snapshot):
    return open_docx(*snapshot)


def body_paragraphs(document):
    return [p for p in document.paragraphs if p.text.strip()]


def all_runs(document):
    section = document.sections[0]
    parts = [
        document.element.body,
        section.footer._element,
        section.even_page_footer._element,
    ]
    return [run for part in parts for run in part.iter(f"{W}r")]


# -- the .docx -----------------------------------------------------------------


def test_page_is_a4_with_the_standard_margins_and_type_area(document):
    # Word stores twips: a tenth of a millimetre is the precision.
    s = {
        name: round(getattr(document.sections[0], name).mm, 1)
        for name in (
            "page_width",
            "page_height",
            "top_margin",
            "left_margin",
            "right_margin",
            "bottom_margin",
        )
    }
    assert (s["page_width"], s["page_height"]) == (210, 297)
    assert (s["top_margin"], s["left_margin"]) == (37, 28)
    type_width = s["page_width"] - s["left_margin"] - s["right_margin"]
    type_height = s["page_height"] - s["top_margin"] - s["bottom_margin"]
    assert (round(type_width, 1), round(type_height, 1)) == (156, 225)


def test_grid_is_22_lines_of_28_characters(document):
    grid = document.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    line_pitch_mm = int(grid.get(qn("w:linePitch"))) / 20 * MM_PER_PT
    assert 22 * line_pitch_mm <= 225
    assert 225 / line_pitch_mm == pytest.approx(22, abs=0.05)
    char_pitch_pt = 16 + int(grid.get(qn("w:charSpace"))) / 4096
    assert 156 / (char_pitch_pt * MM_PER_PT) == pytest.approx(28, abs=0.05)
    normal = document.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert normal.paragraph_format.line_spacing.pt == pytest.approx(28.95)


def test_every_run_and_style_names_an_east_asian_font(document):
    runs = all_runs(document)
    assert len(runs) > 200
    missing = [
        r.findtext(f"{W}t")
        for r in runs
        if r.find(f"{W}rPr/{W}rFonts") is None
        or not r.find(f"{W}rPr/{W}rFonts").get(qn("w:eastAsia"))
    ]
    assert missing == []
    for name in ("Normal", "Heading 1", "Heading 2", "公文标题", "表格文字"):
        rfonts = document.styles[name].element.find(f"{W}rPr/{W}rFonts")
        assert rfonts.get(qn("w:eastAsia")), name
        assert not [a for a in rfonts.attrib if a.endswith("Theme")], name
    default = document.styles.element.find(
        f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts"
    )
    assert default.get(qn("w:eastAsia")) == fonts.BODY


def east_asian(run_or_style_element):
    return run_or_style_element.find(f"{W}rPr/{W}rFonts").get(qn("w:eastAsia"))


def test_title_body_and_heading_faces_and_sizes(document):
    styles = document.styles
    assert east_asian(styles["公文标题"].element) == fonts.TITLE
    assert styles["公文标题"].font.size == Pt(22)
    assert east_asian(styles["Normal"].element) == fonts.BODY
    assert east_asian(styles["Heading 1"].element) == fonts.HEADING
    assert east_asian(styles["Heading 2"].element) == fonts.SUBHEADING
    assert styles["Heading 1"].font.bold is False

    level_1 = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert level_1 == [
        "一、总体情况",
        "二、滞后事项",
        "三、各单位报送情况",
        "四、存在问题",
        "五、下步工作",
    ]
    level_2 = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert level_2 == ["(一)任务推进情况", "(一)压实工作责任", "(二)加强调度督导"]
    title = next(p for p in document.paragraphs if p.style.name == "公文标题")
    assert title.text == "关于2025年第三季度技能鹰潭行动工作推进情况的通报"
    assert title.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    for run in title.runs:
        assert east_asian(run._r) == fonts.TITLE


def test_heading_that_runs_on_keeps_its_face_for_the_heading_only(snapshot):
    figures, text = snapshot
    text = {**text, "problems": "(一)报送不及时。部分单位存在逾期现象。"}
    document = open_docx(figures, text)
    paragraph = next(p for p in document.paragraphs if p.text.startswith("(一)报送"))
    assert paragraph.style.name == "Normal"
    assert [(r.text, east_asian(r._r)) for r in paragraph.runs] == [
        ("(一)报送不及时。", fonts.SUBHEADING),
        ("部分单位存在逾期现象。", fonts.BODY),
    ]


def test_masthead_issuer_then_number_centred_over_the_red_line(document):
    first = body_paragraphs(document)[:4]
    assert [p.text for p in first] == [
        "鹰潭市技能鹰潭行动领导小组办公室",
        "鹰技能办〔2025〕3号",
        "关于2025年第三季度技能鹰潭行动工作推进情况的通报",
        "各责任单位:",
    ]
    issuer, number = first[0], first[1]
    assert str(issuer.runs[0].font.color.rgb) == "FF0000"
    assert east_asian(issuer.runs[0]._r) == fonts.TITLE
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    bottom = number._p.find(f"{W}pPr/{W}pBdr/{W}bottom")
    assert bottom.get(qn("w:color")) == "FF0000"


def test_page_numbers_in_dashes_odd_right_even_left(document):
    assert document.settings.odd_and_even_pages_header_footer is True
    section = document.sections[0]
    for footer, alignment in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment == alignment
        assert paragraph.text == "— 1 —"
        instructions = [t.text for t in paragraph._p.iter(f"{W}instrText")]
        assert instructions == [" PAGE "]
        for run in paragraph.runs:
            assert run.font.size == Pt(14)
            assert east_asian(run._r) == fonts.PAGE_NUMBER


def test_lagging_items_are_named_red_first_with_cooperating_departments(
    document, snapshot
):
    figures, _ = snapshot
    texts = [p.text for p in document.paragraphs]
    lagging = [t for t in texts if t.startswith(("【红灯】", "【黄灯】"))]
    assert len(lagging) == len(figures["lagging"])
    first = figures["lagging"][0]
    assert lagging[0] == (
        f"【红灯】1.{first['text']}(配合单位:{'、'.join(first['cooperating'])})"
    )
    colours = [t[:4] for t in lagging]
    assert colours == sorted(colours, key=lambda c: c != "【红灯】")


def test_summary_states_the_snapshot_numbers(document):
    text = "\n".join(p.text for p in document.paragraphs)
    assert (
        "截至2025年9月30日,12项工作任务中,已完成2项,按序时推进6项,"
        "滞后2项,严重滞后2项(序时进度91.7%)。"
    ) in text
    assert "应报月度报告120份,按时报送96份,逾期报送6份,未报送18份,退回修改4份" in text


def test_closing_signature_date_annexes_and_record(document):
    texts = [p.text for p in body_paragraphs(document)]
    assert texts.index("附件:1.重点任务推进情况表") < texts.index(
        "鹰潭市技能鹰潭行动领导小组办公室", 1
    )
    assert "2025年10月10日" in texts
    assert "附件1" in texts and "附件2" in texts
    record = document.tables[-1]
    assert [c.text for c in record.columns[0].cells] == [
        "抄送:市委办公室,市政府办公室。",
        "鹰潭市人力资源和社会保障局办公室\t2025年10月10日印发",
    ]
    borders = record.rows[0].cells[0]._tc.find(f"{W}tcPr/{W}tcBorders")
    assert borders.find(f"{W}top").get(qn("w:sz")) == "8"


def table_with_header(document, first_cells):
    return next(
        t
        for t in document.tables
        if [c.text for c in t.rows[0].cells][:2] == first_cells
    )


def test_annex_task_table_has_every_task_and_fits_the_type_area(document, snapshot):
    figures, _ = snapshot
    table = table_with_header(document, ["序号", "重点任务"])
    assert [c.text for c in table.rows[0].cells] == [
        "序号",
        "重点任务",
        "工作要求",
        "牵头单位",
        "配合单位",
        "亮灯",
        "进展情况",
        "下步计划",
    ]
    assert len(table.rows) == 1 + len(figures["tasks"])
    fifth = table.rows[5].cells
    assert fifth[5].text == "严重滞后\n(自评:存在风险)"
    widths = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.gridCol_lst]
    assert sum(widths) == pytest.approx(Mm(156).twips, abs=2)
    assert table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None


def test_public_version_leaves_the_reports_words_out(snapshot):
    figures, text = snapshot
    document = open_docx(figures, {**text, "public": True})
    table = table_with_header(document, ["序号", "重点任务"])
    header = [c.text for c in table.rows[0].cells]
    assert "进展情况" not in header and "下步计划" not in header
    everything = "\n".join(
        c.text for t in document.tables for row in t.rows for c in row.cells
    )
    assert figures["tasks"][1]["progress"] not in everything


def test_annex_targets_table(document, snapshot):
    figures, _ = snapshot
    table = table_with_header(document, ["序号", "目标指标"])
    assert len(table.rows) == 1 + len(figures["targets"])
    assert [c.text for c in table.rows[1].cells][:5] == [
        "3",
        "技能人才总量",
        "20万人",
        "2025年12月31日",
        "17.2万人\n(2025年9月20日)",
    ]


def test_document_holds_both_charts(document):
    assert len(document.inline_shapes) == 2
    assert all(round(s.width.mm) == 150 for s in document.inline_shapes)


# -- charts and workbook -------------------------------------------------------


def test_charts_are_pngs_of_the_snapshot_numbers(snapshot):
    figures, _ = snapshot
    images = render_charts(figures)
    assert set(images) == {"submission_rate", "lights_by_department"}
    for png in images.values():
        image = Image.open(io.BytesIO(png))
        assert image.format == "PNG"
        assert image.width == 1200
    assert charts_module.rate_series(figures) == [
        (m["label"], m["rate"]) for m in figures["months"]
    ]
    assert (
        charts_module.lights_series(figures)
        == figures["charts"]["lights_by_department"]
    )


def test_chart_of_a_month_with_nothing_due_draws_zero(snapshot):
    figures = copy.deepcopy(snapshot[0])
    figures["months"][0].update(due=0, reported=0, rate=None)
    assert charts_module.rate_series(figures)[0] == ("7月", 0.0)
    assert render_charts(figures)["submission_rate"].startswith(b"\x89PNG")


def test_workbook_holds_the_annex_tables_formula_safe(snapshot):
    figures, text = snapshot
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(figures, text)))
    assert book.sheetnames == ["重点任务推进情况", "目标任务完成情况", "各单位报送情况"]
    tasks = book["重点任务推进情况"]
    assert tasks.max_row == 1 + len(figures["tasks"])
    formula_cell = tasks.cell(row=4, column=3)
    assert formula_cell.value == "'" + figures["tasks"][2]["requirement"]
    assert formula_cell.data_type == "s"
    assert all(c.data_type != "f" for row in tasks.iter_rows() for c in row)
    assert tasks.cell(row=2, column=4).value == "市教育局"
    assert book["目标任务完成情况"].max_row == 1 + len(figures["targets"])
    departments = book["各单位报送情况"]
    assert [c.value for c in departments[2]][:3] == [1, 1, "市人社局"]


def section_of(title, rows, ids=None):
    return {
        "key": "extra",
        "title": title,
        "lines": ["一句话。"],
        "columns": [["责任单位", 40], ["发现问题", 20], ["销号率", 20]],
        "rows": rows,
        "department_ids": ids or [None] * len(rows),
    }


def test_workbook_gives_each_added_section_a_sheet_formula_safe(snapshot):
    figures, text = copy.deepcopy(snapshot)
    figures["sections"] = [
        section_of(
            "督导整改情况", [['=HYPERLINK("x")', 4, "25%"], ["市教育局", 1, "100%"]]
        )
    ]
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(figures, text)))

    assert book.sheetnames[3:] == ["督导整改情况"]
    sheet = book["督导整改情况"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["责任单位", "发现问题", "销号率"],
        ['\'=HYPERLINK("x")', 4, "25%"],
        ["市教育局", 1, "100%"],
    ]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert sheet.cell(row=2, column=2).data_type == "n"
    assert sheet.column_dimensions["A"].width == 20


def test_workbook_sheet_names_of_sections_are_ones_excel_accepts(snapshot):
    figures, text = copy.deepcopy(snapshot)
    long = "整改情况" * 10
    figures["sections"] = [
        section_of("督导/整改:情况", []),
        section_of("督导/整改:情况", []),
        section_of(long, []),
        section_of(long, []),
        section_of("各单位报送情况", []),
    ]
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(figures, text)))

    assert book.sheetnames[3:] == [
        "督导整改情况",
        "督导整改情况(2)",
        long[:31],
        long[:28] + "(2)",
        "各单位报送情况(2)",
    ]
    assert all(len(name) <= 31 for name in book.sheetnames)


def test_public_workbook_leaves_the_reports_words_out(snapshot):
    figures, text = snapshot
    book = openpyxl.load_workbook(
        io.BytesIO(render_xlsx(figures, {**text, "public": True}))
    )
    header = [c.value for c in book["重点任务推进情况"][1]]
    assert "进展情况" not in header and "单位自评" not in header


# -- the PDF -------------------------------------------------------------------

TOOLS = ("soffice", "pdffonts", "pdftoppm", "pdftotext")


@pytest.fixture(scope="module")
def tools():
    missing = [
        t
        for t in TOOLS
        if not (shutil.which(t) or (t == "soffice" and pdf_module.soffice()))
    ]
    if missing:
        reason = (
            f"缺少 {', '.join(missing)}(apt: libreoffice-writer-nogui poppler-utils)"
        )
        if os.environ.get("REQUIRE_DOCUMENT_TOOLS") == "1":
            pytest.fail(f"REQUIRE_DOCUMENT_TOOLS=1,但{reason}")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def pdf(tools):
    data = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    return docx_to_pdf(render_docx(data["figures"], data["text"]))


def ink_outside_type_area(pdf_bytes: bytes, tmp_path: Path) -> list[str]:
    """Where a page has ink outside the 版心 (28–184 mm across, 37–262 mm
    down) other than its page number in the band under it; also a page
    number on the wrong side. 1.5 mm of slack for table rules and glyph
    overhang."""
    (tmp_path / "in.pdf").write_bytes(pdf_bytes)
    subprocess.run(  # noqa: S603
        [
            shutil.which("pdftoppm"),
            "-r",
            "72",
            "-gray",
            str(tmp_path / "in.pdf"),
            str(tmp_path / "p"),
        ],
        check=True,
        timeout=120,
    )
    per_mm = 72 / 25.4
    slack = 1.5
    problems = []
    for number, path in enumerate(sorted(tmp_path.glob("p-*.pgm")), start=1):
        ink = Image.open(path).point(lambda v: 255 if v < 200 else 0)
        width, height = ink.size
        band_top = round((262 + slack) * per_mm)
        body = ink.crop((0, 0, width, band_top)).getbbox()
        band = ink.crop((0, band_top, width, height)).getbbox()
        if body:
            left, top, right, bottom = (v / per_mm for v in body)
            if left < 28 - slack or right > 184 + slack or top < 37 - slack:
                problems.append(
                    f"第{number}页正文越出版心:{left:.1f},{top:.1f},{right:.1f}"
                )
        if band:
            left, top, right, bottom = (v / per_mm for v in band)
            if left < 28 - slack or right > 184 + slack or top + 262 > 285:
                problems.append(f"第{number}页版心下方有墨迹:{left:.1f}–{right:.1f}")
            elif (number % 2 == 1) != (left > 105):
                problems.append(f"第{number}页页码位置不对:{left:.1f}")
        else:
            problems.append(f"第{number}页没有页码")
    return problems


def test_pdf_pages_are_a4(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    assert 5 <= len(reader.pages) <= 15
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(595.3, abs=1)
        assert float(page.mediabox.height) == pytest.approx(841.9, abs=1)


def test_pdf_embeds_every_font_and_uses_the_substitutes(pdf, tmp_path):
    (tmp_path / "b.pdf").write_bytes(pdf)
    out = subprocess.run(  # noqa: S603
        [shutil.which("pdffonts"), str(tmp_path / "b.pdf")],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    rows = out.splitlines()[2:]
    assert rows
    # Columns: name type encoding emb sub uni object-id.
    assert all(row.split()[-5] == "yes" for row in rows), out
    embedded = " ".join(row.split()[0] for row in rows).replace(" ", "")
    for official in (fonts.BODY, fonts.HEADING, fonts.SUBHEADING, fonts.TITLE):
        family = fonts.substitute(official).replace(" ", "")
        # pdffonts writes Noto's SC faces under their JP names (one file).
        stem = family.removesuffix("SemiBold").replace("CJKSC", "CJK")
        assert stem in embedded, (official, family, out)


def test_pdf_has_no_ink_outside_the_type_area(pdf, tmp_path):
    assert ink_outside_type_area(pdf, tmp_path) == []


def test_ink_check_catches_text_running_off_the_page(tools, snapshot, tmp_path):
    figures, text = snapshot
    document = open_docx(figures, text)
    # A paragraph pushed 30 mm past the right margin.
    paragraph = next(p for p in document.paragraphs if p.text.startswith("今年"))
    paragraph.paragraph_format.right_indent = Mm(-30)
    out = io.BytesIO()
    document.save(out)
    problems = ink_outside_type_area(docx_to_pdf(out.getvalue()), tmp_path)
    assert any("越出版心" in p for p in problems)


def test_pdf_body_lines_hold_28_characters(pdf, snapshot, tmp_path):
    _, text = snapshot
    (tmp_path / "b.pdf").write_bytes(pdf)
    lines = subprocess.run(  # noqa: S603
        [shutil.which("pdftotext"), "-f", "1", "-l", "1", str(tmp_path / "b.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.splitlines()
    paragraph = text["overview"].split("\n")[0]
    # First line: two characters of indent and 26 of text; then 28.
    assert paragraph[:26] in lines
    assert paragraph[26:54] in lines


def small_docx() -> bytes:
    source = Document()
    source.add_paragraph("测试")
    out = io.BytesIO()
    source.save(out)
    return out.getvalue()


def test_two_conversions_at_once_both_succeed(tools):
    docx = small_docx()
    results, errors = [], []

    def convert():
        try:
            results.append(docx_to_pdf(docx))
        except DocumentError as error:  # pragma: no cover - the failure shown
            errors.append(str(error))

    threads = [threading.Thread(target=convert) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert errors == []
    assert [r[:5] for r in results] == [b"%PDF-", b"%PDF-"]


def test_conversion_over_its_time_limit_fails_in_chinese(tools):
    with pytest.raises(DocumentError, match="生成PDF超时"):
        docx_to_pdf(small_docx(), timeout=0.01)


def test_conversion_of_something_not_a_docx_fails_in_chinese(tools):
    with pytest.raises(DocumentError, match="不是有效的Word文档"):
        docx_to_pdf(b"not a docx")


def test_conversion_without_libreoffice_says_so(monkeypatch):
    monkeypatch.setattr(pdf_module, "soffice", lambda: None)
    with pytest.raises(DocumentError, match="未安装 LibreOffice"):
        docx_to_pdf(b"")


def test_pdf_copy_names_the_free_faces_and_keeps_28_characters(snapshot):
    figures, text = snapshot
    converted = pdf_module.for_libreoffice(render_docx(figures, text))
    document = Document(io.BytesIO(converted))
    assert east_asian(document.styles["Normal"].element) == fonts.substitute(fonts.BODY)
    spacing = document.styles.element.find(
        f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}spacing"
    )
    pitch = 16 + int(spacing.get(qn("w:val"))) / 20
    assert 27.9 < 156 / (pitch * MM_PER_PT) < 28.5
