"""The admin's 从正文导入新政策: upload a document (.txt/.docx) and an
optional annex, preview what would be written, settle the unit names the
directory does not know, confirm.

It lives in the targets app because the import stores the document's
targets with the policy (targets sit above tasks). The uploaded files stay
in a temporary folder between the steps, named in the session with their
digest: the confirm step posts only a token, and a file that changed on
disk is refused.
"""

import re
import tempfile
import time
import uuid
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from policytext.document import read_document
from tasks.importers.annex import read_annex
from tasks.importers.departments import DepartmentDirectory
from tasks.importers.document import plan_document, read_upload
from tasks.importers.errors import ImportFailed
from tasks.models import Department, Policy
from tasks.selectors import annex_mapping_for
from tasks.services import file_digest

from .services import policy_document_load

SESSION_KEY = "policy_document_imports"
IGNORE = "ignore"
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
# How many uploads a session keeps waiting for their confirmation, and
# how long a file left unconfirmed (its session gone) stays on disk.
KEPT_UPLOADS = 5
KEPT_SECONDS = 24 * 3600


def _folder() -> Path:
    folder = Path(tempfile.gettempdir()) / "yingtan-policy-import"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


class UploadForm(forms.Form):
    document = forms.FileField(
        label="政策正文", help_text="Word 文档(.docx)或文本文件(.txt)。"
    )
    number = forms.CharField(
        label="文号",
        required=False,
        max_length=Policy._meta.get_field("number").max_length,
        help_text="留空则使用正文中读到的文号;正文中没有文号时必须填写。",
    )
    title = forms.CharField(
        label="标题",
        required=False,
        max_length=Policy._meta.get_field("title").max_length,
        help_text="留空则使用正文中读到的标题。",
    )
    annex = forms.FileField(
        label="附件表格(可选)",
        required=False,
        help_text="重点任务及责任分工表(.xlsx)。有附件时按附件各行建工作要求;"
        "没有时每项重点任务建一项工作要求,供责任部门填报。",
    )


class ConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    # Checked by the import, which says what is missing.
    number = forms.CharField(
        label="文号",
        required=False,
        max_length=Policy._meta.get_field("number").max_length,
    )
    title = forms.CharField(
        label="标题",
        required=False,
        max_length=Policy._meta.get_field("title").max_length,
    )
    publish = forms.BooleanField(
        label="在公众页公开",
        required=False,
        initial=False,
        help_text="勾选后公众页显示这份政策已确认的目标与进展。",
    )
    accept_targets = forms.BooleanField(
        label="目标直接确认",
        required=False,
        help_text="不勾选时,读到的目标作为“待确认”的候选,须在“目标”中逐个确认后"
        "才在公众页显示;勾选则全部直接确认。",
    )

    def __init__(self, *args, unknown=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "请选择"), (IGNORE, "忽略(不导入该单位)")] + [
            (str(d.pk), d.name) for d in Department.objects.all()
        ]
        self.unknown = list(unknown)
        for index, entry in enumerate(self.unknown):
            self.fields[f"unit_{index}"] = forms.ChoiceField(
                label=f"“{entry.name}”",
                choices=choices,
                required=False,
                help_text="见" + "、".join(entry.places),
            )

    def unit_fields(self):
        return [self[f"unit_{i}"] for i in range(len(self.unknown))]

    def aliases(self) -> dict:
        """The names settled so far: name → Department, or None (ignored)."""
        chosen = {}
        departments = {str(d.pk): d for d in Department.objects.all()}
        for index, entry in enumerate(self.unknown):
            value = self.cleaned_data.get(f"unit_{index}")
            if value == IGNORE:
                chosen[entry.name] = None
            elif value in departments:
                chosen[entry.name] = departments[value]
        return chosen


