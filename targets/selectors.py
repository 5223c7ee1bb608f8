"""Every read of targets that a page, export or command needs; each runs a
fixed number of queries whatever the number of targets and readings, and
the lists load no reading: the database hands over each target's history
(``progress.History``), the latest reading and the sums its forecast needs.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    BigIntegerField,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Least, Round
from django.utils import timezone

from tasks.models import Responsibility

from . import permissions
from .models import PlanPoint, Reading, ReviewStatus, Target
from .progress import History, Progress, progress_from


@dataclass
class Group:
    """Targets under one heading: 发展目标, or a key task of a section."""

    title: str
    section: str = ""
    items: list[Progress] = field(default_factory=list)


def with_history(
    targets: QuerySet[Target], readings: QuerySet[Reading] | None = None
) -> QuerySet[Target]:
    """The targets with every counted reading and plan point: for a
    target's own page, which charts them; the lists use ``progress_list``."""
    readings = readings if readings is not None else permissions.counted_readings()
    return targets.select_related(
        "policy", "key_task__section", "task"
    ).prefetch_related(
        Prefetch("readings", queryset=readings.order_by("as_of", "pk")),
        Prefetch("plan", queryset=PlanPoint.objects.order_by("as_of")),
    )


def progress_list(
    targets: QuerySet[Target], today: datetime.date | None = None
) -> list[Progress]:
    """The targets' progress in the policy's order: three queries (the
    targets with their latest reading, the sums, the plans), whatever the
    number of readings. The items carry no ``points``: only a target's own
    page charts its readings."""
    today = today or timezone.localdate()
    rows = (
        _with_latest(targets, today)
        .select_related("policy", "key_task__section", "task")
        .prefetch_related(
            # A list, not a manager: ``plan.all()`` would clone a queryset
            # per target.
            Prefetch(
                "plan",
                queryset=PlanPoint.objects.order_by("as_of"),
                to_attr="plan_points",
            )
        )
        .order_by("policy", "position", "pk")
    )
    sums = _sums(targets, today)
    return [
        progress_from(t, _history(t, sums.get(t.pk)), t.plan_points, today)
        for t in rows
    ]


