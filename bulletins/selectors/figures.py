"""The figures of a bulletin (季通报, or a monthly 调度通报): one snapshot,
a JSON-able dict, that the bulletin's page, its documents and its stored
versions all read, so that an issued bulletin can be frozen as data.

The numbers come from the dashboard's own selectors
(``dispatch.selectors.dashboard.period_counts`` and ``monthly_rates``)
and from ``targets.selectors.progress_list``, so that the bulletin and the
dashboard cannot disagree about the same months. ``bulletin_figures``
runs a fixed number of queries whatever the number of tasks, departments
and reports: one per month of the range and per year it touches, and about
a dozen more.

序时进度 (``elapsed_percent``) is the share of the plan's time gone by at
``as_of``: from the policy's issue date (else 1 January three years before
the end, as ``targets.progress.start_of`` does) to the last deadline of its
accepted targets (else the end of the year of ``as_of``).

A task's light, judged by the lead department's reports (a task with no
lead department at all, by all of its reports, as the dashboard's board
does):

- 已完成 (``completed``) when the latest approved lead report says
  completed, or gives a completion of 100 %;
- else 严重滞后 (``red``) when no lead report was approved in the last
  ``rule.stale_months`` months of the range (months after ``as_of`` do not
  count: they cannot have been reported yet);
- else its 完成度 against 序时进度: on or above → 按序时推进 (``green``), up
  to ``rule.yellow_below`` points below → 滞后 (``yellow``), more →
  ``red``;
- without a 完成度, the department's proposed status: on_track → green,
  at_risk → yellow, behind → red; an approved report with neither is taken
  as on pace, since the reviewer accepted it without a judgement.

Where several departments lead a task, the worst of their reports of the
latest approved month counts. A target's light is its status from
``targets.progress`` as of ``as_of``.

Reporting discipline over the range: ``due`` every report of the months,
``on_time``/``late`` those received (waiting for review or approved) in
time or after the deadline, ``missing`` the rest (drafts, waiting for the
leader, returned and not sent again), ``returned`` the reports the 人社局
sent back (退回修改) at least once, whatever their state now.

Departments are ranked by the share of their due reports received on time
(highest first), then by the red lights on what they lead (fewest first),
then by their ``sort_order``; ``rank_change`` is the previous bulletin's
rank minus this one's (positive: moved up).
"""

import calendar
import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.db.models import Max

from dispatch.models import (
    ProgressReport,
    ProgressStatus,
    ReportingPeriod,
    ReportState,
    ReportTransition,
)
from dispatch.selectors.dashboard import REPORTED_STATES, monthly_rates, period_counts
from targets.models import Comparator, ReviewStatus, Target, format_number
from targets.progress import Status, Verdict
from targets.selectors import progress_list
from tasks.models import KeyTaskAssignment, Policy, Role, Task

from ..wording import chinese_date, chinese_numeral

SCHEMA = 1


@dataclass(frozen=True)
class LightRule:
    """How far behind 序时进度 a task may be and still be yellow, and how
    many months without an approved report make it red."""

    yellow_below: int = 20
    stale_months: int = 2


COMPLETED, GREEN, YELLOW, RED = "completed", "green", "yellow", "red"
LIGHT_LABELS = {
    COMPLETED: "已完成",
    GREEN: "按序时推进",
    YELLOW: "滞后",
    RED: "严重滞后",
}
# Worst first, to pick among several lead departments' reports.
LIGHT_SEVERITY = {RED: 0, YELLOW: 1, GREEN: 2, COMPLETED: 3}
PROPOSED_LIGHTS = {
    ProgressStatus.COMPLETED: COMPLETED,
    ProgressStatus.ON_TRACK: GREEN,
    ProgressStatus.AT_RISK: YELLOW,
    ProgressStatus.BEHIND: RED,
}
COMPARATOR_WORDS = {
    Comparator.AT_LEAST: "达到",
    Comparator.ABOVE: "突破",
    Comparator.ABOUT: "",
}

Month = tuple[int, int]

