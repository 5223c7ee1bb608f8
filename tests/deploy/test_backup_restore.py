"""backup_portal and restore_portal: a backup restored into an empty
database and an empty MEDIA_ROOT gives back every row (reports, audit
records, everything else) and every uploaded file byte for byte; restore
refuses a database that holds tables and a backup that does not match its
manifest.

Runs on the database the suite runs on: pg_dump/pg_restore on PostgreSQL,
SQLite's backup API on SQLite. The data is committed (transactional
tests), since pg_dump reads it from another session.
"""

import hashlib
import io
import json
import os
import stat
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from dispatch.models import Evidence, ProgressReport
from dispatch.services import evidence_add, report_transition
from tests.conftest import fill

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def portal_data(policy, period, users, media):
    """Reports with evidence, one of them submitted; the audit app, where
    installed, has recorded all of it."""
    reporter = users["reporter"]
    reports = ProgressReport.objects.filter(
        period=period, department=reporter.department
    ).order_by("task__number")
    submitted, draft = reports[0], reports[1]
    fill(submitted, reporter)
    evidence_add(
        report=submitted,
        upload=SimpleUploadedFile("培训签到表.pdf", PDF),
        actor=reporter,
    )
    report_transition(report=submitted, action="submit", actor=reporter)
    fill(draft, reporter, progress="本月完成鉴定 120 人。")
    evidence_add(
        report=draft, upload=SimpleUploadedFile("现场照片.png", PNG), actor=reporter
    )
    return {"培训签到表.pdf": PDF, "现场照片.png": PNG}


