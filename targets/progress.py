"""Where a target stands: latest value, expected value by a date, status,
forecast at the deadline and the pace still needed. Pure functions over a
target, what its readings come to (``History``) and its plan, so that every
page computes them alike: the lists get the history from the database
(``targets.selectors``), a target's own page from its readings.

Once its deadline has passed a target is judged, not tracked: by the last
reading as of the deadline or before (a final figure entered later but
dated on the deadline counts; one dated after it changes nothing), with a
verdict, 已达成 or 未达成, instead of a pace, a forecast or a stale light.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.conf import settings

from .models import Comparator, TargetKind


class Status:
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    NONE = "none"

    LABELS = {
        "green": "正常",
        "yellow": "滞后",
        "red": "严重滞后",
        "none": "暂无读数",
    }


class Verdict:
    """A target judged after its deadline. Its status stays the light the
    pages colour by: green when achieved, yellow when missed by less than
    ``TARGET_YELLOW_AT`` of the way, red when missed by more."""

    ACHIEVED = "achieved"
    MISSED = "missed"

    LABELS = {"achieved": "已达成", "missed": "未达成"}


@dataclass
class Progress:
    target: object
    latest_value: Decimal | None = None
    latest_date: datetime.date | None = None
    percent: float | None = None
    expected: Decimal | None = None
    expected_percent: float | None = None
    status: str = Status.NONE
    stale: bool = False
    forecast: Decimal | None = None
    forecast_reaches: bool | None = None
    pace_needed: Decimal | None = None
    points: list[tuple[datetime.date, Decimal]] = field(default_factory=list)
    verdict: str | None = None

    @property
    def status_label(self) -> str:
        if self.verdict:
            return Verdict.LABELS[self.verdict]
        if self.stale and self.status == Status.RED:
            return "缺少读数"
        return Status.LABELS[self.status]


def start_of(target) -> datetime.date:
    if target.start_date:
        return target.start_date
    issued = getattr(target.policy, "issued_on", None)
    return issued or datetime.date(target.deadline.year - 3, 1, 1)


def expected_value(target, plan, on: datetime.date) -> Decimal:
    """The planned value on a date: along the plan's points, or a straight
    line from the start to the deadline where there is no plan."""
    start = start_of(target)
    if target.kind == TargetKind.MILESTONE:
        return target.value if on >= target.deadline else Decimal(0)
    nodes = [(start, target.start_value)]
    nodes += [(p.as_of, p.value) for p in sorted(plan, key=lambda p: p.as_of)]
    nodes.append((target.deadline, target.value))
    if on <= nodes[0][0]:
        return nodes[0][1]
    for (d0, v0), (d1, v1) in zip(nodes, nodes[1:], strict=False):
        if on <= d1:
            span = (d1 - d0).days or 1
            share = Decimal((on - d0).days) / Decimal(span)
            return v0 + (v1 - v0) * share
    return target.value


def _months_between(a: datetime.date, b: datetime.date) -> Decimal:
    return Decimal((b - a).days) / Decimal("30.44")


@dataclass(frozen=True)
class History:
    """What progress needs of a target's counted readings dated on or before
    its cutoff (today, or the deadline once it has passed): the latest one
    (the greatest value on the latest date) and the sums of a least-squares
    line through them all, with x the days before the deadline and y the
    value, so that no page needs the readings themselves."""

    count: int = 0
    latest_date: datetime.date | None = None
    latest_value: Decimal | None = None
    days: int = 0  # sum of x
    days_squared: int = 0  # sum of x * x
    values: Decimal = Decimal(0)  # sum of y
    weighted: Decimal = Decimal(0)  # sum of x * y


def cutoff_of(target, today: datetime.date) -> datetime.date:
    """The last date a reading counts on: today, or the deadline."""
    return min(today, target.deadline)


def history_of(target, points: list[tuple[datetime.date, Decimal]]) -> History:
    """The history of sorted (date, value) points, as the database sums it."""
    if not points:
        return History()
    days = [(target.deadline - on).days for on, _ in points]
    return History(
        count=len(points),
        latest_date=points[-1][0],
        latest_value=points[-1][1],
        days=sum(days),
        days_squared=sum(d * d for d in days),
        values=sum((v for _, v in points), Decimal(0)),
        weighted=sum(
            (d * v for d, (_, v) in zip(days, points, strict=True)), Decimal(0)
        ),
    )


def _forecast(target, history: History) -> Decimal | None:
    """Least-squares line through the readings (and the start, when there
    is only one reading), evaluated at the deadline. Exact arithmetic over
    the sums, rounded to the cent half to even, so that the database's sums
    and a target's own readings give the same figure."""
    n, sx, sxx = history.count, history.days, history.days_squared
    sy, sxy = Fraction(history.values), Fraction(history.weighted)
    if n == 1:
        lead = (target.deadline - start_of(target)).days
        start = Fraction(target.start_value)
        n, sx, sxx, sy, sxy = (
            2,
            sx + lead,
            sxx + lead * lead,
            sy + start,
            sxy + lead * start,
        )
    spread = n * sxx - sx * sx
    if spread == 0:
        return None
    slope = (n * sxy - sx * sy) / spread
    at_deadline = (sy - slope * sx) / n  # x = 0 is the deadline
    return Decimal(round(max(at_deadline, Fraction(0)) * 100)).scaleb(-2)