# Sections that apps above the bulletins add to it (the supervision's
# 督导整改情况), each a function of the policy, the range and its as-of
# day (keywords ``policy``, ``first``, ``last``, ``as_of``) giving a
# section or None when it has nothing to say. A section is JSON, kept in
# the snapshot like the rest: {"key", "title", "lines": [sentences],
# "columns": [[name, width in mm]], "rows": [[cell text]]}, and
# "department_ids" (the department each row is about, or None) when its
# rows are departments' for the page to mark a department's own; the page
# and the documents show it after the departments' table, the workbook as
# a sheet of its own.
extra_sections: list[Callable[..., dict | None]] = []


def bulletin_figures(
    *,
    policy: Policy,
    first: Month,
    last: Month,
    today: datetime.date,
    rule: LightRule = LightRule(),  # noqa: B008 - frozen, so safe to share
    previous: dict | None = None,
) -> dict:
    """The snapshot of the policy's months ``first`` to ``last`` (each a
    (year, month)) as of ``today``; see the module's docstring for every
    rule and the plan of issue 11 for the shape.

    Queries: one per month of the range (``period_counts``) and per year
    it touches (``monthly_rates``), and twelve more: the plan's end, the
    periods, the tasks with their responsibilities and groups' members
    (three), the reports, the returns, the targets (three) and the key
    tasks' leads; sixteen for a quarter."""
    if _index(first) > _index(last):
        raise ValueError(f"起始月份 {_ym(first)} 晚于结束月份 {_ym(last)}。")
    range_months = _months(first, last)
    as_of = min(_last_day(last), today)
    start, end = _plan_span(policy, as_of)
    elapsed = elapsed_percent(start, end, as_of)

    # The months a task's staleness looks at may start before the range
    # (a one-month bulletin still looks back ``stale_months``).
    judged_last = min(_index(last), _index((as_of.year, as_of.month)))
    stale_from = judged_last - rule.stale_months + 1
    window_first = min(_index(first), stale_from)
    periods = [
        p
        for p in ReportingPeriod.objects.filter(
            year__gte=window_first // 12, year__lte=last[0]
        )
        if window_first <= _index((p.year, p.month)) <= _index(last)
    ]
    in_range = {p.pk: p for p in periods if _index(first) <= _index((p.year, p.month))}

    months = _month_rows(range_months, periods, policy)
    discipline_counts = [period_counts(p, policy) for p in in_range.values()]
    tasks = _tasks(policy)
    rows = list(
        ProgressReport.objects.filter(task__policy=policy, period__in=periods)
        .values(
            "pk",
            "task_id",
            "department_id",
            "department__name",
            "department__sort_order",
            "period_id",
            "role",
            "state",
            "is_late",
            "proposed_status",
            "completion",
            "progress",
            "problems",
            "next_steps",
        )
        .order_by("pk")
    )
    month_of = {p.pk: _index((p.year, p.month)) for p in periods}
    for row in rows:
        row["month"] = month_of[row["period_id"]]
        row["in_range"] = row["period_id"] in in_range
    returned = set(
        ReportTransition.objects.filter(
            report__task__policy=policy,
            report__period_id__in=list(in_range),
            action="return",
        )
        .values_list("report_id", flat=True)
        .distinct()
    )

    by_task: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_task[row["task_id"]].append(row)
    task_items = [
        _task_item(
            task,
            by_task.get(task.pk, []),
            elapsed=elapsed,
            rule=rule,
            stale_from=stale_from,
        )
        for task in tasks
    ]
    target_items = _targets(policy, as_of, tasks)

    discipline = _discipline(discipline_counts, len(returned))
    departments = _departments(rows, returned, task_items, target_items, previous)
    return {
        "schema": SCHEMA,
        "policy": {
            "id": policy.pk,
            "number": policy.number,
            "title": policy.title,
            "issuer": policy.issuer,
        },
        "range": {
            "first": _ym(first),
            "last": _ym(last),
            "label": range_label(first, last),
            "months": len(range_months),
        },
        "as_of": as_of.isoformat(),
        "elapsed_percent": elapsed,
        "rule": asdict(rule),
        "lights": {
            "completed": _count(task_items, COMPLETED),
            "on_pace": _count(task_items, GREEN),
            "lagging": _count(task_items, YELLOW),
            "seriously_lagging": _count(task_items, RED),
        },
        "discipline": discipline,
        "months": months,
        "targets_summary": _targets_summary(target_items),
        "tasks": [_public(t) for t in task_items],
        "targets": [_public(t) for t in target_items],
        "lagging": _lagging(task_items, target_items, as_of, elapsed, rule),
        "departments": departments,
        "problems": _texts(rows, "problems", tasks),
        "next_steps": _texts(rows, "next_steps", tasks),
        "charts": {"lights_by_department": _lights_by_department(tasks, task_items)},
        "sections": _sections(policy=policy, first=first, last=last, as_of=as_of),
    }


