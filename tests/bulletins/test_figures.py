"""The bulletin's figures: the same numbers as the dashboard for the same
months, the task lights and their rule, the lagging items as an office
writes them, the departments' ranking against the previous bulletin, a
JSON-able snapshot, and a query count that does not grow with the data."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import RoleName
from accounts.services import user_create
from bulletins.selectors.figures import LightRule, bulletin_figures, range_label
from dispatch.models import ProgressReport, ReportingPeriod
from dispatch.selectors.dashboard import monthly_rates, period_counts
from dispatch.services import period_ensure_reports
from targets.models import Reading, ReadingSource, ReviewStatus, Target
from tasks.models import Role
from tests.bulletins.conftest import _file, at
from tests.factories import (
    DepartmentFactory,
    KeyTaskFactory,
    ResponsibilityFactory,
    TaskFactory,
)

D = datetime.date


def figures(data, **kwargs):
    arguments = {
        "policy": data["policy"],
        "first": data["first"],
        "last": data["last"],
        "today": data["today"],
        **kwargs,
    }
    return bulletin_figures(**arguments)


def task_of(result, number):
    return next(t for t in result["tasks"] if t["number"] == number)


def department_of(result, name):
    return next(d for d in result["departments"] if d["name"] == name)


@pytest.mark.django_db
def test_months_are_the_dashboard_monthly_rates_of_the_same_months(bulletin_data):
    result = figures(bulletin_data)

    periods = list(ReportingPeriod.objects.all())
    rates = {r.month: r for r in monthly_rates(2025, periods, bulletin_data["policy"])}
    assert [(m["year"], m["month"]) for m in result["months"]] == [
        (2025, 7),
        (2025, 8),
        (2025, 9),
    ]
    for month in result["months"]:
        rate = rates[month["month"]]
        assert (month["due"], month["reported"], month["rate"]) == (
            rate.expected,
            rate.reported,
            rate.rate,
        )
    assert [m["reported"] for m in result["months"]] == [8, 7, 6]


@pytest.mark.django_db
def test_numbers_equal_the_dashboard_page_for_each_month(bulletin_data, client):
    """The reviewer's dashboard, opened on each month of the quarter, shows
    the bulletin's due, received, on-time and late reports."""
    client.force_login(bulletin_data["reviewer"])
    result = figures(bulletin_data)
    policy = bulletin_data["policy"]
    totals = {"due": 0, "on_time": 0, "late": 0}
    for month in result["months"]:
        period = bulletin_data["periods"][month["month"]]
        response = client.get(
            reverse("dispatch:dashboard"), {"period": period.pk, "policy": policy.pk}
        )
        assert response.status_code == 200
        counts = response.context["counts"]
        assert (month["due"], month["reported"]) == (counts.expected, counts.reported)
        shown = next(m for m in response.context["months"] if m.month == month["month"])
        assert (month["due"], month["reported"]) == (shown.expected, shown.reported)
        totals["due"] += counts.expected
        totals["on_time"] += counts.on_time
        totals["late"] += counts.late
    discipline = result["discipline"]
    assert {k: discipline[k] for k in totals} == totals


@pytest.mark.django_db
def test_discipline_counts_due_on_time_late_missing_and_returned(bulletin_data):
    result = figures(bulletin_data)

    assert result["discipline"] == {
        "due": 24,
        "on_time": 19,
        "late": 2,
        "missing": 3,
        "returned": 2,
        "rate": 87.5,
        "on_time_rate": 90.5,
    }
    by_period = [
        period_counts(p, bulletin_data["policy"])
        for p in bulletin_data["periods"].values()
    ]
    assert result["discipline"]["due"] == sum(c.expected for c in by_period)
    # The departments' table adds up to the same totals.
    for key in ("due", "on_time", "late", "missing", "returned"):
        assert sum(d[key] for d in result["departments"]) == result["discipline"][key]


