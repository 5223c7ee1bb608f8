"""What someone who can write to the database can do to the audit trail,
and how verify_audit names it: rows cut from the end, a stretch rewritten
with recomputed hashes, the table emptied, rows deleted under a forged
archive record. The trigger's refusals are PostgreSQL's; the detection
(HMAC under a key kept out of the database, checkpoints kept out of it)
holds on both databases.

Records are written inside ``committed`` as if each transaction had
committed, so that their checkpoints are appended; the test's own
transaction still rolls every row back."""

import datetime
import hashlib
import io
import json
import os
import stat
from contextlib import contextmanager, suppress
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from audit import checkpoints, signing
from audit.models import HASHED_FIELDS, AuditEvent, row_hash
from tests.audit.test_chain import clock, record
from tests.deploy import test_backup_restore as backups
from tests.deploy.test_backup_restore import manage
from tests.deploy.test_check_deploy import manage as manage_with
from tests.deploy.test_check_deploy import production

# The backup tests' fixtures: their data, and an empty database beside.
media = backups.media
portal_data = backups.portal_data
empty_database = backups.empty_database

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the trigger exists on PostgreSQL only; SQLite relies on detection",
)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def write(n: int, **extra) -> list[AuditEvent]:
        with django_capture_on_commit_callbacks(execute=True):
            return record(n, **extra)

    return write


@contextmanager
def as_owner():
    """The table's owner can switch its triggers off; a session that can
    merely write to it cannot. The test's transaction rolls it back."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        yield cursor
        if postgres:
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")


def verify(*args) -> str:
    out = StringIO()
    call_command("verify_audit", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def failure() -> str:
    with pytest.raises(CommandError) as caught:
        verify()
    return str(caught.value)


def when(event: AuditEvent) -> str:
    return f"{timezone.localtime(event.at):%Y-%m-%d %H:%M:%S}"


def unkeyed(row: dict) -> str:
    """The chain's hash as it was before the key: plain sha256."""
    fields = {name: row[name] for name in HASHED_FIELDS}
    canonical = json.dumps(
        fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256((row["prev_hash"] + canonical).encode()).hexdigest()


def guessed_key(row: dict) -> str:
    return row_hash(row, key=b"a key that is not the chain's")


def rewrite_from(events: list[AuditEvent], first: int, forge) -> None:
    """Each row from ``events[first]`` on altered, and its hash and the next
    row's link recomputed with ``forge``, so that the links all hold."""
    prev_hash = events[first].prev_hash
    with as_owner() as cursor:
        for event in events[first:]:
            row = AuditEvent.objects.get(pk=event.pk).as_row()
            row.update(prev_hash=prev_hash, object_repr="改写后的" + row["object_repr"])
            forged = forge(row)
            cursor.execute(
                "UPDATE audit_auditevent SET object_repr = %s, prev_hash = %s,"
                " hash = %s WHERE id = %s",
                [row["object_repr"], prev_hash, forged, event.pk],
            )
            prev_hash = forged


# -- Normal use ----------------------------------------------------------------


@pytest.mark.django_db
def test_each_committed_record_leaves_a_checkpoint_and_the_trail_verifies(
    committed,
):
    events = committed(3)
    lines = checkpoints.log_path().read_text().splitlines()
    assert [line.split()[:2] for line in lines] == [[str(e.pk), e.hash] for e in events]
    out = verify()
    assert out.splitlines()[0] == "审计日志校验通过:3 条"
    latest = f"最近检查点 #{events[-1].pk} 于 {when(events[-1])}"
    assert f"已核对检查点 3 个({latest})" in out


@pytest.mark.django_db
def test_a_rolled_back_record_leaves_no_checkpoint(
    committed, django_capture_on_commit_callbacks
):
    committed(2)
    with (
        django_capture_on_commit_callbacks(execute=True),
        suppress(RuntimeError),
        transaction.atomic(),
    ):
        record(1)
        raise RuntimeError("the change failed, and its record with it")
    assert len(checkpoints.log_path().read_text().splitlines()) == 2
    assert verify().splitlines()[0] == "审计日志校验通过:2 条"


@pytest.mark.django_db
def test_a_checkpoint_that_cannot_be_written_is_logged_and_the_change_stands(
    committed, settings, tmp_path, caplog
):
    """The record is committed with its change before the checkpoint is
    appended; failing then would report an error for a change that
    happened."""
    (tmp_path / "not-a-folder").write_text("")
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "not-a-folder"

    events = committed(1)

    assert AuditEvent.objects.filter(pk=events[0].pk).exists()
    assert "审计检查点写入失败" in caplog.text
    assert f"记录 #{events[0].pk}" in caplog.text


@pytest.mark.django_db
def test_rows_are_signed_with_the_chain_key_not_a_plain_hash():
    event = record(1)[0]
    assert event.hash == row_hash(event.as_row(), key=signing.chain_key())
    assert event.hash != unkeyed(event.as_row())


@pytest.mark.django_db
def test_another_key_fails_every_row(settings):
    record(2)
    settings.AUDIT_CHAIN_KEY = "x" * 40
    assert "审计记录 #" in failure()


@pytest.mark.django_db
def test_a_legitimate_archive_run_still_verifies_against_the_checkpoints(
    committed, django_capture_on_commit_callbacks, tmp_path
):
    with clock(timezone.now() - datetime.timedelta(days=240)):
        committed(3)
    young = committed(2)
    (tmp_path / "archive").mkdir()
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "archive_audit", "--output", str(tmp_path / "archive"), stdout=StringIO()
        )

    out = verify()

    # The archived rows' checkpoints are accounted for by the archive record.
    assert out.splitlines()[0] == "审计日志校验通过:3 条"
    assert "已核对检查点 6 个" in out
    assert AuditEvent.objects.order_by("id").first().pk == young[0].pk


