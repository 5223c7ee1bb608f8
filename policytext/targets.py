"""Quantitative targets in the sentences of a policy.

A pure parser: it reads text and proposes targets that a person then
accepts, edits or rejects; it never touches the database.

What is read as a target: a number with a unit of things counted (人, 人次,
名, 家, 所, 项, 个 ...) or a percentage, in a clause that sets a level to
reach ("到2025年,规模以上铜企业达到230家", "培育10家家政培训示范基地"); a
dated creation of an institution ("2024年创建技师学院", a milestone); a
multiple of a baseline ("翻一番").

What is not, with the reason (see EXCLUSIONS; each has a test):

- dates and durations: "2025年", "1年以上劳动合同", "3个月以上社保";
- money: "3000元/人", "100万元" (item 19's awards are rules, not targets);
- categories and grades: "12类重点产业链", "一级";
- ordinals: "第一", "第3批";
- ratios: "2:8比例";
- percentages without a level to reach: "30%抵免" (a tax rule), "上浮10%";
- a duty of each unit: "每个重点产业链牵头单位每年至少择优推荐1家" is
  checked as a task, not summed into a target (DOMAIN lists annex row 26 as
  no target, row 29 only for its 50家);
- a number inside a quoted name: "“万名技工”", "“1+X”";
- a present state: "现有技工院校3所";
- an upper bound ("不超过", "控制在…以内"): Comparator has no "at most".

Values in Chinese numerals are read only after a comparator word ("达到十万
人次") and in 翻N番: elsewhere they are names ("两大平台", "五个维度").

Full-width characters are written as escapes: some editors fold them to
ASCII, which would silently change the patterns. Input is folded to
half-width first, so the patterns themselves use , ; : ( ) %.
"""

import dataclasses
import datetime
import enum
import re
from dataclasses import dataclass
from decimal import Decimal

from .numerals import CHARACTERS, chinese_number
from .text import clean_text, to_half_width


class Comparator(enum.StrEnum):
    """The values of targets.models.Comparator, which adds the labels."""

    AT_LEAST = "gte"
    ABOVE = "gt"
    ABOUT = "about"
    AT_MOST = "lte"


class TargetKind(enum.StrEnum):
    """The values of targets.models.TargetKind, which adds the labels."""

    CUMULATIVE = "cumulative"
    ANNUAL = "annual"
    PERCENTAGE = "percentage"
    MILESTONE = "milestone"
    RELATIVE = "relative"
    RECURRING = "recurring"


DUN = "\u3001"  # the enumeration comma between items of a list
FULL_STOP = "\u3002"
LEFT_QUOTE, RIGHT_QUOTE = "\u201c", "\u201d"
OPENING = "([\u3014\u3010"
CLOSING = ")]\u3015\u3011"

EXCLUSIONS = {
    "duration": "日期或时长(年、月、天),如“2025年”“1年以上劳动合同”",
    "money": "金额(元),如“3000元/人”“100万元奖励”",
    "category": "类别或等级,如“12类重点产业链”",
    "ordinal": "序数,如“第3批”",
    "per-unit": "每个单位的义务,如“每个重点产业链牵头单位每年至少择优推荐1家”",
    "rule": "无达到要求的比例,如“30%抵免”“上浮10%”",
    "baseline": "现状而非目标,如“现有技工院校3所”",
    "upper-bound": "上限(不超过、控制在…以内),比较方式中没有“至多”",
    "quoted": "引号中的名称,如“万名技工”“1+X”",
    "ratio": "比例分担,如“按2:8比例负担”",
    "scope": "适用范围或条件,如“30人(含)以下的企业”“对参保职工30人以上的企业”",
    "contents": "文件自身的任务或单位数,如“明确133项具体任务,涉及34个牵头单位”",
}

