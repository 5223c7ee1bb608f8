import datetime

import django_filters
from django import forms
from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from .models import AuditAction, AuditEvent, former_object_types

# The apps whose objects the trail names.
PROJECT_APPS = (
    "accounts",
    "audit",
    "dispatch",
    "incentives",
    "targets",
    "tasks",
)


def object_type_choices() -> list[tuple[str, str]]:
    models = (
        model
        for name in PROJECT_APPS
        if apps.is_installed(name)
        for model in apps.get_app_config(name).get_models()
    )
    return sorted(
        ((model._meta.label_lower, str(model._meta.verbose_name)) for model in models),
        key=lambda choice: choice[1],
    )


def _local_midnight(day: datetime.date) -> datetime.datetime:
    """The start of a day in Asia/Shanghai, the portal's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class AuditEventFilter(django_filters.FilterSet):
    user = django_filters.CharFilter(label="用户", method="by_user")
    department = django_filters.CharFilter(label="部门", method="by_department")
    action = django_filters.ChoiceFilter(
        label="操作", choices=AuditAction.choices, empty_label="全部"
    )
    object_type = django_filters.ChoiceFilter(
        label="对象类型",
        choices=object_type_choices,
        empty_label="全部",
        method="by_object_type",
    )
    object_id = django_filters.CharFilter(label="对象编号")
    date_from = django_filters.DateFilter(
        label="起始日期",
        method="since",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label="截止日期",
        method="until",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AuditEvent
        fields = [
            "user",
            "department",
            "action",
            "object_type",
            "object_id",
            "date_from",
            "date_to",
        ]

    def by_object_type(self, queryset, name, value):
        """The model's rows, those recorded before it moved app included."""
        return queryset.filter(object_type__in=former_object_types(value))

    def by_user(self, queryset, name, value):
        # A failed sign-in has no actor; the name tried is in ``after``.
        return queryset.filter(
            Q(actor_username__icontains=value)
            | Q(action=AuditAction.LOGIN_FAILED, after__username__icontains=value)
        )

    def by_department(self, queryset, name, value):
        """The actor's department or the object's."""
        return queryset.filter(
            Q(actor_department__icontains=value) | Q(department__icontains=value)
        )

    def since(self, queryset, name, value):
        return queryset.filter(at__gte=_local_midnight(value))

    def until(self, queryset, name, value):
        """Up to the end of the day, inclusive."""
        return queryset.filter(
            at__lt=_local_midnight(value + datetime.timedelta(days=1))
        )
