"""The monthly loop as people click it: write, attach, submit, return,
fix, resubmit, approve, and the dashboard shows it."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def loaded(transactional_db, users, settings, tmp_path):
    import datetime

    from django.utils import timezone

    from dispatch.services import period_open
    from tests.conftest import import_annex_file, import_policy_text

    settings.MEDIA_ROOT = tmp_path
    import_policy_text()
    import_annex_file()
    today = timezone.localdate()
    return period_open(
        year=today.year,
        month=today.month,
        deadline=today + datetime.timedelta(days=7),
    )


def logout(page):
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()


def test_report_goes_round_the_whole_loop(page, loaded, tmp_path):
    evidence = tmp_path / "培训签到表.pdf"
    evidence.write_bytes(PDF)

    # The reporter finds task 1 among this period's tasks and writes it.
    login(page, "reporter")
    expect(page.get_by_role("heading", name=f"本期任务 · {loaded}")).to_be_visible()
    row = page.locator("tr", has_text="以建设先进铜产业学院为契机")
    row.get_by_role("link", name="填写").click()
    page.get_by_label("本月进展").fill("本月组织铜加工技能培训 3 场,培训 260 人次。")
    page.get_by_label("进度判断").select_option(label="正常推进")
    page.get_by_label("完成度(%)").fill("40")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".messages")).to_contain_text("已保存")
    page.get_by_label("上传文件").set_input_files(str(evidence))
    page.get_by_role("button", name="上传", exact=True).click()
    expect(page.locator("#evidence")).to_contain_text("培训签到表.pdf")
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已提交")
    expect(page.locator(".heading-row .badge").first).to_have_text("已报送")
    report_url = page.url
    logout(page)

    # The reviewer returns it with a reason.
    login(page, "reviewer")
    page.goto(page.base_url + "/dispatch/review/")
    page.locator("tr", has_text="贵溪市人民政府").get_by_role(
        "link", name="审核"
    ).click()
    page.get_by_label("退回修改理由").fill("请补充培训人次的统计口径。")
    page.get_by_role("button", name="退回修改").click()
    expect(page.locator(".messages")).to_contain_text("已退回修改")
    logout(page)

    # The reporter sees why, fixes it and submits again.
    login(page, "reporter")
    page.goto(report_url)
    expect(page.locator(".return-note")).to_contain_text("请补充培训人次的统计口径。")
    page.get_by_role("link", name="填写 / 修改").click()
    page.get_by_label("本月进展").fill(
        "本月组织铜加工技能培训 3 场,培训 260 人次(口径:实名制培训系统结业人数)。"
    )
    page.get_by_role("button", name="保存并提交").click()
    expect(page.locator(".heading-row .badge").first).to_have_text("已报送")
    logout(page)

    # The reviewer approves; the history shows every step.
    login(page, "reviewer")
    page.goto(report_url)
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator(".heading-row .badge").first).to_have_text("已审核")
    expect(page.locator(".history li")).to_have_count(4)

    # The dashboard counts it: one report approved, none waiting.
    page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="调度看板"
    ).click()
    approved = page.locator(".dash-stat", has_text="已审核")
    expect(approved.locator(".dash-stat-value")).to_have_text("1")
    expect(approved.locator(".dash-stat-note")).to_have_text("待审核 0")
    guixi = page.locator("tr", has_text="贵溪市人民政府").first
    expect(guixi).to_contain_text("4.8%")
