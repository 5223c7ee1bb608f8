"""read_document on the forms of other offices' documents (issue 15), one
small synthetic text each: role notes, targets, noise and structure."""

import datetime
from decimal import Decimal

from policytext import read_document
from policytext.targets import parse_targets

Y2016 = datetime.date(2016, 12, 31)
Y2025 = datetime.date(2025, 12, 31)
Y2027 = datetime.date(2027, 12, 31)
Y2035 = datetime.date(2035, 12, 31)


def roles(text: str) -> list[tuple[str, list[str], list[str]]]:
    return [
        (item.path_label, item.lead, item.cooperating)
        for item in read_document(text).roles
    ]


def targets(text: str) -> list[tuple]:
    return [
        (t.value, t.comparator, t.deadline, t.relative)
        for t in read_document(text).targets
    ]


def values(text: str) -> list[Decimal]:
    return [t.value for t in read_document(text).targets]


# Role notes


def test_tortoise_shell_note_with_lead_and_cooperating_units():
    text = "1.培育家政企业。〔牵头单位:市商务局;配合单位:市人社局、市财政局〕"
    assert roles(text) == [("1.", ["市商务局"], ["市人社局", "市财政局"])]


def test_full_width_note_with_a_comma_and_a_group_at_the_end():
    text = (
        "2.紧缺人才开发项目。\uff08牵头单位\uff1a市发展改革委\uff0c配合单位\uff1a"
        "市委组织部\u3001市人社局\uff0c各区\u3001县级市\uff09"
    )
    assert roles(text) == [
        ("2.", ["市发展改革委"], ["市委组织部", "市人社局", "各区\u3001县级市"])
    ]


def test_lead_and_responsible_units_on_lines_under_the_item():
    text = (
        "一、主要预期目标\n"
        "1.地区生产总值增长6%左右。\n"
        "牵头单位:区发改局\n"
        "责任单位:开发区,各街道、区直各部门\n"
        "2.固定资产投资增长10%左右。\n"
        "牵头单位:区工信局\n"
    )
    assert roles(text) == [
        ("一、1.", ["区发改局"], ["开发区", "各街道", "区直各部门"]),
        ("一、2.", ["区工信局"], []),
    ]


def test_responsible_units_alone_all_lead():
    text = "(一)稳就业\n1.落实援企稳岗政策。(责任单位:市人社局、市财政局)"
    assert roles(text) == [("(一)1.", ["市人社局", "市财政局"], [])]


def test_units_followed_by_fu_ze_without_role_words_all_lead():
    text = "1.降低社保费率。(市人社局、市医保局、市税务局负责)"
    assert roles(text) == [("1.", ["市人社局", "市医保局", "市税务局"], [])]


def test_a_note_with_a_second_clause_keeps_only_the_units():
    text = "1.完成目标任务。(国务院各部门分别负责,年内持续推进)"
    assert roles(text) == [("1.", ["国务院各部门"], [])]


def test_traditional_characters_in_role_notes():
    text = (
        "1.穩定就業崗位。(市人力資源社會保障局、市財政局負責)\n"
        "2.擴大就業。(牽頭單位:市人社局;配合單位:市稅務局)"
    )
    assert roles(text) == [
        ("1.", ["市人力資源社會保障局", "市財政局"], []),
        ("2.", ["市人社局"], ["市稅務局"]),
    ]


def test_lead_units_and_units_that_share_the_work():
    text = (
        "1.加快项目建设。(市住建局、市发改委牵头,市财政局及市自然资源局按职责分工负责)"
    )
    assert roles(text) == [
        ("1.", ["市住建局", "市发改委"], ["市财政局", "市自然资源局"])
    ]


