"""The computed indicators of the annual assessment: pure reads of the
year's data, each score with its working (formula, inputs with links to
the reports, bulletins and problems behind them, points).

``compute_all`` scores every department on every indicator of a scheme
with a fixed number of queries, whatever the number of departments: one
or two per kind over the whole year, and for the task lights one
``bulletin_figures`` of the year per policy (about two dozen queries
each). ``compute`` is the same for one department and one indicator.

The rules, per kind (points to the cent, half up):

- 报送纪律 (discipline): the department's reports of the year's periods,
  as the dashboard counts them (``period_counts``): due every report,
  on time / late those received (waiting for review or approved),
  missing the rest, returned those sent back at least once. Points:
  weight minus ``late``, ``missing`` and ``returned`` points per report,
  never below 0. A department that joined mid-year is due only the
  reports it was given.
- 任务进度 (progress): the share of the department's tasks whose light at
  the year's end is 已完成 or 按序时推进, by the bulletin's rule
  (``bulletin_figures`` over January to December); lead tasks weigh
  ``lead_share`` % of the points, cooperating tasks the rest; a
  department holding only one of the two is scored on it alone, one
  holding none gets full points.
- 目标完成 (targets): for the targets the department leads (as the
  bulletin names their leads), the mean of min(1, progress ÷ expected
  progress) times the weight; an achieved target counts 1, one without a
  reading 0, one not yet expected to have moved 1; none led: full points.
- 督导整改 (rectification): the department's problems of the year's
  supervision rounds; judged are those signed off and those whose
  deadline passed before ``today``; points: weight × signed off by the
  deadline ÷ judged; none judged: full points.
- 催办扣分 (urges) and 通报红灯扣分 (red_lights): ``each`` points off per
  urge of the year's periods, or per red light of a task the department
  leads in each of the year's issued bulletins (its last issued version,
  the stored figures); at most the weight (a weight of 0: no cap).
- 加分 / 扣分 (bonus / penalty): the sum of the reviewer's items, at most
  ``cap`` (else the weight; 0: no cap); 专项指标 (special): the latest
  value entered, as weight × min(1, value ÷ ``target``) (default target
  100, a rate in per cent); with ``task`` (a task number) a department
  that does not carry that task gets full points.

A group (kind ``group``) is assessed as its member units: a
responsibility, problem or urge of the group counts for each member.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from bulletins.models import BulletinState, BulletinVersion
from bulletins.selectors.figures import COMPLETED, GREEN, RED, LightRule
from bulletins.selectors.figures import bulletin_figures as _bulletin_figures
from dispatch.models import ProgressReport, ReportTransition, Urge
from dispatch.selectors.dashboard import REPORTED_STATES
from supervision.models import Problem, ProblemState
from targets.models import format_number
from targets.progress import Verdict
from tasks.models import Department, Policy, Responsibility

from .models import Indicator, IndicatorKind, ManualItem, Scheme

CENT = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)

DISCIPLINE_DEFAULTS = {"late": 1, "missing": 2, "returned": 0.5}
PROGRESS_OK = (COMPLETED, GREEN)


@dataclass(frozen=True)
class ScoreResult:
    """An indicator's points for a department and how they were reached.
    ``inputs`` are what the page lists under the formula, each
    ``{"label", "value", "url"}`` (``url`` None where nothing links);
    ``figures`` the raw counts behind them, for checks and documents."""

    points: Decimal
    max_points: Decimal
    formula: str
    inputs: list[dict] = field(default_factory=list)
    figures: dict = field(default_factory=dict)

    def as_working(self) -> dict:
        """JSON for ``Score.working``."""
        return {
            "points": str(self.points),
            "max_points": str(self.max_points),
            "formula": self.formula,
            "inputs": [dict(i) for i in self.inputs],
            "figures": dict(self.figures),
        }

    @classmethod
    def from_working(cls, working: dict) -> "ScoreResult":
        return cls(
            points=Decimal(working.get("points", "0")),
            max_points=Decimal(working.get("max_points", "0")),
            formula=working.get("formula", ""),
            inputs=list(working.get("inputs", [])),
            figures=dict(working.get("figures", {})),
        )


def compute(
    indicator: Indicator,
    department: Department,
    year: int,
    *,
    today: datetime.date,
    policies: list[Policy] | None = None,
) -> ScoreResult:
    """One department's score on one indicator; see ``compute_all``."""
    results = compute_all(
        indicator.scheme,
        [department],
        year,
        today=today,
        indicators=[indicator],
        policies=policies,
    )
    return results[(department.pk, indicator.pk)]


