from django.apps import AppConfig


class IncentivesConfig(AppConfig):
    name = "incentives"
    verbose_name = "激励奖励"

    def ready(self):
        # The personal-data key's system check registers on import; the
        # dashboard's panel and the quarterly bulletin's section are added.
        import incentives.checks  # noqa: F401
        from incentives.panels import register

        register()
