"""A department's home, its reports, their workflow and evidence."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView
from django_filters.views import FilterView

from audit.services import audit_record
from common.http import query_id, redirect_back
from targets import selectors as target_selectors
from targets import services as target_services

from .. import permissions, selectors, services
from ..filters import ReviewQueueFilter
from ..forms import EvidenceForm, ReasonForm, ReportForm


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each person's first page: the reviewer's dashboard, a department's
    tasks of the period, else the task list."""
    if permissions.is_reviewer(request.user):
        return redirect("dispatch:dashboard")
    if permissions.is_department_user(request.user):
        return redirect("dispatch:my-tasks")
    return redirect("tasks:task-list")


# Blocks that apps above the monthly loop add to a department's 本期任务
# page, each a function of the user giving context (the bulletins add the
# bulletins sent to the department and not yet read).
my_tasks_panels: list[Callable[[object], dict]] = []


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    if not permissions.is_department_user(request.user):
        raise PermissionDenied("本页面只对部门填报员和负责人开放。")
    periods = selectors.period_list()
    wanted = query_id(request.GET, "period", "填报期")
    period = (
        get_object_or_404(periods, pk=wanted) if wanted else selectors.current_period()
    )
    reports = (
        selectors.department_period_reports(request.user, period) if period else []
    )
    context = {
        "period": period,
        "periods": periods[:24],
        "reports": reports,
        "urges": selectors.department_urges(request.user),
        "overdue_count": sum(1 for r in reports if r.is_overdue),
        # Tasks of several policies are labelled with their policy's number.
        "several_policies": len({report.task.policy_id for report in reports}) > 1,
    }
    for panel in my_tasks_panels:
        context.update(panel(request.user))
    return render(request, "dispatch/my_tasks.html", context)


class ReportDetailView(LoginRequiredMixin, DetailView):
    template_name = "dispatch/report_detail.html"
    context_object_name = "report"

    def get_queryset(self):
        return selectors.report_detail(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object
        user = self.request.user
        context["moves"] = selectors.allowed_moves(user, report)
        context["contributions"] = selectors.contributions(user, report)
        context["target_values"] = target_selectors.report_values(report)
        context["can_edit"] = report.is_editable and permissions.can(
            user, "edit", report
        )
        context["return_note"] = selectors.return_note(report)
        context["reason_form"] = ReasonForm()
        context["evidence_form"] = EvidenceForm()
        return context


@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(selectors.report_detail(request.user), pk=pk)
    if not permissions.can(request.user, "edit", report):
        raise Http404
    targets, current = target_selectors.report_targets(report)
    form = ReportForm(
        request.POST or None,
        instance=report,
        initial={"version": report.version},
        targets=targets,
        current=current,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.report_save_with_readings(
                report=report,
                data=form.cleaned_data,
                expected_version=form.cleaned_data["version"],
                actor=request.user,
                readings=form.target_values(),
            )
        except (services.ReportError, target_services.TargetError) as exc:
            form.add_error(None, str(exc))
        else:
            if "submit" not in request.POST:
                messages.success(request, "已保存。")
                return redirect(report)
            try:
                services.report_transition(
                    report=report, action="submit", actor=request.user
                )
            except services.ReportError as exc:
                # Saved but not sent: the person stays on the form, with
                # what was typed and the version just saved, to fix it.
                report = get_object_or_404(selectors.report_detail(request.user), pk=pk)
                data = request.POST.copy()
                data["version"] = report.version
                form = ReportForm(
                    data, instance=report, targets=targets, current=current
                )
                form.is_valid()
                form.add_error(None, f"已保存为草稿,但未能提交:{exc}")
            else:
                messages.success(request, f"已{services.MOVES['submit'].label}。")
                return redirect(report)
    return render(
        request,
        "dispatch/report_edit.html",
        {
            "report": report,
            "form": form,
            "contributions": selectors.contributions(request.user, report),
            "evidence_form": EvidenceForm(),
            "editable": report.is_editable,
            "return_note": selectors.return_note(report),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def report_move(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    report = get_object_or_404(selectors.report_detail(request.user), pk=pk)
    return _transition(request, report, action)


def _transition(request, report, action):
    form = ReasonForm(request.POST)
    reason = form.data.get("reason", "")
    try:
        services.report_transition(
            report=report, action=action, actor=request.user, reason=reason
        )
    except services.ReportError as exc:
        messages.error(request, str(exc))
        # What a refused submit lacks is filled in on the form.
        if (
            action == "submit"
            and report.is_editable
            and permissions.can(request.user, "edit", report)
        ):
            return redirect("dispatch:report-edit", pk=report.pk)
    else:
        messages.success(request, f"已{services.MOVES[action].label}。")
    return redirect(report)


@require_POST
@login_required
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    # Only the department's own reports take its files.
    report = get_object_or_404(
        permissions.own_reports(request.user).select_related("period"), pk=pk
    )
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要上传的文件。")
    else:
        try:
            services.evidence_add(
                report=report, upload=form.cleaned_data["file"], actor=request.user
            )
        except services.ReportError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "佐证材料已上传。")
    return redirect_back(request, report)


@require_POST
@login_required
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(
        permissions.evidence_for_user(request.user).select_related("report__period"),
        pk=pk,
    )
    try:
        services.evidence_remove(evidence=evidence, actor=request.user)
    except services.ReportError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已删除佐证材料。")
    return redirect(evidence.report)


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = get_object_or_404(
        permissions.evidence_for_user(request.user).select_related(
            "report__department"
        ),
        pk=pk,
    )
    audit_record(
        action="evidence.download",
        actor=request.user,
        obj=evidence,
        department=evidence.report.department,
    )
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


class ReviewQueueView(LoginRequiredMixin, FilterView):
    filterset_class = ReviewQueueFilter
    template_name = "dispatch/review_queue.html"
    context_object_name = "reports"
    paginate_by = 50

    def get_queryset(self):
        if not permissions.is_reviewer(self.request.user):
            raise PermissionDenied("审核队列只对人社局审核员开放。")
        return selectors.review_queue(self.request.user)

    def get_context_data(self, **kwargs):
        return _with_policy_labels(super().get_context_data(**kwargs))


class SignoffListView(LoginRequiredMixin, ListView):
    """The leader's list of his department's reports awaiting sign-off."""

    template_name = "dispatch/signoff_list.html"
    context_object_name = "reports"
    paginate_by = 50

    def get_queryset(self):
        if not permissions.is_leader(self.request.user):
            raise PermissionDenied("待签批列表只对部门负责人开放。")
        return selectors.signoff_queue(self.request.user)

    def get_context_data(self, **kwargs):
        return _with_policy_labels(super().get_context_data(**kwargs))


def _with_policy_labels(context: dict) -> dict:
    """Label each report with its policy's number when the page's reports
    are of several policies (their tasks' numbers repeat)."""
    policies = {report.task.policy_id for report in context["reports"]}
    context["several_policies"] = len(policies) > 1
    return context
