"""Background jobs: an rq queue on Redis when ``settings.QUEUE_URL`` names
one, else the job runs in the same process.

Either way a job starts only once the current transaction has committed, so
that it sees the rows the caller wrote (a worker in another process sees
nothing uncommitted, and the inline run must behave the same way). Jobs are
named by their dotted path and take JSON-able arguments (ids, not objects):
the worker imports the function itself and loads what it needs.

A job records its own outcome (bulletins.jobs marks its RenderJob done or
failed). ``on_error`` is for what the job cannot record: the queue could not
be reached, or the worker lost the job. It is called as
``on_error(*args, error="…")`` with the job's own arguments.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

import redis
from django.conf import settings
from django.db import connections, transaction
from django.utils.module_loading import import_string
from rq import Callback, Queue, Worker

logger = logging.getLogger(__name__)

# One queue for the portal; the worker (manage.py run_worker) listens on it.
QUEUE_NAME = "yingtan"
DEFAULT_TIMEOUT = 600
# A finished job's return value and a failed job's traceback stay this long
# in Redis for inspection (rq info); the portal's own record is in its rows.
RESULT_TTL = 24 * 3600
FAILURE_TTL = 7 * 24 * 3600

JobFunction = str | Callable[..., Any]


def job_path(func: JobFunction) -> str:
    """The dotted path a worker imports the function by."""
    if isinstance(func, str):
        return func
    qualname = func.__qualname__
    if "<" in qualname or "." in qualname:
        raise ValueError(
            f"后台任务须为模块级函数,才能由任务进程按路径导入:{func.__module__}.{qualname}"
        )
    return f"{func.__module__}.{qualname}"


def connection() -> redis.Redis:
    """The Redis connection of the queue; only when QUEUE_URL is set."""
    return redis.Redis.from_url(
        settings.QUEUE_URL, socket_connect_timeout=5, health_check_interval=30
    )


def queue() -> Queue:
    return Queue(QUEUE_NAME, connection=connection())


def enqueue(
    func: JobFunction,
    *args: Any,
    timeout: int = DEFAULT_TIMEOUT,
    on_error: JobFunction | None = None,
) -> str:
    """Run ``func(*args)`` in the background once the transaction commits.

    Returns the job's id (the rq job id with a queue). ``timeout`` is the
    most seconds the worker lets the job run before stopping it.
    """
    path = job_path(func)
    error_path = job_path(on_error) if on_error else None
    job_id = uuid.uuid4().hex
    queued = bool(settings.QUEUE_URL)

    # A function, not a functools.partial: Django names the callback by its
    # __qualname__ when it logs a failure.
    def start() -> None:
        if queued:
            _send(path, args, timeout, job_id, error_path)
        else:
            run(path, args, error_path)

    # Robust: a job that cannot start must not turn the caller's committed
    # request into an error page; on_error records it, Django logs it.
    transaction.on_commit(start, robust=True)
    return job_id


def run(path: str, args: tuple, error_path: str | None = None) -> Any:
    """Run a job in this process, as the inline mode does."""
    try:
        return import_string(path)(*args)
    except Exception as exc:
        _report(error_path, args, f"后台任务失败:{exc}")
        raise


def _send(
    path: str, args: tuple, timeout: int, job_id: str, error_path: str | None
) -> None:
    try:
        queue().enqueue(
            path,
            *args,
            job_id=job_id,
            job_timeout=timeout,
            result_ttl=RESULT_TTL,
            failure_ttl=FAILURE_TTL,
            meta={"on_error": error_path},
            on_failure=Callback(rq_failed) if error_path else None,
        )
    except Exception as exc:
        logger.exception("后台任务 %s%r 未能加入队列", path, args)
        _report(error_path, args, f"无法连接后台任务队列(QUEUE_URL):{exc}")
        raise


def rq_failed(job, connection, kind, value, traceback) -> None:
    """rq's failure callback: the job raised, timed out or was lost."""
    _report(job.meta.get("on_error"), tuple(job.args), f"后台任务失败:{value}")


def _report(error_path: str | None, args: tuple, message: str) -> None:
    if not error_path:
        return
    try:
        import_string(error_path)(*args, error=message)
    except Exception:
        logger.exception("后台任务的失败处理 %s%r 本身失败", error_path, args)


class PortalWorker(Worker):
    """rq's forking worker, careful with Django's database connections.

    Each job runs in a process forked for it (a job that crashes or leaks
    takes only that process down, and the parent can stop one that runs
    past its timeout). A connection opened before the fork would be one
    socket shared by two processes, so the parent closes its own before
    forking and each job's process closes the ones it opened.
    """

    def execute_job(self, job, queue):
        connections.close_all()
        return super().execute_job(job, queue)

    def perform_job(self, job, queue, execution):
        try:
            return super().perform_job(job, queue, execution)
        finally:
            connections.close_all()


def worker() -> PortalWorker:
    return PortalWorker([queue()], connection=connection())