class _DaysBetween(Func):
    """Whole days from the second date to the first: a date minus a date is
    an integer on PostgreSQL; SQLite counts in julian days."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(ROUND(julianday(%(expressions)s)) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


def _counted_by(deadline, today: datetime.date) -> QuerySet[Reading]:
    """The counted readings dated on or before the cutoff of the target
    whose deadline is given: ``progress.cutoff_of`` in SQL."""
    cutoff = Least(deadline, Value(today, output_field=DateField()))
    return permissions.counted_readings().filter(as_of__lte=cutoff)


def _with_latest(targets: QuerySet[Target], today: datetime.date) -> QuerySet[Target]:
    """The targets with their latest counted reading as of their cutoff:
    the greatest value on the latest date, as sorting (date, value) gives;
    a correlated subquery, which the index on (target, as_of) serves on
    PostgreSQL and SQLite alike."""
    latest = (
        _counted_by(OuterRef("deadline"), today)
        .filter(target=OuterRef("pk"))
        .order_by("-as_of", "-value")
    )
    return targets.annotate(
        latest_as_of=Subquery(latest.values("as_of")[:1]),
        latest_reading=Subquery(latest.values("value")[:1]),
    )


def _sums(targets: QuerySet[Target], today: datetime.date) -> dict[int, dict]:
    """Per target, the count and the least-squares sums of its counted
    readings up to the cutoff, x in days before the deadline and y in cents
    (integers, so that SQLite's sums are as exact as PostgreSQL's); one
    grouped query."""
    days = _DaysBetween(F("target__deadline"), F("as_of"))
    cents = Cast(Round(F("value") * 100), BigIntegerField())
    product = ExpressionWrapper(days * cents, output_field=BigIntegerField())
    rows = (
        _counted_by(F("target__deadline"), today)
        .filter(target__in=targets.order_by().values("pk"))
        .order_by()
        .values("target")
        .annotate(
            n=Count("pk"),
            days=Sum(days),
            days_squared=Sum(
                ExpressionWrapper(days * days, output_field=BigIntegerField())
            ),
            cents=Sum(cents),
            weighted=Sum(product),
        )
    )
    return {row["target"]: row for row in rows}


def _history(target: Target, sums: dict | None) -> History:
    if target.latest_as_of is None or sums is None:
        return History()
    return History(
        count=sums["n"],
        latest_date=target.latest_as_of,
        latest_value=target.latest_reading,
        days=int(sums["days"]),
        days_squared=int(sums["days_squared"]),
        values=Decimal(int(sums["cents"])).scaleb(-2),
        weighted=Decimal(int(sums["weighted"])).scaleb(-2),
    )


def board(user, policy, today: datetime.date | None = None) -> list[Group]:
    """The policy's accepted targets grouped as it is: its 发展目标, then
    each key task (the industry chains of section 一 among them) by
    section. One policy at a time: a province holds thousands of targets."""
    items = progress_list(
        permissions.targets_for_user(user).filter(
            review_status=ReviewStatus.ACCEPTED, policy=policy
        ),
        today,
    )
    return group_by_key_task(items)


def group_by_key_task(items: list[Progress]) -> list[Group]:
    groups: dict[object, Group] = {}
    for item in items:
        key_task = item.target.key_task
        if key_task is None:
            key = ("0", 0)
            title, section = "发展目标", ""
        else:
            key = (str(key_task.policy_id), key_task.number)
            title = f"{key_task.number}. {key_task.name}"
            section = str(key_task.section) if key_task.section else ""
        groups.setdefault(key, Group(title=title, section=section)).items.append(item)
    return [groups[k] for k in sorted(groups)]


def status_counts(items: list[Progress]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item.status] = counts.get(item.status, 0) + 1
    return counts


def target_detail(user) -> QuerySet[Target]:
    return with_history(
        permissions.targets_for_user(user),
        permissions.counted_readings().select_related(
            "entered_by", "report__department", "report__period"
        ),
    )


def department_targets(
    department, user, today: datetime.date | None = None
) -> list[Progress]:
    """Accepted targets of the tasks a department carries, itself or
    through a group."""
    task_ids = Responsibility.objects.filter(
        Q(department=department) | Q(department__members=department)
    ).values("task_id")
    targets = permissions.targets_for_user(user).filter(
        review_status=ReviewStatus.ACCEPTED, task_id__in=task_ids
    )
    return progress_list(targets, today)


def task_targets(task) -> QuerySet[Target]:
    """The accepted targets a task's lead department reports on."""
    return Target.objects.filter(
        task=task, review_status=ReviewStatus.ACCEPTED
    ).order_by("position")


def public_board(policy, today: datetime.date | None = None) -> list[Group]:
    return group_by_key_task(
        progress_list(permissions.published_targets().filter(policy=policy), today)
    )


@dataclass(frozen=True)
class ReportValue:
    """A target value a report gives, and whether the progress counts it."""

    target: Target
    value: Decimal
    counted: bool


def report_values(report) -> list[ReportValue]:
    """The target values a report gives, for its page: the reviewer sees
    what approving it would count; one query."""
    counted = report.state == permissions.COUNTED_REPORT_STATE
    readings = (
        Reading.objects.filter(report=report)
        .select_related("target")
        .order_by("target__position", "target_id")
    )
    return [ReportValue(r.target, r.value, counted) for r in readings]


def report_targets(report) -> tuple[list[Target], dict[int, object]]:
    """The targets a report gives values for, and the values it gave: a
    lead report carries its task's accepted targets, others none."""
    from tasks.models import Role

    if report.role != Role.LEAD:
        return [], {}
    targets = list(task_targets(report.task))
    given = dict(
        Reading.objects.filter(report=report).values_list("target_id", "value")
    )
    return targets, given
