"""The structure of a policy document: its header, the 主要任务 chapter's
sections ((一)…) and numbered key tasks, and the 〔牵头单位:…;配合单位:…〕
note of each."""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import ReadFailed
from .numerals import chinese_number
from .text import clean_text, to_half_width

NUMERALS = "一二三四五六七八九十"
HEADER_FIELDS = {
    "number": r"文\s*号",
    "issuer": r"发文机关",
    "index_number": r"索\s*引\s*号",
    "issued_on": r"成文日期",
    "repealed_on": r"废止日期",
    "validity": r"有\s*效\s*性",
}
TITLE = re.compile(r"^关于.+(意见|通知|方案|办法|规定|决定|细则)$")
CHAPTER = re.compile(rf"^[{NUMERALS}]+、")
MAIN_TASKS = re.compile(rf"^[{NUMERALS}]+、\s*主要任务")
SECTION = re.compile(rf"^\(([{NUMERALS}]+)\)\s*(.+)$")
KEY_TASK = re.compile(r"^(\d{1,3})\s*[.、]\s*(.+)$")
NOTE = re.compile(
    r"[〔(\[]\s*牵头单位\s*:(?P<lead>.*?)"
    r"(?:;\s*配合单位\s*:(?P<coop>.*?))?\s*[〕)\]]\s*$"
)


@dataclass
class KeyTaskText:
    line: int
    number: int
    section: int | None
    title: str
    body: str
    note: str
    lead: str
    cooperating: str


@dataclass
class PolicyText:
    number: str
    title: str
    issuer: str = ""
    index_number: str = ""
    issued_on: datetime.date | None = None
    repealed_on: datetime.date | None = None
    validity: str = ""
    text: str = ""
    sections: dict[int, str] = field(default_factory=dict)
    key_tasks: list[KeyTaskText] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def decode(data: bytes, file_name: str) -> str:
    """The text of a file in UTF-8 (with or without BOM) or GB18030."""
    if not data.strip():
        raise ReadFailed(f"文件“{file_name}”是空文件。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        break
    else:
        raise ReadFailed(f"文件“{file_name}”不是 UTF-8 或 GB18030 编码的文本。")
    # PostgreSQL refuses the character in text; a UTF-16 file is full of it.
    if "\x00" in text:
        line = next(n for n, t in enumerate(text.splitlines(), 1) if "\x00" in t)
        raise ReadFailed(
            f"文件“{file_name}”第{line}行含有空字符(NUL,\\x00),无法保存。"
            "请删除该字符;若文件是 UTF-16 编码,请另存为 UTF-8 后再导入。"
        )
    return text


def read_policy_text(
    text: str,
    file_name: str,
    *,
    check: Callable[[PolicyText], list[str]] | None = None,
) -> PolicyText:
    """The document read line by line; ReadFailed lists every problem.

    `check` adds the caller's own problems of a document read this far
    (an importer's column lengths), so that one message still lists them
    all."""
    lines = [to_half_width(clean_text(line)) for line in text.splitlines()]
    header = _read_header(to_half_width(text))
    errors: list[str] = []
    if not header.get("number"):
        errors.append(f"文件“{file_name}”中没有找到文号(“文 号:”一行)。")
    title = next((line for line in lines if TITLE.match(line)), "")
    if not title:
        errors.append(f"文件“{file_name}”中没有找到标题(以“关于”开头的一行)。")
    policy = PolicyText(number=header.get("number", ""), title=title)
    policy.issuer = header.get("issuer", "")
    policy.index_number = header.get("index_number", "")
    policy.validity = header.get("validity", "")
    policy.text = text.replace("\r\n", "\n").strip()
    for name in ("issued_on", "repealed_on"):
        value = header.get(name, "")
        if value:
            try:
                setattr(policy, name, datetime.date.fromisoformat(value))
            except ValueError:
                errors.append(f"文件“{file_name}”的日期“{value}”不是 YYYY-MM-DD 格式。")

    start = next((i for i, line in enumerate(lines) if MAIN_TASKS.match(line)), None)
    if start is None:
        errors.append(f"文件“{file_name}”中没有找到“主要任务”一章(如“三、主要任务”)。")
        raise ReadFailed(errors)
    section: int | None = None
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if CHAPTER.match(line):
            break
        if match := SECTION.match(line):
            section = chinese_number(match[1])
            policy.sections[section] = match[2].rstrip("。")
        elif match := KEY_TASK.match(line):
            policy.key_tasks.append(_key_task(index + 1, int(match[1]), section, line))

    numbers = [task.number for task in policy.key_tasks]
    if not numbers:
        errors.append(f"文件“{file_name}”的“主要任务”一章中没有编号的重点任务。")
    elif sorted(numbers) != list(range(1, len(numbers) + 1)):
        seen: set[int] = set()
        for task in policy.key_tasks:
            if task.number in seen:
                errors.append(f"第{task.line}行:重点任务序号 {task.number} 重复。")
            seen.add(task.number)
        missing = sorted(set(range(1, max(numbers) + 1)) - seen)
        if missing:
            errors.append(
                "重点任务序号不连续,缺少:" + "、".join(str(n) for n in missing) + "。"
            )
    for task in policy.key_tasks:
        if not task.note:
            policy.notes.append(
                f"第{task.line}行:重点任务{task.number}未注明牵头单位。"
            )
    if check is not None:
        errors.extend(check(policy))
    if errors:
        raise ReadFailed(errors)
    return policy


def _read_header(text: str) -> dict[str, str]:
    header: dict[str, str] = {}
    for name, label in HEADER_FIELDS.items():
        match = re.search(rf"{label}\s*:\s*([^|\n]*)", text)
        if match:
            header[name] = clean_text(match[1])
    return header


def _key_task(
    line_number: int, number: int, section: int | None, line: str
) -> KeyTaskText:
    body = KEY_TASK.match(line)[2]
    note = NOTE.search(body)
    lead = cooperating = note_text = ""
    if note:
        note_text = note[0].strip()
        lead = note["lead"] or ""
        cooperating = note["coop"] or ""
        body = body[: note.start()].strip()
    title = body.split("。", 1)[0]
    return KeyTaskText(
        line=line_number,
        number=number,
        section=section,
        title=title,
        body=body,
        note=note_text,
        lead=lead.strip(),
        cooperating=cooperating.strip(),
    )
