"""Rounds and problems written straight to the database, for the tests of
the supervision's reminders, panels, feedback and bulletin section: they
test what is done with problems in each state, not the moves there."""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from supervision.models import Problem, ProblemState, Round
from tasks.models import Department
from tests.factories import PolicyFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
GUIXI = "贵溪市人民政府"
EDUCATION = "市教育局"


def at(
    year: int, month: int, day: int, hour: int = 10, minute: int = 0
) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def department(name: str) -> Department:
    return Department.objects.get(name=name)


def make_round(reviewer, *, policy=None, year=2025, half=1, **fields) -> Round:
    values = {
        "policy": policy or PolicyFactory(),
        "title": f"{year}年{'上' if half == 1 else '下'}半年督导",
        "year": year,
        "half": half,
        "starts_on": datetime.date(year, 6 * half - 2, 1),
        "ends_on": datetime.date(year, 6 * half - 2, 20),
        "created_by": reviewer,
        **fields,
    }
    return Round.objects.create(**values)


def make_problem(
    round_: Round,
    department_name: str,
    deadline: datetime.date,
    *,
    state: str = ProblemState.PLANNED,
    cooperating: tuple[str, ...] = (),
    **fields,
) -> Problem:
    number = (
        Problem.objects.filter(round=round_).order_by("-number").first().number + 1
        if Problem.objects.filter(round=round_).exists()
        else 1
    )
    values = {
        "round": round_,
        "number": number,
        "description": f"第{number}个问题:培训台账与报告数据不一致。",
        "department": department(department_name),
        "requirement": "核实数据,补齐台账。",
        "deadline": deadline,
        "state": state,
        "created_by": round_.created_by,
        **fields,
    }
    if state == ProblemState.SIGNED_OFF:
        values.setdefault("signed_off_at", timezone.now())
        values.setdefault("signed_off_by", round_.created_by)
    problem = Problem.objects.create(**values)
    if cooperating:
        problem.cooperating.set([department(name) for name in cooperating])
    return problem
