"""Every write to the audit trail: a record, a batch of them, and the
archive of old ones.

A record is written in the caller's transaction, so that a change and its
record are committed, or rolled back, together; once committed, its id and
hash go to the checkpoint log outside the database (``audit.checkpoints``).
"""

import calendar
import datetime
import gzip
import hashlib
import json
import os
import uuid
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.functional import Promise

from . import checkpoints, context
from .models import AuditAction, AuditEvent, row_hash
from .signing import chain_key

# The PostgreSQL advisory lock that serialises writers of the chain, so that
# two transactions never both take the same row as their predecessor.
CHAIN_LOCK_KEY = 7_468_317_263
# Records are kept at least this long before they may be archived.
RETENTION_MONTHS = 6
# Rows a single INSERT of ``audit_record_many`` writes.
BATCH_SIZE = 1000
# AuditAction.values builds its list at every call.
ACTIONS = frozenset(AuditAction.values)
# From this many rows on, a batch is written with COPY on PostgreSQL.
COPY_MIN_ROWS = 100


class AuditError(Exception):
    """A refused audit operation, with a message in Chinese."""


def audit_record(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    department=None,
    ip: str | None = None,
    object_repr: str = "",
) -> AuditEvent:
    """Append a record to the chain. The actor and address default to the
    current request's (see ``audit.context``)."""
    event = audit_event(
        action=action,
        actor=actor,
        obj=obj,
        before=before,
        after=after,
        department=department,
        ip=ip,
        object_repr=object_repr,
    )
    return audit_record_many([event])[0]


def audit_event(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    department=None,
    ip: str | None = None,
    object_repr: str = "",
) -> AuditEvent:
    """A record as ``audit_record`` writes it, not yet in the chain: for
    ``audit_record_many``. ``obj`` must already have its id."""
    if action not in ACTIONS:
        raise ValueError(f"未知的审计操作“{action}”。")
    request = context.current()
    if actor is None and request is not None:
        actor = request.user
    if actor is not None and not actor.is_authenticated:
        actor = None
    if ip is None and request is not None:
        ip = request.ip
    if obj is not None and not object_repr:
        object_repr = str(obj)
    values = {
        "actor_id": actor.pk if actor else None,
        "actor_username": actor.get_username() if actor else "",
        "actor_department": _text(getattr(actor, "department", None), 100),
        "ip": context.normalise_ip(ip),
        "action": str(action),
        "object_type": obj._meta.label_lower if obj is not None else "",
        "object_id": str(obj.pk) if obj is not None and obj.pk is not None else "",
        "object_repr": object_repr[:200],
        "department": _text(
            department if department is not None else _department_of(obj), 100
        ),
        "before": json_safe(before) if before is not None else None,
        "after": json_safe(after) if after is not None else None,
        "prev_hash": "",
        "hash": "",
    }
    # Positional arguments, in the fields' order, are several times faster
    # than keywords (each looks up its field's default): an import makes
    # tens of thousands. The time is set when the record joins the chain.
    return AuditEvent(
        *[values.get(f.attname) for f in AuditEvent._meta.concrete_fields]
    )


def audit_record_many(
    events: Iterable[AuditEvent], *, batch_size: int = BATCH_SIZE
) -> list[AuditEvent]:
    """Append records made by ``audit_event`` to the chain, in their order,
    in the caller's transaction: the chain's lock and its last hash are
    taken once, each record is linked to the one before it in memory, and
    the rows are inserted in batches. The rows are those ``audit_record``
    would write one by one (the same time: the batch is written at one
    moment)."""
    events = list(events)
    if not events:
        return events
    # Joins the caller's transaction; makes one when there is none.
    with transaction.atomic(savepoint=False):
        prev_hash = _lock_chain()
        at = timezone.now()
        key = chain_key()
        for event in events:
            event.prev_hash = prev_hash
            event.at = at
            row = event.as_row()
            event.hash = prev_hash = row_hash(row, key=key)
        _insert(events, batch_size)
        # After the commit only: a checkpoint of a row rolled back would
        # later be reported as a missing row.
        entries = [(event.pk, event.hash, row["at"]) for event in events]
        transaction.on_commit(partial(checkpoints.append_many, entries))
    return events