# Units of things counted; the value of "万人" is ×10000 in 人.
COUNT_UNITS = (
    "个百分点",
    "人次",
    "平方米",
    "人",
    "名",
    "家",
    "所",
    "项",
    "个",
    "户",
    "座",
    "条",
    "套",
    "场",
    "期",
    "次",
    "批",
    "支",
    "门",
    "种",
    "本",
    "部",
    "台",
    "处",
    "间",
    "张",
    "亩",
    "架",
    "倍",
)
_EXCLUDED_UNITS = {
    "个月": "duration",
    "小时": "duration",
    "年": "duration",
    "月": "duration",
    "天": "duration",
    "日": "duration",
    "周": "duration",
    "岁": "duration",
    "元": "money",
    "类": "category",
    "级": "category",
}
_UNIT_PATTERN = "|".join(
    sorted([*COUNT_UNITS, *_EXCLUDED_UNITS, "%"], key=len, reverse=True)
)
_MULTIPLIERS = {"": 1, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
_MULTIPLIERS["万亿"] = 10_000 * 100_000_000  # "5.3万亿元"
_MULT = r"万亿|[百千万亿]"
_TOKEN = re.compile(
    r"(?<![\d.:/\-])(?P<num>\d+(?:\.\d+)?)"
    rf"(?P<about1>[余多])?(?P<mult>{_MULT})?(?P<about2>[余多])?"
    rf"(?P<unit>{_UNIT_PATTERN})"
    r"(?P<post>及以上|以上|左右)?"
)
_CN_NUMBER = CHARACTERS
_CN_TOKEN = re.compile(
    r"(?:达到|突破|超过|不少于|不低于|至少|达)"
    rf"(?P<num>[{_CN_NUMBER}]+)(?P<about1>[余多])?"
    r"(?P<unit>人次|人|名|家|所|项|个)(?P<post>及以上|以上|左右)?"
)

_GT_WORDS = ("突破", "超过", "高于", "多于")
_GTE_WORDS = ("达到", "不少于", "不低于", "至少", "稳定在", "保持在", "达")
_ABOUT_WORDS = ("约",)
_ASPIRATION_WORDS = ("力争", "争取")
_FILLER_WORDS = (
    "分别",
    "确保",
    "累计",
    "共计",
    "合计",
    "总计",
    "应",
    "要",
    "提高",
    "增长",
)
_TAIL_WORDS = sorted(
    [*_GT_WORDS, *_GTE_WORDS, *_ABOUT_WORDS, *_ASPIRATION_WORDS, *_FILLER_WORDS],
    key=len,
    reverse=True,
)
_GENERAL_TAIL_WORDS = sorted([*_TAIL_WORDS, "超"], key=len, reverse=True)
_AT_LEAST_WORDS = ("不少于", "不低于", "至少", "超过", "突破", "超", "高于", "多于")
_GROWTH = re.compile(r"(增长|增速|涨幅|增幅|降幅|下降|降低|减少)(率)?(为|达到|达)?$")
_CONTROL = re.compile(r"控制在$")
# "50%的城市社区建成综合体": a share of a set that reaches a state is a level
# to reach, though no comparator word stands before it ("50%的政策", "30%
# 的资金用于" are not).
_SHARE_REACHING = re.compile(
    r"^的[^,;:]{1,20}?(建成|达到|达标|实现|完成|具备|覆盖|建立|配备|通过|拥有)"
)
_SCOPE_AFTER = re.compile(r"^\(含\)")
_CONDITION_BEFORE = re.compile(r"(?:^|[,;])对[^,;]*$")
_SPENDING_AFTER = re.compile(r"^(的)?(资金|经费)?用于")
_FOR_WHOM = re.compile(r"以[^,;]*$")
_SERVED = re.compile(r"为(?:主要|重点|服务|帮扶|工作)?对象")
# "明确133项具体任务,涉及34个牵头单位": a plan counting its own tasks and
# the units it names, not a level to reach.
_CONTENTS_BEFORE = re.compile(r"(明确|细化|分解|分解为|涉及|包括|包含|列出|梳理出|共)$")
_CONTENTS_AFTER = re.compile(
    r"^(具体|重点|主要|工作)*(任务|事项|工作任务)"
    r"|^(牵头|责任|配合|协同|协办|参与)?(单位|部门)"
)
_MONEY_RULE = re.compile(r"给予|奖励|补贴|补助|资助|贴息|最高|每|一次性|费用|标准")
_MONEY_LEVEL = re.compile(r"(规模|总量|产值|收入|投资|总额|增加值|营业额|交易额)$")
_UPPER_BOUND_BEFORE = re.compile(r"(不超过|不高于|控制在|(?<!不)低于)$")
_UPPER_BOUND_AFTER = re.compile(r"^(以内|以下)")
_PER_UNIT = re.compile(
    r"每(个|家|所|名|位|户|村|县|区|乡|镇|企业|单位|学校|院校|重点|条)"
)
_BASELINE = re.compile(r"现有|已有|已建成|目前|共有|现已|截至目前")

_YEAR = r"(?:19|20)\d{2}"
_DATE = re.compile(
    r"(?P<pre>到|至|截至|截止到|截止|从|自|于)?"
    rf"(?<!\d)(?P<year>{_YEAR})年"
    r"(?:(?P<month>\d{1,2})月)?"
    r"(?P<edge>底|末|以前|之前|前)?"
    r"(?P<start>起|以来|开始)?"
)
_PLAN_PERIOD = re.compile(
    rf"(?:到|至)?{LEFT_QUOTE}?十(?P<n>[一二三四五六七八九])五{RIGHT_QUOTE}?"
    r"(?:规划期末|规划期间|期间|时期|末)?"
)
_EVERY_YEARS = re.compile(r"每(?:\d+|[两二三四五六七八九十])?年")
_DOUBLINGS = re.compile(r"翻(?P<n>\d|[一二两三四五])番")
_LEAD = re.compile(
    r"^(?:"
    r"(?:到|至|截至|截止到|截止|从|自|于)?" + _YEAR + r"年(?:\d{1,2}月)?"
    r"(?:底|末|以前|之前|前)?(?:起|以来|开始)?"
    rf"|(?:到|至)?{LEFT_QUOTE}?十[一二三四五六七八九]五{RIGHT_QUOTE}?"
    r"(?:规划期末|规划期间|期间|时期|末)?"
    r"|每(?:\d+|[两二三四五六七八九十])?年"
    r"|通过.+?(?:开展|实施)"
    r"|其中|全市|全区|全县|全省|累计|力争|争取|分别|开展|支持|鼓励|推动|大力"
    r"|积极|加快|深入|持续"
    r")"
)
_EDGES = f" ,;:.{DUN}{FULL_STOP}"
_ANNUAL = re.compile(r"^年|年均|年度")
_MILESTONE = re.compile(
    r"^(?P<verb>争创|创建|建成|创成|组建|成立|设立|挂牌|升格为|建立)(?P<noun>.+)$"
)
_INSTITUTION = re.compile(
    r"(学院|学校|大学|院校|中心|基地|平台|园区|产业园|工作室|工作站|服务站|联盟"
    r"|研究院|馆)$"
)
_SCHOOL = re.compile(r"(学院|学校|大学|院校)$")
_DESTINATION = re.compile(
    r"(来鹰|来[^,]{1,3}?|到[^,]+?|赴[^,]+?)(就业创业|就业|创业|任教|工作|服务)$"
)
_NESTED_LEAD = re.compile(r"^(含|包括|包含|其中)")
_RESPONSIBILITY = re.compile(
    r"[(\[\u3014\u3010]\s*(?:牵头单位|责任单位|配合单位)[^)\]\u3015\u3011]*"
    r"[)\]\u3015\u3011]"
)
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_FULL_WIDTH_DIGITS = {0xFF10 + i: str(i) for i in range(10)}
_QUOTED = re.compile(rf"{LEFT_QUOTE}[^{RIGHT_QUOTE}]*{RIGHT_QUOTE}")
_NUMERAL = re.compile(rf"\d|[{_CN_NUMBER}]+[{''.join(COUNT_UNITS)}]")
_DATE_ONLY = re.compile(rf"{_YEAR}年")
_RATIO = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?::\d+(?:\.\d+)?)+")


