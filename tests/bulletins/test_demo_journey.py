"""Issue 11's "Done when" on the demo, through the pages as people click
them: the reviewer drafts the 2025 Q3 bulletin from the create form, edits
its words, sets 发文字号 and 抄送, issues it and downloads the .docx, .pdf
and .xlsx; a department finds it in its list with its own lines
highlighted; its numbers are the dashboard's for the same months; editing
a report of the quarter leaves the issued bulletin as it was, and
regenerating lists what changed.

The clock stands after the policy (10 January 2026), as in
test_figures's demo test, so the demo holds July to September 2025
closed. The documents need LibreOffice and poppler: the ``tools`` fixture
of test_documents skips that test without them (fails with
REQUIRE_DOCUMENT_TOOLS=1).
"""

import datetime
import io
import re
from collections import Counter
from urllib.parse import quote
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from accounts.models import User
from accounts.services import password_changed
from bulletins.models import Bulletin, BulletinKind, RenderJob, RenderStatus
from dispatch.models import ProgressReport, ReportingPeriod, ReportState
from dispatch.selectors.dashboard import department_progress, period_counts
from tasks.models import Department, Policy, Role
from tests.bulletins.test_documents import tools  # noqa: F401 - the skip fixture

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 1, 10, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
NUMBER = "鹰技能办〔2025〕3号"
COPY_TO = "市委办公室,市政府办公室,市人大常委会办公室。"
OVERVIEW = (
    "一、总体情况\n\n三季度,各责任单位按照月调度要求报送进展,"
    "多数任务按序时推进。(演示编辑)"
)
Q3 = (7, 8, 9)


@pytest.fixture
def demo(settings, tmp_path):
    """The demo as ``setup_portal --demo`` makes it after the policy, its
    reviewer and 贵溪市's reporter past their first sign-in."""
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(TODAY, tick=False):
        call_command("setup_portal", demo=True, stdout=io.StringIO())
        for username in ("reviewer", "reporter"):
            password_changed(user=User.objects.get(username=username))
        yield {
            "policy": Policy.objects.get(number="鹰办发〔2022〕22号"),
            "reviewer": User.objects.get(username="reviewer"),
            "reporter": User.objects.get(username="reporter"),
            "periods": {p.month: p for p in ReportingPeriod.objects.filter(year=2025)},
        }


def detail_url(bulletin):
    return reverse("bulletins:bulletin-detail", args=[bulletin.pk])


def action_url(bulletin, action):
    return reverse("bulletins:bulletin-action", args=[bulletin.pk, action])


def document_of(response) -> str:
    """The bulletin itself on its page, without the page's frame (whose
    CSRF token changes with each sign-in)."""
    html = response.content.decode()
    start = html.index('<article class="card bul-document">')
    return html[start : html.index("</article>", start)]


def draft_edit_and_issue(client, demo) -> Bulletin:
    """The reviewer's steps on the pages, from the create form to 签发."""
    client.force_login(demo["reviewer"])
    create = reverse("bulletins:bulletin-create")
    form = client.get(create)
    assert form.status_code == 200
    assert ("2025-Q3", "2025年第三季度") in form.context["form"].fields[
        "quarter"
    ].choices
    response = client.post(
        create,
        {
            "policy": demo["policy"].pk,
            "kind": BulletinKind.objects.get(name="季度通报").pk,
            "quarter": "2025-Q3",
        },
    )
    bulletin = Bulletin.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(bulletin)
    page = client.get(detail_url(bulletin))
    assert page.status_code == 200
    assert "2025年第三季度" in bulletin.title
    assert bulletin.title in page.content.decode()

    edit = reverse("bulletins:bulletin-edit", args=[bulletin.pk])
    form = client.get(edit).context["form"]
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(number=NUMBER, copy_to=COPY_TO, overview=OVERVIEW)
    response = client.post(edit, data)
    assert response.status_code == 302, response.context["form"].errors
    html = client.get(detail_url(bulletin)).content.decode()
    assert NUMBER in html and "(演示编辑)" in html and COPY_TO in html

    response = client.post(action_url(bulletin, "issue"), follow=True)
    assert "通报已签发" in response.content.decode()
    bulletin.refresh_from_db()
    assert bulletin.state == "issued"
    return bulletin


