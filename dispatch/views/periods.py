"""Reporting periods, opened and closed by the 人社局 reviewer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from dispatch.models import ReportingPeriod

from .. import permissions, selectors, services
from ..forms import PeriodForm

# A year of months a page: the list, and the reports it counts, stay
# short however long the portal runs.
PERIODS_PER_PAGE = 12


def _require_manager(user) -> None:
    if not permissions.can_manage_periods(user):
        raise PermissionDenied("只有人社局审核员可以管理填报期。")


@login_required
def period_list(request: HttpRequest) -> HttpResponse:
    _require_manager(request.user)
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            period = services.period_open(
                year=form.cleaned_data["year"],
                month=form.cleaned_data["month"],
                deadline=form.cleaned_data["deadline"],
                actor=request.user,
            )
        except services.ReportError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已开放{period}填报期。")
            return redirect("dispatch:period-list")
    paginator = Paginator(selectors.period_list(), PERIODS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "dispatch/period_list.html",
        {
            "periods": selectors.period_summaries(list(page.object_list)),
            "form": form,
            "page_obj": page,
            "paginator": paginator,
            "is_paginated": page.has_other_pages(),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def period_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _require_manager(request.user)
    period = get_object_or_404(ReportingPeriod, pk=pk)
    service = {"close": services.period_close, "reopen": services.period_reopen}[action]
    try:
        service(period=period, actor=request.user)
    except services.ReportError as exc:
        messages.error(request, str(exc))
    else:
        label = "关闭" if action == "close" else "重新开放"
        messages.success(request, f"已{label}{period}填报期。")
    return redirect("dispatch:period-list")
