"""The amounts table, line by line against the policy text: item 19's nine
amounts, the +10% on 就业 and 技能提升 (not 创业), 特级技师/首席技师 left
to the office, item 20's 100万元, item 15's prize match, item 18's 2:8
split, and a later rule that applies only to applications filed after
it."""

import datetime
import re
from decimal import Decimal

import pytest

from incentives.models import Application, AwardRule
from incentives.rules import amount_for, rule_for, shares_for
from tests.conftest import POLICY_PATH
from tests.incentives.apps_support import area, enter

pytestmark = pytest.mark.django_db

ON = datetime.date(2025, 1, 6)
LEVEL_OF = {"高级技师(一级)": "1", "技师(二级)": "2", "高级工(三级)": "3"}


def policy_item(number: int) -> str:
    [line] = [
        line
        for line in POLICY_PATH.read_text(encoding="utf-8").splitlines()
        if line.startswith(f"{number}.")
    ]
    return line


def item19_table() -> list[tuple[str, str, Decimal]]:
    """(kind, level, amount) as item 19 says them: the three sentences
    that end in 就业奖励, 创业奖励 and 技能提升奖励, in that order."""
    text = policy_item(19)
    table = []
    for kind, award in (
        ("employment", "一次性就业奖励"),
        ("startup", "一次性创业奖励"),
        ("upskill", "一次性技能提升奖励"),
    ):
        sentence = text[: text.index(award)].rsplit("。", 1)[-1]
        labels = "|".join(re.escape(label) for label in LEVEL_OF)
        found = re.findall(rf"({labels})(\d+)元/人", sentence)
        assert len(found) == 3, sentence
        table += [(kind, LEVEL_OF[label], Decimal(amount)) for label, amount in found]
    return table


@pytest.fixture
def defaults(incentive_defaults):
    return None


def test_policy_text_gives_nine_amounts():
    assert item19_table() == [
        ("employment", "1", 3000),
        ("employment", "2", 2000),
        ("employment", "3", 1000),
        ("startup", "1", 7000),
        ("startup", "2", 6000),
        ("startup", "3", 5000),
        ("upskill", "1", 5000),
        ("upskill", "2", 4000),
        ("upskill", "3", 2000),
    ]


@pytest.mark.parametrize(("kind", "level", "amount"), item19_table())
def test_rule_and_amount_match_the_policy_line(defaults, kind, level, amount):
    rule = rule_for(kind=kind, level=level, on=ON)
    assert rule.amount == amount
    assert rule.source_item == 19
    assert f"{amount}元/人" in rule.source_text
    computed = amount_for(kind=kind, level=level, on=ON, key_chain=False)
    assert computed.amount == amount
    assert computed.rule == rule
    assert computed.manual_review is False
    assert computed.explanation.endswith(f"{amount}元")


def test_every_item19_rule_is_one_of_the_policy_lines(defaults):
    fixed = AwardRule.objects.filter(source_item=19, amount__isnull=False)
    assert sorted((r.kind, r.level, r.amount) for r in fixed) == sorted(item19_table())


@pytest.mark.parametrize(
    ("kind", "level", "expected"),
    [
        ("employment", "1", 3300),
        ("employment", "2", 2200),
        ("employment", "3", 1100),
        ("upskill", "1", 5500),
        ("upskill", "2", 4400),
        ("upskill", "3", 2200),
    ],
)
def test_key_chain_workers_get_ten_percent_more(defaults, kind, level, expected):
    assert "就业奖励、技能提升奖励可按上述标准上浮10%" in policy_item(19)
    computed = amount_for(kind=kind, level=level, on=ON, key_chain=True)
    assert computed.amount == Decimal(expected)
    assert "× 110%(重点产业链企业上浮10%)" in computed.explanation


def test_explanation_names_level_base_rate_and_result(defaults):
    computed = amount_for(kind="employment", level="2", on=ON, key_chain=True)
    assert computed.explanation == (
        "技师(二级)2000元 × 110%(重点产业链企业上浮10%)= 2200元"
    )


@pytest.mark.parametrize(("level", "expected"), [("1", 7000), ("2", 6000), ("3", 5000)])
def test_startup_award_has_no_uplift_even_for_key_chain(defaults, level, expected):
    computed = amount_for(kind="startup", level=level, on=ON, key_chain=True)
    assert computed.amount == Decimal(expected)
    assert "不随重点产业链企业上浮" in computed.explanation


@pytest.mark.parametrize("kind", ["employment", "startup", "upskill"])
@pytest.mark.parametrize("level", ["special", "chief"])
def test_special_and_chief_technicians_go_to_manual_review(defaults, kind, level):
    assert "特级技师、首席技师的,奖励标准另按有关规定执行" in policy_item(19)
    computed = amount_for(kind=kind, level=level, on=ON, key_chain=True)
    assert computed.rule is not None
    assert computed.amount is None
    assert computed.manual_review is True
    assert "另按有关规定执行" in computed.explanation


def test_grand_award_is_one_million_from_the_provincial_fund(defaults, incentive_users):
    assert "中华技能大奖的人员给予100万元奖励" in policy_item(20)
    computed = amount_for(kind="grand", level="", on=ON, key_chain=False)
    assert computed.amount == Decimal(1_000_000)
    application = enter(
        incentive_users,
        kind="grand",
        level="",
        competition="第十六届中华技能大奖",
        certificate_number="",
    )
    assert application.amount == Decimal(1_000_000)
    assert [(f.name, a) for f, a in shares_for(application)] == [
        ("省就业补助资金", Decimal(1_000_000))
    ]


