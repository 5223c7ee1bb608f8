"""The bulletin as a .docx laid out after GB/T 9704-2012 (党政机关公文格式).

Measures (the standard's, in the order it gives them):
- A4; 版心 156 mm × 225 mm: top margin 37 mm, left 28 mm, so right 26 mm
  and bottom 35 mm.
- Body in 3号 (16 pt) 仿宋, 22 lines of 28 characters: a document grid of
  lines and characters (line pitch 225/22 mm, character pitch 156/28 mm)
  and an exact line height of the same pitch for renderers that ignore the
  grid.
- 发文机关标志 red 小标宋, 35 mm below the 版心's top; 发文字号 centred two
  lines under it, the red 分隔线 4 mm under that; the title in 2号 小标宋
  two lines under the line; 主送机关 one line under the title.
- Headings: 一、 in 黑体, (一) in 楷体, each indented two characters like
  the body.
- Page numbers "— 1 —" in 4号 (14 pt) 宋体 under the 版心, odd pages right
  and even pages left, one character in from the edge.
- 附件 on new pages, each with its 附件N label in 黑体 and a title; the 版记
  (抄送, 印发 lines between rules) at the end.

python-docx writes only w:ascii/w:hAnsi for a font name, and Word picks
Chinese text's face from w:eastAsia (python-docx #346, #1139): every style
and every run here goes through `_set_font`, which writes all four slots.
"""

import io
import re

from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import (
    WD_ALIGN_PARAGRAPH,
    WD_BREAK,
    WD_LINE_SPACING,
    WD_TAB_ALIGNMENT,
)
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor

from ..wording import chinese_date, chinese_numeral, percent, summary_lines
from . import fonts
from .charts import render_charts

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
TOP, LEFT, RIGHT, BOTTOM = Mm(37), Mm(28), Mm(26), Mm(35)
TEXT_WIDTH = Mm(156)
LINES, CHARS = 22, 28
BODY_SIZE = Pt(16)  # 3号
TITLE_SIZE = Pt(22)  # 2号
PAGE_NUMBER_SIZE = Pt(14)  # 4号
TABLE_SIZE = Pt(10.5)  # 五号
# Line pitch in twips (1/20 pt): 225 mm / 22 lines, rounded down so that
# 22 lines fit.
LINE_PITCH = int(Mm(225) / LINES / 635)
LINE = Pt(LINE_PITCH / 20)
# The grid's character pitch is the default size plus charSpace/4096 pt.
CHAR_SPACE = round((Emu(TEXT_WIDTH).pt / CHARS - BODY_SIZE.pt) * 4096)
RED = RGBColor(0xFF, 0x00, 0x00)
LIGHT_COLOURS = {
    "completed": RGBColor(0x1F, 0x4E, 0x9A),
    "green": RGBColor(0x00, 0x80, 0x3C),
    "yellow": RGBColor(0xB3, 0x6B, 0x00),
    "red": RGBColor(0xC0, 0x00, 0x00),
}
HEADING_1 = re.compile(r"^[一二三四五六七八九十]+、")
HEADING_2 = re.compile(r"^[((][一二三四五六七八九十]+[))]")
TASK_COLUMNS = (
    ("序号", 9, "number"),
    ("重点任务", 20, "key_task"),
    ("工作要求", 30, "requirement"),
    ("牵头单位", 15, "lead"),
    ("配合单位", 18, "cooperating"),
    ("亮灯", 14, "light_label"),
    ("进展情况", 30, "progress"),
    ("下步计划", 20, "next_steps"),
)
# The public version leaves out the reports' own words.
PUBLIC_TASK_COLUMNS = (
    ("序号", 10, "number"),
    ("重点任务", 32, "key_task"),
    ("工作要求", 50, "requirement"),
    ("牵头单位", 20, "lead"),
    ("配合单位", 26, "cooperating"),
    ("亮灯", 18, "light_label"),
)
TARGET_COLUMNS = (
    ("序号", 10),
    ("目标指标", 32),
    ("目标值", 18),
    ("完成时限", 20),
    ("最新完成值", 24),
    ("完成率/序时进度", 18),
    ("亮灯", 14),
    ("牵头单位", 20),
)
DEPARTMENT_COLUMNS = (
    ("责任单位", 36),
    ("承担任务", 14),
    ("应报", 14),
    ("按时", 14),
    ("逾期", 14),
    ("未报", 14),
    ("退回", 14),
    ("红灯", 14),
    ("排名(变化)", 22),
)


