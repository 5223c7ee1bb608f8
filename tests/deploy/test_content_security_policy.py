"""The Content-Security-Policy: sent on every page, and every page works
under it because none carries inline script, event handler or style.

A crawler signs in as each demo user and follows every link it is shown,
so that a page added later is checked without being listed here.
"""

import io
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from accounts.models import User
from portal.management.commands.setup_portal import DEMO_USERS
from yingtan.middleware import (
    ADMIN_INLINE_SCRIPTS,
    ADMIN_INLINE_STYLES,
    HEADER,
    admin_directives,
    header_value,
)

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
POLICY_DIRECTIVES = {
    name: sources
    for name, *sources in (directive.split(" ") for directive in POLICY.split("; "))
}
# Pages the demo users must reach by following links: the portal's main
# pages. (url name, namespace)
MAIN_PAGES = {
    "home",
    "tasks:task-list",
    "tasks:task-detail",
    "tasks:department-list",
    "tasks:department-detail",
    "dispatch:my-tasks",
    "dispatch:report-detail",
    "dispatch:report-edit",
    "dispatch:dashboard",
    "dispatch:period-list",
    "dispatch:review-queue",
    "dispatch:sheet-upload",
    "targets:board",
    "targets:target-detail",
}
# Distinct URLs visited per page (query strings and objects vary).
PER_PAGE = 3
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SKIPPED = ("/static/", "/logout/", "/admin/logout/")


class InlineCode(HTMLParser):
    """Every piece of markup that a policy without 'unsafe-inline' blocks:
    <script> without src (json_script's data blocks aside), <style>, on*
    handlers, style attributes, javascript: URLs, and htmx attributes that
    evaluate code."""

    def __init__(self):
        super().__init__()
        self.scripts: list[str] = []
        self.handlers: list[str] = []
        self.styles: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if (
            tag == "script"
            and "src" not in values
            and values.get("type") != "application/json"
        ):
            self._in_script = True
            self.scripts.append("<script>")
        if tag == "style":
            self.styles.append("<style>")
        for name, value in attrs:
            value = value or ""
            if name.startswith(("on", "hx-on", "data-hx-on")) or name == "hx-vars":
                self.handlers.append(value)
            elif name == "style":
                self.styles.append(value)
            elif name in ("href", "src", "action", "formaction") and (
                value.strip().lower().startswith("javascript:")
            ):
                self.handlers.append(value)

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.scripts[-1] = data.strip()[:80]

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def inline_code(html: str) -> InlineCode:
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser


class Link(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links(html: str) -> list[str]:
    parser = Link()
    parser.feed(html)
    return parser.hrefs


def page_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def crawl(client, start: str, inside: str = "/", outside: str = "/admin/"):
    """(url, response) of every page reachable from ``start`` by links
    under ``inside`` and not under ``outside``, at most PER_PAGE URLs per
    view."""
    queue, seen, per_view = deque([start]), {start}, Counter()
    while queue:
        url = queue.popleft()
        response = client.get(url)
        yield url, response
        if response.status_code in (301, 302):
            targets = [response["Location"]]
        elif "text/html" in response.get("Content-Type", ""):
            targets = links(response.content.decode())
        else:
            continue
        for href in targets:
            parts = urlsplit(href)
            if parts.netloc or not parts.path.startswith(inside):
                continue
            if parts.path.startswith(SKIPPED) or parts.path.startswith(outside):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            view = page_name(parts.path)
            if target in seen or view is None or per_view[view] >= PER_PAGE:
                continue
            per_view[view] += 1
            seen.add(target)
            queue.append(target)


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The portal as ``bin/start`` leaves it: the policy, a few months of
    reports in every state, targets with readings and one account per
    role, whose passwords their users have since chosen. Written once for
    the module, in a transaction rolled back after it."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        call_command("setup_portal", "--demo", stdout=io.StringIO())
        User.objects.update(
            must_change_password=False, password_changed_at=timezone.now()
        )
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_data, db):
    """Each test's changes (sign-ins, downloads) are rolled back after it."""


def test_the_policy_is_the_one_the_portal_promises(settings):
    assert header_value(settings.SECURE_CSP) == POLICY


@pytest.mark.django_db
def test_login_and_public_pages_carry_the_policy_and_no_inline_code(client, demo):
    from tasks.models import Policy

    # The demo's policies each have their public page.
    pages = [reverse("public-policy", args=[p.pk]) for p in Policy.objects.all()]
    assert len(pages) == 2
    for url in (reverse("login"), reverse("public"), *pages):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response[HEADER] == POLICY, url
        found = inline_code(response.content.decode())
        assert (found.scripts, found.handlers, found.styles) == ([], [], []), url


@pytest.mark.django_db
def test_every_page_the_demo_users_reach_carries_the_policy_and_no_inline_code(
    client, demo
):
    visited: set[str] = set()
    for username, *_ in DEMO_USERS:
        client.force_login(User.objects.get(username=username))
        for url, response in crawl(client, reverse("home")):
            where = f"{username} {url}"
            assert response.status_code < 400, where
            assert response[HEADER] == POLICY, where
            if "text/html" in response["Content-Type"]:
                found = inline_code(response.content.decode())
                assert found.scripts == [], where
                assert found.handlers == [], where
                assert found.styles == [], where
            visited.add(page_name(urlsplit(url).path))
        client.logout()
    assert visited >= MAIN_PAGES, MAIN_PAGES - visited


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["admin", "security", "auditor"])
def test_admin_pages_inline_only_what_the_admin_policy_allows_by_hash(
    client, demo, username
):
    """The admin's policy adds the hashes of django-import-export's inline
    handler and styles, nothing else; a page writing anything more inline
    (a new version of a template, a project override) fails here."""
    admin_policy = header_value(admin_directives(POLICY_DIRECTIVES))
    client.force_login(User.objects.get(username=username))
    pages = 0
    for url, response in crawl(
        client, reverse("admin:index"), inside="/admin/", outside="/admin/r/"
    ):
        where = f"{username} {url}"
        # Which admin page each role may open is tests/accounts' business.
        assert response.status_code < 500, where
        assert response[HEADER] == admin_policy, where
        if "text/html" in response["Content-Type"]:
            found = inline_code(response.content.decode())
            assert found.scripts == [], where
            assert set(found.handlers) <= set(ADMIN_INLINE_SCRIPTS), where
            assert set(found.styles) <= set(ADMIN_INLINE_STYLES), where
            pages += 1
    assert pages > 1


@pytest.mark.django_db
def test_the_admin_export_page_writes_exactly_the_hashed_snippets(client, demo):
    """If django-import-export stops writing them, the hashes go too."""
    client.force_login(User.objects.get(username="admin"))
    response = client.get(reverse("admin:tasks_task_export"))
    assert response.status_code == 200
    found = inline_code(response.content.decode())
    assert set(found.handlers) == set(ADMIN_INLINE_SCRIPTS)
    assert set(found.styles) == set(ADMIN_INLINE_STYLES)


POLICY_DIRECTIVES = {
    directive.split(" ")[0]: directive.split(" ")[1:]
    for directive in POLICY.split("; ")
}
