from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "半年督导"

    def ready(self):
        # The monthly loop and the bulletins cannot import supervision: it
        # adds its problems' reminders to the hourly run, its overdue
        # problems to the department's home page and the dashboard, and
        # its figures to the bulletin.
        from bulletins.selectors.figures import extra_sections
        from dispatch.services.reminders import extra_reminders
        from dispatch.views.dashboard import dashboard_panels
        from dispatch.views.reports import my_tasks_panels

        from .bulletin import rectification_section
        from .panels import dashboard_panel, my_tasks_panel
        from .reminders import problem_reminders_send

        extra_reminders.append(problem_reminders_send)
        my_tasks_panels.append(my_tasks_panel)
        dashboard_panels.append(dashboard_panel)
        extra_sections.append(rectification_section)
