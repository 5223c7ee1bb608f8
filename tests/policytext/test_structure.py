"""Reading a policy document into header, sections, key tasks and notes,
without a database.

Full-width marks inside strings are written as escapes: some editors fold
them to ASCII (\\uff08 \\uff09 brackets, \\uff1a colon, \\uff1b semicolon,
\\u3014 \\u3015 the tortoise-shell brackets).
"""

import datetime

import pytest

from policytext.errors import ReadFailed
from policytext.structure import decode, read_policy_text

TEXT = """\
文  号:鹰府办发〔2023〕1号
发文机关:鹰潭市人民政府办公室
成文日期:2023-05-06
有 效 性:有效
关于实施“技能鹰潭”行动的意见
一、总体要求
1.这一行不在主要任务一章。
三、主要任务
\uff08一\uff09培育技能人才。
1.开展职业技能培训。每年培训1万人次。\u3014牵头单位\uff1a市人社局\uff1b配合单位\uff1a市财政局、市教育局\u3015
2.建设实训基地。(牵头单位:市人社局)
\uff08十二\uff09完善激励机制
3.落实奖补政策。
四、保障措施
4.这一行在下一章。
"""


def test_header_fields_are_read():
    policy = read_policy_text(TEXT, "policy.txt")
    assert policy.number == "鹰府办发〔2023〕1号"
    assert policy.issuer == "鹰潭市人民政府办公室"
    assert policy.issued_on == datetime.date(2023, 5, 6)
    assert policy.repealed_on is None
    assert policy.validity == "有效"
    assert policy.title == "关于实施“技能鹰潭”行动的意见"


def test_sections_are_numbered_by_their_chinese_numeral():
    policy = read_policy_text(TEXT, "policy.txt")
    assert policy.sections == {1: "培育技能人才", 12: "完善激励机制"}


def test_key_tasks_of_the_main_tasks_chapter_only_with_their_section():
    policy = read_policy_text(TEXT, "policy.txt")
    assert [(t.line, t.number, t.section, t.title) for t in policy.key_tasks] == [
        (10, 1, 1, "开展职业技能培训"),
        (11, 2, 1, "建设实训基地"),
        (13, 3, 12, "落实奖补政策"),
    ]


def test_the_role_note_is_split_into_lead_and_cooperating_departments():
    first, second, third = read_policy_text(TEXT, "policy.txt").key_tasks
    assert first.note == "\u3014牵头单位:市人社局;配合单位:市财政局、市教育局\u3015"
    assert (first.lead, first.cooperating) == ("市人社局", "市财政局、市教育局")
    assert first.body == "开展职业技能培训。每年培训1万人次。"
    assert (second.lead, second.cooperating) == ("市人社局", "")
    assert (third.note, third.lead) == ("", "")


def test_a_key_task_without_a_note_is_noted_not_refused():
    policy = read_policy_text(TEXT, "policy.txt")
    assert policy.notes == ["第13行:重点任务3未注明牵头单位。"]


def test_every_problem_is_listed_at_once():
    text = TEXT.replace("文  号:鹰府办发〔2023〕1号\n", "").replace(
        "3.落实奖补政策", "5.落实奖补政策"
    )
    with pytest.raises(ReadFailed) as failure:
        read_policy_text(text, "policy.txt")
    assert failure.value.errors == [
        "文件“policy.txt”中没有找到文号(“文 号:”一行)。",
        "重点任务序号不连续,缺少:3、4。",
    ]


def test_a_text_without_the_main_tasks_chapter_is_refused():
    with pytest.raises(ReadFailed) as failure:
        read_policy_text(TEXT.replace("三、主要任务", "三、工作任务"), "policy.txt")
    assert failure.value.errors == [
        "文件“policy.txt”中没有找到“主要任务”一章(如“三、主要任务”)。"
    ]


def test_the_callers_check_adds_its_problems_to_the_same_list():
    def check(policy):
        return [f"{len(policy.key_tasks)} 项"]

    with pytest.raises(ReadFailed) as failure:
        read_policy_text(TEXT, "policy.txt", check=check)
    assert failure.value.errors == ["3 项"]


def test_decode_reads_utf8_and_gb18030():
    assert decode(TEXT.encode("utf-8-sig"), "a.txt") == TEXT
    assert decode(TEXT.encode("gb18030"), "a.txt") == TEXT


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"  \n", "文件“a.txt”是空文件。"),
        ("\nTITLE".encode("utf-16-le"), "文件“a.txt”第2行含有空字符"),
    ],
    ids=["empty", "utf-16-without-bom"],
)
def test_decode_refuses_what_cannot_be_stored(data, message):
    with pytest.raises(ReadFailed) as failure:
        decode(data, "a.txt")
    assert failure.value.errors[0].startswith(message)
