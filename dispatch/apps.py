from django.apps import AppConfig


class DispatchConfig(AppConfig):
    """月调度: the monthly loop of reports on the plan's tasks."""

    name = "dispatch"
    verbose_name = "月调度"
