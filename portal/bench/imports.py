"""The imports against their floor: a plain ``bulk_create`` of the same
rows. Each run is rolled back, so the dataset stays as it was.

- annex: a generated xlsx of ``rows`` tasks (40 a key task, each with a
  lead and two cooperating departments of the dataset) read by
  ``read_annex`` and loaded by ``annex_import`` under a new policy, as
  ``import_annex`` does; the floor writes the same key tasks, tasks and
  responsibilities with ``bulk_create``.
- readings: ``readings_import`` of ``rows`` readings of accepted targets,
  as ``import_readings`` does after reading its sheet; the floor is
  ``Reading.objects.bulk_create`` of the same rows.
"""

import datetime
import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import openpyxl
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import RoleName
from targets.importing import ReadingRow
from targets.models import Reading, ReadingSource, ReviewStatus, Target, TargetKind
from targets.services import readings_import
from tasks.importers.annex import read_annex
from tasks.models import (
    Department,
    DepartmentKind,
    KeyTask,
    Policy,
    Responsibility,
    Role,
    Task,
)
from tasks.services import annex_import, file_digest

from .pages import BenchError

POLICY_NUMBER = "鹰基准导入〔2026〕1号"
TASKS_PER_KEY_TASK = 40


@dataclass(frozen=True)
class ImportTiming:
    name: str
    rows: int
    seconds: float
    floor_seconds: float

    @property
    def ratio(self) -> float:
        return self.seconds / self.floor_seconds


class _Rollback(Exception):
    pass


def _timed_and_undone(work: Callable[[], object]) -> float:
    """Seconds ``work`` takes inside a transaction that is then rolled
    back."""
    started = time.perf_counter()
    try:
        with transaction.atomic():
            work()
            elapsed = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    return elapsed


def _departments(count: int = 3) -> list[Department]:
    departments = list(
        Department.objects.exclude(kind=DepartmentKind.GROUP).order_by("pk")[:50]
    )
    if len(departments) < count:
        raise BenchError("部门不足:请先写入基准数据或演示数据。")
    return departments


def annex_rows(rows: int) -> list[tuple[int, str, str, list[Department]]]:
    departments = _departments()
    plan = []
    for number in range(1, rows + 1):
        key = (number - 1) // TASKS_PER_KEY_TASK + 1
        chosen = [departments[(number + i * 7) % len(departments)] for i in range(3)]
        if len({d.pk for d in chosen}) < 3:
            chosen = departments[:3]
        plan.append(
            (
                number,
                f"重点任务{key}:技能提升专项行动",
                f"工作要求{number}:组织开展职业技能培训,完成年度培训任务。",
                chosen,
            )
        )
    return plan


def annex_workbook(plan) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("重点任务及责任分工")
    sheet.append(["附件"])
    sheet.append(["序号", "重点任务", "工作要求", "责任部门"])
    for number, key_task, requirement, departments in plan:
        sheet.append(
            [number, key_task, requirement, "、".join(d.name for d in departments)]
        )
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


def annex_measure(rows: int) -> tuple[ImportTiming, float]:
    """The import and its floor; also the seconds ``read_annex`` took."""
    plan = annex_rows(rows)
    data = annex_workbook(plan)
    name = "bench-annex.xlsx"

    started = time.perf_counter()
    sheet = read_annex(data, name)
    read_seconds = time.perf_counter() - started

    def load():
        annex_import(
            policy_number=POLICY_NUMBER,
            sheet=sheet,
            file_name=name,
            sha256=file_digest(data),
        )

    def floor():
        policy = Policy.objects.create(number=POLICY_NUMBER)
        titles = list(dict.fromkeys(key for _, key, _, _ in plan))
        key_tasks = KeyTask.objects.bulk_create(
            KeyTask(policy=policy, number=i, annex_title=title)
            for i, title in enumerate(titles, start=1)
        )
        by_title = {k.annex_title: k for k in key_tasks}
        tasks = Task.objects.bulk_create(
            (
                Task(
                    policy=policy,
                    key_task=by_title[key],
                    number=number,
                    requirement=requirement,
                    departments_text="、".join(d.name for d in departments),
                )
                for number, key, requirement, departments in plan
            ),
            batch_size=2000,
        )
        Responsibility.objects.bulk_create(
            (
                Responsibility(
                    task=task,
                    department=department,
                    position=i,
                    role=Role.LEAD if i == 0 else Role.COOPERATING,
                )
                for task, (_, _, _, departments) in zip(tasks, plan, strict=True)
                for i, department in enumerate(departments)
            ),
            batch_size=2000,
        )

    seconds = _timed_and_undone(load)
    floor_seconds = _timed_and_undone(floor)
    return ImportTiming("annex import", rows, seconds, floor_seconds), read_seconds


def reading_rows(rows: int) -> list[ReadingRow]:
    targets = list(
        Target.objects.filter(review_status=ReviewStatus.ACCEPTED)
        .exclude(kind=TargetKind.MILESTONE)
        .order_by("pk")
        .values_list("pk", "value")
    )
    if not targets:
        raise BenchError("没有已确认的目标:请先写入基准数据或演示数据。")
    today = timezone.localdate()
    result = []
    for i in range(rows):
        target_id, value = targets[i % len(targets)]
        as_of = today - datetime.timedelta(days=1 + i // len(targets))
        amount = min(value, Decimal(100)) * Decimal(i % 97 + 1) / Decimal(100)
        result.append(
            ReadingRow(i + 2, target_id, amount.quantize(Decimal("0.01")), as_of)
        )
    return result


def readings_measure(rows: int) -> ImportTiming:
    plan = reading_rows(rows)
    actor = (
        User.objects.filter(groups__name=RoleName.REVIEWER.label)
        .order_by("username")
        .first()
    )

    def load():
        readings_import(rows=plan, actor=actor)

    def floor():
        Reading.objects.bulk_create(
            (
                Reading(
                    target_id=row.target_id,
                    value=row.value,
                    as_of=row.as_of,
                    source=ReadingSource.IMPORT,
                    note="表格导入",
                    entered_by=actor,
                )
                for row in plan
            ),
            batch_size=2000,
        )

    seconds = _timed_and_undone(load)
    floor_seconds = _timed_and_undone(floor)
    return ImportTiming("import_readings", rows, seconds, floor_seconds)


def imports_print(*, rows: int, out) -> list[ImportTiming]:
    annex, read_seconds = annex_measure(rows)
    readings = readings_measure(rows)
    out.write(f"导入耗时(各 {rows:,} 行,每次回滚;目标:不超过底线的 3 倍)")
    out.write("| import | rows | seconds | bulk_create floor s | ratio to floor |")
    out.write("|---|---:|---:|---:|---:|")
    for timing in (annex, readings):
        out.write(
            f"| {timing.name} | {timing.rows:,} | {timing.seconds:.2f} "
            f"| {timing.floor_seconds:.2f} | {timing.ratio:.1f}× |"
        )
    out.write(f"(读取附件 xlsx 另需 {read_seconds:.2f} 秒,不计入上表。)")
    return [annex, readings]
