"""The bulletin types in the admin site: the system administrator sets
each type's light rule (黄灯幅度, the months without an approved report
that make a task red), its 发文字号 prefix and its default words. A
bulletin takes its type's rule when its figures are computed, so a change
applies to new bulletins and new versions, never to an issued one."""

from django import forms
from django.contrib import admin

from audit.admin import AuditedAdminMixin
from common.http import SafeQueryAdminMixin

from .models import BulletinKind


class BulletinKindForm(forms.ModelForm):
    class Meta:
        model = BulletinKind
        fields = [
            "name",
            "months",
            "yellow_below",
            "stale_months",
            "number_prefix",
            "issuer",
            "recipients",
            "copy_to",
            "printed_by",
        ]

    def clean_yellow_below(self):
        value = self.cleaned_data["yellow_below"]
        if value > 100:
            raise forms.ValidationError(f"黄灯幅度“{value}”不能超过 100 个百分点。")
        return value

    def clean_stale_months(self):
        value = self.cleaned_data["stale_months"]
        if value < 1:
            raise forms.ValidationError("无审核通过报告的月数至少为 1。")
        return value


@admin.register(BulletinKind)
class BulletinKindAdmin(SafeQueryAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    form = BulletinKindForm
    list_display = ("name", "months", "yellow_below", "stale_months", "number_prefix")
    fieldsets = (
        (None, {"fields": ("name", "months")}),
        ("亮灯规则", {"fields": ("yellow_below", "stale_months")}),
        (
            "公文要素",
            {
                "fields": (
                    "number_prefix",
                    "issuer",
                    "recipients",
                    "copy_to",
                    "printed_by",
                )
            },
        ),
    )

    def has_delete_permission(self, request, obj=None):
        # Bulletins keep their type (PROTECT); the two types are data.
        return False
