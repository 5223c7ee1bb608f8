"""Entering an application: what each kind requires, the formats, the
dates in order, the area and who may enter for it, the key-chain flag
from the registry on the day of filing, and the number."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from incentives.models import Application, IndustryChain, KeyEnterprise
from incentives.services.applications import ApplicationError, application_create
from tests.incentives.apps_support import TODAY, area, enter
from tests.incentives.conftest import ID_LI, employment_data

pytestmark = pytest.mark.django_db
D = datetime.date
CODE = "91360681MA35XXXX0A"


@pytest.fixture
def users(incentive_defaults, incentive_users):
    return incentive_users


def errors_of(users, **overrides) -> dict:
    with pytest.raises(ApplicationError) as caught:
        enter(users, **overrides)
    assert not Application.objects.exists()
    return caught.value.errors


def key_enterprise(listed_from=None, listed_to=None):
    return KeyEnterprise.objects.create(
        name="江西铜业股份有限公司贵溪冶炼厂",
        credit_code=CODE,
        chain=IndustryChain.objects.get(name="铜基新材料"),
        listed_from=listed_from or D(2024, 1, 1),
        listed_to=listed_to,
    )


def test_valid_entry_stores_masked_encrypted_and_computed_values(users):
    application = enter(users)
    assert application.number == "JL2025-000001"
    assert application.state == "draft"
    assert application.area == area()
    assert application.finance.name == "贵溪市财政"
    assert application.id_number_masked == "3606**********1233"
    assert application.phone_masked == "138****1234"
    assert application.card_masked == "6217***********0123"
    assert "360602199003071233" not in application.id_number_encrypted
    assert application.rule.kind == "employment"
    assert application.amount == Decimal(2000)
    assert application.created_by == users["clerk"]
    assert application.source == "single"


def test_numbers_follow_the_year_of_filing(users):
    first = enter(users)
    second = enter(users, id_number=ID_LI, certificate_number="S2")
    older = enter(
        users,
        kind="upskill",
        contract_start=D(2023, 3, 1),
        filed_on=D(2024, 12, 30),
        insurance_first_month=D(2024, 6, 1),
        certificate_date=D(2024, 5, 10),
        certificate_number="S3",
    )
    assert [first.number, second.number, older.number] == [
        "JL2025-000001",
        "JL2025-000002",
        "JL2024-000001",
    ]


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("name", "姓名"),
        ("id_number", "身份证号"),
        ("phone", "手机号"),
        ("card_number", "社保卡/银行卡号"),
        ("certificate_number", "证书编号"),
        ("certificate_kind", "证书类别"),
        ("occupation", "职业(工种)"),
        ("certificate_date", "发证日期"),
        ("employer_name", "用人单位"),
        ("employer_credit_code", "统一社会信用代码"),
        ("contract_start", "劳动合同起始"),
        ("insurance_first_month", "首次在鹰参保月份"),
        ("insurance_months", "在鹰连续缴纳社保月数"),
        ("filed_on", "申请日期"),
    ],
)
def test_employment_requires_each_of_its_facts(users, field, label):
    assert errors_of(users, **{field: None}) == {field: [f"请填写{label}。"]}


def test_startup_requires_the_licence(users):
    errors = errors_of(users, kind="startup", licence_number="", licence_date=None)
    assert errors == {
        "licence_number": ["请填写营业执照号。"],
        "licence_date": ["请填写营业执照登记日期。"],
    }


def test_competition_requires_the_competition_and_prize(users):
    errors = errors_of(users, kind="competition", level="gold")
    assert errors == {
        "competition": ["请填写赛事名称。"],
        "competition_grade": ["请填写赛事级别。"],
        "prize_amount": ["请填写赛事奖金(元)。"],
    }


def test_enterprise_award_needs_no_id_number(users):
    application = enter(
        users,
        kind="training_centre",
        level="",
        name="江西某企业职工培训中心",
        id_number="",
        phone="",
    )
    assert application.id_number_hash == ""
    assert application.amount is None
    assert application.needs_manual_review is True


def test_enterprise_award_name_message(users):
    errors = errors_of(users, kind="training_centre", level="", name="", id_number="")
    assert errors == {"name": ["请填写单位名称。"]}


@pytest.mark.parametrize(
    ("kind", "level", "message"),
    [
        ("employment", "gold", "就业奖励的等级应为"),
        ("competition", "2", "技能竞赛选手奖励的等级应为金牌、银牌、铜牌之一。"),
        ("grand", "1", "中华技能大奖奖励不分等级。"),
    ],
)
def test_level_must_fit_the_kind(users, kind, level, message):
    errors = errors_of(
        users,
        kind=kind,
        level=level,
        competition="第十六届中华技能大奖",
        competition_grade="国家级一类",
        prize_amount=Decimal(100),
    )
    assert list(errors) == ["level"]
    assert errors["level"][0].startswith(message)


def test_unknown_kind_is_refused(users):
    assert errors_of(users, kind="bonus") == {"kind": ["请选择奖励类别。"]}


@pytest.mark.parametrize(
    ("id_number", "message"),
    [
        ("360602199003071234", "身份证号校验码(末位)不正确,请核对。"),
        ("36060219900307123", "身份证号应为18位,当前为17位。"),
        ("360602199002301233", "出生日期"),
    ],
)
def test_id_number_is_checked(users, id_number, message):
    errors = errors_of(users, id_number=id_number)
    assert list(errors) == ["id_number"]
    assert message in errors["id_number"][0]


@pytest.mark.parametrize("phone", ["1380000123", "23800001234", "138000012345", "电话"])
def test_phone_must_be_eleven_digits_starting_with_one(users, phone):
    assert errors_of(users, phone=phone) == {"phone": ["手机号应为以1开头的11位数字。"]}


def test_phone_typed_full_width_or_with_spaces_is_accepted(users):
    application = enter(users, phone="１３８ ００００-１２３４")
    assert application.phone_masked == "138****1234"


def test_card_must_be_digits(users):
    assert errors_of(users, card_number="6217-ABCD") == {
        "card_number": ["社保卡/银行卡号应为12至32位数字。"]
    }


def test_contract_end_must_follow_its_start(users):
    errors = errors_of(users, contract_start=D(2024, 6, 1), contract_end=D(2024, 6, 1))
    assert errors == {
        "contract_end": ["劳动合同终止日期2024-06-01应晚于起始日期2024-06-01。"]
    }


def test_certificate_cannot_be_dated_after_the_filing(users):
    errors = errors_of(users, certificate_date=D(2025, 1, 7))
    assert errors == {
        "certificate_date": ["发证日期2025-01-07晚于申请日期2025-01-06。"]
    }


def test_filing_cannot_be_in_the_future(users):
    errors = errors_of(users, filed_on=TODAY + datetime.timedelta(days=1))
    assert errors == {"filed_on": ["申请日期2025-01-11晚于今天(2025-01-10)。"]}


def test_unreadable_date_and_months_name_their_field(users):
    errors = errors_of(users, contract_start="2024-13-01", insurance_months="六")
    assert errors["contract_start"] == ["劳动合同起始“2024-13-01”不是有效日期。"]
    assert errors["insurance_months"] == ["在鹰连续缴纳社保月数应为不小于0的整数。"]


def test_dates_given_as_text_are_read(users):
    application = enter(users, contract_start="2024-06-01", insurance_months="6")
    assert application.contract_start == D(2024, 6, 1)
    assert application.insurance_months == 6


def test_every_problem_is_reported_at_once(users):
    errors = errors_of(users, name="", phone="1", contract_end=D(2024, 1, 1))
    assert set(errors) == {"name", "phone", "contract_end"}


def test_insurance_month_is_kept_as_its_first_day(users):
    application = enter(users, insurance_first_month=D(2024, 6, 17))
    assert application.insurance_first_month == D(2024, 6, 1)


# Areas and who enters -----------------------------------------------------------


def test_clerk_cannot_enter_for_another_area(users):
    errors = errors_of(users, area_name="余江区人民政府")
    assert errors == {"area": ["您不能录入余江区人民政府的奖励申请。"]}


def test_only_the_city_clerk_enters_city_applications(users):
    assert errors_of(users, area_name=None) == {
        "area": ["只有市人社局的激励经办员可以录入市本级的奖励申请。"]
    }
    application = enter(users, actor="city_clerk", area_name=None)
    assert (application.area, application.finance.name) == (None, "市本级财政")


def test_city_clerk_enters_for_any_area(users):
    application = enter(users, actor="city_clerk", area_name="余江区人民政府")
    assert application.finance.name == "余江区财政"


def test_area_without_a_finance_is_refused(users):
    errors = errors_of(users, actor="city_clerk", area_name="市人社局")
    assert errors == {"area": ["“市人社局”不是设有财政的区(市)。"]}


@pytest.mark.parametrize("who", ["reviewer", "reporter", "sysadmin"])
def test_only_clerks_enter_applications(users, who):
    with pytest.raises(PermissionDenied):
        enter(users, actor=who)


def test_grand_award_is_borne_by_the_provincial_fund(users):
    application = enter(
        users, kind="grand", level="", competition="第十六届中华技能大奖"
    )
    assert application.finance.name == "省就业补助资金"
    assert application.area == area()


# The key-chain registry -------------------------------------------------------------


def test_worker_of_a_listed_key_enterprise_gets_the_uplift(users):
    enterprise = key_enterprise()
    application = enter(users)
    assert application.key_enterprise == enterprise
    assert application.amount == Decimal(2200)


def test_credit_code_typed_lower_case_still_matches(users):
    key_enterprise()
    assert enter(users, employer_credit_code=CODE.lower()).amount == Decimal(2200)


@pytest.mark.parametrize(
    ("listed_from", "listed_to"),
    [(D(2025, 1, 7), None), (D(2023, 1, 1), D(2025, 1, 5))],
)
def test_enterprise_not_listed_on_the_day_of_filing_gets_none(
    users, listed_from, listed_to
):
    key_enterprise(listed_from, listed_to)
    application = enter(users)
    assert application.key_enterprise is None
    assert application.amount == Decimal(2000)


def test_startup_worker_of_a_key_enterprise_gets_no_uplift(users):
    key_enterprise()
    application = enter(
        users,
        kind="startup",
        licence_number="92360681MA3XXXXX1B",
        licence_date=D(2024, 7, 6),
    )
    assert application.key_enterprise is not None
    assert application.amount == Decimal(6000)


def test_amount_in_the_data_is_ignored(users):
    data = employment_data(amount=Decimal(50000), rule=None, state="paid")
    application = application_create(
        data=data, area=area(), actor=users["clerk"], today=TODAY
    )
    assert (application.amount, application.state) == (Decimal(2000), "draft")


def test_batch_source_is_recorded(users):
    application = application_create(
        data=employment_data(),
        area=area(),
        actor=users["clerk"],
        today=TODAY,
        source="batch",
    )
    assert application.source == "batch"
