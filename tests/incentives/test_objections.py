"""Objections during the 公示: one holds its application at the close;
dismissed, the application is approved; upheld, it is refused; one dated
outside the publicity's days is not recorded."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditAction, AuditEvent
from incentives.models import Application, ApplicationState, Objection, Publicity
from incentives.services.publicity import (
    PublicityError,
    objection_record,
    objection_resolve,
    publicity_close,
    publicity_open,
)

from .publicity_data import three_ready

pytestmark = pytest.mark.django_db
D = datetime.date
S = ApplicationState
MONDAY, FRIDAY = D(2025, 9, 15), D(2025, 9, 19)
AFTER = D(2025, 9, 22)
WEDNESDAY = D(2025, 9, 17)
UPHELD, DISMISSED = Objection.Outcome.UPHELD, Objection.Outcome.DISMISSED


@pytest.fixture
def reviewer(incentive_defaults, incentive_users):
    return incentive_users["reviewer"]


@pytest.fixture
def listed(reviewer, incentive_users):
    applications = three_ready(incentive_users["clerk"])
    publicity_open(
        applications=applications,
        title="2025年第一批技能鹰潭行动奖励公示",
        starts_on=MONDAY,
        actor=reviewer,
    )
    return applications


def record(application, actor, received_on=WEDNESDAY, **kwargs):
    return objection_record(
        application=application,
        received_on=received_on,
        content=kwargs.pop("content", "反映其劳动合同系补签,实际未在该企业工作。"),
        raised_by=kwargs.pop("raised_by", "匿名来电"),
        actor=actor,
        **kwargs,
    )


def resolve(objection, outcome, actor, today=AFTER, resolution="经核查"):
    return objection_resolve(
        objection=objection,
        outcome=outcome,
        resolution=resolution,
        today=today,
        actor=actor,
    )


def state(application) -> str:
    return Application.objects.get(pk=application.pk).state


def test_an_objection_holds_its_application_at_the_close(listed, reviewer):
    held, *others = listed
    record(held, reviewer)
    publicity = Publicity.objects.get()
    publicity_close(publicity=publicity, today=AFTER, actor=reviewer)

    assert state(held) == S.PUBLICITY
    assert [state(a) for a in others] == [S.APPROVED, S.APPROVED]
    assert not held.shares.exists()
    [event] = AuditEvent.objects.filter(action=AuditAction.PUBLICITY_CLOSE)
    assert event.after["held"] == [held.number]


def test_dismissed_after_the_close_approves_the_application(listed, reviewer):
    held = listed[0]
    objection = record(held, reviewer)
    publicity_close(publicity=Publicity.objects.get(), today=AFTER, actor=reviewer)
    resolve(
        objection, DISMISSED, reviewer, resolution="经核查,劳动合同及社保缴费真实。"
    )

    objection.refresh_from_db()
    assert objection.outcome == DISMISSED
    assert objection.resolved_by == reviewer
    assert objection.resolution == "经核查,劳动合同及社保缴费真实。"
    assert state(held) == S.APPROVED
    [transition] = held.transitions.filter(action="approve")
    assert transition.reason == "公示异议不成立:经核查,劳动合同及社保缴费真实。"


def test_dismissed_during_the_publicity_leaves_it_for_the_close(listed, reviewer):
    held = listed[0]
    objection = record(held, reviewer)
    resolve(objection, DISMISSED, reviewer, today=D(2025, 9, 18))
    assert state(held) == S.PUBLICITY
    publicity_close(publicity=Publicity.objects.get(), today=AFTER, actor=reviewer)
    assert state(held) == S.APPROVED


def test_dismissed_after_the_last_day_approves_even_before_the_close(listed, reviewer):
    held = listed[0]
    objection = record(held, reviewer)
    resolve(objection, DISMISSED, reviewer, today=AFTER)
    assert state(held) == S.APPROVED
    assert Publicity.objects.get().state == Publicity.State.OPEN


def test_upheld_refuses_the_application_with_the_reason(listed, reviewer):
    held = listed[0]
    objection = record(held, reviewer)
    resolve(objection, UPHELD, reviewer, resolution="劳动合同系补签,不符合条件。")

    assert state(held) == S.REFUSED
    [transition] = held.transitions.filter(action="second_refuse")
    assert transition.reason == "公示异议成立:劳动合同系补签,不符合条件。"
    publicity_close(publicity=Publicity.objects.get(), today=AFTER, actor=reviewer)
    assert state(held) == S.REFUSED


def test_a_second_open_objection_still_holds_after_one_is_dismissed(listed, reviewer):
    held = listed[0]
    first = record(held, reviewer)
    second = record(held, reviewer, received_on=FRIDAY, content="另有举报")
    publicity_close(publicity=Publicity.objects.get(), today=AFTER, actor=reviewer)
    resolve(first, DISMISSED, reviewer)
    assert state(held) == S.PUBLICITY
    resolve(second, DISMISSED, reviewer)
    assert state(held) == S.APPROVED


@pytest.mark.parametrize(
    "received_on", [D(2025, 9, 12), D(2025, 9, 20), D(2025, 9, 22)]
)
def test_an_objection_dated_outside_the_period_is_refused(
    listed, reviewer, received_on
):
    with pytest.raises(PublicityError) as refused:
        record(listed[0], reviewer, received_on=received_on)
    assert str(refused.value) == (
        "异议收到日期须在公示期内(2025年9月15日至2025年9月19日),"
        "公示期外收到的异议不予登记。"
    )
    assert not Objection.objects.exists()


def test_the_first_and_last_days_are_inside_the_period(listed, reviewer):
    record(listed[0], reviewer, received_on=MONDAY)
    record(listed[1], reviewer, received_on=FRIDAY)
    assert Objection.objects.count() == 2


def test_a_late_recording_of_an_objection_received_in_time_is_accepted(
    listed, reviewer
):
    held = listed[0]
    record(held, reviewer)  # keeps it 公示中 after the close
    publicity_close(publicity=Publicity.objects.get(), today=AFTER, actor=reviewer)
    record(held, reviewer, received_on=FRIDAY, content="周五收到的信件,今日登记")
    assert held.objections.count() == 2


def test_an_application_no_longer_in_publicity_takes_no_objection(listed, reviewer):
    approved = listed[1]
    publicity_close(publicity=Publicity.objects.get(), today=AFTER, actor=reviewer)
    with pytest.raises(PublicityError, match=re.escape("(当前状态:已通过)")):
        record(approved, reviewer, received_on=FRIDAY)


def test_an_empty_objection_or_finding_is_refused(listed, reviewer):
    with pytest.raises(PublicityError, match="请填写异议内容"):
        record(listed[0], reviewer, content="   ")
    objection = record(listed[0], reviewer)
    with pytest.raises(PublicityError, match="请填写核查情况"):
        resolve(objection, UPHELD, reviewer, resolution=" ")
    with pytest.raises(PublicityError, match="请选择核查结论"):
        resolve(objection, "maybe", reviewer)
    assert state(listed[0]) == S.PUBLICITY


def test_an_objection_is_resolved_once(listed, reviewer):
    objection = record(listed[0], reviewer)
    resolve(objection, DISMISSED, reviewer)
    with pytest.raises(PublicityError, match="该异议已核查"):
        resolve(objection, UPHELD, reviewer)
    assert state(listed[0]) == S.APPROVED


def test_recording_and_resolving_are_audited_without_personal_data(listed, reviewer):
    objection = record(listed[0], reviewer, raised_by="王大明")
    resolve(objection, UPHELD, reviewer)
    [recorded] = AuditEvent.objects.filter(action=AuditAction.OBJECTION_RECORD)
    assert recorded.object_id == str(objection.pk)
    assert recorded.after == {
        "application": listed[0].number,
        "publicity": objection.publicity_id,
        "received_on": "2025-09-17",
    }
    [resolved] = AuditEvent.objects.filter(action=AuditAction.OBJECTION_RESOLVE)
    assert resolved.after["outcome"] == UPHELD
    assert resolved.after["application_state"] == {
        "before": S.PUBLICITY,
        "after": S.REFUSED,
    }
    text = str(recorded.after) + str(resolved.after) + resolved.object_repr
    assert "王大明" not in text and "张小三" not in text


@pytest.mark.parametrize("role", ["clerk", "city_clerk", "reporter", "sysadmin"])
def test_only_the_reviewer_records_and_resolves(
    listed, reviewer, incentive_users, role
):
    with pytest.raises(PermissionDenied):
        record(listed[0], incentive_users[role])
    objection = record(listed[0], reviewer)
    with pytest.raises(PermissionDenied):
        resolve(objection, UPHELD, incentive_users[role])
    objection.refresh_from_db()
    assert objection.outcome == ""
    assert state(listed[0]) == S.PUBLICITY
