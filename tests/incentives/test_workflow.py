"""The application's graph: each move allowed or refused by state and
role, the reasons, the 复审's conditions, the shares on approval, the
version check and the audit of every move."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from audit.models import AuditEvent
from incentives.models import Application, ApplicationTransition, AwardRule, Share
from incentives.models import ApplicationState as S
from incentives.services.applications import (
    MANUAL_AMOUNT,
    VERSION_CONFLICT,
    ApplicationError,
    application_assess,
    application_move,
    application_update,
    fact_check_record,
)
from incentives.workflow import CLERK, MOVES, REVIEWER, SYSTEM
from tests.incentives.apps_support import enter, verify, walk
from tests.incentives.conftest import ID_ZHANG

pytestmark = pytest.mark.django_db

TO_PAYMENT = ("submit", "first_pass", "second_pass", "publicise", "approve", "pay")


@pytest.fixture
def users(incentive_defaults, incentive_users):
    return incentive_users


@pytest.fixture
def verified(users):
    application = enter(users)
    verify(application, users)
    return application


def move(application, action, actor, reason="理由", **kwargs):
    return application_move(
        application=application, action=action, actor=actor, reason=reason, **kwargs
    )


def set_state(application, state):
    Application.objects.filter(pk=application.pk).update(state=state)
    application.refresh_from_db()
    return application


def test_employment_application_goes_from_entry_to_payment(users, verified):
    assert verified.number == "JL2025-000001"
    assert (verified.state, verified.amount, verified.version) == (S.DRAFT, 2000, 1)
    application = walk(verified, users, *TO_PAYMENT)
    application.refresh_from_db()
    assert application.state == S.PAID
    assert application.version == 7
    [share] = Share.objects.filter(application=application)
    assert (share.finance.name, share.amount) == ("贵溪市财政", 2000)
    transitions = ApplicationTransition.objects.filter(application=application)
    assert [(t.action, t.from_state, t.to_state) for t in transitions] == [
        ("submit", S.DRAFT, S.FIRST_REVIEW),
        ("first_pass", S.FIRST_REVIEW, S.SECOND_REVIEW),
        ("second_pass", S.SECOND_REVIEW, S.READY),
        ("publicise", S.READY, S.PUBLICITY),
        ("approve", S.PUBLICITY, S.APPROVED),
        ("pay", S.APPROVED, S.PAID),
    ]
    assert transitions[0].actor == users["clerk"]
    assert transitions[2].actor == users["reviewer"]


# The graph by state -----------------------------------------------------------


def test_each_move_is_allowed_only_from_its_sources(users, verified):
    """Every action from every state, by who takes it: allowed exactly
    from the table's sources, refused from every other state."""
    actor_for = {
        CLERK: users["clerk"],
        REVIEWER: users["reviewer"],
        SYSTEM: users["reviewer"],
    }
    outcomes = {}
    for action, spec in MOVES.items():
        for state in S.values:
            with transaction.atomic():
                application = set_state(verified, state)
                try:
                    moved = move(application, action, actor_for[spec.who])
                    outcomes[(action, state)] = moved.state
                except ApplicationError as error:
                    outcomes[(action, state)] = str(error)
                transaction.set_rollback(True)
    for (action, state), outcome in outcomes.items():
        spec = MOVES[action]
        if state in spec.sources:
            assert outcome == spec.target, (action, state, outcome)
        else:
            label = S(state).label
            assert outcome == f"申请当前为“{label}”,不能执行“{spec.label}”。"


def test_unknown_action_is_refused(users, verified):
    with pytest.raises(ApplicationError, match="^未知的操作$"):
        move(verified, "delete", users["clerk"])


# The graph by role ------------------------------------------------------------


@pytest.mark.parametrize("who", ["reviewer", "clerk_other", "city_clerk", "reporter"])
def test_first_review_is_the_area_clerk_s_alone(users, verified, who):
    with pytest.raises(ApplicationError, match="您没有对该申请执行“提交初审”的权限"):
        move(verified, "submit", users[who])
    application = move(verified, "submit", users["clerk"])
    for action in ("first_pass", "first_return", "first_refuse"):
        with pytest.raises(ApplicationError, match="权限"):
            move(application, action, users[who])
    verified.refresh_from_db()
    assert verified.state == S.FIRST_REVIEW


def test_city_clerk_does_the_first_review_of_city_applications(users):
    application = enter(users, actor="city_clerk", area_name=None)
    assert application.area is None
    assert application.finance.name == "市本级财政"
    with pytest.raises(ApplicationError, match="权限"):
        move(application, "submit", users["clerk"])
    application = move(application, "submit", users["city_clerk"])
    application = move(application, "first_pass", users["city_clerk"])
    assert application.state == S.SECOND_REVIEW


