"""One reader of Chinese numerals for section numbers and counts."""

import pytest

from policytext.numerals import chinese_number, chinese_numeral


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        # Section numbers: (一) … (十二) … (二十三).
        ("一", 1),
        ("九", 9),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("二十三", 23),
        # Counts after a comparator and multiples.
        ("两", 2),
        ("一百", 100),
        ("十万", 100000),
        ("一万五千", 15000),
        ("一百零五", 105),
        ("两千", 2000),
        ("一千零五十", 1050),
        ("一万零一", 10001),
        ("十万零五百", 100500),
        ("一亿二千万", 120000000),
        ("一万亿", 10**12),
        ("万", 10000),
        ("\u3007", 0),
        ("零", 0),
    ],
)
def test_chinese_number_reads_the_value(numeral, value):
    assert chinese_number(numeral) == value


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("一万五", 15000), ("两百五", 250), ("三千二", 3200), ("一亿五", 150000000)],
)
def test_a_digit_after_a_large_unit_counts_in_the_unit_below(numeral, value):
    assert chinese_number(numeral) == value


@pytest.mark.parametrize(
    "text",
    [
        "",
        "主要任务",
        "12",
        "十二项",
        "一二",
        "二\u3007二五",
        "十百",
        "一百二百",
        "一万二万",
    ],
    ids=[
        "empty",
        "words",
        "arabic",
        "trailing-unit",
        "two-digits",
        "year-digits",
        "units-upwards",
        "unit-twice",
        "wan-twice",
    ],
)
def test_chinese_number_refuses_what_is_not_one_numeral(text):
    with pytest.raises(ValueError, match="not a Chinese numeral"):
        chinese_number(text)


@pytest.mark.parametrize(
    ("number", "written"),
    [
        (1, "一"),
        (3, "三"),
        (10, "十"),
        (12, "十二"),
        (20, "二十"),
        (23, "二十三"),
        (99, "九十九"),
    ],
)
def test_chinese_numeral_writes_what_chinese_number_reads(number, written):
    assert chinese_numeral(number) == written
    assert chinese_number(written) == number


@pytest.mark.parametrize("number", [0, 100, -1])
def test_chinese_numeral_refuses_what_it_cannot_write(number):
    with pytest.raises(ValueError):
        chinese_numeral(number)
