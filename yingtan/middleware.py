"""The Content-Security-Policy header, until Django 6.0 sends it itself.

The policy is ``settings.SECURE_CSP``, in the shape Django 6.0's
``ContentSecurityPolicyMiddleware`` reads, so that upgrading is a matter of
swapping this middleware for Django's.
"""

import base64
import hashlib

from django.conf import settings
from django.urls import reverse

HEADER = "Content-Security-Policy"
# django-import-export's export page (admin/import_export/export.html) still
# writes one event handler and two style attributes inline. The admin's
# policy allows exactly these, by their hashes ('unsafe-hashes', CSP level
# 3), and no other inline code; tests/deploy/test_content_security_policy.py
# fails if an upgrade changes what the admin writes inline.
ADMIN_INLINE_SCRIPTS = ("onSelectToggleChange(event)",)
ADMIN_INLINE_STYLES = ("padding: 0;", "font-weight: bold;")


def source_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def header_value(directives: dict[str, list[str]]) -> str:
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


def admin_directives(directives: dict[str, list[str]]) -> dict[str, list[str]]:
    """The portal's policy, plus the admin's known inline snippets."""
    extra = {
        "script-src": ADMIN_INLINE_SCRIPTS,
        "style-src": ADMIN_INLINE_STYLES,
    }
    return {
        name: [*sources, "'unsafe-hashes'", *map(source_hash, extra[name])]
        if name in extra
        else sources
        for name, sources in directives.items()
    }


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = header_value(settings.SECURE_CSP)
        self.admin_policy = header_value(admin_directives(settings.SECURE_CSP))

    def __call__(self, request):
        response = self.get_response(request)
        if HEADER not in response:
            in_admin = request.path.startswith(reverse("admin:index"))
            response[HEADER] = self.admin_policy if in_admin else self.policy
        return response
