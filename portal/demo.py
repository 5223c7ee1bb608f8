"""Demo data for a new user's first look: a few months of reports in every
state, written through the same services as the pages.

The months are the policy's own (鹰办发〔2022〕22号 runs from its issue in
February 2023 to the end of 2025), whatever the date the demo is made on:
inside that span they are the months up to today; before it, the first
four months of the policy; after it, its last half year (July to December
2025). They reach back at least four months and to the start of the last
whole quarter, so that a 季通报 can be drafted from the demo on any day:
after the policy, that of 2025's third quarter. See ``demo_day`` and
``demo_months``.

The reports' 完成度 and proposed statuses follow the time elapsed: each
task is given a pace (``_paces``), most on 序时进度, a handful behind it
by less than 20 points (滞后), two or three by more (严重滞后), a few
finished early, and each report's 完成度 is 序时进度 at the end of its
month (the share of the plan's time gone by, as ``bulletins.selectors.
figures`` computes it) shifted by that pace, so that a bulletin drafted
from the demo lights its tasks the way a real quarter would.

Each department gets a reporter account with an unusable password (nobody
can sign in with it) to act as the author. After the services have run,
the timestamps of past months are moved back to dates inside those months,
so that the history and the on-time/late counts look as they would have.
"""

import calendar
import datetime
import math
import random
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from accounts.roles import RoleName
from accounts.services import user_create
from bulletins.selectors.figures import elapsed_percent
from dispatch.models import (
    ProgressReport,
    ProgressStatus,
    ReportingPeriod,
    ReportState,
    ReportTransition,
)
from dispatch.services import period_close, period_open, report_save, report_transition
from targets.models import Target
from tasks.models import Department, Policy, Role, Task

PROGRESS = {
    ProgressStatus.ON_TRACK: (
        "本月按计划推进:组织专项培训{n}场,累计培训{m}人次,完成阶段目标。"
    ),
    ProgressStatus.AT_RISK: (
        "本月组织培训{n}场、{m}人次,企业参训积极性不高,进度略有滞后。"
    ),
    ProgressStatus.BEHIND: "受项目资金未到位影响,本月仅开展培训{n}场,进度明显滞后。",
    ProgressStatus.COMPLETED: "本项工作已全部完成,累计培训{m}人次,相关台账已归档。",
}
PROBLEMS = "部分企业对政策了解不够,申报材料不齐全。"
NEXT_STEPS = "下月加强政策宣传,会同相关部门上门服务重点企业。"
RETURN_REASONS = [
    "培训人次与上月累计数对不上,请核实后重报。",
    "请补充佐证材料(签到表或照片)。",
    "进度判断与进展描述不一致,请修改。",
]


# How many of the policy's tasks are finished early, behind 序时进度 by
# less than 20 points (滞后), or by more (严重滞后); the rest keep pace.
# One of the lagging ones is reported as on track by its departments, so
# that a bulletin has a proposed status that disagrees with its light.
PACES = {"completed": 3, "lagging": 5, "behind": 2}

# The policy's span when no policy gives its issue date, and its last year:
# its targets are all due by the end of 2025 ("到2025年").
POLICY_FIRST_DAY = datetime.date(2023, 1, 1)
POLICY_LAST_YEAR = 2025
# The day of the month the demo stands on when today is outside the span:
# before the 25th, the usual deadline, so that the open month is not due.
STAND_DAY = 20


def demo_day(today: datetime.date, months: int = 4) -> datetime.date:
    """The day the demo's reports are written as of: today when today
    falls inside the policy's span; before the policy was issued, the 20th
    of its ``months``-th month; after 2025, 20 December 2025. A demo made
    before or after the policy so still shows the policy's own months."""
    first = _policy_first_day()
    year, month = divmod(first.year * 12 + first.month - 1 + months - 1, 12)
    earliest = datetime.date(year, month + 1, STAND_DAY)
    latest = datetime.date(POLICY_LAST_YEAR, 12, STAND_DAY)
    if today < first:
        return earliest
    if today.year > POLICY_LAST_YEAR:
        return latest
    return today