def compute_all(
    scheme: Scheme,
    departments,
    year: int,
    *,
    today: datetime.date,
    indicators: list[Indicator] | None = None,
    policies: list[Policy] | None = None,
) -> dict[tuple[int, int], ScoreResult]:
    """Every department's score on every indicator of the scheme (or of
    ``indicators``), keyed by (department id, indicator id). ``policies``
    are the plans whose tasks count, every policy by default. A fixed
    number of queries whatever the number of departments (see the
    module's docstring)."""
    departments = list(departments)
    if indicators is None:
        indicators = list(scheme.indicators.order_by("position", "pk"))
    data = _YearData(scheme, year, today=today, policies=policies)
    results = {}
    for indicator in indicators:
        compute_kind = KINDS[indicator.kind]
        for department in departments:
            results[(department.pk, indicator.pk)] = compute_kind(
                indicator, department, data
            )
    return results


# -- the year's data, each read once ------------------------------------------


class _YearData:
    """The year's rows each kind reads, loaded on first use so that a
    scheme without an indicator of a kind does not pay for it."""

    def __init__(self, scheme, year, *, today, policies):
        self.scheme = scheme
        self.year = year
        self.today = today
        self._policies = policies
        self._cache: dict[str, object] = {}

    def _once(self, key, load):
        if key not in self._cache:
            self._cache[key] = load()
        return self._cache[key]

    @property
    def policies(self) -> list[Policy]:
        return self._once(
            "policies",
            lambda: (
                list(self._policies)
                if self._policies is not None
                else list(Policy.objects.order_by("pk"))
            ),
        )

    @property
    def groups_of(self) -> dict[int, set[int]]:
        """Member → the groups it belongs to; one query."""

        def load():
            through = Department.members.through
            result: dict[int, set[int]] = defaultdict(set)
            for group_id, member_id in through.objects.values_list(
                "from_department_id", "to_department_id"
            ):
                result[member_id].add(group_id)
            return result

        return self._once("groups", load)

    def units(self, department: Department) -> set[int]:
        """The department and the groups it counts through."""
        return {department.pk, *self.groups_of.get(department.pk, ())}

    @property
    def reports(self) -> dict[int, list[dict]]:
        """The year's reports by department, with whether each was
        returned; two queries."""

        def load():
            rows = list(
                ProgressReport.objects.filter(
                    period__year=self.year, task__policy__in=self.policies
                )
                .values(
                    "pk",
                    "department_id",
                    "state",
                    "is_late",
                    "period__year",
                    "period__month",
                    "period__deadline",
                    "task__number",
                    "task__policy_id",
                )
                .order_by("period__month", "task__number", "pk")
            )
            returned = set(
                ReportTransition.objects.filter(
                    report__period__year=self.year,
                    report__task__policy__in=self.policies,
                    action="return",
                )
                .values_list("report_id", flat=True)
                .distinct()
            )
            result: dict[int, list[dict]] = defaultdict(list)
            for row in rows:
                row["returned"] = row["pk"] in returned
                result[row["department_id"]].append(row)
            return result

        return self._once("reports", load)

    @property
    def figures(self) -> list[dict]:
        """``bulletin_figures`` of the year for each policy with tasks, as
        of the year's end (or today, if earlier)."""

        def load():
            return [
                _bulletin_figures(
                    policy=policy,
                    first=(self.year, 1),
                    last=(self.year, 12),
                    today=self.today,
                    rule=LightRule(),
                )
                for policy in self.policies
            ]

        return self._once("figures", load)

    @property
    def bulletin_versions(self) -> list[BulletinVersion]:
        """The last issued version of each bulletin ending in the year;
        one query."""

        def load():
            versions = (
                BulletinVersion.objects.filter(
                    issued_at__isnull=False,
                    bulletin__state=BulletinState.ISSUED,
                    bulletin__last_year=self.year,
                    bulletin__policy__in=self.policies,
                )
                .select_related("bulletin")
                .order_by("bulletin__last_month", "bulletin_id", "-number")
            )
            latest: dict[int, BulletinVersion] = {}
            for version in versions:
                latest.setdefault(version.bulletin_id, version)
            return list(latest.values())

        return self._once("bulletins", load)

    @property
    def problems(self) -> list[dict]:
        def load():
            return list(
                Problem.objects.filter(round__year=self.year)
                .values(
                    "pk",
                    "department_id",
                    "deadline",
                    "state",
                    "signed_off_at",
                    "number",
                    "round__title",
                )
                .order_by("round__half", "round_id", "number")
            )

        return self._once("problems", load)

    @property
    def urges(self) -> list[dict]:
        def load():
            return list(
                Urge.objects.filter(period__year=self.year)
                .values("pk", "department_id", "period_id", "period__month")
                .order_by("period__month", "pk")
            )

        return self._once("urges", load)

    @property
    def manual_items(self) -> dict[tuple[int, int], list[ManualItem]]:
        def load():
            result: dict[tuple[int, int], list[ManualItem]] = defaultdict(list)
            for item in ManualItem.objects.filter(
                assessment__scheme=self.scheme
            ).order_by("entered_at", "pk"):
                result[(item.department_id, item.indicator_id)].append(item)
            return result

        return self._once("manual", load)

    def carriers(self, task_number: int) -> set[int]:
        """The departments (groups as themselves) carrying a task of that
        number on the policies; one query per number."""

        def load():
            return set(
                Responsibility.objects.filter(
                    task__number=task_number, task__policy__in=self.policies
                ).values_list("department_id", flat=True)
            )

        return self._once(f"carriers-{task_number}", load)


