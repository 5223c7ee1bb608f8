"""Query counts of the ledger page and the problem list: the same at
two data sizes."""

import datetime

import pytest
from django.urls import reverse

from supervision import services
from supervision.models import ProblemState
from tests.supervision.conftest import pdf

pytestmark = pytest.mark.django_db
S = ProblemState


def fill(count, make_problem, users, education):
    for i in range(count):
        problem = make_problem(
            S.PLANNED if i % 2 else S.SIGNED_OFF,
            cooperating=[education],
            deadline=datetime.date(2025, 7, 1),
        )
        if i % 2:
            services.problem_progress(
                problem=problem,
                text=f"进展{i}",
                uploads=[pdf()],
                actor=users["reporter"],
            )


@pytest.mark.parametrize("count", [2, 20])
@pytest.mark.parametrize(
    ("url", "budget"),
    [("supervision:ledger", 13), ("supervision:problem-list", 14)],
)
def test_pages_take_the_same_queries_at_two_sizes(
    client,
    users,
    make_problem,
    education,
    django_assert_max_num_queries,
    count,
    url,
    budget,
):
    fill(count, make_problem, users, education)
    for role in ("reviewer", "reporter"):
        client.force_login(users[role])
        with django_assert_max_num_queries(budget):
            response = client.get(reverse(url))
        assert response.status_code == 200
        # Every problem is on the page (all are 贵溪市's, the reporter's).
        assert response.content.decode().count('href="/supervision/problems/') >= count
