"""The offline round trip of the monthly report: a department downloads its
period's sheet, fills it in Excel and uploads it back."""

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from audit.services import audit_record
from common.files import megabytes
from common.spreadsheets import XLSX_CONTENT_TYPE
from tasks.importers.errors import ImportFailed
from tasks.services import file_digest

from .. import permissions
from ..models import ReportingPeriod
from ..services.sheet import (
    SheetResult,
    sheet_build,
    sheet_file_name,
    sheet_import,
)


def _require_department_user(user) -> None:
    if not permissions.is_department_user(user):
        raise PermissionDenied("表格填报只对部门填报员和负责人开放。")


@require_GET
@login_required
@never_cache
def sheet_download(request: HttpRequest, pk: int) -> FileResponse:
    _require_department_user(request.user)
    period = get_object_or_404(ReportingPeriod, pk=pk)
    data = sheet_build(period=period, user=request.user)
    file_name = sheet_file_name(period=period, department=request.user.department)
    audit_record(
        action="export.sheet",
        actor=request.user,
        obj=period,
        department=request.user.department,
        after={"file_name": file_name, "sha256": file_digest(data)},
    )
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=file_name,
        content_type=XLSX_CONTENT_TYPE,
    )


@require_http_methods(["GET", "POST"])
@login_required
def sheet_upload(request: HttpRequest, pk: int) -> HttpResponse:
    _require_department_user(request.user)
    period = get_object_or_404(ReportingPeriod, pk=pk)
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = ["请选择要上传的填报表(.xlsx 文件)。"]
        elif upload.size > limit:
            # Refused before reading it into memory.
            errors = [
                f"文件“{upload.name}”大小为 {megabytes(upload.size)},"
                f"超过上限 {megabytes(limit)}。"
            ]
        else:
            try:
                result = sheet_import(
                    period=period,
                    user=request.user,
                    data=upload.read(),
                    file_name=upload.name,
                )
            except ImportFailed as exc:
                errors = exc.errors
            else:
                messages.success(request, _summary(result))
                return redirect(f"{reverse('dispatch:my-tasks')}?period={period.pk}")
    return render(
        request,
        "dispatch/sheet_upload.html",
        {"period": period, "errors": errors, "max_size": megabytes(limit)},
        status=400 if errors else 200,
    )


def _summary(result: SheetResult) -> str:
    parts = [f"已从表格更新 {result.updated} 份报告"]
    if result.unchanged:
        parts.append(f"{result.unchanged} 份未改动")
    if result.skipped:
        rows = "、".join(str(row) for row in result.skipped_rows)
        parts.append(
            f"第{rows}行的 {result.skipped} 份报告已报送、已审核或填报期已截止,未导入"
        )
    return ",".join(parts) + "。"
