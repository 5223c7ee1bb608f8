from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "bulletins"
    verbose_name = "季通报"

    def ready(self):
        # A department's 本期任务 page names the bulletins sent to it and
        # not yet read; the monthly loop cannot import bulletins, so the
        # bulletins add their block to it.
        from dispatch.views.reports import my_tasks_panels

        from .selectors.bulletins import unread_bulletins

        my_tasks_panels.append(
            lambda user: {"unread_bulletins": unread_bulletins(user)}
        )
