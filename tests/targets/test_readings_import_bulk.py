"""Readings imported in bulk: each reading still has its own audit record,
the one reading_record writes; the rules are those of reading_record; and
the queries do not grow with the rows."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from targets.importing import ReadingRow
from targets.models import Reading, ReadingSource, Target
from targets.services import TargetError, reading_record, readings_import

DAY = datetime.date(2024, 6, 30)


def make_target(policy, **fields) -> Target:
    from tasks.models import Task

    task = Task.objects.get(policy=policy, number=3)
    values = {
        "metric": "规模以上铜企业",
        "value": 230,
        "unit": "家",
        "kind": "cumulative",
        "fingerprint": "bulk",
        "review_status": "accepted",
    }
    values.update(fields)
    return Target.objects.create(
        policy=policy,
        task=task,
        key_task=task.key_task,
        deadline=datetime.date(2025, 12, 31),
        source_text=values["metric"],
        source_ref="附件第3行",
        **values,
    )


def rows(target, values) -> list[ReadingRow]:
    return [
        ReadingRow(number, target.pk, value, DAY)
        for number, value in enumerate(values, start=2)
    ]


def recorded(event: AuditEvent) -> dict:
    """What a record says, leaving out its place in the chain and time."""
    row = event.as_row()
    for key in ("id", "at", "prev_hash", "hash", "object_id"):
        row.pop(key)
    return row


@pytest.mark.django_db
def test_each_imported_reading_has_the_record_reading_record_writes(policy):
    target = make_target(policy)
    single = reading_record(
        target=target,
        value="180",
        as_of=DAY,
        source=ReadingSource.IMPORT,
        note="表格导入",
    )
    imported = readings_import(rows=rows(target, ["180", "205.5"]))

    events = list(AuditEvent.objects.filter(action="reading.record").order_by("id"))
    assert [e.object_id for e in events] == [str(r.pk) for r in [single, *imported]]
    assert recorded(events[1]) == recorded(events[0])
    assert events[2].after["value"] == "205.5"
    assert Reading.objects.filter(source=ReadingSource.IMPORT).count() == 3


@pytest.mark.django_db
def test_an_import_continues_the_audit_chain_and_verifies(policy):
    target = make_target(policy)
    readings_import(rows=rows(target, [str(n) for n in range(150)]))
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().startswith("审计日志校验通过")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "value", "message"),
    [
        ({"unit": "%", "value": 90}, "101", "“规模以上铜企业”是百分比,不能超过 100。"),
        ({"kind": "milestone", "value": 1}, "0.5", "是里程碑目标,只能填 0"),
        ({"review_status": "proposed"}, "1", "尚未确认,不能录入读数。"),
    ],
)
def test_an_import_refuses_what_reading_record_refuses_in_the_same_words(
    policy, fields, value, message
):
    target = make_target(policy, **fields)
    with pytest.raises(TargetError) as single:
        reading_record(
            target=target, value=value, as_of=DAY, source=ReadingSource.IMPORT
        )
    with pytest.raises(TargetError) as imported:
        readings_import(rows=rows(target, ["0", value]))
    assert message in str(single.value)
    assert str(imported.value).splitlines()[-1] == f"第3行:{single.value}"
    assert not Reading.objects.exists()
    assert not AuditEvent.objects.filter(action="reading.record").exists()


@pytest.mark.django_db
def test_every_bad_row_is_named_at_once(policy):
    target = make_target(policy)
    bad = [*rows(target, ["1", "-1", "2", "-2"]), ReadingRow(9, 99999, "1", DAY)]
    with pytest.raises(TargetError) as error:
        readings_import(rows=bad)
    assert str(error.value).splitlines() == [
        "第3行:“规模以上铜企业”的数值不能为负数。",
        "第5行:“规模以上铜企业”的数值不能为负数。",
        "第9行:没有编号为 99999 的目标。",
    ]
    assert not Reading.objects.exists()


@pytest.mark.django_db
def test_a_date_after_today_is_refused(policy):
    target = make_target(policy)
    late = [ReadingRow(2, target.pk, "1", timezone.localdate() + datetime.timedelta(2))]
    with pytest.raises(TargetError, match="第2行:读数的截至日期不能晚于今天。"):
        readings_import(rows=late)


@pytest.mark.django_db
def test_an_import_takes_the_same_queries_for_few_rows_or_many(policy):
    target = make_target(policy)
    counts = []
    for size in (3, 60):
        with CaptureQueriesContext(connection) as queries:
            readings_import(rows=rows(target, [str(n) for n in range(size)]))
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert Reading.objects.count() == 63
    assert list(Reading.objects.order_by("pk").values_list("value", flat=True)[:3]) == [
        Decimal(0),
        Decimal(1),
        Decimal(2),
    ]
