"""Cleaning of Chinese document text as offices type and print it.

Full-width characters are written as escapes here: some editors fold them
to ASCII, which would silently turn the mapping into a no-op.
"""

import re

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_MARKS = r"\u3000-\u303f\uff00-\uffef\u201c\u201d\u2018\u2019"
# ASCII marks that these documents use between Chinese words ("过程,助推").
_ASCII_MARKS = r",.;:()%!?"
_CHINESE = f"{_CJK}{_CJK_MARKS}"
# A space or line break between two pieces of Chinese text is a wrap
# artefact ("技能\n人才", "技能 人才", "过程,\n助推"); so is a line break
# next to Chinese text ("230\n家"). Between Latin words both are real.
_WRAP_BETWEEN = re.compile(
    rf"(?<=[{_CHINESE}{_ASCII_MARKS}])\s+(?=[{_CHINESE}{_ASCII_MARKS}])"
)
_WRAP_LINE = re.compile(rf"(?<=[{_CHINESE}])\s*\n\s*|\s*\n\s*(?=[{_CHINESE}])")
_SPACES = re.compile(r"\s+")

_TO_HALF = str.maketrans(
    {
        "\uff08": "(",
        "\uff09": ")",
        "\uff0c": ",",
        "\uff1b": ";",
        "\uff1a": ":",
        "\uff0e": ".",
        "\uff05": "%",
        "\u3000": " ",
    }
)


def clean_text(value: object) -> str:
    """Text of a cell or line without wrap artefacts and stray spaces."""
    if value is None:
        return ""
    text = str(value).replace("\u00a0", " ").replace("\u3000", " ")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _WRAP_LINE.sub("", text)
    text = _WRAP_BETWEEN.sub("", text)
    return _SPACES.sub(" ", text).strip()


def name_key(value: str) -> str:
    """The form under which names are compared: no spaces, half-width marks.

    "各区(市)人民政府、管委会" and "各区\uff08市\uff09人民政府、管委会" share a key.
    """
    return _SPACES.sub("", to_half_width(clean_text(value)))


def to_half_width(value: str) -> str:
    return value.translate(_TO_HALF)


_FULL_WIDTH_DIGITS = str.maketrans(
    "\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19", "0123456789"
)


def whole_number(value: object) -> int | None:
    """The whole number a cell holds or a person typed, in ASCII or
    full-width digits ("12", "\uff11\uff12", 12, 12.0); else None, as for
    "12.5", "-3" or "". str.isdigit() alone also passes "²" and "①",
    which int() refuses, and int() refuses more than 4,300 digits."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, int):
        return value
    text = clean_text(value).translate(_FULL_WIDTH_DIGITS)
    if not (text.isascii() and text.isdigit()) or len(text) > 4000:
        return None
    return int(text)
