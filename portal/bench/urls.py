"""The portal's URLs plus the bench's trivial view, which goes through the
same middleware as every page: its time is what a page costs before any
work of its own. The portal's URL conf is included by name, since portal
sits below yingtan."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/trivial/", trivial, name="bench-trivial"),
    path("", include("yingtan.urls")),
]
handler400 = "yingtan.views.bad_request"
