"""The auditor's page at size: it does not count a large trail row by row.
The whole trail on PostgreSQL is estimated from the table's statistics; a
filtered list is counted up to a limit, and beyond it said to hold more;
either way the pages still hold every row, in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit import selectors
from audit.selectors import event_count, event_list
from audit.views import EventListView
from tests.audit.test_auditor_page import add, shown

URL = reverse("audit:event-list")

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_class exists on PostgreSQL only"
)


@pytest.mark.django_db
def test_a_small_list_is_counted_exactly(client, auditor):
    client.force_login(auditor)
    for number in range(3):
        add(object_repr=f"记录{number}", actor_username="reporter")
    page = client.get(URL, {"user": "report"})
    assert page.context["paginator"].count_kind == "exact"
    assert "共 3 条记录" in page.text


@pytest.mark.django_db
def test_a_filtered_list_over_the_limit_is_said_to_hold_more_and_pages_on(
    client, auditor, monkeypatch
):
    monkeypatch.setattr(selectors, "EXACT_COUNT_LIMIT", 4)
    monkeypatch.setattr(EventListView, "paginate_by", 3)
    client.force_login(auditor)
    for number in range(8):
        add(object_repr=f"记录{number}", actor_username="reporter")

    pages = [client.get(URL, {"user": "report", "page": n}) for n in (1, 2, 3)]
    assert "超过 4 条记录" in pages[0].text
    assert [shown(page) for page in pages] == [
        ["记录7", "记录6", "记录5"],
        ["记录4", "记录3", "记录2"],
        ["记录1", "记录0"],
    ]
    assert [page.context["page_obj"].has_next() for page in pages] == [
        True,
        True,
        False,
    ]
    assert "第 2 页" in pages[1].text and "下一页" in pages[1].text
    assert "下一页" not in pages[2].text
    # Past the end: an empty page, not an error.
    beyond = client.get(URL, {"user": "report", "page": 9})
    assert beyond.status_code == 200
    assert shown(beyond) == []
    assert client.get(URL, {"user": "report", "page": "x"}).status_code == 404


@pytest.mark.django_db
@postgres_only
def test_the_whole_trail_on_postgresql_is_estimated_once_large(monkeypatch):
    monkeypatch.setattr(selectors, "EXACT_COUNT_LIMIT", 5)
    for number in range(12):
        add(object_repr=f"记录{number}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_auditevent")
    counted = event_count(event_list())
    assert counted.kind == "estimate"
    assert counted.value == 12  # ANALYZE read the whole small table


@pytest.mark.django_db
@postgres_only
def test_the_whole_trail_is_counted_exactly_while_small():
    for number in range(3):
        add(object_repr=f"记录{number}")
    assert event_count(event_list()) == selectors.EventCount(3)


@pytest.mark.django_db
def test_query_count_of_the_whole_trail_does_not_grow_with_it(
    client, auditor, monkeypatch
):
    monkeypatch.setattr(selectors, "EXACT_COUNT_LIMIT", 50)
    client.force_login(auditor)
    counts = []
    for size in (3, 120):
        for number in range(size):
            add(object_repr=f"记录{number}", actor_username="reporter")
        for query in ({}, {"user": "report"}):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(URL, query).status_code == 200
            counts.append(len(queries))
    assert counts[:2] == counts[2:], counts
