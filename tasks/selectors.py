"""Every read of the policy data that a page, command or import needs."""

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from tasks.models import (
    AnnexColumnMapping,
    Department,
    KeyTask,
    KeyTaskAssignment,
    Policy,
    Responsibility,
    Role,
    Section,
    Task,
)

from .importers.annex import annex_header
from .importers.errors import ImportFailed


def policy_for_annex() -> Policy:
    """The policy an annex belongs to when none is named: the only one."""
    policies = list(Policy.objects.order_by("number")[:5])
    if len(policies) == 1:
        return policies[0]
    if not policies:
        raise ImportFailed(
            "库中还没有政策文件:请先导入政策正文,或用 --policy 指定附件所属政策的文号。"
        )
    numbers = "、".join(p.number for p in policies)
    raise ImportFailed(
        f"库中有多份政策文件({numbers}),请用 --policy 指定附件所属的一份。"
    )


def policy_choices(*, published_only: bool = False) -> list[Policy]:
    """Every policy with the number of its tasks, for a page's policy
    switcher; with ``published_only``, those the public page shows. One
    query."""
    policies = Policy.objects.annotate(task_count=Count("tasks"))
    if published_only:
        policies = policies.filter(published=True)
    return list(policies.order_by("number"))


def default_policy(
    policies: list[Policy], today: datetime.date | None = None
) -> Policy | None:
    """The policy a page shows unless another is asked for: of those in
    force, the one with the most tasks (the first by number on a tie).
    ``policies`` as ``policy_choices`` gives them."""
    today = today or timezone.localdate()

    def rank(policy: Policy) -> tuple[bool, int]:
        repealed = policy.repealed_on is not None and policy.repealed_on <= today
        return (not repealed, policy.task_count)

    return max(policies, key=rank, default=None)


def _responsibilities_prefetch() -> Prefetch:
    return Prefetch(
        "responsibilities",
        queryset=Responsibility.objects.select_related("department").order_by(
            "position"
        ),
    )


def task_list(tasks: QuerySet[Task]) -> QuerySet[Task]:
    return (
        tasks.select_related("policy", "key_task__section")
        .prefetch_related(_responsibilities_prefetch())
        .order_by("policy__number", "number")
    )


def task_detail(tasks: QuerySet[Task]) -> QuerySet[Task]:
    return tasks.select_related("policy", "key_task__section").prefetch_related(
        _responsibilities_prefetch(),
        Prefetch(
            "key_task__assignments",
            queryset=KeyTaskAssignment.objects.select_related("department").order_by(
                "role", "position"
            ),
        ),
    )


def department_list() -> QuerySet[Department]:
    return Department.objects.annotate(
        lead_count=Count(
            "responsibilities", filter=Q(responsibilities__role=Role.LEAD)
        ),
        cooperating_count=Count(
            "responsibilities", filter=Q(responsibilities__role=Role.COOPERATING)
        ),
        task_count=Count("responsibilities"),
    ).order_by("sort_order", "name")


def department_detail() -> QuerySet[Department]:
    return Department.objects.prefetch_related("members", "member_of", "aliases")


def department_responsibilities(
    department: Department, tasks: QuerySet[Task]
) -> dict[str, list[Responsibility]]:
    """The department's tasks grouped by role, its groups' tasks included.

    The groups come from ``department.member_of`` (prefetched by
    ``department_detail``), so that the query looks responsibilities up by
    department in their index instead of joining every one of them to the
    groups' members."""
    units = [department.pk, *(group.pk for group in department.member_of.all())]
    rows = (
        Responsibility.objects.filter(department_id__in=units, task__in=tasks)
        .select_related("task__key_task", "task__policy", "department")
        .order_by("task__policy__number", "task__number")
    )
    grouped: dict[str, list[Responsibility]] = {role: [] for role in Role.values}
    for responsibility in rows:
        grouped[responsibility.role].append(responsibility)
    return grouped


def key_task_choices() -> QuerySet[KeyTask]:
    return KeyTask.objects.order_by("policy__number", "number")


def section_choices() -> QuerySet[Section]:
    return Section.objects.order_by("policy__number", "number")


def annex_mapping_for(data: bytes, file_name: str = "附件.xlsx") -> dict | None:
    """The column mapping a person chose for an annex of this header, if
    any: applied to the next sheet that comes with the same header."""
    try:
        header = annex_header(data, file_name)
    except ImportFailed:
        return None  # the import itself says what is wrong with the file
    if header is None:
        return None
    saved = AnnexColumnMapping.objects.filter(signature=header.signature).first()
    return dict(saved.mapping) if saved else None
