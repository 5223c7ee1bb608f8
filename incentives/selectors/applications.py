"""Reads of the applications: the list a user may see, filtered, and one
application with what its page shows.

``application_list`` runs one query for its page whatever the number of
rows (the area, finance, rule and key enterprise are joined); the page
counts it with ``django_assert_max_num_queries`` at two data sizes.
"""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from incentives import permissions
from incentives.models import Application

LIST_RELATED = ("area", "finance", "rule", "key_enterprise")
# The filters a list takes, each an exact match on a field.
EXACT_FILTERS = {
    "kind": "kind",
    "level": "level",
    "state": "state",
    "finance": "finance_id",
}
# ``area`` takes a department's id, or this for 市本级 (no area).
CITY_AREA = "city"


def application_list(*, user, filters: dict | None = None) -> QuerySet[Application]:
    """The applications ``user`` may see, narrowed by ``filters``: kind,
    level, state, area (an id or "city"), finance (an id) and q (part of
    the number or of the name). Blank filters are ignored; a value that
    cannot be an id matches nothing."""
    filters = filters or {}
    applications = permissions.applications_for_user(user).select_related(*LIST_RELATED)
    for key, field in EXACT_FILTERS.items():
        value = str(filters.get(key) or "").strip()
        if not value:
            continue
        if field.endswith("_id") and not value.isdigit():
            return applications.none()
        applications = applications.filter(**{field: value})
    area = str(filters.get("area") or "").strip()
    if area == CITY_AREA:
        applications = applications.filter(area__isnull=True)
    elif area.isdigit():
        applications = applications.filter(area_id=int(area))
    elif area:
        return applications.none()
    q = str(filters.get("q") or "").strip()
    if q:
        applications = applications.filter(
            Q(number__icontains=q) | Q(name__icontains=q)
        )
    return applications.order_by("-filed_on", "-pk")


def application_detail(*, user, pk) -> Application:
    """One application in the user's scope with its transitions, fact
    checks, objections and shares; ``Http404`` otherwise."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("没有这份奖励申请。") from None
    applications = (
        permissions.applications_for_user(user)
        .select_related(*LIST_RELATED, "publicity", "created_by")
        .prefetch_related(
            "transitions__actor",
            "fact_checks__recorded_by",
            "objections",
            "shares__finance",
        )
    )
    try:
        return applications.get(pk=pk)
    except Application.DoesNotExist:
        raise Http404("没有这份奖励申请。") from None


def application_state_counts(*, user, filters: dict | None = None) -> dict[str, int]:
    """How many applications ``application_list`` gives in each state under
    ``filters`` but the state (the list's state chips); one query."""
    others = {k: v for k, v in (filters or {}).items() if k != "state"}
    return dict(
        application_list(user=user, filters=others)
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
    )