@dataclass(frozen=True)
class ParsedTarget:
    metric: str
    value: Decimal
    unit: str
    comparator: str
    aspirational: bool
    deadline: datetime.date | None
    kind: str
    baseline_multiplier: Decimal | None
    note: str
    sentence: str
    # read_targets only: where the number and its clause stand in the text
    # that was read, and the comparison as written ("=", ">=", "<=",
    # "about"); parse_targets leaves them empty.
    span: tuple[int, int] | None = None
    clause_span: tuple[int, int] | None = None
    relation: str = ""


def parse_targets(
    text: str, *, default_deadline: datetime.date | None = None
) -> list[ParsedTarget]:
    """The targets of a text, in the order they are written.

    A deadline ("到2025年", "到2027年底", "十四五期间") holds for what follows
    it in the text until the next one; before any, `default_deadline`.
    """
    return _read(text, default_deadline).targets


def excluded_numbers(text: str) -> list[tuple[str, str]]:
    """The numbers of a text that are not targets, each with the key of its
    reason in EXCLUSIONS: [("30%", "rule"), ("12类", "category"), …].
    Dates that serve as deadlines are not listed."""
    return _read(text, None).excluded


def read_targets(
    text: str, *, default_deadline: datetime.date | None = None
) -> list[ParsedTarget]:
    """The general reading of one sentence of any office's document, as
    policytext.document cleans it (half-width, no wraps, no role notes):
    the text is read as given, so each target's span and clause_span are
    places in it.

    Beyond parse_targets it reads amounts of money set as a level ("超1000
    亿元", "超过五千亿规模"), growth rates ("增长6%左右", "年均下降5%"),
    fractions (1/3, 三分之一), ranges (8—10个, read as at least 8), upper
    bounds set as a level ("控制在5.5%以内"), and the goals of a quoted goal
    sentence; a year that merely names the year ("2017年发展的主要预期目标
    是") is no deadline; scopes ("30人(含)以下的企业", "对参保职工30人以上
    的企业"), baselines ("以…为对象") and spending rules ("N%以上用于") are
    not targets."""
    return _read(text, default_deadline, general=True).targets


def _read(
    text: str, default_deadline: datetime.date | None, *, general: bool = False
) -> "_Reader":
    reader = _Reader(default_deadline, general=general)
    reader.read_text(text if general else normalise(text), 0)
    return reader


def _pieces(text: str, separators: str, offset: int):
    """The non-empty pieces of split_top_level, stripped, each with where it
    starts in the text (plus offset)."""
    start = 0
    for piece in split_top_level(text, separators):
        stripped = piece.strip(_EDGES)
        if stripped:
            yield stripped, offset + start + len(piece) - len(piece.lstrip(_EDGES))
        start += len(piece) + 1


def normalise(text: str) -> str:
    """Half-width marks and digits, no wrap artefacts, no 〔牵头单位:…〕."""
    text = to_half_width(clean_text(text)).translate(_FULL_WIDTH_DIGITS)
    text = _RESPONSIBILITY.sub("", text)
    return _THOUSANDS.sub("", text)


def split_top_level(text: str, separators: str) -> list[str]:
    """Pieces of text between separators that stand outside brackets and
    quotes, and not between digits ("2:8"): "各类职业院校(含技工院校,下同)
    达到14所" is one clause."""
    pieces, start = [], 0
    for index, (char, depth) in enumerate(zip(text, _depths(text), strict=True)):
        between_digits = text[index - 1 : index].isdigit() and (
            text[index + 1 : index + 2].isdigit()
        )
        if depth == 0 and char in separators and not between_digits:
            pieces.append(text[start:index])
            start = index + 1
    pieces.append(text[start:])
    return pieces