@pytest.mark.django_db
def test_task_lights_follow_completion_against_elapsed_time(bulletin_data):
    result = figures(bulletin_data)

    # 1 January 2023 to 31 December 2025, at 30 September 2025.
    assert result["elapsed_percent"] == 91.6
    assert result["as_of"] == "2025-09-30"
    lights = {t["number"]: t["light"] for t in result["tasks"]}
    assert lights == {
        1: "green",  # 95 % ≥ 91.6 %
        2: "yellow",  # 80 %: less than 20 points below
        3: "red",  # 50 %: more than 20 points below
        4: "red",  # nothing approved in August or September
        5: "completed",
        6: "yellow",  # no 完成度: its own 进度滞后
    }
    assert result["lights"] == {
        "completed": 1,
        "on_pace": 1,
        "lagging": 2,
        "seriously_lagging": 2,
    }
    assert task_of(result, 4)["last_approved"] == "2025-07"
    assert task_of(result, 4)["light_label"] == "严重滞后"


@pytest.mark.django_db
def test_proposed_status_is_shown_where_it_disagrees_with_the_light(bulletin_data):
    result = figures(bulletin_data)

    disagreeing = {t["number"]: t["proposed_label"] for t in result["tasks"]}
    disagreeing = {
        n: label for n, label in disagreeing.items() if task_of(result, n)["disagrees"]
    }
    # Task 3 says 正常推进 at 50 %, task 4 said so in July and went silent.
    assert disagreeing == {3: "正常推进", 4: "正常推进"}
    assert task_of(result, 2)["proposed"] == "at_risk"
    assert not task_of(result, 2)["disagrees"]


@pytest.mark.django_db
def test_the_rule_of_the_bulletin_kind_changes_the_lights(bulletin_data):
    strict = figures(bulletin_data, rule=LightRule(yellow_below=5))
    lenient = figures(bulletin_data, rule=LightRule(stale_months=3))

    assert task_of(strict, 2)["light"] == "red"  # 80 % is 11.6 points below
    assert strict["rule"] == {"yellow_below": 5, "stale_months": 2}
    # Three months back, July's approved report counts: 30 % is far behind.
    assert task_of(lenient, 4)["light"] == "red"
    assert "完成度30%" in next(
        i["text"] for i in lenient["lagging"] if "第4项" in i["text"]
    )


@pytest.mark.django_db
def test_lagging_items_are_written_as_offices_write_them_red_first(bulletin_data):
    result = figures(bulletin_data)

    texts = [(i["kind"], i["light"], i["text"]) for i in result["lagging"]]
    assert texts == [
        (
            "task",
            "red",
            "丙局牵头的第3项“重点任务3”:到2025年完成第3项工作,"
            "截至2025年9月30日完成度50%,低于序时进度91.6%。",
        ),
        (
            "task",
            "red",
            "甲局牵头的第4项“重点任务4”:到2025年完成第4项工作,"
            "截至2025年9月30日已连续2个月无审核通过的报告"
            "(最近一次审核通过的报告为2025年7月)。",
        ),
        (
            "target",
            "red",
            "丙局牵头的第3项“重点任务3”:目标到2025年培训技能人才达到1000人,"
            "截至2025年9月30日为300人(2025年9月15日数据),完成30%,序时进度91.6%。",
        ),
        (
            "task",
            "yellow",
            "乙局牵头的第2项“重点任务2”:到2025年完成第2项工作,"
            "截至2025年9月30日完成度80%,低于序时进度91.6%。",
        ),
        (
            "task",
            "yellow",
            "丙局牵头的第6项“重点任务6”:到2025年完成第6项工作,"
            "截至2025年9月30日牵头单位自评为“进度滞后”。",
        ),
    ]
    departments = bulletin_data["departments"]
    task_2 = result["lagging"][3]
    assert task_2["cooperating"] == ["丙局"]
    assert task_2["department_ids"] == [departments["乙局"].pk, departments["丙局"].pk]


