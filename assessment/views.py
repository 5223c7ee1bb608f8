"""The annual assessment's pages: schemes and their indicators, the
assessment's score table and actions, each department's sheet with every
score's working, and the objections. The views call the permissions,
selectors and services; they hold no rule."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.services import audit_record
from bulletins.models import DOCUMENT_TYPES
from tasks.models import Department

from . import documents, jobs, permissions, selectors, services
from .forms import (
    AnswerForm,
    IndicatorEditForm,
    IndicatorForm,
    ManualItemForm,
    ObjectionForm,
    ReasonForm,
    ResultsRenderForm,
    SchemeEditForm,
    SchemeForm,
    StartForm,
)
from .models import MANUAL_KINDS, AssessmentState, Indicator
from .workflow import MOVES, moves_from

# Actions of the assessment page; 启动 is on the scheme's page.
PAGE_ACTIONS = ("recompute", "finalise", "issue", "correct")


def _require_list(user) -> None:
    if not permissions.can_list(user):
        raise PermissionDenied("年度考核只对人社局审核员和被考核单位开放。")


def _require_manager(user) -> None:
    if not permissions.can_manage(user):
        raise PermissionDenied("只有人社局审核员可以进行此操作。")


def _form_error(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}:{';'.join(errors)}" if label else errors[0])


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _require_list(request.user)
    user = request.user
    return render(
        request,
        "assessment/index.html",
        {
            "schemes": permissions.schemes_for_user(user).select_related("assessment"),
            "assessments": permissions.assessments_for_user(user).select_related(
                "scheme"
            ),
            "sheets": permissions.sheets_for_user(user).select_related(
                "assessment__scheme", "department"
            ),
            "is_manager": permissions.can_manage(user),
            "form": SchemeForm(),
        },
    )


@require_POST
@login_required
def scheme_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request.user)
    form = SchemeForm(request.POST)
    if not form.is_valid():
        _form_error(request, form)
        return redirect("assessment:index")
    try:
        scheme = services.scheme_create(**form.cleaned_data, actor=request.user)
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
        return redirect("assessment:index")
    return redirect(scheme)


@login_required
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request.user)
    scheme = get_object_or_404(permissions.schemes_for_user(request.user), pk=pk)
    indicators = selectors.scheme_indicators(scheme)
    return render(
        request,
        "assessment/scheme_detail.html",
        {
            "scheme": scheme,
            "indicators": indicators,
            "weights_total": selectors.weights_total(indicators),
            "indicator_form": IndicatorForm(),
            "start_form": StartForm(),
            "assessment": getattr(scheme, "assessment", None),
        },
    )


@require_POST
@login_required
def indicator_add(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request.user)
    scheme = get_object_or_404(permissions.schemes_for_user(request.user), pk=pk)
    form = IndicatorForm(request.POST)
    if not form.is_valid():
        _form_error(request, form)
        return redirect(scheme)
    data = form.cleaned_data
    try:
        services.indicator_add(
            scheme=scheme,
            name=data["name"],
            kind=data["kind"],
            weight=data["weight"],
            lead_share=data["lead_share"],
            params=data["params"] or {},
            actor=request.user,
        )
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已新增指标“{data['name']}”。")
    return redirect(scheme)


@login_required
def scheme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The scheme's title and grade rules, while it is not frozen."""
    _require_manager(request.user)
    scheme = get_object_or_404(permissions.schemes_for_user(request.user), pk=pk)
    form = SchemeEditForm(request.POST or None, instance=scheme)
    if request.method == "POST" and form.is_valid():
        try:
            services.scheme_update(
                scheme=scheme, data=form.cleaned_data, actor=request.user
            )
        except services.AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已修改考核方案的名称和等次规则。")
            return redirect(scheme)
    return render(
        request,
        "assessment/scheme_edit.html",
        {"scheme": scheme, "form": form, "title": f"修改{scheme.year}年度考核方案"},
    )


@login_required
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """An indicator's name, weight, parameters and lead share, while its
    scheme is not frozen."""
    _require_manager(request.user)
    indicator = get_object_or_404(
        Indicator.objects.select_related("scheme").filter(
            scheme__in=permissions.schemes_for_user(request.user)
        ),
        pk=pk,
    )
    scheme = indicator.scheme
    form = IndicatorEditForm(request.POST or None, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_update(
                indicator=indicator, data=form.data_for_service(), actor=request.user
            )
        except services.AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已修改指标“{form.cleaned_data['name']}”。")
            return redirect(scheme)
    return render(
        request,
        "assessment/scheme_edit.html",
        {
            "scheme": scheme,
            "form": form,
            "title": f"修改指标“{indicator.name}”({indicator.get_kind_display()})",
        },
    )


@require_POST
@login_required
def indicator_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request.user)
    indicator = get_object_or_404(Indicator.objects.select_related("scheme"), pk=pk)
    try:
        services.indicator_delete(indicator=indicator, actor=request.user)
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
    return redirect(indicator.scheme)


