"""Sign-in rules enforced on every request.

The idle limit needs no code: SESSION_COOKIE_AGE with
SESSION_SAVE_EVERY_REQUEST moves the session's server-side expiry on with
each request, and an expired session is not loaded.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

SIGNED_IN_AT = "accounts_signed_in_at"


class SessionLifetimeMiddleware:
    """Ends a session SESSION_ABSOLUTE_SECONDS after its sign-in, however
    busy it has been. The sign-in time is kept in the session itself, on
    the server."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            signed_in_at = request.session.get(SIGNED_IN_AT)
            if signed_in_at is None:
                request.session[SIGNED_IN_AT] = now
            elif now - signed_in_at > settings.SESSION_ABSOLUTE_SECONDS:
                request.session.flush()
                request.user = AnonymousUser()
                messages.info(request, "登录已超过规定时长,请重新登录。")
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """Sends a signed-in user whose password must change (first sign-in,
    reset by an administrator, or too old) to the password-change page,
    and lets them reach only that page, sign-out and static files."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.password_change_due():
            target = reverse("password_change")
            allowed = {target, reverse("logout")}
            if request.path not in allowed and not request.path.startswith(
                settings.STATIC_URL
            ):
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = target
                    return response
                return redirect(target)
        return self.get_response(request)
