import django_filters
from django.http import QueryDict

from common.http import BadQuery, query_id
from dispatch.models import ProgressReport, ReportingPeriod, ReportState
from tasks import selectors as task_selectors
from tasks.filters import TaskChoiceFilter
from tasks.models import Policy, Task

from . import selectors


class ReviewQueueFilter(django_filters.FilterSet):
    """The reviewer's queue: the reports waiting for review unless another
    state (or 全部) is chosen, narrowed by policy, department, task and
    period.

    The task choices are one policy's (the chosen one, else the chosen
    task's, else the default policy's), not every task of every policy:
    at province scale that list alone was a thousand options and most of
    the page's time."""

    policy = django_filters.ModelChoiceFilter(
        label="政策",
        field_name="task__policy",
        queryset=Policy.objects.order_by("number"),
        empty_label="全部",
    )
    state = django_filters.ChoiceFilter(
        label="状态", choices=ReportState.choices, empty_label="全部"
    )
    department = django_filters.ModelChoiceFilter(
        label="部门",
        queryset=selectors.report_department_choices(),
        empty_label="全部",
    )
    task = TaskChoiceFilter(
        label="工作要求",
        queryset=Task.objects.order_by("number", "pk"),
        empty_label="全部",
    )
    period = django_filters.ModelChoiceFilter(
        label="填报期",
        queryset=ReportingPeriod.objects.order_by("-year", "-month"),
        empty_label="全部",
    )

    class Meta:
        model = ProgressReport
        fields = ["policy", "state", "department", "task", "period"]

    def __init__(self, data=None, *args, **kwargs):
        # The queue's purpose: without a chosen state, what awaits review
        # (``state=`` chooses 全部).
        data = data.copy() if data is not None else QueryDict(mutable=True)
        data.setdefault("state", ReportState.SUBMITTED)
        super().__init__(data, *args, **kwargs)
        self.filters["task"].queryset = _task_choices(
            data.get("policy"), data.get("task")
        )


def _task_choices(policy: str | None, task: str | None):
    """The tasks of the chosen policy, or of the chosen task's policy, or
    of the default policy; a value that is not a number chooses nothing
    here and is reported by the form."""
    tasks = Task.objects.order_by("number", "pk")
    if _number(policy):
        return tasks.filter(policy_id=int(policy))
    if _number(task):
        return tasks.filter(policy__tasks__pk=int(task))
    chosen = task_selectors.default_policy(task_selectors.policy_choices())
    return tasks.filter(policy=chosen)


def _number(value: str | None) -> bool:
    try:
        query_id({"value": value or ""}, "value", "")
    except BadQuery:
        return False
    return bool(value)
