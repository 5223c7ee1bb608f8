"""Every read of targets that a page, export or command needs; each runs a
fixed number of queries whatever the number of targets and readings."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from tasks.models import Responsibility

from . import permissions
from .models import PlanPoint, Reading, ReviewStatus, Target
from .progress import Progress, progress_of


@dataclass
class Group:
    """Targets under one heading: 发展目标, or a key task of a section."""

    title: str
    section: str = ""
    items: list[Progress] = field(default_factory=list)


def with_history(
    targets: QuerySet[Target], readings: QuerySet[Reading] | None = None
) -> QuerySet[Target]:
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
    today = today or timezone.localdate()
    return [
        progress_of(t, t.readings.all(), t.plan.all(), today)
        for t in with_history(targets).order_by("policy", "position", "pk")
    ]


def board(user, today: datetime.date | None = None) -> list[Group]:
    """Accepted targets grouped as the policy is: its 发展目标, then each
    key task (the industry chains of section 一 among them) by section."""
    items = progress_list(
        permissions.targets_for_user(user).filter(review_status=ReviewStatus.ACCEPTED),
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


def public_board(today: datetime.date | None = None) -> list[Group]:
    return group_by_key_task(progress_list(permissions.published_targets(), today))


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
