"""The audited reveal of one personal field: who may (the area's clerk and
the reviewer), who may not (another area's clerk, a city clerk for an
area's application, a reporter), the reason required, and the trail that
keeps the reason but never the value."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from incentives.services.personal import personal_reveal
from tests.incentives.apps_support import enter
from tests.incentives.conftest import ID_ZHANG
from tests.incentives.test_crypto import key_checks_afresh  # noqa: F401

PHONE = "13800001234"
CARD = "6217001234567890123"
PLAINTEXTS = (ID_ZHANG, PHONE, CARD)


@pytest.fixture
def application(incentive_defaults, incentive_users):
    """A 就业奖励 of 贵溪市 entered by its clerk."""
    return enter(incentive_users)


def reveal_url(application, field="id_number"):
    return reverse("incentives:personal-reveal", args=[application.pk, field])


def reveals():
    return list(AuditEvent.objects.filter(action=AuditAction.PERSONAL_REVEAL))


# -- The service -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [("id_number", ID_ZHANG), ("phone", PHONE), ("card_number", CARD)],
)
def test_a_reveal_returns_the_value_and_is_audited_with_the_reason_not_the_value(
    application, incentive_users, field, value
):
    reviewer = incentive_users["reviewer"]

    shown = personal_reveal(
        application=application, field=field, reason=" 核对 银行回盘 ", actor=reviewer
    )

    assert shown == value
    [event] = reveals()
    assert event.actor_id == reviewer.pk
    assert event.object_type == "incentives.application"
    assert event.object_id == str(application.pk)
    assert event.after == {"field": field, "reason": "核对 银行回盘"}
    assert event.before is None
    row = str(event.as_row())
    for plaintext in PLAINTEXTS:
        assert plaintext not in row


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   ", "\n"])
def test_a_blank_reason_is_refused_and_nothing_recorded(
    application, incentive_users, reason
):
    with pytest.raises(ValueError, match="请填写查看理由。"):
        personal_reveal(
            application=application,
            field="id_number",
            reason=reason,
            actor=incentive_users["reviewer"],
        )
    assert reveals() == []


@pytest.mark.django_db
@pytest.mark.parametrize("user", ["clerk_other", "city_clerk", "reporter", "sysadmin"])
def test_who_does_not_review_the_application_may_not_reveal(
    application, incentive_users, user
):
    with pytest.raises(PermissionDenied):
        personal_reveal(
            application=application,
            field="id_number",
            reason="核对",
            actor=incentive_users[user],
        )
    assert reveals() == []


@pytest.mark.django_db
def test_the_city_clerk_may_reveal_an_application_of_the_city_level(
    incentive_defaults, incentive_users
):
    application = enter(incentive_users, actor="city_clerk", area_name=None)

    shown = personal_reveal(
        application=application,
        field="phone",
        reason="电话核实",
        actor=incentive_users["city_clerk"],
    )

    assert shown == PHONE


@pytest.mark.django_db
def test_an_unknown_field_is_refused(application, incentive_users):
    with pytest.raises(ValueError, match="没有可查看的个人信息项“name”"):
        personal_reveal(
            application=application,
            field="name",
            reason="核对",
            actor=incentive_users["reviewer"],
        )


# -- The page ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("clerk", 200),
        ("reviewer", 200),
        ("clerk_other", 404),
        ("city_clerk", 403),
        ("reporter", 403),
        ("sysadmin", 403),
    ],
)
def test_reveal_answers_each_role(client, application, incentive_users, user, status):
    client.force_login(incentive_users[user])

    response = client.post(
        reveal_url(application), {"reason": "核对身份"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == status
    body = response.content.decode()
    if status == 200:
        assert ID_ZHANG in body
        assert "本次查看已记录(查看理由:核对身份)" in body
        assert len(reveals()) == 1
    else:
        assert ID_ZHANG not in body
        assert reveals() == []


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(client, application):
    response = client.post(reveal_url(application), {"reason": "核对"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert reveals() == []


@pytest.mark.django_db
def test_reveal_is_post_only(client, application, incentive_users):
    client.force_login(incentive_users["reviewer"])

    assert client.get(reveal_url(application)).status_code == 405


@pytest.mark.django_db
def test_an_unknown_field_or_application_is_not_found(
    client, application, incentive_users
):
    client.force_login(incentive_users["reviewer"])

    unknown = client.post(reveal_url(application, "name"), {"reason": "x"})
    assert unknown.status_code == 404
    missing = reverse("incentives:personal-reveal", args=[application.pk + 1, "phone"])
    assert client.post(missing, {"reason": "x"}).status_code == 404


@pytest.mark.django_db
def test_the_htmx_answer_is_the_partial_with_the_value_and_never_cached(
    client, application, incentive_users
):
    client.force_login(incentive_users["clerk"])

    response = client.post(
        reveal_url(application, "card_number"),
        {"reason": "核对银行回盘"},
        headers={"HX-Request": "true"},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert not body.lstrip().startswith("<!doctype")
    assert f'id="personal-card_number-{application.pk}"' in body
    assert f'<span class="personal-value personal-revealed">{CARD}</span>' in body
    assert "no-store" in response["Cache-Control"]
    assert reveals()[0].after == {"field": "card_number", "reason": "核对银行回盘"}


@pytest.mark.django_db
def test_without_htmx_the_partial_comes_in_a_small_page(
    client, application, incentive_users
):
    client.force_login(incentive_users["reviewer"])

    response = client.post(reveal_url(application, "phone"), {"reason": "电话回访"})

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith("<!doctype")
    assert "<h1>查看个人信息</h1>" in body
    assert application.number in body
    assert PHONE in body


@pytest.mark.django_db
def test_a_blank_reason_gets_the_form_again_with_the_message(
    client, application, incentive_users
):
    client.force_login(incentive_users["reviewer"])

    response = client.post(
        reveal_url(application), {"reason": "  "}, headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "请填写查看理由。" in body
    assert ID_ZHANG not in body
    assert "3606**********1233" in body
    assert 'name="reason"' in body
    assert reveals() == []


@pytest.mark.django_db
def test_the_field_include_shows_the_mask_and_the_form_to_who_may_reveal(
    rf, application, incentive_users
):
    from django.template.loader import render_to_string

    def field_for(user):
        request = rf.get("/")
        request.user = user
        return render_to_string(
            "incentives/personal/field.html",
            {
                "application": application,
                "field": "id_number",
                "label": "身份证号",
                "masked": application.id_number_masked,
                "user": user,
            },
            request=request,
        )

    shown = field_for(incentive_users["reviewer"])
    assert "身份证号" in shown
    assert "3606**********1233" in shown
    assert ID_ZHANG not in shown
    assert f'hx-post="{reveal_url(application)}"' in shown
    assert 'hx-target="closest .personal-field"' in shown

    hidden = field_for(incentive_users["city_clerk"])
    assert "3606**********1233" in hidden
    assert "hx-post" not in hidden