@require_POST
@login_required
def assessment_start(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request.user)
    scheme = get_object_or_404(permissions.schemes_for_user(request.user), pk=pk)
    form = StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写复核截止日期(年-月-日)。")
        return redirect(scheme)
    try:
        assessment = services.assessment_start(
            scheme=scheme,
            review_ends_on=form.cleaned_data["review_ends_on"],
            today=timezone.localdate(),
            actor=request.user,
        )
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
        return redirect(scheme)
    messages.success(request, "考核已启动,各单位得分已计算,进入复核期。")
    return redirect(assessment)


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_list(request.user)
    user = request.user
    assessment = get_object_or_404(
        permissions.assessments_for_user(user).select_related("scheme"), pk=pk
    )
    is_manager = permissions.can_manage(user)
    if not is_manager:
        # A department sees its own sheet, never the others' scores.
        sheet = permissions.sheets_for_user(user).filter(assessment=assessment).first()
        if sheet is None:
            raise Http404("本单位不在本年度考核范围内。")
        return redirect(sheet)
    table = selectors.score_table(assessment, permissions.sheets_for_user(user))
    manual_indicators = [i for i in table.indicators if i.kind in MANUAL_KINDS]
    return render(
        request,
        "assessment/assessment_detail.html",
        {
            "assessment": assessment,
            "table": table,
            "moves": [
                (action, move)
                for action, move in moves_from(assessment.state)
                if action in PAGE_ACTIONS
            ],
            "manual_indicators": manual_indicators,
            "manual_items": selectors.manual_item_list(assessment),
            "departments": [row.sheet.department for row in table.rows],
            "can_enter": assessment.state
            in (AssessmentState.DRAFT, AssessmentState.REVIEW),
            "results": selectors.results_files(
                assessment, permissions.results_files_for_user(user)
            ),
            "can_render": assessment.state in documents.RESULT_STATES,
            "render_form": ResultsRenderForm(),
        },
    )


@require_POST
@login_required
def assessment_move(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _require_manager(request.user)
    if action not in PAGE_ACTIONS:
        raise Http404("没有这个操作。")
    assessment = get_object_or_404(
        permissions.assessments_for_user(request.user), pk=pk
    )
    today = timezone.localdate()
    try:
        if action == "recompute":
            services.assessment_recompute(
                assessment=assessment, today=today, actor=request.user
            )
        elif action == "finalise":
            services.assessment_finalise(assessment=assessment, actor=request.user)
        elif action == "issue":
            services.assessment_issue(assessment=assessment, actor=request.user)
        else:
            form = ReasonForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.assessment_correct(
                assessment=assessment, reason=reason, today=today, actor=request.user
            )
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已{MOVES[action].label}。")
    return redirect(assessment)


@require_POST
@login_required
def manual_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request.user)
    assessment = get_object_or_404(
        permissions.assessments_for_user(request.user).select_related("scheme"), pk=pk
    )
    form = ManualItemForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_error(request, form)
        return redirect(assessment)
    data = form.cleaned_data
    department = Department.objects.filter(pk=data["department"]).first()
    indicator = assessment.scheme.indicators.filter(pk=data["indicator"]).first()
    if department is None or indicator is None:
        messages.error(request, "请选择本年度考核的单位和指标。")
        return redirect(assessment)
    try:
        services.manual_item_add(
            assessment=assessment,
            department=department,
            indicator=indicator,
            points=data["points"],
            reason=data["reason"],
            source=data["source"],
            upload=data["file"],
            today=timezone.localdate(),
            actor=request.user,
        )
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已录入{department}的“{indicator.name}”。")
    return redirect(assessment)


def _sheet(request, pk):
    return get_object_or_404(
        permissions.sheets_for_user(request.user).select_related(
            "assessment__scheme", "department"
        ),
        pk=pk,
    )


@login_required
def sheet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_list(request.user)
    sheet = _sheet(request, pk)
    assessment = sheet.assessment
    can_object = (
        permissions.can_object(request.user, sheet)
        and assessment.state == AssessmentState.REVIEW
        and (
            assessment.review_ends_on is None
            or timezone.localdate() <= assessment.review_ends_on
        )
    )
    return render(
        request,
        "assessment/sheet_detail.html",
        {
            "sheet": sheet,
            "assessment": assessment,
            "lines": selectors.sheet_lines(sheet),
            "can_object": can_object,
            "can_answer": permissions.can_manage(request.user)
            and assessment.state == AssessmentState.REVIEW,
            "objection_form": ObjectionForm(),
            "answer_form": AnswerForm(),
            "results": selectors.results_files(
                assessment, permissions.results_files_for_user(request.user)
            ),
        },
    )