@pytest.mark.django_db
def test_a_second_archive_that_takes_the_first_archive_record_still_verifies(
    committed, django_capture_on_commit_callbacks, tmp_path
):
    """The first run's record, archived by the second, no longer vouches
    for the rows it took; the second run's record does."""
    now = timezone.now()
    (tmp_path / "archive").mkdir()

    def archive():
        with django_capture_on_commit_callbacks(execute=True):
            call_command(
                "archive_audit",
                "--output",
                str(tmp_path / "archive"),
                stdout=StringIO(),
            )

    with clock(now - datetime.timedelta(days=500)):
        committed(2)
    with clock(now - datetime.timedelta(days=300)):
        archive()
    with clock(now - datetime.timedelta(days=250)):
        committed(1)
    archive()

    out = verify()

    assert AuditEvent.objects.count() == 1
    assert out.splitlines()[0] == "审计日志校验通过:1 条"
    assert "已核对检查点 5 个" in out


@pytest.mark.django_db
def test_a_database_without_checkpoints_gets_its_end_anchored_by_verify(
    committed,
):
    """As after a restore: the restored database has no log of its own."""
    events = record(3)  # never committed, so no checkpoint
    assert not checkpoints.log_path().exists()
    out = verify()
    assert "没有找到本数据库的检查点文件" in out
    assert f"已把末条记录 #{events[-1].pk} 记为本数据库的第一个检查点" in out

    with as_owner() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    assert f"审计记录 #{events[-1].pk} 缺失,共 1 条" in failure()


# -- Rows cut from the end -------------------------------------------------------


@postgres_only
@pytest.mark.django_db
def test_the_archive_switch_does_not_let_a_session_delete_the_newest_rows(
    committed,
):
    events = committed(5)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL audit.allow_archive = 'on'")
        cursor.execute("DELETE FROM audit_auditevent WHERE id >= %s", [events[3].pk])
    assert AuditEvent.objects.count() == 5


@pytest.mark.django_db
def test_deleting_the_newest_rows_names_them_and_the_last_checkpoint(committed):
    events = committed(6)
    with as_owner() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id >= %s", [events[3].pk])

    message = failure()

    assert (
        f"审计记录 #{events[3].pk}–#{events[5].pk} 缺失,共 3 条"
        f"(最近检查点 #{events[5].pk} 于 {when(events[5])})"
    ) in message


@pytest.mark.django_db
def test_newest_rows_deleted_then_new_ones_written_are_still_reported(committed):
    """The chain itself holds: the next record links to the new last row."""
    events = committed(5)
    with as_owner() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id >= %s", [events[3].pk])
    later = committed(2)
    assert later[0].prev_hash == events[2].hash

    message = failure()

    assert f"审计记录 #{events[3].pk}–#{events[4].pk} 缺失,共 2 条" in message
    assert f"#{later[0].pk}" not in message


# -- A stretch rewritten ---------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("forge", [unkeyed, guessed_key], ids=["unkeyed", "guessed"])
def test_rows_rewritten_from_an_id_on_with_recomputed_hashes_are_named(
    committed, forge
):
    events = committed(6)
    rewrite_from(events, 2, forge)

    message = failure()

    assert f"审计记录 #{events[2].pk}–#{events[5].pk} 的签名不符(已被改写)" in message
    # The links hold: nothing else is wrong, and nothing said twice.
    assert message.count("\n- ") == 1


@pytest.mark.django_db
def test_a_rewrite_signed_with_a_leaked_key_is_caught_by_the_checkpoints(
    committed,
):
    events = committed(5)
    rewrite_from(events, 3, row_hash)

    message = failure()

    assert (
        f"审计记录 #{events[3].pk}–#{events[4].pk} 与检查点记下的哈希不符(已被改写"
    ) in message
    assert "签名不符" not in message


# -- The table emptied -----------------------------------------------------------


