from axes.helpers import get_client_username
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.context import client_ip

from . import permissions, selectors, services

# The login page warns when this many failures or fewer are left before a lock.
WARN_WHEN_LEFT = 3


def cooloff_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


class LoginView(auth_views.LoginView):
    """Django's page; a failed sign-in says how many tries are left before
    the account (or, for an address trying many accounts, the address) is
    locked."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        left = selectors.attempts_left(
            username=form.data.get("username", "").strip() or None,
            ip_address=getattr(self.request, "axes_ip_address", None)
            or client_ip(self.request),
            now=getattr(self.request, "axes_attempt_time", None),
        )
        if left is not None and 0 < left.left <= WARN_WHEN_LEFT:
            what = (
                f"账号“{left.value}”"
                if left.kind == selectors.USERNAME
                else f"本地址({left.value})"
            )
            response.context_data["attempts_warning"] = (
                f"密码错误,还可尝试 {left.left} 次;"
                f"再失败 {left.left} 次,{what}将锁定 {cooloff_minutes()} 分钟。"
            )
        return response


def lockout(request, original_response=None, credentials=None) -> HttpResponse:
    """django-axes's lockout page (AXES_LOCKOUT_CALLABLE): names what is
    locked, the account or the address, and until when."""
    locks = selectors.locks_for(
        username=get_client_username(request, credentials),
        ip_address=getattr(request, "axes_ip_address", None) or client_ip(request),
        now=getattr(request, "axes_attempt_time", None) or timezone.now(),
    )
    return render(
        request,
        "accounts/lockout.html",
        {
            "locks": locks,
            "username_limit": settings.AXES_FAILURE_LIMIT,
            "address_limit": settings.AXES_ADDRESS_FAILURE_LIMIT,
            "minutes": cooloff_minutes(),
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page, which checks the old password and the rules; the
    service then clears the demand to change and restarts the age."""

    success_url = reverse_lazy("home")

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            services.password_changed(user=form.user)
        messages.success(self.request, "密码已修改。")
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["forced"] = self.request.user.password_change_due()
        return context


@login_required
def locks(request: HttpRequest) -> HttpResponse:
    if not permissions.can_unlock(request.user):
        raise PermissionDenied("本页面只对安全管理员开放。")
    current = selectors.locks_current()
    sections = [
        ("被锁定的用户名", "username", current["usernames"]),
        ("被锁定的地址", "ip_address", current["addresses"]),
    ]
    return render(
        request,
        "accounts/locks.html",
        {
            "sections": sections,
            "username_limit": settings.AXES_FAILURE_LIMIT,
            "address_limit": settings.AXES_ADDRESS_FAILURE_LIMIT,
            "minutes": cooloff_minutes(),
        },
    )


@login_required
@require_POST
def unlock(request: HttpRequest) -> HttpResponse:
    if not permissions.can_unlock(request.user):
        raise PermissionDenied("只有安全管理员可以解除锁定。")
    username = request.POST.get("username", "").strip()
    ip_address = request.POST.get("ip_address", "").strip()
    try:
        services.account_unlock(
            actor=request.user, username=username, ip_address=ip_address
        )
    except services.AccountError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已解除对“{username or ip_address}”的锁定。")
    return redirect("accounts:locks")
