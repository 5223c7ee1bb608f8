"""One 就业奖励 as people click it, from entry to payment: the 贵溪市 clerk
enters it (the amount computed, the ID number masked), submits it, records
the certificate's verification and passes the 初审; the 人社局 reviewer
passes the 复审 and publishes it for 5 working days, the public page
showing the name and ID number masked; after the 公示 the reviewer closes
it (the application 已通过), puts it in a payment batch of 贵溪市财政,
exports the bank's file with a reason and imports the bank's results; the
application ends 已发放 and the ledger shows the amount paid.

The clock is the 公示's: a Monday at 10:00, then the Monday after, past its
5 working days (the sessions of the first week have expired by then)."""

import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.incentives.conftest import (  # noqa: F401 (fixtures)
    ID_ZHANG,
    employment_data,
    incentive_defaults,
    incentive_users,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime.datetime(2025, 6, 16, 10, tzinfo=SHANGHAI)
# The 公示's 5 working days end on Friday 20 June; the Monday after.
NEXT_MONDAY = datetime.datetime(2025, 6, 23, 10, tzinfo=SHANGHAI)
MASKED_ID = ID_ZHANG[:4] + "*" * 10 + ID_ZHANG[-4:]
BANK_REASON = "交中国建设银行鹰潭分行代发"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY, tick=True) as traveller:
        yield traveller


@pytest.fixture
def office(transactional_db, clock, incentive_defaults, incentive_users):  # noqa: F811
    """What an administrator keeps: the defaults (rules, finances), the
    users and 贵溪市财政's budget for the year."""
    from incentives.models import Budget, Finance

    Budget.objects.create(
        finance=Finance.objects.get(name="贵溪市财政"),
        year=2025,
        amount=Decimal("100000"),
    )
    return incentive_users


def logout(page):
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()


def open_incentives(page):
    page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="激励奖励"
    ).click()
    expect(page.get_by_role("heading", name="奖励申请")).to_be_visible()


def open_section(page, name):
    """A page of the incentives' own navigation."""
    page.get_by_role("navigation", name="激励奖励").get_by_role(
        "link", name=name, exact=True
    ).click()


def expect_state(page, label):
    expect(page.locator(".heading-row [class*=inc-app-state-]")).to_have_text(label)


def expect_message(page, text):
    expect(page.locator(".messages")).to_contain_text(text)


def expect_no_full_id(page):
    assert ID_ZHANG not in page.content()


def condition(page, name):
    return page.locator(".inc-app-conditions li", has_text=name)


