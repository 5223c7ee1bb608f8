"""Target pages: the board of every accepted target, a target's page with
its readings, the Excel export, and the public page (政务公开)."""

import datetime
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import TemplateView

from audit.services import audit_record
from common.http import query_id
from tasks.models import Policy
from tasks.selectors import default_policy, policy_choices
from tasks.services import file_digest

from . import exports, permissions, selectors, services
from .cache import cached_public_page
from .forms import ReadingForm
from .models import ReadingSource, Target, TargetKind
from .progress import Progress, Status, Verdict, expected_value, progress_of, start_of

STATUS_ORDER = [Status.GREEN, Status.YELLOW, Status.RED, Status.NONE]
VERDICT_ORDER = [Verdict.ACHIEVED, Verdict.MISSED]


class BoardView(LoginRequiredMixin, TemplateView):
    template_name = "targets/board.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        policies = policy_choices()
        policy = chosen_policy(self.request, policies)
        groups = selectors.board(self.request.user, policy)
        items = [item for group in groups for item in group.items]
        wanted = self.request.GET.get("status", "")
        if wanted in STATUS_ORDER + VERDICT_ORDER:
            groups = _only_status(groups, wanted)
        else:
            wanted = ""
        context.update(
            groups=groups,
            total=len(items),
            counts=_counts(items),
            status=wanted,
            policies=policies,
            policy=policy,
            policy_query=_policy_query(self.request, policy),
            today=timezone.localdate(),
            can_review=permissions.can_review_targets(self.request.user),
            can_open_candidates=self.request.user.is_staff
            and self.request.user.has_perm("targets.view_target"),
        )
        return context


board = BoardView.as_view()


class PublicBoardView(TemplateView):
    """Accepted targets and where they stand, for anyone: no report text,
    no names, no internal links. One page a published policy
    (``/public/policies/<id>/``); ``/public/`` is the default one's, and
    ``?policy=`` still chooses another there. An unpublished policy is not
    found."""

    template_name = "targets/public.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        policies = policy_choices(published_only=True)
        if "pk" in self.kwargs:
            policy = next((p for p in policies if p.pk == self.kwargs["pk"]), None)
            if policy is None:
                raise Http404("没有这份公开的政策文件。")
        else:
            policy = chosen_policy(self.request, policies)
        groups = selectors.public_board(policy)
        items = [item for group in groups for item in group.items]
        dates = [item.latest_date for item in items if item.latest_date]
        context.update(
            groups=groups,
            total=len(items),
            counts=_counts(items),
            updated=max(dates, default=None),
            policies=policies,
            policy=policy,
        )
        return context


public = cached_public_page(PublicBoardView.as_view())


@require_GET
@login_required
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(selectors.target_detail(request.user), pk=pk)
    return _detail(request, target, ReadingForm())


@require_POST
@login_required
def reading_add(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_enter_readings(request.user):
        raise PermissionDenied("只有人社局审核员可以直接录入目标读数。")
    target = get_object_or_404(selectors.target_detail(request.user), pk=pk)
    form = ReadingForm(request.POST)
    if form.is_valid():
        try:
            reading = services.reading_record(
                target=target,
                value=form.cleaned_data["value"],
                as_of=form.cleaned_data["as_of"],
                source=ReadingSource.REVIEWER,
                actor=request.user,
                note=form.cleaned_data["note"],
            )
        except services.TargetError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"已录入“{target.metric}”截至 {reading.as_of:%Y-%m-%d} 的读数。",
            )
            return redirect(target)
    return _detail(request, target, form, status=400)


@require_GET
@login_required
def export(request: HttpRequest) -> FileResponse:
    policy = chosen_policy(request, policy_choices())
    data = exports.targets_workbook(selectors.board(request.user, policy))
    file_name = exports.export_file_name(timezone.localdate())
    audit_record(
        action="export.targets",
        actor=request.user,
        object_repr=file_name,
        after={"file_name": file_name, "sha256": file_digest(data)},
    )
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=file_name,
        content_type=exports.XLSX_CONTENT_TYPE,
    )


def chosen_policy(request: HttpRequest, policies: list[Policy]) -> Policy | None:
    """The policy asked for in ``?policy=``, else the default one, as the
    dispatch dashboard chooses it."""
    wanted = query_id(request.GET, "policy", "政策文件")
    if wanted is None:
        return default_policy(policies)
    for policy in policies:
        if policy.pk == wanted:
            return policy
    raise Http404("没有这份政策文件。")


def _policy_query(request: HttpRequest, policy: Policy | None) -> str:
    """``policy=<id>`` for the board's own links (status filters, export)
    when the page was asked for a policy; empty for the default, so that
    the links stay as they were with one policy."""
    if policy is None or "policy" not in request.GET:
        return ""
    return f"policy={policy.pk}"


def _detail(
    request: HttpRequest, target: Target, form: ReadingForm, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    readings = list(target.readings.all())
    plan = list(target.plan.all())
    progress = progress_of(target, readings, plan, today)
    return render(
        request,
        "targets/target_detail.html",
        {
            "target": target,
            "item": progress,
            "readings": readings,
            "chart": _chart(progress, plan, today),
            "today": today,
            "form": form,
            "can_enter": permissions.can_enter_readings(request.user),
        },
        status=status,
    )


def _only_status(groups: list[selectors.Group], status: str) -> list:
    kept = []
    for group in groups:
        items = [item for item in group.items if _shown_as(item) == status]
        if items:
            kept.append(selectors.Group(group.title, group.section, items))
    return kept


def _shown_as(item: Progress) -> str:
    return item.verdict or item.status


def _counts(items: list[Progress]) -> list[tuple[str, str, int]]:
    # A target past its deadline is counted by its verdict, not its light.
    counts = selectors.status_counts([item for item in items if not item.verdict])
    boxes = [(s, Status.LABELS[s], counts.get(s, 0)) for s in STATUS_ORDER]
    verdicts = [item.verdict for item in items if item.verdict]
    boxes += [
        (v, Verdict.LABELS[v], verdicts.count(v)) for v in VERDICT_ORDER if verdicts
    ]
    return boxes


def _chart(progress: Progress, plan, today: datetime.date) -> dict:
    """The readings and the planned line, for Chart.js. The planned line
    is straight between its nodes, so its value at the nodes draws it."""
    target = progress.target
    start = start_of(target)
    dates = {start, target.deadline, *(p.as_of for p in plan)}
    if start < today < target.deadline:
        dates.add(today)
    if target.kind == TargetKind.MILESTONE:
        dates.add(target.deadline - datetime.timedelta(days=1))
    expected = [
        _point(on, expected_value(target, plan, on))
        for on in sorted(d for d in dates if start <= d <= target.deadline)
    ]
    readings = [_point(on, value) for on, value in progress.points]
    forecast = []
    if progress.forecast is not None and progress.latest_date < target.deadline:
        forecast = [
            readings[-1],
            _point(target.deadline, progress.forecast),
        ]
    return {
        "unit": target.unit,
        "target": float(target.value),
        "today": today.isoformat(),
        "expected": expected,
        "readings": readings,
        "forecast": forecast,
    }


def _point(on: datetime.date, value) -> dict:
    return {"x": on.isoformat(), "y": round(float(value), 2)}