def _depths(text: str) -> list[int]:
    """Bracket and quote depth of each character; a bracket counts as
    inside itself."""
    depth, depths = 0, []
    for char in text:
        if char in OPENING or char == LEFT_QUOTE:
            depth += 1
            depths.append(depth)
        elif char in CLOSING or char == RIGHT_QUOTE:
            depths.append(depth)
            depth = max(depth - 1, 0)
        else:
            depths.append(depth)
    return depths


def _brackets(text: str) -> list[tuple[int, int]]:
    """Spans of the top-level brackets (not quotes) of a text."""
    spans, start, depth = [], None, 0
    for index, char in enumerate(text):
        if char in OPENING:
            if depth == 0:
                start = index
            depth += 1
        elif char in CLOSING and depth:
            depth -= 1
            if depth == 0 and start is not None:
                spans.append((start, index + 1))
    return spans


def _without_brackets(text: str) -> tuple[str, list[str]]:
    """Text with its brackets cut out, and what they held."""
    inner, kept, last = [], [], 0
    for start, end in _brackets(text):
        kept.append(text[last:start])
        inner.append(text[start + 1 : end - 1].strip(_EDGES))
        last = end
    kept.append(text[last:])
    return "".join(kept), [item for item in inner if item]


def _year_end(year: int, month: int | None = None) -> datetime.date:
    if not month or month == 12:
        return datetime.date(year, 12, 31)
    return datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)


def _plain_number(value: Decimal) -> Decimal:
    """15000.0 → 15000, 1.50 → 1.5, never 1.5E+4."""
    if value == value.to_integral_value():
        return Decimal(int(value))
    return Decimal(format(value.normalize(), "f"))


@dataclass
class _Token:
    start: int
    end: int
    value: Decimal
    unit: str
    post: str
    about: bool
    excluded: str = ""
    range: bool = False  # "8—10个": the lower bound, at least
    upper: bool = False  # "控制在5.5%以内": at most


_CONNECTOR = r"\s*(?:到|至|\u2014+|\u2013|\uff0d|-|~|\uff5e)\s*"
_RANGE = re.compile(
    r"(?<![\d.:/\-])(?P<low>\d+(?:\.\d+)?)"
    rf"(?P<lowmult>{_MULT})?"
    + _CONNECTOR
    + r"(?P<num>\d+(?:\.\d+)?)(?P<about1>[余多])?"
    rf"(?P<mult>{_MULT})?"
    rf"(?P<unit>{_UNIT_PATTERN})"
    r"(?P<post>及以上|以上|左右)?"
)
_FRACTION = re.compile(
    r"(?<![\d./\-])(?P<a>\d{1,3})/(?P<b>\d{1,3})(?![\d/\-])(?P<post>及以上|以上|左右)?"
)
_CN_FRACTION = re.compile(
    r"(?P<b>[一二三四五六七八九十]+)分之(?P<a>[一二三四五六七八九十]+)"
    r"(?P<post>及以上|以上|左右)?"
)
_CN_AMOUNT = re.compile(
    r"(?:达到|突破|超过|不少于|不低于|至少|达|超)"
    rf"(?P<num>[{CHARACTERS}]+?[万亿])(?P<unit>元|规模)"
    r"(?P<post>及以上|以上|左右)?"
)


def _tokens(text: str, *, general: bool = False) -> list[_Token]:
    """Numbers with units outside brackets and quotes, with the reason when
    one is not a target value by its form alone."""
    depths = _depths(text)
    masked = "".join(
        "\u25a1" if depth else char for char, depth in zip(text, depths, strict=True)
    )
    found = [] if not general else _general_tokens(masked)
    for match in _TOKEN.finditer(masked):
        unit = match["unit"]
        value = Decimal(match["num"]) * _MULTIPLIERS[match["mult"] or ""]
        token = _Token(
            start=match.start(),
            end=match.end(),
            value=_plain_number(value),
            unit=unit,
            post=match["post"] or "",
            about=bool(match["about1"] or match["about2"]),
            excluded=_EXCLUDED_UNITS.get(unit, ""),
        )
        if unit == "个百分点":
            token.unit = "百分点"
        if masked[: match.start()].endswith("第"):
            token.excluded = "ordinal"
        found.append(token)
    for match in _CN_TOKEN.finditer(masked):
        try:
            value = chinese_number(match["num"])
        except ValueError:  # "达到三四家" gives no value to read
            continue
        found.append(
            _Token(
                start=match.start("num"),
                end=match.end(),
                value=Decimal(value),
                unit=match["unit"],
                post=match["post"] or "",
                about=bool(match["about1"]),
            )
        )
    if general:
        found = _without_overlaps(found)
    return sorted(found, key=lambda token: token.start)


