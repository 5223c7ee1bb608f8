"""The supervision pages: rounds and their plan, visits with their files
and the checked tasks' approved reports, problems with their history and
the department's and reviewer's actions, and the 整改台账. The views call
the permissions, selectors and services; they hold no rule."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.services import audit_record
from common.http import query_id
from dispatch.models import ReportState
from dispatch.permissions import reports_for_user
from tasks.models import Department

from . import permissions, selectors, services
from .forms import (
    ExtensionForm,
    PlanForm,
    ProblemFilterForm,
    ProblemForm,
    RoundForm,
    VisitForm,
)
from .models import OPEN_STATES, Extension, ProblemEvidence, ProblemState
from .workflow import BUTTON_MOVES, DEPARTMENT, MOVES, REVIEWER

PER_PAGE = 50


def _require_list(user) -> None:
    if not permissions.can_list(user):
        raise PermissionDenied("督导整改只对督导组和责任单位开放。")


def _require_team(user) -> None:
    if not permissions.is_team(user):
        raise PermissionDenied("只有督导组(人社局审核员)可以进行此操作。")


def _files(request) -> list:
    return request.FILES.getlist("files")


def _download(stored, *, action: str, actor, department) -> FileResponse:
    audit_record(action=action, actor=actor, obj=stored, department=department)
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -- rounds -------------------------------------------------------------------


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    _require_list(request.user)
    rounds = permissions.rounds_for_user(request.user).select_related("leader")
    return render(
        request,
        "supervision/round_list.html",
        {"rounds": rounds, "is_team": permissions.is_team(request.user)},
    )


@login_required
def round_create(request: HttpRequest) -> HttpResponse:
    _require_team(request.user)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round = services.round_create(**data, actor=request.user)
        except services.SupervisionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已制定督导方案,核对后可通知各督导单位。")
            return redirect(round)
    return render(
        request,
        "supervision/round_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_list(request.user)
    round = get_object_or_404(
        permissions.rounds_for_user(request.user).select_related("leader", "policy"),
        pk=pk,
    )
    user = request.user
    return render(
        request,
        "supervision/round_detail.html",
        {
            "round": round,
            "departments": round.departments.order_by("sort_order"),
            "feedback_departments": permissions.feedback_departments_for_user(
                user, round
            ),
            "tasks": round.tasks.order_by("number"),
            "visits": permissions.visits_for_user(user)
            .filter(round=round)
            .select_related("department"),
            "summary": selectors.round_summary(round)
            if permissions.is_team(user)
            else None,
            "states": ProblemState.choices,
            "is_team": permissions.is_team(user),
        },
    )


@require_POST
@login_required
def round_notify(request: HttpRequest, pk: int) -> HttpResponse:
    _require_team(request.user)
    round = get_object_or_404(permissions.rounds_for_user(request.user), pk=pk)
    try:
        sent = services.round_notify(round=round, actor=request.user)
    except services.SupervisionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已通知各督导单位(发送邮件 {sent} 封)。")
    return redirect(round)


# -- visits -------------------------------------------------------------------


@login_required
def visit_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require_team(request.user)
    round = get_object_or_404(permissions.rounds_for_user(request.user), pk=pk)
    form = VisitForm(request.POST or None, round=round)
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_record(
                round=round,
                **form.cleaned_data,
                uploads=_files(request),
                actor=request.user,
            )
        except services.SupervisionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已记录督导走访。")
            return redirect(visit)
    return render(
        request,
        "supervision/visit_form.html",
        {"form": form, "round": round},
        status=400 if form.errors else 200,
    )


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_list(request.user)
    visit = get_object_or_404(
        permissions.visits_for_user(request.user).select_related("round", "department"),
        pk=pk,
    )
    is_team = permissions.is_team(request.user)
    checked = list(visit.checked_tasks.order_by("number"))
    reports = []
    if is_team:
        # What the department has reported on the tasks checked, as the
        # monthly loop lets a reviewer see it.
        reports = (
            reports_for_user(request.user)
            .filter(
                department=visit.department,
                task__in=checked,
                state=ReportState.APPROVED,
            )
            .select_related("period", "task")
            .prefetch_related("evidence")
            .order_by("task__number", "-period__year", "-period__month")
        )
    return render(
        request,
        "supervision/visit_detail.html",
        {
            "visit": visit,
            "checked": checked,
            "reports": reports,
            "files": permissions.visit_files_for_user(request.user).filter(visit=visit),
            "problems": permissions.problems_for_user(request.user).filter(visit=visit),
            "is_team": is_team,
        },
    )


@require_POST
@login_required
def visit_file_upload(request: HttpRequest, pk: int) -> HttpResponse:
    _require_team(request.user)
    visit = get_object_or_404(permissions.visits_for_user(request.user), pk=pk)
    uploads = _files(request)
    if not uploads:
        messages.error(request, "请选择要上传的文件。")
    for upload in uploads:
        try:
            services.visit_file_add(visit=visit, upload=upload, actor=request.user)
        except services.SupervisionError as exc:
            messages.error(request, str(exc))
    return redirect(visit)


@login_required
def visit_file_download(request: HttpRequest, pk: int) -> FileResponse:
    stored = get_object_or_404(
        permissions.visit_files_for_user(request.user).select_related(
            "visit__department"
        ),
        pk=pk,
    )
    return _download(
        stored,
        action="visit.file_download",
        actor=request.user,
        department=stored.visit.department,
    )


# -- problems -----------------------------------------------------------------


@login_required
def problem_list(request: HttpRequest) -> HttpResponse:
    _require_list(request.user)
    user = request.user
    today = timezone.localdate()
    rounds = permissions.rounds_for_user(user)
    form = ProblemFilterForm(
        request.GET or None,
        rounds=rounds,
        departments=Department.objects.order_by("sort_order", "name"),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    problems = selectors.problem_list(
        user,
        rounds=filters.get("round"),
        department=filters.get("department"),
        state=filters.get("state", ""),
        overdue_on=today if filters.get("overdue") else None,
    )
    page = Paginator(problems, PER_PAGE).get_page(request.GET.get("page"))
    for problem in page.object_list:
        problem.overdue = problem.is_overdue(today)
    return render(
        request,
        "supervision/problem_list.html",
        {
            "form": form,
            "problems": page.object_list,
            "page_obj": page,
            "paginator": page.paginator,
            "is_paginated": page.has_other_pages(),
            "today": today,
            "is_team": permissions.is_team(user),
        },
    )


@login_required
def problem_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require_team(request.user)
    round = get_object_or_404(permissions.rounds_for_user(request.user), pk=pk)
    form = ProblemForm(request.POST or None, round=round)
    if request.method == "POST" and form.is_valid():
        try:
            problem = services.problem_create(
                round=round, **form.cleaned_data, actor=request.user
            )
        except services.SupervisionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已登记问题{problem.number}。")
            return redirect(problem)
    return render(
        request,
        "supervision/problem_form.html",
        {"form": form, "round": round},
        status=400 if form.errors else 200,
    )


def _problem(request, pk):
    return get_object_or_404(
        permissions.problems_for_user(request.user).select_related(
            "round", "department", "visit", "signed_off_by"
        ),
        pk=pk,
    )


@login_required
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_list(request.user)
    problem = _problem(request, pk)
    user = request.user
    side = (
        REVIEWER
        if permissions.is_team(user)
        else DEPARTMENT
        if permissions.is_responsible(user, problem)
        else None
    )
    moves = [
        (action, move)
        for action, move in MOVES.items()
        if action in BUTTON_MOVES and problem.state in move.sources and move.who == side
    ]
    can_plan = permissions.can(user, "plan", problem) and problem.state in OPEN_STATES
    rectifying = problem.state in (ProblemState.PLANNED, ProblemState.REOPENED)
    extensions = problem.extensions.select_related("requested_by", "decided_by")
    return render(
        request,
        "supervision/problem_detail.html",
        {
            "problem": problem,
            "overdue": problem.is_overdue(timezone.localdate()),
            "cooperating": problem.cooperating.order_by("sort_order"),
            "tasks": problem.tasks.order_by("number"),
            "transitions": selectors.problem_history(problem),
            "entries": problem.progress_entries.select_related(
                "entered_by"
            ).prefetch_related(
                Prefetch("evidence", queryset=ProblemEvidence.objects.order_by("pk"))
            ),
            "request_files": problem.evidence.filter(entry__isnull=True),
            "extensions": extensions,
            "moves": moves,
            "plan_form": PlanForm(
                initial={
                    "responsible": problem.responsible,
                    "measures": problem.measures,
                    "version": problem.version,
                }
            )
            if can_plan
            else None,
            "can_progress": rectifying and permissions.can(user, "progress", problem),
            "extension_form": ExtensionForm()
            if permissions.can(user, "extension", problem)
            and problem.state in OPEN_STATES
            else None,
            "can_decide": permissions.can(user, "decide_extension"),
        },
    )


@require_POST
@login_required
def problem_plan(request: HttpRequest, pk: int) -> HttpResponse:
    problem = _problem(request, pk)
    form = PlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写整改措施和责任人。")
        return redirect(problem)
    try:
        services.problem_plan(
            problem=problem,
            responsible=form.cleaned_data["responsible"],
            measures=form.cleaned_data["measures"],
            expected_version=form.cleaned_data["version"],
            actor=request.user,
        )
    except services.SupervisionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已保存整改方案。")
    return redirect(problem)


@require_POST
@login_required
def problem_progress(request: HttpRequest, pk: int) -> HttpResponse:
    problem = _problem(request, pk)
    try:
        services.problem_progress(
            problem=problem,
            text=request.POST.get("text", ""),
            uploads=_files(request),
            actor=request.user,
        )
    except services.SupervisionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已填报整改进展。")
    return redirect(problem)


@require_POST
@login_required
def problem_move(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    problem = _problem(request, pk)
    try:
        services.problem_transition(
            problem=problem,
            action=action,
            reason=request.POST.get("reason", ""),
            uploads=_files(request),
            actor=request.user,
        )
    except services.SupervisionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已{MOVES[action].label}。")
    return redirect(problem)


@require_POST
@login_required
def extension_request(request: HttpRequest, pk: int) -> HttpResponse:
    problem = _problem(request, pk)
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写申请延至的日期(年-月-日)和延期理由。")
        return redirect(problem)
    try:
        services.extension_request(
            problem=problem, **form.cleaned_data, actor=request.user
        )
    except services.SupervisionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已提交延期申请,等待审批。")
    return redirect(problem)


@require_POST
@login_required
def extension_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    extension = get_object_or_404(
        Extension.objects.filter(
            problem__in=permissions.problems_for_user(request.user)
        ).select_related("problem"),
        pk=pk,
    )
    _require_team(request.user)
    try:
        services.extension_decide(
            extension=extension,
            grant=decision == "grant",
            reason=request.POST.get("reason", ""),
            actor=request.user,
        )
    except services.SupervisionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已审批延期申请。")
    return redirect(extension.problem)


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    stored = get_object_or_404(
        permissions.evidence_for_user(request.user).select_related(
            "problem__department"
        ),
        pk=pk,
    )
    return _download(
        stored,
        action="problem.evidence_download",
        actor=request.user,
        department=stored.problem.department,
    )


# -- the ledger ---------------------------------------------------------------


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    _require_list(request.user)
    user = request.user
    rounds = permissions.rounds_for_user(user)
    chosen = None
    if (pk := query_id(request.GET, "round", "督导轮次")) is not None:
        chosen = get_object_or_404(rounds, pk=pk)
    today = timezone.localdate()
    figures = (
        selectors.department_figures(chosen, today=today)
        if permissions.is_team(user)
        else None
    )
    return render(
        request,
        "supervision/ledger.html",
        {
            "rows": selectors.ledger(chosen, user),
            "columns": selectors.LEDGER_COLUMNS,
            "rounds": rounds,
            "chosen": chosen,
            "figures": figures,
            "today": today,
        },
    )