def _sections(**range_) -> list[dict]:
    sections = (section(**range_) for section in extra_sections)
    return [s for s in sections if s]


# -- months -------------------------------------------------------------------


def _index(month: Month) -> int:
    return month[0] * 12 + month[1] - 1


def _month(index: int) -> Month:
    return index // 12, index % 12 + 1


def _months(first: Month, last: Month) -> list[Month]:
    return [_month(i) for i in range(_index(first), _index(last) + 1)]


def _ym(month: Month) -> str:
    return f"{month[0]:04d}-{month[1]:02d}"


def _last_day(month: Month) -> datetime.date:
    return datetime.date(*month, calendar.monthrange(*month)[1])


def range_label(first: Month, last: Month) -> str:
    """2025年9月, 2025年第三季度, 2025年7月至8月, 2024年11月至2025年1月."""
    (y1, m1), (y2, m2) = first, last
    if first == last:
        return f"{y1}年{m1}月"
    if y1 == y2 and m1 % 3 == 1 and m2 == m1 + 2:
        return f"{y1}年第{chinese_numeral(m1 // 3 + 1)}季度"
    if y1 == y2:
        return f"{y1}年{m1}月至{m2}月"
    return f"{y1}年{m1}月至{y2}年{m2}月"


def _plan_span(policy: Policy, as_of: datetime.date):
    last_deadline = Target.objects.filter(
        policy=policy, review_status=ReviewStatus.ACCEPTED
    ).aggregate(last=Max("deadline"))["last"]
    end = last_deadline or datetime.date(as_of.year, 12, 31)
    start = policy.issued_on or datetime.date(end.year - 3, 1, 1)
    return start, end


def elapsed_percent(
    start: datetime.date, end: datetime.date, on: datetime.date
) -> float:
    """序时进度 on a day: the share of the plan's days from ``start`` to
    ``end`` gone by, 0–100, one decimal."""
    span = (end - start).days
    if span <= 0:
        return 100.0
    share = min(max((on - start).days / span, 0), 1)
    return round(100 * share, 1)


def _month_rows(range_months: list[Month], periods, policy) -> list[dict]:
    """The dashboard's ``monthly_rates`` for the range's months."""
    rates = {}
    for year in sorted({y for y, _ in range_months}):
        for rate in monthly_rates(year, periods, policy):
            rates[(year, rate.month)] = rate
    return [
        {
            "year": year,
            "month": month,
            "label": f"{month}月",
            "due": rates[(year, month)].expected,
            "reported": rates[(year, month)].reported,
            "rate": rates[(year, month)].rate,
        }
        for year, month in range_months
    ]


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _discipline(counts, returned: int) -> dict:
    due = sum(c.expected for c in counts)
    on_time = sum(c.on_time for c in counts)
    late = sum(c.late for c in counts)
    return {
        "due": due,
        "on_time": on_time,
        "late": late,
        "missing": due - on_time - late,
        "returned": returned,
        "rate": _percent(on_time + late, due),
        "on_time_rate": _percent(on_time, on_time + late),
    }


# -- tasks --------------------------------------------------------------------


def _tasks(policy: Policy) -> list[Task]:
    """The policy's tasks with their responsibilities and, for a group, its
    members (who file its reports and see its lines); three queries."""
    tasks = list(
        Task.objects.filter(policy=policy)
        .select_related("key_task")
        .prefetch_related(
            "responsibilities__department__members",
        )
        .order_by("number")
    )
    for task in tasks:
        task.leads = _units(task, Role.LEAD)
        task.cooperating = _units(task, Role.COOPERATING)
    return tasks


def _units(task: Task, role: str) -> tuple[list[str], list[int]]:
    responsibilities = sorted(
        (r for r in task.responsibilities.all() if r.role == role),
        key=lambda r: r.position,
    )
    names = [r.department.name for r in responsibilities]
    ids: list[int] = []
    for r in responsibilities:
        for pk in [r.department.pk, *(m.pk for m in r.department.members.all())]:
            if pk not in ids:
                ids.append(pk)
    return names, ids