def demo_months(today: datetime.date, count: int = 4) -> list[tuple[int, int]]:
    """The (year, month)s of a demo standing on ``today`` (as ``demo_day``
    gives it): ``count`` months up to its month, and further back to the
    first month of the last quarter that has ended when the policy ran
    then."""
    issued = _policy_first_day()
    last = today.year * 12 + today.month - 1
    quarter_start = last - last % 3 - 3
    first = last - count + 1
    if issued.year * 12 + issued.month - 1 <= quarter_start < first:
        first = quarter_start
    return [(index // 12, index % 12 + 1) for index in range(first, last + 1)]


def _policy_first_day(policy: Policy | None = None) -> datetime.date:
    """The policy's issue; with none named, the first issued policy's,
    whose span the demo's months stand in."""
    if policy is not None:
        return policy.issued_on or POLICY_FIRST_DAY
    issued = (
        Policy.objects.exclude(issued_on=None)
        .order_by("issued_on")
        .values_list("issued_on", flat=True)
        .first()
    )
    return issued or POLICY_FIRST_DAY


def _plan_span(policy: Policy) -> tuple[datetime.date, datetime.date]:
    """The plan's first and last day as a bulletin counts 序时进度: from
    the policy's issue to the last deadline of its targets (the demo
    accepts them all), else to the end of its last year."""
    end = Target.objects.filter(policy=policy).aggregate(last=Max("deadline"))["last"]
    return _policy_first_day(policy), end or datetime.date(POLICY_LAST_YEAR, 12, 31)


@dataclass(frozen=True)
class Pace:
    """How a task's reports stand against 序时进度: ``gap`` points behind
    it (negative: ahead), the status its departments propose, and the
    index of the demo month from which it is finished (None: not)."""

    gap: int
    status: str
    done_from: int | None = None


def _paces(
    rng: random.Random, policy: Policy, counts: dict[str, int] = PACES
) -> dict[int, Pace]:
    """Each of the policy's tasks' pace, by task id: ``counts`` of them
    finished, lagging or behind, picked at random; the rest on pace, a few
    points ahead."""
    tasks = list(
        Task.objects.filter(policy=policy)
        .order_by("number")
        .values_list("pk", flat=True)
    )
    rng.shuffle(tasks)
    completed, lagging, behind = (counts[k] for k in ("completed", "lagging", "behind"))
    paces = {}
    for position, task in enumerate(tasks):
        if position < completed:
            # Ahead until finished, from the second or third month on.
            pace = Pace(
                gap=-rng.randint(8, 15),
                status=ProgressStatus.ON_TRACK,
                done_from=1 + position % 2,
            )
        elif position < completed + lagging:
            optimistic = position == completed
            pace = Pace(
                gap=rng.randint(6, 15),
                status=ProgressStatus.ON_TRACK
                if optimistic
                else ProgressStatus.AT_RISK,
            )
        elif position < completed + lagging + behind:
            pace = Pace(gap=rng.randint(28, 38), status=ProgressStatus.BEHIND)
        else:
            pace = Pace(gap=-rng.randint(0, 5), status=ProgressStatus.ON_TRACK)
        paces[task] = pace
    return paces


def _judgement(
    pace: Pace, elapsed: float, index: int, rng: random.Random
) -> tuple[str, int]:
    """A report's proposed status and 完成度 in the demo's ``index``-th
    month, 序时进度 being ``elapsed`` at its end: the pace's gap, give or
    take two points, without crossing the pace's own light (on pace stays
    at or above 序时进度, 滞后 within 20 points below it)."""
    if pace.done_from is not None and index >= pace.done_from:
        return ProgressStatus.COMPLETED, 100
    if pace.gap <= 0:
        value = math.ceil(elapsed) - pace.gap + rng.randint(0, 2)
    else:
        value = round(elapsed - pace.gap + rng.randint(-2, 2))
    return pace.status, min(max(value, 0), 99)


def demo_authors() -> dict[int, User]:
    """The user who acts for each department in the demo, by its pk: its
    first reporter, or one made for the demo that nobody can sign in as."""
    authors = {}
    for department in Department.objects.exclude(kind="group"):
        user = User.objects.filter(
            department=department, groups__name=RoleName.REPORTER.label
        ).first()
        if user is None:
            user = user_create(
                username=f"demo-{department.pk}",
                password="",  # replaced by an unusable one below
                role=RoleName.REPORTER,
                department=department,
                full_name=f"{department.name}填报员",
            )
            user.set_unusable_password()
            user.save(update_fields=["password"])
        authors[department.pk] = user
    return authors


@dataclass
class _PolicyPlan:
    """One policy's share of the demo: its own random sequence, its tasks'
    paces and its plan's span, so that another policy's reports leave its
    figures as they are."""

    policy: Policy
    rng: random.Random
    paces: dict[int, Pace]
    start: datetime.date
    end: datetime.date
    reached: dict[tuple[int, int], int]


@transaction.atomic
def demo_reports_create(
    *,
    reviewer: User,
    today: datetime.date | None = None,
    months: int = 4,
    seed: int = 2025,
    policies: list[Policy] | None = None,
) -> int:
    """Open the months ``demo_months`` gives, at least ``months`` of them,
    ending with the month of ``demo_day(today)``, and fill them, the last
    one still open; returns the number of reports
    written. Does nothing when any period exists already.

    ``policies`` (every policy by default) are filled each with its own
    random sequence, the first with ``seed`` itself: a second policy added
    to the demo changes none of the first one's reports."""
    if ReportingPeriod.objects.exists():
        return 0
    if policies is None:
        policies = list(Policy.objects.order_by("pk"))
    authors = demo_authors()
    real_today = today or timezone.localdate()
    today = demo_day(real_today, months)
    written = 0
    plan = demo_months(today, months)
    plans = [
        _policy_plan(policy, seed, main=position == 0)
        for position, policy in enumerate(policies)
    ]
    for index, (year, month) in enumerate(plan):
        month_end = datetime.date(year, month, calendar.monthrange(year, month)[1])
        current = index == len(plan) - 1
        deadline = (
            today + datetime.timedelta(days=5)
            if current
            else datetime.date(year, month, 25)
        )
        if current:
            # One department wants its leader's sign-off from this month on.
            Department.objects.filter(name="余江区人民政府").update(
                requires_signoff=True
            )
        period = period_open(year=year, month=month, deadline=deadline)
        for item in plans:
            elapsed = elapsed_percent(item.start, item.end, month_end)
            written += _fill_period(
                period, item, elapsed, index, current, authors, reviewer
            )
        for item in plans:
            if not current:
                _backdate(period, item.rng, policy=item.policy)
            elif today != real_today:
                _backdate(period, item.rng, latest=today, policy=item.policy)
        if not current:
            period_close(period=period)
    return written


# A policy of the demo besides the first, smaller: fewer of its tasks off
# pace, so that most still keep it.
SMALL_PACES = {"completed": 1, "lagging": 2, "behind": 1}


def _policy_plan(policy: Policy, seed: int, main: bool) -> _PolicyPlan:
    suffix = "" if main else f"-{policy.number}"
    rng = random.Random(f"{seed}{suffix}" if suffix else seed)  # noqa: S311 - demo texts
    paces = _paces(
        random.Random(f"{seed}-paces{suffix}"),  # noqa: S311 - as above
        policy,
        PACES if main else SMALL_PACES,
    )
    start, end = _plan_span(policy)
    return _PolicyPlan(policy, rng, paces, start, end, {})


def _fill_period(period, item: _PolicyPlan, elapsed, index, current, authors, reviewer):
    """Write one policy's reports of a demo month; returns how many."""
    rng, written = item.rng, 0
    reports = list(
        ProgressReport.objects.filter(period=period, task__policy=item.policy)
        .select_related("department")
        .order_by("task__number", "department__sort_order")
    )
    for report in reports:
        outcome = rng.random()
        author = authors[report.department_id]
        if current and outcome < 0.35:
            continue  # still to write
        if not current and outcome < 0.06:
            continue  # never filed: missing
        status, completion = _judgement(item.paces[report.task_id], elapsed, index, rng)
        key = (report.task_id, report.department_id)
        if status != ProgressStatus.COMPLETED:
            # A department does not report less done than last month.
            completion = max(completion, item.reached.get(key, 0))
        item.reached[key] = completion
        if report.role != Role.LEAD and rng.random() < 0.25:
            completion = None  # a cooperating unit gives no estimate
        report_save(
            report=report,
            data={
                "progress": PROGRESS[status].format(
                    n=rng.randint(1, 6), m=rng.randint(50, 900)
                ),
                "problems": PROBLEMS if status != ProgressStatus.ON_TRACK else "",
                "next_steps": NEXT_STEPS,
                "proposed_status": status,
                "completion": completion,
            },
            expected_version=report.version,
            actor=author,
        )
        written += 1
        if current and outcome < 0.45:
            continue  # a draft in progress
        report = report_transition(report=report, action="submit", actor=author)
        if report.state == ReportState.PENDING_SIGNOFF:
            continue  # waiting for the leader
        if current and outcome < 0.62:
            continue  # waiting for review
        if outcome < (0.75 if current else 0.12):
            report = report_transition(
                report=report,
                action="return",
                actor=reviewer,
                reason=rng.choice(RETURN_REASONS),
            )
            if current:
                continue  # returned, not yet fixed
            report = report_save(
                report=report,
                data={"progress": report.progress + "(已按要求补充核实。)"},
                expected_version=report.version,
                actor=author,
            )
            report_transition(report=report, action="submit", actor=author)
        report_transition(report=report, action="approve", actor=reviewer)
    return written


def _backdate(
    period,
    rng: random.Random,
    latest: datetime.date | None = None,
    policy: Policy | None = None,
) -> None:
    """Move a past month's timestamps into that month: most reports on
    time, a few after the deadline. With ``latest``, the month is the open
    one of a demo made outside the policy's span: its reports were all
    written on time, by that day."""
    zone = timezone.get_current_timezone()
    deadline = datetime.datetime.combine(period.deadline, datetime.time(18), zone)
    ReportingPeriod.objects.filter(pk=period.pk).update(
        opened_at=datetime.datetime.combine(
            datetime.date(period.year, period.month, 1), datetime.time(9), zone
        )
    )
    reports = ProgressReport.objects.filter(period=period).exclude(submitted_at=None)
    if policy is not None:
        reports = reports.filter(task__policy=policy)
    for report in reports:
        if latest is not None:
            late = False
            submitted = datetime.datetime.combine(
                latest, datetime.time(17), zone
            ) - datetime.timedelta(days=rng.randint(3, 10), hours=rng.randint(0, 8))
        else:
            late = rng.random() < 0.1
            submitted = deadline + datetime.timedelta(
                days=rng.randint(1, 4) if late else -rng.randint(0, 6),
                hours=rng.randint(-8, 0),
            )
        ProgressReport.objects.filter(pk=report.pk).update(
            submitted_at=submitted, is_late=late, updated_at=submitted
        )
        for step, transition in enumerate(
            ReportTransition.objects.filter(report=report).order_by("pk")
        ):
            ReportTransition.objects.filter(pk=transition.pk).update(
                at=submitted + datetime.timedelta(hours=step * 20)
            )
    if latest is None:
        unfiled = ProgressReport.objects.filter(
            period=period, state__in=[ReportState.DRAFT, ReportState.RETURNED]
        )
        if policy is not None:
            unfiled = unfiled.filter(task__policy=policy)
        unfiled.update(overdue_marked_at=deadline + datetime.timedelta(days=1))
