"""``bench --bulletin``: what one bulletin (issue 11) costs, in-process,
for the default policy over the last whole quarter of the data (a quarter
whose three months have periods and are all closed) or a given month
range:

- ``bulletin_figures``, with its queries (a fixed number, whatever the
  size of the data and of its history);
- ``bulletin_create``, the service the page's 生成 button calls, each run
  in a transaction rolled back afterwards, so that the data stay as they
  were;
- the three documents (``render_docx``, ``docx_to_pdf`` by LibreOffice,
  fewer runs since each takes seconds, and ``render_xlsx``), from the
  figures as stored in the version (JSON) and the draft's words;
- the bulletin's page by the signed-in reviewer through Django's test
  client, each request followed by the trivial view, as ``pages`` does;
  the bulletin, the sign-in and its session exist only in a transaction
  rolled back at the end.

While the page is measured that transaction holds the audit chain's lock
(the sign-in and the create are audited), so other writers of the same
database wait for it: seconds, not minutes.
"""

import datetime
import io
import logging
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import User
from accounts.roles import RoleName
from bulletins.documents.pdf import docx_to_pdf, soffice
from bulletins.documents.word import render_docx
from bulletins.documents.xlsx import render_xlsx
from bulletins.models import Bulletin, BulletinKind
from bulletins.selectors import bulletins as bulletin_selectors
from bulletins.selectors.figures import LightRule, bulletin_figures, range_label
from bulletins.services import BulletinError, bulletin_create
from dispatch.models import PeriodStatus, ReportingPeriod
from tasks.selectors import default_policy, policy_choices

from .pages import BenchError, _get, _p95, _user

# LibreOffice takes seconds a conversion: at most this many runs.
PDF_RUNS = 3
MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
TRIVIAL = "/bench/trivial/"

Month = tuple[int, int]


@dataclass
class Step:
    name: str
    runs: int
    median_ms: float
    p95_ms: float
    queries: int | None = None
    ratio: float | None = None  # the page's, to the trivial view


@dataclass
class Result:
    database: str
    policy: str
    label: str
    repeat: int
    steps: list[Step]
    tasks: int
    departments: int
    pdf_pages: int | None
    pdf_skipped: str
    sizes: dict[str, int]  # bytes of each document


def month_parse(value: str, option: str) -> Month:
    found = MONTH.match(value.strip())
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise BenchError(f"{option}“{value}”不是年月,应写作 2025-07 的形式。")
    return int(found.group(1)), int(found.group(2))