def test_an_employment_award_goes_from_entry_to_payment(page, browser, office, clock):
    facts = employment_data()

    # The 贵溪市 clerk enters the application.
    login(page, "clerk")
    open_incentives(page)
    page.get_by_role("link", name="录入申请").click()
    expect(page.get_by_role("heading", name="录入奖励申请")).to_be_visible()
    page.get_by_label("奖励类别").select_option(label="就业奖励")
    # The form asks again for the award's own groups: no business licence.
    expect(page.get_by_label("营业执照号")).to_have_count(0)
    page.get_by_label("等级", exact=True).select_option(label="技师(二级)")
    expect(page.get_by_label("申请日期")).to_have_value("2025-06-16")
    page.get_by_label("姓名/单位名称").fill(facts["name"])
    page.get_by_label("身份证号").fill(facts["id_number"])
    page.get_by_label("手机号").fill(facts["phone"])
    page.get_by_label("社保卡/银行卡号").fill(facts["card_number"])
    page.get_by_label("开户银行").fill(facts["card_bank"])
    page.get_by_label("证书类别").select_option(label="职业技能等级证书")
    page.get_by_label("证书编号").fill(facts["certificate_number"])
    page.get_by_label("职业(工种)").fill(facts["occupation"])
    page.get_by_label("发证日期").fill(facts["certificate_date"].isoformat())
    page.get_by_label("用人单位", exact=True).fill(facts["employer_name"])
    page.get_by_label("统一社会信用代码").fill(facts["employer_credit_code"])
    page.get_by_label("劳动合同起始").fill(facts["contract_start"].isoformat())
    page.get_by_label("劳动合同终止").fill(facts["contract_end"].isoformat())
    page.get_by_label("首次在鹰参保月份").fill(
        f"{facts['insurance_first_month']:%Y-%m}"
    )
    page.get_by_label("在鹰连续缴纳社保月数").fill(str(facts["insurance_months"]))
    page.get_by_role("button", name="录入", exact=True).click()

    from incentives.models import Application

    expect_message(page, "已录入申请")
    application = Application.objects.get()
    number = application.number
    expect_message(page, f"已录入申请{number}")
    expect_state(page, "待提交")
    expect(page.locator(".inc-app-figure")).to_have_text("2000 元")
    expect(page.locator(f"#personal-id_number-{application.pk}")).to_contain_text(
        MASKED_ID
    )
    expect_no_full_id(page)
    # The certificate is not verified yet: the 复审 would refuse it.
    expect(condition(page, "证书核验")).to_contain_text("待核验")
    expect(condition(page, "劳动合同1年以上")).to_contain_text("符合")
    expect(condition(page, "首次在鹰连续缴纳社保3个月以上")).to_contain_text("符合")

    page.get_by_role("button", name="提交初审").click()
    expect_message(page, "已提交初审")
    expect_state(page, "待初审")

    # It records the national certificate system's answer, then passes it.
    page.get_by_text("记录核验结果").click()
    page.get_by_label("核验事项").select_option(label="证书核验")
    page.get_by_label("核验结果", exact=True).select_option(label="一致")
    page.get_by_label("数据来源").fill("全国职业资格证书查询系统")
    expect(page.get_by_label("核验日期")).to_have_value("2025-06-16")
    page.get_by_role("button", name="记录", exact=True).click()
    expect_message(page, "已记录核验结果")
    expect(condition(page, "证书核验")).to_contain_text("符合")
    expect(page.locator("tr", has_text="全国职业资格证书查询系统")).to_contain_text(
        "一致"
    )
    page.get_by_role("button", name="初审通过").click()
    expect_message(page, "已初审通过")
    expect_state(page, "待复审")
    # The 复审 is not the clerk's.
    expect(page.get_by_role("button", name="复审通过")).to_have_count(0)
    logout(page)

    # The reviewer passes the 复审 and publishes the 公示 from today.
    login(page, "ireviewer")
    open_incentives(page)
    page.get_by_role("link", name=number).click()
    expect_state(page, "待复审")
    expect(page.locator(".inc-app-figure")).to_have_text("2000 元")
    expect_no_full_id(page)
    page.get_by_role("button", name="复审通过").click()
    expect_message(page, "已复审通过")
    expect_state(page, "待公示")

    open_section(page, "公示")
    expect(page.get_by_role("heading", name="奖励公示")).to_be_visible()
    page.get_by_role("link", name="发布公示").click()
    ready = page.locator("#ready-list tbody tr", has_text=number)
    expect(ready).to_contain_text("张*")
    expect(ready).to_contain_text(MASKED_ID)
    expect(ready.get_by_role("checkbox")).to_be_checked()
    page.get_by_label("公示开始日期").fill("2025-06-16")
    expect(page.get_by_label("公示工作日数")).to_have_value("5")
    page.get_by_label("异议受理").fill("市人社局职业能力建设科 0701-6200000")
    page.get_by_role("button", name="发布公示").click()
    expect_message(page, "已发布公示")
    expect(page.locator("#pub-progress")).to_contain_text(
        "2025年6月16日 至 2025年6月20日(5个工作日)"
    )
    expect(page.locator("#pub-progress")).to_contain_text("剩余5个工作日")
    listed = page.locator("#pub-list tbody tr", has_text=number)
    expect(listed).to_contain_text("张*")
    expect(listed).to_contain_text(MASKED_ID)
    expect(listed).to_contain_text("公示中")
    expect_no_full_id(page)
    publicity_url = page.url

    # Anyone reads the list on the public page, masked.
    public = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    try:
        anonymous = public.new_page()
        anonymous.goto(page.base_url + "/public/incentives/")
        row = anonymous.locator("#public-publicity-list tbody tr").first
        expect(row).to_contain_text("公示中")
        row.get_by_role("link").click()
        person = anonymous.locator("#pub-list tbody tr")
        expect(person).to_have_count(1)
        expect(person).to_contain_text("张*")
        expect(person).to_contain_text(MASKED_ID)
        expect(person).to_contain_text("技师(二级)")
        expect(person).to_contain_text("2,000")
        content = anonymous.content()
        assert ID_ZHANG not in content
        assert "张三" not in content
        assert number not in content
    finally:
        public.close()
    logout(page)

    # The Monday after: the 公示's 5 working days are over.
    clock.move_to(NEXT_MONDAY)
    login(page, "ireviewer")
    page.goto(publicity_url)
    expect(page.locator("#pub-progress")).to_contain_text("公示期已满")
    page.get_by_role("button", name="结束公示").click()
    expect_message(page, "公示已结束,无异议的申请已通过")
    expect(page.locator("#pub-list tbody tr", has_text=number)).to_contain_text(
        "已通过"
    )
    expect(page.get_by_role("button", name="结束公示")).to_have_count(0)
    open_incentives(page)
    page.get_by_role("link", name=number).click()
    expect_state(page, "已通过")
    expect(page.locator(".inc-app-amount")).to_contain_text("贵溪市财政:2000 元")

    # It pays it in a batch of 贵溪市财政 for June.
    open_section(page, "发放批次")
    expect(page.get_by_role("heading", name="奖励发放批次")).to_be_visible()
    expect(page.locator(".pay-payable tr", has_text="贵溪市财政")).to_contain_text(
        "2,000.00"
    )
    page.get_by_label("负担财政").select_option(label="贵溪市财政")
    expect(page.get_by_label("发放月份")).to_have_value("2025-06")
    page.get_by_role("button", name="创建批次").click()
    expect_message(page, "1笔,合计2,000.00元")
    line = page.locator("tbody tr", has_text=number)
    expect(line).to_contain_text("张*")
    expect(line).to_contain_text("6217***********0123")
    expect(line).to_contain_text("2,000.00")
    expect(line).to_contain_text("待发放")
    assert facts["card_number"] not in page.content()

    page.get_by_label("导出银行发放文件(含完整姓名和卡号)的理由").fill(BANK_REASON)
    with page.expect_download() as download:
        page.get_by_role("button", name="导出银行发放文件").click()
    assert download.value.suggested_filename == (
        "银行发放文件-贵溪市财政-202506-第1批.xlsx"
    )
    # The saved download has no extension, which openpyxl wants: its bytes.
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "序号",
        "申请编号",
        "姓名",
        "社保卡/银行卡号",
        "开户银行",
        "金额",
        "摘要",
    )
    assert rows[1][:6] == (
        1,
        number,
        "张三",
        facts["card_number"],
        "中国建设银行鹰潭分行",
        2000,
    )
    assert len(rows) == 2
    # The bank's file carries the card, never the ID number.
    assert ID_ZHANG not in str(rows)

    # The bank's results come back: paid on the 23rd.
    page.reload()
    expect(page.locator(".pay-facts")).to_contain_text("已导出")
    page.get_by_role("link", name="导入银行回盘结果").click()
    expect(page.get_by_role("heading", name="导入发放结果")).to_be_visible()
    book = Workbook()
    results = book.active
    results.append(["申请编号", "金额", "结果", "失败原因", "日期"])
    results.append([number, 2000, "成功", None, datetime.date(2025, 6, 23)])
    buffer = io.BytesIO()
    book.save(buffer)
    page.locator("#id_file").set_input_files(
        files=[{"name": "回盘结果.xlsx", "mimeType": XLSX, "buffer": buffer.getvalue()}]
    )
    page.get_by_role("button", name="导入", exact=True).click()
    expect_message(page, "已导入发放结果:成功1笔,失败0笔")
    expect(page.locator(".pay-facts")).to_contain_text("已发放 1 笔(2,000.00 元)")
    line = page.locator("tbody tr", has_text=number)
    expect(line).to_contain_text("已发放")
    expect(line).to_contain_text("2025-06-23")

    line.get_by_role("link", name=number).click()
    expect_state(page, "已发放")
    expect(page.locator("ol.history")).to_contain_text("发放到账")

    open_section(page, "资金台账")
    expect(page.get_by_role("heading", name="奖励资金台账 · 2025年")).to_be_visible()
    guixi = page.locator(".pay-ledger tbody tr", has_text="贵溪市财政")
    expect(guixi.locator("[data-label='年度预算(元)']")).to_have_text("100,000.00")
    expect(guixi.locator("[data-label='已发放(元)']")).to_have_text("2,000.00")
    expect(guixi.locator("[data-label='已承诺(元)']")).to_have_text("0.00")
    expect(guixi.locator("[data-label='剩余(元)']")).to_have_text("98,000.00")
