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


# Traditional characters of the words the readers look for (負責, 單位, 牽頭,
# 萬, 億, 增長, 漲幅 ...) and of common unit names, each to its simplified
# form; one character for one, so that a folded text keeps every place.
_TRADITIONAL = (
    "負責單牽頭萬億長漲達過於內約餘個項兩點實現確爭標規總職協辦參與區縣門務業為對"
    "發開屆號後間產額營數據資級類條場臺處張畝戶鎮鄉際統劃財稅醫殘聯險費繳補貼獎勵"
    "設築機構關會廳廣東貴陽減穩擴崗幫導計進經濟報時歲學專術訓練獲員農衛環氣電網"
    "絡雲腦軟體創範應須將歸這種從來還邊選舉權議論證請認讓調適轉變維護續紅綠國質"
    "並當預決準幾們價節動勞嚴問領檢驗測審稱藝樂圖書館廠礦鐵鋼車輛運輸線橋灣島漢"
    "鄭華黃錢銀貸賬買賣貨優勢傳繼組織層訊碼兒齡婦僱傭齊繫係歷屬倉庫儲擬擔壓縮態"
    "試團隊黨幹譜億為標準擴種務綜營總結會議屆屬農歷庫產億萬辦類"
)
_SIMPLIFIED = (
    "负责单牵头万亿长涨达过于内约余个项两点实现确争标规总职协办参与区县门务业为对"
    "发开届号后间产额营数据资级类条场台处张亩户镇乡际统划财税医残联险费缴补贴奖励"
    "设筑机构关会厅广东贵阳减稳扩岗帮导计进经济报时岁学专术训练获员农卫环气电网"
    "络云脑软体创范应须将归这种从来还边选举权议论证请认让调适转变维护续红绿国质"
    "并当预决准几们价节动劳严问领检验测审称艺乐图书馆厂矿铁钢车辆运输线桥湾岛汉"
    "郑华黄钱银贷账买卖货优势传继组织层讯码儿龄妇雇佣齐系系历属仓库储拟担压缩态"
    "试团队党干谱亿为标准扩种务综营总结会议届属农历库产亿万办类"
)
_TO_SIMPLIFIED = str.maketrans(_TRADITIONAL, _SIMPLIFIED)


def to_simplified(value: str) -> str:
    """The words that readers look for in simplified characters (負責 →
    负责, 單位 → 单位, 萬 → 万); the same length, character for character."""
    return value.translate(_TO_SIMPLIFIED)