def progress_of(target, readings, plan, today: datetime.date) -> Progress:
    """Everything a page shows about a target, from its readings: a
    target's own page, which charts them all."""
    cutoff = cutoff_of(target, today)
    points = sorted((r.as_of, r.value) for r in readings if r.as_of <= cutoff)
    result = progress_from(target, history_of(target, points), plan, today)
    result.points = points
    return result


def progress_from(target, history: History, plan, today: datetime.date) -> Progress:
    """Everything a page shows about a target, from its history."""
    if target.comparator == Comparator.AT_MOST:
        return _ceiling(target, history, today)
    result = Progress(target=target)
    closed = today > target.deadline
    on = min(today, target.deadline)
    result.expected = expected_value(target, plan, on).quantize(Decimal("0.01"))
    span = target.value - target.start_value
    if span:
        result.expected_percent = float(
            (result.expected - target.start_value) / span * 100
        )
    if history.latest_date is None and closed:
        return result  # nothing to judge by: no reading, not a late one
    if history.latest_date is None:
        months_since_start = _months_between(start_of(target), today)
        stale_after = settings.TARGET_STALE_MONTHS
        result.stale = months_since_start > stale_after
        result.status = Status.RED if result.stale else Status.NONE
        return result
    result.latest_date, result.latest_value = history.latest_date, history.latest_value
    done = result.latest_value - target.start_value
    result.percent = float(done / span * 100) if span else 100.0
    if closed:
        return _judged(target, result)
    result.stale = (
        _months_between(result.latest_date, today) > settings.TARGET_STALE_MONTHS
    )
    result.forecast = _forecast(target, history)
    if result.latest_value >= target.value:
        result.forecast_reaches = True
    elif result.forecast is not None:
        result.forecast_reaches = result.forecast >= target.value
    months_left = _months_between(today, target.deadline)
    if months_left > 0 and result.latest_value < target.value:
        result.pace_needed = (
            (target.value - result.latest_value) / months_left
        ).quantize(Decimal("0.01"))
    result.status = _status(target, result)
    return result


def _ceiling(target, history: History, today: datetime.date) -> Progress:
    """A ceiling (控制在5%以内) holds while the latest reading is at or
    under it: there is no way to go, so no expected line, forecast or
    pace. Over it, the light is yellow while the ceiling is at least
    ``TARGET_YELLOW_AT`` of the reading (5% against 6%: 83%), red beyond;
    after the deadline the last reading by then is the verdict."""
    result = Progress(target=target, expected=target.value)
    closed = today > target.deadline
    if history.latest_date is None:
        if not closed:
            months_since_start = _months_between(start_of(target), today)
            result.stale = months_since_start > settings.TARGET_STALE_MONTHS
            result.status = Status.RED if result.stale else Status.NONE
        return result
    result.latest_date, result.latest_value = history.latest_date, history.latest_value
    within = result.latest_value <= target.value
    share = (
        Decimal(1)
        if within or not result.latest_value
        else target.value / result.latest_value
    )
    result.percent = float(share * 100)
    result.forecast_reaches = within
    if closed:
        result.verdict = Verdict.ACHIEVED if within else Verdict.MISSED
    else:
        result.stale = (
            _months_between(result.latest_date, today) > settings.TARGET_STALE_MONTHS
        )
    if within:
        result.status = Status.GREEN
    elif result.stale:
        result.status = Status.RED
    else:
        close = share >= Decimal(str(settings.TARGET_YELLOW_AT))
        result.status = Status.YELLOW if close else Status.RED
    return result


def _judged(target, result: Progress) -> Progress:
    """The verdict on a target whose deadline has passed."""
    reached = result.latest_value >= target.value
    result.forecast_reaches = reached
    result.verdict = Verdict.ACHIEVED if reached else Verdict.MISSED
    if reached:
        result.status = Status.GREEN
    elif target.kind == TargetKind.MILESTONE:
        result.status = Status.RED
    else:
        share = Decimal(str(result.percent)) / 100
        close = share >= Decimal(str(settings.TARGET_YELLOW_AT))
        result.status = Status.YELLOW if close else Status.RED
    return result


def _status(target, result: Progress) -> str:
    if result.latest_value >= target.value:
        return Status.GREEN
    if result.stale:
        return Status.RED
    if target.kind == TargetKind.MILESTONE:
        return Status.YELLOW  # not done yet, and not due yet
    needed = result.expected - target.start_value
    if needed <= 0:
        return Status.GREEN
    ratio = (result.latest_value - target.start_value) / needed
    if ratio >= Decimal(str(settings.TARGET_GREEN_AT)):
        return Status.GREEN
    if ratio >= Decimal(str(settings.TARGET_YELLOW_AT)):
        return Status.YELLOW
    return Status.RED
