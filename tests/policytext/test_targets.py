"""The parser's rules, one by one: what is a target and how it is read,
what is not and why, and the same targets written in other ways.

Full-width and CJK marks inside strings are written as escapes: some
editors fold them to ASCII (\\uff0c is the full-width comma, \\uff08 \\uff09
brackets, \\uff05 per cent, \\u3001 the enumeration comma, \\u201c \\u201d
quotes, \\u3014 \\u3015 the tortoise-shell brackets).
"""

import datetime
from decimal import Decimal

import pytest

from policytext.targets import (
    EXCLUSIONS,
    excluded_numbers,
    normalise,
    parse_targets,
)

Y2022 = datetime.date(2022, 12, 31)
Y2024 = datetime.date(2024, 12, 31)
Y2025 = datetime.date(2025, 12, 31)


def summary(text: str, **kwargs) -> list[tuple]:
    return [
        (t.metric, t.value, t.unit, t.comparator, t.kind)
        for t in parse_targets(text, **kwargs)
    ]


def only(text: str, **kwargs):
    (target,) = parse_targets(text, **kwargs)
    return target


# Several targets in one sentence


def test_each_number_of_a_sentence_is_a_target_of_its_own():
    text = (
        "到2025年,规模以上铜企业达到230家,新增授权核心发明专利200项,"
        "培养技能人才达到1万人。"
    )
    assert summary(text) == [
        ("规模以上铜企业", 230, "家", "gte", "cumulative"),
        ("新增授权核心发明专利", 200, "项", "gte", "cumulative"),
        ("培养技能人才", 10000, "人", "gte", "cumulative"),
    ]
    assert {t.deadline for t in parse_targets(text)} == {Y2025}


def test_values_listed_after_fenbie_go_to_the_metrics_before_them():
    text = "职业院校毕业生市内实习率\u3001市内就业率分别达到60%\u300150%以上"
    assert summary(text) == [
        ("职业院校毕业生市内实习率", 60, "%", "gte", "percentage"),
        ("职业院校毕业生市内就业率", 50, "%", "gte", "percentage"),
    ]


def test_values_listed_for_groups_named_in_the_clause_before():
    text = (
        "市政府特殊津贴评选及劳动模范\u3001五一劳动奖章获得者中,"
        "技能人才比例应分别达到15%\u300120%以上。"
    )
    assert summary(text) == [
        ("市政府特殊津贴评选中技能人才比例", 15, "%", "gte", "percentage"),
        (
            "劳动模范\u3001五一劳动奖章获得者中技能人才比例",
            20,
            "%",
            "gte",
            "percentage",
        ),
    ]


def test_a_verb_carries_over_a_list_of_things_counted():
    text = "培育10家家政培训示范基地,20家诚信示范企业,30个基层家政服务站,打造放心家政。"
    assert summary(text) == [
        ("培育家政培训示范基地", 10, "家", "gte", "cumulative"),
        ("培育诚信示范企业", 20, "家", "gte", "cumulative"),
        ("培育基层家政服务站", 30, "个", "gte", "cumulative"),
    ]


def test_fenbie_chuangjian_gives_one_target_for_each_kind_of_place():
    text = "分别创建2家国家级技能大师工作室,2家省级文化产业示范基地。"
    assert summary(text) == [
        ("创建国家级技能大师工作室", 2, "家", "gte", "cumulative"),
        ("创建省级文化产业示范基地", 2, "家", "gte", "cumulative"),
    ]


def test_numbers_joined_by_dun_with_their_own_subjects():
    text = "到2025年,培训2000余人次\u3001带动就业1万余人。"
    assert summary(text) == [
        ("培训", 2000, "人次", "about", "cumulative"),
        ("带动就业", 10000, "人", "about", "cumulative"),
    ]


def test_the_thing_counted_after_the_number_is_kept_short():
    text = (
        "引进1000名以上具有技术攻关\u3001技艺研发\u3001发明创造等业绩成果的"
        "高技能人才来鹰就业创业。"
    )
    assert summary(text) == [("引进高技能人才", 1000, "名", "gte", "cumulative")]
    text = "招聘50名具有企业实践经验的高技能领军人才到职业院校任教。"
    assert only(text).metric == "招聘高技能领军人才"


