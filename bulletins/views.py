"""The bulletins' pages: list, create, the bulletin itself (from its
stored version, never recomputed), edit, the reviewer's actions, the
render job's status and the documents' download, and the public pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.services import audit_record

from . import jobs, permissions, services
from .forms import BulletinCreateForm, BulletinEditForm
from .models import DOCUMENT_TYPES, Bulletin, RenderStatus
from .selectors import bulletins as selectors
from .wording import summary_lines

PER_PAGE = 20
ACTIONS = ("issue", "regenerate", "publish", "unpublish", "render")


def _require_manager(user) -> None:
    if not permissions.can_manage(user):
        raise PermissionDenied("只有人社局审核员可以编制、签发通报。")


@login_required
def bulletin_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_list(request.user):
        raise PermissionDenied("通报只发给人社局和各责任单位。")
    paginator = Paginator(selectors.bulletin_list(request.user), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "bulletins/bulletin_list.html",
        {
            "bulletins": page.object_list,
            "page_obj": page,
            "paginator": paginator,
            "is_paginated": page.has_other_pages(),
            "can_manage": permissions.can_manage(request.user),
        },
    )


@login_required
def bulletin_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request.user)
    today = timezone.localdate()
    form = BulletinCreateForm(request.POST or None, today=today)
    if request.method == "POST" and form.is_valid():
        first, last = form.cleaned_data["range"]
        try:
            bulletin = services.bulletin_create(
                policy=form.cleaned_data["policy"],
                kind=form.cleaned_data["kind"],
                first=first,
                last=last,
                today=today,
                actor=request.user,
            )
        except services.BulletinError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已生成通报草稿,请核对数据、修改文字后签发。")
            return redirect(bulletin)
    return render(
        request,
        "bulletins/bulletin_create.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _document_context(bulletin, version, *, user, public: bool = False) -> dict:
    if version.is_issued:
        text = dict(version.text)
    else:
        text = selectors.bulletin_text(bulletin, on=timezone.localdate())
    text["public"] = public
    figures = version.figures
    if public:
        figures = selectors.public_figures(figures)
    elif not permissions.can_manage(user):
        figures = selectors.mark_department(figures, user.department_id)
    return {
        "bulletin": bulletin,
        "version": version,
        "text": text,
        "figures": figures,
        "overview_blocks": selectors.text_blocks(text["overview"]),
        "summary": summary_lines(figures),
        "problem_blocks": selectors.text_blocks(text["problems"]),
        "next_step_blocks": selectors.text_blocks(text["next_steps"]),
        "public": public,
    }


@login_required
def bulletin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = get_object_or_404(
        permissions.bulletins_for_user(request.user).select_related(
            "policy", "kind", "issued_by", "created_by"
        ),
        pk=pk,
    )
    version = selectors.shown_version(bulletin, request.user)
    if version is None:
        raise Http404("通报没有可查看的版本。")
    context = _document_context(bulletin, version, user=request.user)
    if permissions.can_manage(request.user):
        context.update(
            can_manage=True,
            versions=selectors.version_history(bulletin),
            deliveries=selectors.delivery_list(bulletin),
            job=selectors.latest_render_job(version),
        )
    else:
        services.delivery_mark_read(
            bulletin=bulletin, now=timezone.now(), actor=request.user
        )
        context["job"] = selectors.latest_render_job(version)
    return render(request, "bulletins/bulletin_detail.html", context)


@login_required
def bulletin_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request.user)
    bulletin = get_object_or_404(Bulletin.objects.select_related("kind"), pk=pk)
    if not bulletin.is_draft:
        messages.error(request, "通报已签发,不能修改;如需更正,请先重新生成新版本。")
        return redirect(bulletin)
    form = BulletinEditForm(request.POST or None, instance=bulletin)
    if request.method == "POST" and form.is_valid():
        try:
            services.bulletin_update(
                bulletin=bulletin, data=form.cleaned_data, actor=request.user
            )
        except services.BulletinError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已保存。")
            return redirect(bulletin)
    return render(
        request,
        "bulletins/bulletin_edit.html",
        {"form": form, "bulletin": bulletin},
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def bulletin_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _require_manager(request.user)
    bulletin = get_object_or_404(Bulletin, pk=pk)
    user, now = request.user, timezone.now()
    try:
        if action == "issue":
            services.bulletin_issue(bulletin=bulletin, now=now, actor=user)
            messages.success(request, "通报已签发,并已送达各责任单位。")
        elif action == "regenerate":
            version = services.bulletin_regenerate(
                bulletin=bulletin, today=timezone.localdate(), actor=user
            )
            messages.success(request, f"已重新生成第{version.number}版。")
        elif action in ("publish", "unpublish"):
            services.bulletin_publish(
                bulletin=bulletin, published=action == "publish", now=now, actor=user
            )
            messages.success(
                request, "公开版已发布。" if action == "publish" else "已撤回公开。"
            )
        else:
            version = bulletin.versions.order_by("-number").first()
            jobs.render_start(version=version, actor=user)
            messages.success(request, "已开始生成 Word、PDF 和 Excel 文件。")
    except services.BulletinError as exc:
        messages.error(request, str(exc))
    return redirect(bulletin)


@login_required
def render_job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's progress as a fragment the page polls with htmx every
    2 s until the job is done or failed."""
    job = get_object_or_404(permissions.render_jobs_for_user(request.user), pk=pk)
    return render(
        request,
        "bulletins/_render_job.html",
        {"job": job, "can_manage": permissions.can_manage(request.user)},
    )


@login_required
def document_download(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    job = get_object_or_404(
        permissions.render_jobs_for_user(request.user).select_related(
            "version__bulletin"
        ),
        pk=pk,
        status=RenderStatus.DONE,
    )
    if not getattr(job, kind):
        raise Http404("该格式的文件没有生成。")
    path = job.path(kind)
    if not path.is_file():
        raise Http404("文件不存在,请重新生成。")
    bulletin = job.version.bulletin
    audit_record(
        action="bulletin.download",
        actor=request.user,
        obj=bulletin,
        after={"version": job.version.number, "format": kind},
    )
    name = bulletin.number or bulletin.title
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"{name}(第{job.version.number}版).{kind}",
        content_type=DOCUMENT_TYPES[kind],
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def public_list(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(selectors.public_bulletin_list(), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "bulletins/public_list.html",
        {
            "bulletins": page.object_list,
            "page_obj": page,
            "paginator": paginator,
            "is_paginated": page.has_other_pages(),
        },
    )


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = get_object_or_404(permissions.public_bulletins(), pk=pk)
    version = selectors.latest_issued_version(bulletin)
    context = _document_context(bulletin, version, user=request.user, public=True)
    return render(request, "bulletins/public_detail.html", context)
