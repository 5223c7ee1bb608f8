"""The public page's cache (政务公开), kept in Django's cache so that every
server shares it (Redis in production), and dropped as soon as what the
page shows changes, not only when PUBLIC_PAGE_CACHE_SECONDS run out.

The page is stored under a key holding a version token and the policy
shown (``/public/policies/<id>/`` or ``?policy=``), each policy's page on
its own. A change sets a
new token once its transaction has committed: every server's next visitor
then gets a page rendered from the committed data, and a page rendered
from the data before the commit can only land under the old token, which
nobody reads any more.
"""

import uuid
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse

from common.http import query_id

VERSION_KEY = "targets:public-page:version"


def public_page_changed(using: str | None = None) -> None:
    """Call from every write that changes what the public page shows
    (readings, targets, a report's approval): the page is dropped once the
    write commits, and at once outside a transaction."""
    transaction.on_commit(_new_version, using=using)


def _new_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def _page_key(policy_id: int | None) -> str:
    """One page a policy (and one for the default, no ``?policy=``), all
    under the one version token, so that a change drops them all (a
    policy published or withdrawn too: targets.admin, targets.services)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        # A fresh token, not a counter that restarts: a page cached under
        # an evicted version must never be read again.
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return f"targets:public-page:{version}:{policy_id or 'default'}"


def cached_public_page(view):
    """Serve a visitor the cached page. A signed-in person, or a visitor
    with a message waiting, gets the page rendered for them: it shows
    their name or the message, which must not reach anyone else."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if (
            request.method not in ("GET", "HEAD")
            or request.user.is_authenticated
            or len(get_messages(request))
        ):
            return view(request, *args, **kwargs)
        # Read as the view reads it: a bad value is a 400 before any
        # lookup, and "01" and "1" share a page; a policy's own address
        # wins over its query.
        policy_id = kwargs.get("pk") or query_id(request.GET, "policy", "政策文件")
        key = _page_key(policy_id)
        content = cache.get(key)
        if content is not None:
            return HttpResponse(content)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        if response.status_code == 200:
            cache.set(key, response.content, settings.PUBLIC_PAGE_CACHE_SECONDS)
        return response

    return wrapped
