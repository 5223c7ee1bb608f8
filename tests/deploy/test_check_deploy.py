"""Production settings: ``check --deploy`` finds nothing to warn about when
they are set, production refuses to start without a strong SECRET_KEY or
with DEBUG on, and its responses carry every protection.

Settings are read once per process, so each case runs manage.py in a
subprocess with its own environment.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management.utils import get_random_secret_key

ROOT = Path(__file__).resolve().parents[2]
# Variables of the calling environment that would change what is checked
# (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright).
CLEARED = (
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DEBUG",
    "SECRET_KEY",
    "SECRET_KEY_FALLBACKS",
    "AUDIT_CHAIN_KEY",
    "PERSONAL_DATA_KEY",
    "PERSONAL_DATA_KEY_FALLBACKS",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DJANGO_ENV",
    "DJANGO_SETTINGS_MODULE",
    "REDIS_URL",
    "QUEUE_URL",
)


def environment(tmp_path: Path, **values: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in CLEARED and not name.startswith(("SECURE_", "SESSION_"))
    }
    # A database of the test's own: the probe below migrates it.
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'deploy.sqlite3'}"
    env.update(values)
    return env


def production(tmp_path: Path, **values: str) -> dict[str, str]:
    settings = {
        "DJANGO_ENV": "production",
        "SECRET_KEY": get_random_secret_key(),
        "AUDIT_CHAIN_KEY": get_random_secret_key(),
        "PERSONAL_DATA_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "portal.example",
        # Named, not reached: no page these tests ask for uses the cache.
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "QUEUE_URL": "redis://127.0.0.1:6379/1",
    }
    return environment(tmp_path, **{**settings, **values})


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_no_issue_under_production_settings(tmp_path):
    """As after the README's installation steps: migrated, the policy and
    the roles loaded, no demo account."""
    env = production(tmp_path)
    for step in (["migrate", "--noinput"], ["setup_portal"]):
        assert manage(env, *step).returncode == 0, step

    result = manage(env, "check", "--deploy")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_development_needs_no_secret_key_and_warns_under_check_deploy(tmp_path):
    """bin/start and the tests run without one; check --deploy then lists
    what production would turn on."""
    result = manage(environment(tmp_path), "check", "--deploy")

    assert result.returncode == 0, result.stderr
    for check in ("W004", "W008", "W012", "W016"):
        assert f"security.{check}" in result.stderr


@pytest.mark.parametrize(
    "secret_key",
    ["", "short-key", "a" * 60, "django-insecure-" + get_random_secret_key()],
)
def test_production_refuses_to_start_without_a_strong_secret_key(tmp_path, secret_key):
    result = manage(production(tmp_path, SECRET_KEY=secret_key), "check")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "必须在环境变量 SECRET_KEY 中设置至少 50 个字符的随机密钥" in result.stderr


def test_production_refuses_to_start_with_debug_on(tmp_path):
    result = manage(production(tmp_path, DEBUG="1"), "check")

    assert result.returncode != 0
    assert "不得开启 DEBUG" in result.stderr


def test_production_refuses_to_start_without_redis(tmp_path):
    """Several gunicorn processes share the cache, or a reading approved in
    one leaves the public page stale in the others."""
    result = manage(production(tmp_path, REDIS_URL=""), "check")

    assert result.returncode != 0
    assert "必须在环境变量 REDIS_URL 中设置 Redis 地址" in result.stderr


def test_production_refuses_to_start_without_a_job_queue(tmp_path):
    """Without a queue a bulletin's PDF would be rendered inside the
    request that asked for it."""
    result = manage(production(tmp_path, QUEUE_URL=""), "check")

    assert result.returncode != 0
    assert "必须在环境变量 QUEUE_URL 中设置后台任务队列" in result.stderr


def test_the_job_queue_may_not_share_the_cache_database(tmp_path):
    url = "redis://127.0.0.1:6379/0"
    result = manage(production(tmp_path, REDIS_URL=url, QUEUE_URL=url), "check")

    assert result.returncode != 0
    assert "QUEUE_URL 与 REDIS_URL 指向同一个 Redis 库" in result.stderr


def cache_settings(env: dict[str, str]) -> str:
    probe = "from django.conf import settings; print(settings.CACHES['default'])"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "yingtan.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_without_redis_each_process_caches_in_its_own_memory(tmp_path):
    assert "LocMemCache" in cache_settings(environment(tmp_path))


def test_redis_url_makes_every_process_share_the_redis_cache(tmp_path):
    env = environment(tmp_path, REDIS_URL="redis://127.0.0.1:6379/3")
    shown = cache_settings(env)

    assert "django.core.cache.backends.redis.RedisCache" in shown
    assert "redis://127.0.0.1:6379/3" in shown


def test_an_unknown_environment_name_is_refused(tmp_path):
    result = manage(environment(tmp_path, DJANGO_ENV="prod"), "check")

    assert result.returncode != 0
    assert "DJANGO_ENV 只能是 development、test 或 production" in result.stderr


# A request as nginx passes it on, answered by the production settings.
PROBE = """
import json
import django
django.setup()
from django.test import Client
client = Client()
plain = client.get("/login/", HTTP_HOST="portal.example")
secure = client.get(
    "/login/", HTTP_HOST="portal.example", HTTP_X_FORWARDED_PROTO="https"
)
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location", "")],
    "secure": [secure.status_code, dict(secure.headers)],
    "cookies": {
        name: {"secure": bool(cookie["secure"]), "httponly": bool(cookie["httponly"])}
        for name, cookie in secure.cookies.items()
    },
}))
"""


def test_production_redirects_to_https_and_sends_every_protection(tmp_path):
    env = production(
        tmp_path,
        DJANGO_SETTINGS_MODULE="yingtan.settings",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    # Pages link to the hashed names collectstatic writes (README, 安装).
    for step in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        assert manage(env, *step).returncode == 0, step
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])

    # Plain HTTP is sent to HTTPS; what nginx marks as HTTPS is served.
    assert answer["plain"] == [301, "https://portal.example/login/"]
    status, headers = answer["secure"]
    assert status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Content-Security-Policy"].startswith("default-src 'self';")
    assert answer["cookies"]["csrftoken"]["secure"]
