"""Supervision in the admin site: history kept by the services, shown
only. Rounds, visits and problems are written through the portal's
pages, where the workflow and the audit trail apply; no role is given
these views (a department's problems are not the system administrator's
business), so they serve a superuser inspecting data."""

from django.contrib import admin

from dispatch.admin import ReadOnlyAdmin
from supervision.models import (
    Extension,
    Problem,
    ProblemTransition,
    Round,
    Visit,
)


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ("title", "year", "half", "starts_on", "ends_on", "notified_at")
    list_filter = ("year", "half")


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ("round", "department", "visited_on")
    list_filter = ("round",)
    list_select_related = ("round", "department")


@admin.register(Problem)
class ProblemAdmin(ReadOnlyAdmin):
    list_display = ("round", "number", "department", "kind", "deadline", "state")
    list_filter = ("round", "state", "kind", "category")
    list_select_related = ("round", "department")
    search_fields = ("description",)


@admin.register(Extension)
class ExtensionAdmin(ReadOnlyAdmin):
    list_display = ("problem", "old_deadline", "new_deadline", "decision")
    list_filter = ("decision",)
    list_select_related = ("problem__round",)


@admin.register(ProblemTransition)
class ProblemTransitionAdmin(ReadOnlyAdmin):
    list_display = ("problem", "action", "from_state", "to_state", "actor", "at")
    list_filter = ("action",)
    list_select_related = ("problem__round", "actor")
