from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from . import permissions, selectors, services


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
    return render(request, "accounts/locks.html", {"sections": sections})


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
