"""Every target of the shared policy, read by a person from the document,
against what the extraction finds in its annex and text.

Full-width and CJK marks inside strings are written as escapes: some
editors fold them to ASCII (\\u00b7 is the middle dot of "正文·发展目标",
\\u3001 the enumeration comma, \\u201c \\u201d the quotes).
"""

import datetime
from collections import Counter
from typing import NamedTuple

import pytest

from policytext.extraction import (
    extract_candidates,
    fingerprint,
    goal_paragraphs,
    key_task_paragraphs,
    policy_deadline,
    similarity,
)
from policytext.targets import parse_targets
from policytext.text import name_key
from tasks.importers.annex import read_annex
from tests.conftest import ANNEX_PATH, POLICY_PATH

GOALS = "正文\u00b7发展目标"
KEY_TASK = "正文\u00b7重点任务"
Y2022 = datetime.date(2022, 12, 31)
Y2024 = datetime.date(2024, 12, 31)
Y2025 = datetime.date(2025, 12, 31)
GTE, GT, ABOUT = "gte", "gt", "about"
COUNT, ANNUAL, PERCENT = "cumulative", "annual", "percentage"
MILESTONE, RELATIVE, RECURRING = "milestone", "relative", "recurring"


class Row(NamedTuple):
    source_ref: str
    task: int | None
    key_task: int | None
    metric: str
    value: str
    unit: str
    comparator: str
    aspirational: bool
    deadline: datetime.date
    kind: str


def row(source_ref, task, key_task, metric, value, unit, comparator, kind, **extra):
    return Row(
        source_ref,
        task,
        key_task,
        metric,
        value,
        unit,
        comparator,
        extra.get("aspirational", False),
        extra.get("deadline", Y2025),
        kind,
    )


def annex(task, key_task, *args, **extra):
    return row(f"附件第{task}行", task, key_task, *args, **extra)


def text(key_task, *args, **extra):
    return row(f"{KEY_TASK}{key_task}", None, key_task, *args, **extra)


def goal(*args, **extra):
    return row(GOALS, None, None, *args, **extra)


