"""The request an audit record is written in, for the services that write
records without a request in hand: who is signed in and from where.

``audit.middleware.AuditContextMiddleware`` binds it for each request; a
management command or a test that calls a service directly has none.
"""

import ipaddress
from contextvars import ContextVar, Token
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils.ipv6 import clean_ipv6_address


@dataclass(frozen=True)
class RequestContext:
    request: HttpRequest
    ip: str | None

    @property
    def user(self):
        # Read when a record is written, not when the request starts: the
        # user is lazy, and a sign-in changes it within the request.
        user = getattr(self.request, "user", None)
        return user if user is not None and user.is_authenticated else None


_current: ContextVar[RequestContext | None] = ContextVar("audit_request", default=None)


def current() -> RequestContext | None:
    return _current.get()


def bind(request: HttpRequest) -> Token:
    return _current.set(RequestContext(request=request, ip=client_ip(request)))


def unbind(token: Token) -> None:
    _current.reset(token)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. X-Forwarded-For is read only when the portal
    sits behind a proxy that sets it (AUDIT_TRUST_X_FORWARDED_FOR): anyone
    can send the header to a portal reachable directly."""
    address = normalise_ip(request.META.get("REMOTE_ADDR"))
    if getattr(settings, "AUDIT_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        # A value that is no address is dropped: the proxy's own stays.
        return normalise_ip(forwarded.split(",")[0]) or address
    return address


def normalise_ip(address: str | None) -> str | None:
    """The address as the database stores it, or None if it is not one."""
    if not address:
        return None
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return None
    if parsed.version == 6:
        # Django's spelling, which GenericIPAddressField saves.
        return clean_ipv6_address(str(parsed))
    return str(parsed)
