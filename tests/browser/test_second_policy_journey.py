"""Issue 15's end-to-end: a second policy, imported from the admin out of
its document, is tracked as the first one is. Its tasks reach the
departments its notes name (and no other), a report on it is filed and
approved, its targets stand on its own public page, and nothing of the
first policy changes."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login

NUMBER = "鹰人社发〔2026〕7号"
DOCUMENT = """鹰潭市家政服务提质扩容工作方案
一、工作目标
到2026年底,全市培训家政服务人员3000人次以上,培育家政服务示范企业10家。
二、重点任务
1.开展家政技能培训。依托职业院校和培训机构开展订单式、定向式家政技能培训。
牵头单位:贵溪市人民政府
责任单位:市商务局
2.推进家政服务标准化。制定家政服务地方标准,推行家政服务合同示范文本。(市市场监管局牵头,市商务局按职责分工负责)
"""


@pytest.fixture
def loaded(transactional_db, users, settings, tmp_path):
    """The first policy with this month open, and its figures before the
    second one comes."""
    from django.utils import timezone

    from dispatch.models import ProgressReport
    from dispatch.services import period_open
    from targets.models import Target
    from tests.conftest import import_annex_file, import_policy_text

    settings.MEDIA_ROOT = tmp_path
    import_policy_text()
    import_annex_file()
    today = timezone.localdate()
    period = period_open(
        year=today.year, month=today.month, deadline=today + datetime.timedelta(7)
    )
    return {
        "period": period,
        "reports": sorted(
            ProgressReport.objects.values_list("pk", "task_id", "department_id")
        ),
        "targets": sorted(Target.objects.values_list("pk", "value", "review_status")),
    }


def logout(page):
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()


def first_policy_rows():
    from tasks.models import KeyTaskAssignment, Policy, Responsibility, Task

    first = Policy.objects.get(number="鹰办发〔2022〕22号")
    return (
        sorted(Task.objects.filter(policy=first).values_list("pk", "requirement")),
        sorted(
            Responsibility.objects.filter(task__policy=first).values_list(
                "task_id", "department_id", "role"
            )
        ),
        sorted(
            KeyTaskAssignment.objects.filter(key_task__policy=first).values_list(
                "key_task_id", "department_id", "role"
            )
        ),
    )


def test_a_second_policy_imported_from_the_admin_is_tracked_end_to_end(
    page, loaded, tmp_path
):
    from dispatch.models import ProgressReport, ReportState
    from targets.models import Target
    from tasks.models import Policy

    before = first_policy_rows()
    first_public = page.context.new_page()
    first_public.goto(page.base_url + "/public/")
    first_public_text = first_public.locator("main").inner_text()
    first_public.close()

    # The administrator imports it: upload, preview, confirm.
    document = tmp_path / "家政方案.txt"
    document.write_text(DOCUMENT, encoding="utf-8")
    login(page, "sysadmin")
    page.goto(page.base_url + "/admin/tasks/policy/")
    page.get_by_role("link", name="从正文导入新政策").click()
    page.get_by_label("政策正文").set_input_files(str(document))
    page.get_by_label("文号").fill(NUMBER)
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#planned-key-tasks")).to_contain_text("贵溪市人民政府")
    expect(page.locator("#planned-targets")).to_contain_text("培训家政服务人员")
    assert not Policy.objects.filter(number=NUMBER).exists()
    page.get_by_label("在公众页公开").check()
    page.get_by_label("目标直接确认").check()
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".messagelist")).to_contain_text("已导入政策")
    expect(page.locator(".messagelist")).to_contain_text("再次开放本月")
    second = Policy.objects.get(number=NUMBER)
    page.context.clear_cookies()  # out of the admin

    # The reviewer opens the month again: the new tasks get their drafts.
    login(page, "reviewer")
    page.goto(page.base_url + "/dispatch/periods/")
    period = loaded["period"]
    page.get_by_label("年份").fill(str(period.year))
    page.get_by_label("月份").fill(str(period.month))
    page.get_by_role("button", name="开放").click()
    expect(page.locator(".messages")).to_contain_text("已开放")
    drafts = ProgressReport.objects.filter(task__policy=second, period=period)
    assert sorted(drafts.values_list("department__name", flat=True)) == sorted(
        ["贵溪市人民政府", "市商务局", "市市场监管局", "市商务局"]
    )
    logout(page)

    # 贵溪 finds the new task among its own, labelled with its policy.
    login(page, "reporter")
    row = page.locator("tr", has_text="开展家政技能培训")
    expect(row).to_contain_text(NUMBER)
    row.get_by_role("link", name="填写").click()
    page.get_by_label("本月进展").fill("本月开展家政订单式培训 2 期,培训 120 人次。")
    page.get_by_label("进度判断").select_option(label="正常推进")
    page.get_by_label("完成度(%)").fill("20")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".messages")).to_contain_text("已保存")
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.locator(".heading-row .badge").first).to_have_text("已报送")
    report_url = page.url
    logout(page)

    # A department the document does not name does not see it.
    login(page, "other")
    expect(page.locator("main")).not_to_contain_text("开展家政技能培训")
    page.goto(report_url)
    expect(page.locator("main")).not_to_contain_text("家政订单式培训")
    logout(page)

    # The reviewer approves it from the queue, filtered to the new policy.
    login(page, "reviewer")
    page.goto(page.base_url + f"/dispatch/review/?policy={second.pk}")
    page.locator("tr", has_text="贵溪市人民政府").get_by_role(
        "link", name="审核"
    ).click()
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator(".heading-row .badge").first).to_have_text("已审核")
    logout(page)
    report = ProgressReport.objects.get(
        task__policy=second, department__name="贵溪市人民政府", period=period
    )
    assert report.state == ReportState.APPROVED

    # Its targets stand on its own public page; the first's page is as it was.
    page.goto(page.base_url + f"/public/policies/{second.pk}/")
    expect(page.locator("main")).to_contain_text("培训家政服务人员")
    expect(page.locator("main")).to_contain_text("3000")
    page.goto(page.base_url + "/public/")
    expect(page.locator("main")).not_to_contain_text("培训家政服务人员")
    links = page.get_by_role("navigation", name="政策文件")
    expect(links).to_contain_text(NUMBER)
    assert (
        page.locator("main").inner_text().split("\n")[0]
        == first_public_text.split("\n")[0]
    )

    # Nothing of the first policy changed: its plan, reports and targets.
    assert first_policy_rows() == before
    first_reports = ProgressReport.objects.exclude(task__policy=second)
    assert (
        sorted(first_reports.values_list("pk", "task_id", "department_id"))
        == loaded["reports"]
    )
    assert not first_reports.exclude(state=ReportState.DRAFT).exists()
    assert (
        sorted(
            Target.objects.exclude(policy=second).values_list(
                "pk", "value", "review_status"
            )
        )
        == loaded["targets"]
    )
