"""The bulletin's background work: rendering a version's .docx, .pdf and
.xlsx (seconds of LibreOffice), on the queue of common.jobs.

A view calls ``render_start``; the worker runs ``render_version``, which
moves the RenderJob through the services (queued → running → done or
failed, with progress steps for the page's bar) and writes the files under
MEDIA_ROOT/bulletins. ``write_documents`` is the rendering itself, shared
with ``manage.py make_bulletin``.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rq.timeouts import JobTimeoutException

from common import jobs
from common.files import write_whole

from . import services
from .documents import DocumentError
from .documents.pdf import docx_to_pdf
from .documents.word import render_docx
from .documents.xlsx import render_xlsx
from .models import RenderJob, RenderStatus
from .selectors import bulletins as selectors

logger = logging.getLogger(__name__)

# The worker stops a render past this many seconds; the PDF conversion has
# its own, shorter limit, so that a hung LibreOffice fails with its reason.
RENDER_TIMEOUT = 600
PDF_TIMEOUT = 180
# The page's progress bar: where each step starts.
STEPS = (
    ("docx", 10, "正在生成 Word 文件"),
    ("pdf", 40, "正在用 LibreOffice 转换 PDF"),
    ("xlsx", 85, "正在生成 Excel 附件表"),
)

Progress = Callable[[int, str], None]


def folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "bulletins"


def document_text(version, *, on: datetime.date) -> dict:
    """The words a version is rendered with: frozen at issue, else the
    draft's as they stand, dated ``on``."""
    if version.text is not None:
        return version.text
    return selectors.bulletin_text(version.bulletin, on=on)


def write_documents(
    figures: dict,
    text: dict,
    *,
    directory: Path,
    stem: str,
    progress: Progress | None = None,
    pdf_timeout: int = PDF_TIMEOUT,
) -> dict[str, Path]:
    """Render the three documents into ``directory`` as ``stem``.docx/.pdf/
    .xlsx. A file appears whole or not at all (written aside, then renamed),
    and none is left behind when a later one fails."""
    directory.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    docx = b""
    try:
        for kind, percent, message in STEPS:
            if progress:
                progress(percent, message)
            if kind == "docx":
                data = docx = render_docx(figures, text)
            elif kind == "pdf":
                data = docx_to_pdf(docx, timeout=pdf_timeout)
            else:
                data = render_xlsx(figures, text)
            written[kind] = write_whole(directory / f"{stem}.{kind}", data)
    except BaseException:
        for path in written.values():
            path.unlink(missing_ok=True)
        raise
    return written


def failure_reason(exc: BaseException) -> str:
    """What the page says of a failed render, in Chinese."""
    if isinstance(exc, DocumentError):
        return str(exc)
    if isinstance(exc, JobTimeoutException):
        return f"生成文件超过 {RENDER_TIMEOUT} 秒仍未完成,已停止。"
    return f"生成文件时出错({type(exc).__name__}):{exc}"


@transaction.atomic
def render_start(*, version, actor) -> RenderJob:
    """Queue the rendering of ``version``'s documents: the RenderJob now,
    the job on the queue once the transaction commits."""
    job = services.render_job_create(version=version, actor=actor)
    jobs.enqueue(render_version, job.pk, timeout=RENDER_TIMEOUT, on_error=render_lost)
    return job


def render_version(job_id: int) -> str:
    """The worker's job: render a RenderJob's version and record the
    outcome. Returns the final status."""
    job = RenderJob.objects.select_related("version__bulletin").get(pk=job_id)
    if job.status != RenderStatus.QUEUED:
        # Delivered twice (a worker restarted mid-job): the first run owns it.
        logger.warning("通报文件生成任务 %s 状态为 %s,跳过", job_id, job.status)
        return job.status
    job = services.render_job_start(job=job, now=timezone.now())
    version = job.version

    def progress(percent: int, message: str) -> None:
        services.render_job_progress(job=job, progress=percent, message=message)

    try:
        written = write_documents(
            version.figures,
            document_text(version, on=timezone.localdate()),
            directory=folder() / str(version.bulletin_id),
            stem=f"v{version.number}-{job.pk}",
            progress=progress,
        )
    except Exception as exc:
        logger.exception("通报文件生成任务 %s 失败", job_id)
        services.render_job_fail(
            job=job, reason=failure_reason(exc), now=timezone.now()
        )
        return RenderStatus.FAILED
    files = {
        kind: path.relative_to(folder()).as_posix() for kind, path in written.items()
    }
    services.render_job_finish(job=job, files=files, now=timezone.now())
    return RenderStatus.DONE


def render_lost(job_id: int, *, error: str) -> None:
    """common.jobs' on_error: the job never ran or the worker lost it; a
    job still queued or running would otherwise show so for ever."""
    job = RenderJob.objects.filter(pk=job_id).first()
    if job is None or job.is_finished:
        return
    services.render_job_fail(job=job, reason=error, now=timezone.now())