# -- helpers ------------------------------------------------------------------


def _dec(value, default=0) -> Decimal:
    if value is None or value == "":
        value = default
    return Decimal(str(value))


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _n(value) -> str:
    return format_number(value)


def _url(name: str, pk: int) -> str | None:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


def _input(label: str, value, url: str | None = None) -> dict:
    return {"label": label, "value": str(value), "url": url}


def _param(indicator: Indicator, key: str, default) -> Decimal:
    return _dec((indicator.params or {}).get(key), default)


def _cap(indicator: Indicator) -> Decimal | None:
    """The most points an additive or deductive kind moves: ``cap`` in its
    params, else its weight; 0 means no cap."""
    cap = _param(indicator, "cap", indicator.weight)
    return cap if cap > 0 else None


def _capped_words(cap: Decimal | None, verb: str) -> str:
    return f",最多{verb}{_n(cap)}分" if cap is not None else ",不设上限"


# -- 报送纪律 ---------------------------------------------------------------


def _discipline(indicator: Indicator, department: Department, data: _YearData):
    """The year's reports of the department, scaled by how many it owed so
    that a unit holding forty tasks and one holding two are judged alike: a
    late report counts ``late`` of a due one against it, a missing one
    ``missing``, a returned one ``returned``, and the points are the full
    marks times one less that share. A report of a period whose deadline
    has not passed (the open month) is neither due nor missing yet."""
    weight = indicator.weight
    per = {k: _param(indicator, k, v) for k, v in DISCIPLINE_DEFAULTS.items()}
    formula = (
        f"满分{_n(weight)}分,按应报送份数折算:逾期报送每份计{_n(per['late'])}份、"
        f"未报送每份计{_n(per['missing'])}份、被退回修改每份计{_n(per['returned'])}份,"
        f"得分=满分×(1−扣减份数÷应报送份数),最低0分"
    )
    rows = [
        row
        for row in data.reports.get(department.pk, [])
        if row["state"] in REPORTED_STATES or row["period__deadline"] < data.today
    ]
    counts = {"due": len(rows), "on_time": 0, "late": 0, "missing": 0, "returned": 0}
    share = weight / counts["due"] if rows else ZERO
    found = []
    for row in rows:
        where = (
            f"{row['period__year']}年{row['period__month']}月第{row['task__number']}项"
        )
        url = _url("dispatch:report-detail", row["pk"])
        if row["state"] in REPORTED_STATES:
            key = "late" if row["is_late"] else "on_time"
        else:
            key = "missing"
        counts[key] += 1
        if key in ("late", "missing"):
            found.append((key, where, url))
        if row["returned"]:
            counts["returned"] += 1
            found.append(("returned", where, url))
    labels = {"late": "逾期报送", "missing": "未报送", "returned": "被退回修改"}
    details = [
        _input(f"{labels[key]}:{where}", f"扣{_n(_cents(share * per[key]))}分", url)
        for key, where, url in found
    ]
    owed = sum((counts[k] * per[k] for k in ("late", "missing", "returned")), ZERO)
    points = (
        _cents(max(ZERO, weight * (1 - owed / counts["due"])))
        if rows
        else _cents(weight)
    )
    inputs = [
        _input("全年应报送(截止日已过)", f"{counts['due']}份"),
        _input("按时报送", f"{counts['on_time']}份"),
        _input("逾期报送", f"{counts['late']}份"),
        _input("未报送", f"{counts['missing']}份"),
        _input("被退回修改", f"{counts['returned']}份"),
        _input("扣减份数", _n(owed)),
        *details,
    ]
    if not rows:
        inputs.insert(0, _input("本年无应报送的月度报告", "按满分计"))
    return ScoreResult(points, _cents(weight), formula, inputs, counts)