def _row_light(row: dict, elapsed: float, rule: LightRule) -> str:
    proposed, completion = row["proposed_status"], row["completion"]
    if proposed == ProgressStatus.COMPLETED or completion == 100:
        return COMPLETED
    if completion is not None:
        if completion >= elapsed:
            return GREEN
        return YELLOW if completion >= elapsed - rule.yellow_below else RED
    return PROPOSED_LIGHTS.get(proposed, GREEN)


def _task_item(task: Task, rows, *, elapsed, rule, stale_from) -> dict:
    lead_rows = [r for r in rows if r["role"] == Role.LEAD] or rows
    approved = [r for r in lead_rows if r["state"] == ReportState.APPROVED]
    latest = max((r["month"] for r in approved), default=None)
    chosen = None
    if latest is not None:
        chosen = min(
            (r for r in approved if r["month"] == latest),
            key=lambda r: (
                LIGHT_SEVERITY[_row_light(r, elapsed, rule)],
                r["completion"] if r["completion"] is not None else 101,
                r["pk"],
            ),
        )
    if chosen is not None and _row_light(chosen, elapsed, rule) == COMPLETED:
        light = COMPLETED
    elif latest is None or latest < stale_from:
        light = RED
    else:
        light = _row_light(chosen, elapsed, rule)
    proposed = chosen["proposed_status"] if chosen else ""
    # The text of the quarter: the chosen report when it is of the range.
    texts = chosen if chosen and chosen["in_range"] else None
    lead_names, lead_ids = task.leads
    cooperating_names, cooperating_ids = task.cooperating
    return {
        "id": task.pk,
        "number": task.number,
        "key_task_number": task.key_task.number,
        "key_task": task.key_task.name,
        "requirement": task.requirement,
        "lead": lead_names,
        "cooperating": cooperating_names,
        "lead_ids": lead_ids,
        "cooperating_ids": cooperating_ids,
        "light": light,
        "light_label": LIGHT_LABELS[light],
        "proposed": proposed,
        "proposed_label": ProgressStatus(proposed).label if proposed else "",
        "disagrees": bool(proposed) and PROPOSED_LIGHTS.get(proposed) != light,
        "completion": chosen["completion"] if chosen else None,
        "expected": elapsed,
        "last_approved": _ym(_month(latest)) if latest is not None else None,
        "progress": texts["progress"] if texts else "",
        "next_steps": texts["next_steps"] if texts else "",
        # Kept out of the snapshot (``_public``): used for the text.
        "_stale": light == RED and (latest is None or latest < stale_from),
    }


def _public(item: dict) -> dict:
    """An item without the keys kept for the text only."""
    return {k: v for k, v in item.items() if not k.startswith("_")}


def _count(items, light: str) -> int:
    return sum(1 for item in items if item["light"] == light)


# -- targets ------------------------------------------------------------------


def _targets(policy: Policy, as_of: datetime.date, tasks: list[Task]) -> list[dict]:
    """The policy's accepted targets as of ``as_of``; led by their task's
    lead departments, or for a target of a key task (or of the policy as a
    whole) by the key task's lead in the text's 分工."""
    items = progress_list(
        Target.objects.filter(policy=policy, review_status=ReviewStatus.ACCEPTED),
        as_of,
    )
    task_of = {t.pk: t for t in tasks}
    key_leads: dict[int, list] = defaultdict(list)
    for assignment in (
        KeyTaskAssignment.objects.filter(key_task__policy=policy, role=Role.LEAD)
        .select_related("department")
        .order_by("position")
    ):
        key_leads[assignment.key_task_id].append(assignment.department)
    result = []
    for item in items:
        target = item.target
        task = task_of.get(target.task_id)
        if task is not None:
            lead, lead_ids = task.leads
        else:
            units = key_leads.get(target.key_task_id, [])
            lead, lead_ids = [d.name for d in units], [d.pk for d in units]
        result.append(
            {
                "id": target.pk,
                "task_number": task.number if task else None,
                "key_task_number": target.key_task.number if target.key_task else None,
                "key_task": target.key_task.name if target.key_task else "",
                "metric": target.metric,
                "comparator": target.comparator,
                "value": format_number(target.value),
                "unit": target.unit,
                "deadline": target.deadline.isoformat(),
                "latest_value": (
                    format_number(item.latest_value)
                    if item.latest_value is not None
                    else None
                ),
                "latest_date": (
                    item.latest_date.isoformat() if item.latest_date else None
                ),
                "percent": _round(item.percent),
                "expected_percent": _round(item.expected_percent),
                "light": item.status,
                "light_label": item.status_label,
                "verdict": item.verdict,
                "lead": lead,
                "lead_ids": lead_ids,
                "_stale": item.stale,
            }
        )
    return result