# -- text helpers --------------------------------------------------------------


# The paragraph style of table cells; its id is its name.
TABLE_STYLE = "表格文字"


def text_lines(text: str) -> list[str]:
    """The paragraphs of a narrative field: one per non-blank line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def names(value) -> str:
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return "" if value is None else str(value)


# -- low-level formatting ------------------------------------------------------


def _set_font(element, name: str) -> None:
    """All four font slots of a run or style's rPr, theme fonts removed
    (a theme attribute beats the explicit name)."""
    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attribute in list(rfonts.attrib):
        if attribute.endswith("Theme"):
            del rfonts.attrib[attribute]
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(slot), name)


def _run(paragraph, text: str, font: str, size=BODY_SIZE, *, bold=False, colour=None):
    run = paragraph.add_run(text)
    _set_font(run._r, font)
    run.font.size = size
    run.font.bold = bold
    if colour is not None:
        run.font.color.rgb = colour
    return run


def _indent_chars(paragraph, *, first=0, left=0, right=0, size=BODY_SIZE):
    """Indents in characters (w:*Chars, hundredths of a character) with
    the equivalent length for renderers that read only that."""
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = Pt(size.pt * first) if first else None
    fmt.left_indent = Pt(size.pt * left) if left else None
    fmt.right_indent = Pt(size.pt * right) if right else None
    ind = paragraph._p.get_or_add_pPr().find(qn("w:ind"))
    if ind is None:
        return
    for attribute, chars in (
        ("w:firstLineChars", first),
        ("w:leftChars", left),
        ("w:rightChars", right),
    ):
        if chars:
            ind.set(qn(attribute), str(int(chars * 100)))


def _exact(paragraph, height):
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = height


def _no_grid(paragraph):
    """Out of the body's 28-character grid (tables, the 版头's large type)."""
    ppr = paragraph._p.get_or_add_pPr()
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    ppr.append(snap)


def _border(ppr_or_tcpr, tag: str, sides: dict[str, tuple[int, str]]):
    """Borders as {side: (eighths of a point, colour)}."""
    box = ppr_or_tcpr.find(qn(tag))
    if box is None:
        box = OxmlElement(tag)
        ppr_or_tcpr.append(box)
    for side, (size, colour) in sides.items():
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single" if size else "nil")
        if size:
            edge.set(qn("w:sz"), str(size))
            edge.set(qn("w:color"), colour)
            edge.set(qn("w:space"), "0")
        box.append(edge)
    return box


# -- the document's frame ------------------------------------------------------


def _page_setup(document):
    section = document.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = TOP, BOTTOM
    section.left_margin, section.right_margin = LEFT, RIGHT
    section.header_distance = Mm(15)
    # The page number's dash line sits 7 mm under the 版心.
    section.footer_distance = Mm(26)
    sectpr = section._sectPr
    grid = sectpr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sectpr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(LINE_PITCH))
    grid.set(qn("w:charSpace"), str(CHAR_SPACE))
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], odd=True)
    _page_number(section.even_page_footer.paragraphs[0], odd=False)


def _page_number(paragraph, *, odd: bool):
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    if odd:
        _indent_chars(paragraph, right=1, size=PAGE_NUMBER_SIZE)
    else:
        _indent_chars(paragraph, left=1, size=PAGE_NUMBER_SIZE)
    _no_grid(paragraph)
    font = fonts.PAGE_NUMBER
    _run(paragraph, "— ", font, PAGE_NUMBER_SIZE)
    for kind, instruction in (("begin", None), (None, " PAGE "), ("separate", None)):
        run = _run(paragraph, "", font, PAGE_NUMBER_SIZE)
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = instruction
            run._r.append(instr)
    _run(paragraph, "1", font, PAGE_NUMBER_SIZE)
    end = _run(paragraph, "", font, PAGE_NUMBER_SIZE)
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), "end")
    end._r.append(char)
    _run(paragraph, " —", font, PAGE_NUMBER_SIZE)


def _styles(document):
    styles = document.styles
    # Document defaults: what any text not otherwise styled falls back on.
    rpr_default = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    rpr = rpr_default.find(qn("w:rPr"))
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attribute in list(rfonts.attrib):
        del rfonts.attrib[attribute]
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(slot), fonts.BODY)
    # The grid's character pitch is counted from this size.
    for tag in ("w:sz", "w:szCs"):
        size = rpr.find(qn(tag))
        if size is None:
            size = OxmlElement(tag)
            rpr.append(size)
        size.set(qn("w:val"), str(int(BODY_SIZE.pt * 2)))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")

    normal = styles["Normal"]
    _style_font(normal, fonts.BODY, BODY_SIZE)
    fmt = normal.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.widow_control = False

    for level, font in ((1, fonts.HEADING), (2, fonts.SUBHEADING)):
        style = styles[f"Heading {level}"]
        _style_font(style, font, BODY_SIZE)
        style.font.bold = False
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        fmt = style.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE
        fmt.first_line_indent = Pt(BODY_SIZE.pt * 2)
        fmt.keep_with_next = True

    title = styles.add_style("公文标题", WD_STYLE_TYPE.PARAGRAPH)
    title.base_style = normal
    _style_font(title, fonts.TITLE, TITLE_SIZE)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing = Pt(36)
    # 2号 characters on the 3号 grid would take two cells each.
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    title.element.get_or_add_pPr().append(snap)

    table = styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    assert table.style_id == TABLE_STYLE  # noqa: S101 (what _cell_text sets)
    table.base_style = normal
    _style_font(table, fonts.BODY, TABLE_SIZE)
    table.paragraph_format.line_spacing = Pt(14)


def _style_font(style, name: str, size):
    _set_font(style.element, name)
    style.font.size = size


# -- blocks --------------------------------------------------------------------


def _paragraph(document, text="", *, style=None, first=2):
    paragraph = document.add_paragraph(style=style)
    if first:
        _indent_chars(paragraph, first=first)
    if text:
        _run(paragraph, text, fonts.BODY)
    return paragraph


def _narrative(document, text: str):
    """A narrative field's lines: 一、 and (一) lines as headings; a line
    that goes on after its heading (“(一)加强领导。各单位……”) keeps the
    heading's face for the heading only, as offices write them."""
    for line in text_lines(text):
        for pattern, style, font in (
            (HEADING_1, "Heading 1", fonts.HEADING),
            (HEADING_2, "Heading 2", fonts.SUBHEADING),
        ):
            if pattern.match(line):
                head, dot, rest = line.partition("。")
                if rest:
                    paragraph = _paragraph(document)
                    _run(paragraph, head + dot, font)
                    _run(paragraph, rest, fonts.BODY)
                else:
                    paragraph = document.add_paragraph(style=style)
                    _run(paragraph, line, font)
                break
        else:
            _paragraph(document, line)


