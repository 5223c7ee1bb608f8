"""The payment pages: the batches (list with the creation form, detail,
the transfer file, the bank's results) and the ledger of budgets.

The 人社局审核员 does everything; a clerk reads the batches and the ledger
of the finances they see (``permissions.finances_for_user``); nobody else
uses these pages (403). A batch out of the user's scope is a 404. The
views call the selectors and services; they hold no rule."""

import datetime
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from common.files import megabytes
from common.http import BadQuery
from common.spreadsheets import XLSX_CONTENT_TYPE
from incentives import permissions
from incentives.models import PaymentBatch
from incentives.selectors import payments as selectors
from incentives.services.payments import (
    PaymentError,
    batch_create,
    batch_export,
    batch_file_name,
    batch_settle,
)

# The years the ledger's filter accepts.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _require_use(user) -> None:
    if not permissions.can_use(user):
        raise PermissionDenied("奖励发放只对人社局审核员和激励经办员开放。")


def _require_manager(user) -> None:
    if not permissions.can_manage_payments(user):
        raise PermissionDenied("只有人社局审核员可以办理奖励发放。")


def _month(text: str) -> datetime.date | None:
    """A month as ``<input type="month">`` sends it (2025-03), or None."""
    try:
        return datetime.datetime.strptime(text.strip(), "%Y-%m").date()  # noqa: DTZ007
    except ValueError:
        return None


@login_required
def batch_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_use(user)
    finances = permissions.finances_for_user(user)
    today = timezone.localdate()
    manager = permissions.can_manage_payments(user)
    return render(
        request,
        "incentives/payments/batch_list.html",
        {
            "batches": selectors.batch_list(user=user),
            "manager": manager,
            "finances": finances,
            "payable": selectors.payable_by_finance(finances),
            "this_month": f"{today:%Y-%m}",
        },
    )


@require_POST
@login_required
def batch_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_use(user)
    _require_manager(user)
    errors = []
    finance = None
    finance_id = request.POST.get("finance", "")
    if not finance_id:
        errors.append("请选择负担财政。")
    elif finance_id.isascii() and finance_id.isdigit() and len(finance_id) < 10:
        finance = permissions.finances_for_user(user).filter(pk=finance_id).first()
    if finance_id and finance is None:
        errors.append("所选负担财政不存在,请重新选择。")
    month = _month(request.POST.get("month", ""))
    if month is None:
        errors.append("请填写发放月份(如 2025-03)。")
    if not errors:
        try:
            batch = batch_create(
                finance=finance, month=month, actor=user, today=timezone.localdate()
            )
        except PaymentError as exc:
            errors.extend(exc.errors)
        else:
            messages.success(
                request,
                f"已创建{batch}:{batch.lines.count()}笔,合计"
                f"{selectors.money(batch.total)}元。",
            )
            return redirect(batch)
    for error in errors:
        messages.error(request, error)
    return redirect("incentives:batch-list")


@login_required
def batch_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_use(user)
    batch = selectors.batch_detail(user=user, pk=pk)
    return render(
        request,
        "incentives/payments/batch_detail.html",
        {
            "batch": batch,
            "lines": selectors.batch_lines(batch),
            "manager": permissions.can_manage_payments(user),
            "State": PaymentBatch.State,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
def batch_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the masked list, for anyone who sees the batch. POST with a
    reason: the bank's file with full card numbers (the reviewer only;
    audited)."""
    user = request.user
    _require_use(user)
    batch = selectors.batch_detail(user=user, pk=pk)
    reason = ""
    if request.method == "POST":
        _require_manager(user)
        reason = request.POST.get("reason", "").strip()
        if not reason:
            messages.error(request, "导出完整卡号须填写理由(如“交建设银行代发”)。")
            return redirect(batch)
    data = batch_export(batch=batch, actor=user, reveal_reason=reason)
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=batch_file_name(batch, full=bool(reason)),
        content_type=XLSX_CONTENT_TYPE,
    )


@require_http_methods(["GET", "POST"])
@login_required
def batch_settle_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_use(user)
    batch = selectors.batch_detail(user=user, pk=pk)
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    context = {
        "batch": batch,
        "manager": permissions.can_manage_payments(user),
        "max_size": megabytes(limit),
        "errors": [],
        "State": PaymentBatch.State,
    }
    if request.method == "POST":
        _require_manager(user)
        upload = request.FILES.get("file")
        if upload is None:
            context["errors"] = ["请选择银行回盘的发放结果文件(.xlsx)。"]
        elif upload.size > limit:
            context["errors"] = [
                f"文件“{upload.name}”大小为 {megabytes(upload.size)},"
                f"超过上限 {megabytes(limit)}。"
            ]
        else:
            try:
                summary = batch_settle(
                    batch=batch,
                    data=upload.read(),
                    file_name=upload.name,
                    actor=user,
                    today=timezone.localdate(),
                )
            except PaymentError as exc:
                context["errors"] = exc.errors
            else:
                messages.success(
                    request,
                    f"已导入发放结果:成功{summary['paid']}笔,失败{summary['failed']}笔,"
                    f"尚待回盘{summary['pending']}笔;"
                    f"{summary['applications_paid']}份申请已全部发放。",
                )
                return redirect(batch)
    return render(
        request,
        "incentives/payments/batch_settle.html",
        context,
        status=400 if context["errors"] else 200,
    )


def _year(request: HttpRequest, default: int) -> int:
    value = request.GET.get("year", "")
    if value == "":
        return default
    if not (value.isascii() and value.isdigit() and len(value) == 4):
        raise BadQuery(f"网址中的年度(参数 year)应为四位年份,而不是“{value[:20]}”。")
    year = int(value)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise BadQuery(f"网址中的年度(参数 year)应在{FIRST_YEAR}至{LAST_YEAR}年之间。")
    return year


@login_required
def ledger_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_use(user)
    today = timezone.localdate()
    year = _year(request, today.year)
    rows = selectors.ledger(
        year=year, today=today, finances=permissions.finances_for_user(user)
    )
    return render(
        request,
        "incentives/payments/ledger.html",
        {
            "rows": rows,
            "totals": selectors.ledger_totals(rows),
            "year": year,
            "years": selectors.ledger_years(today=today),
            "current_year": today.year,
        },
    )