@pytest.fixture
def empty_database(tmp_path):
    """The DATABASE_URL of a new database with no table: on PostgreSQL one
    created beside the test database, on SQLite a new file."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    params = connection.settings_dict
    name = f"{params['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    user = quote(params["USER"] or "")
    password = f":{quote(str(params['PASSWORD']))}" if params["PASSWORD"] else ""
    port = f":{params['PORT']}" if params["PORT"] else ""
    yield f"postgres://{user}{password}@{params['HOST']}{port}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(database_url: str, media_root: Path, *args: str):
    """manage.py as an operator runs it, on another database and
    MEDIA_ROOT."""
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media_root)}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def table_count(database_url: str, tmp_path: Path) -> int:
    result = manage(
        database_url,
        tmp_path / "unused",
        "shell",
        "-c",
        "from django.db import connection;"
        "print(len(connection.introspection.table_names()))",
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout.split()[-1])


def dump(database_url: str | None = None, tmp_path: Path | None = None) -> list:
    """Every row of every table, as dumpdata writes them (by model, then
    primary key): of the test database, or of ``database_url``."""
    if database_url is None:
        out = io.StringIO()
        call_command("dumpdata", stdout=out)
        return json.loads(out.getvalue())
    result = manage(database_url, tmp_path / "unused", "dumpdata")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_backup_restored_into_an_empty_database_has_every_row_and_file(
    portal_data, empty_database, tmp_path
):
    call_command("backup_portal", output=tmp_path / "backup", stdout=io.StringIO())
    restored_media = tmp_path / "restored-media"

    result = manage(
        empty_database, restored_media, "restore_portal", tmp_path / "backup"
    )

    assert result.returncode == 0, result.stderr
    assert "恢复完成" in result.stdout
    original = dump()
    assert dump(empty_database, tmp_path) == original
    # The rows the control is about, by name, so that none can be missing
    # from both sides unnoticed.
    models = Counter(row["model"] for row in original)
    assert models["dispatch.progressreport"] > 0
    assert models["dispatch.evidence"] == 2
    if apps.is_installed("audit"):
        assert models["audit.auditevent"] > 0
    states = {
        row["fields"]["state"]
        for row in original
        if row["model"] == "dispatch.progressreport"
    }
    assert states >= {"draft", "submitted"}
    for evidence in Evidence.objects.all():
        restored = (restored_media / evidence.file.name).read_bytes()
        assert restored == portal_data[evidence.original_name]
        assert hashlib.sha256(restored).hexdigest() == evidence.sha256
    # Sequences come back too: a new row takes the next free id.
    created = manage(
        empty_database,
        restored_media,
        "shell",
        "-c",
        "from tasks.models import Department;"
        "Department.objects.create(name='恢复后新增部门', full_name='恢复后新增部门',"
        " kind='city')",
    )
    assert created.returncode == 0, created.stderr


def test_the_manifest_holds_each_part_hash_the_migrations_and_the_time(
    portal_data, tmp_path
):
    call_command("backup_portal", output=tmp_path / "backup", stdout=io.StringIO())

    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    for name, part in manifest["parts"].items():
        data = (tmp_path / "backup" / name).read_bytes()
        assert part["sha256"] == hashlib.sha256(data).hexdigest()
    assert set(manifest["parts"]) == {
        "media.tar.gz",
        "database.dump" if connection.vendor == "postgresql" else "database.sqlite3",
    }
    applied = MigrationRecorder(connection).applied_migrations()
    latest = {app: max(n for a, n in applied if a == app) for app, _ in applied}
    assert manifest["migrations"] == dict(sorted(latest.items()))
    assert manifest["media_files"] == 2
    assert manifest["missing_files"] == []
    assert manifest["created_at"].endswith("+08:00")


def test_restore_refuses_a_database_that_is_not_empty(portal_data, tmp_path):
    call_command("backup_portal", output=tmp_path / "backup", stdout=io.StringIO())
    reports = ProgressReport.objects.count()

    with pytest.raises(CommandError, match="不是空库"):
        call_command("restore_portal", tmp_path / "backup")

    assert ProgressReport.objects.count() == reports


def test_restore_refuses_a_backup_that_does_not_match_its_manifest(
    media, empty_database, tmp_path
):
    backup = tmp_path / "backup"
    call_command("backup_portal", output=backup, stdout=io.StringIO())
    part = backup / "media.tar.gz"
    data = bytearray(part.read_bytes())
    data[-1] ^= 0xFF
    part.write_bytes(bytes(data))

    result = manage(
        empty_database,
        tmp_path / "restored-media",
        "restore_portal",
        backup,
    )

    assert result.returncode != 0
    assert "备份文件“media.tar.gz”的 sha256 与清单不符" in result.stderr
    assert table_count(empty_database, tmp_path) == 0


def test_restore_refuses_a_media_root_that_holds_files(media, empty_database, tmp_path):
    backup = tmp_path / "backup"
    call_command("backup_portal", output=backup, stdout=io.StringIO())
    (tmp_path / "restored-media").mkdir()
    (tmp_path / "restored-media" / "old.pdf").write_bytes(PDF)

    result = manage(
        empty_database,
        tmp_path / "restored-media",
        "restore_portal",
        backup,
    )

    assert result.returncode != 0
    assert "MEDIA_ROOT" in result.stderr
    assert table_count(empty_database, tmp_path) == 0


def test_backup_refuses_a_directory_that_is_not_empty(media, tmp_path):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "manifest.json").write_text("{}")

    with pytest.raises(CommandError, match="不是空目录"):
        call_command("backup_portal", output=tmp_path / "backup")


@pytest.fixture
def open_umask():
    """The usual umask, under which new files are readable by every local
    user; restored afterwards."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.mark.parametrize("folder_exists", [False, True])
def test_a_backup_is_readable_by_its_owner_only_whatever_the_umask(
    portal_data, tmp_path, open_umask, folder_exists
):
    backup = tmp_path / "backup"
    if folder_exists:
        backup.mkdir(mode=0o755)

    call_command("backup_portal", output=backup, stdout=io.StringIO())

    assert stat.S_IMODE(backup.stat().st_mode) == 0o700
    entries = sorted(backup.rglob("*"))
    assert {entry.name for entry in entries} >= {"manifest.json", "media.tar.gz"}
    modes = {entry.name: stat.S_IMODE(entry.stat().st_mode) for entry in entries}
    assert modes == dict.fromkeys(modes, 0o600)
