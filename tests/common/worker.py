"""A real rq worker (manage.py run_worker) in its own process, for the
tests of background jobs: it reads the queue in Redis and writes into
pytest-django's test database, so the tests that use it are transactional
(a worker sees only committed rows) and need PostgreSQL and Redis.

The Redis database is TEST_QUEUE_URL's, else redis://127.0.0.1:6379/1 (db
0 is the cache's and the multi-server test's); the tests empty it. It is
not QUEUE_URL, which would send every other test's jobs to Redis too. Without a
reachable Redis they are skipped, unless REQUIRE_REDIS=1 (CI), where they
fail.
"""

import os
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from django.db import connection

from tests.deploy.test_check_deploy import CLEARED

ROOT = Path(__file__).resolve().parents[2]
QUEUE_URL = os.environ.get("TEST_QUEUE_URL") or "redis://127.0.0.1:6379/1"


def _redis_error() -> str | None:
    import redis

    try:
        redis.Redis.from_url(QUEUE_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        return f"Redis {QUEUE_URL} 无法连接:{exc}"
    return None


def _database_url() -> str:
    db = connection.settings_dict
    user = urllib.parse.quote(db["USER"] or "")
    password = urllib.parse.quote(db["PASSWORD"] or "")
    auth = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{auth}{host}/{db['NAME']}"


@pytest.fixture
def queue_redis(settings):
    """An empty queue database, named in the settings: enqueue sends there."""
    error = _redis_error()
    if error:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1,但{error}")
        pytest.skip(f"任务队列测试需要 Redis:{error}")
    import redis

    client = redis.Redis.from_url(QUEUE_URL)
    client.flushdb()
    settings.QUEUE_URL = QUEUE_URL
    yield client
    client.flushdb()


@pytest.fixture
def run_worker(queue_redis, transactional_db, settings):
    """Runs ``manage.py run_worker --burst``: it does every queued job, then
    exits. Returns the finished process (its output in ``.stderr``)."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "任务进程测试需要 PostgreSQL(DATABASE_URL):"
            "另一进程无法读写 SQLite 的内存测试库"
        )

    def run(timeout: float = 120, **extra_env: str) -> subprocess.CompletedProcess:
        env = {name: value for name, value in os.environ.items() if name not in CLEARED}
        env.update(
            DJANGO_SETTINGS_MODULE="yingtan.settings",
            DATABASE_URL=_database_url(),
            CONN_MAX_AGE="0",
            QUEUE_URL=QUEUE_URL,
            AUDIT_CHECKPOINT_DIR=str(settings.AUDIT_CHECKPOINT_DIR),
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
            **extra_env,
        )
        return subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "run_worker", "--burst"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run
