"""Checking the audit trail: the chain in the database, the checkpoints
kept outside it, and archive files.

Three things together show every tampering: each row's HMAC (a row altered,
or a stretch rewritten with hashes recomputed by someone without the key),
each row's link to the one before (rows taken from the middle), and the
checkpoints (rows cut from the end, or the table emptied). Rows may leave
the database only through ``archive_audit``, whose signed ``audit.archive``
record names the range it took; checkpoints of that range are accounted
for by it, any other missing row is reported.
"""

import gzip
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from . import checkpoints
from .models import HASHED_FIELDS, AuditAction, AuditEvent, row_hash
from .signing import chain_key

# Beyond this many, the problems found are counted, not listed.
MAX_LISTED = 20


class ChainBroken(Exception):
    """What does not hold, in Chinese, one problem a line."""


@dataclass(frozen=True)
class ChainResult:
    rows: int
    first_prev_hash: str
    last_hash: str
    problems: tuple[str, ...] = ()
    # Ids of the rows whose HMAC does not match.
    forged: frozenset[int] = frozenset()
    last_id: int | None = None
    last_at: str = ""
    first_id: int | None = None


@dataclass(frozen=True)
class DatabaseCheck:
    chain: ChainResult
    problems: tuple[str, ...]
    notes: tuple[str, ...]
    checkpoint_log: checkpoints.CheckpointLog

    @property
    def rows(self) -> int:
        return self.chain.rows


def verify_rows(
    rows: Iterable[dict], *, anchors: set[str] | None, key: bytes | None = None
) -> ChainResult:
    """Check each row's HMAC against its fields and its ``prev_hash``
    against the row before, and list every place that does not hold. The
    first row's ``prev_hash`` must be one of ``anchors`` (the start of the
    chain, or the end of an archive); None accepts any, for an archive file
    read on its own."""
    key = chain_key() if key is None else key
    problems: list[str] = []
    forged: list[int] = []
    run: list[int] = []  # the current stretch of rows that do not verify
    count, first_prev, first_id, previous = 0, "", None, None
    for row in rows:
        if previous is None:
            first_prev, first_id = row["prev_hash"], row["id"]
            if anchors is not None and row["prev_hash"] not in anchors:
                problems.append(_unanchored_message(row["id"]))
        elif row["prev_hash"] != previous["hash"]:
            problems.append(
                f"审计记录 #{previous['id']} 与 #{row['id']} 之间的记录缺失,"
                f"或 #{previous['id']} 被改动:#{row['id']} 的前序哈希与 "
                f"#{previous['id']} 的哈希不符。"
            )
        if row_hash(row, key=key) != row["hash"]:
            forged.append(row["id"])
            run.append(row["id"])
        elif run:
            problems.append(_forged_message(run))
            run = []
        count += 1
        previous = row
    if run:
        problems.append(_forged_message(run))
    return ChainResult(
        count,
        first_prev,
        previous["hash"] if previous else "",
        tuple(problems),
        frozenset(forged),
        previous["id"] if previous else None,
        previous["at"] if previous else "",
        first_id,
    )


def database_verify(*, key: bytes | None = None) -> DatabaseCheck:
    """The whole chain in the database, in order of id, against its
    archive records and its checkpoints."""
    key = chain_key() if key is None else key
    log = checkpoints.read(checkpoints.log_path())
    unseen = dict(log.entries)
    differing: list[int] = []

    def rows(events):
        for event in events:
            row = event.as_row()
            checkpoint = unseen.pop(row["id"], None)
            if checkpoint is not None and checkpoint.hash != row["hash"]:
                differing.append(row["id"])
            yield row

    events = AuditEvent.objects.order_by("id").iterator(chunk_size=2000)
    try:
        chain = verify_rows(rows(events), anchors=None, key=key)
    finally:
        # On an error the rows are left unread: close the server-side
        # cursor now, not whenever the generator happens to be collected.
        events.close()
    # Read after the rows, so that an archive committed while they were
    # read is known: the rows it took were read, or it accounts for them.
    archives = _valid_archives(key)
    anchors = {""} | {after.get("last_hash", "") for after in archives}

    problems = list(chain.problems)
    if chain.rows and chain.first_prev_hash not in anchors:
        problems.insert(0, _unanchored_message(chain.first_id))
    resigned = [event_id for event_id in differing if event_id not in chain.forged]
    problems += [
        f"审计记录 {_span(stretch)} 与检查点记下的哈希不符(已被改写):签名虽然"
        "有效,这些编号下原来的记录已被替换,审计链密钥可能已泄露,"
        "或审计表被清空后编号被重新使用。"
        for stretch in _stretches(resigned)
    ]
    if log.conflicts:
        problems.append(
            f"检查点中 {_ids(log.conflicts)} 各记有两个不同的哈希:"
            "记录编号被重复使用,审计表可能被清空后重新编号。"
        )
    # An archive takes everything up to its last row, earlier archive
    # records included: the latest valid one accounts for every id up to
    # its ``last_id``.
    archived_through = max(
        (
            after["last_id"]
            for after in archives
            if isinstance(after.get("last_id"), int)
        ),
        default=0,
    )
    missing = {event_id for event_id in unseen if event_id > archived_through}
    problems += _missing_messages(log, missing, table_empty=chain.rows == 0)
    if len(problems) > MAX_LISTED:
        problems[MAX_LISTED:] = [f"……另有 {len(problems) - MAX_LISTED} 处问题未列出。"]
    return DatabaseCheck(chain, tuple(problems), tuple(_notes(log, chain)), log)


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
    if chain.problems:
        raise ChainBroken("\n".join(f"归档文件“{path}”:{p}" for p in chain.problems))
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
            f"归档文件“{path}”与归档记录 #{record.pk} 所记的条数或末条哈希不符。"
        )
    return ArchiveCheck(chain, digest, record)