def _general_tokens(masked: str) -> list[_Token]:
    """The forms only read_targets reads: ranges, fractions, amounts in
    Chinese numerals."""
    found = []
    for match in _RANGE.finditer(masked):
        mult = _MULTIPLIERS[match["lowmult"] or match["mult"] or ""]
        unit = match["unit"]
        found.append(
            _Token(
                start=match.start(),
                end=match.end(),
                value=_plain_number(Decimal(match["low"]) * mult),
                unit="百分点" if unit == "个百分点" else unit,
                post=match["post"] or "",
                about=bool(match["about1"]),
                excluded=_EXCLUDED_UNITS.get(unit, ""),
                range=True,
            )
        )
    for pattern in (_FRACTION, _CN_FRACTION):
        for match in pattern.finditer(masked):
            try:
                a, b = (
                    int(match[n]) if match[n].isdigit() else chinese_number(match[n])
                    for n in ("a", "b")
                )
            except ValueError:
                continue
            if not b or a > b:
                continue
            value = (Decimal(a) / Decimal(b)).quantize(Decimal("0.0001"))
            found.append(
                _Token(
                    start=match.start(),
                    end=match.end(),
                    value=_plain_number(value),
                    unit="",
                    post=match["post"] or "",
                    about=False,
                )
            )
    for match in _CN_AMOUNT.finditer(masked):
        try:
            value = chinese_number(match["num"])
        except ValueError:
            continue
        found.append(
            _Token(
                start=match.start("num"),
                end=match.end(),
                value=Decimal(value),
                unit="元",
                post=match["post"] or "",
                about=False,
                excluded="money",
            )
        )
    return found


def _without_overlaps(tokens: list[_Token]) -> list[_Token]:
    """The first-found of overlapping tokens: a range or a fraction before
    the plain number inside it."""
    kept: list[_Token] = []
    for token in tokens:
        if all(token.end <= other.start or token.start >= other.end for other in kept):
            kept.append(token)
    return kept


def _strip_tail(text: str, *, general: bool = False) -> tuple[str, list[str]]:
    """Text without the comparator and filler words that end it."""
    words: list[str] = []
    text = text.strip(_EDGES)
    changed = True
    while changed:
        changed = False
        for word in _GENERAL_TAIL_WORDS if general else _TAIL_WORDS:
            if text.endswith(word) and len(text) >= len(word):
                words.append(word)
                text = text[: -len(word)].strip(_EDGES)
                changed = True
                break
    return text, words


def _strip_lead(text: str) -> str:
    """Text without the date, period and adverbs that open it."""
    text = text.strip(_EDGES)
    while match := _LEAD.match(text):
        if not match.group():
            break
        text = text[match.end() :].strip(_EDGES)
    return text


def _clean_noun(text: str) -> str:
    """The thing counted after a number: "具有…业绩成果的高技能人才来鹰就业
    创业" → "高技能人才"."""
    text = text.strip(_EDGES)
    if "的" in text:
        head = text.rsplit("的", 1)[1]
        if len(head) >= 2:
            text = head
    match = _DESTINATION.search(text)
    if match and match.start() >= 2:
        text = text[: match.start()]
    return text.strip(_EDGES)


def _split_items(text: str, count: int) -> list[str] | None:
    """The items of "A、B" or "A及B" when there are `count` of them."""
    for pattern in ("及|和|与", DUN):
        parts = [part.strip(_EDGES) for part in re.split(pattern, text)]
        if len(parts) == count and all(parts):
            return parts
    return None


def _complete_items(parts: list[str]) -> list[str]:
    """In "职业院校毕业生市内实习率、市内就业率" the second item shares the
    first's opening words."""
    first = parts[0]
    completed = [first]
    for part in parts[1:]:
        position = first.find(part[:2])
        completed.append(first[:position] + part if position > 0 else part)
    return completed


def _comparator(words: list[str], token: _Token, post: str) -> str:
    if any(word in _GT_WORDS for word in words):
        return Comparator.ABOVE.value
    if token.about or post == "左右" or any(word in _ABOUT_WORDS for word in words):
        return Comparator.ABOUT.value
    return Comparator.AT_LEAST.value


def _multiplier(match: re.Match) -> Decimal:
    count = match["n"]
    times = int(count) if count.isdigit() else chinese_number(count)
    return Decimal(2**times)


def _plan_period_end(numeral: str) -> datetime.date:
    """十四五 → 2025-12-31: the 14th five-year plan runs 2021–2025."""
    plan = 10 + "一二三四五六七八九".index(numeral) + 1
    return _year_end(1955 + 5 * plan)


def _is_comparator(word: str) -> bool:
    return word in _GT_WORDS or word in _GTE_WORDS or word in _ABOUT_WORDS


@dataclass
class _Sentence:
    text: str
    recurring: bool = False
    aspirational: bool = False
    milestone_date: datetime.date | None = None
    # The cleaned text of the clause just before, when it had no number:
    # the subject a following "达到30万人" or "分别达到15%、20%" refers to.
    previous_clause: str = ""
    previous: ParsedTarget | None = None
    previous_verb: str = ""
    doubling: tuple[Decimal, str] | None = None


@dataclass
class _Group:
    """Numbers joined by 、 ("60%、50%以上"), with the text before them and
    the text after them up to the next group."""

    tokens: list[_Token]
    start: int
    end: int
    prefix: str = ""
    after: str = ""


