"""The assessment's background work: rendering the results 通报 (.docx
and its PDF, seconds of LibreOffice) on the queue of common.jobs, as
bulletins.jobs does for a bulletin.

A view calls ``render_start``; the worker (or, without QUEUE_URL, the same
process after the commit) runs ``render_results_job``, which moves the
ResultsFile through the services (queued → running → done or failed) and
writes the files under MEDIA_ROOT/assessment/results/<assessment id>.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction

from bulletins.jobs import failure_reason
from bulletins.models import RenderStatus
from common import jobs
from common.files import write_whole

from . import services
from .documents import render_results
from .models import Assessment, ResultsFile

logger = logging.getLogger(__name__)

RENDER_TIMEOUT = 600
PDF_TIMEOUT = 180


def folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "assessment" / "results"


@transaction.atomic
def render_start(*, assessment: Assessment, actor, number_text: str = ""):
    """Queue the rendering of the results: the ResultsFile now, the job on
    the queue once the transaction commits."""
    results_file = services.results_file_create(
        assessment=assessment, actor=actor, number_text=number_text
    )
    jobs.enqueue(
        render_results_job,
        assessment.pk,
        timeout=RENDER_TIMEOUT,
        on_error=render_lost,
    )
    return results_file


def _queued(assessment_id: int) -> ResultsFile | None:
    return (
        ResultsFile.objects.filter(
            assessment_id=assessment_id, status=RenderStatus.QUEUED
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def render_results_job(assessment_id: int) -> str:
    """The worker's job: render the assessment's queued ResultsFile and
    record the outcome. Returns the final status ("" when none waits: a
    second delivery of a job the first run already took)."""
    results_file = _queued(assessment_id)
    if results_file is None:
        logger.warning("年度考核 %s 没有排队中的结果文件,跳过", assessment_id)
        return ""
    results_file = services.results_file_start(results_file=results_file)
    assessment = Assessment.objects.select_related("scheme").get(pk=assessment_id)
    written: list[Path] = []
    try:
        if (assessment.version, assessment.state) != (
            results_file.version,
            results_file.rendered_state,
        ):
            raise services.AssessmentError(
                f"排队期间{assessment}已变为第{assessment.version}版"
                f"“{assessment.get_state_display()}”,请重新生成。"
            )
        rendered = render_results(
            assessment,
            formats=services.RESULTS_FORMATS,
            number_text=results_file.number_text,
            pdf_timeout=PDF_TIMEOUT,
        )
        directory = folder() / str(assessment_id)
        directory.mkdir(parents=True, exist_ok=True)
        stem = f"v{results_file.version}-{results_file.pk}"
        for kind in services.RESULTS_FORMATS:
            written.append(write_whole(directory / f"{stem}.{kind}", rendered[kind]))
    except Exception as exc:
        for path in written:
            path.unlink(missing_ok=True)
        logger.exception("年度考核 %s 结果文件生成失败", assessment_id)
        reason = str(exc) if isinstance(exc, services.AssessmentError) else None
        services.results_file_fail(
            results_file=results_file, reason=reason or failure_reason(exc)
        )
        return RenderStatus.FAILED
    services.results_file_finish(
        results_file=results_file,
        files={
            path.suffix.lstrip("."): path.relative_to(folder()).as_posix()
            for path in written
        },
    )
    return RenderStatus.DONE


def render_lost(assessment_id: int, *, error: str) -> None:
    """common.jobs' on_error: the job never ran or the worker lost it; a
    file still queued or running would otherwise show so for ever."""
    for results_file in ResultsFile.objects.filter(
        assessment_id=assessment_id,
        status__in=[RenderStatus.QUEUED, RenderStatus.RUNNING],
    ):
        services.results_file_fail(results_file=results_file, reason=error)
