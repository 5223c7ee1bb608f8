"""The policy text as the importer takes it: policytext.structure reads it,
this checks what the columns take and reports both as ImportFailed."""

from functools import partial

from policytext import structure
from policytext.errors import ReadFailed
from policytext.structure import PolicyText

from ..models import KeyTask, Policy, Section
from .errors import ImportFailed

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


def decode(data: bytes, file_name: str) -> str:
    try:
        return structure.decode(data, file_name)
    except ReadFailed as exc:
        raise ImportFailed(exc.errors) from exc


def read_policy_text(text: str, file_name: str) -> PolicyText:
    try:
        return structure.read_policy_text(
            text, file_name, check=partial(_too_long, file_name=file_name)
        )
    except ReadFailed as exc:
        raise ImportFailed(exc.errors) from exc


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
