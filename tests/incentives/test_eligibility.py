"""Every eligibility condition met and failed, and not yet verified where
the fact waits for another system, each with its reason."""

import datetime
from decimal import Decimal

import pytest

from incentives.eligibility import Condition, add_months, all_met, conditions
from tests.incentives.apps_support import enter, verify

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def users(incentive_defaults, incentive_users):
    return incentive_users


def condition(application, name: str) -> Condition:
    [found] = [c for c in conditions(application) if c.name == name]
    return found


def names(application) -> list[str]:
    return [c.name for c in conditions(application)]


# 就业奖励 ---------------------------------------------------------------------


def test_employment_conditions_are_the_policy_s_four(users):
    application = enter(users)
    assert names(application) == [
        "职业资格证书",
        "证书核验",
        "劳动合同1年以上",
        "首次在鹰连续缴纳社保3个月以上",
    ]


def test_certificate_held_names_kind_level_number_and_date(users):
    application = enter(users)
    found = condition(application, "职业资格证书")
    assert found.met is True
    assert found.reason == (
        "持职业技能等级证书(技师(二级),电工),"
        "证书编号S000036060000123,发证日期2024-05-10。"
    )


def test_certificate_without_accepted_kind_fails(users):
    application = enter(users)
    application.certificate_kind = ""
    found = condition(application, "职业资格证书")
    assert found.met is False
    assert "证书类别" in found.reason


def test_certificate_below_the_item19_levels_fails(users):
    application = enter(users)
    application.level = "gold"
    assert condition(application, "职业资格证书").met is False


def test_unverified_certificate_is_pending(users):
    found = condition(enter(users), "证书核验")
    assert found.met is None
    assert found.reason == "证书尚未在全国职业资格证书查询系统核验。"


def test_confirmed_certificate_is_met(users):
    application = enter(users)
    verify(application, users, checked_on=D(2025, 1, 8))
    found = condition(application, "证书核验")
    assert found.met is True
    assert found.reason == "2025-01-08经全国职业资格证书查询系统核验,证书信息一致。"


@pytest.mark.parametrize(
    ("result", "label"), [("mismatch", "不一致"), ("not_found", "查无记录")]
)
def test_certificate_not_confirmed_fails(users, result, label):
    application = enter(users)
    verify(application, users, result=result, detail="姓名与证书不符")
    found = condition(application, "证书核验")
    assert found.met is False
    assert f"结果为“{label}”:姓名与证书不符" in found.reason


def test_latest_certificate_check_counts(users):
    application = enter(users)
    verify(application, users, result="not_found", checked_on=D(2025, 1, 7))
    verify(application, users, result="confirmed", checked_on=D(2025, 1, 9))
    assert condition(application, "证书核验").met is True
    verify(application, users, result="mismatch", checked_on=D(2025, 1, 10))
    assert condition(application, "证书核验").met is False


def test_contract_of_exactly_one_year_is_met(users):
    application = enter(
        users, contract_start=D(2024, 6, 1), contract_end=D(2025, 5, 31)
    )
    found = condition(application, "劳动合同1年以上")
    assert found.met is True
    assert "2024-06-01至2025-05-31,满1年" in found.reason


def test_contract_shorter_than_a_year_fails(users):
    application = enter(
        users, contract_start=D(2024, 6, 1), contract_end=D(2025, 5, 30)
    )
    found = condition(application, "劳动合同1年以上")
    assert found.met is False
    assert found.reason == "劳动合同2024-06-01至2025-05-30不满1年(须至少到2025-05-31)。"


def test_open_ended_contract_is_met(users):
    application = enter(users, contract_end=None)
    found = condition(application, "劳动合同1年以上")
    assert found.met is True
    assert "无固定期限" in found.reason


def test_contract_without_start_fails(users):
    application = enter(users)
    application.contract_start = None
    assert condition(application, "劳动合同1年以上").met is False


def test_declared_insurance_of_three_months_is_met(users):
    application = enter(users, insurance_first_month=D(2024, 10, 1), insurance_months=3)
    found = condition(application, "首次在鹰连续缴纳社保3个月以上")
    assert found.met is True
    assert found.reason == "申报:自2024年10月起在鹰连续缴纳社保3个月。"


def test_declared_insurance_of_two_months_fails(users):
    application = enter(users, insurance_months=2)
    found = condition(application, "首次在鹰连续缴纳社保3个月以上")
    assert found.met is False
    assert "2个月,不满3个月" in found.reason


