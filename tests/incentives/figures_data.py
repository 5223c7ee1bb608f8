"""Applications, approvals and payments written straight into the tables,
for the figures, the feeds and the panels: these count what is there, so
their tests set it up row by row, not through the workflow."""

import datetime
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

from incentives.models import (
    Application,
    ApplicationTransition,
    Finance,
    LineStatus,
    PaymentBatch,
    PaymentLine,
    Share,
)
from tasks.models import Department

SHANGHAI = ZoneInfo("Asia/Shanghai")
GUIXI = "贵溪市人民政府"
YUJIANG = "余江区人民政府"
YUEHU = "月湖区人民政府"
CITY = "市本级财政"
_numbers = itertools.count(1)


def finance_of(area: str | None) -> Finance:
    if area is None:
        return Finance.objects.get(name=CITY)
    return Finance.objects.get(area__name=area)


def make_application(
    user,
    *,
    kind="employment",
    level="2",
    state="draft",
    area: str | None = GUIXI,
    filed_on=datetime.date(2025, 3, 10),
    amount="2000",
    person: str = "",
) -> Application:
    number = next(_numbers)
    return Application.objects.create(
        number=f"JL2025-{number:06d}",
        kind=kind,
        level=level,
        state=state,
        filed_on=filed_on,
        area=Department.objects.get(name=area) if area else None,
        finance=finance_of(area),
        name=f"申请人{number}",
        id_number_hash=person or f"hash-{number}",
        amount=None if amount is None else Decimal(amount),
        created_by=user,
    )


def approve(application: Application, on: datetime.date, user=None) -> None:
    """The 公示 ended on ``on``: the approve move and the shares (the
    whole amount to the application's finance, or ``shares``)."""
    ApplicationTransition.objects.create(
        application=application,
        action="approve",
        from_state="publicity",
        to_state="approved",
        actor=user,
        at=datetime.datetime.combine(on, datetime.time(17), SHANGHAI),
    )


def share(application: Application, finance: Finance | None = None, amount=None):
    return Share.objects.create(
        application=application,
        finance=finance or application.finance,
        amount=Decimal(amount if amount is not None else application.amount),
    )


_sequences = itertools.count(1)


def pay(
    shares: list[Share],
    user,
    *,
    on: datetime.date,
    status: str = LineStatus.PAID,
) -> PaymentBatch:
    """One settled batch paying ``shares`` on ``on`` (one batch per
    finance of the shares)."""
    batch = None
    for item in shares:
        batch = PaymentBatch.objects.create(
            finance=item.finance,
            month=on.replace(day=1),
            sequence=next(_sequences),
            state=PaymentBatch.State.SETTLED,
            total=item.amount,
            created_by=user,
        )
        PaymentLine.objects.create(
            batch=batch,
            share=item,
            amount=item.amount,
            status=status,
            settled_on=on,
        )
    return batch


def paid_application(user, *, on: datetime.date, approved_on=None, **fields):
    """An application approved (``approved_on``, else ``on``) and paid in
    full on ``on``."""
    application = make_application(user, state="paid", **fields)
    approve(application, approved_on or on, user)
    pay([share(application)], user, on=on)
    return application