def test_metric_drops_the_means_and_the_verb_kaizhan():
    text = "通过\u201c数智联盟\u201d标准体系开展数字技能培训达到1万人次。"
    assert only(text).metric == "数字技能培训"


# Brackets


def test_a_bracketed_number_is_a_target_of_its_own_not_added_to_the_first():
    text = "到2025年,全市各类职业院校达到14所(技工院校4所)。"
    schools, technical = parse_targets(text)
    assert (schools.metric, schools.value, schools.note) == ("各类职业院校", 14, "")
    assert (technical.metric, technical.value, technical.unit) == ("技工院校", 4, "所")
    assert technical.note == "含于各类职业院校14所"
    assert (technical.comparator, technical.deadline) == ("gte", Y2025)


def test_a_bracketed_han_with_a_number_is_a_target_of_its_own():
    text = "到2025年,技能人才总量达到30万人(含高技能人才8万人)。"
    assert summary(text) == [
        ("技能人才总量", 300000, "人", "gte", "cumulative"),
        ("高技能人才", 80000, "人", "gte", "cumulative"),
    ]


def test_several_numbers_in_one_bracket():
    text = "到2025年,建成技能大师工作室20个(其中国家级2个\u3001省级8个)。"
    assert [(t.metric, t.value) for t in parse_targets(text)] == [
        ("建成技能大师工作室", 20),
        ("国家级", 2),
        ("省级", 8),
    ]


def test_a_bracketed_han_without_a_number_is_a_note():
    target = only("到2025年,各类职业院校(含技工院校,下同)达到14所。")
    assert (target.metric, target.value, target.note) == (
        "各类职业院校",
        14,
        "含技工院校,下同",
    )


def test_the_responsibility_note_is_not_read():
    text = "培训1万人次。\u3014牵头单位:市人社局;配合单位:市财政局\u3015"
    assert summary(text) == [("培训", 10000, "人次", "gte", "cumulative")]


# Comparators


@pytest.mark.parametrize(
    ("text", "value", "unit", "comparator"),
    [
        ("开展职业技能培训1万人次以上。", 10000, "人次", "gte"),
        ("数字技能培训达到1万人次。", 10000, "人次", "gte"),
        ("累计开展各类职业技能培训达10万人次。", 100000, "人次", "gte"),
        ("持有数字技能等级证书的技能劳动者突破5000人。", 5000, "人", "gt"),
        ("职业技能培训规模超过10万人次。", 100000, "人次", "gt"),
        ("吸纳群众就业2000余人次。", 2000, "人次", "about"),
        ("年培训规模保持在2万人次左右。", 20000, "人次", "about"),
        ("参加竞赛的选手约500人。", 500, "人", "about"),
        ("其中高技能人才占比达到40%以上。", 40, "%", "gte"),
        ("90%以上专业与市内合作企业实现对接。", 90, "%", "gte"),
        ("遴选不少于5家社会化职业技能等级认定评价组织。", 5, "家", "gte"),
        ("高技能人才占比不低于35%。", 35, "%", "gte"),
        ("至少建成3所技师学院。", 3, "所", "gte"),
        ("促进2000人次以上新增就业创业。", 2000, "人次", "gte"),
    ],
)
def test_comparator(text, value, unit, comparator):
    target = only(text)
    assert (target.value, target.unit, target.comparator) == (value, unit, comparator)
    assert target.aspirational is False


def test_lizheng_tupo_is_above_and_aspirational():
    target = only("到2025年深度培养根植于本土产业的企业新型学徒力争突破2000名。")
    assert (target.metric, target.value, target.unit) == (
        "深度培养根植于本土产业的企业新型学徒",
        2000,
        "名",
    )
    assert (target.comparator, target.aspirational) == ("gt", True)


