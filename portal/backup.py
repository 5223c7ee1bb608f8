"""Backups of the whole portal: its database and its uploaded files.

A backup is a directory of three parts: the database (``database.dump``,
pg_dump's custom format, or ``database.sqlite3``), the files under
MEDIA_ROOT (``media.tar.gz``) and ``manifest.json``, written last, with the
sha256 of each part, the latest migration of each app and the time.

The two parts agree with each other: on PostgreSQL pg_dump reads a snapshot
exported by a transaction that stays open while the files are archived, and
the files the database refers to are read from that same snapshot; on
SQLite the backup API copies the database and the references are read from
the copy. A file the snapshot refers to but the archive lacks (deleted
meanwhile) makes the backup start again; one that is still missing is named
in the manifest.
"""

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump and pg_restore, arguments as lists
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connections, models
from django.db.backends.postgresql.client import DatabaseClient
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

MANIFEST = "manifest.json"
MEDIA_PART = "media.tar.gz"
DATABASE_PARTS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
FORMAT = 1
ATTEMPTS = 3
PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600


class BackupError(Exception):
    """A backup or restore refused or failed; the message is in Chinese."""


@dataclass(frozen=True)
class Snapshot:
    """What the database part holds, as read from the same snapshot."""

    migrations: dict[str, str]
    files: set[str]
    server_version: str = ""
    dump_version: str = ""


def backup_create(*, output: Path, database: str = "default") -> dict:
    """Write a backup of the database ``database`` and of MEDIA_ROOT into
    ``output``, which must not exist or be empty; the manifest is
    returned."""
    if output.exists() and any(output.iterdir()):
        raise BackupError(f"备份目录“{output}”不是空目录,请指定新目录。")
    # The backup holds password hashes and every uploaded file: only the
    # portal's own user may read it, whatever the umask. The folder is
    # closed before anything is written into it, so no part is readable by
    # others even for a moment; the parts are then made 0600 themselves.
    output.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
    output.chmod(PRIVATE_FOLDER)
    connection = connections[database]
    vendor = connection.vendor
    if vendor not in DATABASE_PARTS:
        raise BackupError(f"不支持备份 {vendor} 数据库,只支持 PostgreSQL 和 SQLite。")
    database_part = output / DATABASE_PARTS[vendor]
    media_part = output / MEDIA_PART
    dump = _dump_postgresql if vendor == "postgresql" else _dump_sqlite
    for _attempt in range(ATTEMPTS):
        database_part.unlink(missing_ok=True)
        with dump(connection, database_part) as snapshot:
            archived = _archive_media(media_part)
        missing = sorted(snapshot.files - archived)
        if not missing:
            break
    manifest = {
        "format": FORMAT,
        "created_at": timezone.localtime().isoformat(timespec="seconds"),
        "database": {
            "vendor": vendor,
            "server_version": snapshot.server_version,
            "dump_version": snapshot.dump_version,
        },
        "migrations": snapshot.migrations,
        "parts": {
            path.name: {"sha256": _sha256(path), "size": path.stat().st_size}
            for path in (database_part, media_part)
        },
        "media_files": len(archived),
        "missing_files": missing,
    }
    for part in (database_part, media_part):
        part.chmod(PRIVATE_FILE)
    descriptor = os.open(
        output / MANIFEST, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE
    )
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        stream.write(json.dumps(manifest, ensure_ascii=False, indent=2))
    (output / MANIFEST).chmod(PRIVATE_FILE)
    return manifest


