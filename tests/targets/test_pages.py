"""The target board, a target's page, the reviewer's reading form, the Excel
export and the public page: who reaches them, what they show (and, on the
public page, what they must not), and that their query counts stay flat."""

import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dispatch.models import ProgressReport
from dispatch.services import report_transition
from targets.exports import COLUMNS
from targets.models import Reading, ReadingSource, ReviewStatus, Target
from targets.services import reading_record
from tasks.models import Department, Policy, Task
from tests.conftest import fill

ROLES = ["reporter", "leader", "reviewer", "sysadmin", "other_department"]
REVIEWERS = ["reviewer", "sysadmin"]
DEPARTMENT_ROLES = ["reporter", "leader", "other_department"]


@pytest.fixture(autouse=True)
def empty_cache():
    """The public page is cached; each test starts without it."""
    cache.clear()
    yield
    cache.clear()


def today() -> datetime.date:
    return timezone.localdate()


def make_target(policy, number: int, *, task_number: int | None = 1, **values):
    task = Task.objects.get(policy=policy, number=task_number) if task_number else None
    fields = {
        "policy": policy,
        "task": task,
        "key_task": task.key_task if task else None,
        "metric": f"培训技能人才{number}",
        "value": Decimal(1200),
        "unit": "人",
        "kind": "cumulative",
        "start_date": today() - datetime.timedelta(days=730),
        "deadline": today() + datetime.timedelta(days=365),
        "source_text": f"到2025年,培训技能人才达到1200人(第{number}项)。",
        "source_ref": f"附件第{task_number}行",
        "fingerprint": f"fp-{number}",
        "review_status": ReviewStatus.ACCEPTED,
        "position": number,
    }
    fields.update(values)
    return Target.objects.create(**fields)


def add_readings(target: Target, count: int, step: int = 40) -> None:
    Reading.objects.bulk_create(
        Reading(
            target=target,
            value=Decimal(step * (index + 1)),
            as_of=today() - datetime.timedelta(days=30 * (count - index)),
            source=ReadingSource.IMPORT,
        )
        for index in range(count)
    )


@pytest.fixture
def targets(policy):
    """Three accepted targets (one far behind, one on track, one without
    readings) and a proposed and a rejected candidate."""
    behind = make_target(policy, 1, metric="铜产业培训技能人才")
    add_readings(behind, 3, step=40)
    on_track = make_target(
        policy,
        2,
        task_number=None,
        metric="高技能人才占比",
        value=Decimal(90),
        unit="%",
        kind="percentage",
    )
    reading_record(
        target=on_track,
        value="70",
        as_of=today() - datetime.timedelta(days=10),
        source=ReadingSource.IMPORT,
    )
    empty = make_target(
        policy,
        3,
        task_number=2,
        metric="新建技能大师工作室",
        start_date=today() - datetime.timedelta(days=20),
    )
    proposed = make_target(
        policy, 4, metric="候选目标甲乙丙", review_status=ReviewStatus.PROPOSED
    )
    rejected = make_target(
        policy, 5, metric="否决目标丁戊", review_status=ReviewStatus.REJECTED
    )
    return {
        "behind": behind,
        "on_track": on_track,
        "empty": empty,
        "proposed": proposed,
        "rejected": rejected,
    }


