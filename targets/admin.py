"""The targets in the admin: the parser's candidates for a person to edit,
confirm or reject, and the readings as history."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from audit.admin import AuditedAdminMixin
from common.http import SafeQueryAdminMixin
from tasks.admin import PolicyAdmin as PlanPolicyAdmin
from tasks.models import Policy

from . import services
from .cache import public_page_changed
from .models import PlanPoint, Reading, Target
from .policy_import import PolicyDocumentImport


class PublicPageAdminMixin:
    """A target or reading changed or deleted here changes the public page."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        public_page_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        public_page_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        public_page_changed()


class PlanPointInline(admin.TabularInline):
    model = PlanPoint
    extra = 0


@admin.register(Target)
class TargetAdmin(
    PublicPageAdminMixin, SafeQueryAdminMixin, AuditedAdminMixin, admin.ModelAdmin
):
    change_list_template = "targets/admin_target_change_list.html"
    list_display = (
        "metric",
        "value_display",
        "kind",
        "deadline",
        "review_status",
        "source_ref",
    )
    list_filter = ("review_status", "kind", "policy")
    search_fields = ("metric", "source_text")
    list_select_related = ("policy",)
    readonly_fields = (
        "source_text",
        "source_ref",
        "fingerprint",
        "review_status",
        "reviewer",
        "reviewed_at",
    )
    fieldsets = (
        (
            "原文",
            {"fields": ("policy", "source_text", "source_ref", "fingerprint")},
        ),
        (
            "目标",
            {
                "fields": (
                    "metric",
                    ("comparator", "value", "unit", "aspirational"),
                    "kind",
                    ("start_date", "deadline"),
                    ("baseline", "start_value"),
                    "note",
                    ("key_task", "task"),
                    "position",
                )
            },
        ),
        ("确认", {"fields": ("review_status", "reviewer", "reviewed_at")}),
    )
    raw_id_fields = ("task",)
    inlines = [PlanPointInline]
    actions = ["accept_targets", "reject_targets"]

    @admin.display(description="确认人")
    def reviewer(self, target):
        # Plain text: a link would lead to the user admin, which is the
        # security administrator's, not the system administrator's.
        return str(target.reviewed_by) if target.reviewed_by else "—"

    @admin.display(description="目标值", ordering="value")
    def value_display(self, target):
        return target.value_display

    def has_add_permission(self, request):
        # A target comes from a sentence of the policy, through the parser.
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return (*self.readonly_fields, "policy")
        return self.readonly_fields

    @admin.action(description="确认所选目标", permissions=["change"])
    def accept_targets(self, request, queryset):
        self._decide(request, queryset, accept=True)

    @admin.action(description="否决所选目标", permissions=["change"])
    def reject_targets(self, request, queryset):
        self._decide(request, queryset, accept=False)

    def _decide(self, request, queryset, *, accept: bool) -> None:
        done = 0
        for target in queryset:
            try:
                services.target_decide(target=target, accept=accept, actor=request.user)
            except services.TargetError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return
            done += 1
        label = "确认" if accept else "否决"
        self.message_user(request, f"已{label} {done} 个目标。", messages.SUCCESS)

    def get_urls(self):
        extract = self.admin_site.admin_view(self.extract_view)
        # 从正文导入新政策, shown on the policies' list: here because the
        # import stores the document's targets with the policy.
        document_import = PolicyDocumentImport(self)
        upload = self.admin_site.admin_view(document_import.upload_view)
        confirm = self.admin_site.admin_view(document_import.confirm_view)
        return [
            path("extract/", extract, name="targets_target_extract"),
            path("policy-import/", upload, name="targets_policy_import"),
            path(
                "policy-import/confirm/", confirm, name="targets_policy_import_confirm"
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_extract": self.has_change_permission(request),
        }
        return super().changelist_view(request, extra_context)

    @method_decorator(require_POST)
    def extract_view(self, request: HttpRequest) -> HttpResponseRedirect:
        """Run the parser over every loaded policy; candidates already
        stored are kept as the person last left them."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        for policy in Policy.objects.order_by("number"):
            try:
                report = services.policy_targets_extract(policy=policy)
            except services.TargetError as exc:
                self.message_user(request, str(exc), messages.WARNING)
            else:
                self.message_user(
                    request, f"{policy.number}:{report.summary}", messages.SUCCESS
                )
        changelist = reverse("admin:targets_target_changelist")
        return HttpResponseRedirect(f"{changelist}?review_status__exact=proposed")


@admin.register(Reading)
class ReadingAdmin(
    PublicPageAdminMixin, SafeQueryAdminMixin, AuditedAdminMixin, admin.ModelAdmin
):
    """Readings are written by the monthly reports and the reviewer's form,
    which check them; here they are read, and a mistaken one deleted."""

    list_display = ("target", "as_of", "value", "source", "report", "entered_by")
    list_filter = ("source", "target__policy")
    search_fields = ("target__metric", "note")
    list_select_related = (
        "target",
        "report__period",
        "report__task",
        "report__department",
        "entered_by",
    )
    date_hierarchy = "as_of"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# The policies' admin of the tasks app, with what the public page shows of
# a policy (its title, whether it is published) dropping the cached pages,
# and the publishing actions.
admin.site.unregister(Policy)


@admin.register(Policy)
class PolicyAdmin(PublicPageAdminMixin, PlanPolicyAdmin):
    actions = ["publish", "withdraw"]

    @admin.action(description="在公众页公开", permissions=["change"])
    def publish(self, request, queryset):
        self._publish(request, queryset, published=True)

    @admin.action(description="从公众页撤下", permissions=["change"])
    def withdraw(self, request, queryset):
        self._publish(request, queryset, published=False)

    def _publish(self, request, queryset, *, published: bool) -> None:
        for policy in queryset:
            services.policy_publish(
                policy=policy, published=published, actor=request.user
            )
        label = "公开" if published else "撤下"
        self.message_user(
            request, f"已{label} {queryset.count()} 份政策文件。", messages.SUCCESS
        )
