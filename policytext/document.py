"""Any office's policy document read into its numbered items, their role
notes and their targets: 实施意见, 工作方案, 工作要点, 任务分工, 政府工作报告
分解, with or without a 文号, a 关于 title or a 主要任务 chapter.

``read_document(text)`` returns a Document. Every place it reports (a
target's number and clause, an item) is a place in the text as given, so a
person can be shown where a thing was read: the text may come wrapped in
HTML or an SQL dump, with page headers, in traditional characters, in full
width, or with letters injected between the characters, and the reader
cleans a copy while keeping, for each character, where it came from.

Items are the headings numbered 一、 / (一) / 1. / (1) / ① at any depth, in
that order of rank; the text under a heading, up to the next one, is its
item's text. Role notes:

- 〔牵头单位:X;配合单位:Y、Z〕, (牵头单位:X,配合单位:Y、Z,各区、县级市);
- lines 牵头单位:X / 责任单位:Y under the item (责任单位 under a 牵头单位 is
  cooperating);
- (X、Y负责) and (X牵头,Y按职责分工负责) without role words;
- a document that says once 列第一位者为牵头单位: the first of a note
  without role words leads, the others cooperate;
- a heading 一、X牵头工作(8项): X leads each item under it that has no
  role note of its own.

A role note's units end with its first sentence; where the text breaks off
inside a note, its last name is kept only if it ends as a unit's name does.
"""

import datetime
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from .numerals import chinese_number
from .targets import ParsedTarget, TargetKind, read_targets, split_top_level
from .text import to_simplified

NUMERALS = "一二三四五六七八九十"
CIRCLED = "".join(chr(code) for code in range(0x2460, 0x2474))  # ① … ⑳
RANKS = {"part": 0, "chapter": 1, "section": 2, "item": 3, "subitem": 4, "point": 5}
_HEADINGS = (
    ("part", re.compile(rf"^第([{NUMERALS}]{{1,3}})(?:部分|章)\s*")),
    ("chapter", re.compile(rf"^([{NUMERALS}]{{1,3}})\s*[\u3001.]\s*")),
    ("section", re.compile(rf"^\(([{NUMERALS}]{{1,3}})\)\s*")),
    ("item", re.compile(r"^(\d{1,3})\s*[.\u3001](?!\d)\s*")),
    ("subitem", re.compile(r"^\((\d{1,2})\)\s*")),
    ("point", re.compile(rf"^([{CIRCLED}])\s*")),
)
# "11.121人才梯队项目": item 11 whose name begins with a number.
_FUSED_ITEM = re.compile(r"^(\d{1,3})\s*[.\u3001](?=\d)")

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WIDE_MARKS = "\u3000-\u303f\u2014\u2018\u2019\u201c\u201d\u2026\uff00-\uffef"
_SQL_ESCAPE = re.compile(r"\\r\\n|\\n|\\r|\\t|\\(?=[\"'\\])")
_TAG = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9]*)\b[^<>]{0,500}>")
_OPEN_TAG_AT_END = re.compile(r"<[a-zA-Z/][^<>\n]*$", re.MULTILINE)
_BLOCK_TAGS = {"p", "br", "div", "li", "tr", "td", "th", "h1", "h2", "h3", "h4"}
_BLOCK_TAGS |= {"h5", "h6", "table", "section", "article", "ul", "ol", "dd", "dt"}
_ENTITY = re.compile(r"&(nbsp|ensp|emsp|lt|gt|amp|quot|#\d{2,6});")
_ENTITIES = {"nbsp": " ", "ensp": " ", "emsp": " ", "lt": "<", "gt": ">"}
_ENTITIES |= {"amp": "&", "quot": '"'}
_INJECTED = re.compile(rf"(?<=[{_CJK}])[a-z]{{1,8}}(?=[{_CJK}])")
_SPACE = re.compile(r"[ \t\u00a0\u3000\u2002\u2003\u200b\ufeff]+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_PAGE_MARK = re.compile(
    r"第\s*\d+\s*页(?:\s*[/,]?\s*共\s*\d+\s*页)?|共\s*\d+\s*页|^-\s*\d+\s*-$",
    re.MULTILINE,
)
_DOC_NUMBER = re.compile(
    rf"[{_CJK}]{{1,12}}[\u3014\[\u3010(]\s*(?:19|20)\d{{2}}\s*[\u3015\]\u3011)]"
    r"\s*\d{1,4}\s*号"
)
_TITLE_END = re.compile(
    r"(意见|方案|通知|要点|规划|计划|办法|分工|分解|报告|决定|细则)$"
)