# Dates: "到2025年" gives 2025-12-31; a target with no date of its own takes
# the policy's horizon, the 发展目标's "到2025年".
TABLE = [
    # 附件第3行 (重点任务1): "到2025年,规模以上铜企业达到230家,新增授权核心
    # 发明专利200项,培养技能人才达到1万人。"
    annex(3, 1, "规模以上铜企业", "230", "家", GTE, COUNT),
    annex(3, 1, "新增授权核心发明专利", "200", "项", GTE, COUNT),
    annex(3, 1, "培养技能人才", "10000", "人", GTE, COUNT),
    # 附件第6行 (2): "通过“数智联盟”开展数字技能培训达到1万人次,持有数字
    # 技能等级证书的技能劳动者突破5000人,数字经济“名师带徒”培育数字领域
    # “金蓝领”达到2000人。"
    annex(6, 2, "数字技能培训", "10000", "人次", GTE, COUNT),
    annex(6, 2, "持有数字技能等级证书的技能劳动者", "5000", "人", GT, COUNT),
    annex(
        6,
        2,
        "数字经济\u201c名师带徒\u201d培育数字领域\u201c金蓝领\u201d",
        "2000",
        "人",
        GTE,
        COUNT,
    ),
    # 附件第8行 (3): "开展职业技能培训突破3万人次,认定评价达到2万人次。"
    annex(8, 3, "职业技能培训", "30000", "人次", GT, COUNT),
    annex(8, 3, "认定评价", "20000", "人次", GTE, COUNT),
    # 附件第11行 (4): "开展职业技能培训1万人次以上,吸纳群众就业2000余人次,
    # 组织劳务输出5000余人次。"
    annex(11, 4, "职业技能培训", "10000", "人次", GTE, COUNT),
    annex(11, 4, "吸纳群众就业", "2000", "人次", ABOUT, COUNT),
    annex(11, 4, "组织劳务输出", "5000", "人次", ABOUT, COUNT),
    # 附件第14行 (5): "培养技能人才达到1万人,分别创建2家国家级技能大师工作
    # 室,2家省级文化产业示范基地。"
    annex(14, 5, "培养技能人才", "10000", "人", GTE, COUNT),
    annex(14, 5, "创建国家级技能大师工作室", "2", "家", GTE, COUNT),
    annex(14, 5, "创建省级文化产业示范基地", "2", "家", GTE, COUNT),
    # 附件第17行 (6): "开展家政职业技能培训1万人次以上,促进2000人次以上
    # 新增就业创业。"
    annex(17, 6, "家政职业技能培训", "10000", "人次", GTE, COUNT),
    annex(17, 6, "促进新增就业创业", "2000", "人次", GTE, COUNT),
    # 附件第20行 (7): "全市各类职业院校达到14所,年招生规模稳定在1.5万人
    # 以上,90%以上专业与市内合作企业实现对接,毕业生市内就业率达到50%以上"
    annex(20, 7, "各类职业院校", "14", "所", GTE, COUNT),
    annex(20, 7, "年招生规模", "15000", "人", GTE, ANNUAL),
    annex(20, 7, "专业与市内合作企业实现对接", "90", "%", GTE, PERCENT),
    annex(20, 7, "毕业生市内就业率", "50", "%", GTE, PERCENT),
    # 附件第21行 (7): "2022年争创应用型本科学校,建成高级技工学校,2024年创建
    # 技师学院。" 争创 is striving, like 力争.
    annex(
        21,
        7,
        "争创应用型本科学校",
        "1",
        "所",
        GTE,
        MILESTONE,
        deadline=Y2022,
        aspirational=True,
    ),
    annex(21, 7, "建成高级技工学校", "1", "所", GTE, MILESTONE, deadline=Y2022),
    annex(21, 7, "创建技师学院", "1", "所", GTE, MILESTONE, deadline=Y2024),
    # 附件第22行 (8): "到2025年,建设50家以上企业职工培训中心。"
    annex(22, 8, "建设企业职工培训中心", "50", "家", GTE, COUNT),
    # 附件第23行 (9): "到2025年底,围绕产业发展新增各类培训机构30家。"
    annex(23, 9, "围绕产业发展新增各类培训机构", "30", "家", GTE, COUNT),
    # 附件第24行 (10): "累计开展各类职业技能培训达10万人次。"
    annex(24, 10, "各类职业技能培训", "100000", "人次", GTE, COUNT),
    # 附件第27行 (12): "企业新型学徒力争突破2000名"
    annex(
        27,
        12,
        "深度培养根植于本土产业的企业新型学徒",
        "2000",
        "名",
        GT,
        COUNT,
        aspirational=True,
    ),
    # 附件第29行 (14): "备案的自主评价企业达到50家" (its "每个重点产业链牵头
    # 单位每年至少择优推荐1家" is each unit's duty, not a target)
    annex(29, 14, "备案的自主评价企业", "50", "家", GTE, COUNT),
    # 附件第30行 (14): "遴选不少于5家社会化职业技能等级认定评价组织,年认定
    # 规模达到2万人次以上。"
    annex(30, 14, "遴选社会化职业技能等级认定评价组织", "5", "家", GTE, COUNT),
    annex(30, 14, "年认定规模", "20000", "人次", GTE, ANNUAL),
    # 附件第31行 (14): "毕业生多证书率达到70%以上。"
    annex(31, 14, "毕业生多证书率", "70", "%", GTE, PERCENT),
    # 附件第40行 (20): "市政府特殊津贴评选及劳动模范、五一劳动奖章获得者中,
    # 技能人才比例应分别达到15%、20%以上。经申请批准后,每两年评选20家技能
    # 人才培育保障示范企业,培养选树30名优秀技能人才。" 每两年 covers both
    # selections of the same round.
    annex(40, 20, "市政府特殊津贴评选中技能人才比例", "15", "%", GTE, PERCENT),
    annex(
        40,
        20,
        "劳动模范\u3001五一劳动奖章获得者中技能人才比例",
        "20",
        "%",
        GTE,
        PERCENT,
    ),
    annex(40, 20, "评选技能人才培育保障示范企业", "20", "家", GTE, RECURRING),
    annex(40, 20, "培养选树优秀技能人才", "30", "名", GTE, RECURRING),
    # 发展目标: "到2025年,培育从事技能工作的劳动者总量翻一番,达到30万人,
    # 其中高技能人才占比达到40%以上。职业技能培训规模突破10万人次。"
    goal("培育从事技能工作的劳动者总量", "300000", "人", GTE, RELATIVE),
    goal("高技能人才占比", "40", "%", GTE, PERCENT),
    goal("职业技能培训规模", "100000", "人次", GT, COUNT),
    # "引进1000名以上具有技术攻关…等业绩成果的高技能人才来鹰就业创业。"
    # ("专项培育…“万名技工”" is the name of a programme in quotes.)
    goal("引进高技能人才", "1000", "名", GTE, COUNT),
    # "各类职业院校(含技工院校,下同)达到14所,学制教育规模突破4.5万人,建设
    # 20个省级以上技能人才培养优质平台"
    goal("各类职业院校", "14", "所", GTE, COUNT),
    goal("学制教育规模", "45000", "人", GT, COUNT),
    goal("建设省级以上技能人才培养优质平台", "20", "个", GTE, COUNT),
    # "职业院校毕业生市内实习率、市内就业率分别达到60%、50%以上,技能人才
    # 市内就业率达到50%以上"
    goal("职业院校毕业生市内实习率", "60", "%", GTE, PERCENT),
    goal("职业院校毕业生市内就业率", "50", "%", GTE, PERCENT),
    goal("技能人才市内就业率", "50", "%", GTE, PERCENT),
    # Key tasks, the targets the annex leaves out.
    # 3: "认定评价达到2万人次,带动就业创业4000余人次"
    text(3, "带动就业创业", "4000", "人次", ABOUT, COUNT),
    # 6: "培育10家家政培训示范基地,20家诚信示范企业,30个基层家政服务站"
    text(6, "培育家政培训示范基地", "10", "家", GTE, COUNT),
    text(6, "培育诚信示范企业", "20", "家", GTE, COUNT),
    text(6, "培育基层家政服务站", "30", "个", GTE, COUNT),
    # 7: "全市各类职业院校达到14所(技工院校4所)"
    text(7, "技工院校", "4", "所", GTE, COUNT),
    # 8: "其中规上企业职工培训中心覆盖率达到30%"
    text(8, "规上企业职工培训中心覆盖率", "30", "%", GTE, PERCENT),
    # 9: "支持开发20个适应产业企业发展或“技兴乡村”需要的高质量培训教材、一体
    # 化培训课程体系、专项职业能力考核规范" (no date: the policy's horizon)
    text(
        9,
        "开发高质量培训教材\u3001一体化培训课程体系\u3001专项职业能力考核规范",
        "20",
        "个",
        GTE,
        COUNT,
    ),
    # 9: "其中围绕重点产业链所需职业技能建设的培训机构不少于10家"
    text(9, "围绕重点产业链所需职业技能建设的培训机构", "10", "家", GTE, COUNT),
    # 14: "年评价规模达到5000人次以上"
    text(14, "年评价规模", "5000", "人次", GTE, ANNUAL),
    # 16: "招聘50名具有企业实践经验…的高技能领军人才到职业院校任教,引进500名
    # 能够突破关键技术…的“金蓝领”高技能人才到重点产业链就业"
    text(16, "招聘高技能领军人才", "50", "名", GTE, COUNT),
    text(16, "引进\u201c金蓝领\u201d高技能人才", "500", "名", GTE, COUNT),
]
# The annex rows that DOMAIN.md names as holding targets.
TARGET_ROWS = {3, 6, 8, 11, 14, 17, 20, 21, 22, 23, 24, 27, 29, 30, 31, 40}


