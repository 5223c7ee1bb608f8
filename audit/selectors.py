from django.db.models import QuerySet

from .models import AuditEvent


def event_list() -> QuerySet[AuditEvent]:
    """Every record, newest first. Rows hold their names as snapshots, so
    a page of them needs no join."""
    return AuditEvent.objects.order_by("-at", "-id")
