"""Demo targets for a new user's first look: the parser's candidates,
confirmed, with readings that put targets in every status."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tasks.models import Policy

from .models import Reading, ReadingSource, ReviewStatus, Target, TargetKind
from .services import policy_targets_extract, reading_record, target_decide

# Share of the target reached by the last reading, cycling over targets:
# on track, behind, far behind, and one whose readings stopped long ago.
SHARES = [Decimal("1.02"), Decimal("0.85"), Decimal("0.55"), Decimal("0.97")]
STOPPED_EARLY = 3


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


@transaction.atomic
def demo_targets_create(*, reviewer) -> int:
    """Confirm every policy's candidate targets and give them readings;
    returns the number of readings. Does nothing once readings exist."""
    if Reading.objects.exists():
        return 0
    for policy in Policy.objects.all():
        policy_targets_extract(policy=policy)
    today = timezone.localdate()
    written = 0
    targets = (
        Target.objects.filter(review_status=ReviewStatus.PROPOSED)
        .select_related("policy")
        .order_by("position", "pk")
    )
    for index, target in enumerate(targets):
        target_decide(target=target, accept=True, actor=reviewer)
        share = SHARES[index % len(SHARES)]
        start = target.start_date or target.policy.issued_on or today
        last = today - datetime.timedelta(days=20)
        if index % len(SHARES) == STOPPED_EARLY:
            last = today - datetime.timedelta(days=150)
        dates = _quarter_ends(start, last) or [last]
        for step, as_of in enumerate(dates, start=1):
            if target.kind == TargetKind.MILESTONE:
                value = target.value if share >= 1 and step == len(dates) else 0
            else:
                reached = share * Decimal(step) / Decimal(len(dates))
                value = target.start_value + (target.value - target.start_value) * (
                    reached
                )
                if target.unit == "%":
                    value = min(value, Decimal(100))
            reading_record(
                target=target,
                value=Decimal(value).quantize(Decimal("1")),
                as_of=as_of,
                source=ReadingSource.IMPORT,
                note="演示数据",
            )
            written += 1
    return written
