"""The addresses the monthly loop had before it moved out of ``/tasks/``.

People bookmarked them (本期任务 was ``/tasks/mine/``, the dashboard
``/tasks/dashboard/``), and a page left open during an upgrade still posts
to them. Each old address answers with a permanent redirect to the new one,
query string kept: 301 for a GET, 308 for a POST so that the form's method
and body go with it. The patterns are the dispatch app's own, so the two
cannot drift apart. The admin's pages of the moved models
(``/admin/tasks/progressreport/…``) redirect the same way.
"""

from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.http.response import HttpResponseRedirectBase
from django.urls import URLPattern, re_path, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

from dispatch import urls as dispatch_urls

app_name = "legacy"


class HttpResponsePermanentRedirectKeepMethod(HttpResponseRedirectBase):
    status_code = 308


def _permanent(request: HttpRequest, url: str):
    """To ``url`` for good, with the query string; a POST stays a POST."""
    if request.META.get("QUERY_STRING"):
        url = f"{url}?{request.META['QUERY_STRING']}"
    if request.method in ("GET", "HEAD"):
        return HttpResponsePermanentRedirect(url)
    return HttpResponsePermanentRedirectKeepMethod(url)


def _moved(name: str):
    def view(request: HttpRequest, *args, **kwargs):
        return _permanent(
            request, reverse(f"dispatch:{name}", args=args, kwargs=kwargs)
        )

    view.__name__ = f"moved_{name.replace('-', '_')}"
    return view


def _redirect(pattern: URLPattern) -> URLPattern:
    old = pattern.pattern
    if isinstance(old, RoutePattern):
        new = RoutePattern(old._route, name=pattern.name, is_endpoint=True)
    else:
        new = RegexPattern(old._regex, name=pattern.name, is_endpoint=True)
    return URLPattern(new, _moved(pattern.name), name=pattern.name)


def _moved_admin(request: HttpRequest, model: str, rest: str):
    return _permanent(request, f"{reverse('admin:index')}dispatch/{model}/{rest}")


urlpatterns = [_redirect(pattern) for pattern in dispatch_urls.urlpatterns]

# The admin's pages of the moved models: /admin/tasks/progressreport/… .
admin_urlpatterns = [
    re_path(
        r"^(?P<model>reportingperiod|progressreport|reporttransition|evidence|urge"
        r"|reminder)/(?P<rest>.*)$",
        _moved_admin,
        name="admin",
    )
]