@pytest.mark.parametrize("kind", ["competition", "coach"])
def test_competition_award_matches_the_prize(defaults, kind):
    assert "比照赛事奖金标准等额配套一次性奖励" in policy_item(15)
    computed = amount_for(
        kind=kind, level="gold", on=ON, key_chain=True, prize_amount=Decimal("8000")
    )
    assert computed.amount == Decimal("8000.00")
    assert "等额配套" in computed.explanation
    unpriced = amount_for(kind=kind, level="silver", on=ON, key_chain=False)
    assert unpriced.amount is None


def test_office_set_amount_is_what_special_funds_leave(defaults):
    computed = amount_for(
        kind="joint_schooling",
        level="",
        on=ON,
        key_chain=False,
        assessed_amount=Decimal("100000"),
        special_funds=Decimal("20000"),
    )
    assert computed.amount == Decimal("80000.00")
    assert "2:8" in computed.explanation.replace("20:80", "2:8")
    pending = amount_for(kind="training_centre", level="", on=ON, key_chain=False)
    assert (pending.amount, pending.manual_review) == (None, True)


def _item18(area_obj, amount):
    from incentives.models import Finance

    rule = rule_for(kind="joint_schooling", level="", on=ON)
    finance = (
        Finance.objects.get(area=area_obj)
        if area_obj
        else Finance.objects.get(name="市本级财政")
    )
    return Application(
        kind="joint_schooling", rule=rule, amount=amount, area=area_obj, finance=finance
    )


def test_joint_schooling_is_borne_two_to_eight(defaults):
    assert "由市本级和受益财政按2:8比例负担" in policy_item(18)
    shares = shares_for(_item18(area(), Decimal("80000.00")))
    assert [(f.name, a) for f, a in shares] == [
        ("市本级财政", Decimal("16000.00")),
        ("贵溪市财政", Decimal("64000.00")),
    ]
    odd = shares_for(_item18(area(), Decimal("100.05")))
    assert sum(a for _, a in odd) == Decimal("100.05")
    assert [a for _, a in odd] == [Decimal("20.01"), Decimal("80.04")]


def test_joint_schooling_without_area_is_all_city(defaults):
    shares = shares_for(_item18(None, Decimal("5000")))
    assert [(f.name, a) for f, a in shares] == [("市本级财政", Decimal("5000"))]


def test_beneficiary_award_is_borne_by_the_application_finance(
    defaults, incentive_users
):
    application = enter(incentive_users)
    assert [(f.name, a) for f, a in shares_for(application)] == [
        ("贵溪市财政", Decimal(2000))
    ]


def test_later_rule_applies_only_to_applications_filed_after_it(
    defaults, incentive_users
):
    before = enter(
        incentive_users,
        filed_on=datetime.date(2025, 6, 30),
        today=datetime.date(2025, 6, 30),
    )
    AwardRule.objects.create(
        kind="employment",
        level="2",
        amount=Decimal(2500),
        uplift_percent=Decimal(10),
        effective_from=datetime.date(2025, 7, 1),
        source_item=19,
        source_text="调整后的标准",
    )
    later = enter(
        incentive_users,
        filed_on=datetime.date(2025, 7, 1),
        id_number="360681199508150020",
        certificate_number="S000036060000999",
        today=datetime.date(2025, 7, 2),
    )
    before.refresh_from_db()
    assert before.amount == Decimal(2000)
    assert later.amount == Decimal(2500)
    assert later.rule.effective_from == datetime.date(2025, 7, 1)
    assert amount_for(
        kind="employment", level="2", on=datetime.date(2025, 6, 30), key_chain=True
    ).amount == Decimal(2200)
    assert amount_for(
        kind="employment", level="2", on=datetime.date(2025, 7, 1), key_chain=True
    ).amount == Decimal(2750)


def test_rule_ended_without_successor_is_none(defaults):
    rule = rule_for(kind="startup", level="1", on=ON)
    rule.effective_to = datetime.date(2025, 3, 31)
    rule.save()
    assert rule_for(kind="startup", level="1", on=datetime.date(2025, 3, 31)) == rule
    assert rule_for(kind="startup", level="1", on=datetime.date(2025, 4, 1)) is None
    assert rule_for(kind="startup", level="1", on=datetime.date(2023, 2, 12)) is None
    computed = amount_for(
        kind="startup", level="1", on=datetime.date(2025, 4, 1), key_chain=False
    )
    assert computed.amount is None
    assert "没有施行中的" in computed.explanation


def test_uplift_is_rounded_half_up_to_the_yuan(defaults):
    AwardRule.objects.create(
        kind="upskill",
        level="3",
        amount=Decimal(2005),
        uplift_percent=Decimal(10),
        effective_from=datetime.date(2025, 1, 1),
        source_item=19,
        source_text="测试",
    )
    computed = amount_for(kind="upskill", level="3", on=ON, key_chain=True)
    assert computed.amount == Decimal(2206)  # 2205.5


def test_entered_amount_is_computed_never_taken_from_the_data(
    defaults, incentive_users
):
    application = enter(incentive_users, amount=Decimal(99999))
    assert application.amount == Decimal(2000)
