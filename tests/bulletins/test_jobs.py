"""bulletins.jobs: a version's documents rendered in the background, the
RenderJob moved queued → running → done or failed with its reason, the
files under MEDIA_ROOT/bulletins; once with a real rq worker and the real
LibreOffice conversion."""

import datetime
import zipfile

import pytest
from django.utils import timezone

from bulletins import jobs
from bulletins.documents import DocumentError
from bulletins.models import BulletinKind, RenderJob, RenderStatus
from bulletins.services import bulletin_create, bulletin_issue, bulletin_update
from tests.bulletins import documents_fake
from tests.bulletins.documents_fake import read
from tests.common import worker

fake_documents = documents_fake.fake_documents
queue_redis = worker.queue_redis
run_worker = worker.run_worker

TODAY = datetime.date(2025, 10, 10)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def inline(settings):
    settings.QUEUE_URL = ""


@pytest.fixture
def bulletin(policy, users):
    return bulletin_create(
        policy=policy,
        kind=BulletinKind.objects.get(name="季度通报"),
        first=(2025, 7),
        last=(2025, 9),
        today=TODAY,
        actor=users["reviewer"],
    )


def start(bulletin, users, capture) -> RenderJob:
    with capture(execute=True):
        job = jobs.render_start(
            version=bulletin.versions.get(), actor=users["reviewer"]
        )
    job.refresh_from_db()
    return job


@pytest.mark.django_db
def test_a_render_writes_the_three_documents_and_finishes_the_job(
    bulletin, users, media, inline, fake_documents, django_capture_on_commit_callbacks
):
    job = start(bulletin, users, django_capture_on_commit_callbacks)

    assert (job.status, job.progress, job.message) == (RenderStatus.DONE, 100, "")
    assert job.started_at is not None and job.finished_at is not None
    for kind in ("docx", "pdf", "xlsx"):
        path = job.path(kind)
        assert path.parent == media / "bulletins" / str(bulletin.pk)
        rendered = read(path)
        assert rendered["kind"] == ("docx" if kind == "pdf" else kind)
        assert rendered["title"] == bulletin.title
    # Only the finished files: nothing half-written is left beside them.
    assert sorted(p.name for p in job.path("docx").parent.iterdir()) == sorted(
        job.path(kind).name for kind in ("docx", "pdf", "xlsx")
    )


@pytest.mark.django_db
def test_a_failed_conversion_fails_the_job_with_its_reason_and_leaves_no_file(
    bulletin,
    users,
    media,
    inline,
    fake_documents,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    def broken(docx, *, timeout):
        raise DocumentError("LibreOffice 转换 PDF 超过 180 秒,已停止。")

    monkeypatch.setattr(jobs, "docx_to_pdf", broken)

    job = start(bulletin, users, django_capture_on_commit_callbacks)

    assert job.status == RenderStatus.FAILED
    assert job.message == "LibreOffice 转换 PDF 超过 180 秒,已停止。"
    # Stopped at the PDF step, the Word file it had written removed.
    assert job.progress == 40
    assert (job.docx, job.pdf, job.xlsx) == ("", "", "")
    assert not any((media / "bulletins").rglob("*.docx"))


@pytest.mark.django_db
def test_an_unexpected_error_is_named_in_the_reason(
    bulletin,
    users,
    media,
    inline,
    fake_documents,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    def broken(figures, text):
        raise KeyError("targets")

    monkeypatch.setattr(jobs, "render_xlsx", broken)

    job = start(bulletin, users, django_capture_on_commit_callbacks)

    assert job.status == RenderStatus.FAILED
    assert job.message == "生成文件时出错(KeyError):'targets'"


@pytest.mark.django_db
def test_an_issued_version_renders_its_frozen_words_not_later_edits(
    bulletin, users, media, inline, fake_documents, django_capture_on_commit_callbacks
):
    reviewer = users["reviewer"]
    bulletin_update(
        bulletin=bulletin,
        data={"number": "鹰技能办〔2025〕3号", "title": "签发时的标题"},
        actor=reviewer,
    )
    with django_capture_on_commit_callbacks(execute=True):
        bulletin_issue(bulletin=bulletin, now=timezone.now(), actor=reviewer)
    bulletin.refresh_from_db()
    # Written behind the services' back: an issued bulletin's fields could
    # only change this way, and the documents must not show it.
    type(bulletin).objects.filter(pk=bulletin.pk).update(title="之后改过的标题")

    job = start(bulletin, users, django_capture_on_commit_callbacks)

    assert job.status == RenderStatus.DONE
    assert read(job.path("docx"))["title"] == "签发时的标题"


@pytest.mark.django_db
def test_a_job_delivered_twice_is_rendered_once(
    bulletin, users, media, inline, fake_documents, django_capture_on_commit_callbacks
):
    job = start(bulletin, users, django_capture_on_commit_callbacks)
    finished = job.finished_at

    assert jobs.render_version(job.pk) == RenderStatus.DONE
    job.refresh_from_db()
    assert job.finished_at == finished


@pytest.mark.django_db
def test_a_job_the_queue_never_received_is_failed_with_the_reason(
    bulletin, users, media, settings, django_capture_on_commit_callbacks
):
    settings.QUEUE_URL = "redis://127.0.0.1:9/1"

    job = start(bulletin, users, django_capture_on_commit_callbacks)

    assert job.status == RenderStatus.FAILED
    assert job.message.startswith("无法连接后台任务队列(QUEUE_URL)")


@pytest.mark.django_db
def test_with_a_queue_the_request_only_queues_the_render(
    bulletin, users, media, queue_redis, django_capture_on_commit_callbacks
):
    from rq import Queue

    from common.jobs import QUEUE_NAME

    job = start(bulletin, users, django_capture_on_commit_callbacks)

    assert (job.status, job.progress) == (RenderStatus.QUEUED, 0)
    (queued,) = Queue(QUEUE_NAME, connection=queue_redis).get_jobs()
    assert (queued.func_name, queued.args, queued.timeout) == (
        "bulletins.jobs.render_version",
        (job.pk,),
        jobs.RENDER_TIMEOUT,
    )


def _soffice_missing() -> str | None:
    from bulletins.documents.pdf import soffice

    return None if soffice() else "需要 LibreOffice(soffice)才能转换 PDF"


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_documents_with_libreoffice(
    policy,
    users,
    media,
    run_worker,
    django_capture_on_commit_callbacks,
    bulletin_kinds,
):
    missing = _soffice_missing()
    if missing:
        pytest.skip(missing)
    bulletin = bulletin_create(
        policy=policy,
        kind=BulletinKind.objects.get(name="季度通报"),
        first=(2025, 7),
        last=(2025, 9),
        today=TODAY,
        actor=users["reviewer"],
    )
    job = start(bulletin, users, django_capture_on_commit_callbacks)
    assert job.status == RenderStatus.QUEUED

    finished = run_worker(timeout=300)

    assert finished.returncode == 0, finished.stderr
    job.refresh_from_db()
    assert (job.status, job.progress) == (RenderStatus.DONE, 100), job.message
    assert zipfile.is_zipfile(job.path("docx"))
    assert zipfile.is_zipfile(job.path("xlsx"))
    assert job.path("pdf").read_bytes().startswith(b"%PDF-")