def annex_rows() -> list[tuple[int, int, str]]:
    """(序号, key task number, 工作要求) as the importer reads the sheet; key
    tasks are numbered in order of first appearance, as the import does."""
    sheet = read_annex(ANNEX_PATH.read_bytes(), ANNEX_PATH.name)
    numbers = {
        name_key(title): number
        for number, title in enumerate(sheet.key_task_titles(), start=1)
    }
    return [
        (item.number, numbers[name_key(item.key_task)], item.requirement)
        for item in sheet.rows
    ]


def as_row(candidate) -> Row:
    target = candidate.target
    return Row(
        candidate.source_ref,
        candidate.task_number,
        candidate.key_task_number,
        target.metric,
        format(target.value, "f"),
        target.unit,
        target.comparator,
        target.aspirational,
        target.deadline,
        target.kind,
    )


@pytest.fixture(scope="module")
def policy_text() -> str:
    return POLICY_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def rows() -> list[tuple[int, int, str]]:
    return annex_rows()


@pytest.fixture(scope="module")
def candidates(rows, policy_text):
    return extract_candidates(annex_rows=rows, text=policy_text)


def test_extraction_finds_every_target_of_the_table_in_order(candidates):
    for number, (expected, candidate) in enumerate(
        zip(TABLE, candidates, strict=False), start=1
    ):
        assert as_row(candidate) == expected, f"表第{number}行不符"
    assert len(candidates) == len(TABLE)


