"""Urging (催办): the reviewer presses a late department from the dashboard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from common.http import redirect_back
from dispatch.models import ReportingPeriod
from tasks.models import Department

from .. import permissions, services
from ..forms import UrgeForm


@require_POST
@login_required
def urge(request: HttpRequest, department_pk: int) -> HttpResponse:
    if not permissions.can_urge(request.user):
        raise PermissionDenied("只有人社局审核员可以催办。")
    department = get_object_or_404(Department, pk=department_pk)
    form = UrgeForm(request.POST)
    if not form.is_valid():
        problem = (
            f"催办内容不能超过 {form.fields['message'].max_length} 字"
            if "message" in form.errors
            else "未指明填报期"
        )
        messages.error(request, f"催办未发送:{problem}。")
        return redirect("dispatch:dashboard")
    period = get_object_or_404(ReportingPeriod, pk=form.cleaned_data["period"])
    try:
        urge = services.urge_create(
            period=period,
            department=department,
            message=form.cleaned_data["message"],
            actor=request.user,
        )
    except services.ReportError as exc:
        messages.error(request, str(exc))
    else:
        sent = "并已发送邮件" if urge.emailed_to else "该部门无登记邮箱,仅在其首页显示"
        messages.success(request, f"已向{department}发出{period}催办,{sent}。")
    return redirect_back(
        request, reverse("dispatch:dashboard") + f"?period={period.pk}"
    )
