"""Editing a scheme on its pages while it is not frozen: an indicator's
name, weight, its kind's parameters as plain fields and the lead share;
the scheme's title and grade rules; the refusals in Chinese on the page;
nothing changes once the assessment has started."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessment import services
from assessment.models import IndicatorKind, Scheme
from audit.models import AuditEvent

from .conftest import indicator

pytestmark = pytest.mark.django_db


def edit_url(item):
    return reverse("assessment:indicator-edit", args=[item.pk])


def scheme_url(scheme):
    return reverse("assessment:scheme-edit", args=[scheme.pk])


@pytest.fixture
def reviewer(client, users):
    client.force_login(users["reviewer"])
    return users["reviewer"]


def test_discipline_indicator_shows_its_parameters_as_fields(client, scheme, reviewer):
    response = client.get(edit_url(indicator(scheme, IndicatorKind.DISCIPLINE)))
    form = response.context["form"]
    assert [name for name in form.fields if name.startswith("param_")] == [
        "param_late",
        "param_missing",
        "param_returned",
    ]
    assert form["param_late"].value() == 1
    # Only task progress has a lead share.
    assert "lead_share" not in form.fields
    assert "逾期报送每份计作扣减份数" in response.content.decode()


def test_indicator_edit_saves_through_the_service_and_is_audited(
    client, scheme, reviewer
):
    discipline = indicator(scheme, IndicatorKind.DISCIPLINE)
    response = client.post(
        edit_url(discipline),
        {
            "name": "报送纪律(调整)",
            "position": "1",
            "weight": "25.5",
            "param_late": "1.5",
            "param_missing": "3",
            "param_returned": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == scheme.get_absolute_url()
    discipline.refresh_from_db()
    assert discipline.name == "报送纪律(调整)"
    assert discipline.weight == Decimal("25.50")
    # A blank parameter is dropped: the computation's default applies.
    assert discipline.params == {"late": 1.5, "missing": 3}
    event = AuditEvent.objects.get(action="indicator.update")
    assert event.after["params"] == {"late": 1.5, "missing": 3}


def test_progress_indicator_edits_its_lead_share(client, scheme, reviewer):
    progress = indicator(scheme, IndicatorKind.PROGRESS)
    client.post(
        edit_url(progress),
        {"name": "任务进度", "position": "2", "weight": "70", "lead_share": "60"},
    )
    progress.refresh_from_db()
    assert progress.lead_share == 60


def test_special_indicator_keeps_its_unit_and_task(client, scheme, reviewer):
    special = services.indicator_add(
        scheme=scheme,
        name="市内就业率",
        kind=IndicatorKind.SPECIAL,
        weight=Decimal(0),
        params={"task": 7, "target": 50, "unit": "%"},
        actor=reviewer,
    )
    response = client.post(
        edit_url(special),
        {
            "name": "市内就业率",
            "position": "5",
            "weight": "0",
            "param_target": "55",
            "param_unit": "%",
            "param_task": "7",
        },
    )
    assert response.status_code == 302
    special.refresh_from_db()
    assert special.params == {"task": 7, "target": 55, "unit": "%"}


def test_a_bad_value_is_shown_in_chinese_and_nothing_changes(client, scheme, reviewer):
    urges = indicator(scheme, IndicatorKind.URGES)
    response = client.post(
        edit_url(urges),
        {"name": "", "position": "3", "weight": "-1", "param_each": "半分"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"name", "weight", "param_each"}
    page = response.content.decode()
    assert "这个字段是必填项" in page
    assert "确保该值大于或等于0" in page
    urges.refresh_from_db()
    assert (urges.name, urges.weight, urges.params) == (
        "催办扣分",
        Decimal("5.00"),
        {"each": 0.5},
    )


def test_scheme_title_and_grade_rules_are_edited(client, scheme, reviewer):
    response = client.post(
        scheme_url(scheme),
        {
            "title": "2025年度考核方案(修订)",
            "excellent_min": "92",
            "good_min": "80",
            "fair_min": "60",
            "excellent_quota": "20",
        },
    )
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert (scheme.title, scheme.excellent_min, scheme.fair_min) == (
        "2025年度考核方案(修订)",
        Decimal("92.00"),
        Decimal("60.00"),
    )
    assert scheme.excellent_quota == 20
    assert AuditEvent.objects.filter(action="scheme.update").count() == 1


def test_grade_minimums_out_of_order_are_refused_in_chinese(client, scheme, reviewer):
    response = client.post(
        scheme_url(scheme),
        {
            "title": "2025年度考核方案",
            "excellent_min": "80",
            "good_min": "85",
            "fair_min": "70",
            "excellent_quota": "30",
        },
    )
    assert response.status_code == 200
    assert "优秀 ≥ 良好 ≥ 一般" in response.content.decode()
    assert Scheme.objects.get(pk=scheme.pk).excellent_min == Decimal("90.00")


def test_a_frozen_scheme_cannot_be_edited(client, started, reviewer):
    scheme = started.scheme
    progress = indicator(scheme, IndicatorKind.PROGRESS)
    page = client.get(edit_url(progress)).content.decode()
    assert "考核方案已冻结" in page
    assert '<form method="post">' not in page
    response = client.post(
        edit_url(progress),
        {"name": "改名", "position": "2", "weight": "10", "lead_share": "50"},
    )
    assert response.status_code == 200
    progress.refresh_from_db()
    assert (progress.name, progress.weight) == ("任务进度", Decimal("70.00"))
    client.post(
        scheme_url(scheme),
        {
            "title": "改名",
            "excellent_min": "90",
            "good_min": "85",
            "fair_min": "70",
            "excellent_quota": "30",
        },
    )
    assert Scheme.objects.get(pk=scheme.pk).title == "2025年度考核方案"
    assert not AuditEvent.objects.filter(
        action__in=["scheme.update", "indicator.update"]
    ).exists()


def test_department_users_cannot_edit_the_scheme(client, scheme, users):
    client.force_login(users["reporter"])
    assert client.get(scheme_url(scheme)).status_code == 403
    progress = indicator(scheme, IndicatorKind.PROGRESS)
    response = client.post(
        edit_url(progress),
        {"name": "改名", "position": "2", "weight": "10", "lead_share": "50"},
    )
    assert response.status_code == 403
