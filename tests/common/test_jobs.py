"""common.jobs: a job starts only after its transaction commits, inline
without a queue, on a real rq worker with one."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from rq import Queue

from common import jobs
from tests.common import sample_jobs


@pytest.fixture
def inline(settings):
    settings.QUEUE_URL = ""


def test_a_job_is_named_by_the_dotted_path_a_worker_imports():
    assert (
        jobs.job_path(sample_jobs.write_group) == "tests.common.sample_jobs.write_group"
    )
    assert (
        jobs.job_path("bulletins.jobs.render_version")
        == "bulletins.jobs.render_version"
    )


def test_a_function_a_worker_could_not_import_is_refused():
    def local():
        pass

    with pytest.raises(ValueError, match="模块级函数"):
        jobs.job_path(local)
    with pytest.raises(ValueError, match="模块级函数"):
        jobs.job_path(lambda: None)


@pytest.mark.django_db
def test_without_a_queue_the_job_runs_inline_only_after_the_commit(
    inline, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        transaction.atomic(),
    ):
        jobs.enqueue(sample_jobs.write_group, "inline")
        assert not Group.objects.filter(name="inline").exists()

    assert len(callbacks) == 1
    assert Group.objects.filter(name="inline").exists()


@pytest.mark.django_db
def test_a_job_of_a_rolled_back_transaction_never_runs(
    inline, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        jobs.enqueue(sample_jobs.write_group, "rolled back")
        raise RuntimeError

    assert callbacks == []
    assert not Group.objects.exists()


@pytest.mark.django_db
def test_an_inline_job_that_fails_calls_on_error_and_spares_the_caller(
    inline, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue(sample_jobs.fail, "inline", on_error=sample_jobs.record_error)

    assert list(Group.objects.values_list("name", flat=True)) == [
        "inline: 后台任务失败:inline 出错"
    ]


@pytest.mark.django_db
def test_an_unreachable_queue_calls_on_error(
    settings, django_capture_on_commit_callbacks
):
    # A port nothing listens on (the discard service).
    settings.QUEUE_URL = "redis://127.0.0.1:9/1"

    with django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue(
            sample_jobs.write_group, "unqueued", on_error=sample_jobs.record_error
        )

    (name,) = Group.objects.values_list("name", flat=True)
    assert name.startswith("unqueued: 无法连接后台任务队列(QUEUE_URL)")


def test_the_worker_command_says_what_is_missing_without_a_queue(settings):
    settings.QUEUE_URL = ""

    with pytest.raises(CommandError, match="未设置环境变量 QUEUE_URL"):
        call_command("run_worker", "--burst")


def test_the_worker_command_names_an_unreachable_queue(settings):
    settings.QUEUE_URL = "redis://127.0.0.1:9/1"

    with pytest.raises(
        CommandError, match=r"无法连接任务队列 QUEUE_URL=redis://127\.0\.0\.1:9/1"
    ):
        call_command("run_worker", "--burst")


@pytest.mark.django_db
def test_with_a_queue_the_job_is_sent_after_the_commit_with_its_timeout(
    queue_redis, django_capture_on_commit_callbacks
):
    queue = Queue(jobs.QUEUE_NAME, connection=queue_redis)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        job_id = jobs.enqueue(sample_jobs.write_group, "queued", timeout=42)
        assert queue.count == 0

    (job,) = queue.get_jobs()
    assert (job.id, job.func_name, job.args, job.timeout) == (
        job_id,
        "tests.common.sample_jobs.write_group",
        ("queued",),
        42,
    )
    # Sent, not run: only a worker runs it.
    assert not Group.objects.exists()


def test_a_real_worker_runs_the_queued_job_against_the_database(
    run_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue(sample_jobs.write_group, "from the worker")

    worker = run_worker()

    assert worker.returncode == 0, worker.stderr
    assert Group.objects.filter(name="from the worker").exists()


def test_a_real_worker_stops_a_job_past_its_timeout_and_reports_it(
    run_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue(
            sample_jobs.sleep,
            "slow",
            30,
            timeout=1,
            on_error=sample_jobs.record_error,
        )

    worker = run_worker(timeout=25)

    assert worker.returncode == 0, worker.stderr
    (name,) = Group.objects.values_list("name", flat=True)
    assert name.startswith("slow: 后台任务失败:")
    assert "1 seconds" in name, name