@pytest.mark.django_db
def test_targets_are_judged_as_of_the_end_of_the_range(bulletin_data):
    result = figures(bulletin_data)

    [target] = result["targets"]
    assert target["latest_value"] == "300"
    assert target["latest_date"] == "2025-09-15"
    assert target["percent"] == 30.0
    assert target["light"] == "red"
    assert target["lead"] == ["丙局"]
    assert result["targets_summary"] == {
        "total": 1,
        "green": 0,
        "yellow": 0,
        "red": 1,
        "none": 0,
        "achieved": 0,
        "missed": 0,
    }
    # A reading dated after the quarter does not count in its bulletin.
    Reading.objects.create(
        target=bulletin_data["target"],
        value=Decimal(990),
        as_of=D(2025, 10, 5),
        source=ReadingSource.IMPORT,
    )
    assert figures(bulletin_data)["targets"][0]["latest_value"] == "300"


@pytest.mark.django_db
def test_departments_rank_by_on_time_share_then_red_lights(bulletin_data):
    result = figures(bulletin_data)

    rows = [
        (d["name"], d["tasks_held"], d["due"], d["on_time"], d["red"], d["rank"])
        for d in result["departments"]
    ]
    assert rows == [
        ("乙局", 3, 9, 8, 0, 1),
        ("丙局", 3, 9, 7, 2, 2),
        ("甲局", 2, 6, 4, 1, 3),
    ]
    assert all(d["rank_change"] is None for d in result["departments"])


@pytest.mark.django_db
def test_rank_change_is_against_the_previous_bulletin(bulletin_data):
    departments = bulletin_data["departments"]
    previous = {
        "departments": [
            {"id": departments["甲局"].pk, "rank": 1},
            {"id": departments["乙局"].pk, "rank": 3},
        ]
    }
    result = figures(bulletin_data, previous=previous)

    changes = {d["name"]: d["rank_change"] for d in result["departments"]}
    # 乙局 rose from 3rd to 1st, 甲局 fell from 1st to 3rd, 丙局 is new.
    assert changes == {"乙局": 2, "甲局": -2, "丙局": None}


@pytest.mark.django_db
def test_problems_and_next_steps_come_from_approved_reports_by_department(
    bulletin_data,
):
    result = figures(bulletin_data)

    problems = {p["department"]: p["items"] for p in result["problems"]}
    assert list(problems) == ["甲局", "乙局", "丙局"]
    # 乙局's returned contribution to task 1 in September is not approved:
    # its August text stands for the quarter.
    assert problems["乙局"] == [
        {"task_number": 1, "text": "第1项存在的问题。"},
        {"task_number": 2, "text": "第2项存在的问题。"},
        {"task_number": 5, "text": "第5项存在的问题。"},
    ]
    steps = {p["department"]: p["items"] for p in result["next_steps"]}
    assert [i["task_number"] for i in steps["甲局"]] == [1, 4]
    assert task_of(result, 1)["next_steps"] == "第1项的下步计划。"


@pytest.mark.django_db
def test_the_same_text_for_several_tasks_is_given_once(bulletin_data):
    ProgressReport.objects.filter(
        department=bulletin_data["departments"]["乙局"]
    ).update(problems="资金未到位。")
    result = figures(bulletin_data)

    problems = {p["department"]: p["items"] for p in result["problems"]}
    assert problems["乙局"] == [{"task_number": 1, "text": "资金未到位。"}]


