"""Targets fed by the awards paid (``TargetFeed``): a target's reading is
the number of distinct people paid an award of the feed's kinds since its
``counts_from`` day, recorded through the targets' own
``targets.services.reading_record`` (every rule of a reading holds: the
target must be accepted, the day not in the future; audited), as an
import (``ReadingSource.IMPORT``) with the note ``FEED_NOTE``.

A person is counted once however many awards they were paid (by the ID
number's keyed hash); an award without an ID number (an enterprise's) is
counted by application. A reading is recorded only when the count differs
from the feed's own last reading of that target, so running the feed
again, daily or after each payment import, adds nothing until someone new
is paid.

For the policy's 发展目标 "引进1000名以上具有技术攻关、技艺研发、发明创造等
业绩成果的高技能人才来鹰就业创业" (target 引进高技能人才, 1000 名): a feed
of the 就业奖励 and 创业奖励 (``["employment", "startup"]``) counted from
the policy's issue (2023-02-13), set up in the admin's 目标读数来源.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from targets.models import Reading, ReadingSource
from targets.services import TargetError, reading_record

from .models import Application, TargetFeed
from .selectors.figures import paid_lines

FEED_NOTE = "由激励奖励已发放人数自动计入"


@dataclass(frozen=True)
class FeedResult:
    feed: TargetFeed
    value: int
    reading: Reading | None = None  # None: unchanged, or refused
    problem: str = ""  # why the targets refused it

    @property
    def message(self) -> str:
        target = self.feed.target
        if self.problem:
            return f"“{target.metric}”未计入:{self.problem}"
        if self.reading is None:
            return f"“{target.metric}”仍为 {self.value}{target.unit},未新增读数。"
        return f"“{target.metric}”计入读数 {self.value}{target.unit}。"


def people_paid(*, kinds, since: datetime.date, until: datetime.date) -> int:
    """Distinct people paid an award of ``kinds`` from ``since`` to
    ``until``; one query."""
    applications = Application.objects.filter(kind__in=list(kinds))
    hash_field = "share__application__id_number_hash"
    counts = paid_lines(applications, since, until).aggregate(
        people=Count(hash_field, distinct=True, filter=~Q(**{hash_field: ""})),
        others=Count(
            "share__application_id", distinct=True, filter=Q(**{hash_field: ""})
        ),
    )
    return counts["people"] + counts["others"]


def _last_fed(feed: TargetFeed) -> Decimal | None:
    reading = (
        Reading.objects.filter(
            target=feed.target, source=ReadingSource.IMPORT, note=FEED_NOTE
        )
        .order_by("-as_of", "-pk")
        .first()
    )
    return reading.value if reading else None


def feed_readings(*, today: datetime.date, actor=None) -> list[FeedResult]:
    """A reading as of ``today`` for each feed whose count changed; each
    feed on its own (one the targets refuse does not stop the others)."""
    results = []
    for feed in TargetFeed.objects.select_related("target").order_by("pk"):
        value = people_paid(kinds=feed.kinds, since=feed.counts_from, until=today)
        if _last_fed(feed) == value:
            results.append(FeedResult(feed, value))
            continue
        try:
            reading = reading_record(
                target=feed.target,
                value=value,
                as_of=today,
                source=ReadingSource.IMPORT,
                actor=actor,
                note=FEED_NOTE,
            )
        except TargetError as exc:
            results.append(FeedResult(feed, value, problem=str(exc)))
        else:
            results.append(FeedResult(feed, value, reading))
    return results
