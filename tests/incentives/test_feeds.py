"""A target fed by the awards paid: the policy's 引进1000名以上高技能人才来鹰
就业创业 counted from the 就业 and 创业 awards paid, as a reading recorded
through the targets' own service, and only when the count changed."""

import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from incentives.defaults import POLICY_START
from incentives.feeds import FEED_NOTE, feed_readings, people_paid
from incentives.models import TargetFeed
from targets.models import Reading, ReadingSource, ReviewStatus, Target
from targets.services import policy_targets_extract, target_decide

from .figures_data import approve, make_application, paid_application, pay, share

D = datetime.date
TODAY = D(2025, 6, 30)


@pytest.fixture(autouse=True)
def in_july_2025():
    moment = datetime.datetime(2025, 7, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment, tick=False):
        yield


@pytest.fixture
def talent_target(policy, incentive_users):
    """The policy's own target, extracted and accepted as the office
    does."""
    policy_targets_extract(policy=policy)
    target = Target.objects.get(policy=policy, metric="引进高技能人才")
    assert (target.value, target.unit) == (Decimal(1000), "名")
    assert "高技能人才来鹰就业创业" in target.source_text
    return target_decide(target=target, accept=True, actor=incentive_users["reviewer"])


@pytest.fixture
def feed(talent_target):
    return TargetFeed.objects.create(
        target=talent_target, kinds=["employment", "startup"], counts_from=POLICY_START
    )


@pytest.fixture
def paid(incentive_defaults, incentive_users):
    """Three people paid 就业 or 创业 awards in range, and what does not
    count."""
    user = incentive_users["clerk"]
    paid_application(user, on=D(2025, 3, 10), person="wang")
    paid_application(user, on=D(2025, 4, 10), person="li", kind="startup", level="3")
    # The same person paid twice (就业, then 创业): counted once.
    paid_application(user, on=D(2024, 5, 6), person="zhao")
    paid_application(user, on=D(2025, 5, 6), person="zhao", kind="startup")
    # Not counted: another kind, before counts_from, after today, failed.
    paid_application(user, on=D(2025, 3, 10), person="sun", kind="upskill")
    paid_application(user, on=D(2023, 1, 5), person="early")
    paid_application(user, on=D(2025, 7, 20), person="later")
    failed = make_application(user, state="approved", person="qian")
    approve(failed, D(2025, 4, 1))
    pay([share(failed)], user, on=D(2025, 4, 20), status="failed")


@pytest.mark.django_db
def test_people_paid_counts_each_person_once(paid):
    assert (
        people_paid(kinds=["employment", "startup"], since=POLICY_START, until=TODAY)
        == 3
    )
    assert people_paid(kinds=["upskill"], since=POLICY_START, until=TODAY) == 1
    assert people_paid(kinds=["employment"], since=D(2025, 1, 1), until=TODAY) == 1


@pytest.mark.django_db
def test_feed_records_the_count_through_the_targets_service(
    feed, paid, incentive_users
):
    [result] = feed_readings(today=TODAY, actor=incentive_users["reviewer"])
    reading = result.reading
    assert reading is not None and result.value == 3
    assert (reading.value, reading.as_of) == (Decimal(3), TODAY)
    assert reading.source == ReadingSource.IMPORT
    assert reading.note == FEED_NOTE == "由激励奖励已发放人数自动计入"
    assert reading.entered_by == incentive_users["reviewer"]
    assert result.message == "“引进高技能人才”计入读数 3名。"
    # Audited as every reading is.
    from audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="reading.record").count() == 1


@pytest.mark.django_db
def test_an_unchanged_count_adds_no_reading(feed, paid, incentive_users):
    feed_readings(today=TODAY)
    [again] = feed_readings(today=TODAY)
    assert again.reading is None and again.value == 3
    assert again.message == "“引进高技能人才”仍为 3名,未新增读数。"
    assert Reading.objects.filter(target=feed.target).count() == 1
    # Another reading of the target (a report's) does not make the feed
    # record the same count again.
    Reading.objects.create(
        target=feed.target, value=500, as_of=TODAY, source=ReadingSource.REVIEWER
    )
    feed_readings(today=TODAY)
    assert Reading.objects.filter(target=feed.target, note=FEED_NOTE).count() == 1
    # Someone new paid: a new reading.
    paid_application(incentive_users["clerk"], on=D(2025, 6, 29), person="zhou")
    [changed] = feed_readings(today=TODAY)
    assert changed.reading.value == Decimal(4)
    assert list(
        Reading.objects.filter(target=feed.target, note=FEED_NOTE).values_list(
            "value", flat=True
        )
    ) == [Decimal(3), Decimal(4)]


@pytest.mark.django_db
def test_a_target_not_accepted_is_refused_with_the_targets_message(feed, paid):
    Target.objects.filter(pk=feed.target_id).update(review_status=ReviewStatus.PROPOSED)
    [result] = feed_readings(today=TODAY)
    assert result.reading is None
    assert result.problem == "目标“引进高技能人才”尚未确认,不能录入读数。"
    assert not Reading.objects.filter(target=feed.target).exists()


@pytest.mark.django_db
def test_the_command_feeds_the_targets(feed, paid):
    out = io.StringIO()
    call_command("incentives_feed_targets", "--today", "2025-06-30", stdout=out)
    assert "“引进高技能人才”计入读数 3名。" in out.getvalue()
    assert Reading.objects.get(target=feed.target).as_of == TODAY
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("incentives_feed_targets", "--today", "30/06/2025")


@pytest.mark.django_db
def test_the_command_without_feeds_says_so(incentive_defaults):
    out = io.StringIO()
    call_command("incentives_feed_targets", "--today", "2025-06-30", stdout=out)
    assert out.getvalue().strip() == "没有设置读数来源的目标。"


@pytest.mark.django_db
def test_a_results_import_feeds_the_target_with_the_people_it_paid(
    feed, incentive_defaults, incentive_users
):
    from incentives.services.payments import batch_create, batch_export, batch_settle

    from .payment_data import approved, budget_set, sheet
    from .payment_data import finance as finance_named

    reviewer = incentive_users["reviewer"]
    guixi = finance_named()
    budget_set(guixi, 100_000)
    application = approved(finance=guixi, amount=2000, actor=reviewer)
    batch = batch_create(
        finance=guixi, month=D(2025, 6, 1), actor=reviewer, today=TODAY
    )
    batch_export(batch=batch, actor=reviewer, reveal_reason="交建设银行代发")
    summary = batch_settle(
        batch=batch,
        data=sheet([(application.number, 2000, "成功", "", "2025-06-27")]),
        file_name="回盘.xlsx",
        actor=reviewer,
        today=TODAY,
    )
    reading = Reading.objects.get(target=feed.target, note=FEED_NOTE)
    assert (reading.value, reading.as_of) == (Decimal(1), TODAY)
    assert [r.reading for r in summary["fed"]] == [reading]