def test_first_listed_unit_leads_where_the_document_says_so():
    text = (
        "责任分解中,列第一位者为牵头单位。\n"
        "1.推进数字化改革。(责任单位:市数据局、市经信局、市财政局)\n"
        "2.优化营商环境。(市发改委、市市场监管局负责)"
    )
    assert roles(text) == [
        ("1.", ["市数据局"], ["市经信局", "市财政局"]),
        ("2.", ["市发改委"], ["市市场监管局"]),
    ]


def test_a_role_label_after_the_item_text_without_brackets():
    text = "1.落实援企稳岗政策。牵头单位:市人社局;配合单位:市财政局、市税务局"
    assert roles(text) == [("1.", ["市人社局"], ["市财政局", "市税务局"])]


def test_places_sharing_the_name_of_a_unit_are_each_a_unit():
    text = (
        "1.推进数据共享。(责任单位:省大数据局,各市\u3014州\u3015、贵安新区数据管理部门)"
    )
    assert roles(text) == [
        (
            "1.",
            ["省大数据局", "各市\u3014州\u3015数据管理部门", "贵安新区数据管理部门"],
            [],
        )
    ]


def test_units_a_note_gives_to_all_the_following_items():
    text = (
        "除专门列出外,以下任务均涉及各县区人民政府,不再列出。\n"
        "1.推进政务数据共享。(责任单位:市大数据局)\n"
        "2.建设一体化平台。(责任单位:市政务服务中心)"
    )
    assert roles(text) == [
        ("1.", ["市大数据局", "各县区人民政府"], []),
        ("2.", ["市政务服务中心", "各县区人民政府"], []),
    ]


def test_a_role_note_ends_with_its_first_sentence():
    """What follows a 。 inside the note is prose, not more units; here it
    is a note for the following items."""
    text = (
        "1.建设算力网络。(责任单位:市大数据局,各县区数据管理部门。除专门列出外,"
        "以下任务均涉及各县区数据管理部门,不再重复)\n"
        "2.建设数据集。(责任单位:市数据集团)"
    )
    assert roles(text) == [
        ("1.", ["市大数据局", "各县区数据管理部门"], []),
        ("2.", ["市数据集团", "各县区数据管理部门"], []),
    ]


def test_the_last_name_of_a_note_the_text_breaks_off_in_is_kept_if_whole():
    cut = "1.推广应用。(责任单位:市大数据局、市科技局、市工业和"
    assert roles(cut) == [("1.", ["市大数据局", "市科技局"], [])]
    whole = "1.推广应用。(责任单位:市大数据局、市科技局"
    assert roles(whole) == [("1.", ["市大数据局", "市科技局"], [])]
    closed = "1.推广应用。(责任单位:市大数据局、市工业和信息化局)\n2.其他。"
    assert roles(closed) == [("1.", ["市大数据局", "市工业和信息化局"], [])]


def test_a_heading_naming_the_lead_unit_leads_the_items_under_it():
    text = (
        "一、县示范区管委会牵头工作(8项)\n"
        "1.建设3个产业园。\n"
        "2.打造生产基地。(县农业农村局牵头,县财政局配合)\n"
        "二、县发改局、县工信局牵头工作\n"
        "3.推进项目投产。\n"
        "三、协同破题,联动增效。由牵头单位发挥统筹作用。\n"
        "4.其他任务。\n"
        "四、强化统筹牵头\n"
        "5.建立调度机制。"
    )
    assert roles(text) == [
        ("一、1.", ["县示范区管委会"], []),
        ("一、2.", ["县农业农村局"], ["县财政局"]),
        ("二、3.", ["县发改局", "县工信局"], []),
    ]


def test_a_bracket_without_role_words_is_no_role_note():
    text = "1.各类职业院校(含技工院校,下同)达到14所。"
    assert roles(text) == []
    assert values(text) == [Decimal(14)]


# Targets


def test_targets_inside_a_quoted_goal_sentence():
    text = (
        "1.目标。实现\u201c引进高层次人才达到2000名左右,"
        "人才贡献率达到40%\u201d的发展目标,打造\u201c633\u201d人才工程。"
    )
    assert targets(text) == [
        (Decimal(2000), "about", None, False),
        (Decimal(40), "=", None, False),
    ]


