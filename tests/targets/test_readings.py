"""Candidates become targets once, readings obey the target's rules, and a
lead report gives its task's target values in the same save."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from dispatch.models import ProgressReport
from targets.models import Reading, ReadingSource, ReviewStatus, Target
from targets.services import (
    TargetError,
    period_as_of,
    reading_record,
    target_decide,
    targets_extract,
)
from tasks.models import Policy, Task


def candidate(fingerprint="fp-1", task_number=3, value=230, unit="家", **extra):
    parsed = SimpleNamespace(
        metric=extra.get("metric", "规模以上铜企业"),
        value=Decimal(value),
        unit=unit,
        comparator="gte",
        aspirational=False,
        deadline=datetime.date(2025, 12, 31),
        kind=extra.get("kind", "cumulative"),
        baseline_multiplier=extra.get("baseline_multiplier"),
        note="",
        sentence="到2025年,规模以上铜企业达到230家。",
    )
    return SimpleNamespace(
        source_ref=f"附件第{task_number}行",
        task_number=task_number,
        key_task_number=None,
        target=parsed,
        fingerprint=fingerprint,
    )


@pytest.fixture
def copper(policy, users):
    policy = Policy.objects.get()
    targets_extract(policy=policy, candidates=[candidate()])
    target = Target.objects.get()
    return target_decide(target=target, accept=True, actor=users["reviewer"])


@pytest.mark.django_db
def test_extraction_links_the_task_and_is_not_repeated(policy, users):
    report = targets_extract(policy=policy, candidates=[candidate()])
    assert len(report.created) == 1
    target = Target.objects.get()
    assert target.task == Task.objects.get(number=3)
    assert target.key_task.number == 1
    assert target.review_status == ReviewStatus.PROPOSED
    target_decide(target=target, accept=True, actor=users["reviewer"])
    target.metric = "规上铜企业"  # edited by a person
    target.save()

    again = targets_extract(policy=policy, candidates=[candidate()])
    assert again.created == []
    assert Target.objects.count() == 1
    target.refresh_from_db()
    assert (target.metric, target.review_status) == ("规上铜企业", "accepted")


@pytest.mark.django_db
def test_doubling_target_starts_from_its_baseline(policy):
    targets_extract(
        policy=policy,
        candidates=[
            candidate(
                "fp-2",
                task_number=None,
                value=300000,
                unit="人",
                kind="relative",
                baseline_multiplier=Decimal(2),
            )
        ],
    )
    target = Target.objects.get()
    assert (target.baseline, target.start_value) == (150000, 150000)
    assert target.task is None


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["reporter", "leader", "other_department"])
def test_only_the_reviewer_or_administrator_confirms(policy, users, role):
    targets_extract(policy=policy, candidates=[candidate()])
    with pytest.raises(TargetError):
        target_decide(target=Target.objects.get(), accept=True, actor=users[role])
    target_decide(target=Target.objects.get(), accept=False, actor=users["sysadmin"])
    assert Target.objects.get().review_status == ReviewStatus.REJECTED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "as_of", "message"),
    [
        (-1, None, "不能为负数"),
        ("abc", None, "不是数字"),
        (10, datetime.date(2099, 1, 1), "不能晚于今天"),
        # Beyond the column (14 digits, 2 after the point), which the
        # database refuses with a 500.
        ("1e20", None, "超出可记录的范围:整数部分最多 12 位"),
        ("9" * 100_000, None, "超出可记录的范围"),
        ("999999999999.995", None, "超出可记录的范围"),
    ],
)
def test_bad_readings_are_refused(copper, users, value, as_of, message):
    with pytest.raises(TargetError, match=message):
        reading_record(
            target=copper,
            value=value,
            as_of=as_of or timezone.localdate(),
            source=ReadingSource.REVIEWER,
            actor=users["reviewer"],
        )
    assert not Reading.objects.exists()


@pytest.mark.django_db
def test_percentage_reading_above_100_is_refused(copper, users):
    copper.unit, copper.value = "%", Decimal(40)
    copper.save()
    with pytest.raises(TargetError, match="不能超过 100"):
        reading_record(
            target=copper,
            value=120,
            as_of=timezone.localdate(),
            source=ReadingSource.REVIEWER,
            actor=users["reviewer"],
        )


@pytest.mark.django_db
def test_unconfirmed_target_takes_no_reading(policy, users):
    targets_extract(policy=policy, candidates=[candidate()])
    with pytest.raises(TargetError, match="尚未确认"):
        reading_record(
            target=Target.objects.get(),
            value=100,
            as_of=timezone.localdate(),
            source=ReadingSource.REVIEWER,
            actor=users["reviewer"],
        )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["reporter", "sysadmin", "other_department"])
def test_only_the_reviewer_enters_readings_directly(copper, users, role):
    with pytest.raises(TargetError, match="只有人社局审核员"):
        reading_record(
            target=copper,
            value=100,
            as_of=timezone.localdate(),
            source=ReadingSource.REVIEWER,
            actor=users[role],
        )


@pytest.mark.django_db
def test_lead_report_gives_the_target_value_in_the_same_save(
    client, copper, period, users
):
    report = ProgressReport.objects.get(
        period=period, task__number=3, department__name="贵溪市人民政府"
    )
    client.force_login(users["reporter"])
    url = reverse("dispatch:report-edit", args=[report.pk])
    page = client.get(url)
    field = f"target_{copper.pk}"
    assert field in page.context["form"].fields
    data = {
        "version": report.version,
        "progress": "新增规上铜企业 12 家。",
        "proposed_status": "on_track",
        field: "215",
    }
    assert client.post(url, data).status_code == 302
    reading = Reading.objects.get()
    assert (reading.value, reading.source, reading.report) == (215, "report", report)
    assert reading.as_of == period_as_of(period)

    report.refresh_from_db()
    data.update(version=report.version, **{field: "218"})
    assert client.post(url, data).status_code == 302
    assert list(Reading.objects.values_list("value", flat=True)) == [218]


@pytest.mark.django_db
def test_a_bad_target_value_saves_nothing(client, copper, period, users):
    copper.unit, copper.value = "%", Decimal(40)
    copper.save()
    report = ProgressReport.objects.get(
        period=period, task__number=3, department__name="贵溪市人民政府"
    )
    client.force_login(users["reporter"])
    response = client.post(
        reverse("dispatch:report-edit", args=[report.pk]),
        {
            "version": report.version,
            "progress": "不应保存的内容",
            "proposed_status": "on_track",
            f"target_{copper.pk}": "150",
        },
    )
    assert response.status_code == 400
    assert "不能超过 100" in response.content.decode()
    report.refresh_from_db()
    assert report.progress == ""
    assert not Reading.objects.exists()


@pytest.mark.django_db
def test_cooperating_report_asks_for_no_target_values(client, copper, period, users):
    report = ProgressReport.objects.get(
        period=period, task__number=3, department__name="市人社局"
    )
    from accounts.roles import RoleName
    from accounts.services import user_create

    rsj = user_create(
        username="rsj",
        password="Pass#word123",
        role=RoleName.REPORTER,
        department=report.department,
        must_change_password=False,
    )
    client.force_login(rsj)
    page = client.get(reverse("dispatch:report-edit", args=[report.pk]))
    assert f"target_{copper.pk}" not in page.context["form"].fields


@pytest.mark.django_db
def test_the_largest_value_the_column_holds_is_recorded(copper, users):
    reading = reading_record(
        target=copper,
        value="999,999,999,999.99",
        as_of=timezone.localdate(),
        source=ReadingSource.REVIEWER,
        actor=users["reviewer"],
    )

    reading.refresh_from_db()
    assert reading.value == Decimal("999999999999.99")


@pytest.mark.django_db
def test_a_value_too_large_typed_by_the_reviewer_is_refused_on_the_form(
    client, copper, users
):
    client.force_login(users["reviewer"])

    response = client.post(
        reverse("targets:reading-add", args=[copper.pk]),
        {"value": "1e20", "as_of": timezone.localdate().isoformat(), "note": ""},
    )

    assert response.status_code == 400
    assert "超出可记录的范围" in response.content.decode()
    assert not Reading.objects.exists()