@pytest.mark.django_db
def test_snapshot_survives_json_and_has_every_key(bulletin_data):
    result = figures(bulletin_data)

    assert json.loads(json.dumps(result, ensure_ascii=False)) == result
    assert set(result) == {
        "schema",
        "policy",
        "range",
        "as_of",
        "elapsed_percent",
        "rule",
        "lights",
        "discipline",
        "months",
        "targets_summary",
        "tasks",
        "targets",
        "lagging",
        "departments",
        "problems",
        "next_steps",
        "charts",
        "sections",
    }
    assert result["range"] == {
        "first": "2025-07",
        "last": "2025-09",
        "label": "2025年第三季度",
        "months": 3,
    }
    assert result["charts"]["lights_by_department"] == [
        {"name": "甲局", "green": 1, "yellow": 0, "red": 1, "completed": 0},
        {"name": "乙局", "green": 0, "yellow": 1, "red": 0, "completed": 1},
        {"name": "丙局", "green": 0, "yellow": 1, "red": 1, "completed": 0},
    ]


@pytest.mark.django_db
def test_a_monthly_bulletin_looks_back_for_staleness(bulletin_data):
    result = figures(bulletin_data, first=(2025, 9), last=(2025, 9))

    assert result["range"]["label"] == "2025年9月"
    assert result["discipline"]["due"] == 8
    assert [m["month"] for m in result["months"]] == [9]
    # August counts for staleness though outside the range: task 5's
    # completed stands, task 4 (July) is stale.
    assert task_of(result, 5)["light"] == "completed"
    assert task_of(result, 4)["light"] == "red"


@pytest.mark.django_db
def test_a_bulletin_drafted_inside_its_range_stands_on_today(bulletin_data):
    result = figures(bulletin_data, today=D(2025, 9, 10))

    assert result["as_of"] == "2025-09-10"
    assert result["elapsed_percent"] == 89.8  # 983 of 1095 days


def test_range_labels():
    assert range_label((2025, 7), (2025, 9)) == "2025年第三季度"
    assert range_label((2025, 1), (2025, 3)) == "2025年第一季度"
    assert range_label((2025, 9), (2025, 9)) == "2025年9月"
    assert range_label((2025, 7), (2025, 8)) == "2025年7月至8月"
    assert range_label((2024, 11), (2025, 1)) == "2024年11月至2025年1月"


@pytest.mark.django_db
def test_a_range_ending_before_it_starts_is_refused(bulletin_data):
    with pytest.raises(ValueError, match="起始月份 2025-09 晚于结束月份 2025-07"):
        figures(bulletin_data, first=(2025, 9), last=(2025, 7))


def grow(data, size: int) -> None:
    """``size`` more departments, each leading a task with a target and
    cooperating on another, their reports filed in every month."""
    policy = data["policy"]
    for index in range(size):
        department = DepartmentFactory(sort_order=10 + index)
        user_create(
            username=f"grown-{department.pk}",
            password="Pass#word123",
            role=RoleName.REPORTER,
            department=department,
            must_change_password=False,
        )
        number = 100 + index
        task = TaskFactory(
            key_task=KeyTaskFactory(policy=policy, number=number),
            policy=policy,
            number=number,
        )
        ResponsibilityFactory(task=task, department=department, role=Role.LEAD)
        ResponsibilityFactory(
            task=data["tasks"][1], department=department, role=Role.COOPERATING
        )
        Target.objects.create(
            policy=policy,
            task=task,
            key_task=task.key_task,
            metric=f"指标{number}",
            value=Decimal(100),
            unit="家",
            kind="cumulative",
            deadline=D(2025, 12, 31),
            source_text="到2025年达到100家。",
            source_ref=f"附件第{number}行",
            fingerprint=f"grown-{number}",
            review_status=ReviewStatus.ACCEPTED,
        )
    reporters = {
        u.department_id: u
        for u in data["reviewer"].__class__.objects.exclude(department=None)
    }
    for month, period in data["periods"].items():
        with at(D(2025, month, 2)):
            period_ensure_reports(period=period)
        for report in ProgressReport.objects.filter(
            period=period, state="draft", task__number__gte=100
        ).select_related("task", "department"):
            key = (report.task.number, report.department.name, month)
            _file(
                report,
                month,
                reporters[report.department_id],
                data["reviewer"],
                key,
            )


