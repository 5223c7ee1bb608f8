"""The 公示 pages: the list and the publicity itself for the clerks
(read-only) and the reviewer, who also publishes, closes and handles
objections; the notice's .docx; and the public pages, masked, for anyone.

Who may do what is ``permissions``; what is shown is the selectors'; every
write is a service's.
"""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from incentives import documents, permissions
from incentives.forms_publicity import ObjectionForm, PublicityForm, ResolveForm
from incentives.models import ApplicationState, Objection
from incentives.selectors import publicity as selectors
from incentives.services import publicity as services

PER_PAGE = 20
DOCX_CONTENT_TYPE = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)


def _require_user(user) -> None:
    if not permissions.can_use(user):
        raise PermissionDenied("公示管理只对激励经办员和人社局审核员开放。")


def _require_manager(user) -> None:
    if not permissions.can_manage_publicity(user):
        raise PermissionDenied("只有人社局审核员可以办理公示及异议。")


def _form_errors(form) -> str:
    """A form's errors as one line, each with its field's label."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            parts.append(f"{label}:{error}" if label else str(error))
    return ";".join(parts)


@require_GET
@login_required
def publicity_list(request: HttpRequest) -> HttpResponse:
    _require_user(request.user)
    paginator = Paginator(selectors.publicity_list(user=request.user), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "incentives/publicity/publicity_list.html",
        {
            "publicities": page.object_list,
            "page_obj": page,
            "paginator": paginator,
            "is_paginated": page.has_other_pages(),
            "can_manage": permissions.can_manage_publicity(request.user),
        },
    )


@login_required
def publicity_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request.user)
    ready = selectors.ready_applications(user=request.user)
    form = PublicityForm(request.POST or None, ready=ready)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            publicity = services.publicity_open(
                applications=data["applications"],
                title=data["title"],
                starts_on=data["starts_on"],
                working_days=data["working_days"],
                contact=data["contact"],
                actor=request.user,
            )
        except services.PublicityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"已发布公示,公示期{documents.period_text(publicity)}。",
            )
            return redirect(publicity)
    chosen = set(form["applications"].value() or []) if form.is_bound else set()
    return render(
        request,
        "incentives/publicity/publicity_create.html",
        {
            "form": form,
            "rows": selectors.application_rows(ready),
            "chosen": {str(pk) for pk in chosen},
        },
        status=400 if form.errors else 200,
    )


@require_GET
@login_required
def publicity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_user(request.user)
    publicity = selectors.publicity_detail(user=request.user, pk=pk)
    today = timezone.localdate()
    rows = selectors.notice_rows(publicity)
    objections = selectors.publicity_objections(publicity)
    can_manage = permissions.can_manage_publicity(request.user)

    # One form per application and per open objection, with ids of its own.
    def objection_form(row):
        if not can_manage or row.state != ApplicationState.PUBLICITY:
            return None
        return ObjectionForm(
            initial={"received_on": today}, auto_id=f"id_a{row.application_id}_%s"
        )

    def resolve_form(objection):
        if not can_manage or objection.outcome:
            return None
        return ResolveForm(auto_id=f"id_o{objection.pk}_%s")

    return render(
        request,
        "incentives/publicity/publicity_detail.html",
        {
            "publicity": publicity,
            "entries": [(row, objection_form(row)) for row in rows],
            "total": selectors.amount_text(selectors.notice_total(rows)),
            "objections": [(o, resolve_form(o)) for o in objections],
            "progress": selectors.publicity_progress(publicity, today=today),
            "lines": documents.notice_lines(publicity, len(rows)),
            "issuer": documents.ISSUER,
            "can_manage": can_manage,
        },
    )


@require_POST
@login_required
def publicity_close(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request.user)
    publicity = selectors.publicity_detail(user=request.user, pk=pk)
    try:
        services.publicity_close(
            publicity=publicity, today=timezone.localdate(), actor=request.user
        )
    except services.PublicityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "公示已结束,无异议的申请已通过。")
    return redirect(publicity)


@require_GET
@login_required
def publicity_docx(request: HttpRequest, pk: int) -> FileResponse:
    _require_user(request.user)
    publicity = selectors.publicity_detail(user=request.user, pk=pk)
    return FileResponse(
        io.BytesIO(documents.notice_docx(publicity)),
        as_attachment=True,
        filename=documents.notice_file_name(publicity),
        content_type=DOCX_CONTENT_TYPE,
    )


@require_POST
@login_required
def objection_add(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request.user)
    application = get_object_or_404(
        permissions.applications_for_user(request.user).select_related("publicity"),
        pk=pk,
    )
    back = (
        application.publicity.get_absolute_url()
        if application.publicity
        else reverse("incentives:publicity-list")
    )
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"异议未登记:{_form_errors(form)}")
        return redirect(back)
    try:
        services.objection_record(
            application=application,
            received_on=form.cleaned_data["received_on"],
            content=form.cleaned_data["content"],
            raised_by=form.cleaned_data["raised_by"],
            actor=request.user,
        )
    except services.PublicityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"已登记对申请{application.number}的异议,核查前暂停该申请。"
        )
    return redirect(back)


@require_POST
@login_required
def objection_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request.user)
    objection = get_object_or_404(
        Objection.objects.filter(
            publicity__in=permissions.publicities_for_user(request.user)
        ).select_related("application", "publicity"),
        pk=pk,
    )
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"核查未保存:{_form_errors(form)}")
        return redirect(objection.publicity)
    try:
        services.objection_resolve(
            objection=objection,
            outcome=form.cleaned_data["outcome"],
            resolution=form.cleaned_data["resolution"],
            today=timezone.localdate(),
            actor=request.user,
        )
    except services.PublicityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"已核查对申请{objection.application.number}的异议:"
            f"{Objection.Outcome(form.cleaned_data['outcome']).label}。",
        )
    return redirect(objection.publicity)


# -- public --------------------------------------------------------------------


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    paginator = Paginator(selectors.public_publicities(today=today), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "incentives/publicity/public_list.html",
        {
            "publicities": page.object_list,
            "page_obj": page,
            "paginator": paginator,
            "is_paginated": page.has_other_pages(),
            "today": today,
        },
    )


@require_GET
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    publicity = selectors.public_publicity(pk=pk, today=today)
    rows = selectors.notice_rows(publicity)
    return render(
        request,
        "incentives/publicity/public_detail.html",
        {
            "publicity": publicity,
            "entries": [(row, None) for row in rows],
            "total": selectors.amount_text(selectors.notice_total(rows)),
            "lines": documents.notice_lines(publicity, len(rows)),
            "issuer": documents.ISSUER,
        },
    )
