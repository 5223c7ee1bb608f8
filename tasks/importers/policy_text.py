"""Reading a policy document's text: header, 主要任务 sections, key tasks
and the 〔牵头单位:…;配合单位:…〕 note of each."""

import datetime
import re
from dataclasses import dataclass, field

from policytext.text import clean_text, to_half_width
from tasks.models import KeyTask, Policy, Section

from .errors import ImportFailed

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
# What the columns take, and their names.
POLICY_LIMITS = {
    f.name: (f.verbose_name, f.max_length)
    for f in map(
        Policy._meta.get_field,
        ("number", "title", "issuer", "index_number", "validity"),
    )
}
SECTION_TITLE_LIMIT = Section._meta.get_field("title").max_length
KEY_TASK_LIMITS = {
    name: KeyTask._meta.get_field(name).max_length
    for name in ("title", "responsibility_note")
}
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
    if not data.strip():
        raise ImportFailed(f"文件“{file_name}”是空文件。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        break
    else:
        raise ImportFailed(f"文件“{file_name}”不是 UTF-8 或 GB18030 编码的文本。")
    # PostgreSQL refuses the character in text; a UTF-16 file is full of it.
    if "\x00" in text:
        line = next(n for n, t in enumerate(text.splitlines(), 1) if "\x00" in t)
        raise ImportFailed(
            f"文件“{file_name}”第{line}行含有空字符(NUL,\\x00),无法保存。"
            "请删除该字符;若文件是 UTF-16 编码,请另存为 UTF-8 后再导入。"
        )
    return text


def read_policy_text(text: str, file_name: str) -> PolicyText:
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
        raise ImportFailed(errors)
    section: int | None = None
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if CHAPTER.match(line):
            break
        if match := SECTION.match(line):
            section = chinese_numeral(match[1])
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
    errors.extend(_too_long(policy, file_name))
    if errors:
        raise ImportFailed(errors)
    return policy


def _too_long(policy: PolicyText, file_name: str) -> list[str]:
    """Values longer than their columns take: PostgreSQL would refuse them
    mid-import, SQLite keep them whole."""
    values = [
        (f"文件“{file_name}”的{label}", value, limit)
        for name, (label, limit) in POLICY_LIMITS.items()
        if (value := getattr(policy, name))
    ]
    values += [
        (f"主要任务({number})的标题", title, SECTION_TITLE_LIMIT)
        for number, title in policy.sections.items()
    ]
    for task in policy.key_tasks:
        where = f"第{task.line}行(重点任务{task.number})"
        values += [
            (f"{where}的名称", task.title, KEY_TASK_LIMITS["title"]),
            (f"{where}的责任分工", task.note, KEY_TASK_LIMITS["responsibility_note"]),
        ]
    return [
        f"{where}有 {len(value)} 个字,超过上限 {limit} 个字。"
        for where, value, limit in values
        if len(value) > limit
    ]


def chinese_numeral(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十三 → 23."""
    if "十" not in text:
        return NUMERALS.index(text) + 1
    tens, _, units = text.partition("十")
    return (NUMERALS.index(tens) + 1 if tens else 1) * 10 + (
        NUMERALS.index(units) + 1 if units else 0
    )


def _read_header(text: str) -> dict[str, str]:
    header: dict[str, str] = {}
    for name, label in HEADER_FIELDS.items():
        match = re.search(rf"{label}\s*:\s*([^|\n]*)", text)
        if match:
            header[name] = clean_text(match[1])
    return header


def _key_task(line_number: int, number: int, section, line: str) -> KeyTaskText:
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