# -- 任务进度 ---------------------------------------------------------------


def _progress(indicator: Indicator, department: Department, data: _YearData):
    weight = indicator.weight
    lead_share = Decimal(indicator.lead_share) / 100
    formula = (
        f"满分{_n(weight)}分,按年末任务灯色(与季度通报同一规则)计:"
        f"牵头任务占{indicator.lead_share}%、配合任务占"
        f"{100 - indicator.lead_share}%,各按已完成或按序时推进的任务所占比例"
        "得分;只承担其中一类的按该类计,均未承担的按满分计"
    )
    units = data.units(department)
    lead, cooperating = [], []
    for figures in data.figures:
        for task in figures["tasks"]:
            if units & set(task["lead_ids"]):
                lead.append(task)
            elif units & set(task["cooperating_ids"]):
                cooperating.append(task)
    inputs = []
    shares = {}
    for label, tasks in (("牵头", lead), ("配合", cooperating)):
        ok = sum(1 for t in tasks if t["light"] in PROGRESS_OK)
        shares[label] = Decimal(ok) / len(tasks) if tasks else None
        inputs.append(
            _input(f"{label}任务", f"{len(tasks)}项,其中已完成或按序时推进{ok}项")
        )
        for task in tasks:
            inputs.append(
                _input(
                    f"{label}:第{task['number']}项 {task['key_task']}",
                    task["light_label"],
                    _url("tasks:task-detail", task["id"]),
                )
            )
    lead_ok, coop_ok = shares["牵头"], shares["配合"]
    if lead_ok is None and coop_ok is None:
        share = ONE
        inputs.insert(0, _input("本年无承担任务", "按满分计"))
    elif coop_ok is None:
        share = lead_ok
    elif lead_ok is None:
        share = coop_ok
    else:
        share = lead_share * lead_ok + (1 - lead_share) * coop_ok
    figures = {
        "lead": len(lead),
        "lead_ok": sum(1 for t in lead if t["light"] in PROGRESS_OK),
        "cooperating": len(cooperating),
        "cooperating_ok": sum(1 for t in cooperating if t["light"] in PROGRESS_OK),
    }
    return ScoreResult(_cents(weight * share), _cents(weight), formula, inputs, figures)


# -- 目标完成 ---------------------------------------------------------------


def target_ratio(target: dict) -> Decimal:
    """A target's completion against its expected progress, 0 to 1."""
    if target.get("verdict") == Verdict.ACHIEVED:
        return ONE
    if target.get("percent") is None:
        return ZERO
    expected = target.get("expected_percent")
    if expected is None or expected <= 0:
        return ONE
    ratio = _dec(target["percent"]) / _dec(expected)
    return min(ONE, max(ZERO, ratio))