def backup_restore(*, source: Path, database: str = "default") -> dict:
    """Restore the backup in ``source`` into the database ``database``,
    which must hold no table, and into MEDIA_ROOT, which must hold no file.
    Every part is checked against the manifest before anything is
    written."""
    manifest = backup_verify(source=source)
    connection = connections[database]
    vendor = manifest["database"]["vendor"]
    if connection.vendor != vendor:
        raise BackupError(
            f"备份来自 {vendor} 数据库,当前数据库为 {connection.vendor},无法恢复。"
        )
    _check_migrations_known(manifest["migrations"])
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            f"目标数据库“{connection.settings_dict['NAME']}”不是空库(已有"
            f" {len(tables)} 张表)。恢复只写入空数据库,以免覆盖现有数据;"
            "请新建一个空数据库并指向它后再恢复。"
        )
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists() and any(p.is_file() for p in media_root.rglob("*")):
        raise BackupError(
            f"上传文件目录 MEDIA_ROOT(“{media_root}”)中已有文件。恢复只写入空目录,"
            "以免覆盖现有文件;请清空或改用新目录后再恢复。"
        )
    # The files are unpacked beside MEDIA_ROOT first and moved in once the
    # database is restored: a damaged archive stops the restore before the
    # database is touched, and a failed database restore leaves no files.
    media_root.parent.mkdir(parents=True, exist_ok=True)
    unpacked = Path(tempfile.mkdtemp(prefix=".restoring-", dir=media_root.parent))
    try:
        with tarfile.open(source / MEDIA_PART, "r:gz") as archive:
            archive.extractall(unpacked, filter="data")
        database_part = source / DATABASE_PARTS[vendor]
        if vendor == "postgresql":
            _restore_postgresql(connection, database_part, manifest)
        else:
            _restore_sqlite(connection, database_part)
        media_root.mkdir(exist_ok=True)
        for entry in unpacked.iterdir():
            shutil.move(entry, media_root / entry.name)
    finally:
        shutil.rmtree(unpacked, ignore_errors=True)
    return manifest


def backup_verify(*, source: Path) -> dict:
    """The manifest of the backup in ``source``, after checking that every
    part is there with the sha256 the manifest gives."""
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(
            f"目录“{source}”中没有 {MANIFEST},不是完整的备份(备份可能中途失败)。"
        ) from exc
    except (OSError, ValueError) as exc:
        raise BackupError(f"无法读取备份清单 {source / MANIFEST}:{exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份清单的格式版本“{manifest.get('format')}”无法识别。")
    vendor = manifest.get("database", {}).get("vendor")
    expected = {DATABASE_PARTS.get(vendor), MEDIA_PART}
    parts = manifest.get("parts", {})
    if set(parts) != expected:
        raise BackupError("备份清单列出的组成部分不完整,无法恢复。")
    for name, recorded in parts.items():
        path = source / name
        if not path.is_file():
            raise BackupError(f"备份缺少文件“{name}”,无法恢复。")
        if _sha256(path) != recorded["sha256"]:
            raise BackupError(
                f"备份文件“{name}”的 sha256 与清单不符,文件已损坏或被改动,拒绝恢复。"
            )
    return manifest


# -- PostgreSQL ----------------------------------------------------------------


@contextmanager
def _dump_postgresql(connection, path: Path) -> Iterator[Snapshot]:
    """pg_dump of a snapshot that a transaction of this process exports and
    keeps open until the caller has archived the files."""
    pg_dump = _client("pg_dump")
    dump_major, dump_version = _client_version(pg_dump)
    server_major = connection.pg_version // 10000
    if dump_major < server_major:
        raise BackupError(
            f"pg_dump 版本 {dump_version} 低于数据库服务器版本 {server_major},"
            f"请安装 postgresql-client-{server_major}。"
        )
    reader = connection.copy()
    try:
        reader.ensure_connection()
        reader.set_autocommit(False)
        with reader.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute(
                "SELECT pg_export_snapshot(), current_setting('server_version')"
            )
            snapshot_id, server_version = cursor.fetchone()
            _run(
                [
                    pg_dump,
                    "--format=custom",
                    f"--snapshot={snapshot_id}",
                    "--file",
                    path,
                ],
                connection,
            )
            yield Snapshot(
                migrations=_latest_migrations(cursor),
                files=_referenced_files(cursor),
                server_version=server_version,
                dump_version=dump_version,
            )
    finally:
        reader.rollback()
        reader.close()


