"""Reads for the account pages and for the sign-in locks.

A username is locked after ``AXES_FAILURE_LIMIT`` failures within the
cool-off, from wherever they come: one person's typos lock only that
person's account. An address is locked after the larger
``AXES_ADDRESS_FAILURE_LIMIT``, whichever accounts were tried: an office
behind one NAT address is locked only by someone trying many accounts.
Failures against a locked username are not counted
(``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT`` is off), so one account
adds at most ``AXES_FAILURE_LIMIT`` to its address and the address limit
takes failures on several accounts.
"""

import datetime
from dataclasses import dataclass

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

USERNAME = "username"
ADDRESS = "ip_address"


@dataclass(frozen=True)
class Lock:
    value: str
    failures: int
    last_attempt: datetime.datetime
    until: datetime.datetime
    kind: str = USERNAME


@dataclass(frozen=True)
class AttemptsLeft:
    """How many more failures the nearer of the two locks allows."""

    kind: str
    value: str
    left: int


def failure_limit(kind: str) -> int:
    if kind == ADDRESS:
        return settings.AXES_ADDRESS_FAILURE_LIMIT
    return settings.AXES_FAILURE_LIMIT


def _recent(now: datetime.datetime | None):
    since = (now or timezone.now()) - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(attempt_time__gte=since)


def _counts(
    *, username: str | None, ip_address: str | None, now: datetime.datetime | None
) -> list[tuple[str, str, int, datetime.datetime | None]]:
    """(kind, value, failures, last failure) for the username and the
    address of one sign-in; a missing one is left out."""
    recent = _recent(now)
    counts = []
    for kind, value in ((USERNAME, username), (ADDRESS, ip_address)):
        if not value:
            continue
        row = recent.filter(**{kind: value}).aggregate(
            failures=Sum("failures_since_start"), last=Max("attempt_time")
        )
        counts.append((kind, value, row["failures"] or 0, row["last"]))
    return counts


def locks_for(
    *, username: str | None, ip_address: str | None, now: datetime.datetime | None
) -> list[Lock]:
    """The locks that stop this sign-in now: the username's, the
    address's, both or none."""
    return [
        Lock(
            kind=kind,
            value=value,
            failures=failures,
            last_attempt=last,
            until=last + settings.AXES_COOLOFF_TIME,
        )
        for kind, value, failures, last in _counts(
            username=username, ip_address=ip_address, now=now
        )
        if failures >= failure_limit(kind)
    ]


def attempts_left(
    *, username: str | None, ip_address: str | None, now: datetime.datetime | None
) -> AttemptsLeft | None:
    """The failures still allowed before the nearer lock, the username's
    unless the address is nearer; None when neither has failures."""
    nearest = None
    for kind, value, failures, _last in _counts(
        username=username, ip_address=ip_address, now=now
    ):
        if not failures:
            continue
        left = max(failure_limit(kind) - failures, 0)
        if nearest is None or left < nearest.left:
            nearest = AttemptsLeft(kind=kind, value=value, left=left)
    return nearest


def locks_current(now: datetime.datetime | None = None) -> dict[str, list[Lock]]:
    """The usernames and the addresses locked now, each against its own
    limit."""
    recent = _recent(now)
    locks = {}
    for key, kind in (("usernames", USERNAME), ("addresses", ADDRESS)):
        rows = (
            recent.exclude(**{f"{kind}__isnull": True})
            .values(kind)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=failure_limit(kind))
            .order_by("-last")
        )
        locks[key] = [
            Lock(
                kind=kind,
                value=row[kind],
                failures=row["failures"],
                last_attempt=row["last"],
                until=row["last"] + settings.AXES_COOLOFF_TIME,
            )
            for row in rows
        ]
    return locks
