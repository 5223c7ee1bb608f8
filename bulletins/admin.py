"""Bulletin kinds in the admin site: the system administrator sets each
kind's light rule, 发文字号 prefix and the lines its documents carry.
Bulletins themselves are written and issued on the portal's pages, where
the workflow's services guard every step."""

from django.contrib import admin

from audit.admin import AuditedAdminMixin
from common.http import SafeQueryAdminMixin

from .models import BulletinKind


@admin.register(BulletinKind)
class BulletinKindAdmin(SafeQueryAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "yellow_below", "stale_months", "number_prefix", "months")
    fields = (
        "name",
        "months",
        "yellow_below",
        "stale_months",
        "number_prefix",
        "issuer",
        "recipients",
        "copy_to",
        "printed_by",
    )

    def has_delete_permission(self, request, obj=None):
        # Bulletins point at their kind; a kind is renamed, not removed.
        return False
