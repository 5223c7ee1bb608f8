"""Checking the hash chain, in the database and in archive files."""

import gzip
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .models import HASHED_FIELDS, AuditAction, AuditEvent, row_hash


class ChainBroken(Exception):
    """The first place where the chain does not hold, in Chinese."""


@dataclass(frozen=True)
class ChainResult:
    rows: int
    first_prev_hash: str
    last_hash: str


def verify_rows(rows: Iterable[dict], *, anchors: set[str] | None) -> ChainResult:
    """Check each row's hash against its fields and its ``prev_hash``
    against the row before. The first row's ``prev_hash`` must be one of
    ``anchors`` (the start of the chain, or the end of an archive); None
    accepts any, for an archive file read on its own."""
    count, first_prev, previous = 0, "", None
    for row in rows:
        if previous is None:
            first_prev = row["prev_hash"]
            if anchors is not None and row["prev_hash"] not in anchors:
                raise ChainBroken(
                    f"第一条记录(id={row['id']})的前序哈希既不是链的起点,"
                    "也不是任何归档文件的末条哈希:其前的记录可能被删除。"
                )
        elif row["prev_hash"] != previous["hash"]:
            raise ChainBroken(
                f"记录 id={row['id']} 的前序哈希与上一条记录 id={previous['id']} "
                "的哈希不符:两者之间的记录可能被删除,或上一条记录被改动。"
            )
        if row_hash(row) != row["hash"]:
            raise ChainBroken(
                f"记录 id={row['id']} 的内容与其哈希不符:该记录可能被修改。"
            )
        count += 1
        previous = row
    return ChainResult(count, first_prev, previous["hash"] if previous else "")


def database_verify() -> ChainResult:
    """The whole chain in the database, in order of id."""
    archives = AuditEvent.objects.filter(action=AuditAction.AUDIT_ARCHIVE)
    anchors = {""} | {
        after.get("last_hash", "")
        for after in archives.values_list("after", flat=True)
        if isinstance(after, dict)
    }
    events = AuditEvent.objects.order_by("id").iterator(chunk_size=2000)
    try:
        return verify_rows((event.as_row() for event in events), anchors=anchors)
    finally:
        # On a break the rows are left unread: close the server-side cursor
        # now, not whenever the generator happens to be collected.
        events.close()


@dataclass(frozen=True)
class ArchiveCheck:
    chain: ChainResult
    sha256: str
    # The audit.archive record that names this file, if the database has it.
    record: AuditEvent | None


def archive_verify(path: Path) -> ArchiveCheck:
    """An archive file's own chain, and the record of its digest."""
    try:
        data = Path(path).read_bytes()
        lines = gzip.decompress(data).decode().splitlines()
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise ChainBroken(f"无法读取归档文件“{path}”:{exc}") from exc
    rows = []
    for number, line in enumerate(lines, start=1):
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ChainBroken(
                f"归档文件“{path}”第 {number} 行不是有效的 JSON。"
            ) from exc
        if not isinstance(row, dict):
            raise ChainBroken(f"归档文件“{path}”第 {number} 行不是一条记录。")
        missing = {"id", "prev_hash", "hash", *HASHED_FIELDS} - set(row)
        if missing:
            raise ChainBroken(
                f"归档文件“{path}”第 {number} 行缺少字段:" + "、".join(sorted(missing))
            )
        rows.append(row)
    chain = verify_rows(rows, anchors=None)
    digest = hashlib.sha256(data).hexdigest()
    record = (
        AuditEvent.objects.filter(
            action=AuditAction.AUDIT_ARCHIVE, after__sha256=digest
        )
        .order_by("id")
        .first()
    )
    if record is not None and (
        record.after.get("rows") != chain.rows
        or record.after.get("last_hash") != chain.last_hash
    ):
        raise ChainBroken(
            f"归档文件“{path}”与归档记录 id={record.pk} 所记的条数或末条哈希不符。"
        )
    return ArchiveCheck(chain, digest, record)