_ROLE_LABEL = re.compile(
    r"(牵头单位|牵头部门|主办单位|主责单位|责任单位|责任部门|配合单位|配合部门"
    r"|协办单位|参与单位|协同单位)\s*[:]?\s*"
)
_LEAD_LABELS = ("牵头单位", "牵头部门", "主办单位", "主责单位")
_RESPONSIBLE_LABELS = ("责任单位", "责任部门")
_ROLE_WORD = re.compile(r"牵头|负责|配合|协办|责任单位|责任部门|参与单位|主办单位")
_ROLE_LINE = re.compile(
    r"^(牵头单位|牵头部门|主办单位|主责单位|责任单位|责任部门|配合单位|配合部门"
    r"|协办单位|参与单位|协同单位)\s*:\s*\S"
)
_COOPERATE_AFTER_LEAD = re.compile(
    r"按职责分工负责|按职责负责|配合|协助|参与|共同负责|负责"
)
_RESPONSIBLE_TAIL = re.compile(r"(分别|共同|按职责分工|按职责|各自|具体)?负责$")
_NAME_TRIM = re.compile(r"^(由|请)|(等|等单位|等部门|分别|共同)$")
_INLINE_LABEL = re.compile(
    r"(?:^|(?<=[\u3002;]))\s*(牵头单位|牵头部门|责任单位|责任部门|配合单位)\s*:"
)
_PLACE_END = re.compile(r"([市州区县旗]|[\u3015)\]])$")
_UNIT_END = re.compile(
    r"(局|委|办|部|厅|院|会|中心|单位|部门|政府|公司|集团|站|队|室|处|社|联|所)$"
)
_LAST_PLACE = re.compile(r"^(.+?(?:新区|[市州区县旗]))(.{2,})$")
_TEXT_COLUMNS = (
    "任务",
    "工作任务",
    "重点任务",
    "重点工作",
    "工作要求",
    "具体工作要求",
    "主要内容",
    "工作内容",
    "目标任务",
)
_TABLE_COLUMN = re.compile(
    r"序号|具体工作要求|工作要求|工作任务|重点任务|重点工作|主要内容|工作内容|目标任务"
    r"|任务|牵头单位|牵头部门|责任单位|责任部门|配合单位|配合部门|协办单位|责任领导"
    r"|完成时限|完成时间|时间节点|备注"
)
_TABLE_HEADER = re.compile(r"^序号")
# A header cell is short and names one column, maybe with a qualifier
# ("主要工作任务", "具体责任单位"); the column is the name it ends with.
_HEADER_CELL = re.compile(rf"^[{_CJK}]{{0,4}}?(?P<column>{_TABLE_COLUMN.pattern})$")
_ROW_NUMBER = re.compile(r"^\d{1,3}$")
_INHERITED = re.compile(
    r"以下(?:各项)?(?:任务|工作|事项)均(?:涉及|需|由|包括)(?P<units>[^,;\u3002]+)"
)
# "一、县示范区管委会牵头工作(8项)": a heading that names the unit leading
# its part; each item under it without a role note of its own is led by it.
_HEADING_LEAD = re.compile(
    rf"^(?P<units>[{_CJK}、]{{2,40}}?)牵头(?:的)?(?:工作|任务|事项|项目)?"
    r"(?:\(\d{1,3}项\))?$"
)
_FIRST_LEADS = re.compile(r"列(?:第一位|首位)的?(?:者|单位|责任单位|部门)?为牵头")