def _heading(document, text: str, level: int = 1):
    paragraph = document.add_paragraph(style=f"Heading {level}")
    _run(paragraph, text, fonts.HEADING if level == 1 else fonts.SUBHEADING)
    return paragraph


def _masthead(document, text: dict):
    issuer = text.get("issuer") or ""
    # As large as fits on one line of the 版心, 36 pt at most.
    size = Pt(min(36, int(Emu(TEXT_WIDTH).pt * 0.95 / max(len(issuer), 1))))
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_before = Mm(35)
    _exact(paragraph, Pt(size.pt * 1.3))
    _no_grid(paragraph)
    _run(paragraph, issuer, fonts.TITLE, size, colour=RED)

    number = document.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number.paragraph_format.space_before = Pt(LINE.pt * 2)
    _run(number, text.get("number") or "", fonts.BODY)
    # The red 分隔线 4 mm under the 发文字号, the width of the 版心.
    ppr = number._p.get_or_add_pPr()
    bdr = _border(ppr, "w:pBdr", {"bottom": (12, "FF0000")})
    bdr.find(qn("w:bottom")).set(qn("w:space"), str(round(Mm(4).pt)))

    title = document.add_paragraph(style="公文标题")
    title.paragraph_format.space_before = Pt(LINE.pt * 2)
    _run(title, text.get("title") or "", fonts.TITLE, TITLE_SIZE)

    recipients = document.add_paragraph()
    recipients.paragraph_format.space_before = LINE
    _run(recipients, text.get("recipients") or "", fonts.BODY)


