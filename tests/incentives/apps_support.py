"""Helpers of the application tests (H2): entering an application and
walking it along the graph as the clerk and the reviewer would."""

import datetime

from tasks.models import Department
from tests.incentives.conftest import employment_data

TODAY = datetime.date(2025, 1, 10)
GUIXI = "贵溪市人民政府"


def area(name: str = GUIXI) -> Department:
    return Department.objects.get(name=name)


def enter(users, actor="clerk", area_name=GUIXI, today=TODAY, **overrides):
    from incentives.services.applications import application_create

    return application_create(
        data=employment_data(**overrides),
        area=area(area_name) if area_name else None,
        actor=users[actor],
        today=today,
    )


def verify(application, users, actor="clerk", fact="certificate", **kwargs):
    from incentives.services.applications import fact_check_record

    return fact_check_record(
        application=application,
        fact=fact,
        result=kwargs.pop("result", "confirmed"),
        source=kwargs.pop("source", "全国职业资格证书查询系统"),
        checked_on=kwargs.pop("checked_on", datetime.date(2025, 1, 8)),
        actor=users[actor],
        **kwargs,
    )


def walk(application, users, *actions):
    """Take the moves in order, each by who takes it."""
    from incentives.services.applications import application_move
    from incentives.workflow import MOVES, REVIEWER, SYSTEM

    for action in actions:
        who = MOVES[action].who
        actor = users["reviewer"] if who in (REVIEWER, SYSTEM) else users["clerk"]
        application = application_move(
            application=application, action=action, actor=actor, reason="理由"
        )
    return application