class _Reader:
    def __init__(self, default_deadline: datetime.date | None, *, general=False):
        self.default_deadline = default_deadline
        self.general = general
        self.deadline: datetime.date | None = None
        self.targets: list[ParsedTarget] = []
        self.excluded: list[tuple[str, str]] = []

    def read_text(self, text: str, offset: int) -> None:
        for sentence, start in _pieces(text, f"{FULL_STOP};!?", offset):
            self.read_sentence(sentence, start)

    def read_sentence(self, text: str, offset: int = 0) -> None:
        sentence = _Sentence(text=text)
        for clause, start in _pieces(text, ",:", offset):
            self._read_clause(sentence, clause, start)
        self._flush_doubling(sentence)
        if self.general:
            for match in _QUOTED.finditer(text):
                inner = match.group()[1:-1]
                if _is_goal_sentence(inner):
                    self.read_text(inner, offset + match.start() + 1)

    def _read_clause(self, sentence: _Sentence, clause: str, offset: int = 0) -> None:
        clause_date = self._markers(sentence, clause)
        general = self.general
        tokens = []
        for token in _tokens(clause, general=general):
            if not _excluded(token, clause, general=general):
                tokens.append(token)
            elif not _DATE_ONLY.fullmatch(clause[token.start : token.end]):
                self.excluded.append((clause[token.start : token.end], token.excluded))
        for quoted in _QUOTED.findall(clause):
            if _NUMERAL.search(quoted):
                self.excluded.append((quoted, "quoted"))
        self.excluded += [(ratio, "ratio") for ratio in _RATIO.findall(clause)]
        if not tokens:
            self._read_plain_clause(sentence, clause, clause_date)
            return
        deadline = clause_date or self.deadline or self.default_deadline
        doubling = _DOUBLINGS.search(clause)
        verb = ""
        for index, group in enumerate(_groups(clause, tokens)):
            prefix, words = _strip_tail(
                _without_brackets(group.prefix)[0], general=general
            )
            prefix = _strip_lead(prefix)
            relative = None
            if doubling:
                relative = _multiplier(doubling)
                prefix = prefix.replace(doubling.group(), "")
            after = _clean_noun(_without_brackets(group.after)[0])
            if after:
                # "建设50家以上企业职工培训中心": the verb before, the thing
                # after; "20家诚信示范企业" takes the verb of the one before.
                verb = prefix or (verb if index else sentence.previous_verb)
                metrics = [verb + after] * len(group.tokens)
            else:
                verb = ""
                if not prefix and index == 0 and sentence.doubling:
                    relative, prefix = sentence.doubling
                    sentence.doubling = None
                metrics = self._metrics(sentence, prefix, len(group.tokens))
            self._flush_doubling(sentence)
            notes = [
                inner
                for inner in (
                    _without_brackets(group.prefix)[1]
                    + _without_brackets(group.after)[1]
                )
                if not _valid_tokens(inner)
            ]
            last = group.tokens[-1]
            emitted = []
            for token, metric in zip(group.tokens, metrics, strict=True):
                post = token.post or last.post
                growth = general and bool(
                    _GROWTH.search(clause[: token.start].rstrip(" ")) or "增长" in words
                )
                if token.unit in ("%", "") and not (
                    post
                    or growth
                    or token.upper
                    or any(_is_comparator(word) for word in words)
                    or (general and "超" in words)
                    or (general and _SHARE_REACHING.match(clause[token.end :]))
                ):
                    # "30%抵免", "上浮10%": rules, not levels to reach.
                    self.excluded.append((clause[token.start : token.end], "rule"))
                    continue
                target = self._target(
                    sentence,
                    metric=metric,
                    token=token,
                    comparator=_comparator(words, token, post),
                    aspirational=sentence.aspirational
                    or any(word in _ASPIRATION_WORDS for word in words),
                    deadline=deadline,
                    relative=relative,
                    note=";".join(notes),
                    growth=growth,
                )
                if general:
                    target = dataclasses.replace(
                        target,
                        span=(offset + token.start, offset + token.end),
                        clause_span=(offset, offset + len(clause)),
                        relation=_relation(token, post, words),
                    )
                self.targets.append(target)
                emitted.append(target)
                sentence.previous = target
            if emitted:
                self._nested(group, emitted[-1], sentence, clause, offset)
            sentence.previous_verb = verb
        sentence.previous_clause = ""

    def _markers(self, sentence: _Sentence, clause: str) -> datetime.date | None:
        """Dates, plan periods and 每N年 in a clause, in the order written;
        returns the date the clause itself gives, if any."""
        clause_date = None
        events = [(m.start(), "date", m) for m in _DATE.finditer(clause)]
        events += [(m.start(), "period", m) for m in _PLAN_PERIOD.finditer(clause)]
        events += [(m.start(), "every", m) for m in _EVERY_YEARS.finditer(clause)]
        for _, kind, match in sorted(events, key=lambda event: event[0]):
            if kind == "every":
                sentence.recurring = True
                continue
            if kind == "period":
                date, holds = _plan_period_end(match["n"]), True
            elif match["pre"] in ("从", "自") or match["start"]:
                continue  # "从2023年起": where something starts, not a deadline
            else:
                rest = clause[match.end() :].strip(_EDGES)
                if (
                    self.general
                    and not match["pre"]
                    and not match["edge"]
                    and rest
                    and not _MILESTONE.match(rest)
                ):
                    continue  # "2017年发展的主要预期目标是": names the year
                date = _year_end(int(match["year"]), int(match["month"] or 0))
                # "2022年争创…" dates that milestone alone; "到2025年" holds on.
                holds = bool(match["pre"]) or not _MILESTONE.match(
                    clause[match.end() :]
                )
            clause_date = sentence.milestone_date = date
            if holds:
                self.deadline = date
                sentence.recurring = False
        return clause_date

    def _metrics(self, sentence: _Sentence, prefix: str, count: int) -> list[str]:
        if not prefix:
            prefix = sentence.previous_clause or (
                sentence.previous.metric if sentence.previous else ""
            )
        if count == 1:
            return [prefix]
        parts = _split_items(prefix, count)
        if parts:
            return _complete_items(parts)
        if sentence.previous_clause.endswith("中"):
            # "A及B中,技能人才比例应分别达到15%、20%以上"
            groups = _split_items(sentence.previous_clause[:-1], count)
            if groups:
                return [f"{group}中{prefix}" for group in groups]
        return [prefix] * count

    def _target(
        self,
        sentence: _Sentence,
        *,
        metric: str,
        token: _Token,
        comparator: str,
        aspirational: bool,
        deadline: datetime.date | None,
        relative: Decimal | None,
        note: str,
        growth: bool = False,
    ) -> ParsedTarget:
        if relative is not None or token.unit == "百分点" or growth:
            kind = TargetKind.RELATIVE
        elif token.unit in ("%", ""):
            kind = TargetKind.PERCENTAGE
        elif sentence.recurring:
            kind = TargetKind.RECURRING
        elif _ANNUAL.search(metric):
            kind = TargetKind.ANNUAL
        else:
            kind = TargetKind.CUMULATIVE
        return ParsedTarget(
            metric=metric or sentence.text,
            value=token.value,
            unit=token.unit,
            comparator=comparator,
            aspirational=aspirational,
            deadline=deadline,
            kind=kind.value,
            baseline_multiplier=relative,
            note=note,
            sentence=sentence.text,
        )

    def _nested(
        self, group: _Group, parent: ParsedTarget, sentence, clause="", offset=0
    ) -> None:
        """In "14所(技工院校4所)" the part in brackets is a target of its
        own, never added to the number before it."""
        inners = _without_brackets(group.prefix)[1] + _without_brackets(group.after)[1]
        for inner in inners:
            boundary = 0
            inner_at = offset + max(clause.find(inner), 0)
            for token in _valid_tokens(inner, general=self.general):
                prefix, words = _strip_tail(inner[boundary : token.start])
                boundary = token.end
                if token.unit == "%" and not (token.post or words):
                    continue
                metric = _NESTED_LEAD.sub("", _strip_lead(prefix))
                if token.unit == "%":
                    kind = TargetKind.PERCENTAGE.value
                elif parent.kind in (TargetKind.ANNUAL, TargetKind.RECURRING):
                    kind = parent.kind
                else:
                    kind = TargetKind.CUMULATIVE.value
                own = words or token.post or token.about
                general_fields = {}
                if self.general:
                    general_fields = {
                        "span": (inner_at + token.start, inner_at + token.end),
                        "clause_span": (inner_at, inner_at + len(inner)),
                        "relation": _relation(token, token.post, words)
                        if own
                        else parent.relation,
                    }
                self.targets.append(
                    ParsedTarget(
                        **general_fields,
                        metric=metric or f"{parent.metric}(其中)",
                        value=token.value,
                        unit=token.unit,
                        comparator=_comparator(words, token, token.post)
                        if own
                        else parent.comparator,
                        aspirational=parent.aspirational,
                        deadline=parent.deadline,
                        kind=kind,
                        baseline_multiplier=None,
                        note=f"含于{parent.metric}{parent.value}{parent.unit}",
                        sentence=sentence.text,
                    )
                )

    def _read_plain_clause(
        self, sentence: _Sentence, clause: str, clause_date: datetime.date | None
    ) -> None:
        """A clause without a number: a milestone ("2024年创建技师学院"), the
        subject of a doubling, or the subject of the next clause's number."""
        self._flush_doubling(sentence)
        sentence.previous_verb = ""
        if "力争" in clause or "争取" in clause:
            sentence.aspirational = True  # "力争到2025年,…": the whole sentence
        body = _strip_lead(_without_brackets(clause)[0])
        milestone = _MILESTONE.match(body)
        if (
            sentence.milestone_date
            and milestone
            and _INSTITUTION.search(milestone["noun"])
        ):
            self.targets.append(
                ParsedTarget(
                    metric=body,
                    value=Decimal(1),
                    unit="所" if _SCHOOL.search(milestone["noun"]) else "个",
                    comparator=Comparator.AT_LEAST.value,
                    aspirational=sentence.aspirational or milestone["verb"] == "争创",
                    deadline=clause_date or sentence.milestone_date,
                    kind=TargetKind.MILESTONE.value,
                    baseline_multiplier=None,
                    note="",
                    sentence=sentence.text,
                )
            )
            sentence.previous_clause = ""
            return
        if body and not clause_date:
            sentence.milestone_date = None
        doubling = _DOUBLINGS.search(body)
        if doubling:
            subject = _strip_tail(body.replace(doubling.group(), ""))[0]
            sentence.doubling = (_multiplier(doubling), _strip_lead(subject))
            sentence.previous_clause = ""
            return
        subject = body
        if _BASELINE.search(subject):
            # "现有技工院校3所,到2025年达到5所": the subject is what follows
            # 现有, without the present state's number.
            subject = _BASELINE.sub("", subject)
            for token in reversed(_tokens(subject)):
                subject = subject[: token.start] + subject[token.end :]
        sentence.previous_clause = _strip_tail(subject)[0]

    def _flush_doubling(self, sentence: _Sentence) -> None:
        """A doubling no number followed ("技能人才总量翻一番"): a target of
        2 倍 its baseline."""
        if sentence.doubling is None:
            return
        multiplier, subject = sentence.doubling
        sentence.doubling = None
        self.targets.append(
            ParsedTarget(
                metric=subject or sentence.text,
                value=multiplier,
                unit="倍",
                comparator=Comparator.AT_LEAST.value,
                aspirational=sentence.aspirational,
                deadline=self.deadline or self.default_deadline,
                kind=TargetKind.RELATIVE.value,
                baseline_multiplier=multiplier,
                note="",
                sentence=sentence.text,
            )
        )


