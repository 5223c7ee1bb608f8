"""Two gunicorn servers over one PostgreSQL database and one Redis, as
production runs several processes, possibly on several machines: a person
signed in on one continues on the other, an account locked on one is
refused on the other, and a report approved on one changes the public page
that the other serves from the shared cache.

The servers are separate processes, so they see only committed rows
(transactional tests) of pytest-django's test database. Needs PostgreSQL
(SQLite's file is no shared server) and a reachable Redis (REDIS_URL, or
the local default); CI sets REQUIRE_REDIS=1, where a missing one fails.
"""

import datetime
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import global_settings
from django.core.management.utils import get_random_secret_key
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tests.deploy.test_check_deploy import CLEARED

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
PASSWORD = "Pass#word123"
WRONG = "Wrong#guess987"


def _redis_error() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        return f"Redis {REDIS_URL} 无法连接:{exc}"
    return None


@pytest.fixture(scope="module")
def redis_db(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        vendor = connection.vendor
    if vendor != "postgresql":
        pytest.skip(
            "多服务器测试需要 PostgreSQL(DATABASE_URL):SQLite 文件不能由多台服务器共用"
        )
    error = _redis_error()
    if error:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1,但{error}")
        pytest.skip(f"多服务器测试需要 Redis:{error}")
    import redis

    return redis.Redis.from_url(REDIS_URL)


def _database_url() -> str:
    db = connection.settings_dict
    user = urllib.parse.quote(db["USER"] or "")
    password = urllib.parse.quote(db["PASSWORD"] or "")
    auth = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{auth}{host}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def servers(redis_db, tmp_path_factory):
    """Two servers as production runs them: DEBUG off, the static files
    collected (hashed names), one SECRET_KEY, one database, one Redis."""
    folder = tmp_path_factory.mktemp("servers")
    env = {name: value for name, value in os.environ.items() if name not in CLEARED}
    env.update(
        DJANGO_SETTINGS_MODULE="yingtan.settings",
        SECRET_KEY=get_random_secret_key(),
        DATABASE_URL=_database_url(),
        # Each request closes its connection: none is left open when the
        # test database is emptied or dropped.
        CONN_MAX_AGE="0",
        REDIS_URL=REDIS_URL,
        STATIC_ROOT=str(folder / "static"),
        AUDIT_CHECKPOINT_DIR=str(folder / "audit-checkpoints"),
    )
    collect = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collect.returncode == 0, collect.stderr
    started = []
    for name in ("a", "b"):
        port = _free_port()
        log = (folder / f"{name}.log").open("w")
        process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "yingtan.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append((process, log, f"http://127.0.0.1:{port}"))
    try:
        for process, _, base in started:
            _wait_until_serving(process, base, folder)
        yield [base for _, _, base in started]
    finally:
        for process, log, _ in started:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


def _wait_until_serving(process, base: str, folder: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{base}/login/", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    logs = "\n".join(path.read_text() for path in folder.glob("*.log"))
    pytest.fail(f"gunicorn {base} 未能启动:\n{logs[-4000:]}")


class Visitor:
    """One browser: its cookies go to both servers, as a browser's go to
    every port of a host."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), self._NoRedirect()
        )
        self.token = ""

    def get(self, base: str, path: str) -> tuple[int, str, str]:
        return self._open(urllib.request.Request(base + path))  # noqa: S310

    def post(self, base: str, path: str, data: dict) -> tuple[int, str, str]:
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.token, **data})
        request = urllib.request.Request(base + path, data=body.encode())  # noqa: S310
        return self._open(request)

    def sign_in(self, base: str, username: str, password: str = PASSWORD):
        self.get(base, reverse("login"))
        return self.post(
            base, reverse("login"), {"username": username, "password": password}
        )

    def _open(self, request) -> tuple[int, str, str]:
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            page = response.read().decode()
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if found:
            self.token = found.group(1)
        return response.status, response.headers.get("Location", ""), page


@pytest.fixture
def shared(redis_db, servers, settings):
    """An empty shared cache; users whose passwords the servers can check
    (the servers hash as production does, not as the tests' fast hasher)."""
    redis_db.flushdb()
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    yield servers
    redis_db.flushdb()


@pytest.fixture
def people(departments):
    from accounts.roles import RoleName
    from accounts.services import user_create
    from tasks.models import Department

    def make(username, role, department):
        return user_create(
            username=username,
            password=PASSWORD,
            role=role,
            department=Department.objects.get(name=department),
            must_change_password=False,
        )

    return {
        "reporter": make("reporter", RoleName.REPORTER, "贵溪市人民政府"),
        "reviewer": make("reviewer", RoleName.REVIEWER, "市人社局"),
    }


@pytest.mark.django_db(transaction=True)
def test_signed_in_on_one_server_the_person_continues_on_the_other(shared, people):
    a, b = shared
    person = Visitor()

    status, location, _ = person.sign_in(a, "reporter")
    assert (status, location) == (302, reverse("home"))

    status, _, page = person.get(b, reverse("targets:board"))
    assert status == 200
    assert "reporter" in page
    assert "退出" in page
    # Signing out on the second ends the session on the first too.
    status, _, _ = person.post(b, reverse("logout"), {})
    assert status == 302
    status, location, _ = person.get(a, reverse("targets:board"))
    assert status == 302
    assert location.startswith(reverse("login"))


@pytest.mark.django_db(transaction=True)
def test_an_account_locked_on_one_server_is_refused_on_the_other(shared, people):
    a, b = shared
    person = Visitor()
    for _ in range(4):
        assert person.sign_in(a, "reporter", WRONG)[0] == 200
    assert person.sign_in(a, "reporter", WRONG)[0] == 429

    status, _, page = person.sign_in(b, "reporter")

    assert status == 429
    assert "账号“reporter”登录失败 5 次,已锁定至" in page
    status, location, _ = person.get(b, reverse("targets:board"))
    assert (status, location.startswith(reverse("login"))) == (302, True)


@pytest.mark.django_db(transaction=True)
def test_a_report_approved_on_one_server_changes_the_public_page_on_the_other(
    shared, people, policy
):
    from dispatch.models import ProgressReport
    from dispatch.services import period_open, report_transition
    from targets.models import ReadingSource, ReviewStatus, Target
    from targets.services import reading_record
    from tasks.models import Task

    a, b = shared
    today = timezone.localdate()
    period = period_open(
        year=today.year,
        month=today.month,
        deadline=today + datetime.timedelta(days=10),
    )
    task = Task.objects.get(policy=policy, number=1)

    def target(metric: str, fingerprint: str) -> Target:
        return Target.objects.create(
            policy=policy,
            task=task,
            key_task=task.key_task,
            metric=metric,
            value=Decimal(1200),
            unit="人",
            kind="cumulative",
            # Running: a reading of today counts (the servers' clock is
            # the real one, whatever day the suite runs).
            start_date=datetime.date(today.year - 2, 1, 1),
            deadline=datetime.date(today.year + 1, 12, 31),
            source_text=f"{metric}达到1200人。",
            source_ref="附件第1行",
            fingerprint=fingerprint,
            review_status=ReviewStatus.ACCEPTED,
        )

    copper = target("铜产业培训技能人才", "fp-copper")
    report = ProgressReport.objects.get(
        period=period, task=task, department__name="贵溪市人民政府"
    )
    reading_record(
        target=copper,
        value="777",
        as_of=today,
        source=ReadingSource.REPORT,
        actor=people["reporter"],
        report=report,
    )
    report.progress, report.proposed_status = "本月培训铜产业技能人才。", "on_track"
    report.save()
    report_transition(report=report, action="submit", actor=people["reporter"])

    visitor, reviewer = Visitor(), Visitor()
    status, _, page = visitor.get(a, reverse("public"))
    assert status == 200
    assert "铜产业培训技能人才" in page
    assert "777人" not in page
    # The page the first server cached is what the second serves: a row
    # written behind the portal's back does not show.
    target("新材料产业技能人才", "fp-materials")
    assert "新材料产业技能人才" not in visitor.get(b, reverse("public"))[2]

    assert reviewer.sign_in(a, "reviewer")[0] == 302
    reviewer.get(a, reverse("dispatch:report-detail", args=[report.pk]))
    status, _, _ = reviewer.post(
        a, reverse("dispatch:report-move", args=[report.pk, "approve"]), {}
    )
    assert status == 302
    report.refresh_from_db()
    assert report.state == "approved"

    status, _, page = visitor.get(b, reverse("public"))
    assert status == 200
    assert "777人" in page
    assert "新材料产业技能人才" in page
