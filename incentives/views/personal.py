"""The audited reveal of one personal field (POST, with a reason): an htmx
partial that replaces the masked value, or the same partial in a small
page for a request without htmx."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from incentives import permissions
from incentives.services import personal


@never_cache
@require_POST
@login_required
def personal_reveal(request: HttpRequest, pk: int, field: str) -> HttpResponse:
    if not permissions.can_use(request.user):
        raise PermissionDenied("您的账号没有使用激励奖励的权限。")
    application = get_object_or_404(
        permissions.applications_for_user(request.user), pk=pk
    )
    if field not in personal.FIELDS:
        raise Http404("没有这一项个人信息。")
    reason = request.POST.get("reason", "")
    context = {
        "application": application,
        "field": field,
        "label": personal.FIELDS[field].label,
        "masked": getattr(application, personal.FIELDS[field].masked),
        "reason": reason,
    }
    status = 200
    try:
        context["value"] = personal.personal_reveal(
            application=application, field=field, reason=reason, actor=request.user
        )
        context["reason"] = " ".join(reason.split())
    except PermissionDenied as exc:
        context["error"], context["refused"], status = str(exc), True, 403
    except ValueError as exc:
        context["error"], status = str(exc), 400
    template = (
        "incentives/personal/revealed.html"
        if request.headers.get("HX-Request")
        else "incentives/personal/revealed_page.html"
    )
    return render(request, template, context, status=status)
