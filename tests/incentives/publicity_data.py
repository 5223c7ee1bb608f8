"""Applications ready for a 公示 (待公示), made directly: the 公示's tests
are about what happens from 待公示 on, not about entry and review (those
are tests/incentives/test_workflow.py's)."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from incentives.crypto import personal_values
from incentives.models import (
    Application,
    ApplicationState,
    AwardRule,
    Finance,
)
from tasks.models import Department

from .conftest import ID_LI, ID_ZHANG

GUIXI = "贵溪市人民政府"
SHANGHAI = ZoneInfo("Asia/Shanghai")
# The publicity of the page tests: Monday 15 to Friday 19 September 2025.
MONDAY = datetime.date(2025, 9, 15)
FRIDAY = datetime.date(2025, 9, 19)


def at(year: int, month: int, day: int, hour: int = 10) -> datetime.datetime:
    """A moment of a day in 鹰潭, for time_machine."""
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)
# A third valid ID number (GB 11643 check digit).
ID_WANG = "360602198811230015"
_numbers = iter(range(1, 10_000))


def ready_application(
    user,
    *,
    name="张小三",
    id_number=ID_ZHANG,
    area=GUIXI,
    amount="2000",
    state=ApplicationState.READY,
    **fields,
) -> Application:
    """A 就业奖励 (技师/二级) of ``area`` that passed the 复审."""
    department = Department.objects.get(name=area)
    values = {
        "kind": "employment",
        "level": "2",
        "filed_on": datetime.date(2025, 9, 1),
        "employer_name": "江西铜业股份有限公司贵溪冶炼厂",
        "certificate_number": f"S0000360600{next(_numbers):05d}",
        **fields,
    }
    return Application.objects.create(
        number=f"JL2025-{next(_numbers):06d}",
        state=state,
        area=department,
        finance=Finance.objects.get(area=department),
        name=name,
        rule=AwardRule.objects.filter(
            kind=values["kind"], level=values["level"]
        ).first(),
        amount=Decimal(amount),
        created_by=user,
        **personal_values(
            id_number=id_number, phone="13800001234", card_number="6217001234567890123"
        ),
        **values,
    )


def three_ready(user) -> list[Application]:
    return [
        ready_application(user, name="张小三", id_number=ID_ZHANG),
        ready_application(user, name="李四", id_number=ID_LI),
        ready_application(user, name="欧阳小明", id_number=ID_WANG, amount="2200"),
    ]


def publicity_of(applications, reviewer, starts_on=MONDAY, **kwargs):
    from incentives.services.publicity import publicity_open

    return publicity_open(
        applications=applications,
        title=kwargs.pop("title", "2025年第一批技能鹰潭行动奖励公示"),
        starts_on=starts_on,
        contact=kwargs.pop("contact", "市人社局职业能力建设科 0701-6200000"),
        actor=reviewer,
        **kwargs,
    )
