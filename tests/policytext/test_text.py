"""Cleaning of document text: wraps, spaces, widths and name keys."""

import pytest

from policytext.text import clean_text, name_key, to_half_width

GROUP = "各区(市)人民政府、管委会"
# Full-width marks, escaped so that no editor or tool can fold them to ASCII.
FW_LPAREN, FW_RPAREN = "\uff08", "\uff09"
FW_COMMA, FW_SEMICOLON, FW_COLON = "\uff0c", "\uff1b", "\uff1a"
FW_GROUP = f"各区{FW_LPAREN}市{FW_RPAREN}人民政府、管委会"


@pytest.mark.parametrize(
    "value",
    [
        "技能\n人才",
        "技能\r\n人才",
        "技能 人才",
        "技能\u3000人才",
        "技能\u00a0人才",
        "技能\n \n人才",
        "  技能人才\n",
    ],
    ids=["lf", "crlf", "space", "ideographic-space", "nbsp", "blank-line", "outer"],
)
def test_clean_text_removes_wraps_and_spaces_between_chinese_characters(value):
    assert clean_text(value) == "技能人才"


def test_clean_text_removes_a_wrap_next_to_chinese_punctuation():
    assert clean_text("将“铜+互联网”\n引入培育过程\uff0c\n助推。\n到") == (
        "将“铜+互联网”引入培育过程\uff0c助推。到"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("引入培育过程,\n助推", "引入培育过程,助推"),
        ("补助经费;\n公办职业院校", "补助经费;公办职业院校"),
        ("电子信息(物联网)\n产业链", "电子信息(物联网)产业链"),
        ("电子信息\n(物联网)产业链", "电子信息(物联网)产业链"),
    ],
    ids=["after-comma", "after-semicolon", "after-bracket", "before-bracket"],
)
def test_clean_text_removes_a_wrap_next_to_half_width_punctuation_in_chinese(
    value, expected
):
    assert clean_text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("规模以上铜企业达到230\n家", "规模以上铜企业达到230家"),
        ("到\n2025年", "到2025年"),
    ],
    ids=["digit-then-chinese", "chinese-then-digit"],
)
def test_clean_text_removes_a_wrap_between_a_digit_and_a_chinese_character(
    value, expected
):
    assert clean_text(value) == expected


def test_clean_text_keeps_one_space_between_latin_words_and_digits():
    assert clean_text("Microsoft  Office\n365 培训") == "Microsoft Office 365 培训"


def test_clean_text_of_empty_cells_and_numbers():
    assert clean_text(None) == ""
    assert clean_text("   ") == ""
    assert clean_text(17) == "17"


def test_name_key_ignores_spaces_and_wraps():
    assert name_key("各区 (市) 人民政府、管委会") == GROUP
    assert name_key("各区(市)\n人民政府、管委会") == GROUP
    assert name_key("市 人社局") == "市人社局"


def test_name_key_ignores_bracket_width():
    assert name_key(FW_GROUP) == GROUP


def test_to_half_width_converts_the_full_width_full_stop():
    assert to_half_width("1\uff0e5、2") == "1.5、2"


def test_to_half_width_converts_full_width_brackets_and_commas():
    marks = FW_LPAREN + "一" + FW_RPAREN + FW_COLON + FW_SEMICOLON + FW_COMMA
    assert to_half_width(marks) == "(一):;,"
