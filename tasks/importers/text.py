"""Cleaning of Chinese document text as offices type and print it."""

import re

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = r"\u3000-\u303f\uff00-\uffef“”‘’"
# A line break or space between two Chinese characters is a wrap artefact
# ("技能\n人才", "技能 人才"); between Latin words or digits it is real.
_WRAP = re.compile(rf"(?<=[{_CJK}{_CJK_PUNCT}])\s+(?=[{_CJK}{_CJK_PUNCT}])")
_SPACES = re.compile(r"\s+")

_TO_HALF = str.maketrans(
    {
        "(": "(",
        ")": ")",
        ",": ",",
        ";": ";",
        ":": ":",
        "．": ".",
        "、": "、",
        "\u3000": " ",
    }
)


def clean_text(value: object) -> str:
    """Text of a cell or line without wrap artefacts and stray spaces."""
    if value is None:
        return ""
    text = str(value).replace("\u00a0", " ").replace("\u3000", " ")
    text = _WRAP.sub("", text)
    return _SPACES.sub(" ", text).strip()


def name_key(value: str) -> str:
    """The form under which names are compared: no spaces, half-width marks.

    "各区(市)人民政府、管委会" and "各区 (市) 人民政府、管委会" share a key.
    """
    return _SPACES.sub("", clean_text(value).translate(_TO_HALF))


def to_half_width(value: str) -> str:
    return value.translate(_TO_HALF)
