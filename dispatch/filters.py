import django_filters
from django.http import QueryDict

from dispatch.models import ProgressReport, ReportingPeriod, ReportState
from tasks.filters import TaskChoiceFilter
from tasks.models import Task

from . import selectors


class ReviewQueueFilter(django_filters.FilterSet):
    """The reviewer's queue: the reports waiting for review unless another
    state (or 全部) is chosen, narrowed by department, task and period."""

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
        fields = ["state", "department", "task", "period"]

    def __init__(self, data=None, *args, **kwargs):
        # The queue's purpose: without a chosen state, what awaits review
        # (``state=`` chooses 全部).
        data = data.copy() if data is not None else QueryDict(mutable=True)
        data.setdefault("state", ReportState.SUBMITTED)
        super().__init__(data, *args, **kwargs)
