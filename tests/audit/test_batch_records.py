"""Records written as a batch (an import's): the same rows as written one
by one, one chain with the records around them, checkpoints for each, in a
number of queries that does not grow with the batch."""

import datetime
from decimal import Decimal
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit import checkpoints, services
from audit.models import AuditEvent
from audit.services import audit_event, audit_record, audit_record_many
from tests.factories import UserFactory

MOMENT = datetime.datetime(2025, 3, 14, 9, 26, 53, 589793, tzinfo=datetime.UTC)


class Rollback(Exception):
    pass


def entries(actor, n: int = 3) -> list[dict]:
    """Varied records: with and without actor, object, address, before,
    department; values JSON has to convert."""
    return [
        {
            "action": "reading.record" if i % 2 else "report.save",
            "actor": actor if i % 3 else None,
            "obj": actor if i % 2 else None,
            "before": {"value": Decimal(i)} if i % 2 else None,
            "after": {
                "value": Decimal("12.50") + i,
                "as_of": datetime.date(2025, 1, i + 1),
            },
            "department": "市人社局" if i % 3 == 1 else None,
            "ip": "10.0.0.1" if i % 2 else None,
            "object_repr": "" if i % 2 else f"记录{i}",
        }
        for i in range(n)
    ]


def rows(events) -> list[dict]:
    """What a row holds, but its id (the database's, not the chain's)."""
    return [
        {key: value for key, value in event.as_row().items() if key != "id"}
        for event in AuditEvent.objects.filter(pk__in=[e.pk for e in events]).order_by(
            "id"
        )
    ]


def written_rolled_back(write) -> list[dict]:
    """The rows ``write`` stores, read back, then rolled back: the next
    writer starts from the same end of the chain."""
    try:
        with transaction.atomic():
            found = rows(write())
            raise Rollback
    except Rollback:
        pass
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("copy_from", [1, 10_000], ids=["copy", "insert"])
def test_a_batch_writes_the_rows_that_single_records_write(copy_from, monkeypatch):
    """On PostgreSQL a large batch goes by COPY, a small one by INSERT:
    both store what audit_record stores, hashes included."""
    actor = UserFactory(username="batch")
    actor.save()
    audit_record(action="report.save", object_repr="链中已有的记录")
    with mock.patch.object(timezone, "now", return_value=MOMENT):
        one_by_one = written_rolled_back(
            lambda: [audit_record(**entry) for entry in entries(actor, 5)]
        )
        monkeypatch.setattr(services, "COPY_MIN_ROWS", copy_from)
        batch = written_rolled_back(
            lambda: audit_record_many(
                audit_event(**entry) for entry in entries(actor, 5)
            )
        )
    assert len(batch) == 5
    assert batch == one_by_one


@pytest.mark.django_db
@pytest.mark.parametrize("copy_from", [1, 10_000], ids=["copy", "insert"])
def test_a_batch_continues_the_chain_and_verifies(copy_from, monkeypatch):
    monkeypatch.setattr(services, "COPY_MIN_ROWS", copy_from)
    before = audit_record(action="report.save", object_repr="前")
    batch = audit_record_many(
        audit_event(action="reading.record", object_repr=f"读数{i}", after={"i": i})
        for i in range(250)
    )
    after = audit_record(action="report.save", object_repr="后")

    chain = list(AuditEvent.objects.order_by("id"))
    assert [e.pk for e in chain] == [before.pk, *(e.pk for e in batch), after.pk]
    assert [e.prev_hash for e in chain[1:]] == [e.hash for e in chain[:-1]]
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().splitlines()[0] == "审计日志校验通过:252 条"


@pytest.mark.django_db
def test_each_row_of_a_batch_gets_its_checkpoint_once_committed(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        batch = audit_record_many(
            audit_event(action="reading.record", object_repr=f"读数{i}")
            for i in range(120)
        )
    assert len(callbacks) == 1
    log = checkpoints.read(checkpoints.log_path())
    assert {pk: c.hash for pk, c in log.entries.items()} == {
        e.pk: e.hash for e in batch
    }


@pytest.mark.django_db
def test_a_batch_rolled_back_leaves_no_rows_and_no_checkpoints(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                audit_record_many(
                    audit_event(action="reading.record", object_repr=f"读数{i}")
                    for i in range(3)
                )
                raise Rollback
        except Rollback:
            pass
    assert callbacks == []
    assert not AuditEvent.objects.exists()
    assert not checkpoints.log_path().exists()


@pytest.mark.django_db
def test_an_empty_batch_writes_nothing():
    with CaptureQueriesContext(connection) as queries:
        assert audit_record_many([]) == []
    assert len(queries) == 0


@pytest.mark.django_db
def test_a_batch_costs_the_queries_of_a_single_record():
    """The lock and the chain's end are read once for the batch, not once a
    row (tens of rows fit one INSERT even on SQLite)."""
    with CaptureQueriesContext(connection) as single:
        audit_record(action="reading.record", object_repr="读数")
    with CaptureQueriesContext(connection) as batch:
        audit_record_many(
            audit_event(action="reading.record", object_repr=f"读数{i}")
            for i in range(60)
        )
    assert len(batch) == len(single)


@pytest.mark.django_db
def test_an_unknown_action_is_refused_before_anything_is_written():
    with pytest.raises(ValueError, match="未知的审计操作"):
        audit_event(action="no.such")
    assert not AuditEvent.objects.exists()