def _valid_tokens(text: str, *, general: bool = False) -> list[_Token]:
    return [
        token
        for token in _tokens(text, general=general)
        if not _excluded(token, text, general=general)
    ]


def _relation(token: _Token, post: str, words: list[str]) -> str:
    """The comparison as written: about, at least, at most or exactly."""
    if token.about or post == "左右" or any(w in _ABOUT_WORDS for w in words):
        return "about"
    if token.range or post in ("以上", "及以上"):
        return ">="
    if any(word in _AT_LEAST_WORDS for word in words):
        return ">="
    if token.upper:
        return "<="
    return "="


def _is_goal_sentence(text: str) -> bool:
    """A quoted goal ("实现“引进人才达到2000名左右,…”的目标"), not a quoted
    name ("“633”人才工程", "“万名技工”")."""
    return len(text) >= 8 and bool(_valid_tokens(text, general=True))


def _excluded(token: _Token, clause: str, *, general: bool = False) -> str:
    """Why a number is not a target value in its clause, or ""."""
    before, after = clause[: token.start], clause[token.end :]
    if general:
        reason = _general_exclusion(token, before, after)
        if reason is not None:
            token.excluded = reason
            return reason
    if not token.excluded:
        if _PER_UNIT.search(before):
            token.excluded = "per-unit"
        elif _BASELINE.search(before):
            token.excluded = "baseline"
        elif _UPPER_BOUND_BEFORE.search(before) or _UPPER_BOUND_AFTER.match(after):
            token.excluded = "upper-bound"
    return token.excluded