def _targets(indicator: Indicator, department: Department, data: _YearData):
    weight = indicator.weight
    formula = (
        f"满分{_n(weight)}分,按牵头目标的平均完成情况计:每项目标取"
        "“实际进度÷序时进度”(最高为1;已达成计1,无读数计0),"
        f"平均值×{_n(weight)};无牵头目标的按满分计"
    )
    units = data.units(department)
    led = [
        target
        for figures in data.figures
        for target in figures["targets"]
        if units & set(target["lead_ids"])
    ]
    if not led:
        inputs = [_input("无牵头目标", "按满分计")]
        return ScoreResult(_cents(weight), _cents(weight), formula, inputs, {})
    ratios = [target_ratio(t) for t in led]
    inputs = []
    for target, ratio in zip(led, ratios, strict=True):
        actual = (
            f"完成{_n(target['percent'])}%"
            if target["percent"] is not None
            else "无读数"
        )
        expected = (
            f",序时进度{_n(target['expected_percent'])}%"
            if target["expected_percent"] is not None
            else ""
        )
        inputs.append(
            _input(
                f"{target['metric']}(目标{target['value']}{target['unit']})",
                f"{actual}{expected},{target['light_label']},计{_n(_cents(ratio))}",
                _url("targets:target-detail", target["id"]),
            )
        )
    mean = sum(ratios, ZERO) / len(ratios)
    figures = {"targets": len(led), "mean": str(_cents(mean))}
    return ScoreResult(_cents(weight * mean), _cents(weight), formula, inputs, figures)


# -- 督导整改 ---------------------------------------------------------------


def _signed_off_on(row: dict) -> datetime.date | None:
    at = row["signed_off_at"]
    return timezone.localtime(at).date() if at else None


def _rectification(indicator: Indicator, department: Department, data: _YearData):
    weight = indicator.weight
    formula = (
        f"满分{_n(weight)}分,按期销号问题数÷已销号或已过整改时限的问题数"
        f"×{_n(weight)};无此类问题的按满分计"
    )
    units = data.units(department)
    counts = {
        "found": 0,
        "signed_off": 0,
        "on_time": 0,
        "late": 0,
        "overdue": 0,
        "not_due": 0,
    }
    details = []
    for row in data.problems:
        if row["department_id"] not in units:
            continue
        counts["found"] += 1
        signed = (
            _signed_off_on(row) if row["state"] == ProblemState.SIGNED_OFF else None
        )
        label = f"{row['round__title']}问题{row['number']}"
        url = _url("supervision:problem-detail", row["pk"])
        if signed is not None:
            counts["signed_off"] += 1
            if signed <= row["deadline"]:
                counts["on_time"] += 1
                details.append(_input(label, "按期销号", url))
            else:
                counts["late"] += 1
                details.append(_input(label, "逾期销号", url))
        elif row["deadline"] < data.today:
            counts["overdue"] += 1
            details.append(_input(label, "超过整改时限未销号", url))
        else:
            counts["not_due"] += 1
            details.append(_input(label, "未到整改时限,不计", url))
    judged = counts["on_time"] + counts["late"] + counts["overdue"]
    share = Decimal(counts["on_time"]) / judged if judged else ONE
    inputs = [
        _input("发现问题", f"{counts['found']}个"),
        _input("已销号", f"{counts['signed_off']}个"),
        _input("按期销号", f"{counts['on_time']}个"),
        _input("逾期销号", f"{counts['late']}个"),
        _input("超过整改时限未销号", f"{counts['overdue']}个"),
        _input("未到整改时限", f"{counts['not_due']}个"),
        *details,
    ]
    if not judged:
        inputs.insert(0, _input("无已到期的督导问题", "按满分计"))
    return ScoreResult(_cents(weight * share), _cents(weight), formula, inputs, counts)


# -- deductions ---------------------------------------------------------------


def _deduction(indicator, each: Decimal, lines: list[dict], formula: str):
    cap = _cap(indicator)
    off = each * len(lines)
    if cap is not None:
        off = min(off, cap)
    points = _cents(-off) if off else _cents(ZERO)
    inputs = [_input("次数", f"{len(lines)}次"), *lines]
    return ScoreResult(points, _cents(ZERO), formula, inputs, {"count": len(lines)})


def _urges(indicator: Indicator, department: Department, data: _YearData):
    each = _param(indicator, "each", "0.5")
    cap = _cap(indicator)
    formula = f"本年度每被催办一次扣{_n(each)}分{_capped_words(cap, '扣')}"
    units = data.units(department)
    lines = []
    for urge in data.urges:
        if urge["department_id"] in units:
            url = reverse("dispatch:dashboard") + f"?period={urge['period_id']}"
            lines.append(
                _input(
                    f"{data.year}年{urge['period__month']}月催办",
                    f"扣{_n(each)}分",
                    url,
                )
            )
    return _deduction(indicator, each, lines, formula)


