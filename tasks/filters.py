import django_filters
from django import forms
from django.db.models import Q

from tasks.models import Department, Role, Task

from . import selectors


class TaskFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    section = django_filters.ModelChoiceFilter(
        label="主要任务",
        field_name="key_task__section",
        queryset=selectors.section_choices(),
        empty_label="全部",
    )
    key_task = django_filters.ModelChoiceFilter(
        label="重点任务", queryset=selectors.key_task_choices(), empty_label="全部"
    )
    department = django_filters.ModelChoiceFilter(
        label="责任部门",
        queryset=Department.objects.order_by("sort_order", "name"),
        method="by_department",
        empty_label="全部",
    )
    role = django_filters.ChoiceFilter(
        label="角色", choices=Role.choices, method="by_role", empty_label="全部"
    )

    class Meta:
        model = Task
        fields = ["q", "section", "key_task", "department", "role"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(requirement__icontains=value)
            | Q(key_task__title__icontains=value)
            | Q(key_task__annex_title__icontains=value)
            | Q(responsibilities__department__name__icontains=value)
        ).distinct()

    def by_department(self, queryset, name, value):
        return self._responsibility_filter(
            queryset, value, self.form.cleaned_data.get("role")
        )

    def by_role(self, queryset, name, value):
        if self.form.cleaned_data.get("department"):
            return queryset  # applied together with the department
        return queryset.filter(responsibilities__role=value).distinct()

    def _responsibility_filter(self, queryset, department, role):
        condition = Q(responsibilities__department=department) | Q(
            responsibilities__department__members=department
        )
        if role:
            condition &= Q(responsibilities__role=role)
        return queryset.filter(condition).distinct()


class TaskChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.number}. {obj.requirement[:24]}"


class TaskChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = TaskChoiceField