def test_lizheng_opening_a_sentence_holds_for_all_its_targets():
    text = "力争到2025年,全市技能人才达到10万人,高技能人才达到3万人。"
    assert [(t.metric, t.aspirational) for t in parse_targets(text)] == [
        ("技能人才", True),
        ("高技能人才", True),
    ]


# Kinds


def test_doubling_then_the_number_is_one_relative_target_with_its_value():
    target = only("到2025年,培育从事技能工作的劳动者总量翻一番,达到30万人,")
    assert (target.metric, target.value, target.unit) == (
        "培育从事技能工作的劳动者总量",
        300000,
        "人",
    )
    assert (target.kind, target.baseline_multiplier) == ("relative", 2)
    assert (target.comparator, target.deadline) == ("gte", Y2025)


def test_quadrupling_is_four_times_the_baseline():
    target = only("到2027年底,技能人才总量翻两番,达到120万人。")
    assert (target.value, target.baseline_multiplier) == (1200000, 4)
    assert target.deadline == datetime.date(2027, 12, 31)


def test_doubling_without_a_number_is_twice_the_baseline():
    target = only("到2025年,技能人才总量翻一番。")
    assert (target.metric, target.value, target.unit) == ("技能人才总量", 2, "倍")
    assert (target.kind, target.baseline_multiplier) == ("relative", 2)


def test_percentage_points_are_relative_to_the_baseline():
    target = only("到2025年,技能人才就业率提高5个百分点。")
    assert (target.metric, target.value, target.unit, target.kind) == (
        "技能人才就业率",
        5,
        "百分点",
        "relative",
    )


@pytest.mark.parametrize(
    ("text", "metric", "value", "unit"),
    [
        ("年招生规模稳定在1.5万人以上", "年招生规模", 15000, "人"),
        ("年认定规模达到2万人次以上", "年认定规模", 20000, "人次"),
        ("年评价规模达到5000人次以上", "年评价规模", 5000, "人次"),
    ],
)
def test_a_yearly_scale_is_annual(text, metric, value, unit):
    target = only(text)
    assert (target.metric, target.value, target.unit) == (metric, value, unit)
    assert (target.kind, target.comparator) == ("annual", "gte")
    assert str(target.value) == str(value)  # 15000, never 1.5E+4


def test_every_two_years_is_recurring_for_the_selections_of_the_sentence():
    text = (
        "经申请批准后,每两年评选20家技能人才培育保障示范企业,培养选树30名优秀技能人才。"
    )
    assert summary(text) == [
        ("评选技能人才培育保障示范企业", 20, "家", "gte", "recurring"),
        ("培养选树优秀技能人才", 30, "名", "gte", "recurring"),
    ]


def test_every_year_is_recurring_and_a_deadline_ends_it():
    assert only("每年开展职业技能培训1万人次。").kind == "recurring"
    text = "每年组织一次竞赛,到2025年,备案的自主评价企业达到50家。"
    assert summary(text) == [("备案的自主评价企业", 50, "家", "gte", "cumulative")]


def test_dated_creations_are_milestones():
    targets = parse_targets(
        "2022年争创应用型本科学校,建成高级技工学校,2024年创建技师学院,推动形成综合体系。"
    )
    assert [
        (t.metric, t.value, t.unit, t.kind, t.deadline, t.aspirational) for t in targets
    ] == [
        ("争创应用型本科学校", 1, "所", "milestone", Y2022, True),
        ("建成高级技工学校", 1, "所", "milestone", Y2022, False),
        ("创建技师学院", 1, "所", "milestone", Y2024, False),
    ]


def test_a_milestone_year_does_not_move_the_deadline_of_what_follows():
    text = "到2025年,2022年建成高级技工学校,培训达到1万人次。"
    assert [(t.kind, t.deadline) for t in parse_targets(text)] == [
        ("milestone", Y2022),
        ("cumulative", Y2025),
    ]


def test_a_creation_without_a_date_is_no_milestone():
    assert parse_targets("组建鹰潭市职业院校专业设置咨询委员会。") == []
    assert parse_targets("争创省级职业技能竞赛(集训)基地。") == []


# What is not a target