def test_insurance_started_too_recently_fails(users):
    # Three months from November are not paid by 6 January.
    application = enter(users, insurance_first_month=D(2024, 11, 1), insurance_months=3)
    found = condition(application, "首次在鹰连续缴纳社保3个月以上")
    assert found.met is False
    assert "至申请日2025-01-06尚不满3个月" in found.reason


def test_insurance_check_counts_over_the_declared_months(users):
    application = enter(users, insurance_months=6)
    verify(
        application,
        users,
        fact="insurance",
        source="江西省社会保险信息系统",
        insurance_first_month=D(2024, 9, 1),
        insurance_months=2,
    )
    found = condition(application, "首次在鹰连续缴纳社保3个月以上")
    assert found.met is False
    assert found.reason.startswith("2025-01-08经江西省社会保险信息系统核验:")
    assert "自2024年9月起在鹰连续缴纳社保2个月" in found.reason


def test_insurance_check_can_meet_what_was_declared_short(users):
    application = enter(users, insurance_months=1)
    verify(application, users, fact="insurance", source="社保系统", insurance_months=5)
    assert condition(application, "首次在鹰连续缴纳社保3个月以上").met is True


def test_insurance_not_found_fails(users):
    application = enter(users)
    verify(application, users, fact="insurance", source="社保系统", result="not_found")
    found = condition(application, "首次在鹰连续缴纳社保3个月以上")
    assert found.met is False
    assert "查无记录" in found.reason


def test_eligible_employment_application_is_all_met_once_verified(users):
    application = enter(users)
    assert all_met(conditions(application)) is False  # unverified
    verify(application, users)
    assert all_met(conditions(application)) is True


# 创业奖励 ---------------------------------------------------------------------


def startup(users, **overrides):
    data = {
        "kind": "startup",
        "employer_name": "",
        "employer_credit_code": "",
        "contract_start": None,
        "contract_end": None,
        "licence_number": "92360681MA3XXXXX1B",
        "licence_date": D(2024, 7, 6),
    }
    data.update(overrides)
    return enter(users, **data)


def test_startup_conditions(users):
    application = startup(users)
    assert names(application) == [
        "职业资格证书",
        "证书核验",
        "营业执照稳定经营6个月以上",
        "首次在鹰连续缴纳社保3个月以上",
    ]


def test_licence_of_six_months_is_met(users):
    found = condition(startup(users), "营业执照稳定经营6个月以上")
    assert found.met is True
    assert found.reason == (
        "营业执照92360681MA3XXXXX1B于2024-07-06登记,至申请日2025-01-06经营满6个月。"
    )


def test_licence_younger_than_six_months_fails(users):
    found = condition(
        startup(users, licence_date=D(2024, 7, 7)), "营业执照稳定经营6个月以上"
    )
    assert found.met is False
    assert "经营不满6个月(2025-01-07起方可申请)" in found.reason


def test_licence_check_not_confirmed_fails(users):
    application = startup(users)
    verify(application, users, fact="licence", source="市场监管系统", result="mismatch")
    assert condition(application, "营业执照稳定经营6个月以上").met is False


def test_startup_insurance_is_required_too(users):
    application = startup(users, insurance_months=2)
    assert condition(application, "首次在鹰连续缴纳社保3个月以上").met is False


# 技能提升奖励 -----------------------------------------------------------------


def upskill(users, **overrides):
    data = {
        "kind": "upskill",
        "contract_start": D(2023, 3, 1),
        "certificate_date": D(2024, 5, 10),
    }
    data.update(overrides)
    return enter(users, **data)


def test_upskill_conditions(users):
    assert names(upskill(users)) == [
        "职业资格证书",
        "证书核验",
        "劳动合同",
        "连续缴纳社保",
        "入职期间取得证书",
    ]


def test_certificate_obtained_while_employed_is_met(users):
    found = condition(upskill(users), "入职期间取得证书")
    assert found.met is True
    assert found.reason == "证书于2024-05-10取得,在劳动合同期内(自2023-03-01起)。"


def test_certificate_obtained_before_the_contract_fails(users):
    found = condition(upskill(users, contract_start=D(2024, 6, 1)), "入职期间取得证书")
    assert found.met is False
    assert "早于劳动合同起始日期2024-06-01" in found.reason


