"""Shared data of the bulletin tests: a small policy reported on over the
third quarter of 2025, with every kind of report a bulletin counts."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.roles import RoleName
from accounts.services import user_create
from dispatch.models import ProgressReport
from dispatch.services import period_open, report_transition
from targets.models import Reading, ReadingSource, ReviewStatus, Target
from tasks.models import Role
from tests.conftest import fill
from tests.factories import (
    DepartmentFactory,
    KeyTaskFactory,
    PolicyFactory,
    ResponsibilityFactory,
    TaskFactory,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = datetime.date
QUARTER = ((2025, 7), (2025, 9))
# The day after the quarter, when the office drafts its bulletin.
BULLETIN_DAY = D(2025, 10, 10)
# (task number, lead, cooperating) over the departments 甲局, 乙局, 丙局.
LAYOUT = [(1, "甲局", ["乙局"]), (2, "乙局", ["丙局"]), (3, "丙局", [])]
LAYOUT += [(4, "甲局", []), (5, "乙局", []), (6, "丙局", [])]
# How a report differs from the default (filed on the 20th, approved,
# 正常推进, no 完成度), by (task, department, month).
MISSING = "missing"  # never sent
RETURNED = "returned"  # sent back by the reviewer and not sent again
RESENT = "resent"  # sent back, corrected, approved
LATE = "late"  # sent on the 27th, after the 25th's deadline
EXCEPTIONS: dict[tuple[int, str, int], dict] = {
    (4, "甲局", 7): {"proposed_status": "on_track", "completion": 30},
    (4, "甲局", 8): {"outcome": MISSING},
    (4, "甲局", 9): {"outcome": MISSING},
    (1, "乙局", 9): {"outcome": RETURNED},
    (1, "甲局", 9): {"completion": 95},
    (2, "乙局", 9): {"completion": 80, "proposed_status": "at_risk"},
    (2, "丙局", 8): {"outcome": LATE},
    (3, "丙局", 9): {"outcome": LATE, "completion": 50},
    (5, "乙局", 8): {"proposed_status": "completed"},
    (5, "乙局", 9): {"proposed_status": "completed"},
    (6, "丙局", 9): {"outcome": RESENT, "proposed_status": "at_risk"},
}


def at(day: datetime.date, hour: int = 10):
    moment = datetime.datetime.combine(day, datetime.time(hour), SHANGHAI)
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def bulletin_data(db):
    """A policy issued on 1 January 2023 with six tasks led by 甲局, 乙局 and
    丙局 (two each), reported on from July to September 2025: 24 reports
    due, 19 on time, 2 late (task 2 by 丙局 in August, task 3 in
    September), 3 missing (task 4 in August and September, 乙局's
    contribution to task 1 in September, returned), 2 returned (that one,
    and task 6 in September, corrected and approved).

    Its lights at the end of September, 序时进度 91.6 %: task 1 green
    (95 %), task 2 yellow (80 %), task 3 red (50 %), task 4 red (nothing
    approved since July), task 5 completed, task 6 yellow (进度滞后, no
    完成度). Its one target, on task 3, stood at 300 of 1000 人 on 15
    September: red. Ranked by on-time share: 乙局 (8 of 9), 丙局 (7 of
    9), 甲局 (4 of 6)."""
    policy = PolicyFactory(title="关于测试季通报的意见", issued_on=D(2023, 1, 1))
    departments = {
        name: DepartmentFactory(name=name, sort_order=order)
        for order, name in enumerate(["甲局", "乙局", "丙局"], start=1)
    }
    reviewer = user_create(
        username="bulletin-reviewer",
        password="Pass#word123",
        role=RoleName.REVIEWER,
        department=DepartmentFactory(name="人社局"),
        must_change_password=False,
    )
    reporters = {
        name: user_create(
            username=f"bulletin-{order}",
            password="Pass#word123",
            role=RoleName.REPORTER,
            department=department,
            must_change_password=False,
        )
        for order, (name, department) in enumerate(departments.items())
    }
    tasks = {}
    for number, lead, cooperating in LAYOUT:
        key_task = KeyTaskFactory(
            policy=policy, number=number, title=f"重点任务{number}"
        )
        task = TaskFactory(
            key_task=key_task,
            policy=policy,
            number=number,
            requirement=f"到2025年完成第{number}项工作。",
        )
        ResponsibilityFactory(task=task, department=departments[lead], role=Role.LEAD)
        for position, name in enumerate(cooperating, start=1):
            ResponsibilityFactory(
                task=task,
                department=departments[name],
                role=Role.COOPERATING,
                position=position,
            )
        tasks[number] = task
    target = Target.objects.create(
        policy=policy,
        task=tasks[3],
        key_task=tasks[3].key_task,
        metric="培训技能人才",
        value=Decimal(1000),
        unit="人",
        kind="cumulative",
        start_date=D(2023, 1, 1),
        deadline=D(2025, 12, 31),
        source_text="到2025年,培训技能人才达到1000人。",
        source_ref="附件第3行",
        fingerprint="bulletin-3",
        review_status=ReviewStatus.ACCEPTED,
    )
    Reading.objects.create(
        target=target,
        value=Decimal(300),
        as_of=D(2025, 9, 15),
        source=ReadingSource.IMPORT,
    )
    periods = {}
    for month in (7, 8, 9):
        with at(D(2025, month, 1)):
            periods[month] = period_open(
                year=2025, month=month, deadline=D(2025, month, 25)
            )
        reports = ProgressReport.objects.filter(period=periods[month]).select_related(
            "task", "department"
        )
        for report in reports.order_by("pk"):
            key = (report.task.number, report.department.name, month)
            _file(report, month, reporters[report.department.name], reviewer, key)
    return {
        "policy": policy,
        "departments": departments,
        "tasks": tasks,
        "target": target,
        "periods": periods,
        "reviewer": reviewer,
        "reporters": reporters,
        "first": QUARTER[0],
        "last": QUARTER[1],
        "today": BULLETIN_DAY,
    }


def _file(report, month: int, author, reviewer, key) -> None:
    values = dict(EXCEPTIONS.get(key, {}))
    outcome = values.pop("outcome", None)
    if outcome == MISSING:
        return
    values.setdefault("problems", f"第{key[0]}项存在的问题。")
    values.setdefault("next_steps", f"第{key[0]}项的下步计划。")
    day = D(2025, month, 27 if outcome == LATE else 20)
    with at(day):
        fill(report, author, **values)
        report = report_transition(report=report, action="submit", actor=author)
        if outcome in (RETURNED, RESENT):
            report = report_transition(
                report=report, action="return", actor=reviewer, reason="请补充。"
            )
            if outcome == RETURNED:
                return
            report.refresh_from_db()
            fill(report, author, **values)
            report = report_transition(report=report, action="submit", actor=author)
    with at(day + datetime.timedelta(days=1)):
        report_transition(report=report, action="approve", actor=reviewer)