def test_fractions_as_shares():
    assert targets("高技能人才占技能人才比重达到1/3以上。") == [
        (Decimal("0.3333"), ">=", None, False)
    ]
    assert targets("新能源汽车占比达到三分之一。") == [
        (Decimal("0.3333"), "=", None, False)
    ]


def test_traditional_wan_and_yi():
    assert targets("城鎮新增就業70萬人。全年營業收入超過10億元。") == [
        (Decimal(700000), "=", None, False),
        (Decimal(1000000000), ">=", None, False),
    ]


def test_amounts_of_money_set_as_a_level():
    assert targets("到2025年,数字经济规模超1000亿元。") == [
        (Decimal(100000000000), ">=", Y2025, False)
    ]


def test_amounts_in_chinese_numerals_after_a_comparator():
    assert targets("力争实现产业集群总量超过五千亿规模。") == [
        (Decimal(500000000000), ">=", None, False)
    ]


def test_growth_rates_are_relative_targets():
    assert targets("地区生产总值增长6.2%左右,单位能耗年均下降5%。") == [
        (Decimal("6.2"), "about", None, True),
        (Decimal(5), "=", None, True),
    ]


def test_levels_and_shares_in_per_cent_are_not_relative():
    assert targets("城镇调查失业率6%左右,制造业增加值比重35%左右。") == [
        (Decimal(6), "about", None, False),
        (Decimal(35), "about", None, False),
    ]


def test_wan_yi_is_one_multiplier():
    text = "至2027年,全市批發業銷售額達到5.3萬億元。"
    assert targets(text) == [
        (Decimal(5300000000000), "=", datetime.date(2027, 12, 31), False)
    ]


def test_racks_are_counted_in_jia():
    text = "2022年,数据中心标准机架数达到15万架。"
    assert targets(text) == [(Decimal(150000), "=", datetime.date(2022, 12, 31), False)]


def test_a_share_of_a_set_that_reaches_a_state_is_a_target():
    """No comparator word stands before 50%, but the share of the
    communities that are to be built up is a level to reach; a rate cut
    (下调费率50%的政策) and a spending share stay rules."""
    text = "到2027年底前,确保成华区50%的城市社区建成完备的社区服务综合体。"
    assert targets(text) == [(Decimal(50), "=", datetime.date(2027, 12, 31), False)]
    assert targets("阶段性下调工伤保险费率50%的政策。") == []
    assert targets("30%的资金用于人才培养。") == []


def test_reaching_100_per_cent_is_an_exact_share():
    assert targets("到2025年,行政村5G网络覆盖率达100%。") == [
        (Decimal(100), "=", Y2025, False)
    ]


def test_an_upper_bound_set_as_a_level():
    assert targets("城镇登记失业率控制在5.5%以内。") == [
        (Decimal("5.5"), "<=", None, False)
    ]


def test_each_sentence_has_its_own_deadline():
    text = "到2035年,建成示范基地10家。培育龙头企业20家。"
    assert targets(text) == [
        (Decimal(10), "=", Y2035, False),
        (Decimal(20), "=", None, False),
    ]


def test_a_year_opening_the_sentence_is_its_deadline_a_year_named_is_not():
    assert targets("2022年,全市新建5G基站2600个以上。") == [
        (Decimal(2600), ">=", datetime.date(2022, 12, 31), False)
    ]
    assert targets("2017年发展的主要预期目标是:城镇新增就业70万人。") == [
        (Decimal(700000), "=", None, False)
    ]


def test_a_span_from_a_year_sets_the_deadline_of_later_spans_too():
    text = (
        "1.目标。2012年起5年内,引进人才达到2000名。\n"
        "2.培养项目。5年内培养博士后不少于400名。每年资助100名青年人才。"
    )
    assert targets(text) == [
        (Decimal(2000), "=", Y2016, False),
        (Decimal(400), ">=", Y2016, False),
        (Decimal(100), "=", None, False),
    ]


