"""Checkpoints of the audit chain, kept outside the database.

Once a transaction holding audit records has committed, each record's id,
hash and time are appended to a log file under AUDIT_CHECKPOINT_DIR. The
database's users cannot reach that file, so rows cut from the end of the
chain, or the whole table emptied, still leave their checkpoints behind for
``verify_audit`` to name.

There is one log per database, named from its connection settings and from
what the server says about the database itself (on PostgreSQL its oid, on
SQLite the file's inode): a database restored from a backup, or created
afresh, is another database and starts a log of its own, while one whose
table was emptied keeps its log. Lines are appended with O_APPEND and no
fsync: a crash can lose the last lines (the rows then merely have no
checkpoint), never add a line for a row that was not committed.
"""

import datetime
import hashlib
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

# Log file names by database, worked out once per process.
_names: dict[tuple, str] = {}


@dataclass(frozen=True)
class Checkpoint:
    id: int
    hash: str
    at: datetime.datetime
    line: int


@dataclass
class CheckpointLog:
    path: Path
    exists: bool
    # The last checkpoint of each id; ``conflicts`` names the ids logged
    # with two different hashes.
    entries: dict[int, Checkpoint] = field(default_factory=dict)
    conflicts: set[int] = field(default_factory=set)
    unreadable: list[int] = field(default_factory=list)


def log_path(using: str = "default") -> Path:
    """The checkpoint log of the database ``using``."""
    connection = connections[using]
    params = connection.settings_dict
    key = (
        using,
        connection.vendor,
        params.get("HOST"),
        params.get("PORT"),
        str(params["NAME"]),
    )
    name = _names.get(key)
    if name is None:
        name = _names[key] = _log_name(connection)
    return Path(settings.AUDIT_CHECKPOINT_DIR) / name


def append(*, event_id: int, hash: str, at: str, using: str = "default") -> None:
    """One line for a committed record."""
    append_many([(event_id, hash, at)], using=using)


def append_many(entries: list[tuple[int, str, str]], using: str = "default") -> None:
    """One line for each committed record (id, hash, time), in one write.
    A failure is logged, not raised: the records are already committed,
    and their changes with them."""
    if not entries:
        return
    path = log_path(using)
    data = "".join(f"{event_id} {hash} {at}\n" for event_id, hash, at in entries)
    data = memoryview(data.encode())
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            while data:
                data = data[os.write(descriptor, data) :]
        finally:
            os.close(descriptor)
    except OSError:
        first, last = entries[0][0], entries[-1][0]
        span = f"#{first}" if first == last else f"#{first}–#{last}"
        logger.exception("审计检查点写入失败:%s(记录 %s)", path, span)


def read(path: Path) -> CheckpointLog:
    log = CheckpointLog(path=path, exists=path.is_file())
    if not log.exists:
        return log
    with path.open(encoding="ascii", errors="replace") as lines:
        for number, text in enumerate(lines, start=1):
            try:
                event_id, hash, at = text.split()
                checkpoint = Checkpoint(
                    int(event_id), hash, datetime.datetime.fromisoformat(at), number
                )
            except ValueError:
                # A line cut short by a crash, most likely the last one.
                log.unreadable.append(number)
                continue
            earlier = log.entries.get(checkpoint.id)
            if earlier is not None and earlier.hash != checkpoint.hash:
                log.conflicts.add(checkpoint.id)
            log.entries[checkpoint.id] = checkpoint
    return log


def _log_name(connection) -> str:
    params = connection.settings_dict
    name = str(params["NAME"])
    identity = [connection.vendor, str(params.get("HOST") or ""), name]
    identity.append(str(params.get("PORT") or ""))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT oid FROM pg_database WHERE datname = current_database()"
            )
            identity.append(str(cursor.fetchone()[0]))
    elif connection.vendor == "sqlite" and Path(name).is_file():
        file = Path(name).resolve()
        identity += [str(file), str(file.stat().st_ino)]
    digest = hashlib.sha256("\0".join(identity).encode()).hexdigest()[:12]
    label = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(name).name)[:40]
    return f"{connection.vendor}-{label}-{digest}.log"
