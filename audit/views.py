"""The auditor's page: search the trail, and export what was found."""

from contextlib import closing
from functools import cached_property

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET
from django_filters.views import FilterView

from . import exports, labels, permissions, selectors
from .filters import AuditEventFilter
from .models import AuditAction
from .services import audit_record


class TrailPaginator(Paginator):
    """Pages of a list whose count may be an estimate or a floor
    (``selectors.event_count``). Then any page may be asked for, each holds
    ``per_page`` rows whatever the count says, and the next page is offered
    when one more row exists."""

    @cached_property
    def counted(self) -> selectors.EventCount:
        return selectors.event_count(self.object_list)

    @cached_property
    def count(self) -> int:
        return self.counted.value

    @property
    def count_kind(self) -> str:
        return self.counted.kind

    def validate_number(self, number):
        if self.count_kind == "exact":
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from exc
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        if self.count_kind == "exact":
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        more = len(rows) > self.per_page
        return OpenEndedPage(rows[: self.per_page], number, self, more=more)


class OpenEndedPage(Page):
    def __init__(self, object_list, number, paginator, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self):
        return self.more


class EventListView(PermissionRequiredMixin, FilterView):
    # Anonymous users are sent to sign in; others without it get 403.
    filterset_class = AuditEventFilter
    template_name = "audit/event_list.html"
    context_object_name = "events"
    paginate_by = 50
    paginator_class = TrailPaginator

    def has_permission(self):
        return permissions.can_view_audit_trail(self.request.user)

    def get_queryset(self):
        return selectors.event_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for event in context["events"]:
            event.action_text = labels.action_label(event.action)
            event.change_list = labels.changes(event)
        return context


@require_GET
@login_required
def event_export(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_audit_trail(request.user):
        raise PermissionDenied("审计日志只对审计管理员开放。")
    kind = request.GET.get("format", "xlsx")
    if kind not in exports.FORMATS:
        return HttpResponse("导出格式只能是 xlsx 或 csv。", status=400)
    filterset = AuditEventFilter(request.GET, queryset=selectors.event_list())
    if not filterset.is_valid():
        return HttpResponse("筛选条件有误,请返回审计日志页面重新填写。", status=400)
    build = exports.events_xlsx if kind == "xlsx" else exports.events_csv
    with closing(filterset.qs.iterator(chunk_size=2000)) as events:
        data = build(events)
    file_name = exports.export_file_name(kind)
    audit_record(
        action=AuditAction.EXPORT_AUDIT,
        actor=request.user,
        object_repr=file_name,
        after={
            "format": kind,
            "rows": filterset.qs.count(),
            "filters": {
                name: value
                for name, value in filterset.form.cleaned_data.items()
                if value not in (None, "")
            },
        },
    )
    response = HttpResponse(data, content_type=exports.FORMATS[kind])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=file_name
    )
    return response
