"""The lists' progress, computed from what the database sums of each
target's counted readings, is the progress a target's own readings give:
on random targets, readings (some on one date, some after the cutoff, some
in reports of every state) and plans, at days before, between and after
the deadlines, and against the computation the lists used before they
stopped loading every reading."""

import dataclasses
import datetime
import random
from decimal import Decimal

import pytest

from dispatch.models import ProgressReport, ReportState
from targets.models import PlanPoint, Reading, ReadingSource, ReviewStatus, Target
from targets.permissions import counted_readings
from targets.progress import (
    Progress,
    _judged,
    _months_between,
    _status,
    expected_value,
    progress_of,
    start_of,
)
from targets.selectors import progress_list
from tasks.models import Task

D = datetime.date
BASE = D(2024, 1, 1)
DAYS = [D(2023, 3, 1), D(2024, 6, 30), D(2025, 6, 12), D(2026, 12, 1), D(2029, 1, 1)]
FIELDS = [f.name for f in dataclasses.fields(Progress) if f.name != "points"]


def _random_data(policy, rng: random.Random, count: int) -> None:
    tasks = list(Task.objects.filter(policy=policy).select_related("key_task"))
    reports = list(ProgressReport.objects.order_by("pk"))
    states = list(ReportState.values)
    for report in reports:
        report.state = rng.choice(states)
    ProgressReport.objects.bulk_update(reports, ["state"])
    for number in range(count):
        task = rng.choice(tasks) if rng.random() < 0.8 else None
        value = Decimal(rng.randint(1, 200000)) / rng.choice([1, 100])
        kind = rng.choice(["cumulative", "annual", "percentage", "milestone"])
        unit = "%" if kind == "percentage" else "人"
        if unit == "%":
            value = min(value, Decimal(100))
        target = Target.objects.create(
            policy=policy,
            task=task,
            key_task=task.key_task if task else None,
            metric=f"随机目标{number}",
            value=value,
            unit=unit,
            kind=kind,
            start_date=rng.choice(
                [None, BASE + datetime.timedelta(rng.randint(-400, 300))]
            ),
            deadline=BASE + datetime.timedelta(days=rng.randint(-200, 1500)),
            start_value=Decimal(rng.randint(0, 50)) if rng.random() < 0.5 else 0,
            source_text="随机",
            source_ref="随机",
            fingerprint=f"random-{number}",
            review_status=ReviewStatus.ACCEPTED,
            position=number,
        )
        dates = [
            BASE + datetime.timedelta(days=rng.randint(-300, 1800))
            for _ in range(rng.choice([0, 1, 1, 2, 3, 8, 20]))
        ]
        if dates and rng.random() < 0.3:
            dates.append(dates[0])  # two readings on one date
        own = rng.sample(reports, k=min(len(dates), len(reports)))
        Reading.objects.bulk_create(
            Reading(
                target=target,
                value=Decimal(rng.randint(0, int(value * 130) + 1)) / 100,
                as_of=on,
                source=ReadingSource.IMPORT,
                report=own[index] if task and rng.random() < 0.4 else None,
            )
            for index, on in enumerate(dates)
        )
        for _ in range(rng.choice([0, 0, 1, 2])):
            PlanPoint.objects.get_or_create(
                target=target,
                as_of=BASE + datetime.timedelta(days=rng.randint(0, 900)),
                defaults={"value": value * Decimal(rng.randint(1, 9)) / 10},
            )


def _fields(item: Progress) -> dict:
    return {name: getattr(item, name) for name in FIELDS} | {"label": item.status_label}


def _before(target, readings, plan, today: datetime.date) -> Progress:
    """The progress as the lists computed it from every reading until the
    database summed them, float forecast and all."""
    from django.conf import settings

    from targets.progress import Status

    result = Progress(target=target)
    closed = today > target.deadline
    cutoff = target.deadline if closed else today
    points = sorted((r.as_of, r.value) for r in readings if r.as_of <= cutoff)
    result.points = points
    on = min(today, target.deadline)
    result.expected = expected_value(target, plan, on).quantize(Decimal("0.01"))
    span = target.value - target.start_value
    if span:
        result.expected_percent = float(
            (result.expected - target.start_value) / span * 100
        )
    if not points and closed:
        return result
    if not points:
        result.stale = (
            _months_between(start_of(target), today) > settings.TARGET_STALE_MONTHS
        )
        result.status = Status.RED if result.stale else Status.NONE
        return result
    result.latest_date, result.latest_value = points[-1]
    done = result.latest_value - target.start_value
    result.percent = float(done / span * 100) if span else 100.0
    if closed:
        return _judged(target, result)
    result.stale = (
        _months_between(result.latest_date, today) > settings.TARGET_STALE_MONTHS
    )
    result.forecast = _float_forecast(target, points)
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


def _float_forecast(target, points) -> Decimal | None:
    start = start_of(target)
    xs = [(d - start).days for d, _ in points]
    ys = [float(v) for _, v in points]
    if len(points) == 1:
        xs.insert(0, 0)
        ys.insert(0, float(target.start_value))
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    slope /= spread
    at_deadline = mean_y + slope * ((target.deadline - start).days - mean_x)
    return Decimal(str(round(max(at_deadline, 0.0), 2)))


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2])
def test_list_progress_from_database_sums_equals_progress_from_every_reading(
    policy, period, seed
):
    _random_data(policy, random.Random(seed), 60)  # noqa: S311 (test data)
    targets = Target.objects.all()
    counted = counted_readings().order_by("as_of", "pk")
    assert counted.count() < Reading.objects.count()  # some do not count
    for today in DAYS:
        listed = progress_list(targets, today)
        assert [item.target.pk for item in listed] == list(
            targets.order_by("policy", "position", "pk").values_list("pk", flat=True)
        )
        judged = forecast = 0
        for item in listed:
            target = item.target
            readings = list(counted.filter(target=target))
            plan = list(PlanPoint.objects.filter(target=target).order_by("as_of"))
            own = progress_of(target, readings, plan, today)
            assert _fields(item) == _fields(own), (target.pk, today)
            before = _fields(_before(target, readings, plan, today))
            now = _fields(item)
            if before["forecast"] is not None:
                # Exact sums against floats: the same figure to the cent.
                assert abs(now.pop("forecast") - before.pop("forecast")) <= Decimal(
                    "0.01"
                )
                forecast += 1
            assert now == before, (target.pk, today)
            judged += item.verdict is not None
        if today == D(2026, 12, 1):
            assert judged and forecast
