"""The hash chain: verify_audit passes on an intact trail, names the row
where one was altered or removed, and archiving leaves a chain that still
verifies together with a file that verifies on its own. The attacks of
someone who can write to the database (rows cut from the end, a stretch
rewritten, the table emptied) are in test_tampering.py."""

import datetime
import gzip
import json
from contextlib import contextmanager
from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent, row_hash
from audit.services import audit_record, months_before
from tests.audit.conftest import only_event


def verify(*args) -> str:
    out = StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def record(n: int, **extra) -> list[AuditEvent]:
    return [
        audit_record(
            action="report.save",
            object_repr=f"报告{i}",
            after={"progress": f"第{i}稿", "completion": i},
            **extra,
        )
        for i in range(n)
    ]


@contextmanager
def trigger_disabled():
    """Tampering as someone with the database owner's rights would; on
    PostgreSQL that means switching the trigger off first. The test's
    transaction rolls all of it back."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute(
                "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_protect"
            )
        yield cursor
        if postgres:
            cursor.execute(
                "ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_protect"
            )


def clock(moment: datetime.datetime):
    """Records written while this is open carry ``moment`` as their time."""
    return mock.patch.object(timezone, "now", return_value=moment)


@pytest.mark.django_db
def test_an_intact_chain_verifies():
    events = record(5)
    assert events[0].prev_hash == ""
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert verify().splitlines()[0] == "审计日志校验通过:5 条"


@pytest.mark.django_db
def test_an_empty_trail_verifies():
    assert "审计日志校验通过:0 条" in verify()


@pytest.mark.django_db
def test_the_stored_row_hashes_to_what_was_computed_before_saving():
    """Dates, JSON and addresses read back exactly as they were hashed."""
    event = audit_record(
        action="evidence.add",
        ip="2001:db8::1",
        after={"size": 12, "name": "签到表.pdf", "nested": {"b": [1, 2], "a": None}},
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.as_row() == event.as_row()
    assert row_hash(stored.as_row()) == stored.hash


@pytest.mark.django_db
def test_an_altered_row_is_detected_with_its_id():
    events = record(4)
    with trigger_disabled() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET after = %s WHERE id = %s",
            [json.dumps({"progress": "改过的", "completion": 2}), events[2].pk],
        )
    with pytest.raises(CommandError) as caught:
        verify()
    assert f"审计记录 #{events[2].pk} 的签名不符(已被改写)" in str(caught.value)


@pytest.mark.django_db
def test_an_altered_row_with_a_recomputed_hash_breaks_the_next_link():
    events = record(4)
    row = events[1].as_row()
    row["after"] = {"progress": "改过的", "completion": 1}
    forged = row_hash(row)
    with trigger_disabled() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET after = %s, hash = %s WHERE id = %s",
            [json.dumps(row["after"]), forged, events[1].pk],
        )
    with pytest.raises(CommandError) as caught:
        verify()
    # Even signed with the key, the row no longer matches what the next
    # one says came before it.
    message = str(caught.value)
    assert f"#{events[2].pk} 的前序哈希与 #{events[1].pk} 的哈希不符" in message


@pytest.mark.django_db
def test_a_deleted_middle_row_is_detected_at_the_next_one():
    events = record(5)
    with trigger_disabled() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    with pytest.raises(CommandError) as caught:
        verify()
    message = str(caught.value)
    assert f"审计记录 #{events[1].pk} 与 #{events[3].pk} 之间的记录缺失" in message


@pytest.mark.django_db
def test_deleting_the_first_rows_is_detected():
    events = record(3)
    with trigger_disabled() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[0].pk])
    with pytest.raises(CommandError, match=f"审计记录 #{events[1].pk} 之前的记录缺失"):
        verify()


@pytest.mark.django_db
def test_archive_moves_old_rows_to_a_verifiable_file(tmp_path):
    now = timezone.now()
    with clock(now - datetime.timedelta(days=240)):
        old = record(3)
    young = record(2)

    out = StringIO()
    call_command("archive_audit", "--output", str(tmp_path), stdout=out)

    files = list(tmp_path.iterdir())
    assert len(files) == 1
    assert "已归档 3 条审计记录" in out.getvalue()
    remaining = list(AuditEvent.objects.order_by("id"))
    assert [e.pk for e in remaining[:2]] == [e.pk for e in young]
    archived = only_event("audit.archive")
    assert archived.after["rows"] == 3
    assert archived.after["first_id"] == old[0].pk
    assert archived.after["last_id"] == old[-1].pk
    assert archived.after["last_hash"] == old[-1].hash == young[0].prev_hash
    assert archived.after["file"] == files[0].name

    rows = [
        json.loads(line) for line in gzip.decompress(files[0].read_bytes()).splitlines()
    ]
    assert [row["id"] for row in rows] == [e.pk for e in old]
    assert [row["hash"] for row in rows] == [e.hash for e in old]

    # What is left starts where the archive ends, and still verifies.
    assert "审计日志校验通过:3 条" in verify()
    report = verify("--archive", str(files[0]))
    assert "归档文件校验通过:3 条" in report
    assert f"归档记录 #{archived.pk}" in report


@pytest.mark.django_db
def test_rows_written_after_an_archive_keep_the_chain(tmp_path):
    with clock(timezone.now() - datetime.timedelta(days=400)):
        record(2)
    call_command("archive_audit", "--output", str(tmp_path), stdout=StringIO())
    record(2)
    assert "审计日志校验通过:3 条" in verify()


@pytest.mark.django_db
def test_archive_refuses_to_keep_less_than_six_months(tmp_path):
    with clock(timezone.now() - datetime.timedelta(days=400)):
        record(2)
    with pytest.raises(CommandError, match="至少保存 6 个月"):
        call_command("archive_audit", "--before-months", "5", "--output", str(tmp_path))
    assert AuditEvent.objects.count() == 2
    assert not list(tmp_path.iterdir())


@pytest.mark.django_db
def test_nothing_old_enough_leaves_everything_in_place(tmp_path):
    record(2)
    out = StringIO()
    call_command("archive_audit", "--output", str(tmp_path), stdout=out)
    assert "未归档" in out.getvalue()
    assert AuditEvent.objects.count() == 2
    assert not list(tmp_path.iterdir())


@pytest.mark.django_db
def test_an_edited_archive_file_fails_its_check(tmp_path):
    with clock(timezone.now() - datetime.timedelta(days=400)):
        record(3)
    call_command("archive_audit", "--output", str(tmp_path), stdout=StringIO())
    path = next(tmp_path.iterdir())
    rows = [
        json.loads(line) for line in gzip.decompress(path.read_bytes()).splitlines()
    ]
    rows[1]["after"]["progress"] = "改过的"
    path.write_bytes(
        gzip.compress(
            b"".join(
                json.dumps(row, ensure_ascii=False).encode() + b"\n" for row in rows
            )
        )
    )
    with pytest.raises(CommandError, match=f"审计记录 #{rows[1]['id']} 的签名不符"):
        verify("--archive", str(path))


@pytest.mark.django_db
def test_a_truncated_archive_file_does_not_match_its_record(tmp_path):
    with clock(timezone.now() - datetime.timedelta(days=400)):
        record(3)
    call_command("archive_audit", "--output", str(tmp_path), stdout=StringIO())
    path = next(tmp_path.iterdir())
    lines = gzip.decompress(path.read_bytes()).splitlines(keepends=True)
    shortened = tmp_path / "shortened.jsonl.gz"
    shortened.write_bytes(gzip.compress(b"".join(lines[:2])))
    out = verify("--archive", str(shortened))
    # Its own chain holds, but no archive record vouches for it.
    assert "归档文件校验通过:2 条" in out
    assert "无法确认文件完整" in out


def test_months_before_counts_calendar_months_in_shanghai():
    moment = datetime.datetime(2025, 8, 31, 1, 30, tzinfo=datetime.UTC)
    cutoff = months_before(moment, 6)
    # 09:30 on 31 August in Shanghai; February has 28 days in 2025.
    assert (cutoff.year, cutoff.month, cutoff.day, cutoff.hour) == (2025, 2, 28, 9)
