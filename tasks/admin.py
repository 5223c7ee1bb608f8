from django import forms
from django.contrib import admin
from import_export.admin import ImportExportMixin
from import_export.forms import (
    ConfirmImportForm,
    ImportForm,
    SelectableFieldsExportForm,
)

from audit.admin import AuditedAdminMixin
from common.http import SafeQueryAdminMixin
from tasks.models import (
    AnnexColumnMapping,
    Department,
    DepartmentAlias,
    ImportRecord,
    KeyTask,
    KeyTaskAssignment,
    Policy,
    Responsibility,
    Section,
    Task,
)

from .importers.errors import ImportFailed
from .resources import EXPORT_FORMATS, AnnexXLSX, TaskResource


class ColumnNameExportForm(SelectableFieldsExportForm):
    """Each field offered for export by its column's Chinese name (工作要求),
    not by import-export's title-cased attribute ("Requirement (工作要求)")."""

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        if field is None or not field.column_name:
            return super()._get_field_label(resource, field_name)
        return field.column_name


# The columns a person may match by hand where the importer cannot tell
# them, by field and label (tasks.importers.annex.COLUMNS).
MATCHABLE_COLUMNS = (
    ("requirement", "工作要求"),
    ("departments", "责任部门"),
    ("lead", "牵头单位"),
    ("cooperating", "配合单位"),
    ("number", "序号"),
    ("key_task", "重点任务"),
)


class AnnexImportForm(ImportForm):
    policy = forms.ModelChoiceField(
        label="所属政策文件",
        queryset=Policy.objects.all(),
        help_text="附件中的任务导入到这份政策下;没有时请先在“政策文件”中新增。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Offered, as selects of the header's cells, once a header could
        # not be read (annex_header); the choice is remembered.
        self.annex_header = None
        for name, label in MATCHABLE_COLUMNS:
            self.fields[f"column_{name}"] = forms.CharField(
                label=f"“{label}”列", required=False, max_length=200
            )

    def column_fields(self):
        return [self[f"column_{name}"] for name, _ in MATCHABLE_COLUMNS]

    def column_mapping(self) -> dict[str, str]:
        return {
            name: text
            for name, _ in MATCHABLE_COLUMNS
            if (text := self.cleaned_data.get(f"column_{name}", "").strip())
        }

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        if upload is not None:
            # The format reads the file where the form is out of reach.
            upload.annex_mapping = self.column_mapping()
        return cleaned


class AnnexConfirmForm(ConfirmImportForm):
    policy = forms.ModelChoiceField(
        queryset=Policy.objects.all(), widget=forms.HiddenInput
    )


@admin.register(Policy)
class PolicyAdmin(SafeQueryAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("number", "title", "issuer", "issued_on", "validity")
    search_fields = ("number", "title", "issuer")
    list_filter = ("issuer", "validity")


@admin.register(Section)
class SectionAdmin(SafeQueryAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "policy")
    list_filter = ("policy",)
    search_fields = ("title",)


class KeyTaskAssignmentInline(admin.TabularInline):
    model = KeyTaskAssignment
    extra = 0
    autocomplete_fields = ("department",)


@admin.register(KeyTask)
class KeyTaskAdmin(SafeQueryAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("number", "name", "section", "policy")
    list_display_links = ("number", "name")
    list_filter = ("policy", "section")
    search_fields = ("title", "annex_title", "body")
    list_select_related = ("section", "policy")
    inlines = [KeyTaskAssignmentInline]


@admin.register(KeyTaskAssignment)
class KeyTaskAssignmentAdmin(SafeQueryAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("key_task", "department", "role")
    list_filter = ("role", "department__kind", "key_task__policy")
    search_fields = ("department__name", "key_task__title")
    list_select_related = ("key_task", "department")
    autocomplete_fields = ("department",)


class ResponsibilityInline(admin.TabularInline):
    model = Responsibility
    extra = 0
    autocomplete_fields = ("department",)


@admin.register(Task)
class TaskAdmin(
    SafeQueryAdminMixin, AuditedAdminMixin, ImportExportMixin, admin.ModelAdmin
):
    resource_classes = [TaskResource]
    import_form_class = AnnexImportForm
    confirm_form_class = AnnexConfirmForm
    export_form_class = ColumnNameExportForm
    import_template_name = "admin/tasks/task/import.html"
    export_formats = EXPORT_FORMATS
    list_display = ("number", "key_task", "short_requirement", "policy")
    list_display_links = ("number", "short_requirement")
    list_filter = (
        "policy",
        "key_task__section",
        "responsibilities__role",
        "responsibilities__department__kind",
    )
    search_fields = ("requirement", "key_task__title", "departments_text")
    list_select_related = ("key_task", "policy")
    inlines = [ResponsibilityInline]

    @admin.display(description="工作要求")
    def short_requirement(self, task):
        return task.requirement[:40] + ("…" if len(task.requirement) > 40 else "")

    def get_import_formats(self):
        return [AnnexXLSX]

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        resource_kwargs = super().get_import_resource_kwargs(request, **kwargs)
        if form is not None and form.is_bound and form.is_valid():
            resource_kwargs["policy"] = form.cleaned_data["policy"]
        return resource_kwargs

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["policy"] = import_form.cleaned_data["policy"].pk
        return initial

    def write_to_tmp_storage(self, import_file, input_format):
        input_format.file_name = import_file.name
        input_format.mapping = getattr(import_file, "annex_mapping", None) or None
        return super().write_to_tmp_storage(import_file, input_format)

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportFailed):
            for message in e.errors:
                form.add_error("import_file", message)
            form.annex_header = getattr(e, "annex_header", None)
        else:
            super().add_data_read_fail_error_to_form(form, e)


@admin.register(Responsibility)
class ResponsibilityAdmin(SafeQueryAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("task", "department", "role")
    list_filter = ("role", "department__kind", "task__policy")
    search_fields = ("department__name", "task__requirement")
    list_select_related = ("task", "department")
    autocomplete_fields = ("task", "department")


class DepartmentAliasInline(admin.TabularInline):
    model = DepartmentAlias
    extra = 1


@admin.register(Department)
class DepartmentAdmin(SafeQueryAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "full_name", "kind", "sort_order")
    list_filter = ("kind",)
    search_fields = ("name", "full_name", "aliases__name")
    filter_horizontal = ("members",)
    inlines = [DepartmentAliasInline]


@admin.register(DepartmentAlias)
class DepartmentAliasAdmin(SafeQueryAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "department")
    list_filter = ("department__kind",)
    search_fields = ("name", "department__name")
    autocomplete_fields = ("department",)


@admin.register(AnnexColumnMapping)
class AnnexColumnMappingAdmin(SafeQueryAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("header", "mapping", "updated_at")
    search_fields = ("header",)
    readonly_fields = ("signature", "header", "mapping", "updated_at")

    def has_add_permission(self, request):
        return False


@admin.register(ImportRecord)
class ImportRecordAdmin(SafeQueryAdminMixin, admin.ModelAdmin):
    list_display = (
        "imported_at",
        "kind",
        "file_name",
        "policy",
        "created_count",
        "updated_count",
        "unchanged_count",
        "imported_by",
    )
    list_filter = ("kind", "policy")
    search_fields = ("file_name", "sha256")
    list_select_related = ("policy", "imported_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