@postgres_only
@pytest.mark.django_db
def test_truncate_is_refused_even_with_the_archive_switch(committed):
    committed(2)
    with (
        pytest.raises(DatabaseError, match="TRUNCATE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL audit.allow_archive = 'on'")
        cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.count() == 2


@pytest.mark.django_db
def test_an_emptied_table_is_reported_with_what_it_held(committed):
    events = committed(4)
    with as_owner() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE audit_auditevent")
        else:
            cursor.execute("DELETE FROM audit_auditevent")

    message = failure()

    assert (
        f"审计表被清空:数据库中没有任何审计记录,而检查点记有 4 条"
        f"(#{events[0].pk}–#{events[3].pk},最近检查点 #{events[3].pk} 于 "
        f"{when(events[3])})"
    ) in message


# -- Deleting under a forged archive record ------------------------------------


@pytest.mark.django_db
def test_a_forged_archive_record_does_not_account_for_the_rows_it_names(
    committed,
):
    """A session cannot sign an archive record; the trigger lets the
    delete through on the record's word, verify_audit does not."""
    events = committed(4)
    fake = AuditEvent(
        action="audit.archive",
        at=timezone.now(),
        prev_hash=events[3].hash,
        after={
            "first_id": events[0].pk,
            "last_id": events[1].pk,
            "rows": 2,
            "last_hash": events[1].hash,
        },
    )
    fake.hash = guessed_key(fake.as_row())
    fake.save(force_insert=True)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL audit.allow_archive = 'on'")
        cursor.execute("DELETE FROM audit_auditevent WHERE id <= %s", [events[1].pk])

    message = failure()

    assert f"审计记录 #{fake.pk} 的签名不符(已被改写)" in message
    assert f"审计记录 #{events[2].pk} 之前的记录缺失" in message
    assert f"审计记录 #{events[0].pk}–#{events[1].pk} 缺失,共 2 条" in message


# -- The key -------------------------------------------------------------------


def test_the_development_key_is_made_once_and_read_back_after_a_restart(tmp_path):
    path = tmp_path / "var" / "audit-chain.key"
    key = signing._development_key(path)
    signing._file_keys.clear()  # as a new process would
    assert signing._development_key(path) == key
    assert len(key) >= 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["audit-chain.key"]


@pytest.mark.parametrize("chain_key", ["", "short", "same-as-secret"])
def test_production_refuses_to_start_without_its_own_audit_chain_key(
    tmp_path, chain_key
):
    env = production(tmp_path)
    env["AUDIT_CHAIN_KEY"] = env["SECRET_KEY"] if chain_key == "same-as-secret" else ""
    if chain_key == "short":
        env["AUDIT_CHAIN_KEY"] = "k" * 31

    result = manage_with(env, "check")

    assert result.returncode != 0
    assert "AUDIT_CHAIN_KEY" in result.stderr


# -- Backup and restore ----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_verifies_and_anchors_its_own_end(
    portal_data, empty_database, tmp_path
):
    """The restored database is another database: it starts a checkpoint
    log of its own from the backup's last record, while the original's log
    stays the original's."""
    assert verify().splitlines()[0].startswith("审计日志校验通过")
    call_command("backup_portal", output=tmp_path / "backup", stdout=io.StringIO())
    restored_media = tmp_path / "restored-media"
    restored = manage(
        empty_database, restored_media, "restore_portal", tmp_path / "backup"
    )
    assert restored.returncode == 0, restored.stderr

    first = manage(empty_database, restored_media, "verify_audit")
    second = manage(empty_database, restored_media, "verify_audit")

    rows = AuditEvent.objects.count()
    last = AuditEvent.objects.order_by("id").last()
    assert first.returncode == 0, first.stderr
    assert f"审计日志校验通过:{rows} 条" in first.stdout
    assert f"已把末条记录 #{last.pk} 记为本数据库的第一个检查点" in first.stdout
    assert second.returncode == 0, second.stderr
    assert f"已核对检查点 1 个(最近检查点 #{last.pk} 于 {when(last)})" in second.stdout
    assert "已核对检查点" in verify()


# -- Upgrading a trail hashed before the key -------------------------------------


@pytest.mark.django_db(transaction=True)
def test_rows_hashed_before_the_key_are_signed_by_the_migration():
    before = [("audit", "0002_protect_on_postgresql")]
    after = [("audit", "0003_anchor_chain_outside_database")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("audit", "AuditEvent")
    prev_hash = ""
    for number in range(3):
        event = old(
            at=timezone.now(),
            action="report.save",
            object_repr=f"报告{number}",
            after={"completion": number},
            prev_hash=prev_hash,
        )
        row = {name: getattr(event, name) for name in HASHED_FIELDS}
        row.update(
            at=event.at.astimezone(datetime.UTC).isoformat(), prev_hash=prev_hash
        )
        event.hash = prev_hash = unkeyed(row)
        event.save(force_insert=True)

    MigrationExecutor(connection).migrate(after)

    assert verify().splitlines()[0] == "审计日志校验通过:3 条"
    first = AuditEvent.objects.order_by("id").first()
    assert first.hash == row_hash(first.as_row())
