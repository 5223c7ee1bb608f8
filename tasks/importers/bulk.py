"""Writing an import's changed rows in bulk.

Django's ``bulk_update`` builds a CASE with one branch per row for each
field: for thousands of rows it costs more than inserting them. On
PostgreSQL the rows are joined to a VALUES list instead, one statement a
batch; other databases (SQLite in development) keep ``bulk_update``.
"""

from collections.abc import Sequence

from django.db import connections, models, router

BATCH_SIZE = 2000


def update_rows(
    objs: Sequence[models.Model], fields: Sequence[str], *, batch_size=BATCH_SIZE
) -> None:
    """Save ``fields`` of ``objs`` (all of one model, all saved before)."""
    if not objs or not fields:
        return
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update(objs, fields, batch_size=500)
        return
    meta = model._meta
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    quote = connection.ops.quote_name
    row = "(" + ", ".join(f"%s::{f.cast_db_type(connection)}" for f in columns) + ")"
    assignments = ", ".join(
        f"{quote(f.column)} = v.{quote(f.column)}" for f in columns[1:]
    )
    names = ", ".join(quote(f.column) for f in columns)
    table = quote(meta.db_table)
    pk = quote(meta.pk.column)
    # Names come from the model, quoted; values go as parameters.
    head = f"UPDATE {table} SET {assignments} FROM (VALUES "  # noqa: S608
    tail = f") AS v({names}) WHERE {table}.{pk} = v.{pk}"
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            batch = objs[start : start + batch_size]
            params = [
                field.get_db_prep_save(getattr(obj, field.attname), connection)
                for obj in batch
                for field in columns
            ]
            cursor.execute(head + ", ".join([row] * len(batch)) + tail, params)
