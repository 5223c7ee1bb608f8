"""The audit trail in words: what an action, a changed field and its
values are called in Chinese. The auditor's page and the exports read
them here, so that both say the same.

A record keeps its codes (``auth.login``, ``state: submitted``): they are
what its hash covers. Only what a person reads is translated: an action by
its ``AuditAction`` label, a key by the verbose name of the field of the
record's object type (or, for a key that is no field, by ``KEY_LABELS``),
a value by its field's choices.
"""

import datetime
import json
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone

from accounts.roles import RoleName

from .models import AuditAction, object_model

NONE = "(无)"

# Keys that services write beside model fields, by what they hold.
KEY_LABELS = {
    "before": "截止时间",
    "changed": "与上一版的差异",
    "counts": "数字变化",
    "created": "新建数",
    "departments": "送达单位数",
    "emailed_to": "邮件收件人",
    "file": "文件",
    "file_name": "文件名",
    "filters": "筛选条件",
    "first_id": "首条编号",
    "first_prev_hash": "首条前一哈希",
    "format": "格式",
    "ip_address": "地址",
    "kept": "保留数",
    "last_hash": "末条哈希",
    "last_id": "末条编号",
    "lights": "任务亮灯变化",
    "password": "密码",
    "policy": "政策",
    "range": "月份范围",
    "read_at": "阅读时间",
    "reason": "理由",
    "removed": "清除的失败记录数",
    "reports": "报告",
    "reports_created": "新建报告数",
    "role": "角色",
    "roles": "角色",
    "rows": "行数",
    "sha256": "SHA-256",
    "skipped": "跳过数",
    "stale": "失效数",
    "targets": "目标亮灯变化",
    "tasks_added": "新增任务",
    "tasks_removed": "删去任务",
    "unchanged": "未变数",
    "updated": "更新数",
    "username": "用户名",
    "version": "版本",
}
# Keys beside model fields that hold a moment.
TIME_KEYS = {"read_at"}
# Values that name something by its code, wherever they appear.
VALUE_LABELS = {
    "role": dict(RoleName.choices),
    "roles": dict(RoleName.choices),
}


@dataclass(frozen=True)
class Change:
    """One changed key, as a person reads it; ``before`` is None when the
    record holds no earlier value."""

    key: str
    label: str
    before: str | None
    after: str


def action_label(code: str) -> str:
    try:
        return AuditAction(code).label
    except ValueError:
        return code


def _field(object_type: str, key: str):
    model = object_model(object_type)
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        # A foreign key is recorded by its column, ``department_id``.
        for field in model._meta.concrete_fields:
            if field.attname == key:
                return field
    return None


def field_label(object_type: str, key: str) -> str:
    field = _field(object_type, key) if object_type else None
    if field is not None and hasattr(field, "verbose_name"):
        return str(field.verbose_name)
    return KEY_LABELS.get(key, key)


def value_label(object_type: str, key: str, value) -> str:
    if value is None or value == "":
        return NONE
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(value_label(object_type, key, item) for item in value) or NONE
    if isinstance(value, dict):
        if value and all(k in KEY_LABELS for k in value):
            # A summary such as a new bulletin version's differences.
            return "、".join(
                f"{KEY_LABELS[k]} {value_label('', k, v)}"
                for k, v in sorted(value.items())
            )
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    field = _field(object_type, key) if object_type else None
    # A key may name a reverse relation (a bulletin's deliveries' count as
    # "departments"), which has no choices of its own.
    choices = dict(field.flatchoices) if getattr(field, "choices", None) else {}
    choices = choices or VALUE_LABELS.get(key, {})
    if value in choices:
        return str(choices[value])
    if (field is None and key in TIME_KEYS) or (
        field is not None and field.get_internal_type() == "DateTimeField"
    ):
        return _local_time(value)
    return str(value)


def _local_time(value) -> str:
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{moment:%Y-%m-%d %H:%M:%S}"


def _key_order(object_type: str, keys: set[str]) -> list[str]:
    """The model's fields in the order the model declares them, then the
    other keys by name: PostgreSQL's jsonb keeps no order of its own."""
    model = object_model(object_type)
    fields = model._meta.concrete_fields if model is not None else ()
    position = {}
    for index, field in enumerate(fields):
        position.setdefault(field.name, index)
        position.setdefault(field.attname, index)
    return sorted(keys, key=lambda key: (position.get(key, len(position)), key))


def changes(event) -> list[Change]:
    """Each key of the record's before or after, with both values in
    words."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    kind = event.object_type
    keys = _key_order(kind, set(before) | set(after))
    return [
        Change(
            key=key,
            label=field_label(kind, key),
            before=value_label(kind, key, before[key]) if key in before else None,
            after=value_label(kind, key, after.get(key)),
        )
        for key in keys
    ]


def changes_text(event) -> str:
    """The changes on one line each, as the page shows them: 进度判断:正常推进
    → 已完成."""
    return "\n".join(
        f"{change.label}:{change.before} → {change.after}"
        if change.before is not None
        else f"{change.label}:{change.after}"
        for change in changes(event)
    )
