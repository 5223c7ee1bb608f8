"""The 公示: opened for at least five working days on applications that
passed the 复审, closed only after its last day, approving those without
an objection; every move audited, and only by the reviewer."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditAction, AuditEvent
from incentives.models import (
    Application,
    ApplicationState,
    ApplicationTransition,
    Publicity,
)
from incentives.services.publicity import (
    PublicityError,
    publicity_close,
    publicity_open,
)

from .calendar_data import national_day_calendar
from .publicity_data import ready_application, three_ready

pytestmark = pytest.mark.django_db
D = datetime.date
S = ApplicationState
MONDAY = D(2025, 9, 15)
FRIDAY = D(2025, 9, 19)


@pytest.fixture
def reviewer(incentive_defaults, incentive_users):
    return incentive_users["reviewer"]


@pytest.fixture
def ready(reviewer, incentive_users):
    return three_ready(incentive_users["clerk"])


def open_on(applications, actor, starts_on=MONDAY, **kwargs):
    return publicity_open(
        applications=applications,
        title=kwargs.pop("title", "2025年第一批技能鹰潭行动奖励公示"),
        starts_on=starts_on,
        contact=kwargs.pop("contact", "市人社局 0701-6200000"),
        actor=actor,
        **kwargs,
    )


def states(applications) -> list[str]:
    return [Application.objects.get(pk=a.pk).state for a in applications]


def test_open_lists_the_applications_for_five_working_days(ready, reviewer):
    publicity = open_on(ready, reviewer)

    publicity.refresh_from_db()
    assert (publicity.starts_on, publicity.ends_on) == (MONDAY, FRIDAY)
    assert publicity.working_days == 5
    assert publicity.state == Publicity.State.OPEN
    assert publicity.contact == "市人社局 0701-6200000"
    assert states(ready) == [S.PUBLICITY] * 3
    assert sorted(publicity.applications.values_list("pk", flat=True)) == sorted(
        a.pk for a in ready
    )


def test_open_counts_over_the_national_day_holiday(ready, reviewer):
    national_day_calendar()
    publicity = open_on(ready, reviewer, starts_on=D(2025, 9, 30))
    assert publicity.ends_on == D(2025, 10, 13)


def test_open_takes_more_than_five_days_when_asked(ready, reviewer):
    publicity = open_on(ready, reviewer, working_days=7)
    assert publicity.ends_on == D(2025, 9, 23)


def test_open_is_audited_with_numbers_and_dates_only(ready, reviewer):
    publicity = open_on(ready, reviewer)
    [event] = AuditEvent.objects.filter(action=AuditAction.PUBLICITY_OPEN)
    assert event.object_id == str(publicity.pk)
    assert event.actor_id == reviewer.pk
    assert event.after["applications"] == sorted(a.number for a in ready)
    assert event.after["starts_on"] == "2025-09-15"
    assert event.after["ends_on"] == "2025-09-19"
    text = str(event.after) + str(event.before) + event.object_repr
    assert "张小三" not in text
    assert ready[0].id_number_masked not in text


def test_fewer_than_five_working_days_is_refused(ready, reviewer):
    with pytest.raises(PublicityError, match="公示期不得少于5个工作日"):
        open_on(ready, reviewer, working_days=4)
    assert not Publicity.objects.exists()
    assert states(ready) == [S.READY] * 3


def test_a_start_on_a_day_off_is_refused_naming_the_next_working_day(ready, reviewer):
    national_day_calendar()
    with pytest.raises(PublicityError) as refused:
        open_on(ready, reviewer, starts_on=D(2025, 10, 2))
    assert str(refused.value) == (
        "公示开始日期2025年10月2日不是工作日,请改为2025年10月9日或其后的工作日。"
    )
    assert not Publicity.objects.exists()


def test_applications_not_ready_are_refused_by_number_and_nothing_moves(
    ready, reviewer, incentive_users
):
    review = ready_application(
        incentive_users["clerk"], name="王五", state=S.SECOND_REVIEW
    )
    with pytest.raises(PublicityError) as refused:
        open_on([*ready, review], reviewer)
    assert str(refused.value) == (
        f"以下申请不是“待公示”状态,不能列入公示:{review.number}(待复审)。"
    )
    assert not Publicity.objects.exists()
    assert states(ready) == [S.READY] * 3
    assert not ApplicationTransition.objects.exists()


def test_an_application_already_in_a_publicity_cannot_be_listed_again(ready, reviewer):
    open_on(ready[:1], reviewer)
    with pytest.raises(PublicityError, match=re.escape(f"{ready[0].number}(公示中)")):
        open_on(ready, reviewer)
    assert Publicity.objects.count() == 1


def test_an_empty_list_or_title_is_refused(ready, reviewer):
    with pytest.raises(PublicityError, match="请选择列入公示的申请"):
        open_on([], reviewer)
    with pytest.raises(PublicityError, match="请填写公示标题"):
        open_on(ready, reviewer, title="  ")


@pytest.mark.parametrize("role", ["clerk", "city_clerk", "reporter", "sysadmin"])
def test_only_the_reviewer_opens_a_publicity(ready, incentive_users, role):
    with pytest.raises(PermissionDenied):
        open_on(ready, incentive_users[role])
    assert not Publicity.objects.exists()


def test_close_on_the_last_day_is_refused(ready, reviewer):
    publicity = open_on(ready, reviewer)
    with pytest.raises(PublicityError) as refused:
        publicity_close(publicity=publicity, today=FRIDAY, actor=reviewer)
    assert str(refused.value) == "公示期至9月19日,期满后方可结束。"
    publicity.refresh_from_db()
    assert publicity.state == Publicity.State.OPEN
    assert states(ready) == [S.PUBLICITY] * 3


def test_close_after_the_last_day_approves_every_application(ready, reviewer):
    publicity = open_on(ready, reviewer)
    publicity_close(publicity=publicity, today=D(2025, 9, 20), actor=reviewer)

    publicity.refresh_from_db()
    assert publicity.state == Publicity.State.CLOSED
    assert publicity.closed_at is not None
    assert states(ready) == [S.APPROVED] * 3
    for application in ready:
        assert list(
            ApplicationTransition.objects.filter(application=application)
            .order_by("at", "pk")
            .values_list("action", "from_state", "to_state")
        ) == [
            ("publicise", S.READY, S.PUBLICITY),
            ("approve", S.PUBLICITY, S.APPROVED),
        ]
        # The approval makes what the finance bears (item 19: the area's).
        [share] = application.shares.all()
        assert share.amount == application.amount
    [event] = AuditEvent.objects.filter(action=AuditAction.PUBLICITY_CLOSE)
    assert event.after["approved"] == sorted(a.number for a in ready)
    assert event.after["held"] == []


def test_every_move_is_audited(ready, reviewer):
    publicity = open_on(ready, reviewer)
    publicity_close(publicity=publicity, today=D(2025, 9, 22), actor=reviewer)
    for application in ready:
        moves = AuditEvent.objects.filter(
            action=AuditAction.APPLICATION_MOVE,
            object_type="incentives.application",
            object_id=str(application.pk),
        )
        assert moves.count() == 2
    assert AuditEvent.objects.filter(action=AuditAction.PUBLICITY_OPEN).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.PUBLICITY_CLOSE).count() == 1


def test_a_closed_publicity_cannot_be_closed_again(ready, reviewer):
    publicity = open_on(ready, reviewer)
    publicity_close(publicity=publicity, today=D(2025, 9, 22), actor=reviewer)
    with pytest.raises(PublicityError, match="该公示已结束"):
        publicity_close(publicity=publicity, today=D(2025, 9, 23), actor=reviewer)
    assert AuditEvent.objects.filter(action=AuditAction.PUBLICITY_CLOSE).count() == 1


def test_close_leaves_applications_refused_meanwhile_as_they_are(ready, reviewer):
    from incentives.services.applications import application_move

    publicity = open_on(ready, reviewer)
    application_move(
        application=Application.objects.get(pk=ready[0].pk),
        action="second_refuse",
        actor=reviewer,
        reason="复核发现证书系伪造",
    )
    publicity_close(publicity=publicity, today=D(2025, 9, 22), actor=reviewer)
    assert states(ready) == [S.REFUSED, S.APPROVED, S.APPROVED]


def test_only_the_reviewer_closes_a_publicity(ready, reviewer, incentive_users):
    publicity = open_on(ready, reviewer)
    with pytest.raises(PermissionDenied):
        publicity_close(
            publicity=publicity, today=D(2025, 9, 22), actor=incentive_users["clerk"]
        )
    publicity.refresh_from_db()
    assert publicity.state == Publicity.State.OPEN