def test_the_demo_q3_bulletin_is_issued_read_frozen_and_regenerated(client, demo):
    bulletin = draft_edit_and_issue(client, demo)
    (version,) = bulletin.versions.all()
    figures = version.figures
    assert version.text["number"] == NUMBER
    assert version.text["copy_to"] == COPY_TO
    assert figures["range"]["label"] == "2025年第三季度"
    assert len(figures["tasks"]) == 40
    # The demo's quarter lights like a real one (portal/demo.py's paces).
    lights = Counter(t["light"] for t in figures["tasks"])
    assert lights["green"] > 25 and 2 <= lights["red"] <= 3

    # Its numbers are the dashboard's, month by month, as the reviewer
    # sees them on the dashboard page and as its selectors count them.
    policy, periods = demo["policy"], demo["periods"]
    sums = Counter()
    per_department = Counter()
    for month, row in zip(Q3, figures["months"], strict=True):
        period = periods[month]
        page = client.get(reverse("dispatch:dashboard"), {"period": period.pk})
        assert page.status_code == 200
        shown = page.context["months"][month - 1]
        assert (row["month"], row["due"], row["reported"]) == (
            month,
            shown.expected,
            shown.reported,
        )
        counts = period_counts(period, policy)
        assert page.context["counts"] == counts
        sums.update(due=counts.expected, on_time=counts.on_time, late=counts.late)
        for line in department_progress(period, policy):
            per_department[(line.department_id, "due")] += line.expected
            per_department[(line.department_id, "on_time")] += line.on_time
            per_department[(line.department_id, "late")] += line.late
    discipline = figures["discipline"]
    assert {key: discipline[key] for key in sums} == dict(sums)
    assert discipline["due"] == sum(m["due"] for m in figures["months"]) > 0
    for row in figures["departments"]:
        for key in ("due", "on_time", "late"):
            assert row[key] == per_department[(row["id"], key)], (row["name"], key)

    # 贵溪市 finds it in its list and reads it with its own lines marked.
    reporter = demo["reporter"]
    guixi = reporter.department
    client.force_login(reporter)
    listed = client.get(reverse("bulletins:bulletin-list"))
    assert list(listed.context["bulletins"]) == [bulletin]
    page = client.get(detail_url(bulletin))
    assert page.status_code == 200
    html = page.content.decode()
    marked = page.context["figures"]
    mine = [t["number"] for t in marked["tasks"] if t["mine"]]
    assert mine == [
        t["number"]
        for t in figures["tasks"]
        if guixi.pk in t["lead_ids"] + t["cooperating_ids"]
    ]
    assert 0 < len(mine) < 40
    assert [d["name"] for d in marked["departments"] if d["mine"]] == [guixi.name]
    assert re.search(
        r'<tr class="mine"><td class="num">\d+</td><td>贵溪市人民政府</td>', html
    )
    assert html.count('<tr class="mine">') >= len(mine) + 1
    assert bulletin.deliveries.get(department=guixi).read_at is not None
    shown_before = document_of(page)

    # The reviewer sends back (重新开放) both summer reports of a task on
    # pace with one lead: it has no approved report for two months now.
    client.force_login(demo["reviewer"])
    task = next(
        t
        for t in figures["tasks"]
        if t["light"] == "green"
        and len(t["lead_ids"]) == 1
        and Department.objects.get(pk=t["lead_ids"][0]).kind != "group"
    )
    reopened = ProgressReport.objects.filter(
        task_id=task["id"],
        role=Role.LEAD,
        period__in=[periods[8], periods[9]],
        state=ReportState.APPROVED,
    )
    assert reopened.count() == 2
    for report in reopened:
        response = client.post(
            reverse("dispatch:report-move", args=[report.pk, "reopen"]),
            {"reason": "佐证材料与进展不符,请核实后重报。"},
        )
        assert response.status_code == 302
    assert not ProgressReport.objects.filter(
        task_id=task["id"], role=Role.LEAD, period__month__in=(8, 9)
    ).exclude(state=ReportState.RETURNED)
    # The dashboard moved...
    assert period_counts(periods[9], policy).on_time < sums["on_time"]
    # ...the issued bulletin did not: its page and stored figures are the
    # same as before.
    version.refresh_from_db()
    assert version.figures == figures
    client.force_login(reporter)
    assert document_of(client.get(detail_url(bulletin))) == shown_before

    # Regenerating makes version 2, which names what changed.
    client.force_login(demo["reviewer"])
    response = client.post(action_url(bulletin, "regenerate"), follow=True)
    assert "已重新生成第2版" in response.content.decode()
    second = bulletin.versions.get(number=2)
    changed = {c["task_number"]: c for c in second.changes["lights"]}
    assert changed[task["number"]]["before"] == "按序时推进"
    assert changed[task["number"]]["after"] == "严重滞后"
    labels = {c["label"] for c in second.changes["counts"]}
    assert labels >= {"严重滞后", "按序时推进"}
    html = client.get(detail_url(bulletin)).content.decode()
    assert f"第{task['number']}项亮灯:按序时推进 → 严重滞后" in html
    # The department still reads the issued version 1.
    client.force_login(reporter)
    assert document_of(client.get(detail_url(bulletin))) == shown_before