@pytest.mark.parametrize("who", ["clerk", "city_clerk", "clerk_other", "reporter"])
@pytest.mark.parametrize("action", ["second_pass", "second_return", "second_refuse"])
def test_second_review_is_the_reviewer_s_alone(users, verified, who, action):
    application = walk(verified, users, "submit", "first_pass")
    with pytest.raises(ApplicationError, match="权限"):
        move(application, action, users[who])
    application.refresh_from_db()
    assert application.state == S.SECOND_REVIEW


def test_system_moves_accept_the_calling_service_s_actor(users, verified):
    """publicise, approve and pay are taken by the 公示 and payment
    services, which checked their callers: any actor, even none."""
    application = walk(verified, users, "submit", "first_pass", "second_pass")
    application = move(application, "publicise", users["clerk"])
    application = move(application, "approve", None)
    application = move(application, "pay", users["reporter"])
    assert application.state == S.PAID
    assert ApplicationTransition.objects.get(action="approve").actor is None


# Reasons ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "steps"),
    [
        ("first_return", ["submit"]),
        ("first_refuse", ["submit"]),
        ("second_return", ["submit", "first_pass"]),
        ("second_refuse", ["submit", "first_pass"]),
    ],
)
@pytest.mark.parametrize("blank", ["", "   "])
def test_return_and_refusal_need_a_reason(users, verified, action, steps, blank):
    application = walk(verified, users, *steps)
    actor = users["reviewer"] if MOVES[action].who == REVIEWER else users["clerk"]
    with pytest.raises(ApplicationError) as caught:
        move(application, action, actor, reason=blank)
    assert caught.value.errors == {"reason": [f"“{MOVES[action].label}”须填写理由。"]}
    moved = move(application, action, actor, reason="  证书编号与系统不符  ")
    assert moved.state == MOVES[action].target
    transition = ApplicationTransition.objects.get(action=action)
    assert transition.reason == "证书编号与系统不符"


def test_returned_application_can_be_corrected_and_submitted_again(users, verified):
    application = walk(verified, users, "submit", "first_pass", "second_return")
    assert application.state == S.RETURNED
    application = application_update(
        application=application,
        data={"occupation": "维修电工"},
        actor=users["clerk"],
        version=application.version,
    )
    application = move(application, "submit", users["clerk"])
    assert (application.state, application.occupation) == (S.FIRST_REVIEW, "维修电工")


# The 复审's conditions and amount --------------------------------------------


def test_second_pass_refused_until_the_certificate_is_verified(users):
    application = walk(enter(users), users, "submit", "first_pass")
    with pytest.raises(ApplicationError) as caught:
        move(application, "second_pass", users["reviewer"])
    assert str(caught.value) == (
        "复审通过前须满足全部条件:证书核验(待核验:"
        "证书尚未在全国职业资格证书查询系统核验。)"
    )
    application.refresh_from_db()
    assert application.state == S.SECOND_REVIEW
    verify(application, users, actor="reviewer")
    assert move(application, "second_pass", users["reviewer"]).state == S.READY


def test_second_pass_refused_when_a_condition_fails(users):
    application = enter(users, contract_end=datetime.date(2024, 12, 31))
    verify(application, users)
    application = walk(application, users, "submit", "first_pass")
    with pytest.raises(ApplicationError, match=r"劳动合同1年以上\(未满足:劳动合同"):
        move(application, "second_pass", users["reviewer"])


def test_second_pass_of_a_special_technician_waits_for_the_office_amount(users):
    application = enter(users, level="special")
    assert (application.amount, application.needs_manual_review) == (None, True)
    verify(application, users)
    application = walk(application, users, "submit", "first_pass")
    with pytest.raises(ApplicationError) as caught:
        move(application, "second_pass", users["reviewer"])
    assert str(caught.value) == MANUAL_AMOUNT
    rule = application.rule
    rule.amount = Decimal(5000)
    rule.save()
    application = move(application, "second_pass", users["reviewer"])
    application.refresh_from_db()
    assert (application.state, application.amount) == (S.READY, Decimal(5000))


