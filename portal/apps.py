from django.apps import AppConfig


class PortalConfig(AppConfig):
    """What concerns the whole portal rather than one room: setting it up,
    demo data, backups, the main menu."""

    name = "portal"
    verbose_name = "门户"
