"""django-import-export adapters for the annex.

The admin's import reads the annex with the same parser as the command and
hands the rows to ``services.annex_import``; the resource only translates
between import-export's dataset and result and the service's report, so
that the rules live in one place.
"""

import tablib
from django.core.exceptions import FieldDoesNotExist
from import_export import fields, resources
from import_export.formats.base_formats import CSV, XLSX
from import_export.results import Error, Result, RowResult

from common.spreadsheets import escape_formula
from tasks.models import Task
from tasks.selectors import annex_mapping_for
from tasks.services import Action, annex_import, annex_mapping_save, file_digest

from .importers.annex import AnnexRow, AnnexSheet, annex_header, read_annex
from .importers.errors import ImportFailed

# 牵头单位 and 配合单位 are filled where the sheet has them in two columns.
HEADERS = ["行号", "序号", "重点任务", "工作要求", "责任部门", "牵头单位", "配合单位"]
IMPORT_TYPES = {
    Action.CREATED: RowResult.IMPORT_TYPE_NEW,
    Action.UPDATED: RowResult.IMPORT_TYPE_UPDATE,
    Action.UNCHANGED: RowResult.IMPORT_TYPE_SKIP,
}


class AnnexXLSX(XLSX):
    """The annex as offices keep it: title rows, merged cells, wraps."""

    # Set by the admin to the chosen file's name, which messages give, and
    # to the columns the person matched by hand (field → header text).
    file_name = "上传的文件"
    mapping: dict[str, str] | None = None

    def get_title(self):
        return "附件表格(xlsx)"

    def create_dataset(self, in_stream):
        """The rows of the sheet, its columns as the person matched them, or
        as matched before for the same header. A header that cannot be
        read is refused with the header as found (``annex_header`` on the
        error), for the person to match its columns."""
        data = in_stream if isinstance(in_stream, bytes) else in_stream.read()
        mapping = self.mapping or annex_mapping_for(data, self.file_name)
        try:
            sheet = read_annex(data, self.file_name, mapping)
        except ImportFailed as exc:
            try:
                exc.annex_header = annex_header(data, self.file_name)
            except ImportFailed:
                exc.annex_header = None
            raise
        if self.mapping:
            header = annex_header(data, self.file_name)
            if header is not None:
                annex_mapping_save(header=header, mapping=self.mapping)
        dataset = tablib.Dataset(headers=HEADERS, title=sheet.sheet_name)
        for row in sheet.rows:
            dataset.append(
                [
                    row.row,
                    row.number,
                    row.key_task,
                    row.requirement,
                    row.departments,
                    row.lead,
                    row.cooperating,
                ]
            )
        # The digest of what was uploaded travels with the rows.
        dataset.sha256 = file_digest(data)
        dataset.notes = sheet.notes
        return dataset


class FormulaSafe:
    """An export format whose text cells no spreadsheet runs as a formula,
    by the portal's one rule (an apostrophe before = + - @, tab or CR).
    import-export's IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only drops a
    leading "=", leaving "+1+cmd|..." and "@SUM(...)" live."""

    def export_data(self, dataset, **kwargs):
        escaped = tablib.Dataset(headers=dataset.headers, title=dataset.title)
        for row in dataset:
            escaped.append(
                [escape_formula(v) if isinstance(v, str) else v for v in row]
            )
        return super().export_data(escaped, **kwargs)


class FormulaSafeXLSX(FormulaSafe, XLSX):
    pass


class FormulaSafeCSV(FormulaSafe, CSV):
    pass


# The admin's export formats: spreadsheets only, each escaped.
EXPORT_FORMATS = [FormulaSafeXLSX, FormulaSafeCSV]


def change_label(name: str) -> str:
    """A changed field of a task by its Chinese name, as the annex's
    columns call it: requirement → 工作要求."""
    if name == "departments":  # the responsibilities, not a field
        return "责任部门"
    try:
        return str(Task._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


class TaskResource(resources.ModelResource):
    number = fields.Field(attribute="number", column_name="序号")
    key_task = fields.Field(attribute="key_task__number", column_name="重点任务序号")
    key_task_name = fields.Field(column_name="重点任务")
    requirement = fields.Field(attribute="requirement", column_name="工作要求")
    departments = fields.Field(column_name="责任部门(角色)")

    class Meta:
        model = Task
        fields = ("number", "key_task", "key_task_name", "requirement", "departments")
        export_order = fields

    def __init__(self, policy=None, **kwargs):
        super().__init__(**kwargs)
        self.policy = policy

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("key_task")
            .prefetch_related("responsibilities__department")
        )

    def dehydrate_key_task_name(self, task):
        return task.key_task.name

    def dehydrate_departments(self, task):
        return "、".join(
            f"{r.department.name}({r.get_role_display()})"
            for r in task.responsibilities.all()
        )

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        result = Result()
        result.diff_headers = ["序号", "变化"]
        sheet = AnnexSheet(
            sheet_name=dataset.title or "",
            rows=[
                AnnexRow(
                    row=int(values[0]),
                    number=int(values[1]),
                    key_task=values[2],
                    requirement=values[3],
                    departments=values[4],
                    lead=values[5],
                    cooperating=values[6],
                )
                for values in dataset
            ],
            notes=list(getattr(dataset, "notes", [])),
        )
        try:
            report = annex_import(
                policy_number=self.policy.number,
                sheet=sheet,
                file_name=kwargs.get("file_name") or "附件.xlsx",
                sha256=getattr(dataset, "sha256", ""),
                user=kwargs.get("user"),
                dry_run=dry_run,
            )
        except ImportFailed as exc:
            if raise_errors:
                raise
            for message in exc.errors:
                result.append_base_error(Error(message))
            return result
        for outcome in report.rows:
            row_result = RowResult()
            row_result.import_type = IMPORT_TYPES[outcome.action]
            row_result.object_id = outcome.object_id
            row_result.instance = outcome.obj
            row_result.object_repr = outcome.label
            row_result.diff = [
                str(outcome.number),
                ";".join(
                    f"{change_label(name)}:{old} → {new}"
                    for name, (old, new) in outcome.changes.items()
                )
                or ("新增" if outcome.action == Action.CREATED else "无变化"),
            ]
            result.append_row_result(row_result)
            result.increment_row_result_total(row_result)
        result.annex_notes = report.notes
        return result