def test_office_set_award_is_assessed_then_split_two_to_eight(users):
    application = enter(
        users,
        actor="city_clerk",
        kind="joint_schooling",
        level="",
        name="江西某铜业有限公司",
        id_number="",
        phone="",
    )
    application = walk(application, users, "submit", "first_pass")
    with pytest.raises(ApplicationError, match="请先核定金额"):
        move(application, "second_pass", users["reviewer"])
    with pytest.raises(PermissionDenied):
        application_assess(
            application=application,
            assessed_amount=Decimal(100000),
            special_funds=Decimal(0),
            actor=users["clerk"],
        )
    with pytest.raises(ApplicationError) as caught:
        application_assess(
            application=application,
            assessed_amount=Decimal(100000),
            special_funds=Decimal(120000),
            actor=users["reviewer"],
        )
    assert caught.value.errors == {
        "special_funds": ["省、市专项资金负担120000元超过核定金额100000元。"]
    }
    application = application_assess(
        application=application,
        assessed_amount=Decimal(100000),
        special_funds=Decimal(20000),
        actor=users["reviewer"],
    )
    assert application.amount == Decimal(80000)
    application = walk(application, users, "second_pass", "publicise", "approve")
    shares = Share.objects.filter(application=application).order_by(
        "finance__sort_order"
    )
    assert [(s.finance.name, s.amount) for s in shares] == [
        ("市本级财政", Decimal(16000)),
        ("贵溪市财政", Decimal(64000)),
    ]


def test_assessment_only_during_second_review_and_for_office_kinds(users, verified):
    with pytest.raises(ApplicationError) as caught:
        application_assess(
            application=verified,
            assessed_amount=Decimal(1),
            special_funds=Decimal(0),
            actor=users["reviewer"],
        )
    assert set(caught.value.errors) == {""}
    assert "只能在复审时核定金额" in str(caught.value)
    assert "按规定核定金额的奖励" in str(caught.value)


# Approval -------------------------------------------------------------------------


def test_approve_creates_the_shares(users, verified):
    application = walk(verified, users, *TO_PAYMENT[:4])
    assert not Share.objects.exists()
    walk(application, users, "approve")
    assert list(Share.objects.values_list("finance__name", "amount")) == [
        ("贵溪市财政", Decimal(2000))
    ]


def test_approve_refused_with_an_open_objection(users, verified):
    from incentives.models import Objection, Publicity

    application = walk(verified, users, *TO_PAYMENT[:4])
    publicity = Publicity.objects.create(
        title="公示",
        starts_on=datetime.date(2025, 2, 3),
        ends_on=datetime.date(2025, 2, 7),
        created_by=users["reviewer"],
    )
    objection = Objection.objects.create(
        application=application,
        publicity=publicity,
        received_on=datetime.date(2025, 2, 4),
        content="非本人",
        recorded_by=users["reviewer"],
    )
    with pytest.raises(ApplicationError, match="尚未核查的公示异议"):
        move(application, "approve", users["reviewer"])
    assert not Share.objects.exists()
    objection.outcome = Objection.Outcome.DISMISSED
    objection.save()
    assert move(application, "approve", users["reviewer"]).state == S.APPROVED


# Versions ---------------------------------------------------------------------------


def test_move_with_an_old_version_is_refused(users, verified):
    seen = verified.version
    application = move(verified, "submit", users["clerk"], version=seen)
    assert application.version == seen + 1
    stale = Application.objects.get(pk=verified.pk)
    with pytest.raises(ApplicationError, match=f"^{VERSION_CONFLICT}$"):
        move(stale, "first_pass", users["clerk"], version=seen)
    stale.refresh_from_db()
    assert stale.state == S.FIRST_REVIEW
    assert move(stale, "first_pass", users["clerk"], version=seen + 1).state == (
        S.SECOND_REVIEW
    )


def test_update_with_an_old_version_is_refused(users, verified):
    with pytest.raises(ApplicationError, match=VERSION_CONFLICT):
        application_update(
            application=verified,
            data={"occupation": "焊工"},
            actor=users["clerk"],
            version=verified.version - 1,
        )


def test_update_outside_draft_or_returned_is_refused(users, verified):
    application = move(verified, "submit", users["clerk"])
    with pytest.raises(ApplicationError, match="申请当前为“待初审”,不能修改。"):
        application_update(
            application=application,
            data={"occupation": "焊工"},
            actor=users["clerk"],
            version=application.version,
        )


def test_update_by_another_area_is_forbidden(users, verified):
    with pytest.raises(PermissionDenied):
        application_update(
            application=verified,
            data={"occupation": "焊工"},
            actor=users["clerk_other"],
            version=verified.version,
        )