def last_whole_quarter(periods) -> tuple[Month, Month] | None:
    """The latest calendar quarter whose three months all have a period,
    none of them still open (a quarter being reported is not whole)."""
    closed = {(p.year, p.month) for p in periods if p.status == PeriodStatus.CLOSED}
    quarters = sorted({(y, (m - 1) // 3) for y, m in closed}, reverse=True)
    for year, quarter in quarters:
        months = [(year, 3 * quarter + i) for i in (1, 2, 3)]
        if all(m in closed for m in months):
            return months[0], months[-1]
    return None


def _kind(first: Month, last: Month) -> BulletinKind:
    months = (last[0] - first[0]) * 12 + last[1] - first[1] + 1
    kind = BulletinKind.objects.filter(months=months).order_by("name").first()
    return kind or BulletinKind.objects.order_by("-months", "name").first()


def _timed(function: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    value = function()
    return (time.perf_counter() - started) * 1000, value


def _step(name: str, samples: list[float], **extra) -> Step:
    return Step(name, len(samples), statistics.median(samples), _p95(samples), **extra)


def _check_tables() -> None:
    if Bulletin._meta.db_table not in connection.introspection.table_names():
        raise BenchError(
            "库中没有通报的数据表(bulletins 的迁移未执行):请先运行 "
            "manage.py migrate,或换一个已迁移的数据库。"
        )


def bulletin_measure(
    *,
    repeat: int,
    today: datetime.date,
    first: Month | None = None,
    last: Month | None = None,
) -> Result:
    if repeat < 1:
        raise BenchError("--repeat 须至少为 1。")
    if (first is None) != (last is None):
        raise BenchError("--from 与 --to 须同时给出。")
    _check_tables()
    policy = default_policy(policy_choices(), today)
    if policy is None:
        raise BenchError("库中没有政策文件:请先写入基准数据或演示数据。")
    if first is None:
        span = last_whole_quarter(ReportingPeriod.objects.all())
        if span is None:
            raise BenchError(
                "数据中没有三个月都已截止的季度:请用 --from、--to 指定月份。"
            )
        first, last = span
    kind = _kind(first, last)
    if kind is None:
        raise BenchError("库中没有通报类型:请先运行 manage.py migrate。")
    reviewer = _user(RoleName.REVIEWER)
    rule = LightRule(yellow_below=kind.yellow_below, stale_months=kind.stale_months)
    previous = bulletin_selectors.previous_figures(
        bulletin=None, policy=policy, kind=kind, last=last
    )

    def figures_now() -> dict:
        return bulletin_figures(
            policy=policy,
            first=first,
            last=last,
            today=today,
            rule=rule,
            previous=previous,
        )

    def create() -> Bulletin:
        return bulletin_create(
            policy=policy,
            kind=kind,
            first=first,
            last=last,
            today=today,
            actor=reviewer,
        )

    steps = []
    # (a) the figures: once to count the queries (and warm up), then timed.
    with CaptureQueriesContext(connection) as captured:
        figures_now()
    samples = [_timed(figures_now)[0] for _ in range(repeat)]
    steps.append(_step("bulletin_figures", samples, queries=len(captured)))

    # (b) the create, rolled back; the first run keeps what the documents
    # are rendered from, as the render job reads them.
    samples, queries = [], 0
    figures = text = None
    for run in range(repeat + 1):
        with transaction.atomic():
            with CaptureQueriesContext(connection) as captured:
                elapsed, bulletin = _timed(create)
            if run == 0:
                queries = len(captured)
                figures = bulletin.versions.get().figures
                text = bulletin_selectors.bulletin_text(bulletin, on=today)
            else:
                samples.append(elapsed)
            transaction.set_rollback(True)
    steps.append(_step("bulletin_create (rolled back)", samples, queries=queries))

    # (c)–(e) the documents.
    samples = []
    for _ in range(repeat):
        elapsed, docx = _timed(lambda: render_docx(figures, text))
        samples.append(elapsed)
    steps.append(_step("render_docx", samples))
    sizes = {"docx": len(docx)}
    pdf_pages, pdf_skipped = None, ""
    if soffice() is None:
        pdf_skipped = "未安装 LibreOffice(soffice),未测 PDF。"
    else:
        samples = []
        for _ in range(min(repeat, PDF_RUNS)):
            elapsed, pdf = _timed(lambda: docx_to_pdf(docx))
            samples.append(elapsed)
        steps.append(_step("docx_to_pdf (LibreOffice)", samples))
        pdf_pages = len(PdfReader(io.BytesIO(pdf)).pages)
        sizes["pdf"] = len(pdf)
    samples = []
    for _ in range(repeat):
        elapsed, xlsx = _timed(lambda: render_xlsx(figures, text))
        samples.append(elapsed)
    steps.append(_step("render_xlsx", samples))
    sizes["xlsx"] = len(xlsx)

    # (f) the page.
    steps.append(_page(create, reviewer, repeat))
    return Result(
        database=str(connection.settings_dict["NAME"]),
        policy=policy.number,
        label=range_label(first, last),
        repeat=repeat,
        steps=steps,
        tasks=len(figures["tasks"]),
        departments=len(figures["departments"]),
        pdf_pages=pdf_pages,
        pdf_skipped=pdf_skipped,
        sizes=sizes,
    )


def _page(create: Callable[[], Bulletin], reviewer: User, repeat: int) -> Step:
    """The bulletin's page, alternating with the trivial view, all in one
    transaction rolled back afterwards."""
    # django-axes logs every forced sign-in; the table is the output.
    logging.getLogger("axes").setLevel(logging.WARNING)
    with (
        override_settings(
            ROOT_URLCONF="portal.bench.urls",
            DEBUG=False,
            ALLOWED_HOSTS=["testserver", *settings.ALLOWED_HOSTS],
        ),
        transaction.atomic(),
    ):
        # Demo accounts must choose a password first; rolled back below.
        User.objects.filter(pk=reviewer.pk).update(
            must_change_password=False, password_changed_at=timezone.now()
        )
        url = create().get_absolute_url()
        client = Client()
        client.force_login(reviewer)
        with CaptureQueriesContext(connection) as captured:
            _get(client, url)
        # Counted now: the next request empties the connection's query log
        # (request_started), which the captured queries are a view of.
        queries = len(captured)
        _get(client, TRIVIAL)
        samples, trivial = [], []
        for _ in range(repeat):
            samples.append(_get(client, url))
            trivial.append(_get(client, TRIVIAL))
        transaction.set_rollback(True)
    median = statistics.median(samples)
    return _step(
        "bulletin page",
        samples,
        queries=queries,
        ratio=median / statistics.median(trivial),
    )


def bulletin_print(
    *,
    repeat: int,
    out,
    today: datetime.date | None = None,
    first: Month | None = None,
    last: Month | None = None,
) -> Result:
    try:
        result = bulletin_measure(
            repeat=repeat,
            today=today or timezone.localdate(),
            first=first,
            last=last,
        )
    except BulletinError as exc:
        raise BenchError(str(exc)) from exc
    out.write(
        f"通报生成与渲染({result.database},{result.policy},{result.label},"
        f"{result.tasks} 项任务、{result.departments} 个部门;每步 {repeat} 次,"
        f"PDF {min(repeat, PDF_RUNS)} 次)"
    )
    out.write("| step | runs | median ms | p95 ms | queries | ratio to trivial |")
    out.write("|---|---:|---:|---:|---:|---:|")
    for s in result.steps:
        queries = "–" if s.queries is None else str(s.queries)
        ratio = "–" if s.ratio is None else f"{s.ratio:.1f}×"
        out.write(
            f"| {s.name} | {s.runs} | {s.median_ms:.1f} | {s.p95_ms:.1f} "
            f"| {queries} | {ratio} |"
        )
    sizes = ",".join(f"{k} {v / 1024:.0f} KB" for k, v in result.sizes.items())
    if result.pdf_pages is not None:
        out.write(f"PDF 共 {result.pdf_pages} 页;文件大小:{sizes}。")
    else:
        out.write(f"{result.pdf_skipped}文件大小:{sizes}。")
    return result
