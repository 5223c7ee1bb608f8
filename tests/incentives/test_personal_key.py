"""A missing or wrong personal-data key stops the portal with a clear
message instead of showing garbage: production refuses to start without a
valid key, ``manage.py check`` and ``migrate`` refuse a key that cannot read
the stored canary, and the incentives' pages answer 503 in Chinese.

Settings are read once per process, so the start-up cases run manage.py
in a subprocess with its own environment, as tests/deploy does."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.urls import reverse

from incentives import crypto
from incentives.checks import personal_data_key_check
from incentives.models import KeyCanary
from tests.deploy.test_check_deploy import environment, manage, production
from tests.incentives.apps_support import enter
from tests.incentives.conftest import ID_ZHANG
from tests.incentives.test_crypto import key_checks_afresh  # noqa: F401

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
REFUSAL = "个人信息密钥配置错误,已停止显示个人信息,请联系系统管理员"


# -- Production without a key ----------------------------------------------------


@pytest.mark.parametrize("key", ["", "short", "x" * 44, KEY_A[:-2]])
def test_production_refuses_to_start_without_a_valid_personal_data_key(tmp_path, key):
    result = manage(production(tmp_path, PERSONAL_DATA_KEY=key), "check")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "必须在环境变量 PERSONAL_DATA_KEY 中设置个人信息加密密钥" in result.stderr
    # It says how to make one.
    assert "base64.urlsafe_b64encode(os.urandom(32))" in result.stderr


def test_production_refuses_a_malformed_fallback_key(tmp_path):
    env = production(tmp_path, PERSONAL_DATA_KEY_FALLBACKS=f"{KEY_B},short")

    result = manage(env, "check")

    assert result.returncode != 0
    assert "PERSONAL_DATA_KEY_FALLBACKS 中有格式不正确的备用密钥" in result.stderr


def test_production_starts_with_a_valid_key_and_fallbacks(tmp_path):
    env = production(tmp_path, PERSONAL_DATA_KEY_FALLBACKS=f"{KEY_A},{KEY_B}")

    result = manage(env, "check")

    assert result.returncode == 0, result.stderr


# -- A wrong key at start-up -----------------------------------------------------


def test_check_and_migrate_stop_on_a_key_that_cannot_read_the_stored_data(tmp_path):
    right = environment(tmp_path, PERSONAL_DATA_KEY=KEY_A)
    wrong = environment(tmp_path, PERSONAL_DATA_KEY=KEY_B)
    assert manage(right, "migrate", "--noinput").returncode == 0
    stored = manage(
        right,
        "shell",
        "-c",
        "from incentives.crypto import key_verify; key_verify(create=True)",
    )
    assert stored.returncode == 0, stored.stderr

    for command in (["check"], ["migrate", "--noinput"]):
        result = manage(wrong, *command)
        assert result.returncode != 0, command
        assert "incentives.E001" in result.stderr
        assert "个人信息密钥与已加密的数据不符" in result.stderr

    result = manage(right, "check")
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_the_system_check_reports_a_wrong_key_as_an_error(settings):
    settings.PERSONAL_DATA_KEY = KEY_A
    assert personal_data_key_check() == []  # nothing stored yet
    crypto.key_verify(create=True)
    assert personal_data_key_check() == []

    settings.PERSONAL_DATA_KEY = KEY_B
    [error] = personal_data_key_check()

    assert error.id == "incentives.E001"
    assert error.is_serious()
    assert "个人信息密钥与已加密的数据不符" in error.msg


@pytest.mark.django_db
def test_the_system_check_reports_a_malformed_key(settings):
    settings.PERSONAL_DATA_KEY = "not-a-key"

    [error] = personal_data_key_check()

    assert error.id == "incentives.E001"
    assert "PERSONAL_DATA_KEY 不是有效的个人信息密钥" in error.msg


@pytest.mark.django_db
def test_the_system_check_warns_while_data_are_under_an_old_key(settings):
    settings.PERSONAL_DATA_KEY = KEY_A
    crypto.key_verify(create=True)
    settings.PERSONAL_DATA_KEY = KEY_B
    settings.PERSONAL_DATA_KEY_FALLBACKS = [KEY_A]

    [warning] = personal_data_key_check()

    assert warning.id == "incentives.W001"
    assert not warning.is_serious()
    assert "personal_data_rotate" in warning.hint


# -- A wrong key at run time -----------------------------------------------------


@pytest.fixture
def application(settings, incentive_defaults, incentive_users):
    settings.PERSONAL_DATA_KEY = KEY_A
    return enter(incentive_users)


def reveal(client, application):
    return client.post(
        reverse("incentives:personal-reveal", args=[application.pk, "id_number"]),
        {"reason": "核对"},
        headers={"HX-Request": "true"},
    )


@pytest.mark.django_db
def test_an_incentives_page_answers_503_when_the_key_does_not_read_the_canary(
    client, settings, application, incentive_users
):
    assert KeyCanary.objects.count() == 1
    client.force_login(incentive_users["reviewer"])
    settings.PERSONAL_DATA_KEY = KEY_B

    response = reveal(client, application)

    body = response.content.decode()
    assert response.status_code == 503
    assert REFUSAL in body
    assert ID_ZHANG not in body
    assert application.id_number_encrypted not in body
    assert "Traceback" not in body


@pytest.mark.django_db
def test_a_token_that_does_not_decrypt_answers_503_not_a_traceback(
    client, settings, application, incentive_users
):
    """Where the canary is gone (or the token came from elsewhere), the
    decrypt itself stops the page."""
    KeyCanary.objects.all().delete()
    client.force_login(incentive_users["reviewer"])
    settings.PERSONAL_DATA_KEY = KEY_B

    response = reveal(client, application)

    body = response.content.decode()
    assert response.status_code == 503
    assert REFUSAL in body
    assert application.id_number_encrypted not in body


@pytest.mark.django_db
def test_the_right_key_reveals(client, settings, application, incentive_users):
    client.force_login(incentive_users["reviewer"])

    response = reveal(client, application)

    assert response.status_code == 200
    assert ID_ZHANG in response.content.decode()


@pytest.mark.django_db
def test_pages_outside_the_incentives_are_not_stopped(
    client, settings, application, incentive_users
):
    client.force_login(incentive_users["reviewer"])
    settings.PERSONAL_DATA_KEY = KEY_B

    assert client.get(reverse("tasks:task-list")).status_code == 200


# -- Rotation --------------------------------------------------------------------


@pytest.mark.django_db
def test_rotation_re_encrypts_under_the_new_key_so_the_old_one_can_go(
    settings, application, incentive_users
):
    old_token = application.id_number_encrypted
    settings.PERSONAL_DATA_KEY = KEY_B
    settings.PERSONAL_DATA_KEY_FALLBACKS = [KEY_A]
    assert crypto.key_needs_rotation()

    out = StringIO()
    call_command("personal_data_rotate", stdout=out)

    assert "已用新密钥重新加密 1 条奖励申请的个人信息" in out.getvalue()
    settings.PERSONAL_DATA_KEY_FALLBACKS = []
    application.refresh_from_db()
    assert application.id_number_encrypted != old_token
    assert crypto.decrypt(application.id_number_encrypted) == ID_ZHANG
    assert crypto.decrypt(application.phone_encrypted) == "13800001234"
    assert crypto.decrypt(application.card_encrypted) == "6217001234567890123"
    # The duplicate checks find the person under the new key's hash.
    assert application.id_number_hash == crypto.keyed_hash(ID_ZHANG)
    assert personal_data_key_check() == []
    assert not crypto.key_needs_rotation()


@pytest.mark.django_db
def test_rotation_refuses_data_no_key_reads(settings, application):
    settings.PERSONAL_DATA_KEY = KEY_B

    with pytest.raises(CommandError, match="个人信息密钥与已加密的数据不符"):
        call_command("personal_data_rotate", stdout=StringIO())
