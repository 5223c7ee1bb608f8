"""The exports of other systems imported to check many applications at
once: each matched row recorded as a fact check with its source and date,
the rows that match nothing reported, a malformed row refusing the whole
file."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from incentives.models import FactCheck
from incentives.services.imports import SheetError, fact_template, facts_import
from tests.incentives.apps_support import enter
from tests.incentives.conftest import ID_LI, ID_ZHANG
from tests.incentives.sheets import with_check_digit, workbook

pytestmark = pytest.mark.django_db

CHECKED_ON = datetime.date(2025, 1, 15)
CERTIFICATE_SOURCE = "全国职业资格证书查询系统"
INSURANCE_SOURCE = "鹰潭市社会保险信息系统"


@pytest.fixture
def users(incentive_defaults, incentive_users):
    return incentive_users


@pytest.fixture
def zhang(users):
    return enter(users)  # 就业奖励, 技师(二级), S000036060000123, 2024-06 ×6


@pytest.fixture
def li(users):
    return enter(
        users,
        name="李四",
        id_number=ID_LI,
        certificate_number="S000036060000456",
        level="3",
        insurance_months=4,
    )


def run(users, data, fact, actor="reviewer", source=None):
    return facts_import(
        data=data,
        file_name="导出.xlsx",
        fact=fact,
        source=source
        or (CERTIFICATE_SOURCE if fact == "certificate" else INSURANCE_SOURCE),
        checked_on=CHECKED_ON,
        actor=users[actor],
    )


def test_certificate_export_is_recorded_with_source_and_date(users, zhang, li):
    rows = [
        # Found, as the application says: confirmed by its presence.
        {"证书编号": "S000036060000123", "姓名": "张三", "证书等级": "技师"},
        # Found, at another level than the application's.
        {"证书编号": "s0000-3606-0000-456", "姓名": "李四", "证书等级": "二级"},
        {"证书编号": "S999999999", "姓名": "赵六", "证书等级": "三级"},
    ]
    data = workbook(rows, title_rows=["证书查询结果导出"])
    result = run(users, data, "certificate")

    assert result["checked"] == 2
    assert result["confirmed"] == 1
    assert result["mismatch"] == 1
    assert result["unmatched"] == [
        {"row": 5, "reason": "没有证书编号为“S999999999”的奖励申请"}
    ]
    zhang_check = FactCheck.objects.get(application=zhang)
    assert zhang_check.fact == "certificate"
    assert zhang_check.result == "confirmed"
    assert zhang_check.source == CERTIFICATE_SOURCE
    assert zhang_check.checked_on == CHECKED_ON
    assert zhang_check.recorded_by == users["reviewer"]
    li_check = FactCheck.objects.get(application=li)
    assert li_check.result == "mismatch"
    assert li_check.detail == "证书等级为技师(二级),申请为高级工(三级)"


def test_certificate_result_column_is_read(users, zhang, li):
    rows = [
        {"证书编号": "S000036060000123", "核验结果": "查无记录"},
        {"证书编号": "S000036060000456", "核验结果": "一致"},
    ]
    result = run(users, workbook(rows), "certificate")
    assert result["checked"] == 2
    assert FactCheck.objects.get(application=zhang).result == "not_found"
    assert FactCheck.objects.get(application=li).result == "confirmed"


def test_insurance_export_records_the_months_and_judges_them(users, zhang, li):
    stranger = with_check_digit("36060219850512003")
    rows = [
        {"身份证号": ID_ZHANG, "首次参保月份": "2024-06", "连续缴费月数": 8},
        # 李四 declared 4 months from 2024-06; the system has 2024-07.
        {"身份证号": ID_LI, "首次参保月份": "202407", "连续缴费月数": "3"},
        {"身份证号": stranger, "首次参保月份": "2024-01", "连续缴费月数": 12},
    ]
    result = run(users, workbook(rows), "insurance")

    assert result["checked"] == 2
    assert result["unmatched"] == [
        {"row": 4, "reason": "没有身份证号为 3606**********" + stranger[-4:] + " 的奖励申请"}
    ]
    zhang_check = FactCheck.objects.get(application=zhang)
    assert zhang_check.fact == "insurance"
    assert zhang_check.result == "confirmed"
    assert zhang_check.source == INSURANCE_SOURCE
    assert zhang_check.checked_on == CHECKED_ON
    assert zhang_check.insurance_first_month == datetime.date(2024, 6, 1)
    assert zhang_check.insurance_months == 8
    li_check = FactCheck.objects.get(application=li)
    assert li_check.result == "mismatch"
    assert li_check.detail == (
        "首次参保月份为2024-07,申请为2024-06;连续缴费3个月,少于申请的4个月"
    )
    assert li_check.insurance_months == 3


def test_a_malformed_row_refuses_the_whole_file(users, zhang, li):
    rows = [
        {"身份证号": ID_ZHANG, "首次参保月份": "2024-06", "连续缴费月数": 8},
        {"身份证号": ID_LI[:-1] + "9", "首次参保月份": "2024-13", "连续缴费月数": "x"},
        {"身份证号": "", "首次参保月份": "", "连续缴费月数": 5},
    ]
    with pytest.raises(SheetError) as caught:
        run(users, workbook(rows), "insurance")
    errors = caught.value.errors
    assert "第3行“身份证号”列:校验码不正确。" in errors
    assert "第3行“首次参保月份”列:“2024-13”不是年月(如 2024-06)。" in errors
    assert "第3行“连续缴费月数”列:“x”不是月数(填整数,如 6)。" in errors
    assert "第4行“身份证号”列:身份证号为空。" in errors
    assert "第4行“首次参保月份”列:首次参保月份为空。" in errors
    assert not any(e.startswith("第2行") for e in errors)
    assert FactCheck.objects.count() == 0


def test_missing_columns_and_blank_source_are_refused(users, zhang):
    data = workbook([{"身份证号": ID_ZHANG, "姓名": "张三"}])
    with pytest.raises(SheetError) as caught:
        run(users, data, "insurance")
    assert caught.value.errors == [
        "工作表“申报表”第1行的表头缺少“首次参保月份”、“连续缴费月数”列。"
    ]
    with pytest.raises(SheetError) as caught:
        run(users, data, "insurance", source="  ")
    assert caught.value.errors == ["请填写数据来源(如 全国职业资格证书查询系统)。"]
    assert FactCheck.objects.count() == 0


def test_repeated_rows_are_reported_not_recorded_twice(users, zhang):
    rows = [{"证书编号": "S000036060000123"}, {"证书编号": "S000036060000123"}]
    result = run(users, workbook(rows, header=["证书编号", "姓名"]), "certificate")
    assert result["checked"] == 1
    assert result["unmatched"] == [{"row": 3, "reason": "与第2行重复,未重复记录"}]


def test_clerk_checks_only_the_applications_of_their_area(users, zhang):
    data = workbook([{"证书编号": "S000036060000123", "姓名": "张三"}])
    result = run(users, data, "certificate", actor="clerk_other")
    assert result["checked"] == 0
    assert result["unmatched"] == [
        {"row": 2, "reason": "没有证书编号为“S000036060000123”的奖励申请"}
    ]
    # The city's clerk sees it, but checks only those borne by 市本级.
    result = run(users, data, "certificate", actor="city_clerk")
    assert result["checked"] == 0
    assert "贵溪市人民政府" in result["unmatched"][0]["reason"]
    assert FactCheck.objects.count() == 0
    result = run(users, data, "certificate", actor="clerk")
    assert result["checked"] == 1


def test_reporter_may_not_import_facts(users, zhang):
    data = workbook([{"证书编号": "S000036060000123", "姓名": "张三"}])
    with pytest.raises(PermissionDenied):
        run(users, data, "certificate", actor="reporter")


def test_templates_name_the_columns(users):
    import io

    from openpyxl import load_workbook

    for fact, header in (
        ("certificate", ["证书编号", "姓名", "证书等级", "发证日期", "核验结果"]),
        ("insurance", ["身份证号", "姓名", "首次参保月份", "连续缴费月数"]),
    ):
        book = load_workbook(io.BytesIO(fact_template(fact)))
        assert [c.value for c in book.worksheets[0][1]] == header
        assert book.worksheets[1].title == "填表说明"