def test_the_plan_period_in_quotes_is_a_deadline():
    assert targets("\u201c十四五\u201d期间,新增技能人才1万人以上。") == [
        (Decimal(10000), ">=", Y2025, False)
    ]


def test_ranges_are_read_as_their_lower_bound():
    assert targets("力争培育8\u201410个百亿企业,建设1到2个培养基地。") == [
        (Decimal(8), ">=", None, False),
        (Decimal(1), ">=", None, False),
    ]


def test_scopes_conditions_baselines_and_spending_rules_are_not_targets():
    text = (
        "在职职工总数30人(含)以下的企业暂免征收。"
        "对参保职工30人以上的企业,裁员率放宽到不超过20%。"
        "以全市1000多名技能大师为对象开展研修。"
        "专项资金的60%以上用于职业技能培训。"
        "实际缴纳失业保险费的30%返还。"
    )
    assert targets(text) == []


def test_an_item_number_fused_to_a_number_of_its_name_is_no_value():
    text = (
        "10.羊城学者项目。设立50个特聘岗位。\n"
        "11.121人才梯队项目。重点培养不少于10名院士后备人才。"
    )
    document = read_document(text)
    assert [item.label for item in document.items] == ["10.", "11."]
    assert [t.value for t in document.targets] == [Decimal(50), Decimal(10)]


def test_money_given_as_a_benefit_is_no_target():
    assert targets("对新设立的工作室给予10万元一次性资助。") == []


# Noise


def test_html_and_an_sql_dump_wrapper_are_read_through():
    text = (
        "INSERT INTO `post` VALUES ('10','11','关于人才的意见','"
        '<p align=\\"left\\">\\r\\n\t\u3000\u30001.目标。培养人才达到'
        "2000名左右。</p><p>2.引进&nbsp;专家100名。(牵头单位:市人社局)</p>"
    )
    document = read_document(text)
    assert [t.value for t in document.targets] == [Decimal(2000), Decimal(100)]
    assert [(item.label, item.lead) for item in document.roles] == [
        ("2.", ["市人社局"])
    ]


def test_spans_point_into_the_text_as_given():
    text = '<p style="x">1.引进大数据优强 企业 15 家,培育ｑｉｙｅ企业２０家。</p>'
    document = read_document(text)
    assert [text[slice(*t.span)] for t in document.targets] == ["15 家", "２０家"]
    assert [t.value for t in document.targets] == [Decimal(15), Decimal(20)]


def test_letters_injected_between_characters_are_dropped():
    text = "1.新增就ye业1000人,培训jineng人才500名,建设5G基站100个。"
    assert values(text) == [Decimal(1000), Decimal(500), Decimal(100)]


def test_page_headers_and_footers_are_not_read():
    header = "成都市人民政府办公厅文件"
    text = (
        f"{header}\n1.到2025年底前,建成社区服务设施100个。\n第 1 页 共 3 页\n"
        f"{header}\n2.培育服务机构50家。\n- 2 -\n{header}\n"
    )
    document = read_document(text)
    assert [t.value for t in document.targets] == [Decimal(100), Decimal(50)]
    assert [t.deadline for t in document.targets] == [Y2025, None]
    assert header not in "".join(item.text for item in document.items)


def test_full_and_half_width_digits_and_brackets_mixed():
    text = (
        "\uff08\u4e00\uff09稳就业\n１.新增就业１２００人。\n"
        "(二)保民生\n1、建设养老机构3所。"
    )
    document = read_document(text)
    assert [t.value for t in document.targets] == [Decimal(1200), Decimal(3)]
    assert [t.item for t in document.targets] == ["(一)1.", "(二)1、"]


# Structure


