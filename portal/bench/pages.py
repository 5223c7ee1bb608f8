"""Every main page timed through Django's test client, each request
followed by one of the trivial view (``portal.bench.urls``) by the same
client, so that noise from the machine falls on both alike.

A page's ratio is its median over the median of the trivial requests made
beside it, all by the signed-in reviewer. The issue's goal: at province
scale every ratio within 2× of its ratio on the demo data, and none above
30×. A run saved with
``--save demo`` (on a database made by ``setup_portal --demo``) gives the
demo column of later runs.
"""

import json
import logging
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from accounts.roles import RoleName
from dispatch.models import ProgressReport
from dispatch.selectors import current_period
from tasks.models import Role

RESULTS_DIR = Path(settings.BASE_DIR) / "var" / "bench"
# The goal of issue 10.
MAX_RATIO = 30
MAX_GROWTH = 2


class BenchError(Exception):
    """The pages cannot be measured here, with a message in Chinese."""


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    client: str  # reviewer, auditor, reporter or anonymous
    before: Callable[[], None] | None = None


@dataclass
class Timing:
    name: str
    url: str
    median_ms: float
    p95_ms: float
    trivial_ms: float
    ratio: float
    queries: int


def _user(role: RoleName) -> User:
    user = (
        User.objects.filter(groups__name=role.label, is_active=True)
        .order_by("username")
        .first()
    )
    if user is None:
        raise BenchError(f"没有“{role.label}”账号:请先写入基准数据或演示数据。")
    return user


def pages_plan() -> tuple[list[Page], dict[str, User | None]]:
    """The pages, and who asks for them: the department with the most
    reports in the current month, so that its pages are the heaviest."""
    period = current_period()
    if period is None:
        raise BenchError("没有填报期:请先写入基准数据或演示数据。")
    busiest = (
        ProgressReport.objects.filter(period=period)
        .values("department")
        .annotate(n=Count("id"))
        .order_by("-n", "department")
        .first()
    )
    reporter = (
        User.objects.filter(
            department_id=busiest["department"],
            groups__name=RoleName.REPORTER.label,
        )
        .order_by("username")
        .first()
    )
    if reporter is None:
        raise BenchError("最繁忙的部门没有填报员账号。")
    report = (
        ProgressReport.objects.filter(
            period=period, department_id=busiest["department"], role=Role.LEAD
        )
        .order_by("pk")
        .first()
    ) or ProgressReport.objects.filter(period=period).order_by("pk").first()
    users = {
        "reviewer": _user(RoleName.REVIEWER),
        "auditor": _user(RoleName.AUDITOR),
        "reporter": reporter,
        "anonymous": None,
    }
    # Demo accounts must choose a password first; the bench's users go
    # straight to the pages (a bench database is a throwaway copy).
    User.objects.filter(pk__in=[u.pk for u in users.values() if u]).update(
        must_change_password=False, password_changed_at=timezone.now()
    )
    pages = [
        Page("dashboard", "/dispatch/dashboard/", "reviewer"),
        Page("target board", "/targets/", "reviewer"),
        Page("targets export", "/targets/export.xlsx", "reviewer"),
        # The public page is cached; cleared before each request, its
        # time is what a miss costs.
        Page("public page, uncached", "/public/", "anonymous", before=cache.clear),
        Page("period list", "/dispatch/periods/", "reviewer"),
        Page(
            "department page",
            f"/tasks/departments/{busiest['department']}/",
            "reviewer",
        ),
        Page("task list", "/tasks/", "reviewer"),
        Page("review queue", "/dispatch/review/", "reviewer"),
        Page("audit list", "/audit/", "auditor"),
        Page("my tasks (department)", "/dispatch/mine/", "reporter"),
        Page("report page", f"/dispatch/reports/{report.pk}/", "reviewer"),
    ]
    return pages, users


def _get(client: Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise BenchError(f"{url} 返回 {response.status_code}。")
    return elapsed * 1000


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def pages_measure(*, repeat: int = 20) -> list[Timing]:
    """Each page ``repeat`` times, rounds interleaved (every page once per
    round, each followed by the trivial view)."""
    # django-axes logs every forced sign-in; the table is the output.
    logging.getLogger("axes").setLevel(logging.WARNING)
    with override_settings(
        ROOT_URLCONF="portal.bench.urls",
        DEBUG=False,
        ALLOWED_HOSTS=["testserver", *settings.ALLOWED_HOSTS],
    ):
        pages, users = pages_plan()
        clients = {}
        for kind, user in users.items():
            clients[kind] = Client()
            if user is not None:
                clients[kind].force_login(user)
        # One baseline for every page, the signed-in reviewer's: a session
        # read and saved, the user and roles loaded, as on every page.
        base = clients["reviewer"]
        queries = {}
        for page in pages:  # warm up, and count the queries once
            client = clients[page.client]
            if page.before:
                page.before()
            with CaptureQueriesContext(connection) as captured:
                _get(client, page.url)
            queries[page.name] = len(captured)
            _get(base, "/bench/trivial/")
        samples = {page.name: [] for page in pages}
        trivial = {page.name: [] for page in pages}
        for _ in range(repeat):
            for page in pages:
                client = clients[page.client]
                if page.before:
                    page.before()
                samples[page.name].append(_get(client, page.url))
                trivial[page.name].append(_get(base, "/bench/trivial/"))
    timings = []
    for page in pages:
        median = statistics.median(samples[page.name])
        base = statistics.median(trivial[page.name])
        timings.append(
            Timing(
                page.name,
                page.url,
                median,
                _p95(samples[page.name]),
                base,
                median / base,
                queries[page.name],
            )
        )
    return timings


def _trivial_ms(timings: list[Timing]) -> float:
    return statistics.median(t.trivial_ms for t in timings)


def pages_print(*, repeat: int, out, save: str = "") -> list[Timing]:
    timings = pages_measure(repeat=repeat)
    database = connection.settings_dict["NAME"]
    if save:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        path = RESULTS_DIR / f"pages-{save}.json"
        path.write_text(
            json.dumps(
                {"database": str(database), "pages": [asdict(t) for t in timings]},
                ensure_ascii=False,
                indent=1,
            )
        )
    demo_path = RESULTS_DIR / "pages-demo.json"
    demo = {}
    if save != "demo" and demo_path.exists():
        demo = {row["name"]: row for row in json.loads(demo_path.read_text())["pages"]}
    out.write(
        f"页面耗时({database},每页 {repeat} 次,与空视图交替;"
        f"空视图中位数 {_trivial_ms(timings):.1f} ms)"
    )
    header = "| page | median ms | p95 ms | ratio to trivial | queries |"
    rule = "|---|---:|---:|---:|---:|"
    if demo:
        header += " ratio on demo | queries on demo | goal |"
        rule += "---:|---:|---|"
    out.write(header)
    out.write(rule)
    for t in timings:
        line = (
            f"| {t.name} | {t.median_ms:.1f} | {t.p95_ms:.1f} | {t.ratio:.1f}× "
            f"| {t.queries} |"
        )
        if demo:
            base = demo.get(t.name)
            if base is None:
                line += " – | – | – |"
            else:
                ok = t.ratio <= MAX_RATIO and t.ratio <= MAX_GROWTH * base["ratio"]
                line += (
                    f" {base['ratio']:.1f}× | {base['queries']} "
                    f"| {'达标' if ok else '未达标'} |"
                )
        out.write(line)
    return timings