_YEAR_SPAN = re.compile(
    rf"(?P<year>(?:19|20)\d{{2}})年起(?P<n>\d{{1,2}}|[{NUMERALS}]{{1,2}})年内"
)
_WITHIN = re.compile(rf"(?<![\d年])(?P<n>\d{{1,2}}|[{NUMERALS}]{{1,2}})年内")
OPENING = "([\u3014\u3010"
CLOSING = ")]\u3015\u3011"


@dataclass(frozen=True)
class Target:
    """A target as written: comparator is "=", ">=", "<=" or "about"."""

    text: str
    metric: str
    value: Decimal
    unit: str
    comparator: str
    deadline: datetime.date | None
    relative: bool
    aspirational: bool
    kind: str
    span: tuple[int, int]  # the number, in the text given
    clause_span: tuple[int, int]
    item: str = ""  # the item's label path, "二、(一)2."


@dataclass
class Item:
    kind: str  # chapter, section, item, subitem, point (RANKS)
    label: str  # as written, half-width: "一、", "(一)", "2.", "(1)"
    number: int
    path: tuple[str, ...]  # the labels from the top down to this one
    title: str
    text: str = ""
    span: tuple[int, int] = (0, 0)
    lead: list[str] = field(default_factory=list)
    cooperating: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # the role notes as written
    targets: list[Target] = field(default_factory=list)

    @property
    def path_label(self) -> str:
        return "".join(self.path)

    @property
    def has_roles(self) -> bool:
        return bool(self.lead or self.cooperating)


@dataclass
class Document:
    title: str = ""
    number: str = ""  # 文号, where there is one
    first_listed_leads: bool = False  # the document says 列第一位者为牵头单位
    items: list[Item] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)  # all, in text order

    @property
    def roles(self) -> list[Item]:
        return [item for item in self.items if item.has_roles]


def read_document(text: str) -> Document:
    """The items, role notes and targets of a policy document's text."""
    clean = _clean(text)
    folded = to_simplified(clean.text).replace("\u842c", "万")
    reader = _DocumentReader(text, clean, folded)
    reader.read()
    return reader.document


# Cleaning, with the origin of every character


@dataclass
class _Mapped:
    text: str
    origin: list[int]  # for each character, its index in the raw text

    def sub(self, pattern: re.Pattern, replace: str | Callable) -> "_Mapped":
        parts, origin, last = [], [], 0
        for match in pattern.finditer(self.text):
            parts.append(self.text[last : match.start()])
            origin.extend(self.origin[last : match.start()])
            new = replace(match) if callable(replace) else replace
            at = self.origin[match.start()] if match.start() < len(self.origin) else 0
            parts.append(new)
            origin.extend([at] * len(new))
            last = match.end()
        parts.append(self.text[last:])
        origin.extend(self.origin[last:])
        return _Mapped("".join(parts), origin)

    def translate(self, table: dict) -> "_Mapped":
        return _Mapped(self.text.translate(table), self.origin)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        end = max(end, start + 1)
        return self.origin[start], self.origin[min(end, len(self.origin)) - 1] + 1


_WIDE_TO_HALF = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_WIDE_TO_HALF[0x3000] = 0x20


def _clean(raw: str) -> _Mapped:
    text = _Mapped(raw, list(range(len(raw))))
    text = text.sub(_SQL_ESCAPE, lambda m: "\n" if m.group() != "\\t" else " ")
    text = text.sub(_TAG, lambda m: "\n" if m[1].lower() in _BLOCK_TAGS else "").sub(
        _OPEN_TAG_AT_END, ""
    )
    text = text.sub(_ENTITY, _entity)
    text = text.translate(_WIDE_TO_HALF)
    text = text.sub(re.compile(r"\r\n?"), "\n")
    text = text.sub(_INJECTED, "")
    text = text.sub(_SPACE, _space)
    text = text.sub(_THOUSANDS, "")
    text = text.sub(_PAGE_MARK, "")
    return _without_repeated_lines(text)


def _entity(match: re.Match) -> str:
    name = match[1]
    return chr(int(name[1:])) if name.startswith("#") else _ENTITIES[name]