class PolicyDocumentImport:
    """The two views, bound to the admin that shows them."""

    template = "admin/tasks/policy/document_import.html"

    def __init__(self, model_admin):
        self.model_admin = model_admin

    def _check(self, request):
        if not request.user.has_perm("tasks.add_policy"):
            raise PermissionDenied

    def _context(self, request, **extra):
        return {
            **self.model_admin.admin_site.each_context(request),
            "opts": Policy._meta,
            "title": "从正文导入新政策",
            **extra,
        }

    def upload_view(self, request):
        self._check(request)
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                token, source = self._keep(request, form)
            except ImportFailed as exc:
                for message in exc.errors:
                    form.add_error(None, message)
            else:
                kept = request.session[SESSION_KEY][token]
                return self._preview(
                    request,
                    ConfirmForm(
                        {
                            "token": token,
                            "number": kept["number"],
                            "title": kept["title"],
                        },
                        unknown=self._plan(source).unknown,
                    ),
                    kept,
                    source,
                )
        return TemplateResponse(
            request, self.template, self._context(request, form=form)
        )

    def confirm_view(self, request):
        self._check(request)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:targets_policy_import"))
        token = request.POST.get("token", "")
        kept = request.session.get(SESSION_KEY, {}).get(token)
        if not _TOKEN.match(token) or kept is None:
            messages.error(request, "上传的文件已过期或不存在,请重新上传。")
            return HttpResponseRedirect(reverse("admin:targets_policy_import"))
        try:
            source = self._read(kept)
        except ImportFailed as exc:
            for message in exc.errors:
                messages.error(request, message)
            return HttpResponseRedirect(reverse("admin:targets_policy_import"))
        form = ConfirmForm(request.POST, unknown=self._plan(source).unknown)
        if not form.is_valid() or "confirm" not in request.POST:
            return self._preview(request, form, kept, source)
        try:
            report = self._load(request, kept, form, source, dry_run=False)
        except ImportFailed as exc:
            return self._preview(request, form, kept, source, errors=exc.errors)
        self._forget(request, token)
        for note in report.notes:
            messages.warning(request, note)
        messages.success(
            request,
            f"已导入政策“{report.policy.title}”({report.policy.number}):"
            f"重点任务 {len(report.plan.key_tasks)} 项。"
            # Drafts are the 月调度's: made when a month is opened, and
            # opening an open month again adds the missing ones.
            "各部门在下一次开放填报期时收到这些任务的草稿;本月填报期已开放的,"
            "请审核员在“填报期”页再次开放本月,补齐草稿。",
        )
        return HttpResponseRedirect(
            reverse("admin:tasks_policy_change", args=[report.policy.pk])
        )

    # The steps

    def _preview(self, request, form, kept, source, errors=None):
        text, document, annex = source
        plan = self._plan(source, form)
        report = None
        if errors is None and form.is_valid():
            try:
                report = self._load(request, kept, form, source, dry_run=True)
            except ImportFailed as exc:
                errors = exc.errors
        elif errors is None:
            errors = ["请检查下方标出的各项。"]
        return TemplateResponse(
            request,
            self.template,
            self._context(
                request,
                confirm_form=form,
                kept=kept,
                plan=plan,
                document=document,
                annex=annex,
                report=report,
                errors=errors or [],
            ),
        )

    def _load(self, request, kept, form, source, *, dry_run: bool):
        text, document, annex = source
        data = form.cleaned_data
        return policy_document_load(
            document=document,
            text=text,
            file_name=kept["file_name"],
            sha256=kept["sha256"],
            number=data["number"],
            title=data["title"],
            aliases=form.aliases(),
            publish=data["publish"],
            accept_targets=data["accept_targets"],
            user=request.user,
            dry_run=dry_run,
            annex=annex,
            annex_file_name=kept.get("annex_name", ""),
            annex_sha256=kept.get("annex_sha256", ""),
        )

    def _keep(self, request, form) -> tuple[str, tuple]:
        """The uploads written to the temporary folder and named in the
        session, and what they read as (``_read``'s); the files are read
        first, so that one that cannot be read is refused at once."""
        upload = form.cleaned_data["document"]
        data = upload.read()
        text = read_upload(data, upload.name)
        document = read_document(text)
        annex_upload = form.cleaned_data.get("annex")
        annex_data = annex_upload.read() if annex_upload else b""
        annex = None
        if annex_upload:
            try:
                annex = read_annex(
                    annex_data, annex_upload.name, annex_mapping_for(annex_data)
                )
            except ImportFailed as exc:
                raise ImportFailed(
                    [
                        *exc.errors,
                        "附件的表头无法识别时,可先在“工作要求”的“导入”页为该附件"
                        "指定各列(所选对应会被记住),再回到这里上传。",
                    ]
                ) from exc
        token = uuid.uuid4().hex
        self._sweep()
        kept = {
            "file": self._write(data),
            "file_name": upload.name[:255],
            "sha256": file_digest(data),
            "number": form.cleaned_data["number"].strip() or document.number,
            "title": form.cleaned_data["title"].strip() or document.title,
        }
        if annex_upload:
            kept |= {
                "annex": self._write(annex_data),
                "annex_name": annex_upload.name[:255],
                "annex_sha256": file_digest(annex_data),
            }
        waiting = request.session.get(SESSION_KEY, {})
        for old in list(waiting)[: max(0, len(waiting) - KEPT_UPLOADS + 1)]:
            self._remove(waiting.pop(old))
        waiting[token] = kept
        request.session[SESSION_KEY] = waiting
        return token, (text, document, annex)

    def _sweep(self) -> None:
        """Files left unconfirmed for a day, their sessions gone; before an
        upload's own files are written, never among them."""
        now = time.time()
        for old in _folder().iterdir():
            if _TOKEN.match(old.name) and now - old.stat().st_mtime > KEPT_SECONDS:
                old.unlink(missing_ok=True)

    def _write(self, data: bytes) -> str:
        name = uuid.uuid4().hex
        (_folder() / name).write_bytes(data)
        return name

    def _bytes(self, name: str, digest: str) -> bytes:
        path = _folder() / name
        if not _TOKEN.match(name) or not path.exists():
            raise ImportFailed("上传的文件已过期或不存在,请重新上传。")
        data = path.read_bytes()
        if file_digest(data) != digest:
            raise ImportFailed("上传的文件在预览后发生了变化,请重新上传。")
        return data

    def _read(self, kept):
        """The kept document's text, as read_document reads it, and the
        annex if one came: read once a request."""
        text = read_upload(self._bytes(kept["file"], kept["sha256"]), kept["file_name"])
        annex = None
        if kept.get("annex"):
            data = self._bytes(kept["annex"], kept["annex_sha256"])
            annex = read_annex(data, kept["annex_name"], annex_mapping_for(data))
        return text, read_document(text), annex

    def _plan(self, source, form=None):
        """What the import would write, with the names settled so far."""
        aliases = form.aliases() if form is not None and form.is_valid() else {}
        return plan_document(source[1], DepartmentDirectory.load(), aliases)

    def _forget(self, request, token) -> None:
        waiting = request.session.get(SESSION_KEY, {})
        kept = waiting.pop(token, None)
        if kept:
            self._remove(kept)
        request.session[SESSION_KEY] = waiting

    def _remove(self, kept) -> None:
        for key in ("file", "annex"):
            if kept.get(key) and _TOKEN.match(kept[key]):
                (_folder() / kept[key]).unlink(missing_ok=True)
