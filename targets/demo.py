"""Demo targets for a new user's first look: the parser's candidates,
confirmed, with readings that put targets in every status.

The readings are the policy's own years (its start to its 2025 deadlines),
written as of the day the demo is made. Inside the policy's span each
target's last reading stands at a chosen share of what the plan expects by
that day, so that every status shows whatever the day; after a deadline the
last reading is the final figure as of the deadline, so that targets are
achieved, missed by a little and missed by far. Before the policy starts
nothing can have been measured yet, and no reading is written.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tasks.models import Policy

from .models import Reading, ReadingSource, ReviewStatus, Target, TargetKind
from .progress import expected_value, start_of
from .services import policy_targets_extract, reading_record, target_decide

# Share of the expected value reached by the last reading, cycling over
# targets: on track, behind, far behind, and one whose readings stopped
# long ago (stale while the target runs, missed by a little after it).
SHARES = [Decimal("1.02"), Decimal("0.85"), Decimal("0.55"), Decimal("0.97")]
STOPPED_EARLY = 3
# How long the figures lag behind the day: a month's figure is in by the
# 20th of the next; the stopped target's last one is five months old.
LAG = datetime.timedelta(days=20)
STOPPED_LAG = datetime.timedelta(days=150)


def _month_end(day: datetime.date) -> datetime.date:
    """The last day of the month before ``day``'s, or ``day`` when it is a
    month end itself."""
    following = day + datetime.timedelta(days=1)
    if following.day == 1:
        return day
    return day.replace(day=1) - datetime.timedelta(days=1)


def _quarter_ends(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    dates = []
    year, month = start.year, ((start.month - 1) // 3 + 1) * 3
    while True:
        following = datetime.date(year + month // 12, month % 12 + 1, 1)
        day = following - datetime.timedelta(days=1)
        if day > end:
            return dates
        dates.append(day)
        month += 3
        if month > 12:
            year, month = year + 1, month - 12


def reading_dates(
    target, today: datetime.date, stopped: bool = False
) -> list[datetime.date]:
    """Quarter ends from the target's start, then its last figure: the
    month end a lag before today, or the deadline once it has passed."""
    start = start_of(target)
    if today > target.deadline:
        last = target.deadline
        if stopped:
            last = _month_end(target.deadline - STOPPED_LAG)
    else:
        last = _month_end(today - (STOPPED_LAG if stopped else LAG))
        if last < start:
            return []  # too early for any figure
    return [d for d in _quarter_ends(start, last) if d < last] + [last]


def reading_values(target, plan, today: datetime.date, share: Decimal, count: int):
    """``count`` values rising to ``share`` of what the plan expects on
    today (on the deadline once it has passed)."""
    if target.kind == TargetKind.MILESTONE:
        done = target.value if share >= 1 else Decimal(0)
        return [Decimal(0)] * (count - 1) + [done]
    on = min(today, target.deadline)
    goal = expected_value(target, plan, on) - target.start_value
    values = []
    for step in range(1, count + 1):
        value = target.start_value + goal * share * Decimal(step) / Decimal(count)
        if target.unit == "%":
            value = min(value, Decimal(100))
        values.append(max(value, Decimal(0)).quantize(Decimal("1")))
    return values


@transaction.atomic
def demo_targets_create(
    *, reviewer, today: datetime.date | None = None, policy: Policy | None = None
) -> int:
    """Confirm the policy's candidate targets (every policy's by default)
    and give them readings as of ``today``; returns the number of
    readings. Does nothing once the policy's targets have readings.

    Readings cycle over the targets of each call: a demo that makes a
    second policy's targets with a call of their own leaves the first
    one's readings as they are."""
    policies = Policy.objects.all() if policy is None else [policy]
    targets = Target.objects.filter(policy__in=policies)
    if Reading.objects.filter(target__in=targets).exists():
        return 0
    for item in policies:
        policy_targets_extract(policy=item)
    today = today or timezone.localdate()
    written = 0
    targets = (
        targets.filter(review_status=ReviewStatus.PROPOSED)
        .select_related("policy")
        .prefetch_related("plan")
        .order_by("position", "pk")
    )
    for index, target in enumerate(targets):
        target_decide(target=target, accept=True, actor=reviewer)
        share = SHARES[index % len(SHARES)]
        dates = reading_dates(
            target, today, stopped=index % len(SHARES) == STOPPED_EARLY
        )
        if not dates:
            continue
        values = reading_values(target, target.plan.all(), today, share, len(dates))
        for as_of, value in zip(dates, values, strict=True):
            reading_record(
                target=target,
                value=value,
                as_of=as_of,
                source=ReadingSource.IMPORT,
                note="演示数据",
            )
            written += 1
    return written
