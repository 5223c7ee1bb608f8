"""Sign-in, failed sign-in and sign-out are recorded with the address they
came from; a failed sign-in keeps the name tried, never the password."""

import json

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from tests.audit.conftest import only_event


def sign_in(client, username, password, **extra):
    return client.post(
        reverse("login"), {"username": username, "password": password}, **extra
    )


@pytest.mark.django_db
def test_sign_in_and_sign_out_are_recorded(client, users):
    reporter = users["reporter"]
    response = sign_in(client, "reporter", "Pass#word123", REMOTE_ADDR="10.0.0.5")
    assert response.status_code == 302

    login = only_event("auth.login")
    assert (login.actor_id, login.actor_username) == (reporter.pk, "reporter")
    assert login.actor_department == "贵溪市人民政府"
    assert login.ip == "10.0.0.5"
    assert (login.object_type, login.object_id) == ("accounts.user", str(reporter.pk))

    client.post(reverse("logout"), REMOTE_ADDR="10.0.0.5")
    logout = only_event("auth.logout")
    assert logout.actor_id == reporter.pk
    assert logout.ip == "10.0.0.5"


@pytest.mark.django_db
def test_failed_sign_in_keeps_the_name_tried_but_not_the_password(client, users):
    response = sign_in(client, "reporter", "Wrong#guess987", REMOTE_ADDR="10.0.0.6")
    assert response.status_code == 200

    failed = only_event("auth.login_failed")
    assert failed.actor_id is None
    assert failed.actor_username == ""
    assert failed.after == {"username": "reporter"}
    assert failed.ip == "10.0.0.6"
    assert not AuditEvent.objects.filter(action="auth.login").exists()
    stored = json.dumps([e.as_row() for e in AuditEvent.objects.all()])
    assert "Wrong#guess987" not in stored


@pytest.mark.django_db
def test_an_unknown_name_is_recorded_as_tried(client, users):
    sign_in(client, "nobody", "Wrong#guess987")
    assert only_event("auth.login_failed").after == {"username": "nobody"}


@pytest.mark.django_db
def test_forwarded_address_is_ignored_unless_the_proxy_is_trusted(
    client, users, settings
):
    sign_in(
        client,
        "reporter",
        "Wrong#guess987",
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.1",
    )
    settings.AUDIT_TRUST_X_FORWARDED_FOR = True
    sign_in(
        client,
        "reporter",
        "Pass#word123",
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.1",
    )
    assert only_event("auth.login_failed").ip == "10.0.0.1"
    assert only_event("auth.login").ip == "203.0.113.9"


@pytest.mark.django_db
def test_a_forged_address_is_not_stored(client, users, settings):
    settings.AUDIT_TRUST_X_FORWARDED_FOR = True
    sign_in(
        client,
        "reporter",
        "Wrong#guess987",
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="<script>",
    )
    assert only_event("auth.login_failed").ip == "10.0.0.1"
