"""The incentives' settings in the admin, kept by the system administrator:
the amounts table, the bearing finances and their budgets, the key
industry chains and their enterprises (importable from Excel), the holiday
calendar and the targets fed by awards paid.

Applications are not here: they hold personal data and move only through
the services' graph, on the incentives' own pages.
"""

import io

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from audit.admin import AuditedAdminMixin
from common.files import megabytes
from common.http import SafeQueryAdminMixin
from common.spreadsheets import XLSX_CONTENT_TYPE
from tasks.models import Department

from .models import (
    AwardKind,
    AwardRule,
    Budget,
    Finance,
    FinanceKind,
    Holiday,
    IndustryChain,
    KeyEnterprise,
    TargetFeed,
)
from .services.imports import (
    SheetError,
    credit_code_problem,
    enterprise_template,
    enterprises_import,
    normalise_credit_code,
)

# What an application takes from its rule when it is filed: once a rule
# has applications, these stay as they were.
RULE_LOCKED_FIELDS = (
    "kind",
    "level",
    "basis",
    "amount",
    "uplift_percent",
    "funding",
    "city_share_percent",
    "effective_from",
    "manual_review",
)
RULE_LOCKED_HELP = (
    "已有 {count} 份申请适用本标准,金额、上浮比例、负担方式和起始日期不能再修改,"
    "以免改变已受理或已发放的奖励。调整标准请新增一条同类别、同等级的标准,"
    "起始日期晚于本条;新标准只适用于其起始日期以后提交的申请。"
    "本条可填写截止日期。"
)


class AwardRuleForm(forms.ModelForm):
    class Meta:
        model = AwardRule
        fields = (
            "kind",
            "level",
            "basis",
            "amount",
            "uplift_percent",
            "funding",
            "city_share_percent",
            "manual_review",
            "effective_from",
            "effective_to",
            "source_item",
            "source_text",
        )

    def clean(self):
        data = super().clean()
        rule = self.instance
        kind, level = data.get("kind", rule.kind), data.get("level", rule.level)
        start = data.get("effective_from", rule.effective_from)
        if rule.pk is None and kind and start:
            latest = (
                AwardRule.objects.filter(kind=kind, level=level or "")
                .order_by("-effective_from")
                .first()
            )
            if latest is not None and start <= latest.effective_from:
                self.add_error(
                    "effective_from",
                    f"该类别、等级已有自{latest.effective_from}起的标准;"
                    f"新标准的起始日期应晚于{latest.effective_from}。",
                )
        end = data.get("effective_to")
        if rule.pk is not None and end:
            last_filed = rule.applications.aggregate(last=Max("filed_on"))["last"]
            if last_filed and end < last_filed:
                self.add_error(
                    "effective_to",
                    f"已有{last_filed}提交的申请适用本标准,截止日期不能早于该日。",
                )
        return data


@admin.register(AwardRule)
class AwardRuleAdmin(SafeQueryAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    form = AwardRuleForm
    list_display = (
        "kind",
        "level",
        "basis",
        "amount",
        "uplift_percent",
        "funding",
        "effective_from",
        "effective_to",
        "manual_review",
        "application_count",
    )
    list_filter = ("kind", "level", "basis", "funding", "effective_from")
    search_fields = ("source_text",)
    ordering = ("kind", "level", "effective_from")

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(_applications=Count("applications"))
        )

    @admin.display(description="适用申请数", ordering="_applications")
    def application_count(self, rule):
        return rule._applications

    def _used(self, obj) -> int:
        if obj is None or obj.pk is None:
            return 0
        return obj.applications.count()

    def get_readonly_fields(self, request, obj=None):
        if self._used(obj):
            return RULE_LOCKED_FIELDS
        return ()

    def get_fieldsets(self, request, obj=None):
        fields = [
            "kind",
            "level",
            "basis",
            "amount",
            "uplift_percent",
            "funding",
            "city_share_percent",
            "manual_review",
        ]
        used = self._used(obj)
        return (
            (
                "标准",
                {
                    "fields": fields,
                    "description": RULE_LOCKED_HELP.format(count=used)
                    if used
                    else (
                        "金额调整请新增一条起始日期更晚的标准,不要修改已有申请适用的标准。"
                    ),
                },
            ),
            ("有效期", {"fields": ["effective_from", "effective_to"]}),
            ("政策依据", {"fields": ["source_item", "source_text"]}),
        )


@admin.register(Finance)
class FinanceAdmin(SafeQueryAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "area", "sort_order")
    list_filter = ("kind",)
    search_fields = ("name",)
    list_select_related = ("area",)