@pytest.mark.usefixtures("tools")
def test_the_issued_demo_bulletin_downloads_as_word_pdf_and_excel(
    client, demo, django_capture_on_commit_callbacks
):
    bulletin = draft_edit_and_issue(client, demo)
    title = bulletin.versions.get().text["title"]
    # Without QUEUE_URL the job runs in this process once the request's
    # transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action_url(bulletin, "render"), follow=True)
    assert "已开始生成" in response.content.decode()
    job = RenderJob.objects.get()
    assert (job.status, job.progress) == (RenderStatus.DONE, 100), job.message
    fragment = client.get(reverse("bulletins:render-job", args=[job.pk]))
    downloads = {}
    for kind in ("docx", "pdf", "xlsx"):
        url = reverse("bulletins:document-download", args=[job.pk, kind])
        assert url in fragment.content.decode()
        response = client.get(url)
        assert response.status_code == 200
        name = quote(f"{NUMBER}(第1版).{kind}")
        assert response["Content-Disposition"].endswith(f"filename*=utf-8''{name}")
        downloads[kind] = b"".join(response.streaming_content)

    document = Document(io.BytesIO(downloads["docx"]))
    paragraphs = [p.text.strip() for p in document.paragraphs]
    assert NUMBER in paragraphs
    assert title in paragraphs
    # The 版记 closes the document: a table of 抄送 and 印发 lines.
    record = [cell.text for row in document.tables[-1].rows for cell in row.cells]
    assert record[0] == f"抄送:{COPY_TO}"
    assert record[-1].endswith("印发")

    pdf = PdfReader(io.BytesIO(downloads["pdf"]))
    assert len(pdf.pages) > 1
    for page in pdf.pages:
        assert (
            round(float(page.mediabox.width)),
            round(float(page.mediabox.height)),
        ) == (
            595,
            842,
        )  # A4, 210 × 297 mm in points
    first_page = re.sub(r"\s+", "", pdf.pages[0].extract_text())
    assert title in first_page
    assert NUMBER in first_page

    book = openpyxl.load_workbook(io.BytesIO(downloads["xlsx"]))
    sheet = book["重点任务推进情况"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 40
    assert [row[0] for row in rows] == list(range(1, 41))
