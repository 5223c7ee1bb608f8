"""A session ends on the server after 30 minutes without a request and 12
hours after its sign-in; signing out ends it at once."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import SIGNED_IN_AT
from tests.accounts.conftest import sign_in

PAGE = "/dispatch/mine/"


def session_row(client) -> Session:
    return Session.objects.get(pk=client.cookies["sessionid"].value)


def sent_to_sign_in(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_limits_are_thirty_minutes_idle_and_twelve_hours_in_all(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 3600


@pytest.mark.django_db
def test_each_request_moves_the_idle_expiry_on(client, users):
    sign_in(client, "reporter")
    row = session_row(client)
    Session.objects.filter(pk=row.pk).update(
        expire_date=timezone.now() + datetime.timedelta(minutes=5)
    )
    assert client.get(PAGE).status_code == 200
    remaining = session_row(client).expire_date - timezone.now()
    assert datetime.timedelta(minutes=29) < remaining <= datetime.timedelta(minutes=30)


@pytest.mark.django_db
def test_after_thirty_idle_minutes_the_session_is_over(client, users):
    sign_in(client, "reporter")
    assert client.get(PAGE).status_code == 200
    # 31 minutes without a request: the server's expiry has passed.
    Session.objects.filter(pk=session_row(client).pk).update(
        expire_date=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert sent_to_sign_in(client.get(PAGE))


@pytest.mark.django_db
def test_a_session_busy_for_twelve_hours_is_ended(client, users):
    sign_in(client, "reporter")
    assert client.get(PAGE).status_code == 200
    old_key = client.cookies["sessionid"].value
    session = client.session
    session[SIGNED_IN_AT] -= 12 * 3600 - 60
    session.save()
    assert client.get(PAGE).status_code == 200

    session = client.session
    session[SIGNED_IN_AT] -= 120
    session.save()
    response = client.get(PAGE)
    assert sent_to_sign_in(response)
    assert not Session.objects.filter(pk=old_key).exists()
    page = client.get(response.url)
    assert "登录已超过规定时长,请重新登录。" in page.content.decode()


@pytest.mark.django_db
def test_a_new_sign_in_starts_a_new_twelve_hours(client, users):
    sign_in(client, "reporter")
    client.get(PAGE)
    session = client.session
    session[SIGNED_IN_AT] -= 13 * 3600
    session.save()
    assert sent_to_sign_in(client.get(PAGE))

    sign_in(client, "reporter")
    assert client.get(PAGE).status_code == 200


@pytest.mark.django_db
def test_sign_out_ends_the_session_on_the_server(client, users):
    sign_in(client, "reporter")
    assert client.get(PAGE).status_code == 200
    old_key = client.cookies["sessionid"].value

    client.post(reverse("logout"))
    assert not Session.objects.filter(pk=old_key).exists()

    # The old cookie, replayed, opens nothing.
    client.cookies["sessionid"] = old_key
    assert sent_to_sign_in(client.get(PAGE))


@pytest.mark.django_db
def test_sign_out_needs_a_post(client, users):
    """A link or an image on another page cannot sign anyone out."""
    sign_in(client, "reporter")
    assert client.get(reverse("logout")).status_code == 405
    assert client.get(PAGE).status_code == 200
