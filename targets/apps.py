from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "targets"
    verbose_name = "2025年目标"

    def ready(self):
        # A department's page (the plan's) shows the targets it leads; the
        # plan cannot import targets, so targets add their block to it.
        from tasks.views import department_panels

        from .selectors import department_targets

        department_panels.append(
            lambda department, user: {"targets": department_targets(department, user)}
        )
