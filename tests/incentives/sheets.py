"""Spreadsheets for the import tests (H5), built as offices send them:
title rows above the header, columns in any order, numbers and dates as
text or as Excel keeps them."""

import io

from openpyxl import Workbook

from tests.incentives.conftest import ID_LI, ID_ZHANG

# The employer's sheet's columns in the template's order.
APPLICATION_HEADER = [
    "姓名",
    "身份证号",
    "手机号",
    "社保卡号",
    "开户银行",
    "奖励类别",
    "证书编号",
    "证书类别",
    "职业(工种)",
    "证书等级",
    "发证日期",
    "用人单位",
    "统一社会信用代码",
    "劳动合同起始",
    "劳动合同终止",
    "首次在鹰参保月份",
    "连续缴费月数",
    "应届毕业生",
    "营业执照号",
    "营业执照登记日期",
    "备注",
]
EMPLOYER = "江西铜业股份有限公司贵溪冶炼厂"
EMPLOYER_CODE = "91360681MA35XXXX0A"


def worker(**overrides) -> dict:
    """One row of an employer's sheet (a valid 就业奖励, 技师/二级), by
    header label; dates as text, as a person types them."""
    row = {
        "姓名": "张三",
        "身份证号": ID_ZHANG,
        "手机号": "13800001234",
        "社保卡号": "6217001234567890123",
        "开户银行": "中国建设银行鹰潭分行",
        "奖励类别": "就业奖励",
        "证书编号": "S000036060000123",
        "证书类别": "职业技能等级证书",
        "职业(工种)": "电工",
        "证书等级": "技师/二级",
        "发证日期": "2024-05-10",
        "用人单位": EMPLOYER,
        "统一社会信用代码": EMPLOYER_CODE,
        "劳动合同起始": "2024-06-01",
        "劳动合同终止": "2027-05-31",
        "首次在鹰参保月份": "2024-06",
        "连续缴费月数": "6",
        "应届毕业生": "否",
        "营业执照号": "",
        "营业执照登记日期": "",
        "备注": "",
    }
    row.update(overrides)
    return row


def second_worker(**overrides) -> dict:
    return worker(
        **{
            "姓名": "李四",
            "身份证号": ID_LI,
            "手机号": "13900005678",
            "社保卡号": "6217009876543210987",
            "证书编号": "S000036060000456",
            "证书等级": "高级工",
            **overrides,
        }
    )


def workbook(rows: list[dict], *, header=None, title_rows=(), sheet="申报表") -> bytes:
    """An xlsx whose header (``header`` or the rows' keys) is preceded by
    ``title_rows``; each row's cells under their label's column."""
    header = list(header or rows[0].keys())
    book = Workbook()
    ws = book.active
    ws.title = sheet
    for title in title_rows:
        ws.append(list(title) if isinstance(title, list | tuple) else [title])
    ws.append(header)
    for row in rows:
        ws.append([row.get(label) for label in header])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_check_digit(first17: str) -> str:
    """An ID number (GB 11643) of the 17 digits given."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]