def _general_exclusion(token: _Token, before: str, after: str) -> str | None:
    """The reading of read_targets where it differs from parse_targets: None
    where parse_targets' own rules decide."""
    if _SCOPE_AFTER.match(after) or _CONDITION_BEFORE.search(before):
        return "scope"
    if _SPENDING_AFTER.match(after):
        return "rule"
    if _CONTENTS_BEFORE.search(before.rstrip(" ")) and _CONTENTS_AFTER.match(after):
        return "contents"
    if _CONTROL.search(before) and (token.post == "左右" or token.about):
        return ""  # "控制在5.5%左右": a level held about N
    if _FOR_WHOM.search(before) and _SERVED.search(after):
        return "baseline"
    if _CONTROL.search(before) and _UPPER_BOUND_AFTER.match(after):
        token.upper = True
        return ""
    if token.excluded == "money":
        words = _strip_tail(before, general=True)[1]
        level = any(
            _is_comparator(word) or word in _AT_LEAST_WORDS for word in words
        ) or _MONEY_LEVEL.search(before.rstrip(" "))
        if level and not _MONEY_RULE.search(before):
            return ""
    return None


def _groups(clause: str, tokens: list[_Token]) -> list[_Group]:
    groups: list[_Group] = []
    for token in tokens:
        if groups and clause[groups[-1].end : token.start] == DUN:
            groups[-1].tokens.append(token)
            groups[-1].end = token.end
        else:
            groups.append(_Group([token], token.start, token.end))
    boundary = 0
    for index, group in enumerate(groups):
        following = groups[index + 1].start if index + 1 < len(groups) else None
        group.prefix = clause[boundary : group.start]
        group.after = clause[group.end : following]
        if following is not None and (
            group.after.startswith(DUN) or _strip_tail(group.after)[1]
        ):
            # "培训2000余人次、带动就业1万余人", "A达到10家B达到20家": what
            # follows is the next one's subject, not the thing counted.
            group.after, boundary = "", group.end
        else:
            boundary = following if following is not None else len(clause)
    return groups