def test_counts_of_targets_by_source(candidates):
    sources = Counter(
        "annex" if c.task_number else "goals" if c.source_ref == GOALS else "text"
        for c in candidates
    )
    assert sources == {"annex": 35, "goals": 10, "text": 11}
    assert len(candidates) == 56


def test_targets_come_from_exactly_the_annex_rows_domain_names(candidates):
    per_row = Counter(c.task_number for c in candidates if c.task_number)
    assert set(per_row) == TARGET_ROWS
    assert per_row == {
        3: 3,
        6: 3,
        8: 2,
        11: 3,
        14: 3,
        17: 2,
        20: 4,
        21: 3,
        22: 1,
        23: 1,
        24: 1,
        27: 1,
        29: 1,
        30: 2,
        31: 1,
        40: 4,
    }


def test_only_the_doubling_is_relative_to_a_baseline(candidates):
    relative = [c.target for c in candidates if c.target.baseline_multiplier]
    assert [(t.metric, t.value, t.baseline_multiplier) for t in relative] == [
        ("培育从事技能工作的劳动者总量", 300000, 2)
    ]
    assert relative[0].kind == RELATIVE


def test_a_bracketed_part_of_the_goals_is_kept_as_a_note(candidates):
    schools = next(
        c.target for c in candidates if c.source_ref == GOALS and c.target.unit == "所"
    )
    assert schools.note == "含技工院校,下同"
    nested = next(c.target for c in candidates if c.target.metric == "技工院校")
    assert nested.note == "含于各类职业院校14所"


def test_fingerprints_are_unique_and_the_same_on_a_second_run(
    candidates, rows, policy_text
):
    prints = [c.fingerprint for c in candidates]
    assert len(set(prints)) == len(prints)
    assert all(len(p) == 40 for p in prints)
    again = extract_candidates(annex_rows=rows, text=policy_text)
    assert [c.fingerprint for c in again] == prints


def test_fingerprint_does_not_depend_on_where_the_target_is_found(
    candidates, policy_text
):
    from_annex = next(c for c in candidates if c.source_ref == "附件第3行")
    text_only = extract_candidates(annex_rows=[], text=policy_text)
    from_text = next(c for c in text_only if c.source_ref == f"{KEY_TASK}1")
    assert from_text.target.metric == from_annex.target.metric == "规模以上铜企业"
    assert from_text.fingerprint == from_annex.fingerprint


def test_an_edited_requirement_gives_a_new_candidate(candidates, rows, policy_text):
    edited = [
        (number, key_task, requirement.replace("230家", "240家"))
        for number, key_task, requirement in rows
    ]
    again = extract_candidates(annex_rows=edited, text=policy_text)
    before = {c.fingerprint for c in candidates}
    new = [c for c in again if c.fingerprint not in before]
    assert [(c.source_ref, c.target.value) for c in new] == [("附件第3行", 240)]
    # The text still says 230家 and no annex row does any more.
    assert any(c.source_ref == f"{KEY_TASK}1" and c.target.value == 230 for c in again)