def _picture(document, png: bytes, caption: str):
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # An exact line height would clip the image to one line.
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _no_grid(paragraph)
    run = _run(paragraph, "", fonts.BODY)
    run.add_picture(io.BytesIO(png), width=Mm(150))
    note = document.add_paragraph()
    note.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(note, caption, fonts.BODY, TABLE_SIZE)


def _table(document, columns, rows, *, header_font=fonts.HEADING):
    """A fixed-layout table, the width of the 版心, heading row repeated
    on every page. `rows` are lists of (text, colour or None)."""
    table = document.add_table(rows=1, cols=len(columns))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tblpr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)
    widths = [Mm(width) for _, width in columns]
    header = table.rows[0]
    trpr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    trpr.append(repeat)
    for cell, (name, _), width in zip(header.cells, columns, widths, strict=True):
        cell.width = width
        _cell_text(cell, name, header_font, centre=True)
    for values in rows:
        row = table.add_row()
        for cell, (value, colour), width in zip(row.cells, values, widths, strict=True):
            cell.width = width
            _cell_text(cell, value, fonts.BODY, colour=colour)
    # The grid's own column widths, which LibreOffice reads.
    for col, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        col.w = width
    return table


def _table_style(paragraph) -> None:
    """The table-text style, set by its id: ``paragraph.style = name``
    makes python-docx search every style of the document by name, once per
    cell, which was half the time of a bulletin's 1,200 cells."""
    paragraph._p.get_or_add_pPr().style = TABLE_STYLE


def _cell_text(cell, value, font, *, centre=False, colour=None):
    paragraph = cell.paragraphs[0]
    _table_style(paragraph)
    _no_grid(paragraph)
    text = "" if value is None else str(value)
    if centre or len(text) <= 4:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    lines = text.splitlines() or [""]
    for index, line in enumerate(lines):
        if index:
            paragraph = cell.add_paragraph()
            _table_style(paragraph)
            _no_grid(paragraph)
        _run(paragraph, line, font, TABLE_SIZE, colour=colour)


def _lagging(document, figures: dict):
    items = figures["lagging"]
    reds = sum(1 for item in items if item["light"] == "red")
    _paragraph(
        document,
        f"对照序时进度,严重滞后(红灯){reds}项、滞后(黄灯){len(items) - reds}项:"
        if items
        else "本期无滞后事项。",
    )
    for index, item in enumerate(items, start=1):
        line = f"{index}.{item['text']}"
        if item["cooperating"]:
            line += f"(配合单位:{names(item['cooperating'])})"
        paragraph = _paragraph(document)
        _run(
            paragraph,
            "【红灯】" if item["light"] == "red" else "【黄灯】",
            fonts.BODY,
            colour=LIGHT_COLOURS[item["light"]],
        )
        _run(paragraph, line, fonts.BODY)


def _rank(department: dict) -> str:
    change = department["rank_change"]
    if change is None:
        return str(department["rank"])
    arrow = "↑" if change > 0 else "↓" if change < 0 else "—"
    return f"{department['rank']}({arrow}{abs(change) or ''})"


def _departments(document, figures: dict):
    rows = [
        [
            (d["name"], None),
            (d["tasks_held"], None),
            (d["due"], None),
            (d["on_time"], None),
            (d["late"], None),
            (d["missing"], None),
            (d["returned"], None),
            (d["red"], LIGHT_COLOURS["red"] if d["red"] else None),
            (_rank(d), None),
        ]
        for d in figures["departments"]
    ]
    _table(document, DEPARTMENT_COLUMNS, rows)


def _page_break(document):
    _run(document.add_paragraph(), "", fonts.BODY).add_break(WD_BREAK.PAGE)


def _annex_title(document, number: int, title: str):
    paragraph = document.add_paragraph()
    _run(paragraph, f"附件{number}", fonts.HEADING)
    heading = document.add_paragraph(style="公文标题")
    heading.paragraph_format.space_before = LINE
    heading.paragraph_format.space_after = LINE
    _run(heading, title, fonts.TITLE, TITLE_SIZE)


