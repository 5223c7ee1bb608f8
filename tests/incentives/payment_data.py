"""Payment test data built through the ORM: approved applications with
their shares (as ``application_move(action="approve")`` leaves them), a
budget, and the bank's results sheet."""

import datetime
import io
import itertools
from decimal import Decimal

from openpyxl import Workbook, load_workbook

from incentives import crypto
from incentives.models import (
    Application,
    ApplicationState,
    Budget,
    Finance,
    Share,
)

MONTH = datetime.date(2025, 3, 1)
TODAY = datetime.date(2025, 3, 20)
_numbers = itertools.count(1)


def finance(name: str = "贵溪市财政") -> Finance:
    return Finance.objects.get(name=name)


def budget_set(finance: Finance, amount, year: int = 2025) -> Budget:
    return Budget.objects.update_or_create(
        finance=finance, year=year, defaults={"amount": Decimal(amount)}
    )[0]


def approved(
    *,
    finance: Finance,
    amount,
    actor,
    name: str = "张小三",
    card: str = "6217001234567890123",
    kind: str = "employment",
    shares: list[tuple[Finance, object]] | None = None,
    state: str = ApplicationState.APPROVED,
) -> Application:
    """An approved application of ``amount`` borne by ``finance`` (or by
    ``shares``)."""
    number = f"JL2025-{next(_numbers):06d}"
    application = Application.objects.create(
        number=number,
        kind=kind,
        level="2",
        state=state,
        filed_on=datetime.date(2025, 1, 6),
        area=finance.area,
        finance=finance,
        name=name,
        **crypto.personal_values(card_number=card),
        card_bank="中国建设银行鹰潭分行",
        amount=Decimal(amount),
        created_by=actor,
    )
    for bearer, part in shares or [(finance, amount)]:
        Share.objects.create(
            application=application, finance=bearer, amount=Decimal(part)
        )
    return application


def sheet(
    rows, header=("申请编号", "金额", "结果", "失败原因", "日期"), title=None
) -> bytes:
    book = Workbook()
    ws = book.active
    if title:
        ws.append([title])
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_rows(data: bytes) -> list[tuple]:
    ws = load_workbook(io.BytesIO(data)).active
    return [tuple(r) for r in ws.iter_rows(values_only=True)]