@pytest.mark.parametrize(
    "text",
    [
        "加强标准制定\u3001技能培训\u3001职业评价\u3001促进就业\u3001诚信建设。",
        "推行家政服务人员岗前健康体检和持证上岗制度。",
        "每两年承办省级移动物联网职业技能大赛。",
        "从2023年起,公办职业院校毕业生市内就业率纳入年度综合考核。",
        "聚焦政府\u3001企业\u3001院校\u3001技能劳动者\u3001社会五个维度,围绕七个环节。",
        "依托两大平台\u3001两大载体,建设一批\u201c工匠园区\u201d。",
        "",
    ],
)
def test_sentences_without_a_number_and_unit_give_nothing(text):
    assert parse_targets(text) == []


@pytest.mark.parametrize(
    ("text", "excluded"),
    [
        # Ordinals and categories.
        ("坚持人才是第一资源。", []),
        ("第3批示范基地名单。", [("3批", "ordinal")]),
        (
            "聚焦我市12类重点产业链和职业院校对高技能人才的需求。",
            [("12类", "category")],
        ),
        # Each unit's duty (annex row 26): a task, not a target.
        (
            "每个重点产业链牵头单位每年至少择优推荐1家规上企业。",
            [("1家", "per-unit")],
        ),
        # Money: item 19's awards and item 20's prize are rules of payment.
        (
            "分别按高级技师(一级)3000元/人\u3001技师(二级)2000元/人标准给予奖励。",
            [("3000元", "money"), ("2000元", "money")],
        ),
        ("对市内获得中华技能大奖的人员给予100万元奖励。", [("100万元", "money")]),
        # Percentages that set no level to reach.
        (
            "可按照投资额的30%抵免企业当年应缴教育费附加和地方教育附加。",
            [("30%", "rule")],
        ),
        ("就业奖励\u3001技能提升奖励可按上述标准上浮10%。", [("10%", "rule")]),
        ("其他部分由市本级和受益财政按2:8比例负担。", [("2:8", "ratio")]),
        # Durations in conditions.
        (
            "签订1年以上劳动合同\u3001首次在鹰连续缴纳3个月以上社保费用的技能人才。",
            [("1年以上", "duration"), ("3个月以上", "duration")],
        ),
        # A programme's name.
        (
            "专项培育结构素质与产业发展相匹配的\u201c万名技工\u201d。",
            [("\u201c万名技工\u201d", "quoted")],
        ),
        ("推行\u201c1+X\u201d证书制度。", [("\u201c1+X\u201d", "quoted")]),
        # The present state and an upper bound.
        ("全市现有技工院校3所。", [("3所", "baseline")]),
        ("每期培训人数不超过50人。", [("50人", "upper-bound")]),
        ("学费控制在5000元以内。", [("5000元", "money")]),
    ],
)
def test_numbers_that_are_not_targets(text, excluded):
    assert parse_targets(text) == []
    assert excluded_numbers(text) == excluded
    assert all(reason in EXCLUSIONS for _, reason in excluded)


def test_the_present_state_is_left_out_but_the_target_after_it_is_kept():
    assert summary("全市现有技工院校3所,到2025年达到5所。") == [
        ("技工院校", 5, "所", "gte", "cumulative")
    ]


def test_a_real_percentage_target_next_to_a_rule_is_kept():
    text = "建设50家以上企业职工培训中心,其中规上企业职工培训中心覆盖率达到30%。"
    assert summary(text) == [
        ("建设企业职工培训中心", 50, "家", "gte", "cumulative"),
        ("规上企业职工培训中心覆盖率", 30, "%", "gte", "percentage"),
    ]


def test_item_19_awards_give_no_target():
    text = (
        "鼓励来鹰就业,对取得职业资格证书(含职业技能等级证书\u3001专项职业能力证书,"
        "下同)并与企业等用人单位签订1年以上劳动合同\u3001首次在鹰连续缴纳3个月以上"
        "社保费用的技能人才,分别按高级技师(一级)3000元/人\u3001技师(二级)2000元/人"
        "\u3001高级工(三级)1000元/人标准,给予个人一次性就业奖励。重点产业链企业技能"
        "劳动者其就业奖励\u3001技能提升奖励可按上述标准上浮10%。"
    )
    assert parse_targets(text) == []