def _space(match: re.Match) -> str:
    """A space between two Latin words or numbers is real ("14:36:23 编辑");
    next to Chinese text or a mark it is a wrap or PDF artefact ("15 家")."""
    text, start, end = match.string, match.start(), match.end()
    before = text[start - 1] if start else "\n"
    after = text[end] if end < len(text) else "\n"
    if before.isascii() and before.isalnum() and after.isascii() and after.isalnum():
        return " "
    return ""


def _without_repeated_lines(text: _Mapped) -> _Mapped:
    """A page header or footer: a line of six characters or more printed
    again and again, on its own or bled into a sentence; role lines and
    headings repeat by right and stay."""
    lines = [line.strip() for line in text.text.split("\n")]
    counts = Counter(line for line in lines if len(line) >= 6)
    repeated = [
        line
        for line, count in counts.items()
        if count >= 2
        and not _ROLE_LINE.match(to_simplified(line))
        and not any(pattern.match(line) for _, pattern in _HEADINGS)
        and not _ROLE_WORD.search(to_simplified(line))
    ]
    if not repeated:
        return text
    pattern = re.compile("|".join(re.escape(line) for line in repeated))
    return text.sub(pattern, "")


# Reading


class _DocumentReader:
    def __init__(self, raw: str, clean: _Mapped, folded: str):
        self.raw = raw
        self.clean = clean
        self.folded = folded
        self.document = Document()
        self.base_year: int | None = None
        self.last_number = 0
        # 责任单位 of each item (by id), resolved once the item is read
        self.responsible: dict[int, list[str]] = {}
        # a table flattened to one cell a line: its columns, the current row
        self.columns: list[str] | None = None
        self.row: Item | None = None
        self.row_cells = 0
        # "除专门列出外,以下任务均涉及X": units every later role note adds
        self.inherited: list[str] = []
        # "一、X牵头工作": the lead a heading gives the items under it
        self.heading_leads: dict[int, list[str]] = {}
        self.parents: dict[int, Item | None] = {}

    def read(self) -> None:
        document = self.document
        document.first_listed_leads = bool(_FIRST_LEADS.search(self.folded))
        number = _DOC_NUMBER.search(self.clean.text)
        document.number = number.group() if number else ""
        stack: list[Item] = []
        lines = self._lines()
        for start, end in lines:
            line = self.folded[start:end]
            if self._table_line(stack, line, start, end):
                continue
            heading = self._heading(line)
            if heading:
                kind, label, number_, body_at, fused = heading
                while stack and RANKS[stack[-1].kind] >= RANKS[kind]:
                    stack.pop()
                path = tuple(item.label for item in stack) + (label,)
                item = Item(kind=kind, label=label, number=number_, path=path, title="")
                item.span = self.clean.raw_span(start, end)
                stack.append(item)
                document.items.append(item)
                body_start = start + body_at
                item.title = _title(self.clean.text[body_start:end])
                heading_lead = _HEADING_LEAD.match(self.folded[body_start:end])
                if heading_lead:
                    units = self.clean.text[
                        body_start + heading_lead.start("units") : body_start
                        + heading_lead.end("units")
                    ]
                    names = _names(units)
                    if names and all(_UNIT_END.search(name) for name in names):
                        self.heading_leads[id(item)] = names  # not "强化统筹牵头"
                self.parents[id(item)] = stack[-2] if len(stack) > 1 else None
                self._paragraph(item, body_start, end, fused=fused)
            else:
                owner = stack[-1] if stack else None
                if owner is None and not document.title:
                    title = self.clean.text[start:end]
                    if len(title) <= 80 and _TITLE_END.search(title):
                        document.title = title
                if owner is not None and _ROLE_LINE.match(line):
                    self._role_line(owner, start, end)
                    continue
                self._paragraph(owner, start, end)
            if stack:
                stack[-1].text = (stack[-1].text + self.clean.text[start:end]).strip()
        for item in document.items:
            self._resolve_roles(item)

    def _table_line(self, stack: list[Item], line: str, start: int, end: int) -> bool:
        """A table flattened to one cell a line: a header row (序号 / 工作任务
        / 责任单位 …), then each row's number alone on its line and its
        cells; the row is an item under the heading above the table."""
        if _TABLE_HEADER.match(line):
            self.columns = _TABLE_COLUMN.findall(line)
            self.row = None
            return True
        if self.columns is None:
            return False
        if self.row is None and not _ROW_NUMBER.match(line):
            found = _TABLE_COLUMN.findall(line)
            if found and "".join(found) == line:
                self.columns.extend(found)  # the header's next cells
                return True
            cell = _HEADER_CELL.match(line)
            if cell:
                self.columns.append(cell["column"])  # "主要工作任务"
                return True
        if _ROW_NUMBER.match(line):
            while stack and stack[-1] is self.row:
                stack.pop()
            parent = stack[-1].path if stack else ()
            self.row = Item(
                kind="item",
                label=line,
                number=int(line),
                path=(*parent, line),
                title="",
                span=self.clean.raw_span(start, end),
            )
            self.document.items.append(self.row)
            self.parents[id(self.row)] = stack[-1] if stack else None
            self.row_cells = 0
            return True
        if self.row is None:
            return False
        if self.row_cells >= len(self.columns) - 1:
            self.columns = self.row = None  # the row is full: the table ended
            return False
        self.row_cells += 1
        column = (
            self.columns[self.row_cells] if self.row_cells < len(self.columns) else ""
        )
        names = _names(self.clean.text[start:end])
        if column in _RESPONSIBLE_LABELS or column == "责任领导":
            self.responsible.setdefault(id(self.row), []).extend(names)
        elif column in _LEAD_LABELS:
            _extend(self.row.lead, names)
        elif column in ("配合单位", "配合部门", "协办单位"):
            _extend(self.row.cooperating, names)
        elif column in _TEXT_COLUMNS or not column:
            self.row.text = (self.row.text + self.clean.text[start:end]).strip()
            if not self.row.title:
                self.row.title = _title(self.clean.text[start:end])
            self._paragraph(self.row, start, end)
        return True

    def _lines(self) -> list[tuple[int, int]]:
        spans, start = [], 0
        for line in self.clean.text.split("\n"):
            end = start + len(line)
            lead = len(line) - len(line.lstrip(" "))
            trail = len(line) - len(line.rstrip(" "))
            if line.strip():
                spans.append((start + lead, end - trail))
            start = end + 1
        return spans

    def _heading(self, line: str):
        fused = _FUSED_ITEM.match(line)
        if fused and int(fused[1]) == self.last_number + 1:
            self.last_number += 1
            return (
                "item",
                fused.group().replace(" ", ""),
                int(fused[1]),
                fused.end(),
                True,
            )
        for kind, pattern in _HEADINGS:
            match = pattern.match(line)
            if not match:
                continue
            if not line[match.end() :].strip():
                return None  # a number alone on its line (a table cell)
            numeral = match[1]
            if kind == "point":
                number = CIRCLED.index(numeral) + 1
            elif numeral.isdigit():
                number = int(numeral)
            else:
                number = chinese_number(numeral)
            if kind == "item":
                self.last_number = number
            label = line[: match.end()].replace(" ", "")
            return kind, label, number, match.end(), False
        return None

    # Role notes

    def _paragraph(self, owner: Item | None, start: int, end: int, *, fused=False):
        """Read one paragraph: its role notes (to its item) and targets."""
        inherited = _INHERITED.search(self.folded, start, end)
        if inherited:
            units = self.clean.text[inherited.start("units") : inherited.end("units")]
            self.inherited = _names(units)
        folded = list(self.folded[start:end])
        depth_stack: list[int] = []
        notes: list[tuple[int, int]] = []
        for index, char in enumerate(folded):
            if char in OPENING:
                depth_stack.append(index)
            elif char in CLOSING:
                if depth_stack:
                    opened = depth_stack.pop()
                    if not depth_stack:
                        inner = "".join(folded[opened + 1 : index])
                        if _ROLE_WORD.search(inner):
                            notes.append((opened, index + 1))
                else:
                    folded[index] = " "  # a bracket the wrapper left unopened
        # "(责任单位:省大数据局、省工业和" at the end of the text: the text
        # breaks off inside the note, and its last name may be cut
        broken_off = bool(depth_stack) and not self.clean.text[end:].strip()
        for opened in depth_stack:
            folded[opened] = " "  # a bracket the wrapper left unclosed
        inline = _INLINE_LABEL.search("".join(folded))
        if inline and owner is not None:
            # "1.落实政策。责任单位:市人社局、市财政局": to the line's end
            at = inline.start(1)
            inside = any(a <= at < b for a, b in notes)
            if not inside and self._role_note(
                owner,
                start + at,
                end,
                self.clean.text[start + at : end],
                broken_off=broken_off and depth_stack[0] < at,
            ):
                folded[at:] = [" "] * (len(folded) - at)
        for note_start, note_end in notes:
            inner_start, inner_end = start + note_start + 1, start + note_end - 1
            if owner is not None and self._role_note(owner, inner_start, inner_end):
                folded[note_start:note_end] = [" "] * (note_end - note_start)
        if fused:
            index = 0
            while index < len(folded) and folded[index].isdigit():
                folded[index] = "\u25a1"  # part of the item's name, not a value
                index += 1
        self._targets(owner, start, "".join(folded))

    def _role_note(
        self, item: Item, start: int, end: int, note: str = "", *, broken_off=False
    ) -> bool:
        """Read a role note to its item. Its units end with its first
        sentence: "…数据管理部门。除专门列出外,以下任务均涉及…" goes on in
        prose. Where the text breaks off inside the note, its last name is
        kept only if it ends as a unit's name does."""
        folded, clean = self.folded[start:end], self.clean.text[start:end]
        labels = list(_ROLE_LABEL.finditer(folded))
        roles: list[tuple[str, str]] = []
        if labels:
            for index, match in enumerate(labels):
                stop = (
                    labels[index + 1].start() if index + 1 < len(labels) else len(clean)
                )
                roles.append((match[1], clean[match.end() : stop]))
        else:
            lead_at = folded.find("牵头")
            if lead_at > 0:
                roles.append(("牵头单位", clean[:lead_at]))
                rest_at = lead_at + 2
                rest = folded[rest_at:]
                cooperate = _COOPERATE_AFTER_LEAD.search(rest)
                if cooperate:
                    roles.append(
                        ("配合单位", clean[rest_at : rest_at + cooperate.start()])
                    )
            else:
                pieces = split_top_level(folded, ",;")
                head = pieces[0]
                tail = _RESPONSIBLE_TAIL.search(head)
                if not tail or not tail.start():
                    return False
                roles.append(("", clean[: tail.start()]))
        names = [(label, _names(text.split("\u3002", 1)[0])) for label, text in roles]
        if broken_off and names and names[-1][1]:
            last = names[-1][1][-1]
            if not (_UNIT_END.search(last) or _PLACE_END.search(last)):
                names[-1][1].pop()
        if not any(found for _, found in names):
            return False
        item.notes.append(note or self.clean.text[start - 1 : end + 1])
        if self.inherited:
            names.append(("", list(self.inherited)))
        for label, found in names:
            if label in _LEAD_LABELS:
                _extend(item.lead, found)
            elif label in _RESPONSIBLE_LABELS or label == "":
                self.responsible.setdefault(id(item), []).extend(found)
            else:
                _extend(item.cooperating, found)
        return True

    def _role_line(self, item: Item, start: int, end: int) -> None:
        self._role_note(item, start, end, self.clean.text[start:end])

    def _resolve_roles(self, item: Item) -> None:
        """责任单位 under a 牵头单位 cooperate; alone they all lead, unless
        the document says the first listed leads."""
        responsible = self.responsible.pop(id(item), [])
        if not responsible:
            if not item.has_roles and id(item) not in self.heading_leads:
                _extend(item.lead, self._heading_lead(item))
            return
        if item.lead:
            _extend(item.cooperating, responsible)
        elif self.document.first_listed_leads:
            _extend(item.lead, responsible[:1])
            _extend(item.cooperating, responsible[1:])
        else:
            _extend(item.lead, responsible)

    def _heading_lead(self, item: Item) -> list[str]:
        """The lead a heading above the item names, the nearest first."""
        parent = self.parents.get(id(item))
        while parent is not None:
            if id(parent) in self.heading_leads:
                return self.heading_leads[id(parent)]
            parent = self.parents.get(id(parent))
        return []

    # Targets

    def _targets(self, owner: Item | None, start: int, folded: str) -> None:
        offset = 0
        for piece in split_top_level(folded, "\u3002!?"):
            sentence_start = start + offset
            offset += len(piece) + 1
            if not piece.strip(" ,;:."):
                continue
            deadline = self._span_deadline(piece)
            for parsed in read_targets(piece, default_deadline=deadline):
                target = self._target(parsed, sentence_start, owner)
                if target is not None:
                    self.document.targets.append(target)
                    if owner is not None:
                        owner.targets.append(target)

    def _span_deadline(self, sentence: str) -> datetime.date | None:
        """2012年起5年内 → 2016-12-31; a later 5年内 of the same document
        counts from 2012 too."""
        span = _YEAR_SPAN.search(sentence)
        if span:
            self.base_year = int(span["year"])
            return _year_end(self.base_year + _count(span["n"]) - 1)
        within = _WITHIN.search(sentence)
        if within and self.base_year:
            return _year_end(self.base_year + _count(within["n"]) - 1)
        return None

    def _target(
        self, parsed: ParsedTarget, at: int, owner: Item | None
    ) -> Target | None:
        if parsed.span is None or parsed.clause_span is None:
            return None
        span = self.clean.raw_span(at + parsed.span[0], at + parsed.span[1])
        clause_span = self.clean.raw_span(
            at + parsed.clause_span[0], at + parsed.clause_span[1]
        )
        return Target(
            text=self.raw[clause_span[0] : clause_span[1]],
            metric=parsed.metric,
            value=parsed.value,
            unit=parsed.unit,
            comparator=parsed.relation,
            deadline=parsed.deadline,
            relative=parsed.kind == TargetKind.RELATIVE.value,
            aspirational=parsed.aspirational,
            kind=parsed.kind,
            span=span,
            clause_span=clause_span,
            item=owner.path_label if owner is not None else "",
        )


