"""The application list and detail: each role's scope, the filters, one
query for the list whatever its size, 404 out of scope."""

import datetime

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from incentives.crypto import id_check_digit
from incentives.selectors.applications import application_detail, application_list
from tests.incentives.apps_support import enter, verify, walk
from tests.incentives.conftest import ID_LI

pytestmark = pytest.mark.django_db
ID_WANG = "36060219880512104X"


@pytest.fixture
def users(incentive_defaults, incentive_users):
    return incentive_users


@pytest.fixture
def three(users):
    """贵溪市 张三 (就业, draft), 贵溪市 李四 (技能提升, first review),
    余江区 王五 (就业, draft)."""
    zhang = enter(users)
    li = enter(
        users,
        kind="upskill",
        name="李四",
        id_number=ID_LI,
        level="1",
        contract_start=datetime.date(2023, 3, 1),
        certificate_number="S2",
    )
    li = walk(li, users, "submit")
    wang = enter(
        users,
        actor="clerk_other",
        area_name="余江区人民政府",
        name="王五",
        id_number=ID_WANG,
        certificate_number="S3",
    )
    return zhang, li, wang


def numbers(queryset) -> set[str]:
    return {a.number for a in queryset}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("clerk", {0, 1}),
        ("clerk_other", {2}),
        ("city_clerk", {0, 1, 2}),
        ("reviewer", {0, 1, 2}),
        ("reporter", set()),
        ("sysadmin", set()),
    ],
)
def test_each_role_sees_its_scope(users, three, who, expected):
    seen = numbers(application_list(user=users[who]))
    assert seen == {three[i].number for i in expected}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"kind": "upskill"}, {1}),
        ({"level": "2"}, {0, 2}),
        ({"state": "first_review"}, {1}),
        ({"q": "李"}, {1}),
        ({"q": "000003"}, {2}),
        ({"kind": "", "q": " "}, {0, 1, 2}),
        ({"finance": "abc"}, set()),
        ({"area": "city"}, set()),
        ({"area": "x"}, set()),
    ],
)
def test_filters(users, three, filters, expected):
    seen = numbers(application_list(user=users["reviewer"], filters=filters))
    assert seen == {three[i].number for i in expected}


def test_area_and_finance_filters(users, three):
    zhang, _, wang = three
    by_area = application_list(
        user=users["reviewer"], filters={"area": str(wang.area_id)}
    )
    assert numbers(by_area) == {wang.number}
    by_finance = application_list(
        user=users["reviewer"], filters={"finance": str(zhang.finance_id)}
    )
    assert numbers(by_finance) == {zhang.number, three[1].number}


def test_filters_do_not_widen_the_scope(users, three):
    seen = application_list(
        user=users["clerk_other"], filters={"area": str(three[0].area_id)}
    )
    assert not seen.exists()


def valid_id(n: int) -> str:
    first17 = f"36060219900101{n:03d}"
    return first17 + id_check_digit(first17)


def test_list_is_one_query_at_any_size(users, three):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            for application in application_list(user=users["reviewer"]):
                str(application.area), str(application.finance), str(application.rule)
                str(application.key_enterprise)
        return len(queries)

    application_list(user=users["reviewer"])  # the user's roles, read once
    small = count()
    for n in range(10):
        enter(
            users,
            actor="city_clerk",
            area_name=None if n % 2 else "余江区人民政府",
            name=f"赵{n}",
            id_number=valid_id(n),
            certificate_number=f"T{n}",
        )
    assert application_list(user=users["reviewer"]).count() == 13
    assert count() == small == 1


def test_detail_in_scope_with_its_history(users, three):
    zhang = three[0]
    verify(zhang, users)
    walk(zhang, users, "submit")
    detail = application_detail(user=users["clerk"], pk=zhang.pk)
    with CaptureQueriesContext(connection) as queries:
        transitions = [t.actor.username for t in detail.transitions.all()]
        checks = [c.recorded_by.username for c in detail.fact_checks.all()]
        list(detail.objections.all()), list(detail.shares.all())
        str(detail.area), str(detail.finance), str(detail.rule)
    assert transitions == ["clerk"]
    assert checks == ["clerk"]
    assert len(queries) == 0


@pytest.mark.parametrize("who", ["clerk_other", "reporter", "sysadmin"])
def test_detail_out_of_scope_is_404(users, three, who):
    with pytest.raises(Http404):
        application_detail(user=users[who], pk=three[0].pk)


@pytest.mark.parametrize("pk", ["abc", None, 999999])
def test_detail_of_nothing_is_404(users, three, pk):
    with pytest.raises(Http404):
        application_detail(user=users["reviewer"], pk=pk)