def _task_rows(figures: dict, columns) -> list[list]:
    rows = []
    for task in figures["tasks"]:
        row = []
        for _, _, key in columns:
            value = task.get(key)
            colour = LIGHT_COLOURS.get(task["light"]) if key == "light_label" else None
            if (
                key == "light_label"
                and task.get("disagrees")
                and task.get("proposed_label")
            ):
                value = f"{value}\n(自评:{task['proposed_label']})"
            row.append(
                (names(value) if key in ("lead", "cooperating") else value, colour)
            )
        rows.append(row)
    return rows


def _target_rows(figures: dict) -> list[list]:
    rows = []
    for target in figures["targets"]:
        latest = (
            f"{target['latest_value']}{target['unit']}\n({chinese_date(target['latest_date'])})"
            if target.get("latest_value") not in (None, "")
            else "暂无"
        )
        rows.append(
            [
                (target["task_number"], None),
                (target["metric"], None),
                (f"{target['value']}{target['unit']}", None),
                (chinese_date(target["deadline"]), None),
                (latest, None),
                (
                    f"{percent(target['percent'])}/{percent(target['expected_percent'])}",
                    None,
                ),
                (target["light_label"], LIGHT_COLOURS.get(target["light"])),
                (names(target["lead"]), None),
            ]
        )
    return rows


def _closing(document, text: dict):
    date = chinese_date(text.get("date"))
    signature = text.get("signature") or ""
    # 成文日期 right, four characters in; the 署名 centred over it.
    date_right = 4
    sign_right = max(0, date_right + (len(date) - len(signature)) / 2)
    sign = document.add_paragraph()
    sign.paragraph_format.space_before = Pt(LINE.pt * 2)
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _indent_chars(sign, right=sign_right)
    _run(sign, signature, fonts.BODY)
    day = document.add_paragraph()
    day.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _indent_chars(day, right=date_right)
    _run(day, date, fonts.BODY)


def _record(document, text: dict):
    """The 版记: 抄送 and 印发 lines between rules, 4号 仿宋, at the end."""
    size = PAGE_NUMBER_SIZE
    table = document.add_table(rows=0, cols=1)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    rows = []
    if text.get("copy_to"):
        rows.append(("copy", f"抄送:{text['copy_to']}"))
    rows.append(("print", None))
    for kind, value in rows:
        cell = table.add_row().cells[0]
        cell.width = TEXT_WIDTH
        paragraph = cell.paragraphs[0]
        _no_grid(paragraph)
        _exact(paragraph, Pt(size.pt * 1.9))
        if kind == "copy":
            _indent_chars(paragraph, left=1, right=1, size=size)
            _run(paragraph, value, fonts.BODY, size)
        else:
            _indent_chars(paragraph, left=1, right=1, size=size)
            stops = paragraph.paragraph_format.tab_stops
            stops.add_tab_stop(
                TEXT_WIDTH - Pt(size.pt * 2) - Mm(2), WD_TAB_ALIGNMENT.RIGHT
            )
            _run(paragraph, text.get("printed_by") or "", fonts.BODY, size)
            _run(
                paragraph,
                "\t" + chinese_date(text.get("printed_on")) + "印发",
                fonts.BODY,
                size,
            )
    table._tbl.tblGrid.gridCol_lst[0].w = TEXT_WIDTH
    # First and last rules 0.35 mm, the ones between 0.25 mm; no sides.
    last = len(table.rows) - 1
    for index, row in enumerate(table.rows):
        tcpr = row.cells[0]._tc.get_or_add_tcPr()
        _border(
            tcpr,
            "w:tcBorders",
            {
                "top": (8 if index == 0 else 6, "000000"),
                "left": (0, ""),
                "bottom": (8 if index == last else 6, "000000"),
                "right": (0, ""),
            },
        )


def _extra_section(document, section: dict):
    for line in section.get("lines") or []:
        _paragraph(document, line)
    if section.get("rows"):
        _table(
            document,
            [(name, width) for name, width in section["columns"]],
            [[(cell, None) for cell in row] for row in section["rows"]],
        )