def _title(text: str) -> str:
    first = text.split("\u3002", 1)[0]
    return first if len(first) <= 40 and "," not in first else ""


def _names(text: str) -> list[str]:
    """Unit names of a note: split at , ; 、 and 及, keeping a group such as
    各区、县级市 whole."""
    names: list[str] = []
    for piece in re.split(r"[,;]", text):
        piece = _NAME_TRIM.sub("", piece.strip(" .:\u3002")).strip()
        if not piece:
            continue
        parts = piece.split("\u3001")
        if piece.startswith("各") and all(len(part) <= 3 for part in parts[1:]):
            parts = [piece]
        parts = _shared_suffix(parts)
        for part in parts:
            for name in re.split(r"(?<=..)及(?=..)", part):
                name = _NAME_TRIM.sub("", name.strip(" .")).strip()
                if 2 <= len(name) <= 40:
                    names.append(name)
    return names


def _shared_suffix(parts: list[str]) -> list[str]:
    """各市〔州〕、贵安新区数据管理部门: the places share the unit's name."""
    if len(parts) < 2:
        return parts
    places, last = parts[:-1], parts[-1]
    if not all(_PLACE_END.search(p) and not _UNIT_END.search(p) for p in places):
        return parts
    match = _LAST_PLACE.match(last)
    if not match or not _UNIT_END.search(match[2]):
        return parts
    return [place + match[2] for place in places] + [last]


def _extend(names: list[str], more: list[str]) -> None:
    for name in more:
        if name not in names:
            names.append(name)


def _count(numeral: str) -> int:
    return int(numeral) if numeral.isdigit() else chinese_number(numeral)


def _year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)
