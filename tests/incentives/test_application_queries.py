"""Query counts of the application list and the detail: the same at two
data sizes (the list at 5 and 60 applications, past a page of 50; the
detail with one transition and fact check, and with eleven transitions
and ten fact checks)."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incentives.services.applications import application_move
from tests.incentives.apps_support import enter, verify

pytestmark = pytest.mark.django_db

LIST_BUDGET = 12
DETAIL_BUDGET = 15
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(n: int) -> str:
    """A valid ID number (GB 11643) of someone born 1990-03-07 in 鹰潭,
    the ``n``th of that day."""
    body = f"36060219900307{n:03d}"
    total = sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


@pytest.fixture
def users(incentive_defaults, incentive_users):
    return incentive_users


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(
        datetime.datetime(2025, 1, 10, 10, 0, tzinfo=datetime.UTC), tick=False
    ):
        yield


def fill(users, start: int, stop: int) -> None:
    """Applications ``start`` to ``stop`` of 贵溪市, every third submitted
    and every fifth with its certificate checked."""
    for n in range(start, stop):
        application = enter(
            users,
            id_number=id_number(n),
            name=f"申请人{n}",
            certificate_number=f"S0000360600{n:05d}",
        )
        if n % 3 == 0:
            application_move(
                application=application, action="submit", actor=users["clerk"]
            )
        if n % 5 == 0:
            verify(application, users)


def queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.mark.parametrize("role", ["clerk", "city_clerk", "reviewer"])
def test_the_list_takes_the_same_queries_at_5_and_60_applications(
    client, users, django_assert_max_num_queries, role
):
    client.force_login(users[role])
    url = reverse("incentives:application-list")

    fill(users, 1, 6)
    with django_assert_max_num_queries(LIST_BUDGET):
        small, page = queries(client, url)
    assert page.count('class="card-title"') == 5

    fill(users, 6, 61)
    with django_assert_max_num_queries(LIST_BUDGET):
        large, page = queries(client, url)
    assert page.count('class="card-title"') == 50
    with django_assert_max_num_queries(LIST_BUDGET):
        second, page = queries(client, url + "?page=2")
    assert page.count('class="card-title"') == 10

    assert small == large == second


def cycle(application, users) -> None:
    """Returned and submitted again (two transitions), with a fact check:
    the application is back in the 初审, as it was."""
    application.refresh_from_db()
    application_move(
        application=application,
        action="first_return",
        actor=users["clerk"],
        reason="请补充材料",
    )
    application_move(application=application, action="submit", actor=users["clerk"])
    verify(application, users)


@pytest.mark.parametrize("role", ["clerk", "reviewer"])
def test_the_detail_takes_the_same_queries_with_1_and_11_transitions(
    client, users, django_assert_max_num_queries, role
):
    application = enter(users)
    application_move(application=application, action="submit", actor=users["clerk"])
    verify(application, users)
    client.force_login(users[role])
    url = application.get_absolute_url()

    with django_assert_max_num_queries(DETAIL_BUDGET):
        small, page = queries(client, url)
    assert page.count("<li><strong>") == 1  # one transition
    assert page.count("inc-app-fact-confirmed") == 1

    for _ in range(5):
        cycle(application, users)
    for _ in range(4):
        verify(application, users)
    assert application.transitions.count() == 11
    assert application.fact_checks.count() == 10

    with django_assert_max_num_queries(DETAIL_BUDGET):
        large, page = queries(client, url)
    assert page.count("<li><strong>") == 11
    assert page.count("inc-app-fact-confirmed") == 10

    assert small == large