# Deadlines


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("到2025年,培训1万人次。", Y2025),
        ("到2025年底,新增各类培训机构30家。", Y2025),
        ("到2027年底,培训1万人次。", datetime.date(2027, 12, 31)),
        ("到2025年6月底,完成培训1000人。", datetime.date(2025, 6, 30)),
        ("十四五期间,新增技能人才1.2万人。", Y2025),
        ("\u201c十四五\u201d期间,开展补贴性职业技能培训不少于5万人次。", Y2025),
        ("到\u201c十四五\u201d末,技师学院达到3所。", Y2025),
        ("\u201c十三五\u201d期间,培训1万人次。", datetime.date(2020, 12, 31)),
        ("2024年,培训1万人次。", Y2024),
    ],
)
def test_deadline(text, deadline):
    assert only(text, default_deadline=datetime.date(2030, 12, 31)).deadline == (
        deadline
    )


def test_without_a_date_the_default_deadline_holds():
    text = "遴选不少于5家社会化职业技能等级认定评价组织。"
    assert only(text).deadline is None
    assert only(text, default_deadline=Y2025).deadline == Y2025


def test_a_deadline_holds_for_the_sentences_after_it():
    text = "到2027年,技能人才达到10万人。职业技能培训规模突破10万人次。"
    assert [t.deadline for t in parse_targets(text, default_deadline=Y2025)] == [
        datetime.date(2027, 12, 31)
    ] * 2


# Other writings of the same targets


def test_full_width_marks_and_digits_read_as_half_width():
    full = (
        "到\uff12\uff10\uff12\uff15年\uff0c全市技能人才总量达到\uff13\uff10万人"
        "\uff08含高技能人才\uff18万人\uff09\uff0c高技能人才占比不低于\uff13\uff15"
        "\uff05\u3002"
    )
    half = (
        "到2025年,全市技能人才总量达到30万人(含高技能人才8万人),"
        "高技能人才占比不低于35%。"
    )
    assert (
        summary(full)
        == summary(half)
        == [
            ("技能人才总量", 300000, "人", "gte", "cumulative"),
            ("高技能人才", 80000, "人", "gte", "cumulative"),
            ("高技能人才占比", 35, "%", "gte", "percentage"),
        ]
    )
    assert only("年招生规模稳定在1\uff0e5万人以上").value == 15000


def test_wan_ren_and_wan_renci_keep_their_units():
    assert summary("培训3万人次,培养1.5万人。") == [
        ("培训", 30000, "人次", "gte", "cumulative"),
        ("培养", 15000, "人", "gte", "cumulative"),
    ]


def test_chinese_numerals_after_a_comparator():
    assert summary("新增高技能人才达到十万人次,技师学院不少于两所。") == [
        ("新增高技能人才", 100000, "人次", "gte", "cumulative"),
        ("技师学院", 2, "所", "gte", "cumulative"),
    ]


def test_thousands_separators():
    assert only("完成培训1,000人。").value == 1000
    assert only("完成培训1\uff0c000人。").value == 1000


def test_wrapped_text_is_read_as_one_line():
    assert only("到2025年,培养技能\n人才达到1万人。").metric == "培养技能人才"


def test_the_sentence_is_kept_clean():
    target = only("到2025年\uff0c规模以上铜企业达到230家\u3002推动转型。")
    assert target.sentence == "到2025年,规模以上铜企业达到230家"


def test_normalise_folds_marks_and_drops_the_responsibility_note():
    assert normalise(
        "培训\uff11万人次\uff08含\uff09\u3014牵头单位\uff1a市人社局\u3015"
    ) == ("培训1万人次(含)")


def test_values_are_decimals_with_the_multiplier_applied():
    target = only("学制教育规模突破4.5万人")
    assert target.value == Decimal("45000")
    assert isinstance(target.value, Decimal)
    assert format(target.value, "f") == "45000"
