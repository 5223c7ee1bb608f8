"""The 整改台账 as a spreadsheet: its export, and the upload of a team's
findings sheet, previewed and then confirmed. The rules are in
``supervision.ledger``; the preview's rows wait in the session."""

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from audit.services import audit_record
from common.files import megabytes
from common.http import query_id
from tasks.importers.errors import ImportFailed
from tasks.services import file_digest

from . import permissions, selectors
from .ledger import (
    XLSX_CONTENT_TYPE,
    FindingsSheet,
    findings_check,
    findings_import,
    findings_template,
    ledger_file_name,
    ledger_workbook,
    read_findings,
)
from .models import Round

# The session key of the sheet waiting for its confirmation.
PENDING = "supervision.findings"


def _require_team(user) -> None:
    if not permissions.is_team(user):
        raise PermissionDenied("只有督导组(人社局审核员)可以导入问题清单。")


def _xlsx(data: bytes, file_name: str) -> FileResponse:
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=file_name,
        content_type=XLSX_CONTENT_TYPE,
    )


@require_GET
@login_required
@never_cache
def ledger_export(request: HttpRequest) -> FileResponse:
    """The ledger of one round (``?round=``) or of all, as the user may
    see it: a department gets only its own problems."""
    user = request.user
    if not permissions.can_list(user):
        raise PermissionDenied("整改台账只对督导组和各责任单位开放。")
    round_id = query_id(request.GET, "round", "督导轮次")
    round = None
    if round_id is not None:
        round = get_object_or_404(permissions.rounds_for_user(user), pk=round_id)
    rows = selectors.ledger(round, user)
    data = ledger_workbook(rows, rounds=[round] if round else None)
    file_name = ledger_file_name(round, timezone.localdate())
    audit_record(
        action="export.ledger",
        actor=user,
        obj=round,
        after={
            "file_name": file_name,
            "sha256": file_digest(data),
            "problems": len(rows),
        },
    )
    return _xlsx(data, file_name)


@require_GET
@login_required
def findings_template_download(request: HttpRequest, pk: int) -> FileResponse:
    _require_team(request.user)
    round = get_object_or_404(Round, pk=pk)
    return _xlsx(findings_template(round), f"问题清单模板-{round.title}.xlsx")


@require_http_methods(["GET", "POST"])
@login_required
def findings_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload → preview (nothing written) → confirm (every row or none)."""
    _require_team(request.user)
    round = get_object_or_404(Round.objects.select_related("policy"), pk=pk)
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    context = {"round": round, "max_size": megabytes(limit), "errors": []}
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request, round, context)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["errors"] = ["请选择要导入的问题清单(.xlsx 文件)。"]
        elif upload.size > limit:
            # Refused before reading it into memory.
            context["errors"] = [
                f"文件“{upload.name}”大小为 {megabytes(upload.size)},"
                f"超过上限 {megabytes(limit)}。"
            ]
        else:
            data = upload.read()
            try:
                sheet = read_findings(data, upload.name, file_digest(data))
                findings = findings_check(round=round, sheet=sheet)
            except ImportFailed as exc:
                context["errors"] = exc.errors
            else:
                request.session[PENDING] = {"round": round.pk, **sheet.as_data()}
                context.update(sheet=sheet, findings=findings)
    return render(
        request,
        "supervision/findings_upload.html",
        context,
        status=400 if context["errors"] else 200,
    )


def _confirm(request: HttpRequest, round: Round, context: dict) -> HttpResponse:
    pending = request.session.get(PENDING)
    if (
        not pending
        or pending.get("round") != round.pk
        or pending.get("sha256") != request.POST.get("sha256")
    ):
        context["errors"] = [
            "没有待确认的问题清单:可能已经导入,"
            "或在另一个窗口上传了其他文件。请重新上传。"
        ]
    else:
        data = {k: v for k, v in pending.items() if k != "round"}
        try:
            problems = findings_import(
                round=round, sheet=FindingsSheet.from_data(data), actor=request.user
            )
        except ImportFailed as exc:
            context["errors"] = exc.errors
        else:
            del request.session[PENDING]
            messages.success(
                request,
                f"已从“{data['file_name']}”导入 {len(problems)} 个问题,"
                "状态为待制定方案。",
            )
            return redirect(round)
    return render(request, "supervision/findings_upload.html", context, status=400)
