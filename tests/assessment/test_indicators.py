"""The computed indicators against hand-worked examples: the bulletin
tests' policy (甲局, 乙局 and 丙局 reporting from July to September 2025)
with problems, urges, issued bulletins and manual items added, each
department's points worked out by each formula; edge cases (no tasks of a
kind, no data at all, a department that joined mid-year, a group's
responsibility, equal inputs giving equal points) and a query count that
does not grow with the number of departments."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.indicators import (
    ScoreResult,
    compute,
    compute_all,
    target_ratio,
)
from assessment.models import Assessment, Indicator, IndicatorKind, ManualItem, Scheme
from assessment.selectors import assessed_departments
from bulletins.models import Bulletin, BulletinKind, BulletinState, BulletinVersion
from bulletins.selectors.figures import bulletin_figures
from dispatch.models import ProgressReport, ReportState, Urge
from dispatch.services import period_open
from supervision.models import Problem, ProblemState, Round
from tasks.models import DepartmentKind, Role
from tests.bulletins.conftest import BULLETIN_DAY, at, bulletin_data  # noqa: F401
from tests.factories import (
    DepartmentFactory,
    KeyTaskFactory,
    PolicyFactory,
    ResponsibilityFactory,
    TaskFactory,
    UserFactory,
)

D = datetime.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
K = IndicatorKind


def moment(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), SHANGHAI)


def make_scheme(year: int = 2025) -> Scheme:
    scheme = Scheme.objects.create(year=year, title=f"{year}年度考核方案")
    specs = [
        ("报送纪律", K.DISCIPLINE, "30", {"late": 1, "missing": 2, "returned": 0.5}),
        ("任务进度", K.PROGRESS, "30", {}),
        ("目标完成", K.TARGETS, "25", {}),
        ("督导整改", K.RECTIFICATION, "15", {}),
        ("催办扣分", K.URGES, "0", {"each": 0.5}),
        ("通报红灯扣分", K.RED_LIGHTS, "0", {"each": 1}),
        ("加分", K.BONUS, "0", {"cap": 5}),
        ("扣分", K.PENALTY, "0", {}),
        ("留鹰就业率", K.SPECIAL, "5", {"target": 80, "task": 3}),
    ]
    for position, (name, kind, weight, params) in enumerate(specs, start=1):
        Indicator.objects.create(
            scheme=scheme,
            position=position,
            name=name,
            kind=kind,
            weight=Decimal(weight),
            params=params,
            lead_share=70,
        )
    return scheme


def indicator(scheme: Scheme, kind: str) -> Indicator:
    return scheme.indicators.get(kind=kind)


def issue_bulletin(policy, reviewer, figures, *, year=2025, state=None, title=None):
    kind, _ = BulletinKind.objects.get_or_create(
        name="季度通报", defaults={"number_prefix": "鹰技通", "issuer": "市人社局"}
    )
    state = state or BulletinState.ISSUED
    issued = state == BulletinState.ISSUED
    bulletin = Bulletin.objects.create(
        policy=policy,
        kind=kind,
        first_year=year,
        first_month=7,
        last_year=year,
        last_month=9,
        title=title or f"{year}年第三季度通报",
        issuer="市人社局",
        recipients="各责任单位:",
        state=state,
        issued_at=moment(D(year, 10, 12)) if issued else None,
        issued_by=reviewer if issued else None,
        created_by=reviewer,
    )
    BulletinVersion.objects.create(
        bulletin=bulletin,
        number=1,
        figures=figures,
        text={} if issued else None,
        issued_at=bulletin.issued_at,
    )
    return bulletin


@pytest.fixture
def year_data(bulletin_data):  # noqa: F811
    """The bulletin tests' data, and for 2025:

    - a group 乙组 whose one member is 乙局;
    - a supervision round: 丙局's problems signed off on time (1 August,
      deadline 31 August), late (7:00 on 1 September in Shanghai, still 31
      August in UTC), open past its deadline (30 September), and not yet
      due (31 December); 乙组's one problem overdue;
    - urges of 甲局 in August and September, of 乙组 in September;
    - an issued bulletin of the third quarter (tasks 3 and 4 red, led by
      丙局 and 甲局), the same figures in a draft and in an issued 2024
      bulletin, which do not count;
    - 加分 of 3 and 4 for 甲局, 扣分 of 2 for 乙局, 丙局's special value
      60 (target 80, task 3, which only 丙局 carries)."""
    data = bulletin_data
    reviewer = data["reviewer"]
    departments = data["departments"]
    group = DepartmentFactory(name="乙组", kind=DepartmentKind.GROUP)
    group.members.set([departments["乙局"]])
    round = Round.objects.create(
        policy=data["policy"],
        title="2025年上半年督导",
        year=2025,
        half=1,
        starts_on=D(2025, 6, 1),
        ends_on=D(2025, 6, 30),
        created_by=reviewer,
    )
    problems = [
        ("丙局", ProblemState.SIGNED_OFF, D(2025, 8, 31), moment(D(2025, 8, 1))),
        ("丙局", ProblemState.SIGNED_OFF, D(2025, 8, 31), moment(D(2025, 9, 1), 7)),
        ("丙局", ProblemState.PLANNED, D(2025, 9, 30), None),
        ("丙局", ProblemState.PLANNED, D(2025, 12, 31), None),
        ("乙组", ProblemState.OPEN, D(2025, 9, 1), None),
    ]
    for number, (name, state, deadline, signed_off_at) in enumerate(problems, 1):
        Problem.objects.create(
            round=round,
            number=number,
            description=f"问题{number}",
            department=group if name == "乙组" else departments[name],
            deadline=deadline,
            state=state,
            signed_off_at=signed_off_at,
            created_by=reviewer,
        )
    periods = data["periods"]
    for month, unit in ((8, departments["甲局"]), (9, departments["甲局"]), (9, group)):
        Urge.objects.create(
            period=periods[month],
            department=unit,
            message="请尽快报送。",
            created_by=reviewer,
        )
    q3 = bulletin_figures(
        policy=data["policy"], first=(2025, 7), last=(2025, 9), today=BULLETIN_DAY
    )
    bulletin = issue_bulletin(data["policy"], reviewer, q3)
    issue_bulletin(
        data["policy"], reviewer, q3, state=BulletinState.DRAFT, title="草稿通报"
    )
    issue_bulletin(data["policy"], reviewer, q3, year=2024, title="2024年通报")
    scheme = make_scheme()
    assessment = Assessment.objects.create(scheme=scheme)
    manual = [
        ("甲局", K.BONUS, "3", "获评省级技能人才工作先进单位"),
        ("甲局", K.BONUS, "4", "创新做法获省厅推广"),
        ("乙局", K.PENALTY, "2", "数据报送不实"),
        ("丙局", K.SPECIAL, "60", "2025届毕业生留鹰就业率"),
    ]
    for name, kind, points, reason in manual:
        ManualItem.objects.create(
            assessment=assessment,
            department=departments[name],
            indicator=indicator(scheme, kind),
            points=Decimal(points),
            reason=reason,
            source="市教育局统计" if kind == K.SPECIAL else "",
            entered_by=reviewer,
        )
    return {
        **data,
        "group": group,
        "round": round,
        "bulletin": bulletin,
        "scheme": scheme,
        "assessment": assessment,
    }


def scores(data, today=BULLETIN_DAY):
    scheme = data["scheme"]
    departments = list(data["departments"].values())
    results = compute_all(
        scheme, departments, 2025, today=today, policies=[data["policy"]]
    )
    by_kind = {}
    for ind in scheme.indicators.all():
        by_kind[ind.kind] = {d.name: results[(d.pk, ind.pk)] for d in departments}
    return by_kind


def points(by_kind, kind):
    return {name: result.points for name, result in by_kind[kind].items()}


def value_of(result: ScoreResult, label: str) -> str:
    return next(i["value"] for i in result.inputs if i["label"] == label)


@pytest.mark.django_db
def test_discipline_takes_points_off_per_late_missing_and_returned_report(year_data):
    by_kind = scores(year_data)

    # Scaled by the reports owed. 甲局: 6 due, 2 missing → 30 × (1 − 2×2/6)
    # = 10; 乙局: 9 due, 1 missing and returned → 30 × (1 − 2.5/9) = 21.67;
    # 丙局: 9 due, 2 late, 1 returned and resent → 30 × (1 − 2.5/9).
    assert points(by_kind, K.DISCIPLINE) == {
        "甲局": Decimal("10.00"),
        "乙局": Decimal("21.67"),
        "丙局": Decimal("21.67"),
    }
    jia = by_kind[K.DISCIPLINE]["甲局"]
    assert jia.figures == {
        "due": 6,
        "on_time": 4,
        "late": 0,
        "missing": 2,
        "returned": 0,
    }
    assert jia.max_points == Decimal("30.00")
    assert jia.formula == (
        "满分30分,按应报送份数折算:逾期报送每份计1份、未报送每份计2份、"
        "被退回修改每份计0.5份,得分=满分×(1−扣减份数÷应报送份数),最低0分"
    )
    # Each missing report of six owed costs 30 × 2 / 6 = 10 points.
    assert {i["value"] for i in jia.inputs if i["label"].startswith("未报送:")} == {
        "扣10分"
    }
    missing = [i for i in jia.inputs if i["label"].startswith("未报送:")]
    assert [i["label"] for i in missing] == [
        "未报送:2025年8月第4项",
        "未报送:2025年9月第4项",
    ]
    report = ProgressReport.objects.get(
        task__number=4, department__name="甲局", period__month=8
    )
    assert missing[0]["url"] == reverse("dispatch:report-detail", args=[report.pk])
    bing = by_kind[K.DISCIPLINE]["丙局"]
    assert bing.figures == {
        "due": 9,
        "on_time": 7,
        "late": 2,
        "missing": 0,
        "returned": 1,
    }


@pytest.mark.django_db
def test_discipline_never_goes_below_zero(year_data):
    ind = indicator(year_data["scheme"], K.DISCIPLINE)
    ind.params = {"late": 1, "missing": 20, "returned": 0}
    ind.save()

    result = compute(
        ind,
        year_data["departments"]["甲局"],
        2025,
        today=BULLETIN_DAY,
        policies=[year_data["policy"]],
    )

    assert result.points == Decimal("0.00")


@pytest.mark.django_db
def test_progress_weighs_lead_and_cooperating_tasks_by_their_lights(year_data):
    """At 10 October 2025 (序时进度 92.5 %): task 1 green, 2 yellow, 3 red,
    4 red (stale), 5 completed, 6 yellow."""
    by_kind = scores(year_data)

    # 甲局 leads 1 (green) and 4 (red), cooperates on none: 30 × 1/2.
    # 乙局 leads 2 (yellow) and 5 (completed), cooperates on 1 (green):
    # 30 × (0.7 × 1/2 + 0.3 × 1). 丙局: none of 3, 6 or 2 on pace.
    assert points(by_kind, K.PROGRESS) == {
        "甲局": Decimal("15.00"),
        "乙局": Decimal("19.50"),
        "丙局": Decimal("0.00"),
    }
    yi = by_kind[K.PROGRESS]["乙局"]
    assert yi.figures == {
        "lead": 2,
        "lead_ok": 1,
        "cooperating": 1,
        "cooperating_ok": 1,
    }
    task_one = year_data["tasks"][1]
    line = next(i for i in yi.inputs if i["label"].startswith("配合:第1项"))
    assert line["value"] == "按序时推进"
    assert line["url"] == reverse("tasks:task-detail", args=[task_one.pk])


@pytest.mark.django_db
def test_targets_score_progress_against_expected_or_full_without_targets(year_data):
    by_kind = scores(year_data)

    # 丙局 leads the one target: 300 of 1000 人 (30 %) against 92.5 %
    # expected on 10 October: 25 × 30 / 92.5.
    assert points(by_kind, K.TARGETS) == {
        "甲局": Decimal("25.00"),
        "乙局": Decimal("25.00"),
        "丙局": Decimal("8.11"),
    }
    assert by_kind[K.TARGETS]["甲局"].inputs[0]["label"] == "无牵头目标"
    line = by_kind[K.TARGETS]["丙局"].inputs[0]
    assert line["url"] == reverse(
        "targets:target-detail", args=[year_data["target"].pk]
    )


def test_target_ratio_edges():
    assert target_ratio({"verdict": "achieved", "percent": 50}) == 1
    assert target_ratio({"percent": None, "expected_percent": 50}) == 0
    assert target_ratio({"percent": 10, "expected_percent": 0}) == 1
    assert target_ratio({"percent": 120, "expected_percent": 60}) == 1
    assert target_ratio({"percent": 30, "expected_percent": 60}) == Decimal("0.5")


@pytest.mark.django_db
def test_rectification_counts_problems_signed_off_by_their_deadline(year_data):
    by_kind = scores(year_data)

    # 丙局: on time 1, signed off late 1 (in Shanghai the next day), overdue
    # 1, not yet due 1 (not judged): 15 × 1/3. 乙局 through 乙组: its one
    # problem overdue. 甲局: none.
    assert points(by_kind, K.RECTIFICATION) == {
        "甲局": Decimal("15.00"),
        "乙局": Decimal("0.00"),
        "丙局": Decimal("5.00"),
    }
    bing = by_kind[K.RECTIFICATION]["丙局"]
    assert bing.figures == {
        "found": 4,
        "signed_off": 2,
        "on_time": 1,
        "late": 1,
        "overdue": 1,
        "not_due": 1,
    }
    late = Problem.objects.get(number=2)
    assert {
        "label": "2025年上半年督导问题2",
        "value": "逾期销号",
        "url": reverse("supervision:problem-detail", args=[late.pk]),
    } in bing.inputs


@pytest.mark.django_db
def test_urges_and_red_lights_deduct_per_occurrence(year_data):
    by_kind = scores(year_data)

    # 甲局 urged in August and September, 乙局 through 乙组 in September.
    assert points(by_kind, K.URGES) == {
        "甲局": Decimal("-1.00"),
        "乙局": Decimal("-0.50"),
        "丙局": Decimal("0.00"),
    }
    # The issued third-quarter bulletin only: task 4 (甲局) and 3 (丙局).
    assert points(by_kind, K.RED_LIGHTS) == {
        "甲局": Decimal("-1.00"),
        "乙局": Decimal("0.00"),
        "丙局": Decimal("-1.00"),
    }
    line = by_kind[K.RED_LIGHTS]["甲局"].inputs[1]
    assert line == {
        "label": "《2025年第三季度通报》第4项红灯",
        "value": "扣1分",
        "url": reverse("bulletins:bulletin-detail", args=[year_data["bulletin"].pk]),
    }


@pytest.mark.django_db
def test_a_deduction_stops_at_its_weight(year_data):
    ind = indicator(year_data["scheme"], K.URGES)
    ind.weight = Decimal("0.5")
    ind.save()

    result = compute(
        ind,
        year_data["departments"]["甲局"],
        2025,
        today=BULLETIN_DAY,
        policies=[year_data["policy"]],
    )

    assert result.points == Decimal("-0.50")
    assert result.formula == "本年度每被催办一次扣0.5分,最多扣0.5分"


@pytest.mark.django_db
def test_manual_items_bonus_capped_penalty_and_special_value(year_data):
    by_kind = scores(year_data)

    assert points(by_kind, K.BONUS) == {
        "甲局": Decimal("5.00"),  # 3 + 4, at most 5
        "乙局": Decimal("0.00"),
        "丙局": Decimal("0.00"),
    }
    assert points(by_kind, K.PENALTY)["乙局"] == Decimal("-2.00")
    # 丙局 carries task 3: 5 × 60 / 80; the others do not: full points.
    assert points(by_kind, K.SPECIAL) == {
        "甲局": Decimal("5.00"),
        "乙局": Decimal("5.00"),
        "丙局": Decimal("3.75"),
    }
    assert by_kind[K.SPECIAL]["丙局"].inputs[0]["label"] == (
        "2025届毕业生留鹰就业率(来源:市教育局统计)"
    )


@pytest.mark.django_db
def test_a_special_value_not_entered_scores_nothing(year_data):
    ind = indicator(year_data["scheme"], K.SPECIAL)
    ind.params = {"target": 80}
    ind.save()

    result = compute(
        ind,
        year_data["departments"]["甲局"],
        2025,
        today=BULLETIN_DAY,
        policies=[year_data["policy"]],
    )

    assert (result.points, result.inputs[0]["label"]) == (
        Decimal("0.00"),
        "尚未录入数值",
    )


@pytest.mark.django_db
def test_a_department_without_tasks_reports_or_problems_gets_full_points(year_data):
    idle = DepartmentFactory(name="丁局")
    scheme = year_data["scheme"]

    results = compute_all(
        scheme, [idle], 2025, today=BULLETIN_DAY, policies=[year_data["policy"]]
    )

    got = {
        ind.kind: results[(idle.pk, ind.pk)].points for ind in scheme.indicators.all()
    }
    assert got == {
        K.DISCIPLINE: Decimal("30.00"),
        K.PROGRESS: Decimal("30.00"),
        K.TARGETS: Decimal("25.00"),
        K.RECTIFICATION: Decimal("15.00"),
        K.URGES: Decimal("0.00"),
        K.RED_LIGHTS: Decimal("0.00"),
        K.BONUS: Decimal("0.00"),
        K.PENALTY: Decimal("0.00"),
        K.SPECIAL: Decimal("5.00"),
    }


@pytest.mark.django_db
def test_a_department_that_joined_in_september_is_due_only_its_reports(year_data):
    """丁局 takes on a new task 7 in September: one report due, sent on
    time and approved; it is not charged for July and August."""
    data = year_data
    newcomer = DepartmentFactory(name="丁局")
    task = TaskFactory(
        key_task=KeyTaskFactory(policy=data["policy"], number=7),
        policy=data["policy"],
        number=7,
    )
    ResponsibilityFactory(task=task, department=newcomer, role=Role.LEAD)
    ProgressReport.objects.create(
        task=task,
        department=newcomer,
        period=data["periods"][9],
        role=Role.LEAD,
        state=ReportState.APPROVED,
        proposed_status="on_track",
        progress="已启动。",
    )

    result = compute(
        indicator(data["scheme"], K.DISCIPLINE),
        newcomer,
        2025,
        today=BULLETIN_DAY,
        policies=[data["policy"]],
    )

    assert result.figures == {
        "due": 1,
        "on_time": 1,
        "late": 0,
        "missing": 0,
        "returned": 0,
    }
    assert result.points == Decimal("30.00")


@pytest.mark.django_db
def test_equal_inputs_give_equal_points(year_data):
    """乙局 and 丙局 differ in every count but come to the same discipline
    points; their working says why each did."""
    by_kind = scores(year_data)

    yi, bing = by_kind[K.DISCIPLINE]["乙局"], by_kind[K.DISCIPLINE]["丙局"]
    assert yi.points == bing.points == Decimal("21.67")
    assert value_of(yi, "未报送") == "1份"
    assert value_of(bing, "逾期报送") == "2份"


@pytest.mark.django_db
def test_working_is_json_and_reads_back(year_data):
    import json

    by_kind = scores(year_data)
    result = by_kind[K.RECTIFICATION]["丙局"]

    working = json.loads(json.dumps(result.as_working()))

    assert working["points"] == "5.00"
    assert working["max_points"] == "15.00"
    assert ScoreResult.from_working(working) == result


@pytest.mark.django_db
def test_assessed_departments_are_the_units_with_responsibilities(year_data):
    data = year_data
    task = data["tasks"][6]
    ResponsibilityFactory(task=task, department=data["group"], role=Role.COOPERATING)
    empty_group = DepartmentFactory(name="产业链牵头单位", kind=DepartmentKind.GROUP)
    ResponsibilityFactory(task=task, department=empty_group, role=Role.COOPERATING)

    names = [d.name for d in assessed_departments([data["policy"]])]

    assert names == ["甲局", "乙局", "丙局"]


# -- query count --------------------------------------------------------------


def build(size: int, reviewer):
    """A policy with ``size`` departments each leading a task with the
    next one cooperating, a group, two months of reports half sent, an
    urge, a problem and an issued bulletin per department."""
    policy = PolicyFactory(issued_on=D(2023, 1, 1))
    units = [DepartmentFactory() for _ in range(size)]
    group = DepartmentFactory(kind=DepartmentKind.GROUP)
    group.members.set(units[:2])
    key_task = KeyTaskFactory(policy=policy)
    for index, unit in enumerate(units):
        task = TaskFactory(key_task=key_task, policy=policy)
        ResponsibilityFactory(task=task, department=unit, role=Role.LEAD)
        ResponsibilityFactory(
            task=task,
            department=units[(index + 1) % size],
            role=Role.COOPERATING,
            position=1,
        )
    for month in (3, 4):
        with at(D(2025, month, 1)):
            period = period_open(year=2025, month=month, deadline=D(2025, month, 25))
        reports = ProgressReport.objects.filter(period=period, task__policy=policy)
        sent = list(reports.order_by("pk").values_list("pk", flat=True))[::2]
        reports.filter(pk__in=sent).update(state=ReportState.SUBMITTED)
        for unit in units:
            Urge.objects.create(
                period=period, department=unit, message="", created_by=reviewer
            )
    round = Round.objects.create(
        policy=policy,
        title="督导",
        year=2025,
        half=1,
        starts_on=D(2025, 6, 1),
        ends_on=D(2025, 6, 30),
        created_by=reviewer,
    )
    for number, unit in enumerate([*units, group], start=1):
        Problem.objects.create(
            round=round,
            number=number,
            description="问题",
            department=unit,
            deadline=D(2025, 8, 31),
            created_by=reviewer,
        )
    figures = bulletin_figures(
        policy=policy, first=(2025, 3), last=(2025, 4), today=D(2025, 5, 10)
    )
    issue_bulletin(policy, reviewer, figures)
    return policy, units


@pytest.mark.django_db
def test_compute_all_runs_the_same_queries_whatever_the_departments(
    django_assert_max_num_queries,
):
    reviewer = UserFactory()
    scheme = make_scheme()
    counted = []
    for size in (3, 8):
        policy, units = build(size, reviewer)
        assert ProgressReport.objects.filter(task__policy=policy).count() == 4 * size
        with CaptureQueriesContext(connection) as captured:
            results = compute_all(
                scheme, units, 2025, today=D(2025, 12, 31), policies=[policy]
            )
        counted.append(len(captured))
        assert len(results) == size * scheme.indicators.count()
    assert counted[0] == counted[1]
    assert counted[0] > 5  # the kinds were read, not skipped
    with django_assert_max_num_queries(counted[0]):
        compute_all(scheme, units, 2025, today=D(2025, 12, 31), policies=[policy])


@pytest.mark.django_db
def test_a_report_of_a_period_not_yet_due_is_neither_due_nor_missing(year_data):
    """Before September's deadline, 甲局's unsent September report is not
    owed yet: it drops out of 应报送 and costs nothing."""
    from dispatch.models import ReportingPeriod

    september = ReportingPeriod.objects.get(year=2025, month=9)
    ind = indicator(year_data["scheme"], K.DISCIPLINE)
    jia = year_data["departments"]["甲局"]

    def result(today):
        return compute(ind, jia, 2025, today=today, policies=[year_data["policy"]])

    before, after = result(september.deadline), result(BULLETIN_DAY)
    labels = [i["label"] for i in before.inputs]
    assert "未报送:2025年9月第4项" not in labels
    assert "未报送:2025年9月第4项" in [i["label"] for i in after.inputs]
    assert before.figures["due"] < after.figures["due"]
    assert before.points > after.points