def audit_lock() -> None:
    """Take the chain's lock now, for the rest of the caller's transaction.

    A transaction that locks rows and then writes a record calls this
    before locking anything: taken only at the record, after the rows, the
    lock makes two such transactions wait for each other (a deadlock).
    """
    _take_chain_lock()


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict:
    """The named fields of an instance as JSON-safe values; a foreign key
    gives its id."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        values[name] = json_safe(getattr(instance, field.attname))
    return values


def json_safe(value):
    """A value as JSON holds it and reads it back unchanged: Decimal as
    text, dates in ISO form, a model instance as its id."""
    if type(value) is str:  # the most common, first
        return value
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return str(value)  # a TextChoices member as its plain value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Promise):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(item) for item in value]
    return str(value)


@dataclass(frozen=True)
class ArchiveResult:
    path: Path
    sha256: str
    rows: int
    first_id: int
    last_id: int


def audit_archive(
    *,
    before_months: int = RETENTION_MONTHS,
    output_dir: Path,
    actor=None,
    now: datetime.datetime | None = None,
) -> ArchiveResult | None:
    """Move the records older than ``before_months`` months to a gzip JSONL
    file in ``output_dir``, with their hashes, and record the file's sha256
    in an ``audit.archive`` record; then delete them, in one transaction.

    Only a prefix of the chain is archived (up to the first record that is
    still young), so that what is left is a chain that starts where the
    archive ends. None when nothing is old enough.
    """
    if before_months < RETENTION_MONTHS:
        raise AuditError(
            f"审计记录至少保存 {RETENTION_MONTHS} 个月,不能归档 {before_months} "
            "个月以内的记录。"
        )
    output_dir = Path(output_dir)
    if not output_dir.is_dir():
        raise AuditError(f"归档目录“{output_dir}”不存在。")
    cutoff = months_before(now or timezone.now(), before_months)
    with transaction.atomic():
        _lock_chain()
        events = AuditEvent.objects.order_by("id")
        first_young = events.filter(at__gte=cutoff).values_list("id", flat=True).first()
        if first_young is not None:
            events = events.filter(id__lt=first_young)
        bounds = list(events.values_list("id", flat=True)[:1])
        if not bounds:
            return None
        stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d%H%M%S")
        path = output_dir / f"audit-{bounds[0]}-{stamp}.jsonl.gz"
        try:
            # "x": an archive file is never overwritten.
            raw = open(path, "xb")  # noqa: SIM115 closed by _write_archive
        except FileExistsError as exc:
            raise AuditError(f"归档文件“{path}”已存在。") from exc
        try:
            rows, first, last = _write_archive(raw, events)
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            audit_record(
                action=AuditAction.AUDIT_ARCHIVE,
                actor=actor,
                object_repr=path.name,
                after={
                    "file": path.name,
                    "sha256": digest,
                    "rows": rows,
                    "first_id": first["id"],
                    "last_id": last["id"],
                    "first_prev_hash": first["prev_hash"],
                    "last_hash": last["hash"],
                    "before": cutoff.isoformat(),
                },
            )
            _allow_archive_delete()
            AuditEvent.objects.filter(id__lte=last["id"]).delete()
        except BaseException:
            path.unlink(missing_ok=True)
            raise
    return ArchiveResult(path, digest, rows, first["id"], last["id"])


def months_before(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same local time (Asia/Shanghai) ``months`` calendar months
    earlier; the 31st falls back to the month's last day."""
    local = timezone.localtime(moment)
    year, month = divmod(local.year * 12 + local.month - 1 - months, 12)
    month += 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day)


def _write_archive(raw, events) -> tuple[int, dict, dict]:
    """One JSON line per record, then flushed to the disk."""
    rows, first, last = 0, None, None
    with raw:
        with (
            gzip.GzipFile(fileobj=raw, mode="wb") as archive,
            closing(events.iterator(chunk_size=2000)) as read,
        ):
            for event in read:
                row = event.as_row()
                line = json.dumps(row, ensure_ascii=False, sort_keys=True)
                archive.write(line.encode() + b"\n")
                rows += 1
                first = first or row
                last = row
        raw.flush()
        os.fsync(raw.fileno())
    return rows, first, last


def _insert(events: list[AuditEvent], batch_size: int) -> None:
    """Insert the rows, in order: each gets a higher id than the one
    before, as the chain needs (no other writer of the chain runs while
    the lock is held). Many rows on PostgreSQL go by COPY, several times
    faster than an INSERT."""
    if connection.vendor != "postgresql" or len(events) < COPY_MIN_ROWS:
        AuditEvent.objects.bulk_create(events, batch_size=batch_size)
        return
    meta = AuditEvent._meta
    quote = connection.ops.quote_name
    fields = meta.concrete_fields
    # Values that the database takes in another form than the model's
    # (JSON, addresses) are adapted as Django would; the rest as they are.
    adapted = {"JSONField", "GenericIPAddressField"}
    prepare = [
        field.get_db_prep_save if field.get_internal_type() in adapted else None
        for field in fields
    ]
    columns = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) "
            "FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(events)],
        )
        ids = sorted(row[0] for row in cursor.fetchall())
        for event, pk in zip(events, ids, strict=True):
            event.pk = pk
        copy_sql = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
        with cursor.copy(copy_sql) as copy:
            for event in events:
                copy.write_row(
                    [
                        getattr(event, field.attname)
                        if adapt is None
                        else adapt(getattr(event, field.attname), connection)
                        for field, adapt in zip(fields, prepare, strict=True)
                    ]
                )
    for event in events:
        event._state.adding = False
        event._state.db = connection.alias


def _take_chain_lock() -> None:
    # SQLite lets one writer at a time in already. Taken again in the same
    # transaction, the lock is granted at once.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def _lock_chain() -> str:
    """Take the chain for this transaction and return its last hash."""
    _take_chain_lock()
    latest = AuditEvent.objects.order_by("-id").values_list("hash", flat=True)
    return latest.first() or ""


def _allow_archive_delete() -> None:
    """Lift the PostgreSQL trigger's refusal for this transaction only; it
    still lets through only the rows an archive record already in the
    table names (migration 0003)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL audit.allow_archive = 'on'")


def _department_of(obj: models.Model | None):
    if obj is None:
        return None
    try:
        field = obj._meta.get_field("department")
    except FieldDoesNotExist:
        return None
    return getattr(obj, "department", None) if field.many_to_one else None


def _text(value, length: int) -> str:
    return str(value)[:length] if value is not None else ""
