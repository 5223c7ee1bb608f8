"""The portal's error pages, in Chinese and in its layout.

Django's own handlers render 403.html, 404.html and 500.html; these two add
what they leave out: the reason a request was refused, where it is safe to
show it.
"""

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.views.decorators.csrf import requires_csrf_token

from common.http import BadQuery


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    # Only the portal's own messages: a SuspiciousOperation's text (a
    # disallowed host, a tampered session) is for the log, not the page.
    message = str(exception) if isinstance(exception, BadQuery) else ""
    return render(request, "400.html", {"message": message}, status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if reason == REASON_NO_CSRF_COOKIE:
        message = (
            "浏览器没有保存本站的 Cookie,表单无法提交。请允许本站使用 Cookie 后重试。"
        )
    else:
        message = "页面已过期(打开太久,或已在别处退出、重新登录),表单未提交。"
    return render(request, "403_csrf.html", {"message": message}, status=403)
