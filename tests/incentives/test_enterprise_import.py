"""The key industry-chain registry from Excel: the 统一社会信用代码 checked
(GB 32100 check character), chains and 区(市) known, upserted by code, and
nothing written on any error."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from incentives.models import KeyEnterprise
from incentives.services.imports import (
    SheetError,
    credit_code_check_char,
    credit_code_problem,
    enterprises_import,
)
from tests.incentives.sheets import workbook

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 3, 1)
# Published codes of real enterprises: their check characters are right.
REAL_CODES = ["91350100M000100Y43", "91110000600037341L", "91310000717866186P"]


def code(first17: str) -> str:
    return first17 + credit_code_check_char(first17)


COPPER = code("91360681MA35A1B2C")
OPTICS = code("91360600MA39K0K0X")
HEADER = ["企业名称", "统一社会信用代码", "产业链", "所在区(市)", "列入日期", "移出日期"]


@pytest.fixture
def users(incentive_defaults, incentive_users):
    return incentive_users


def row(name, credit_code, chain="铜基新材料", area="贵溪市", start="2023-03-01", end=""):
    return dict(
        zip(HEADER, [name, credit_code, chain, area, start, end], strict=True)
    )


def run(users, data, actor="sysadmin"):
    return enterprises_import(
        data=data, file_name="名录.xlsx", actor=users[actor], today=TODAY
    )


@pytest.mark.parametrize("good", REAL_CODES)
def test_real_credit_codes_pass(good):
    assert credit_code_problem(good) is None


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        ("91350100M000100Y44", "统一社会信用代码的校验码(第18位)不正确,请核对"),
        ("91350100M000100Y4", "统一社会信用代码应为18位,“91350100M000100Y4”为17位"),
        ("91350100M000I00Y43", "不能含“I”"),
        ("913501A0M000100Y43", "登记管理部门代码或行政区划码不正确"),
    ],
)
def test_bad_credit_codes_are_refused_with_the_reason(bad, problem):
    assert problem in credit_code_problem(bad)


def test_registry_is_imported_then_upserted_by_code(users):
    data = workbook(
        [
            row("江西铜业股份有限公司贵溪冶炼厂", COPPER),
            row("鹰潭某光电有限公司", OPTICS.lower(), "智能光电", "", "", ""),
        ],
        title_rows=["鹰潭市重点产业链企业名录"],
    )
    assert run(users, data) == {"created": 2, "updated": 0, "unchanged": 0}
    copper = KeyEnterprise.objects.get(credit_code=COPPER)
    assert copper.chain.name == "铜基新材料"
    assert copper.area.name == "贵溪市人民政府"
    assert copper.listed_from == datetime.date(2023, 3, 1)
    optics = KeyEnterprise.objects.get(credit_code=OPTICS)
    assert optics.area is None
    assert optics.listed_from == TODAY  # blank: the day of the import

    again = workbook(
        [
            row("江西铜业股份有限公司贵溪冶炼厂", COPPER, end="2025-02-28"),
            row("鹰潭某光电有限公司", OPTICS, "智能光电", "", "2025-03-01", ""),
            row("鹰潭某电子有限公司", REAL_CODES[0], "电子信息(物联网)", "余江区"),
        ]
    )
    assert run(users, again) == {"created": 1, "updated": 1, "unchanged": 1}
    copper.refresh_from_db()
    assert copper.listed_to == datetime.date(2025, 2, 28)
    assert KeyEnterprise.objects.count() == 3
    records = AuditEvent.objects.filter(action="enterprise.import").order_by("pk")
    assert records.count() == 2
    assert records[1].after["created"] == [REAL_CODES[0]]
    assert records[1].after["updated"] == {
        COPPER: {"listed_to": [None, "2025-02-28"]}
    }


def test_any_error_writes_nothing_and_names_row_and_column(users):
    data = workbook(
        [
            row("好企业", COPPER),  # row 2: good
            row("坏代码", "91350100M000100Y44"),
            row("未知链", OPTICS, chain="人工智能"),
            row("未知区", REAL_CODES[1], area="火星区"),
            row("重复", COPPER),
            row("", REAL_CODES[2], start="2025-01-01", end="2024-12-31"),
        ]
    )
    with pytest.raises(SheetError) as caught:
        run(users, data)
    errors = caught.value.errors
    assert errors[0] == (
        "第3行“统一社会信用代码”列:统一社会信用代码的校验码(第18位)不正确,请核对。"
    )
    assert errors[1].startswith("第4行“产业链”列:产业链“人工智能”不在重点产业链中,应为")
    assert "铜基新材料、电子信息(物联网)、智能光电" in errors[1]
    assert errors[2].startswith("第5行“所在区(市)”列:“火星区”不是区(市),应为")
    assert "贵溪市人民政府" in errors[2]
    assert errors[3] == "第6行“统一社会信用代码”列:与第2行的统一社会信用代码相同。"
    assert errors[4] == "第7行“企业名称”列:企业名称为空。"
    assert errors[5] == "第7行“移出日期”列:移出日期2024-12-31早于列入日期2025-01-01。"
    assert len(errors) == 6
    assert KeyEnterprise.objects.count() == 0
    assert not AuditEvent.objects.filter(action="enterprise.import").exists()


def test_only_who_keeps_the_registry_may_import(users):
    data = workbook([row("好企业", COPPER)])
    for role in ("clerk", "reviewer", "reporter"):
        with pytest.raises(PermissionDenied):
            run(users, data, actor=role)
    assert KeyEnterprise.objects.count() == 0


def test_imported_registry_gives_the_uplift(users):
    from tests.incentives.apps_support import enter

    run(users, workbook([row("江西铜业", COPPER, start="2024-01-01")]))
    application = enter(users, employer_credit_code=COPPER)
    assert application.key_enterprise.credit_code == COPPER
    assert application.amount == 2200
