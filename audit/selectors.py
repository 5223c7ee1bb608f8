from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet

from .models import AuditEvent

# A list of more records than this is not counted row by row: the whole
# trail (hundreds of thousands of rows) is estimated, a filtered list is
# said to hold more than this many.
EXACT_COUNT_LIMIT = 10_000


@dataclass(frozen=True)
class EventCount:
    value: int
    # "exact"; "estimate", from PostgreSQL's statistics of the table; or
    # "more", when a filtered list holds more than ``value``.
    kind: str = "exact"


def event_list() -> QuerySet[AuditEvent]:
    """Every record, newest first. Rows hold their names as snapshots, so
    a page of them needs no join."""
    return AuditEvent.objects.order_by("-at", "-id")


def event_count(events: QuerySet[AuditEvent]) -> EventCount:
    """How many records a list holds, in one query whatever the size of
    the trail: counting reads every row it counts."""
    if not events.query.where and connection.vendor == "postgresql":
        return _trail_count()
    if not events.query.where:
        return EventCount(events.count())  # SQLite, in development
    count = events[: EXACT_COUNT_LIMIT + 1].count()
    if count > EXACT_COUNT_LIMIT:
        return EventCount(EXACT_COUNT_LIMIT, "more")
    return EventCount(count)


def _trail_count() -> EventCount:
    """The table's row estimate (pg_class.reltuples, kept by autovacuum's
    ANALYZE) once it is large; below that, or before the table was ever
    analysed (-1), an exact count."""
    table = AuditEvent._meta.db_table
    # The table's name comes from the model, quoted; values are parameters.
    sql = (
        "SELECT CASE WHEN reltuples >= %s THEN reltuples::bigint"  # noqa: S608
        f" ELSE (SELECT count(*) FROM {connection.ops.quote_name(table)}) END,"
        " reltuples >= %s FROM pg_class WHERE oid = %s::regclass"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [EXACT_COUNT_LIMIT, EXACT_COUNT_LIMIT, table])
        value, estimated = cursor.fetchone()
    return EventCount(value, "estimate" if estimated else "exact")