def test_certificate_obtained_after_the_contract_ended_fails(users):
    application = upskill(users, contract_end=D(2024, 2, 29))
    found = condition(application, "入职期间取得证书")
    assert found.met is False
    assert "晚于劳动合同终止日期2024-02-29" in found.reason


def test_upskill_contract_of_any_length_is_met(users):
    application = upskill(users, contract_end=D(2023, 8, 31))
    assert condition(application, "劳动合同").met is True


def test_upskill_without_contract_fails(users):
    application = upskill(users)
    application.contract_start = None
    assert condition(application, "劳动合同").met is False
    assert condition(application, "入职期间取得证书").met is False


def test_upskill_continuous_insurance(users):
    assert condition(upskill(users), "连续缴纳社保").met is True
    application = upskill(
        users, id_number="360681199508150020", certificate_number="X1"
    )
    application.insurance_months = 0
    found = condition(application, "连续缴纳社保")
    assert found.met is False
    assert "0个月" in found.reason


# 技能竞赛 ---------------------------------------------------------------------


def competitor(users, **overrides):
    data = {
        "kind": "competition",
        "level": "gold",
        "competition": "江西省第二届职业技能大赛",
        "competition_grade": "省级一类",
        "prize_amount": Decimal(8000),
    }
    data.update(overrides)
    return enter(users, **data)


@pytest.mark.parametrize(
    "grade", ["省级一类", "国家级一类", "国家级二类", "世界技能大赛"]
)
def test_provincial_first_class_and_higher_are_met(users, grade):
    found = condition(
        competitor(users, competition_grade=grade), "省级一类及以上技能大赛"
    )
    assert found.met is True
    assert found.reason == f"江西省第二届职业技能大赛为{grade}赛事。"


@pytest.mark.parametrize("grade", ["省级二类", "市级"])
def test_lower_competitions_fail(users, grade):
    found = condition(
        competitor(users, competition_grade=grade), "省级一类及以上技能大赛"
    )
    assert found.met is False
    assert found.reason == (
        f"江西省第二届职业技能大赛为{grade}赛事,须为省级一类及以上技能大赛。"
    )


def test_medal_and_prize(users):
    application = competitor(users, level="bronze")
    assert condition(application, "获得金银铜牌").reason == "获得铜牌。"
    assert condition(application, "赛事奖金").met is True
    assert condition(application, "赛事奖金").reason == "赛事奖金8000元,等额配套。"
    application.level = "2"
    application.prize_amount = None
    assert condition(application, "获得金银铜牌").met is False
    assert condition(application, "赛事奖金").met is False


def test_coach_team_has_the_competition_conditions(users):
    application = competitor(users, kind="coach", name="电工项目专家教练团队")
    assert names(application) == ["省级一类及以上技能大赛", "获得金银铜牌", "赛事奖金"]
    assert all_met(conditions(application)) is True


# 中华技能大奖 and the office-set awards -------------------------------------


def test_grand_award_named_is_met(users):
    application = enter(
        users, kind="grand", level="", competition="第十六届中华技能大奖"
    )
    assert conditions(application) == [
        Condition("获得中华技能大奖", True, "获得第十六届中华技能大奖。")
    ]
    application.competition = "全国技术能手"
    assert conditions(application)[0].met is False


def test_office_set_award_is_pending_until_assessed(users):
    application = enter(
        users,
        actor="city_clerk",
        kind="joint_schooling",
        level="",
        name="江西某铜业有限公司",
        id_number="",
        phone="",
    )
    [found] = conditions(application)
    assert (found.name, found.met) == ("按规定核定金额", None)
    assert all_met([found]) is False
    application.assessed_amount = Decimal(100000)
    application.special_funds = Decimal(20000)
    [found] = conditions(application)
    assert found.met is True
    assert found.reason == "人社局核定金额100000元,其中省、市专项资金负担20000元。"


# all_met and dates ------------------------------------------------------------


def test_all_met_only_when_every_condition_is_true():
    yes = Condition("a", True, "")
    assert all_met([yes, yes]) is True
    assert all_met([yes, Condition("b", None, "")]) is False
    assert all_met([yes, Condition("b", False, "")]) is False
    assert all_met([]) is False


def test_add_months_keeps_the_day_or_the_month_end():
    assert add_months(D(2024, 8, 31), 6) == D(2025, 2, 28)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2024, 12, 1), 3) == D(2025, 3, 1)
