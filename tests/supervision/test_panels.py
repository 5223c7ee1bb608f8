"""Overdue problems on a department's 本期任务 page and on the reviewer's
dashboard."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from supervision.models import ProblemState

from .problem_data import EDUCATION, GUIXI, at, make_problem, make_round

D = datetime.date
TODAY = D(2025, 9, 10)


@pytest.fixture(autouse=True)
def on_the_10th():
    with time_machine.travel(at(2025, 9, 10), tick=False):
        yield


@pytest.fixture
def round_(users):
    return make_round(users["reviewer"])


@pytest.fixture
def overdue(round_):
    """贵溪市's problem 5 days overdue, one it helps 市教育局 with, and
    problems that are not overdue."""
    mine = make_problem(
        round_, GUIXI, D(2025, 9, 5), description="培训台账与月报数据不一致。"
    )
    helped = make_problem(
        round_,
        EDUCATION,
        D(2025, 9, 1),
        description="教育局牵头、贵溪市配合的问题。",
        cooperating=(GUIXI,),
    )
    make_problem(round_, GUIXI, D(2025, 9, 20), description="还没到期的问题。")
    make_problem(
        round_,
        GUIXI,
        D(2025, 9, 1),
        state=ProblemState.REQUESTED,
        description="已申请销号的问题。",
    )
    make_problem(round_, EDUCATION, D(2025, 8, 1), description="教育局自己的问题。")
    return mine, helped


def page(client, user, name):
    client.force_login(user)
    response = client.get(reverse(name))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_department_home_lists_its_overdue_problems_with_days_and_link(
    client, users, overdue
):
    mine, helped = overdue
    html = page(client, users["reporter"], "dispatch:my-tasks")

    assert "逾期未整改的督导问题" in html
    assert f'href="{mine.get_absolute_url()}"' in html
    assert "培训台账与月报数据不一致。" in html
    assert "整改时限 2025年9月5日" in html
    assert "已逾期 5 天" in html
    assert "教育局牵头、贵溪市配合的问题。" in html
    assert "本单位为配合单位(责任单位:市教育局)" in html
    assert "已逾期 9 天" in html
    for not_shown in ("还没到期的问题", "已申请销号的问题", "教育局自己的问题"):
        assert not_shown not in html
    # Longest overdue first.
    assert html.index("教育局牵头") < html.index("培训台账与月报")


@pytest.mark.django_db
def test_department_without_overdue_problems_sees_no_block(client, users, overdue):
    html = page(client, users["other_department"], "dispatch:my-tasks")
    assert "教育局自己的问题" in html

    for problem in overdue:
        problem.delete()
    html = page(client, users["reporter"], "dispatch:my-tasks")
    assert "逾期未整改的督导问题" not in html


@pytest.mark.django_db
def test_dashboard_counts_overdue_problems_by_department(client, users, overdue):
    html = page(client, users["reviewer"], "dispatch:dashboard")

    assert "逾期未整改的督导问题" in html
    assert '共 <strong class="dash-late">3</strong> 个问题超过整改时限未销号' in html
    assert "市教育局 2 个、贵溪市人民政府 1 个" in html
    assert f'href="{overdue[0].get_absolute_url()}"' in html
    assert "已申请销号的问题" not in html


@pytest.mark.django_db
def test_dashboard_without_overdue_problems_has_no_block(client, users, round_):
    make_problem(round_, GUIXI, D(2025, 9, 20))

    html = page(client, users["reviewer"], "dispatch:dashboard")

    assert "逾期未整改的督导问题" not in html


@pytest.mark.django_db
def test_dashboard_lists_only_the_longest_overdue(client, users, round_):
    for day in range(1, 13):
        make_problem(round_, GUIXI, D(2025, 8, day), description=f"八月{day}日到期")

    html = page(client, users["reviewer"], "dispatch:dashboard")

    assert "八月1日到期" in html
    assert "八月10日到期" in html
    assert "八月11日到期" not in html
    assert "只列出逾期最久的 10 个" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, name",
    [("reporter", "dispatch:my-tasks"), ("reviewer", "dispatch:dashboard")],
)
def test_page_queries_do_not_grow_with_the_overdue_problems(
    client, users, round_, role, name, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_problem(round_, GUIXI, D(2025, 9, 1), cooperating=(EDUCATION,))
    client.force_login(users[role])
    client.get(reverse(name))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse(name))
    for _ in range(25):
        make_problem(round_, GUIXI, D(2025, 9, 1), cooperating=(EDUCATION,))
        make_problem(round_, EDUCATION, D(2025, 9, 1), cooperating=(GUIXI,))
    with django_assert_max_num_queries(len(small)):
        response = client.get(reverse(name))
    assert "逾期未整改的督导问题" in response.content.decode()