@admin.register(Budget)
class BudgetAdmin(SafeQueryAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("finance", "year", "amount")
    list_filter = ("year", "finance")
    list_select_related = ("finance",)


@admin.register(IndustryChain)
class IndustryChainAdmin(SafeQueryAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "sort_order", "enterprise_count")
    search_fields = ("name",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_enterprises=Count("enterprises"))

    @admin.display(description="企业数", ordering="_enterprises")
    def enterprise_count(self, chain):
        return chain._enterprises


class KeyEnterpriseForm(forms.ModelForm):
    class Meta:
        model = KeyEnterprise
        fields = ("name", "credit_code", "chain", "area", "listed_from", "listed_to")

    def clean_credit_code(self):
        code = normalise_credit_code(self.cleaned_data["credit_code"])
        problem = credit_code_problem(code)
        if problem:
            raise ValidationError(f"{problem}。")
        return code

    def clean(self):
        data = super().clean()
        start, end = data.get("listed_from"), data.get("listed_to")
        if start and end and end < start:
            self.add_error("listed_to", f"移出日期{end}早于列入日期{start}。")
        return data


class EnterpriseImportForm(forms.Form):
    file = forms.FileField(label="名录文件(.xlsx)")


@admin.register(KeyEnterprise)
class KeyEnterpriseAdmin(SafeQueryAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    form = KeyEnterpriseForm
    change_list_template = "incentives/imports/admin_enterprise_change_list.html"
    list_display = ("name", "credit_code", "chain", "area", "listed_from", "listed_to")
    list_filter = ("chain", "area", "listed_from")
    search_fields = ("name", "credit_code")
    list_select_related = ("chain", "area")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "area":
            kwargs["queryset"] = Department.objects.filter(
                finance__kind=FinanceKind.AREA
            ).order_by("finance__sort_order")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "import/",
                view(self.import_view),
                name="incentives_keyenterprise_import",
            ),
            path(
                "import/template.xlsx",
                view(self.template_view),
                name="incentives_keyenterprise_import_template",
            ),
            *super().get_urls(),
        ]

    def _may_import(self, request) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import": self._may_import(request),
        }
        return super().changelist_view(request, extra_context)

    def template_view(self, request: HttpRequest) -> FileResponse:
        if not self._may_import(request):
            raise PermissionDenied
        return FileResponse(
            io.BytesIO(enterprise_template()),
            as_attachment=True,
            filename="重点产业链企业名录模板.xlsx",
            content_type=XLSX_CONTENT_TYPE,
        )

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload the registry; every row is checked and written, or none."""
        if not self._may_import(request):
            raise PermissionDenied
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        errors: list[str] = []
        form = EnterpriseImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > limit:
                errors = [
                    f"文件“{upload.name}”大小为 {megabytes(upload.size)},"
                    f"超过上限 {megabytes(limit)}。"
                ]
            else:
                try:
                    result = enterprises_import(
                        data=upload.read(),
                        file_name=upload.name,
                        actor=request.user,
                        today=timezone.localdate(),
                    )
                except SheetError as exc:
                    errors = exc.errors
                else:
                    self.message_user(
                        request,
                        f"已从“{upload.name}”导入重点产业链企业:"
                        f"新增 {result['created']} 家,更新 {result['updated']} 家,"
                        f"未变 {result['unchanged']} 家。",
                        messages.SUCCESS,
                    )
                    return redirect(
                        reverse("admin:incentives_keyenterprise_changelist")
                    )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "从 Excel 导入重点产业链企业",
            "form": form,
            "errors": errors,
            "max_size": megabytes(limit),
            "chains": IndustryChain.objects.all(),
        }
        return TemplateResponse(
            request,
            "incentives/imports/admin_enterprise_import.html",
            context,
            status=400 if errors or form.errors else 200,
        )


@admin.register(Holiday)
class HolidayAdmin(SafeQueryAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("date", "name", "is_workday")
    list_filter = ("is_workday",)
    search_fields = ("name",)
    date_hierarchy = "date"


class TargetFeedForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        label="计入的奖励类别",
        choices=AwardKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="发放了这些类别奖励的人数计入目标读数。",
    )

    class Meta:
        model = TargetFeed
        fields = ("target", "kinds", "counts_from")


@admin.register(TargetFeed)
class TargetFeedAdmin(SafeQueryAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    form = TargetFeedForm
    list_display = ("target", "kind_labels", "counts_from")
    list_select_related = ("target",)
    raw_id_fields = ("target",)

    @admin.display(description="计入的奖励类别")
    def kind_labels(self, feed):
        labels = dict(AwardKind.choices)
        return "、".join(str(labels.get(k, k)) for k in feed.kinds) or "—"