@require_POST
@login_required
def objection_raise(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    form = ObjectionForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_error(request, form)
        return redirect(sheet)
    indicator = sheet.assessment.scheme.indicators.filter(
        pk=form.cleaned_data["indicator"]
    ).first()
    if indicator is None:
        messages.error(request, "请选择要申诉的指标。")
        return redirect(sheet)
    try:
        services.objection_raise(
            sheet=sheet,
            indicator=indicator,
            reason=form.cleaned_data["reason"],
            upload=form.cleaned_data["file"],
            today=timezone.localdate(),
            actor=request.user,
        )
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已对“{indicator.name}”提出申诉,请等待答复。")
    return redirect(sheet)


@login_required
def objection_list(request: HttpRequest) -> HttpResponse:
    _require_list(request.user)
    return render(
        request,
        "assessment/objection_list.html",
        {
            "objections": selectors.objection_list(
                permissions.objections_for_user(request.user)
            ),
            "can_manage": permissions.can_manage(request.user),
            "answer_form": AnswerForm(),
        },
    )


@require_POST
@login_required
def objection_answer(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request.user)
    objection = get_object_or_404(
        permissions.objections_for_user(request.user).select_related(
            "sheet__assessment", "indicator"
        ),
        pk=pk,
    )
    form = AnswerForm(request.POST)
    if not form.is_valid():
        _form_error(request, form)
        return redirect(objection.sheet)
    try:
        services.objection_answer(
            objection=objection, **form.cleaned_data, actor=request.user
        )
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已答复申诉。")
    if request.POST.get("next") == "list":
        return redirect("assessment:objection-list")
    return redirect(objection.sheet)


def _download(stored, *, actor, department) -> FileResponse:
    if not stored.has_file:
        raise Http404("没有附件。")
    audit_record(
        action="assessment.file_download",
        actor=actor,
        obj=stored,
        department=department,
    )
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def manual_item_file(request: HttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(
        permissions.manual_items_for_user(request.user).select_related("department"),
        pk=pk,
    )
    return _download(item, actor=request.user, department=item.department)


@login_required
def objection_file(request: HttpRequest, pk: int) -> FileResponse:
    objection = get_object_or_404(
        permissions.objections_for_user(request.user).select_related(
            "sheet__department"
        ),
        pk=pk,
    )
    return _download(
        objection, actor=request.user, department=objection.sheet.department
    )


# -- the results: the score table at once, the 通报 from the job ----------------


@login_required
def results_xlsx(request: HttpRequest, pk: int) -> FileResponse:
    """The score table as .xlsx, made on request (it is quick), in any
    state: before finalisation the rank and grade columns are empty."""
    _require_manager(request.user)
    assessment = get_object_or_404(
        permissions.assessments_for_user(request.user), pk=pk
    )
    data = documents.results_data(assessment)
    body = documents.results_xlsx(data)
    audit_record(
        action="assessment.download",
        actor=request.user,
        obj=assessment,
        after={"version": data["version"], "format": "xlsx", "state": data["state"]},
    )
    response = FileResponse(
        io.BytesIO(body),
        as_attachment=True,
        filename=documents.results_file_name(data, "xlsx"),
        content_type=DOCUMENT_TYPES["xlsx"],
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@login_required
def results_render(request: HttpRequest, pk: int) -> HttpResponse:
    """生成文件: the results 通报 (.docx, PDF) rendered in the background."""
    _require_manager(request.user)
    assessment = get_object_or_404(
        permissions.assessments_for_user(request.user), pk=pk
    )
    form = ResultsRenderForm(request.POST)
    if not form.is_valid():
        _form_error(request, form)
        return redirect(assessment)
    try:
        jobs.render_start(
            assessment=assessment,
            actor=request.user,
            number_text=form.cleaned_data["number_text"],
        )
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, "已开始生成考核结果通报(Word、PDF),完成后可在本页下载。"
        )
    return redirect(assessment)


@login_required
def results_document(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    """The results 通报 as rendered by the job: the reviewer's once final,
    a department's once issued (permissions.results_files_for_user)."""
    _require_list(request.user)
    if kind not in services.RESULTS_FORMATS:
        raise Http404("没有这种格式的考核结果文件。")
    assessment = get_object_or_404(
        permissions.assessments_for_user(request.user).select_related("scheme"),
        pk=pk,
    )
    current = selectors.results_files(
        assessment, permissions.results_files_for_user(request.user)
    ).current
    if current is None:
        raise Http404("考核结果通报尚未生成或尚未印发。")
    path = current.path(kind)
    if not getattr(current, kind) or not path.is_file():
        raise Http404("文件不存在,请重新生成。")
    audit_record(
        action="assessment.download",
        actor=request.user,
        obj=assessment,
        after={"version": current.version, "format": kind, "file": current.pk},
    )
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=documents.results_file_name(
            {"year": assessment.scheme.year, "version": current.version}, kind
        ),
        content_type=DOCUMENT_TYPES[kind],
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
