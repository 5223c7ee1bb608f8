"""The 季通报 as people click it: the reviewer drafts the third quarter of
2025 from the quick choice, rewrites its opening words, gives it its
发文字号 and issues it; a department finds it in its list with its own
lines marked. Then the reviewer has the Word, PDF and Excel files made and
downloads an A4 PDF (needs LibreOffice: skipped without it, unless
REQUIRE_DOCUMENT_TOOLS=1)."""

import io
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import login
from tests.bulletins.conftest import bulletin_data  # noqa: F401 - a fixture
from tests.bulletins.test_documents import tools  # noqa: F401 - a fixture

NUMBER = "鹰技能办〔2025〕3号"
OPENING = "第三季度,各责任单位按月报送进展,甲局第4项连续两个月未报送,特予通报。"
# LibreOffice takes seconds to convert; the page polls every 2 s meanwhile.
RENDER_TIMEOUT = 180_000


@pytest.fixture
def quarter(bulletin_kinds, bulletin_data, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    # No queue: the render job runs in the live server once its request
    # commits, as it does on a portal without a worker.
    settings.QUEUE_URL = ""
    return bulletin_data


def open_bulletins(page):
    page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="通报"
    ).click()
    expect(page.get_by_role("heading", name="通报", exact=True)).to_be_visible()


def logout(page):
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()


def test_reviewer_drafts_and_issues_the_quarter_and_a_department_sees_its_lines(
    page, quarter
):
    login(page, "bulletin-reviewer")
    open_bulletins(page)
    page.get_by_role("link", name="编制通报").click()
    page.get_by_label("通报类型").select_option(label="季度通报")
    page.get_by_label("季度").select_option(label="2025年第三季度")
    page.get_by_role("button", name="生成草稿").click()
    expect(page.locator(".messages")).to_contain_text("已生成通报草稿")
    title = page.get_by_role("heading", level=1)
    expect(title).to_contain_text("2025年第三季度")
    expect(page.locator(".heading-row .badge")).to_have_text("草稿 · 第1版")
    # Without its 发文字号 the draft cannot be issued, and the page says so.
    expect(page.get_by_role("button", name="签发")).to_be_disabled()
    expect(page.locator("#bul-issue-note")).to_have_text("填写发文字号后才能签发。")

    page.get_by_role("link", name="修改文字与发文字号").click()
    page.get_by_label("发文字号").fill(NUMBER)
    page.get_by_label("开头语").fill(OPENING)
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("已保存")
    document = page.locator("article.bul-document")
    expect(document.locator(".bul-number")).to_have_text(NUMBER)
    expect(document).to_contain_text(OPENING)

    page.get_by_role("button", name="签发").click()
    expect(page.locator(".messages")).to_contain_text("通报已签发")
    expect(page.locator(".heading-row .badge")).to_have_text("已签发 · 第1版")
    expect(page.get_by_role("link", name="修改文字与发文字号")).to_have_count(0)
    bulletin_title = title.inner_text()
    logout(page)

    # 甲局 leads tasks 1 and 4 and cooperates on none; task 4 is red.
    login(page, "bulletin-0")
    open_bulletins(page)
    row = page.locator("tr", has_text=bulletin_title)
    expect(row).to_contain_text(NUMBER)
    expect(row.locator(".badge")).to_have_text("未读")
    row.get_by_role("link", name=bulletin_title).click()
    document = page.locator("article.bul-document")
    expect(document).to_contain_text(OPENING)
    mine = document.locator(".bul-departments tr.mine")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("甲局")
    expect(document.locator(".bul-departments tbody tr")).to_have_count(3)
    tasks = document.locator(".bul-tasks tr.mine td:first-child")
    expect(tasks).to_have_text(["1", "4"])
    lagging = document.locator(".bul-lagging li.mine")
    expect(lagging).to_have_count(1)
    expect(lagging).to_contain_text("第4项")
    # The reviewer's tools are not offered to a department.
    expect(page.get_by_role("button", name="签发")).to_have_count(0)
    expect(page.get_by_role("button", name="生成 Word / PDF / Excel")).to_have_count(0)
    open_bulletins(page)
    expect(page.locator("tr", has_text=bulletin_title)).to_contain_text("已读")


def test_reviewer_has_the_files_made_and_downloads_an_a4_pdf(page, quarter, tools):  # noqa: F811
    from bulletins import services
    from bulletins.models import BulletinKind

    reviewer = quarter["reviewer"]
    bulletin = services.bulletin_create(
        policy=quarter["policy"],
        kind=BulletinKind.objects.get(name="季度通报"),
        first=quarter["first"],
        last=quarter["last"],
        today=timezone.localdate(),
        actor=reviewer,
    )
    services.bulletin_update(bulletin=bulletin, data={"number": NUMBER}, actor=reviewer)
    services.bulletin_issue(bulletin=bulletin, now=timezone.now(), actor=reviewer)

    login(page, "bulletin-reviewer")
    open_bulletins(page)
    page.get_by_role("link", name=bulletin.title).click()
    files = page.locator("#render-job")
    expect(files).to_contain_text("还没有生成文件")
    page.get_by_role("button", name="生成 Word / PDF / Excel").click()
    pdf_link = files.get_by_role("link", name="PDF", exact=True)
    expect(pdf_link).to_be_visible(timeout=RENDER_TIMEOUT)
    expect(files).to_contain_text("文件已生成")
    expect(files.get_by_role("link", name="Word(.docx)")).to_be_visible()
    expect(files.get_by_role("link", name="附件表格(.xlsx)")).to_be_visible()

    with page.expect_download() as info:
        pdf_link.click()
    download = info.value
    assert download.suggested_filename == f"{NUMBER}(第1版).pdf"
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2
    for sheet in reader.pages:
        assert float(sheet.mediabox.width) == pytest.approx(595.3, abs=1)
        assert float(sheet.mediabox.height) == pytest.approx(841.9, abs=1)