def _red_lights(indicator: Indicator, department: Department, data: _YearData):
    each = _param(indicator, "each", "1")
    cap = _cap(indicator)
    formula = (
        f"本年度已签发通报中,牵头任务每亮一次红灯(严重滞后)扣{_n(each)}分"
        f"{_capped_words(cap, '扣')}"
    )
    units = data.units(department)
    lines = []
    for version in data.bulletin_versions:
        bulletin = version.bulletin
        for task in version.figures.get("tasks", []):
            if task.get("light") == RED and units & set(task.get("lead_ids", [])):
                lines.append(
                    _input(
                        f"《{bulletin.title}》第{task['number']}项红灯",
                        f"扣{_n(each)}分",
                        _url("bulletins:bulletin-detail", bulletin.pk),
                    )
                )
    return _deduction(indicator, each, lines, formula)


# -- manual kinds -------------------------------------------------------------


def _item_url(item: ManualItem) -> str | None:
    if not item.has_file:
        return None
    try:
        return item.get_absolute_url()
    except NoReverseMatch:
        return None


def _item_input(item: ManualItem, value: str) -> dict:
    label = item.reason + (f"(来源:{item.source})" if item.source else "")
    return _input(label, value, _item_url(item))


def _bonus(indicator: Indicator, department: Department, data: _YearData):
    cap = _cap(indicator)
    formula = f"按录入的加分事项累计{_capped_words(cap, '加')}"
    items = data.manual_items.get((department.pk, indicator.pk), [])
    total = sum((abs(i.points) for i in items), ZERO)
    if cap is not None:
        total = min(total, cap)
    inputs = [_item_input(i, f"加{_n(abs(i.points))}分") for i in items]
    if not items:
        inputs = [_input("无加分事项", "0分")]
    return ScoreResult(
        _cents(total), _cents(cap or total), formula, inputs, {"items": len(items)}
    )


def _penalty(indicator: Indicator, department: Department, data: _YearData):
    cap = _cap(indicator)
    formula = f"按录入的扣分事项累计{_capped_words(cap, '扣')}"
    items = data.manual_items.get((department.pk, indicator.pk), [])
    total = sum((abs(i.points) for i in items), ZERO)
    if cap is not None:
        total = min(total, cap)
    inputs = [_item_input(i, f"扣{_n(abs(i.points))}分") for i in items]
    if not items:
        inputs = [_input("无扣分事项", "0分")]
    return ScoreResult(
        _cents(-total) if total else _cents(ZERO),
        _cents(ZERO),
        formula,
        inputs,
        {"items": len(items)},
    )


def _special(indicator: Indicator, department: Department, data: _YearData):
    weight = indicator.weight
    target = _param(indicator, "target", 100)
    task_number = (indicator.params or {}).get("task")
    formula = (
        f"满分{_n(weight)}分,按录入的数值计:{_n(weight)}×min(1, 数值÷{_n(target)})"
    )
    if task_number is not None:
        formula += f";不承担第{task_number}项任务的按满分计"
        carriers = data.carriers(int(task_number))
        if not data.units(department) & carriers:
            inputs = [_input(f"不承担第{task_number}项任务", "按满分计")]
            return ScoreResult(_cents(weight), _cents(weight), formula, inputs, {})
    items = data.manual_items.get((department.pk, indicator.pk), [])
    if not items:
        inputs = [_input("尚未录入数值", "0分")]
        return ScoreResult(_cents(ZERO), _cents(weight), formula, inputs, {})
    item = items[-1]
    ratio = min(ONE, max(ZERO, item.points / target)) if target > 0 else ONE
    inputs = [_item_input(item, _n(item.points))]
    figures = {"value": str(item.points)}
    return ScoreResult(_cents(weight * ratio), _cents(weight), formula, inputs, figures)


KINDS = {
    IndicatorKind.DISCIPLINE: _discipline,
    IndicatorKind.PROGRESS: _progress,
    IndicatorKind.TARGETS: _targets,
    IndicatorKind.RECTIFICATION: _rectification,
    IndicatorKind.URGES: _urges,
    IndicatorKind.RED_LIGHTS: _red_lights,
    IndicatorKind.BONUS: _bonus,
    IndicatorKind.PENALTY: _penalty,
    IndicatorKind.SPECIAL: _special,
}