def test_work_plan_without_number_title_or_main_tasks_chapter():
    text = (
        "2024年工作要点\n"
        "一、加快数字化转型\n"
        "(一)推进基础设施建设\n"
        "1.新建5G基站1000个。\n"
        "(1)城区新建600个。\n"
        "(2)农村新建400个。\n"
        "2.建成数据中心2个。\n"
        "(二)培育数字产业\n"
        "1.引进企业10家。\n"
        "二、保障措施\n"
    )
    document = read_document(text)
    assert document.title == "2024年工作要点"
    assert document.number == ""
    assert [item.path_label for item in document.items] == [
        "一、",
        "一、(一)",
        "一、(一)1.",
        "一、(一)1.(1)",
        "一、(一)1.(2)",
        "一、(一)2.",
        "一、(二)",
        "一、(二)1.",
        "二、",
    ]
    assert [t.item for t in document.targets] == [
        "一、(一)1.",
        "一、(一)1.(1)",
        "一、(一)1.(2)",
        "一、(一)2.",
        "一、(二)1.",
    ]


def test_a_table_flattened_to_one_cell_a_line():
    text = (
        "一、经济发展\n序 号\n工作任务\n责任单位\n"
        "1\n新增城镇就业1.2万人。\n市人社局、市财政局\n"
        "2\n引进项目10个。\n市商务局\n"
        "二、保障措施\n加强组织领导。"
    )
    document = read_document(text)
    assert [(i.path_label, i.lead) for i in document.roles] == [
        ("一、1", ["市人社局", "市财政局"]),
        ("一、2", ["市商务局"]),
    ]
    assert [(t.value, t.item) for t in document.targets] == [
        (Decimal(12000), "一、1"),
        (Decimal(10), "一、2"),
    ]
    assert document.items[-1].path_label == "二、"


def test_a_table_header_cell_with_a_qualifier_names_its_column():
    """ "主 要 工 作 任 务" is the task column, so the next cell of a row is
    the task and the one after it the 责任单位."""
    text = (
        "序号\n主 要 工 作 任 务\n责任单位\n1\n地区生产总值增长6%左右。\n市发展改革委\n"
    )
    document = read_document(text)
    assert [(i.path_label, i.lead) for i in document.roles] == [("1", ["市发展改革委"])]
    assert targets(text) == [(Decimal(6), "about", None, True)]


def test_a_plan_counting_its_own_tasks_and_units_sets_no_target():
    text = (
        "《任务分解》明确133项具体任务,涉及34个牵头单位;细化15项重点任务,"
        "涉及10个责任单位。\n1.建设3个劳动密集型产业园。"
    )
    assert values(text) == [Decimal(3)]


def test_a_population_served_is_no_target():
    text = (
        "以全市就业年龄段的7600多名持证残疾人为主要对象,促进就业。"
        "到2025年,全市新增残疾人就业800人以上。"
    )
    assert values(text) == [Decimal(800)]


def test_a_level_held_about_a_value_is_a_target_an_upper_bound_is_too():
    about = "到2027年,城镇调查失业率控制在5.5%左右。"
    assert targets(about) == [(Decimal("5.5"), "about", Y2027, False)]
    within = "到2027年,城镇调查失业率控制在5.5%以内。"
    assert targets(within) == [(Decimal("5.5"), "<=", Y2027, False)]


def test_document_number_is_read_where_there_is_one():
    document = read_document("鞍立政发\u30142023\u30152号\n1.任务。")
    assert document.number == "鞍立政发\u30142023\u30152号"


def test_parse_targets_keeps_its_own_reading():
    """The skills policy's parser is unchanged: 达到 is at least there, and
    money is not a target."""
    (target,) = parse_targets("到2025年,规模以上铜企业达到230家,奖励100万元。")
    assert (target.value, target.comparator, target.span) == (
        Decimal(230),
        "gte",
        None,
    )
