"""The 人社局 reviewer's 月调度 dashboard; urging (催办) lives in ``urging``."""

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from common.http import query_id
from dispatch.models import ReportingPeriod
from tasks.models import Policy
from tasks.selectors import default_policy, policy_choices

from .. import permissions, selectors, services
from ..forms import UrgeForm
from ..selectors import dashboard as reads
from .urging import urge

__all__ = ["dashboard", "dashboard_panels", "urge"]

# Blocks that apps above the monthly loop add to the dashboard, each a
# function of the user giving context (the supervision adds its overdue
# problems), shown whether or not a period is open.
dashboard_panels: list[Callable[[object], dict]] = []


def _panels(user) -> dict:
    context: dict = {}
    for panel in dashboard_panels:
        context.update(panel(user))
    return context


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if not permissions.is_reviewer(request.user):
        raise PermissionDenied("调度看板只对人社局审核员开放。")
    periods = list(selectors.period_list())
    period = _chosen_period(request, periods)
    if period is None:
        return render(
            request,
            "dispatch/dashboard.html",
            {"periods": periods, **_panels(request.user)},
        )
    policies = policy_choices()
    policy = _chosen_policy(request, policies)
    now = timezone.now()
    counts = reads.period_counts(period, policy)
    departments = reads.department_progress(period, policy, now=now)
    months = reads.monthly_rates(period.year, periods, policy)
    return render(
        request,
        "dispatch/dashboard.html",
        {
            "periods": periods,
            "period": period,
            "policies": policies,
            "policy": policy,
            "past_deadline": services.deadline_passed(period, now),
            "days_left": (period.deadline - timezone.localdate(now)).days,
            "counts": counts,
            "departments": departments,
            "behind": [d for d in departments if d.is_behind],
            "urge_message": services.urge_default_message(period),
            "urge_max_length": UrgeForm.base_fields["message"].max_length,
            "returned": reads.returned_reports(period, policy),
            "months": months,
            "board": reads.task_month_board(period.year, periods, policy),
            "report_link": _link_parts("dispatch:report-detail"),
            "task_link": _link_parts("tasks:task-detail"),
            "department_link": _link_parts("tasks:department-detail"),
            "legend": reads.board_legend(),
            "charts": reads.chart_data(period, counts, months),
            **_panels(request.user),
        },
    )


def _chosen_period(
    request: HttpRequest, periods: list[ReportingPeriod]
) -> ReportingPeriod | None:
    """The period asked for in ``?period=``, else the current one: as
    ``selectors.current_period`` chooses it, from the periods loaded."""
    wanted = request.GET.get("period", "")
    if not wanted:
        return next((p for p in periods if p.is_open), periods[0] if periods else None)
    for period in periods:
        if str(period.pk) == wanted:
            return period
    raise Http404("没有这个填报期。")


def _chosen_policy(request: HttpRequest, policies: list[Policy]) -> Policy | None:
    """The policy asked for in ``?policy=``, else the default one."""
    wanted = query_id(request.GET, "policy", "政策文件")
    if wanted is None:
        return default_policy(policies)
    for policy in policies:
        if policy.pk == wanted:
            return policy
    raise Http404("没有这份政策文件。")


# An object number no address holds, replaced in the board's links.
_SLOT = 987654321


def _link_parts(viewname: str) -> dict[str, str]:
    """The address of an object of ``viewname`` as the text before and
    after its number: the board links hundreds of cells and the department
    tables up to one row per department, and one reverse() a link was most
    of the page's time. A dict, which a template reads
    fastest."""
    head, tail = reverse(viewname, args=[_SLOT]).split(str(_SLOT))
    return {"head": head, "tail": tail}
