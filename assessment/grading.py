"""Ranks and grades (等次) of an assessment's totals: pure, no database.

Ranks are competition ranks: equal totals share a rank and the next
rank skips (1, 2, 2, 4). Totals are compared as published, to two
decimals, so that two departments the results table shows with the same
score never get different ranks.

Grades go by the scheme's minimum scores (优秀 ≥ excellent_min, 良好 ≥
good_min, 一般 ≥ fair_min, else 较差), with at most excellent_quota % of
the assessed departments 优秀: the quota is rounded down but is at least
one when anyone reaches excellent_min. A department over the quota is
graded 良好 (its total is above good_min by the scheme's ordering).

Ties at the quota's boundary: a group of equal totals is never split,
since nothing in the scores tells its members apart. A tied group that
would take 优秀 past the quota is graded 良好 as a whole, because the
quota is a ceiling (“不超过30%”). The one exception is the first group:
when the best total is shared by more departments than the quota allows,
all of them are 优秀, so that the “at least one” rule still holds. A quota
of 0 % awards no 优秀 at all.
"""

from decimal import ROUND_HALF_UP, Decimal

from .models import Grade

CENT = Decimal("0.01")


def published(total) -> Decimal:
    """A total as the results show it: two decimals, halves up."""
    return Decimal(total).quantize(CENT, rounding=ROUND_HALF_UP)


def excellent_limit(count: int, quota_percent: int) -> int:
    """How many of ``count`` departments may be 优秀 under the quota: rounded
    down, at least one (the caller applies it only when someone qualifies);
    none under a quota of 0 %, which is how a scheme awards no 优秀."""
    if not count or not quota_percent:
        return 0
    return max(1, count * quota_percent // 100)


def grade_by_score(total: Decimal, scheme) -> str:
    if total >= scheme.excellent_min:
        return Grade.EXCELLENT
    if total >= scheme.good_min:
        return Grade.GOOD
    if total >= scheme.fair_min:
        return Grade.FAIR
    return Grade.POOR


def ranks(totals: dict[int, Decimal]) -> dict[int, int]:
    """Competition ranks by total, highest first; ties share a rank."""
    ordered = sorted(totals, key=lambda key: (-published(totals[key]), key))
    result: dict[int, int] = {}
    previous = None
    for position, key in enumerate(ordered, start=1):
        value = published(totals[key])
        if value != previous:
            rank, previous = position, value
        result[key] = rank
    return result


def assign_grades(totals: dict[int, Decimal], scheme) -> dict[int, tuple[int, str]]:
    """``{department_id: (rank, grade)}`` for ``{department_id: total}``
    under ``scheme``'s minimum scores and 优秀 quota (see the module's
    docstring for ties at the quota)."""
    if not totals:
        return {}
    rank_of = ranks(totals)
    grades = {key: grade_by_score(published(totals[key]), scheme) for key in totals}
    limit = excellent_limit(len(totals), scheme.excellent_quota)
    qualifying = [key for key in totals if grades[key] == Grade.EXCELLENT]
    # Groups of equal totals among those reaching excellent_min, best first.
    groups: dict[int, list[int]] = {}
    for key in qualifying:
        groups.setdefault(rank_of[key], []).append(key)
    granted = 0
    for index, rank in enumerate(sorted(groups)):
        group = groups[rank]
        if granted + len(group) <= limit or (index == 0 and limit):
            granted += len(group)
            continue
        for key in group:
            grades[key] = Grade.GOOD
        # A later group that fits after this one would pass a better-placed
        # department over: once a group is held back, so is every one below.
        granted = limit + 1
    return {key: (rank_of[key], grades[key]) for key in totals}
