"""On PostgreSQL the audit table refuses UPDATE and DELETE, whoever asks,
except the archive command's DELETE of the rows its archive record names,
in its own transaction."""

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent
from audit.services import audit_record

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the trigger exists on PostgreSQL only; SQLite relies on the hash chain",
)


@pytest.fixture
def event(db):
    return audit_record(action="report.save", after={"progress": "原文"})


@postgres_only
@pytest.mark.django_db
def test_an_update_through_the_orm_is_refused(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(after={"progress": "改过的"})
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.object_repr = "改过的"
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).after == {"progress": "原文"}


@postgres_only
@pytest.mark.django_db
def test_a_delete_through_the_orm_is_refused(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@postgres_only
@pytest.mark.django_db
def test_the_archive_switch_alone_allows_neither_deleting_nor_updating(event):
    """Any session can set the switch; only rows an archive record names
    may then go (test_tampering.py)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL audit.allow_archive = 'on'")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).update(object_repr="改过的")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()