def _round(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


def _targets_summary(items: list[dict]) -> dict:
    summary = {"total": len(items)}
    for status in (Status.GREEN, Status.YELLOW, Status.RED, Status.NONE):
        summary[status] = sum(1 for t in items if t["light"] == status)
    for verdict in (Verdict.ACHIEVED, Verdict.MISSED):
        summary[verdict] = sum(1 for t in items if t["verdict"] == verdict)
    return summary


# -- lagging items ------------------------------------------------------------


def _led_by(lead: list[str]) -> str:
    return f"{'、'.join(lead)}牵头的" if lead else ""


def _sentence(text: str) -> str:
    return text.strip().rstrip("。;,;,")  # noqa: B005 - a set of marks


def _task_lagging_text(item: dict, as_of, rule: LightRule) -> str:
    head = (
        f"{_led_by(item['lead'])}第{item['number']}项“{item['key_task']}”:"
        f"{_sentence(item['requirement'])},截至{chinese_date(as_of)}"
    )
    if item["_stale"]:
        if item["last_approved"]:
            year, month = item["last_approved"].split("-")
            since = f"最近一次审核通过的报告为{int(year)}年{int(month)}月"
        else:
            since = "尚无审核通过的报告"
        return f"{head}已连续{rule.stale_months}个月无审核通过的报告({since})。"
    if item["completion"] is not None:
        return (
            f"{head}完成度{item['completion']}%,"
            f"低于序时进度{format_number(item['expected'])}%。"
        )
    return f"{head}牵头单位自评为“{item['proposed_label']}”。"


def _target_lagging_text(item: dict, as_of) -> str:
    if item["task_number"] is not None:
        where = f"第{item['task_number']}项“{item['key_task']}”"
    elif item["key_task_number"] is not None:
        where = f"第{item['key_task_number']}项重点任务“{item['key_task']}”"
    else:
        where = "发展目标"
    deadline = datetime.date.fromisoformat(item["deadline"])
    word = COMPARATOR_WORDS.get(item["comparator"], "达到")
    goal = f"到{deadline.year}年{item['metric']}{word}{item['value']}{item['unit']}"
    head = f"{_led_by(item['lead'])}{where}:目标{goal},截至{chinese_date(as_of)}"
    if item["latest_value"] is None:
        return f"{head}尚无读数。"
    latest = datetime.date.fromisoformat(item["latest_date"])
    actual = f"{head}为{item['latest_value']}{item['unit']}"
    if latest != as_of:
        actual += f"({chinese_date(latest)}数据)"
    if item["verdict"] == Verdict.MISSED:
        return f"{actual},未达成。"
    if item["_stale"]:
        return f"{actual},此后无新读数。"
    if item["percent"] is not None and item["expected_percent"] is not None:
        return (
            f"{actual},完成{format_number(item['percent'])}%,"
            f"序时进度{format_number(item['expected_percent'])}%。"
        )
    return f"{actual}。"


def _union(first: list[int], second: list[int]) -> list[int]:
    return first + [pk for pk in second if pk not in first]


def _lagging(tasks, targets, as_of, elapsed, rule: LightRule) -> list[dict]:
    items = []
    for item in tasks:
        if item["light"] in (RED, YELLOW):
            items.append(
                (
                    (item["light"] != RED, 0, item["number"]),
                    {
                        "kind": "task",
                        "light": item["light"],
                        "text": _task_lagging_text(item, as_of, rule),
                        "cooperating": item["cooperating"],
                        "department_ids": _union(
                            item["lead_ids"], item["cooperating_ids"]
                        ),
                    },
                )
            )
    for position, item in enumerate(targets):
        if item["light"] in (RED, YELLOW):
            task = next((t for t in tasks if t["number"] == item["task_number"]), None)
            items.append(
                (
                    (item["light"] != RED, 1, position),
                    {
                        "kind": "target",
                        "light": item["light"],
                        "text": _target_lagging_text(item, as_of),
                        "cooperating": task["cooperating"] if task else [],
                        "department_ids": _union(
                            item["lead_ids"], task["cooperating_ids"] if task else []
                        ),
                    },
                )
            )
    items.sort(key=lambda pair: pair[0])
    return [entry for _, entry in items]


# -- departments --------------------------------------------------------------


def _departments(rows, returned, tasks, targets, previous) -> list[dict]:
    table: dict[int, dict] = {}
    held: dict[int, set] = defaultdict(set)
    for row in rows:
        if not row["in_range"]:
            continue
        pk = row["department_id"]
        entry = table.setdefault(
            pk,
            {
                "id": pk,
                "name": row["department__name"],
                "_sort_order": row["department__sort_order"],
                "tasks_held": 0,
                "due": 0,
                "on_time": 0,
                "late": 0,
                "missing": 0,
                "returned": 0,
                "red": 0,
            },
        )
        held[pk].add(row["task_id"])
        entry["due"] += 1
        if row["state"] in REPORTED_STATES:
            entry["late" if row["is_late"] else "on_time"] += 1
        else:
            entry["missing"] += 1
        if row["pk"] in returned:
            entry["returned"] += 1
    for item in [*tasks, *targets]:
        if item["light"] == RED:
            for pk in item["lead_ids"]:
                if pk in table:
                    table[pk]["red"] += 1
    for pk, entry in table.items():
        entry["tasks_held"] = len(held[pk])
    ranked = sorted(
        table.values(),
        key=lambda d: (
            -(d["on_time"] / d["due"]) if d["due"] else 0,
            d["red"],
            d["_sort_order"],
            d["name"],
        ),
    )
    before = {d["id"]: d["rank"] for d in (previous or {}).get("departments", [])}
    result = []
    for rank, entry in enumerate(ranked, start=1):
        entry = {k: v for k, v in entry.items() if not k.startswith("_")}
        entry["rank"] = rank
        entry["rank_change"] = (
            before[entry["id"]] - rank if entry["id"] in before else None
        )
        result.append(entry)
    return result


def _texts(rows, field: str, tasks: list[Task]) -> list[dict]:
    """The approved reports' 存在问题 (or 下步计划) of the range, by
    department in its order: the latest approved report of each task, a
    text repeated for several tasks given once, under the first."""
    number_of = {t.pk: t.number for t in tasks}
    latest: dict[tuple[int, int], dict] = {}
    for row in rows:
        if not row["in_range"] or row["state"] != ReportState.APPROVED:
            continue
        key = (row["department_id"], row["task_id"])
        if key not in latest or row["month"] >= latest[key]["month"]:
            latest[key] = row
    grouped: dict[int, dict] = {}
    for row in sorted(
        latest.values(),
        key=lambda r: (
            r["department__sort_order"],
            r["department__name"],
            number_of[r["task_id"]],
        ),
    ):
        text = row[field].strip()
        if not text:
            continue
        entry = grouped.setdefault(
            row["department_id"],
            {
                "department": row["department__name"],
                "department_id": row["department_id"],
                "items": [],
            },
        )
        if all(i["text"] != text for i in entry["items"]):
            number = number_of[row["task_id"]]
            entry["items"].append({"task_number": number, "text": text})
    return list(grouped.values())


def _lights_by_department(tasks: list[Task], items: list[dict]) -> list[dict]:
    """Per lead department (as the annex names it), its tasks' lights."""
    order: dict[str, tuple] = {}
    counts: dict[str, dict] = {}
    for task, item in zip(tasks, items, strict=True):
        for r in task.responsibilities.all():
            if r.role != Role.LEAD:
                continue
            name = r.department.name
            order[name] = (r.department.sort_order, name)
            row = counts.setdefault(
                name, {"name": name, GREEN: 0, YELLOW: 0, RED: 0, COMPLETED: 0}
            )
            row[item["light"]] += 1
    return [counts[name] for name in sorted(counts, key=order.get)]
