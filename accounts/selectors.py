"""Reads for the account pages."""

import datetime
from dataclasses import dataclass

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone


@dataclass(frozen=True)
class Lock:
    value: str
    failures: int
    last_attempt: datetime.datetime
    until: datetime.datetime


def locks_current(now: datetime.datetime | None = None) -> dict[str, list[Lock]]:
    """The usernames and the addresses locked now, as django-axes counts
    them: failures within the cool-off reaching the limit, by username and
    separately by address."""
    since = (now or timezone.now()) - settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(attempt_time__gte=since)
    locks = {}
    for key, field in (("usernames", "username"), ("addresses", "ip_address")):
        rows = (
            recent.exclude(**{f"{field}__isnull": True})
            .values(field)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
            .order_by("-last")
        )
        locks[key] = [
            Lock(
                value=row[field],
                failures=row["failures"],
                last_attempt=row["last"],
                until=row["last"] + settings.AXES_COOLOFF_TIME,
            )
            for row in rows
        ]
    return locks
