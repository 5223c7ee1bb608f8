"""A bounded load run: gunicorn with 3 workers on loopback over the bench
database, 50 department users filing and 5 reviewers reading the
dashboard, until a fixed number of requests is made or the time is up.

Each department user signs in (not counted), then loops: open my tasks,
open one of the department's editable reports, save it (a POST with the
form's CSRF token and version). Each reviewer signs in and opens the
dashboard in a loop. The client is a few threads of ``urllib``, with a
cookie jar per user; no redirect is followed, so a save answers 302.
"""

import http.cookiejar
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection

from dispatch.models import PeriodStatus, ProgressReport, ReportState

from .dataset import BENCH_PASSWORD, REPORTER_PREFIX, REVIEWER_PREFIX
from .pages import BenchError

REPORTERS = 50
REVIEWERS = 5
WORKERS = 3
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


@dataclass
class Stats:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)
    budget: int = 0
    deadline: float = 0.0

    def take(self) -> bool:
        """One more request allowed?"""
        with self.lock:
            if self.budget <= 0 or time.monotonic() > self.deadline:
                return False
            self.budget -= 1
            return True


class _User:
    def __init__(self, base: str, username: str, stats: Stats):
        self.base, self.username, self.stats = base, username, stats
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            _NoRedirect,
        )

    def request(self, kind: str, path: str, data: dict | None = None, expect=200):
        """The page's text, or None on an error (recorded)."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        started = time.perf_counter()
        try:
            with self.opener.open(self.base + path, body, timeout=120) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read().decode(errors="replace")
            if exc.headers.get("Location"):
                text = f"→ {exc.headers['Location']}"
        except OSError as exc:
            status, text = 0, str(exc)
        elapsed = (time.perf_counter() - started) * 1000
        with self.stats.lock:
            self.stats.times[kind].append(elapsed)
            if status != expect:
                self.stats.errors[kind].append(
                    f"{self.username} {path} {status} {text[:80]}"
                )
        return text if status == expect else None

    def sign_in(self) -> bool:
        page = self.request("sign-in page", "/login/")
        token = TOKEN.search(page or "")
        if token is None:
            return False
        return (
            self.request(
                "sign-in",
                "/login/",
                {
                    "csrfmiddlewaretoken": token.group(1),
                    "username": self.username,
                    "password": BENCH_PASSWORD,
                },
                expect=302,
            )
            is not None
        )


def _reporter(user: _User, reports: list[int]) -> None:
    turn = 0
    while user.stats.take():
        user.request("my tasks", "/dispatch/mine/")
        if not reports or not user.stats.take():
            continue
        pk = reports[turn % len(reports)]
        turn += 1
        page = user.request("edit page", f"/dispatch/reports/{pk}/edit/")
        token, version = TOKEN.search(page or ""), VERSION.search(page or "")
        if token is None or version is None or not user.stats.take():
            continue
        user.request(
            "save",
            f"/dispatch/reports/{pk}/edit/",
            {
                "csrfmiddlewaretoken": token.group(1),
                "version": version.group(1),
                "progress": f"压力测试第{turn}次保存:本月组织培训3场、120人次。",
                "problems": "",
                "next_steps": "下月继续推进。",
                "proposed_status": "on_track",
                "completion": "50",
            },
            expect=302,
        )


def _reviewer(user: _User) -> None:
    while user.stats.take():
        user.request("dashboard", "/dispatch/dashboard/")


def _parallel(jobs) -> None:
    threads = [threading.Thread(target=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(base: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError("gunicorn 未能启动。")
        try:
            with urllib.request.urlopen(base + "/login/", timeout=5):  # noqa: S310
                return
        except OSError:
            time.sleep(0.5)
    raise BenchError("gunicorn 启动超时。")


def _editable_reports() -> dict[str, list[int]]:
    """Per department user, the reports the load run may save: drafts
    and returned reports of the open month."""
    rows = (
        ProgressReport.objects.filter(
            period__status=PeriodStatus.OPEN,
            state__in=[ReportState.DRAFT, ReportState.RETURNED],
            department__users__username__startswith=REPORTER_PREFIX,
        )
        .order_by("pk")
        .values_list("department__users__username", "pk")
    )
    found: dict[str, list[int]] = defaultdict(list)
    for username, pk in rows:
        found[username].append(pk)
    return found


def load_run(*, seconds: int = 120, requests: int = 3000) -> tuple[Stats, float]:
    reports = _editable_reports()
    reporters = [f"{REPORTER_PREFIX}{i + 1:03d}" for i in range(REPORTERS)]
    reviewers = [f"{REVIEWER_PREFIX}{i + 1}" for i in range(REVIEWERS)]
    if not all(reports.get(name) for name in reporters):
        raise BenchError("基准数据中前 50 个部门没有可保存的报告:请先执行 --fill。")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("DATABASE_URL", ""),
        "DEBUG": "0",
        # Outside production each process would make up its own key, and a
        # session signed by one worker would be refused by the others.
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
    }
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, loopback
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "yingtan.wsgi",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=settings.BASE_DIR,
        env=env,
    )
    try:
        _wait_for(base, server)
        stats = Stats()
        users = [(_reporter, _User(base, n, stats), reports[n]) for n in reporters]
        users += [(_reviewer, _User(base, n, stats), None) for n in reviewers]
        # Everyone signs in first, outside the budget and the clock: each
        # sign-in hashes a password, which is not what the run measures.
        signed = []
        _parallel([(lambda u=user: signed.append(u.sign_in())) for _, user, _ in users])
        if not all(signed):
            raise BenchError(
                "有账号登录失败:"
                + "、".join(f"{k}{len(v)}次" for k, v in stats.errors.items())
            )
        started = time.monotonic()
        stats.budget, stats.deadline = requests, started + seconds
        _parallel(
            [
                (lambda w=work, u=user, e=extra: w(u) if e is None else w(u, e))
                for work, user, extra in users
            ]
        )
        elapsed = time.monotonic() - started
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    return stats, elapsed


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def load_print(*, seconds: int, requests: int, out) -> Stats:
    # The server holds its own connections; this process's stays idle.
    connection.close()
    stats, elapsed = load_run(seconds=seconds, requests=requests)
    signing = {"sign-in page", "sign-in"}
    total = sum(len(v) for k, v in stats.times.items() if k not in signing)
    errors = sum(len(v) for v in stats.errors.values())
    out.write(
        f"压力测试:gunicorn {WORKERS} 个进程,{REPORTERS} 个部门用户填报、"
        f"{REVIEWERS} 个审核员看调度台;用时 {elapsed:.1f} 秒,"
        f"请求 {total} 次(登录另计,不占时长),错误 {errors} 次,"
        f"吞吐 {total / elapsed:.1f} 次/秒"
    )
    out.write("| request | count | errors | median ms | p95 ms |")
    out.write("|---|---:|---:|---:|---:|")
    for kind, times in stats.times.items():
        out.write(
            f"| {kind} | {len(times)} | {len(stats.errors.get(kind, []))} "
            f"| {statistics.median(times):.0f} | {_p95(times):.0f} |"
        )
    for kind, problems in stats.errors.items():
        for problem in problems[:5]:
            out.write(f"错误({kind}):{problem}")
    return stats
