"""Sign-in, failed sign-in and sign-out, from Django's own signals: the
one place these happen is inside django.contrib.auth."""

from django.contrib.auth import signals

from .context import client_ip
from .models import AuditAction
from .services import audit_record


def connect() -> None:
    signals.user_logged_in.connect(logged_in, dispatch_uid="audit.logged_in")
    signals.user_login_failed.connect(login_failed, dispatch_uid="audit.login_failed")
    signals.user_logged_out.connect(logged_out, dispatch_uid="audit.logged_out")


def _ip(request) -> str | None:
    return client_ip(request) if request is not None else None


def logged_in(sender, request, user, **kwargs) -> None:
    audit_record(action=AuditAction.LOGIN, actor=user, obj=user, ip=_ip(request))


def login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already masked the password in ``credentials``; only the
    # name tried is kept.
    username = str(credentials.get("username", ""))[:150]
    audit_record(
        action=AuditAction.LOGIN_FAILED,
        after={"username": username},
        object_repr=username,
        ip=_ip(request),
    )


def logged_out(sender, request, user, **kwargs) -> None:
    if user is None:
        return
    audit_record(action=AuditAction.LOGOUT, actor=user, obj=user, ip=_ip(request))