def test_update_keeps_personal_data_left_blank_and_recomputes_the_amount(
    users, verified
):
    before = Application.objects.get(pk=verified.pk)
    application = application_update(
        application=verified,
        data={"level": "3", "id_number": "", "phone": "", "card_number": ""},
        actor=users["clerk"],
        version=verified.version,
    )
    assert application.amount == Decimal(1000)
    assert application.version == before.version + 1
    assert application.id_number_encrypted == before.id_number_encrypted
    assert application.phone_masked == "138****1234"
    changed = application_update(
        application=application,
        data={"phone": "13912345678"},
        actor=users["clerk"],
        version=application.version,
    )
    assert changed.phone_masked == "139****5678"
    assert changed.id_number_hash == before.id_number_hash


# Facts ------------------------------------------------------------------------------


def test_fact_check_by_someone_out_of_scope_is_forbidden(users, verified):
    for who in ("clerk_other", "reporter", "sysadmin"):
        with pytest.raises(PermissionDenied):
            verify(verified, users, actor=who)


def test_fact_check_needs_a_source_and_a_known_result(users, verified):
    with pytest.raises(ApplicationError) as caught:
        fact_check_record(
            application=verified,
            fact="certificate",
            result="maybe",
            source=" ",
            checked_on=datetime.date(2025, 1, 8),
            actor=users["clerk"],
        )
    assert caught.value.errors == {
        "result": ["请选择核验结果。"],
        "source": ["请填写数据来源。"],
    }


def test_fact_check_keeps_months_only_for_insurance(users, verified):
    check = verify(
        verified,
        users,
        insurance_months=4,
        insurance_first_month=datetime.date(2024, 6, 15),
    )
    assert (check.insurance_months, check.insurance_first_month) == (None, None)
    check = verify(
        verified,
        users,
        fact="insurance",
        source="社保系统",
        insurance_months=4,
        insurance_first_month=datetime.date(2024, 6, 15),
    )
    assert (check.insurance_months, check.insurance_first_month) == (
        4,
        datetime.date(2024, 6, 1),
    )


# The audit trail ------------------------------------------------------------------


def test_every_move_is_audited_with_the_states_only(users, verified):
    application = walk(verified, users, *TO_PAYMENT)
    events = AuditEvent.objects.filter(
        action="application.move", object_id=str(application.pk)
    ).order_by("pk")
    assert [(e.before, e.after) for e in events] == [
        ({"state": "draft"}, {"state": "first_review"}),
        ({"state": "first_review"}, {"state": "second_review"}),
        ({"state": "second_review"}, {"state": "ready"}),
        ({"state": "ready"}, {"state": "publicity"}),
        ({"state": "publicity"}, {"state": "approved"}),
        ({"state": "approved"}, {"state": "paid"}),
    ]
    assert [e.actor_username for e in events][:2] == ["clerk", "clerk"]


def test_refused_move_is_not_audited(users, verified):
    with pytest.raises(ApplicationError):
        move(verified, "first_pass", users["clerk"])
    assert not AuditEvent.objects.filter(action="application.move").exists()
    assert not ApplicationTransition.objects.exists()


def test_entry_update_and_facts_are_audited_without_plaintext(users, verified):
    application_update(
        application=verified,
        data={"phone": "13912345678"},
        actor=users["clerk"],
        version=verified.version,
    )
    events = AuditEvent.objects.filter(
        action__in=[
            "application.create",
            "application.update",
            "application.fact_check",
        ]
    )
    assert sorted(e.action for e in events) == [
        "application.create",
        "application.fact_check",
        "application.update",
    ]
    created = events.get(action="application.create").after
    assert created["name"] == "张*"
    assert created["id_number_masked"] == "3606**********1233"
    assert created["amount"] == "2000.00"
    dumped = json.dumps([(e.before, e.after) for e in events], ensure_ascii=False)
    for plaintext in (
        ID_ZHANG,
        "13800001234",
        "13912345678",
        "6217001234567890123",
        "张三",
    ):
        assert plaintext not in dumped


def test_second_return_from_ready_and_refusal_during_publicity(users, verified):
    application = walk(verified, users, "submit", "first_pass", "second_pass")
    application = move(application, "second_return", users["reviewer"])
    assert application.state == S.RETURNED
    application = walk(application, users, "submit", "first_pass", "second_pass")
    application = walk(application, users, "publicise")
    application = move(application, "second_refuse", users["reviewer"])
    assert application.state == S.REFUSED


def test_rule_change_after_approval_leaves_the_amount(users, verified):
    application = walk(verified, users, *TO_PAYMENT[:5])
    AwardRule.objects.filter(pk=application.rule_id).update(amount=Decimal(9999))
    application = walk(application, users, "pay")
    application.refresh_from_db()
    assert application.amount == Decimal(2000)
    assert Share.objects.get(application=application).amount == Decimal(2000)
