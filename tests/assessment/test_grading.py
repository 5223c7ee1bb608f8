"""Ranks and grades from totals (assessment.grading): competition ranks,
grades by the scheme's minimum scores and the 优秀 quota, ties at its
boundary."""

from decimal import Decimal

import pytest

from assessment.grading import assign_grades, excellent_limit, ranks
from assessment.models import Grade, Scheme

EXCELLENT, GOOD, FAIR, POOR = Grade.EXCELLENT, Grade.GOOD, Grade.FAIR, Grade.POOR


def scheme(**rules):
    # Unsaved: grading reads only the rules.
    return Scheme(year=2025, title="测试方案", **rules)


def totals(*values):
    return {number: Decimal(str(value)) for number, value in enumerate(values, 1)}


def test_ties_share_a_rank_and_the_next_rank_skips():
    assert ranks(totals(95, 88, 88, 70, 60)) == {1: 1, 2: 2, 3: 2, 4: 4, 5: 5}


def test_totals_equal_to_two_decimals_are_a_tie():
    # 88.004 and 88.00 are both published as 88.00.
    assert ranks(totals("88.004", "88.00", "88.006")) == {1: 2, 2: 2, 3: 1}


def test_grades_follow_the_minimum_scores_at_their_boundaries():
    result = assign_grades(
        totals(90, "89.99", 85, "84.99", 70, "69.99", 0),
        scheme(excellent_quota=100),
    )
    assert [grade for _, grade in result.values()] == [
        EXCELLENT,
        GOOD,
        GOOD,
        FAIR,
        FAIR,
        POOR,
        POOR,
    ]


def test_scheme_minimums_are_the_schemes_own():
    result = assign_grades(
        totals(80, 75, 60, 50),
        scheme(excellent_min=80, good_min=75, fair_min=60, excellent_quota=100),
    )
    assert [grade for _, grade in result.values()] == [EXCELLENT, GOOD, FAIR, POOR]


def test_quota_is_rounded_down():
    # 30 % of 10 is 3; of 9 it is 2.7, so 2.
    assert excellent_limit(10, 30) == 3
    assert excellent_limit(9, 30) == 2
    result = assign_grades(totals(99, 98, 97, 96, 95, 60, 60, 60, 60), scheme())
    assert [grade for _, grade in result.values()][:5] == [
        EXCELLENT,
        EXCELLENT,
        GOOD,
        GOOD,
        GOOD,
    ]


def test_quota_gives_at_least_one_excellent_when_someone_qualifies():
    # 30 % of 3 departments rounds down to none; one is still 优秀.
    result = assign_grades(totals(95, 92, 80), scheme())
    assert result == {1: (1, EXCELLENT), 2: (2, GOOD), 3: (3, FAIR)}


def test_no_excellent_when_nobody_reaches_its_minimum():
    result = assign_grades(totals(89, 86, 71, 10), scheme(excellent_quota=100))
    assert [grade for _, grade in result.values()] == [GOOD, GOOD, FAIR, POOR]


def test_a_quota_of_zero_awards_no_excellent():
    result = assign_grades(totals(99, 98), scheme(excellent_quota=0))
    assert [grade for _, grade in result.values()] == [GOOD, GOOD]


def test_a_tie_across_the_quota_boundary_is_held_back_as_a_whole():
    # Ten departments, quota 3: two are clearly first; the third place is
    # shared by two, which would make four 优秀, so both are 良好.
    result = assign_grades(totals(99, 98, 95, 95, 94, 80, 80, 80, 80, 80), scheme())
    assert [result[n] for n in (1, 2, 3, 4, 5)] == [
        (1, EXCELLENT),
        (2, EXCELLENT),
        (3, GOOD),
        (3, GOOD),
        # Below the held-back tie, though it would fit the count.
        (5, GOOD),
    ]


def test_a_tie_that_fills_the_quota_exactly_is_excellent():
    result = assign_grades(totals(99, 95, 95, 90, 80, 80, 80, 80, 80, 80), scheme())
    grades = [result[n][1] for n in (1, 2, 3, 4)]
    assert grades == [EXCELLENT, EXCELLENT, EXCELLENT, GOOD]


def test_a_first_place_shared_beyond_the_quota_is_all_excellent():
    # Quota 30 % of 4 is 1, but three share the best total.
    result = assign_grades(totals(96, 96, 96, 91), scheme())
    assert result == {
        1: (1, EXCELLENT),
        2: (1, EXCELLENT),
        3: (1, EXCELLENT),
        4: (4, GOOD),
    }


def test_quota_counts_every_assessed_department_not_only_the_qualifying():
    # Ten departments, quota 3, five qualify: the best three are 优秀.
    result = assign_grades(totals(99, 98, 97, 92, 91, 60, 60, 60, 60, 60), scheme())
    assert sum(1 for _, grade in result.values() if grade == EXCELLENT) == 3


def test_no_totals_no_grades():
    assert assign_grades({}, scheme()) == {}


@pytest.mark.parametrize("size", [1, 7, 40])
def test_every_department_gets_a_rank_and_a_grade(size):
    result = assign_grades(
        {n: Decimal(100 - n) for n in range(size)}, scheme(excellent_quota=30)
    )
    assert set(result) == set(range(size))
    assert sorted(rank for rank, _ in result.values()) == list(range(1, size + 1))
    excellent = sum(1 for _, grade in result.values() if grade == EXCELLENT)
    assert excellent == min(excellent_limit(size, 30), 11)