def _valid_archives(key: bytes) -> list[dict]:
    """What the archive records whose own signature holds say they took.
    A record forged without the key vouches for nothing (and the chain
    check reports it)."""
    found = []
    records = AuditEvent.objects.filter(action=AuditAction.AUDIT_ARCHIVE)
    for event in records.order_by("id"):
        row = event.as_row()
        if isinstance(event.after, dict) and row_hash(row, key=key) == row["hash"]:
            found.append(event.after)
    return found


def _missing_messages(log, missing: set[int], *, table_empty: bool) -> list[str]:
    if not missing:
        return []
    if table_empty:
        latest = log.entries[max(missing)]
        return [
            f"审计表被清空:数据库中没有任何审计记录,而检查点记有 {len(missing)} 条"
            f"({_span(sorted(missing))},最近检查点 #{latest.id} 于 "
            f"{_when(latest)})。"
        ]
    messages = []
    # Stretches of checkpoints that are all missing, in the log's order of
    # id: rows present in between end a stretch.
    stretch: list[int] = []
    for event_id in [*sorted(log.entries), None]:
        if event_id is not None and event_id in missing:
            stretch.append(event_id)
            continue
        if stretch:
            latest = log.entries[stretch[-1]]
            messages.append(
                f"审计记录 {_span(stretch)} 缺失,共 {len(stretch)} 条"
                f"(最近检查点 #{latest.id} 于 {_when(latest)})。"
            )
            stretch = []
    return messages


def _notes(log, chain: ChainResult) -> list[str]:
    notes = []
    if not log.exists:
        if chain.rows:
            notes.append(
                f"没有找到本数据库的检查点文件“{log.path}”(新建或由备份恢复的数据库):"
                "此前链末的记录是否被删除无从核对。"
            )
    elif log.entries:
        latest = log.entries[max(log.entries)]
        notes.append(
            f"已核对检查点 {len(log.entries)} 个(最近检查点 #{latest.id} 于 "
            f"{_when(latest)}),文件“{log.path}”。"
        )
    if log.unreadable:
        notes.append(
            f"检查点文件第 {'、'.join(map(str, log.unreadable[:10]))} 行无法读取,"
            "已跳过(可能是写入时中断)。"
        )
    return notes


def _unanchored_message(first_id: int) -> str:
    return (
        f"审计记录 #{first_id} 之前的记录缺失:它的前序哈希既不是链的起点,"
        "也不是任何有效归档记录的末条哈希(其前的记录被删除,"
        "而不是由 archive_audit 归档)。"
    )


def _forged_message(ids: list[int]) -> str:
    return (
        f"审计记录 {_span(ids)} 的签名不符(已被改写):"
        "内容或哈希与用审计链密钥算出的不一致。"
    )


def _stretches(ids: list[int]) -> list[list[int]]:
    """Ids in order of the chain, cut where they stop following each
    other."""
    stretches: list[list[int]] = []
    for event_id in ids:
        if stretches and stretches[-1][-1] == event_id - 1:
            stretches[-1].append(event_id)
        else:
            stretches.append([event_id])
    return stretches


def _span(ids: list[int]) -> str:
    return f"#{ids[0]}" if len(ids) == 1 else f"#{ids[0]}–#{ids[-1]}"


def _ids(ids: Iterable[int]) -> str:
    return "、".join(f"#{event_id}" for event_id in sorted(ids)[:10])


def _when(checkpoint: checkpoints.Checkpoint) -> str:
    return f"{timezone.localtime(checkpoint.at):%Y-%m-%d %H:%M:%S}"