def count_queries(data) -> int:
    with CaptureQueriesContext(connection) as queries:
        figures(data)
    return len(queries)


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_data(
    bulletin_data, django_assert_max_num_queries
):
    small = count_queries(bulletin_data)
    grow(bulletin_data, 6)
    with django_assert_max_num_queries(small):
        large = figures(bulletin_data)
    assert len(large["tasks"]) == 12
    assert len(large["departments"]) == 9
    assert large["discipline"]["due"] > 24 + 3 * 6
    assert count_queries(bulletin_data) == small
    # One query per month and per year the range spans, and a few more.
    assert small <= 20, small


@pytest.mark.django_db
def test_demo_gives_a_whole_third_quarter_whose_numbers_are_the_dashboards():
    """The demo made after the policy holds July to September 2025 closed:
    its Q3 bulletin counts every kind of report and equals the dashboard."""
    from django.core.management import call_command

    from tasks.models import Policy

    with at(D(2026, 1, 10)):
        call_command("setup_portal", demo=True, stdout=None)
        policy = Policy.objects.get(number="鹰办发〔2022〕22号")
        result = bulletin_figures(
            policy=policy, first=(2025, 7), last=(2025, 9), today=D(2026, 1, 10)
        )
    periods = list(ReportingPeriod.objects.all())
    assert [(p.year, p.month) for p in sorted(periods, key=lambda p: p.month)] == [
        (2025, month) for month in range(7, 13)
    ]
    rates = {r.month: r for r in monthly_rates(2025, periods, policy)}
    assert [(m["due"], m["reported"]) for m in result["months"]] == [
        (rates[m].expected, rates[m].reported) for m in (7, 8, 9)
    ]
    counts = [period_counts(p, policy) for p in periods if p.month <= 9]
    discipline = result["discipline"]
    assert discipline["due"] == sum(c.expected for c in counts) > 0
    assert discipline["late"] == sum(c.late for c in counts) > 0
    assert discipline["missing"] > 0
    assert discipline["returned"] > 0
    assert len(result["tasks"]) == 40
    assert set(result["lights"].values()) != {0}
    assert result["lagging"]
    assert json.loads(json.dumps(result)) == result


@pytest.mark.django_db
def test_a_group_lead_names_the_group_and_highlights_its_members(bulletin_data):
    departments = bulletin_data["departments"]
    group = DepartmentFactory(name="各局", kind="group", sort_order=50)
    group.members.set([departments["甲局"], departments["乙局"]])
    task = TaskFactory(
        key_task=KeyTaskFactory(policy=bulletin_data["policy"], number=7),
        policy=bulletin_data["policy"],
        number=7,
    )
    ResponsibilityFactory(task=task, department=group, role=Role.LEAD)
    with at(D(2025, 9, 2)):
        period_ensure_reports(period=bulletin_data["periods"][9])

    item = task_of(figures(bulletin_data), 7)

    assert item["lead"] == ["各局"]
    assert item["lead_ids"] == [
        group.pk,
        departments["甲局"].pk,
        departments["乙局"].pk,
    ]
    # Its members' drafts were never sent: nothing approved, red.
    assert item["light"] == "red"
    assert item["last_approved"] is None


@pytest.mark.django_db
def test_a_task_without_a_lead_is_judged_by_its_other_reports(bulletin_data):
    task = bulletin_data["tasks"][6]
    task.responsibilities.update(role=Role.COOPERATING)
    ProgressReport.objects.filter(task=task).update(role=Role.COOPERATING)

    item = task_of(figures(bulletin_data), 6)

    assert item["lead"] == []
    assert item["light"] == "yellow"  # 丙局's own 进度滞后, as before
    assert next(
        i["text"] for i in figures(bulletin_data)["lagging"] if "第6项" in i["text"]
    ).startswith("第6项“重点任务6”:")