# -- who reaches which page ----------------------------------------------------


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login_except_on_the_public_page(client, targets):
    target = targets["behind"]
    for url in [
        reverse("targets:board"),
        reverse("targets:export"),
        reverse("targets:target-detail", args=[target.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    response = client.post(
        reverse("targets:reading-add", args=[target.pk]),
        {"value": "500", "as_of": today().isoformat()},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not target.readings.filter(value=500).exists()
    assert client.get(reverse("public")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_board_accepted_targets_export_and_public_page(
    client, users, targets, role
):
    client.force_login(users[role])
    for url in [
        reverse("targets:board"),
        reverse("targets:target-detail", args=[targets["behind"].pk]),
        reverse("targets:target-detail", args=[targets["on_track"].pk]),
        reverse("public"),
    ]:
        assert client.get(url).status_code == 200, url
    export = client.get(reverse("targets:export"))
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.django_db
@pytest.mark.parametrize("role", DEPARTMENT_ROLES)
def test_department_users_get_404_for_candidates(client, users, targets, role):
    client.force_login(users[role])
    for key in ["proposed", "rejected"]:
        url = reverse("targets:target-detail", args=[targets[key].pk])
        assert client.get(url).status_code == 404, key


@pytest.mark.django_db
@pytest.mark.parametrize("role", REVIEWERS)
def test_reviewer_and_sysadmin_open_candidates(client, users, targets, role):
    client.force_login(users[role])
    response = client.get(
        reverse("targets:target-detail", args=[targets["proposed"].pk])
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "候选目标甲乙丙" in page
    assert "待确认" in page
    assert "录入读数" not in page  # no readings before it is accepted


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_unknown_target_answers_404(client, users, targets, role):
    client.force_login(users[role])
    missing = Target.objects.order_by("-pk").first().pk + 1000
    url = reverse("targets:target-detail", args=[missing])
    assert client.get(url).status_code == 404


# -- the board ---------------------------------------------------------------


@pytest.mark.django_db
def test_board_groups_accepted_targets_with_status_and_forecast(client, users, targets):
    client.force_login(users["reporter"])
    response = client.get(reverse("targets:board"))
    groups = response.context["groups"]
    assert groups[0].title == "发展目标"
    assert [i.target.metric for i in groups[0].items] == ["高技能人才占比"]
    assert groups[1].title.startswith("1. ")
    assert groups[1].section.startswith("(一)")
    page = response.content.decode()
    for key in ["behind", "on_track", "empty"]:
        assert targets[key].metric in page
        assert targets[key].get_absolute_url() in page
    assert "候选目标甲乙丙" not in page
    assert "否决目标丁戊" not in page
    assert 'class="badge tgt-status tgt-status-red">严重滞后' in page
    assert 'class="badge tgt-status tgt-status-none">暂无读数' in page
    assert "不能按期完成" in page
    assert 'class="tgt-done" max="100" value="10.0"' in page  # 120 of 1200
    assert 'class="tgt-expected"' in page
    assert "style=" not in page
    counts = {key: count for key, _, count in response.context["counts"]}
    assert counts == {"green": 1, "yellow": 0, "red": 1, "none": 1}
    assert reverse("targets:export") in page
    assert reverse("admin:targets_target_changelist") not in page


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "metric"), [("red", "铜产业培训技能人才")])
def test_board_filters_by_status(client, users, targets, status, metric):
    client.force_login(users["leader"])
    response = client.get(reverse("targets:board"), {"status": status})
    shown = [i.target.metric for g in response.context["groups"] for i in g.items]
    assert shown == [metric]
    # The summary still counts every target.
    assert sum(c for _, _, c in response.context["counts"]) == 3
    nothing = client.get(reverse("targets:board"), {"status": "yellow"})
    assert nothing.context["groups"] == []
    assert "没有处于该状态的目标" in nothing.content.decode()
    unknown = client.get(reverse("targets:board"), {"status": "purple"})
    assert sum(len(g.items) for g in unknown.context["groups"]) == 3


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "shown"), [("sysadmin", True), ("reviewer", False)])
def test_admin_users_see_the_link_to_the_candidates(
    client, users, targets, role, shown
):
    """The candidate list is in the admin, which the reviewer does not use."""
    client.force_login(users[role])
    page = client.get(reverse("targets:board")).content.decode()
    url = reverse("admin:targets_target_changelist")
    assert (f"{url}?review_status__exact=proposed" in page) is shown


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_navigation_offers_the_board_before_the_tasks(client, users, policy, role):
    client.force_login(users[role])
    response = client.get(reverse("tasks:task-list"))
    labels = [label for label, _ in response.context["nav_items"]]
    assert labels.index("目标进展") == labels.index("重点任务") - 1
    assert dict(response.context["nav_items"])["目标进展"] == reverse("targets:board")


# -- a target's page ---------------------------------------------------------


@pytest.fixture
def report_reading(targets, users, period):
    """A reading given by 贵溪市's lead report on task 1, approved."""
    report = ProgressReport.objects.get(
        period=period, task__number=1, department__name="贵溪市人民政府"
    )
    report = fill(report, users["reporter"], progress="内部报告文字:本月培训甲班。")
    reading = reading_record(
        target=targets["behind"],
        value="200",
        as_of=today(),
        source=ReadingSource.REPORT,
        actor=users["reporter"],
        report=report,
    )
    report_transition(report=report, action="submit", actor=users["reporter"])
    report_transition(report=report, action="approve", actor=users["reviewer"])
    return reading


@pytest.mark.django_db
def test_target_page_shows_source_links_readings_and_chart_data(
    client, users, targets, report_reading
):
    target = targets["behind"]
    client.force_login(users["leader"])
    response = client.get(reverse("targets:target-detail", args=[target.pk]))
    page = response.content.decode()
    assert target.source_text in page
    assert "附件第1行" in page
    assert target.task.get_absolute_url() in page
    assert f"?key_task={target.key_task_id}" in page
    assert "贵溪市人民政府 · " + str(report_reading.report.period) in page
    assert "月度报告" in page
    assert "导入" in page
    assert len(response.context["readings"]) == 4
    chart = response.context["chart"]
    assert [p["y"] for p in chart["readings"]] == [40, 80, 120, 200]
    assert chart["expected"][0] == {"x": target.start_date.isoformat(), "y": 0}
    assert chart["expected"][-1] == {"x": target.deadline.isoformat(), "y": 1200}
    today_point = {p["x"]: p["y"] for p in chart["expected"]}[today().isoformat()]
    assert 790 < today_point < 810  # two of three years gone
    assert 'id="target-chart-data"' in page
    assert "js/targets.js" in page
    assert "style=" not in page
    assert "录入读数" not in page  # the form is the reviewer's


@pytest.mark.django_db
def test_reviewer_records_a_reading_from_the_target_page(client, users, targets):
    target = targets["behind"]
    client.force_login(users["reviewer"])
    url = reverse("targets:target-detail", args=[target.pk])
    assert "录入读数" in client.get(url).content.decode()
    response = client.post(
        reverse("targets:reading-add", args=[target.pk]),
        {"value": "1,000", "as_of": today().isoformat(), "note": "人社局核实"},
        follow=True,
    )
    assert response.redirect_chain == [(url, 302)]
    reading = target.readings.get(value=1000)
    assert reading.source == ReadingSource.REVIEWER
    assert reading.entered_by == users["reviewer"]
    assert reading.note == "人社局核实"
    page = response.content.decode()
    assert "已录入“铜产业培训技能人才”" in page
    assert response.context["item"].latest_value == Decimal(1000)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["reporter", "leader", "sysadmin", "other_department"])
def test_others_posting_a_reading_get_403(client, users, targets, role):
    target = targets["behind"]
    client.force_login(users[role])
    response = client.post(
        reverse("targets:reading-add", args=[target.pk]),
        {"value": "500", "as_of": today().isoformat()},
    )
    assert response.status_code == 403
    assert not target.readings.filter(value=500).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "value", "as_of_days", "message"),
    [
        ("behind", "-5", 0, "的数值不能为负数"),
        ("on_track", "120", 0, "是百分比,不能超过 100"),
        ("behind", "很多", 0, "不是数字"),
        ("behind", "500", -3, "截至日期不能晚于今天"),
        ("proposed", "500", 0, "尚未确认,不能录入读数"),
    ],
)
def test_refused_reading_shows_the_reason(
    client, users, targets, key, value, as_of_days, message
):
    target = targets[key]
    before = Reading.objects.count()
    client.force_login(users["reviewer"])
    response = client.post(
        reverse("targets:reading-add", args=[target.pk]),
        {
            "value": value,
            "as_of": (today() - datetime.timedelta(days=as_of_days)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Reading.objects.count() == before


@pytest.mark.django_db
def test_reading_form_asks_for_a_value_and_a_date(client, users, targets):
    client.force_login(users["reviewer"])
    response = client.post(
        reverse("targets:reading-add", args=[targets["behind"].pk]), {"value": ""}
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"value", "as_of"}


@pytest.mark.django_db
def test_reading_form_answers_only_post(client, users, targets):
    client.force_login(users["reviewer"])
    url = reverse("targets:reading-add", args=[targets["behind"].pk])
    assert client.get(url).status_code == 405


# -- the department page -------------------------------------------------------


@pytest.mark.django_db
def test_department_page_lists_its_targets_with_status(client, users, targets):
    client.force_login(users["reporter"])
    department = Department.objects.get(name="贵溪市人民政府")
    response = client.get(reverse("tasks:department-detail", args=[department.pk]))
    metrics = [item.target.metric for item in response.context["targets"]]
    # Tasks 1 and 2 are led by 贵溪市; the policy-wide target belongs to no task.
    assert metrics == ["铜产业培训技能人才", "新建技能大师工作室"]
    page = response.content.decode()
    assert "目标进展(2)" in page
    assert 'class="badge tgt-status tgt-status-red">严重滞后' in page
    assert "候选目标甲乙丙" not in page


# -- the export --------------------------------------------------------------


@pytest.mark.django_db
def test_export_lists_accepted_targets_and_escapes_formulae(client, users, targets):
    make_target(targets["behind"].policy, 9, metric="=HYPERLINK(1)", task_number=3)
    client.force_login(users["other_department"])
    response = client.get(reverse("targets:export"))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"{today():%Y%m%d}.xlsx" in disposition
    assert "%E7%9B%AE%E6%A0%87%E8%BF%9B%E5%B1%95" in disposition  # 目标进展
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert list(rows[0]) == [column.label for column in COLUMNS]
    body = {row[2]: row for row in rows[1:]}
    assert set(body) == {
        "高技能人才占比",
        "铜产业培训技能人才",
        "新建技能大师工作室",
        "'=HYPERLINK(1)",
    }
    assert [row[0] for row in rows[1:]] == [1, 2, 3, 4]
    behind = body["铜产业培训技能人才"]
    assert behind[1].startswith("1. ")
    assert behind[3:6] == (1200, "人", "达到(≥)")
    assert behind[7] == 120
    assert behind[8].date() == today() - datetime.timedelta(days=30)
    assert behind[9] == pytest.approx(0.1)
    assert behind[11] == "严重滞后"
    assert body["高技能人才占比"][1] == "发展目标"


# -- the public page -----------------------------------------------------------


@pytest.mark.django_db
def test_public_page_shows_accepted_targets_and_nothing_internal(
    client, users, targets, report_reading
):
    response = client.get(reverse("public"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "鹰办发〔2022〕22号" in page
    assert "《关于实施“技能鹰潭行动”的意见》" in page
    assert f"数据更新至 {today().year}年{today().month}月{today().day}日" in page
    for key in ["behind", "on_track", "empty"]:
        assert targets[key].metric in page
    assert "严重滞后" in page
    assert "200人" in page  # the latest value, given by the report
    assert "候选目标甲乙丙" not in page
    assert "否决目标丁戊" not in page
    # Nothing internal: no report text, names, departments or links inward.
    assert "内部报告文字" not in page
    assert "reporter" not in page
    assert "reviewer" not in page
    assert "贵溪市人民政府" not in page
    assert "月度报告" not in page
    assert 'href="/tasks/' not in page
    assert 'href="/dispatch/' not in page
    assert 'href="/admin/' not in page
    assert 'href="/targets/' not in page
    # The header offers a visitor the public page and the sign-in, the page
    # the published bulletins; no more.
    links = set(re.findall(r'href="([^"#]*)"', page)) - {"/"}
    assert {link for link in links if not link.startswith("/static/")} == {
        reverse("public"),
        reverse("login"),
        reverse("public-bulletins:list"),
        reverse("public-incentives:list"),
    }
    assert "style=" not in page


@pytest.mark.django_db
def test_public_page_is_cached(client, targets):
    assert "新目标庚辛" not in client.get(reverse("public")).content.decode()
    make_target(targets["behind"].policy, 8, metric="新目标庚辛")
    assert "新目标庚辛" not in client.get(reverse("public")).content.decode()
    cache.clear()
    assert "新目标庚辛" in client.get(reverse("public")).content.decode()


@pytest.mark.django_db
def test_public_page_without_targets_says_so(client, policy):
    page = client.get(reverse("public")).content.decode()
    assert "目标正在确认中" in page
    assert "暂无读数" in page


# -- one policy at a time -------------------------------------------------------


@pytest.fixture
def second(policy):
    """A second policy, with fewer tasks (none), and one accepted target."""
    other = Policy.objects.create(number="鹰人社字〔2025〕9号", title="第二份政策")
    make_target(other, 20, task_number=None, metric="第二份政策的目标壬癸")
    return other


def _export_metrics(response) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [row[2] for row in book.active.iter_rows(min_row=2, values_only=True)]


@pytest.mark.django_db
def test_board_shows_one_policy_and_the_other_when_chosen(
    client, users, targets, second
):
    client.force_login(users["reviewer"])
    page = client.get(reverse("targets:board")).content.decode()
    assert targets["behind"].metric in page
    assert "第二份政策的目标壬癸" not in page
    assert (
        f'<option value="{second.pk}">鹰人社字〔2025〕9号 第二份政策</option>' in page
    )
    chosen = client.get(reverse("targets:board"), {"policy": second.pk})
    page = chosen.content.decode()
    assert "第二份政策的目标壬癸" in page
    assert targets["behind"].metric not in page
    # The export link and the status filters keep the policy.
    assert f'href="{reverse("targets:export")}?policy={second.pk}"' in page
    assert f'href="?policy={second.pk}&amp;status=' in page


@pytest.mark.django_db
def test_export_holds_the_chosen_policy(client, users, targets, second):
    client.force_login(users["reviewer"])
    default = _export_metrics(client.get(reverse("targets:export")))
    assert targets["behind"].metric in default
    assert "第二份政策的目标壬癸" not in default
    chosen = _export_metrics(
        client.get(reverse("targets:export"), {"policy": second.pk})
    )
    assert chosen == ["第二份政策的目标壬癸"]


@pytest.mark.django_db
def test_public_page_shows_one_policy_and_caches_each(
    client, targets, second, django_capture_on_commit_callbacks
):
    url = reverse("public")
    page = client.get(url).content.decode()
    assert targets["behind"].metric in page
    assert "第二份政策的目标壬癸" not in page
    # The switcher links each published policy's own page.
    assert f'href="{reverse("public-policy", args=[second.pk])}"' in page
    chosen = client.get(url, {"policy": second.pk}).content.decode()
    assert "第二份政策的目标壬癸" in chosen
    assert targets["behind"].metric not in chosen
    assert "当前显示:第二份政策 鹰人社字〔2025〕9号" in chosen
    own = client.get(reverse("public-policy", args=[second.pk])).content.decode()
    assert "第二份政策的目标壬癸" in own
    assert targets["behind"].metric not in own
    # Each policy's page is cached on its own...
    make_target(second, 21, task_number=None, metric="悄悄加入的目标")
    assert (
        "悄悄加入的目标" not in client.get(url, {"policy": second.pk}).content.decode()
    )
    assert "第二份政策的目标壬癸" not in client.get(url).content.decode()
    # ...and dropped with the others on a change.
    with django_capture_on_commit_callbacks(execute=True):
        reading_record(
            target=Target.objects.get(metric="第二份政策的目标壬癸"),
            value="321",
            as_of=today() - datetime.timedelta(days=1),
            source=ReadingSource.IMPORT,
        )
    fresh = client.get(url, {"policy": second.pk}).content.decode()
    assert "悄悄加入的目标" in fresh
    assert "321人" in fresh


@pytest.mark.django_db
def test_one_policy_shows_no_switcher(client, users, targets):
    client.force_login(users["reviewer"])
    board = client.get(reverse("targets:board")).content.decode()
    public = client.get(reverse("public")).content.decode()
    for page in (board, public):
        assert 'name="policy"' not in page
    assert f'href="{reverse("targets:export")}"' in board


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["targets:board", "public", "targets:export"])
@pytest.mark.parametrize(
    ("value", "status"), [("abc", 400), ("1_0", 400), ("-1", 400), ("999999", 404)]
)
def test_unreadable_or_unknown_policy_is_refused(
    client, users, targets, name, value, status
):
    if name != "public":
        client.force_login(users["reviewer"])
    response = client.get(reverse(name), {"policy": value})
    assert response.status_code == status
    if status == 400:
        assert "政策文件" in response.content.decode()


# -- query counts --------------------------------------------------------------


def _make_data(policy, targets: int, readings: int) -> Target:
    tasks = list(Task.objects.filter(policy=policy, number__in=[1, 2, 3]))
    first = None
    for index in range(targets):
        number = Target.objects.count() + 1
        target = make_target(
            policy,
            number,
            task_number=tasks[index % len(tasks)].number,
            metric=f"目标{number}",
            fingerprint=f"size-{number}",
        )
        add_readings(target, readings)
        first = first or target
    return first


def _count(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "bound"),
    [
        # A signed-in page: session, user, roles, targets, readings, plans,
        # the menu's permission check (2), the user's department, and
        # saving the session (3); the department page adds its own reads.
        # The board, the public page and the export add the policies for
        # the switcher.
        ("board", 13),
        # The public pages: policies, targets, readings, plans: nothing else.
        ("public", 4),
        ("public-policy", 4),
        ("target", 12),
        ("department", 17),
        # The export: no menu, but the audit trail records the download
        # (the actor's department, the last hash, the insert, and on
        # PostgreSQL the lock that serialises the chain).
        ("export", 14),
    ],
)
@pytest.mark.parametrize("chosen", [False, True], ids=["default", "chosen"])
def test_page_query_count_does_not_grow_with_data(
    client, policy, users, page, bound, chosen
):
    """Measured on 5 targets × 3 readings and on 30 targets × 12, in the
    policy shown and in another one, the public page anonymously, as its
    visitors see it; with and without ``?policy=``."""
    department = Department.objects.get(name="贵溪市人民政府")
    other = Policy.objects.create(number="鹰人社字〔2025〕9号", title="第二份政策")
    counts = []
    for size, readings in [(5, 3), (30, 12)]:
        client.force_login(users["reviewer"])
        target = _make_data(policy, size, readings)
        for _ in range(size):
            number = Target.objects.count() + 1
            add_readings(
                make_target(other, number, task_number=None, fingerprint=f"o-{number}"),
                readings,
            )
        url = {
            "board": reverse("targets:board"),
            "public": reverse("public"),
            "public-policy": reverse("public-policy", args=[policy.pk]),
            "target": reverse("targets:target-detail", args=[target.pk]),
            "department": reverse("tasks:department-detail", args=[department.pk]),
            "export": reverse("targets:export"),
        }[page]
        if chosen and page in ("board", "public", "export"):
            url += f"?policy={policy.pk}"
        if page.startswith("public"):
            client.logout()
        counts.append(_count(client, url))
    assert counts[0] == counts[1], counts
    assert counts[1] <= bound, counts
