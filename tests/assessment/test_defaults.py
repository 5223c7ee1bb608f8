"""The skills action's default scheme (assessment.defaults)."""

from decimal import Decimal

import pytest

from assessment.defaults import SCORED_KINDS, default_scheme_create
from assessment.models import IndicatorKind, Scheme
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_default_scheme_weights_the_scored_indicators_to_100():
    scheme = default_scheme_create(2025)
    scored = scheme.indicators.filter(kind__in=SCORED_KINDS)
    assert sum(i.weight for i in scored) == Decimal(100)
    assert {i.kind: i.weight for i in scored if i.weight} == {
        IndicatorKind.DISCIPLINE: 30,
        IndicatorKind.PROGRESS: 30,
        IndicatorKind.TARGETS: 25,
        IndicatorKind.RECTIFICATION: 15,
    }


def test_default_scheme_caps_bonus_and_deducts_per_urge_and_red_light():
    scheme = default_scheme_create(2025)
    by_kind = {i.kind: i for i in scheme.indicators.all()}
    assert by_kind[IndicatorKind.BONUS].params == {"cap": 5}
    assert by_kind[IndicatorKind.BONUS].weight == 5
    assert by_kind[IndicatorKind.URGES].params == {"each": 0.5}
    assert by_kind[IndicatorKind.RED_LIGHTS].params == {"each": 1}
    assert by_kind[IndicatorKind.DISCIPLINE].params == {
        "late": 1,
        "missing": 2,
        "returned": 0.5,
    }
    assert by_kind[IndicatorKind.PENALTY].weight > 0
    assert {i.lead_share for i in scheme.indicators.all()} == {70}


def test_default_scheme_holds_task_7s_employment_rate_as_a_special_item():
    scheme = default_scheme_create(2025)
    special = scheme.indicators.get(kind=IndicatorKind.SPECIAL)
    assert special.name == "公办职业院校毕业生市内就业率"
    assert special.params["task"] == 7
    assert special.params["target"] == 50


def test_default_scheme_is_open_for_editing_titled_and_audited(users):
    actor = users["reviewer"]
    scheme = default_scheme_create(2025, actor=actor)
    assert scheme.title == "2025年度技能鹰潭行动考核方案"
    assert scheme.is_frozen is False
    assert scheme.created_by == actor
    assert [i.position for i in scheme.indicators.all()] == list(range(1, 10))
    event = AuditEvent.objects.get(action="scheme.create")
    assert event.actor_id == actor.pk
    assert len(event.after["indicators"]) == 9


def test_default_scheme_is_refused_for_a_year_that_has_one():
    default_scheme_create(2025)
    with pytest.raises(ValueError, match="2025年度已有考核方案"):
        default_scheme_create(2025)
    assert Scheme.objects.count() == 1
