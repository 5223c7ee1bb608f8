"""What views, the admin's included, do with what a browser sent them and
must not trust: query parameters, and the page to go back to after a
form."""

from collections.abc import Mapping

from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import BadRequest, FieldDoesNotExist, ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

# The largest primary key the database stores (a signed 64-bit integer).
MAX_ID = 2**63 - 1


class BadQuery(BadRequest):
    """A query parameter that cannot be read. The message, in Chinese,
    names the parameter and is shown on the 400 page."""


def _digits(value: str) -> bool:
    """Plain ASCII digits, few enough for int() and the database."""
    return value.isascii() and value.isdigit() and len(value) <= len(str(MAX_ID))


def query_id(params: Mapping[str, str], name: str, label: str) -> int | None:
    """The object number in ``params[name]``; None when it is absent or
    empty. Anything but plain ASCII digits in the database's range is
    refused: int() alone takes "1_0", " 1" and full-width digits, and a
    number too large for the column fails inside the database (or, past
    4,300 digits, inside int())."""
    value = params.get(name, "")
    if value == "":
        return None
    if not _digits(value) or not 0 < int(value) <= MAX_ID:
        shown = value if len(value) <= 20 else value[:20] + "…"
        raise BadQuery(f"网址中的{label}(参数 {name})应为编号,而不是“{shown}”。")
    return int(value)


def local_url(request: HttpRequest, url: str) -> str | None:
    """``url`` if it stays on this site (a path here, or this host), else
    None: a posted ``next`` must not send a person to another site."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


def redirect_back(request: HttpRequest, fallback) -> HttpResponseRedirect:
    """To the posted ``next`` when it is on this site, else to ``fallback``
    (anything ``redirect`` takes)."""
    return redirect(local_url(request, request.POST.get("next", "")) or fallback)


def _oversized_number(params: QueryDict) -> bool:
    """Whether a value is a whole number beyond the database's range, which
    SQLite refuses with an OverflowError when the query runs."""
    for _, values in params.lists():
        for value in (part for v in values for part in v.split(",")):
            digits = value.removeprefix("-")
            number = digits.isascii() and digits.isdigit()
            if number and (not _digits(digits) or int(digits) > MAX_ID):
                return True
    return False


def _unreadable_value(model: type[Model], params: QueryDict) -> bool:
    """Whether a filter on one of the model's own fields holds a value the
    field refuses, such as ?ip_address=abc, which PostgreSQL's inet column
    rejects with an error when the query runs."""
    for name, values in params.lists():
        try:
            field = model._meta.get_field(name.removesuffix("__exact"))
        except FieldDoesNotExist:
            continue
        if field.is_relation or not field.concrete:
            continue
        try:
            for value in values:
                field.run_validators(field.to_python(value))
        except ValidationError:
            return True
    return False


def _unreadable(model: type[Model], params: QueryDict) -> bool:
    return _oversized_number(params) or _unreadable_value(model, params)


def _names_objects(model: type[Model], name: str, value) -> bool:
    """Whether ``value``, given for the field ``name``, can be the number
    of a related object: the autocomplete widget looks it up to draw it."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return True  # the form ignores names it has no field for
    if not (field.is_relation and field.concrete):
        return True
    try:
        for item in value if isinstance(value, list) else [value]:
            field.target_field.clean(item, None)
    except ValidationError:
        return False
    return True


class SafeQueryAdminMixin:
    """Admin pages read their query too: ?department=3 fills a new object's
    field, ?policy=1 filters a list or its export. A value that cannot name
    an object leaves the new object's field empty; a list whose filter
    cannot be read is shown unfiltered, as the admin does for an unknown
    filter; an export is refused with a 400 that says so. Never a 500."""

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        return {
            name: value
            for name, value in initial.items()
            if _names_objects(self.model, name, value)
        }

    def get_changelist_instance(self, request):
        if _unreadable(self.model, request.GET):
            raise IncorrectLookupParameters
        return super().get_changelist_instance(request)

    def get_export_queryset(self, request):
        try:
            if _unreadable(self.model, request.GET):
                raise IncorrectLookupParameters
            return super().get_export_queryset(request)
        except IncorrectLookupParameters as exc:
            raise BadQuery(
                "导出的筛选条件无法识别(网址中的参数有误),"
                "请回到列表页重新筛选后再导出。"
            ) from exc
