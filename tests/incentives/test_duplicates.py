"""Duplicates refused: the same person and award kind twice (whatever way
the ID number was typed), a lower level after a higher one was paid, the
same certificate in two applications; a refused application blocks
nothing."""

import pytest

from incentives.models import Application
from incentives.services.applications import ApplicationError
from tests.incentives.apps_support import enter, verify, walk
from tests.incentives.conftest import ID_LI, ID_ZHANG

pytestmark = pytest.mark.django_db

# A valid ID number whose check digit is X.
ID_WITH_X = "36060219880512104X"
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@pytest.fixture
def users(incentive_defaults, incentive_users):
    return incentive_users


def refused(users, **overrides) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        enter(users, **overrides)
    return caught.value


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (ID_WITH_X, ID_WITH_X.lower()),
        (ID_WITH_X, ID_WITH_X.translate(FULL_WIDTH)),
        (ID_ZHANG, f" {ID_ZHANG[:6]} {ID_ZHANG[6:14]} {ID_ZHANG[14:]} "),
        (ID_ZHANG, ID_ZHANG.translate(FULL_WIDTH)),
    ],
)
def test_same_person_and_kind_twice_is_refused_however_typed(users, first, second):
    existing = enter(users, id_number=first)
    error = refused(users, id_number=second, certificate_number="S000036060000456")
    assert error.errors == {
        "id_number": [
            f"该人员已有就业奖励申请{existing.number}(待提交),同一奖励每人只能享受一次。"
        ]
    }
    assert Application.objects.count() == 1


def test_same_person_other_kind_is_accepted(users):
    enter(users)
    other = enter(users, kind="upskill", certificate_number="S000036060000456")
    assert other.kind == "upskill"


def test_same_kind_other_person_is_accepted(users):
    first = enter(users)
    other = enter(users, id_number=ID_LI, certificate_number="S000036060000456")
    assert other.id_number_hash != first.id_number_hash
    assert Application.objects.count() == 2


def test_lower_level_after_a_higher_one_was_paid_is_refused(users):
    higher = enter(users, level="1")
    verify(higher, users)
    walk(
        higher,
        users,
        "submit",
        "first_pass",
        "second_pass",
        "publicise",
        "approve",
        "pay",
    )
    error = refused(users, level="3", certificate_number="S000036060000456")
    assert error.errors["id_number"] == [
        f"该人员已于申请{higher.number}(已发放)领取就业奖励(高级技师(一级)),"
        "不能再申请较低等级的就业奖励。"
    ]


def test_same_level_again_after_payment_is_refused_as_once_per_person(users):
    paid = enter(users)
    verify(paid, users)
    walk(paid, users, "submit", "first_pass", "second_pass", "publicise")
    walk(paid, users, "approve", "pay")
    error = refused(users, certificate_number="S000036060000456")
    assert f"{paid.number}(已发放)" in str(error)
    assert "每人只能享受一次" in str(error)


def test_same_certificate_in_another_application_is_refused(users):
    existing = enter(users)
    error = refused(
        users,
        id_number=ID_LI,
        kind="upskill",
        certificate_number=" s000036060000123 ",
    )
    assert error.errors == {
        "certificate_number": [
            f"证书编号S000036060000123已用于申请{existing.number}(待提交),"
            "同一证书不能重复申请。"
        ]
    }


def test_both_duplicates_are_reported_at_once(users):
    enter(users)
    error = refused(users)
    assert set(error.errors) == {"id_number", "certificate_number"}


@pytest.mark.parametrize("refusal", ["first_refuse", "second_refuse"])
def test_refused_application_blocks_nothing(users, refusal):
    first = enter(users)
    verify(first, users)
    steps = (
        ["submit", refusal]
        if refusal == "first_refuse"
        else [
            "submit",
            "first_pass",
            refusal,
        ]
    )
    walk(first, users, *steps)
    first.refresh_from_db()
    assert first.state == "refused"
    again = enter(users)
    assert again.number != first.number
    assert again.certificate_number == first.certificate_number


def test_returned_application_still_blocks(users):
    first = walk(enter(users), users, "submit", "first_return")
    assert first.state == "returned"
    assert "每人只能享受一次" in str(refused(users, certificate_number="S2"))


def test_correcting_an_application_does_not_collide_with_itself(users):
    from incentives.services.applications import application_update

    application = enter(users)
    updated = application_update(
        application=application,
        data={"level": "1", "id_number": ID_ZHANG},
        actor=users["clerk"],
        version=application.version,
    )
    assert updated.level == "1"
    assert updated.amount == 3000


def test_correction_into_a_duplicate_is_refused(users):
    from incentives.services.applications import application_update

    enter(users)
    other = enter(users, id_number=ID_LI, certificate_number="S000036060000456")
    with pytest.raises(ApplicationError) as caught:
        application_update(
            application=other,
            data={"certificate_number": "S000036060000123"},
            actor=users["clerk"],
            version=other.version,
        )
    assert list(caught.value.errors) == ["certificate_number"]
    other.refresh_from_db()
    assert other.certificate_number == "S000036060000456"
