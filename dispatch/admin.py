"""The monthly loop in the admin site: periods are opened, closed and
reopened through the services; reports, urges and reminders are history
that the admin only shows."""

from django.contrib import admin, messages

from audit.admin import AuditedAdminMixin
from common.http import SafeQueryAdminMixin
from dispatch.models import ProgressReport, Reminder, ReportingPeriod, Urge

from .services import ReportError, period_close, period_open, period_reopen


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(SafeQueryAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "deadline", "status", "opened_at", "closed_at")
    list_filter = ("status", "year")
    fields = ("year", "month", "deadline", "status")
    readonly_fields = ("status",)
    actions = ["close_periods", "reopen_periods"]

    def get_readonly_fields(self, request, obj=None):
        # Year and month name the period once it holds reports.
        return ("year", "month", "status") if obj else ("status",)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            period_open(year=obj.year, month=obj.month, deadline=obj.deadline)

    @admin.action(description="关闭所选填报期")
    def close_periods(self, request, queryset):
        self._apply(request, queryset, period_close, "关闭")

    @admin.action(description="重新开放所选填报期")
    def reopen_periods(self, request, queryset):
        self._apply(request, queryset, period_reopen, "重新开放")

    def _apply(self, request, queryset, service, label):
        for period in queryset:
            try:
                service(period=period)
            except ReportError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, f"已{label}{period}填报期。")


class ReadOnlyAdmin(SafeQueryAdminMixin, admin.ModelAdmin):
    """History kept by the services; the admin only shows it."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ("period", "task", "department", "role", "state", "is_late")
    list_filter = ("period", "state", "role", "is_late", "department__kind")
    search_fields = ("department__name", "task__requirement", "progress")
    list_select_related = ("period", "task", "department")


@admin.register(Urge)
class UrgeAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "period", "department", "created_by")
    list_filter = ("period",)
    search_fields = ("department__name", "message")
    list_select_related = ("period", "department", "created_by")


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ("sent_at", "period", "department", "kind", "pending_count")
    list_filter = ("period", "kind")
    search_fields = ("department__name",)
    list_select_related = ("period", "department")