def _restore_postgresql(connection, path: Path, manifest: dict) -> None:
    pg_restore = _client("pg_restore")
    restore_major, restore_version = _client_version(pg_restore)
    dumped = manifest["database"]["dump_version"]
    if restore_major < int(dumped.split(".")[0]):
        raise BackupError(
            f"pg_restore 版本 {restore_version} 低于生成备份的 pg_dump {dumped},"
            "无法读取该备份。"
        )
    connection.close()
    # Owned by the role the portal connects as; one transaction, so that a
    # failed restore leaves the database empty.
    _run(
        [
            pg_restore,
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            connection.settings_dict["NAME"],
            path,
        ],
        connection,
    )


def _client(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"找不到 {name}。请安装与数据库服务器同一大版本的 PostgreSQL 客户端"
            "(如 postgresql-client-15),或把它所在的目录加入 PATH。"
        )
    return found


def _client_version(executable: str) -> tuple[int, str]:
    output = subprocess.run(  # noqa: S603
        [executable, "--version"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"(\d+)(?:\.(\d+))?", output)
    if match is None:
        raise BackupError(f"无法识别 {executable} 的版本:{output.strip()}")
    return int(match.group(1)), match.group(0)


def _run(command: list, connection) -> None:
    """A PostgreSQL client run against ``connection``'s database, its
    password passed in the environment, not on the command line."""
    params = connection.settings_dict
    _args, env = DatabaseClient.settings_to_cmd_args_env(params, [])
    env = {**os.environ, **(env or {})}
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGDATABASE", "NAME"),
    ):
        if params.get(key):
            env[variable] = str(params[key])
    result = subprocess.run(  # noqa: S603
        [str(part) for part in command], env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        name = Path(str(command[0])).name
        raise BackupError(f"{name} 执行失败:{result.stderr.strip()}")


# -- SQLite --------------------------------------------------------------------


@contextmanager
def _dump_sqlite(connection, path: Path) -> Iterator[Snapshot]:
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as copy:
        connection.connection.backup(copy)
        cursor = copy.cursor()
        yield Snapshot(
            migrations=_latest_migrations(cursor),
            files=_referenced_files(cursor),
            server_version=sqlite3.sqlite_version,
        )


def _restore_sqlite(connection, path: Path) -> None:
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as backup:
        backup.backup(connection.connection)


# -- shared --------------------------------------------------------------------


def _latest_migrations(cursor) -> dict[str, str]:
    cursor.execute("SELECT app, name FROM django_migrations")
    latest: dict[str, str] = {}
    for app, name in cursor.fetchall():
        latest[app] = max(latest.get(app, name), name)
    return dict(sorted(latest.items()))


def _referenced_files(cursor) -> set[str]:
    """The names, relative to MEDIA_ROOT, of every file a FileField of the
    snapshot refers to."""
    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                table = model._meta.db_table
                cursor.execute(
                    f'SELECT "{field.column}" FROM "{table}"'  # noqa: S608
                    f" WHERE \"{field.column}\" <> ''"
                )
                names.update(name for (name,) in cursor.fetchall())
    return names


def _archive_media(path: Path) -> set[str]:
    """Every regular file under MEDIA_ROOT into ``path``; their names."""
    root = Path(settings.MEDIA_ROOT)
    names: set[str] = set()
    with tarfile.open(path, "w:gz") as archive:
        files = sorted(root.rglob("*")) if root.is_dir() else []
        for file in files:
            if file.is_file() and not file.is_symlink():
                name = file.relative_to(root).as_posix()
                archive.add(file, arcname=name, recursive=False)
                names.add(name)
    return names


def _check_migrations_known(migrations: dict[str, str]) -> None:
    """Refuse a backup made by a newer version of the portal, whose schema
    this code cannot migrate."""
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = [
        f"{app}.{name}" for app, name in migrations.items() if (app, name) not in known
    ]
    if unknown:
        raise BackupError(
            "备份中的数据库结构包含当前代码没有的迁移("
            + "、".join(unknown)
            + "),应使用生成备份时的版本恢复。"
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()
