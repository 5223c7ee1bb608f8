"""Chinese numerals, as policies write them: section numbers ((十二)),
counts after a comparator (达到十万人次), multiples (翻两番)."""

DIGITS = {
    "\u3007": 0,  # 〇
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
UNITS = {"十": 10, "百": 100, "千": 1000}
LARGE_UNITS = {"万": 10_000, "亿": 100_000_000}
# Every character a numeral may hold, for a pattern's character class.
CHARACTERS = "".join([*DIGITS, *UNITS, *LARGE_UNITS])


def chinese_number(text: str) -> int:
    """一 → 1, 十二 → 12, 二十三 → 23, 一百零五 → 105, 两千 → 2000,
    十万 → 100000, 一万五千 → 15000, 一万零一 → 10001, 〇 → 0.

    A digit left after 百, 千, 万 or 亿 counts in the next lower unit, as
    people say it: 一万五 → 15000, 两百五 → 250. Raises ValueError on text
    that is not one numeral: empty, another character, two digits in a row
    (一二, 二〇二五) or units out of order (十百).
    """
    if not text:
        raise ValueError("not a Chinese numeral: empty text")
    total = 0  # the groups closed by 万 or 亿
    group = 0  # below 万, since the last 万 or 亿
    digit: int | None = None  # a digit not yet given its unit
    lowest = 10_000  # the smallest unit used in the group
    wan_open = False  # a 万 was used since the last 亿
    for index, char in enumerate(text):
        if char in DIGITS:
            if digit:
                raise _not_a_numeral(text, "two digits in a row")
            digit = DIGITS[char]
        elif char in UNITS:
            unit = UNITS[char]
            if digit == 0 or unit >= lowest:
                raise _not_a_numeral(text, f"{char} out of place")
            group += (1 if digit is None else digit) * unit
            digit, lowest = None, unit
        elif char in LARGE_UNITS:
            value = group + (digit or 0)
            if not index:
                value = 1  # 万人: ten thousand
            elif not value and text[index - 1 : index + 1] != "万亿":
                raise _not_a_numeral(text, f"nothing before {char}")
            if char == "万":
                if wan_open:
                    raise _not_a_numeral(text, "万 twice")
                total += value * LARGE_UNITS[char]
            else:
                total = (total + value) * LARGE_UNITS[char]
            wan_open = char == "万"
            group, digit, lowest = 0, None, 10_000
        else:
            raise _not_a_numeral(text, f"{char!r} is not a numeral character")
    before = text[-2:-1]
    if digit and before and before in "百千万亿":
        # 一万五: the digit counts in the unit below the one before it.
        return total + group + digit * _unit(before) // 10
    return total + group + (digit or 0)


def _unit(char: str) -> int:
    return UNITS.get(char) or LARGE_UNITS[char]


def _not_a_numeral(text: str, reason: str) -> ValueError:
    return ValueError(f"not a Chinese numeral: {text!r} ({reason})")


def chinese_numeral(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 23 → 二十三, as a heading's
    (十二) or 第三季度 writes them: the inverse of ``chinese_number`` for
    1 to 99."""
    if not 0 < number < 100:
        raise ValueError(f"{number} 不在 1–99 之间")
    names = "一二三四五六七八九"
    tens, ones = divmod(number, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else names[tens - 1] + "十")
    return head + (names[ones - 1] if ones else "")
