"""The half-year supervision as people click it: the reviewer draws up a
round and notifies it, records a problem for 贵溪市; the department writes
its plan, reports progress with evidence and asks for sign-off; the
reviewer signs it off, and later, looking again (回头看), reopens it with
a reason; the department finds it reopened with its whole history."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import login

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DESCRIPTION = "新型学徒制培训进度滞后,上半年完成年度任务不足三成。"
REOPEN_REASON = "回头看发现三季度培训班次未按计划开展,进度再次滞后。"


@pytest.fixture
def covered(transactional_db, users, settings, tmp_path):
    """A policy with one task, as the reviewer finds it in the round form."""
    from tests.factories import PolicyFactory, TaskFactory

    settings.MEDIA_ROOT = tmp_path
    policy = PolicyFactory(number="鹰办发〔2022〕22号", title="技能鹰潭建设实施意见")
    return TaskFactory(
        key_task__policy=policy,
        number=1,
        requirement="大力推行企业新型学徒制,到2025年培训学徒1000人。",
    )


def logout(page):
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()


def open_supervision(page):
    page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="督导整改"
    ).click()
    expect(page.get_by_role("heading", name="问题清单")).to_be_visible()


def form_of(page, button):
    """The form a button of the problem page submits."""
    return page.locator("form").filter(
        has=page.get_by_role("button", name=button, exact=True)
    )


def section(page, title):
    return page.locator("section").filter(
        has=page.get_by_role("heading", name=title, exact=True)
    )


def expect_state(page, label):
    expect(page.get_by_role("heading", level=1).locator(".badge")).to_have_text(label)


def test_problem_goes_from_finding_to_sign_off_and_back_through_a_second_look(
    page, covered, tmp_path
):
    evidence = tmp_path / "学徒制培训签到表.pdf"
    evidence.write_bytes(PDF)
    today = timezone.localdate()
    deadline = today + datetime.timedelta(days=60)

    # The reviewer draws up the round's plan and tells the departments.
    login(page, "reviewer")
    open_supervision(page)
    page.get_by_role("link", name="督导轮次").click()
    page.get_by_role("link", name="制定督导方案").click()
    page.get_by_label("政策文件").select_option(label=str(covered.policy))
    page.get_by_label("名称").fill("2025年上半年督导")
    page.get_by_label("年份").fill("2025")
    page.get_by_label("半年").select_option(label="上半年")
    page.get_by_label("开始日期").fill(today.isoformat())
    page.get_by_label("结束日期").fill(
        (today + datetime.timedelta(days=20)).isoformat()
    )
    page.get_by_label("组长").select_option(label="reviewer")
    page.get_by_label("督导组成员").fill("李明\n周婷")
    page.get_by_label("督导方案").fill("督导技能人才培养任务落实情况。")
    page.get_by_label("贵溪市人民政府", exact=True).check()
    page.get_by_label("督导任务").select_option(index=0)
    page.get_by_role("button", name="保存督导方案").click()
    expect(page.locator(".messages")).to_contain_text("已制定督导方案")
    expect(page.get_by_role("heading", name="2025年上半年督导")).to_be_visible()
    page.get_by_role("button", name="通知督导单位").click()
    expect(page.locator(".messages")).to_contain_text("已通知各督导单位")
    expect(page.get_by_role("button", name="通知督导单位")).to_have_count(0)

    # It records the problem found at 贵溪市.
    page.get_by_role("link", name="登记问题").click()
    page.get_by_label("责任单位").select_option(label="贵溪市人民政府")
    page.get_by_label("问题类别").select_option(label="进度滞后")
    page.get_by_label("问题表现").fill(DESCRIPTION)
    page.get_by_label("1. 大力推行企业新型学徒制").check()
    page.get_by_label("整改要求").fill("制定倒排计划,三季度末完成年度任务的75%。")
    page.get_by_label("整改类型").select_option(label="限期整改")
    page.get_by_label("整改时限").fill(deadline.isoformat())
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已登记问题1")
    expect_state(page, "待制定方案")
    problem_url = page.url
    logout(page)

    # The department finds it in its list and writes its plan.
    login(page, "reporter")
    open_supervision(page)
    row = page.locator("tr", has_text=DESCRIPTION)
    expect(row).to_contain_text("待制定方案")
    expect(row).to_contain_text(f"{deadline:%Y-%m-%d}")
    row.get_by_role("link", name=DESCRIPTION[:20]).click()
    expect_state(page, "待制定方案")
    page.get_by_label("责任人").fill("贵溪市人社局 王军")
    page.get_by_label("整改措施").fill("与3家龙头企业签订培训协议,按月倒排开班计划。")
    page.get_by_role("button", name="提交整改方案").click()
    expect(page.locator(".messages")).to_contain_text("已保存整改方案")
    expect_state(page, "整改中")
    expect(page.locator("dl")).to_contain_text("贵溪市人社局 王军")

    # It reports progress with its evidence, then asks for sign-off.
    page.get_by_label("进展情况").fill("已新开学徒制培训班2期,培训学徒180人。")
    form_of(page, "填报进展").locator("input[type=file]").set_input_files(str(evidence))
    page.get_by_role("button", name="填报进展").click()
    expect(page.locator(".messages")).to_contain_text("已填报整改进展")
    progress = section(page, "整改进展")
    expect(progress).to_contain_text("已新开学徒制培训班2期")
    expect(progress.get_by_role("link", name="学徒制培训签到表.pdf")).to_be_visible()
    form_of(page, "申请销号").locator("textarea").fill("已完成年度任务的78%。")
    page.get_by_role("button", name="申请销号").click()
    expect(page.locator(".messages")).to_contain_text("已申请销号")
    expect_state(page, "待销号")
    # Nothing left for the department to do while the reviewer decides.
    expect(page.get_by_role("button", name="申请销号")).to_have_count(0)
    logout(page)

    # The reviewer checks the evidence and signs it off.
    login(page, "reviewer")
    page.goto(problem_url)
    expect_state(page, "待销号")
    expect(page.get_by_role("link", name="学徒制培训签到表.pdf")).to_be_visible()
    page.get_by_role("button", name="销号", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已销号")
    expect_state(page, "已销号")
    expect(page.locator("dt", has_text="销号")).to_have_count(1)

    # Later, looking again, it finds the problem back and reopens it.
    reopen = form_of(page, "回头看:重新整改")
    reopen.locator("textarea").fill(REOPEN_REASON)
    reopen.get_by_role("button", name="回头看:重新整改").click()
    expect(page.locator(".messages")).to_contain_text("已回头看:重新整改")
    expect_state(page, "重新整改")
    logout(page)

    # The department sees it reopened, why, and everything before.
    login(page, "reporter")
    open_supervision(page)
    expect(page.locator("tr", has_text=DESCRIPTION)).to_contain_text("重新整改")
    page.locator("tr", has_text=DESCRIPTION).get_by_role(
        "link", name=DESCRIPTION[:20]
    ).click()
    expect_state(page, "重新整改")
    history = section(page, "流转记录").locator("tbody tr")
    expect(history).to_have_count(4)
    expect(history.nth(0)).to_contain_text("待制定方案 → 整改中")
    expect(history.nth(1)).to_contain_text("整改中 → 待销号")
    expect(history.nth(2)).to_contain_text("待销号 → 已销号")
    expect(history.nth(3)).to_contain_text("已销号 → 重新整改")
    expect(history.nth(3)).to_contain_text(REOPEN_REASON)
    expect(section(page, "整改进展")).to_contain_text("已新开学徒制培训班2期")
    # Reopened, it is rectified again: progress and a new request.
    expect(page.get_by_role("button", name="填报进展")).to_be_visible()
    expect(page.get_by_role("button", name="申请销号")).to_be_visible()
