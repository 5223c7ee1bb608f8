"""After its deadline a target's pages show a verdict, 已达成 or 未达成,
judged by the last reading on or before the deadline, not a stale light."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from targets.models import Reading, ReadingSource, ReviewStatus, Target
from tasks.models import Department, Task

D = datetime.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
# A year after the policy's 2025 deadline, and half a year before it.
LATER = datetime.datetime(2026, 12, 1, 10, tzinfo=SHANGHAI)
BEFORE = datetime.datetime(2025, 6, 1, 10, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def now(request):
    """The clock for the whole test, its accounts and rows included."""
    moment = getattr(request, "param", LATER)
    with time_machine.travel(moment, tick=False):
        yield moment


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def make_target(policy, number: int, metric: str, readings) -> Target:
    task = Task.objects.get(policy=policy, number=number)
    target = Target.objects.create(
        policy=policy,
        task=task,
        key_task=task.key_task,
        metric=metric,
        value=Decimal(1000),
        unit="人",
        kind="cumulative",
        start_date=D(2023, 1, 1),
        deadline=D(2025, 12, 31),
        source_text=f"到2025年,{metric}达到1000人。",
        source_ref=f"附件第{number}行",
        fingerprint=f"fp-{number}",
        review_status=ReviewStatus.ACCEPTED,
        position=number,
    )
    Reading.objects.bulk_create(
        Reading(target=target, value=Decimal(v), as_of=on, source=ReadingSource.IMPORT)
        for on, v in readings
    )
    return target


@pytest.fixture
def judged(policy):
    """Three 2025 targets seen in 2026: one reached by its final figure,
    one missed whose later reading came after the deadline, one whose
    readings stopped a year before the deadline."""
    return {
        "achieved": make_target(
            policy, 1, "铜产业培训技能人才", [(D(2025, 12, 31), 1050)]
        ),
        "missed": make_target(
            policy,
            2,
            "新建技能大师工作室",
            [(D(2025, 12, 31), 600), (D(2026, 6, 30), 1200)],
        ),
        "stopped": make_target(policy, 3, "企业新型学徒", [(D(2024, 12, 31), 900)]),
    }


@pytest.mark.django_db
def test_board_shows_verdicts_and_counts_them_after_the_deadline(client, users, judged):
    client.force_login(users["reviewer"])
    response = client.get(reverse("targets:board"))
    page = response.content.decode()
    assert 'tgt-status-green tgt-verdict-achieved"' in page
    assert page.count('tgt-verdict-missed"') == 2
    assert page.count(">已达成</span>") == 2  # a badge and the summary
    assert "缺少读数" not in page
    assert "60.0%" in page  # judged by the deadline's 600, not 2026's 1200
    assert "90.0%" in page
    # The light: achieved green, missed by a little yellow, by far red.
    assert "tgt-status-yellow tgt-verdict-missed" in page
    assert "tgt-status-red tgt-verdict-missed" in page
    # Counted by verdict, not by light.
    counts = {key: count for key, _, count in response.context["counts"]}
    assert counts == {
        "green": 0,
        "yellow": 0,
        "red": 0,
        "none": 0,
        "achieved": 1,
        "missed": 2,
    }
    green = client.get(reverse("targets:board"), {"status": "green"})
    assert green.context["groups"] == []

    missed = client.get(reverse("targets:board"), {"status": "missed"})
    shown = [i.target.metric for g in missed.context["groups"] for i in g.items]
    assert shown == ["新建技能大师工作室", "企业新型学徒"]


@pytest.mark.django_db
def test_public_department_and_target_pages_show_the_verdict(client, users, judged):
    public = client.get(reverse("public")).content.decode()
    assert ">已达成</span>" in public
    assert ">未达成</span>" in public
    assert "缺少读数" not in public

    client.force_login(users["reporter"])
    department = Department.objects.get(name="贵溪市人民政府")
    page = client.get(
        reverse("tasks:department-detail", args=[department.pk])
    ).content.decode()
    assert ">已达成</span>" in page

    detail = client.get(judged["missed"].get_absolute_url())
    assert detail.context["item"].verdict == "missed"
    assert ">未达成</span>" in detail.content.decode()
    assert [p["y"] for p in detail.context["chart"]["readings"]] == [600.0]


@pytest.mark.django_db
@pytest.mark.parametrize("now", [BEFORE], indirect=True)
def test_before_the_deadline_the_board_shows_no_verdict(client, users, judged, now):
    client.force_login(users["reviewer"])
    response = client.get(reverse("targets:board"))
    page = response.content.decode()
    assert "已达成" not in page
    assert "未达成" not in page
    keys = [key for key, _, _ in response.context["counts"]]
    assert keys == ["green", "yellow", "red", "none"]
