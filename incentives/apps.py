from django.apps import AppConfig


class IncentivesConfig(AppConfig):
    name = "incentives"
    verbose_name = "激励奖励"

    def ready(self):
        # Registers the personal-data key's system check.
        from incentives import checks  # noqa: F401
        # The dashboard's panel and the quarterly bulletin's section.
        from incentives import panels

        panels.register()
