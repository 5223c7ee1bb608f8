"""The 人社局 reviewer's 月调度 dashboard; urging (催办) lives in ``urging``."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dispatch.models import ReportingPeriod

from .. import permissions, selectors, services
from ..forms import UrgeForm
from ..selectors import dashboard as reads
from .urging import urge

__all__ = ["dashboard", "urge"]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if not permissions.is_reviewer(request.user):
        raise PermissionDenied("调度看板只对人社局审核员开放。")
    periods = list(selectors.period_list())
    period = _chosen_period(request, periods)
    if period is None:
        return render(request, "dispatch/dashboard.html", {"periods": periods})
    now = timezone.now()
    counts = reads.period_counts(period)
    departments = reads.department_progress(period, now=now)
    months = reads.monthly_rates(period.year, periods)
    return render(
        request,
        "dispatch/dashboard.html",
        {
            "periods": periods,
            "period": period,
            "past_deadline": services.deadline_passed(period, now),
            "days_left": (period.deadline - timezone.localdate(now)).days,
            "counts": counts,
            "departments": departments,
            "behind": [d for d in departments if d.is_behind],
            "urge_message": services.urge_default_message(period),
            "urge_max_length": UrgeForm.base_fields["message"].max_length,
            "returned": reads.returned_reports(period),
            "months": months,
            "board": reads.task_month_board(period.year, periods),
            "legend": reads.board_legend(),
            "charts": reads.chart_data(period, counts, months),
        },
    )


def _chosen_period(
    request: HttpRequest, periods: list[ReportingPeriod]
) -> ReportingPeriod | None:
    """The period asked for in ``?period=``, else the current one."""
    wanted = request.GET.get("period", "")
    if not wanted:
        return selectors.current_period()
    for period in periods:
        if str(period.pk) == wanted:
            return period
    raise Http404("没有这个填报期。")