def test_the_fingerprint_follows_the_metric_value_unit_kind_date_and_key_task():
    (target,) = parse_targets("到2025年,规模以上铜企业达到230家。")
    base = fingerprint(target, key_task_number=1)
    assert base == fingerprint(target, key_task_number=1)
    assert base != fingerprint(target, key_task_number=2)
    changed = [
        target.__class__(**{**target.__dict__, field: value})
        for field, value in [
            ("metric", "规上铜企业"),
            ("value", target.value + 1),
            ("unit", "个"),
            ("kind", "annual"),
            ("deadline", datetime.date(2026, 12, 31)),
        ]
    ]
    assert all(fingerprint(t, key_task_number=1) != base for t in changed)
    same_words = target.__class__(
        **{**target.__dict__, "sentence": "改写的句子", "note": "说明"}
    )
    assert fingerprint(same_words, key_task_number=1) == base


def test_without_the_annex_the_text_gives_the_same_targets(candidates, policy_text):
    def kinds(items):
        return Counter(
            (c.key_task_number, c.target.value, c.target.unit, c.target.kind)
            for c in items
        )

    text_only = extract_candidates(annex_rows=[], text=policy_text)
    assert len(text_only) == 56
    assert kinds(text_only) == kinds(candidates)


def test_twins_in_one_key_task_get_distinct_fingerprints():
    rows = [(3, 1, "培养技能人才达到1万人。"), (4, 1, "培养技能人才达到1万人。")]
    found = extract_candidates(annex_rows=rows, text="")
    assert len({c.fingerprint for c in found}) == 2


def test_key_task_paragraphs_stop_at_the_next_chapter(policy_text):
    paragraphs = key_task_paragraphs(policy_text)
    assert [p.key_task_number for p in paragraphs] == list(range(1, 21))
    assert paragraphs[5].source_ref == f"{KEY_TASK}6"
    assert paragraphs[5].text.startswith("培育家政服务行业技能人才。")
    assert not any("保障措施" in p.text or "序号" in p.text for p in paragraphs)
    assert paragraphs[-1].text.startswith("加强技能人才服务保障。")


def test_goal_paragraphs_are_those_of_the_goals_chapter(policy_text):
    paragraphs = goal_paragraphs(policy_text)
    assert len(paragraphs) == 4
    assert paragraphs[1].text.startswith("\u2014\u2014规模素质持续提升。")
    assert all(p.source_ref == GOALS and p.key_task_number is None for p in paragraphs)


def test_policy_deadline_is_the_horizon_of_its_goals(policy_text):
    assert policy_deadline(policy_text) == Y2025
    plan_period = (
        "二\u3001发展目标\n到\u201c十四五\u201d末,技师学院达到3所。\n三\u3001主要任务\n"
    )
    assert policy_deadline(plan_period) == Y2025
    assert policy_deadline("三\u3001主要任务\n1.培训。到2027年底,培训1万人。") == (
        datetime.date(2027, 12, 31)
    )
    assert policy_deadline("没有目标的文字。") is None


def test_full_width_marks_in_the_text_give_the_same_candidates(
    candidates, rows, policy_text
):
    full_width = policy_text.translate(
        str.maketrans(
            {
                ",": "\uff0c",
                "(": "\uff08",
                ")": "\uff09",
                ":": "\uff1a",
                ";": "\uff1b",
                "%": "\uff05",
            }
        )
    )
    assert "\uff0c" in full_width
    again = extract_candidates(annex_rows=rows, text=full_width)
    assert [c.fingerprint for c in again] == [c.fingerprint for c in candidates]


@pytest.mark.parametrize(
    ("first", "second", "alike"),
    [
        ("新增核心发明专利", "新增授权核心发明专利", True),
        ("新增各类培训机构", "围绕产业发展新增各类培训机构", True),
        ("培养选树优秀高技能人才", "培养选树优秀技能人才", True),
        ("创建技师学院", "建成高级技工学校", False),
        ("争创应用型本科学校", "建成高级技工学校", False),
    ],
)
def test_similar_metrics(first, second, alike):
    assert (similarity(first, second) >= 0.5) is alike
