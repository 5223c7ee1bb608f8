"""The 公示 notice as a .docx in the office's GB/T 9704 layout
(``bulletins.documents.word``), built from the same masked rows as the
pages (``selectors.publicity.notice_rows``)."""

from bulletins.documents import word
from bulletins.wording import chinese_date
from incentives.models import Publicity
from incentives.selectors.publicity import (
    NoticeRow,
    amount_text,
    notice_rows,
    notice_total,
)

ISSUER = "鹰潭市人力资源和社会保障局"
POLICY = "《关于实施“技能鹰潭行动”的意见》(鹰办发〔2022〕22号)"
DEFAULT_TITLE = "关于技能鹰潭行动奖励拟发放人员名单的公示"
# (name, width in mm): the 版心's 156 mm.
COLUMNS = (
    ("序号", 10),
    ("姓名", 16),
    ("身份证号", 36),
    ("奖励类别", 24),
    ("等级", 20),
    ("用人单位", 34),
    ("金额(元)", 16),
)


def period_text(publicity: Publicity) -> str:
    return (
        f"{chinese_date(publicity.starts_on)}至{chinese_date(publicity.ends_on)}"
        f"({publicity.working_days}个工作日)"
    )


def notice_lines(publicity: Publicity, count: int) -> list[str]:
    """The paragraphs before the list and after it (the objection
    contact)."""
    contact = publicity.contact or ISSUER
    return [
        f"根据{POLICY}有关规定,经个人(单位)申报、区(市)初审、市人社局复审,"
        f"现将拟发放技能鹰潭行动奖励的{count}名人员(单位)名单予以公示。"
        f"公示期为{period_text(publicity)}。",
        "公示期间,如对公示对象有异议,请以书面形式或电话向异议受理单位反映。"
        "反映情况应实事求是,并提供必要的事实依据;以单位名义反映的请加盖公章,"
        "以个人名义反映的请署真实姓名。",
        f"异议受理:{contact}",
    ]


def _row(row: NoticeRow) -> list:
    return [
        (str(row.index), None),
        (row.name, None),
        (row.id_number or "—", None),
        (row.kind, None),
        (row.level or "—", None),
        (row.employer or "—", None),
        (row.amount_text, None),
    ]


def notice_text(publicity: Publicity) -> dict:
    day = publicity.starts_on.isoformat()
    return {
        "issuer": ISSUER,
        "number": "",
        "title": publicity.title or DEFAULT_TITLE,
        "recipients": "",
        "signature": ISSUER,
        "date": day,
        "copy_to": "",
        "printed_by": ISSUER,
        "printed_on": day,
    }


def notice_docx(publicity: Publicity) -> bytes:
    """The notice as .docx bytes: names and ID numbers masked."""
    rows = notice_rows(publicity)
    text = notice_text(publicity)
    document = word.official_document(text)
    intro, rules, contact = notice_lines(publicity, len(rows))
    word.add_paragraph(document, intro)
    word.add_paragraph(document, "拟发放人员(单位)名单如下:")
    table = [_row(r) for r in rows]
    if rows:
        total = amount_text(notice_total(rows))
        table.append([("合计", None), *[("", None)] * 5, (total, None)])
    word.add_table(document, COLUMNS, table)
    word.add_paragraph(document, rules)
    word.add_paragraph(document, contact)
    word.add_closing(document, text)
    return word.official_bytes(document, text)


def notice_file_name(publicity: Publicity) -> str:
    return f"{publicity.title}.docx"