def render_docx(figures: dict, text: dict) -> bytes:
    """The bulletin as .docx bytes. `text` is the narrative and meta of the
    bulletin (issuer, number, title, …, public); with public true the
    reports' own words (进展情况, 下步计划) are left out of the 附件."""
    public = bool(text.get("public"))
    document = Document()
    _styles(document)
    _page_setup(document)
    document.core_properties.title = text.get("title") or ""
    document.core_properties.author = text.get("issuer") or ""

    _masthead(document, text)
    charts = render_charts(figures)

    # The office's opening words, then the figures in words.
    _narrative(document, text.get("overview") or "")
    _heading(document, "一、总体情况")
    for line in summary_lines(figures):
        _paragraph(document, line)
    _picture(document, charts["submission_rate"], "图1 各月报告报送率")
    _picture(document, charts["lights_by_department"], "图2 各责任单位任务亮灯情况")

    _heading(document, "二、滞后事项")
    _lagging(document, figures)

    _heading(document, "三、各单位报送情况")
    _paragraph(
        document,
        "各责任单位承担任务、报告报送及亮灯情况如下(排名按按时报送率、红灯数排序,"
        "括号内为较上期变化):",
    )
    _departments(document, figures)

    # Sections other apps add (figures["sections"]) come next, numbered on.
    number = 3
    for section in figures.get("sections") or []:
        number += 1
        _heading(document, f"{chinese_numeral(number)}、{section['title']}")
        _extra_section(document, section)
    _heading(document, f"{chinese_numeral(number + 1)}、存在问题")
    _narrative(document, text.get("problems") or "")
    _heading(document, f"{chinese_numeral(number + 2)}、下步工作")
    _narrative(document, text.get("next_steps") or "")

    annex = _paragraph(document)
    annex.paragraph_format.space_before = LINE
    _run(annex, "附件:1.重点任务推进情况表", fonts.BODY)
    second = _paragraph(document, first=0)
    _indent_chars(second, left=5)
    _run(second, "2.目标任务完成情况表", fonts.BODY)
    _closing(document, text)

    columns = PUBLIC_TASK_COLUMNS if public else TASK_COLUMNS
    _page_break(document)
    _annex_title(document, 1, "重点任务推进情况表")
    _table(document, [(n, w) for n, w, _ in columns], _task_rows(figures, columns))
    _page_break(document)
    _annex_title(document, 2, "目标任务完成情况表")
    _table(document, TARGET_COLUMNS, _target_rows(figures))

    spacer = document.add_paragraph()
    spacer.paragraph_format.space_before = Pt(LINE.pt * 2)
    _record(document, text)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# -- other 公文 in the same layout ---------------------------------------------
# The supervision's 督导反馈 and any later document of the office: the frame,
# 版头, headings, paragraphs, tables and 版记 above, without the bulletin's
# own sections.


def official_document(text: dict):
    """A new document in the layout above with its 版头 written from
    ``text`` (issuer, number, title, recipients); fill it with the
    ``add_*`` functions and end it with ``official_bytes``."""
    document = Document()
    _styles(document)
    _page_setup(document)
    document.core_properties.title = text.get("title") or ""
    document.core_properties.author = text.get("issuer") or ""
    _masthead(document, text)
    return document


def add_heading(document, text: str, level: int = 1):
    """一、 in 黑体 (level 1) or (一) in 楷体 (level 2)."""
    return _heading(document, text, level)


def add_paragraph(document, text: str = "", *, first: int = 2):
    """A body paragraph, indented ``first`` characters."""
    return _paragraph(document, text, first=first)


def add_narrative(document, text: str) -> None:
    """Free text, one paragraph a line, 一、 and (一) lines as headings."""
    _narrative(document, text)


def add_table(document, columns, rows):
    """A table the width of the 版心: ``columns`` as (name, width in mm),
    ``rows`` as lists of (text, colour or None)."""
    return _table(document, columns, rows)


def add_annex_page(document, number: int | str, title: str) -> None:
    """A new page with its 附件N label and title (a lone annex is 附件 with
    no number: pass ``""``). The label breaks the page
    itself: a break paragraph after a page that the 署名 fills would leave
    a blank page."""
    _annex_title(document, number, title)
    label = document.paragraphs[-2]
    label.paragraph_format.page_break_before = True


def add_closing(document, text: dict) -> None:
    """The 署名 and 成文日期 (``text``'s signature and date)."""
    _closing(document, text)


def official_bytes(document, text: dict) -> bytes:
    """The document with its 版记 (copy_to, printed_by, printed_on), saved."""
    spacer = document.add_paragraph()
    spacer.paragraph_format.space_before = Pt(LINE.pt * 2)
    _record(document, text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
