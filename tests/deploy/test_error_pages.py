"""Error pages: 400, 403, 404 and 500 in Chinese and in the portal's layout,
under the Content-Security-Policy, with DEBUG off as bin/start runs the
demo; and the demo's static files, hashed and served by WhiteNoise."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.template import loader
from django.test import Client
from django.urls import reverse

from tests.deploy.test_check_deploy import environment, manage
from tests.deploy.test_content_security_policy import POLICY, inline_code
from yingtan.middleware import HEADER

ROOT = Path(__file__).resolve().parents[2]
LAYOUT = ('class="topbar"', "技能鹰潭行动工作平台", 'class="footer"')
# What Django's debug pages and default error pages write.
DJANGO_DEFAULTS = ("Using the URLconf", "Traceback", "Not Found", "Server Error")


def assert_portal_page(response, status: int, *texts: str) -> str:
    assert response.status_code == status
    assert response[HEADER] == POLICY
    html = response.content.decode()
    for text in (*LAYOUT, *texts):
        assert text in html
    for text in DJANGO_DEFAULTS:
        assert text not in html
    found = inline_code(html)
    assert (found.scripts, found.handlers, found.styles) == ([], [], [])
    return html


@pytest.mark.django_db
def test_a_missing_url_gets_the_chinese_404_page_without_the_url_list(
    client, users, settings
):
    settings.DEBUG = False
    client.force_login(users["reporter"])

    response = client.get("/no-such-page/")

    html = assert_portal_page(response, 404, "页面不存在", "返回首页")
    assert "tasks/" not in html.split('class="page"')[1]


@pytest.mark.django_db
def test_another_departments_report_is_a_404_that_does_not_say_why(
    client, users, settings
):
    """get_object_or_404's English message ("No ProgressReport matches")
    stays off the page."""
    settings.DEBUG = False
    client.force_login(users["reporter"])

    response = client.get(reverse("dispatch:report-detail", args=[999999]))

    html = assert_portal_page(response, 404, "页面不存在")
    assert "matches the given query" not in html


@pytest.mark.django_db
def test_a_refused_page_gets_the_chinese_403_page_with_the_reason(
    client, users, settings
):
    settings.DEBUG = False
    client.force_login(users["reviewer"])

    response = client.get(reverse("dispatch:my-tasks"))

    assert_portal_page(response, 403, "无权访问", "本页面只对部门填报员和负责人开放。")


@pytest.mark.django_db
def test_a_403_without_a_reason_says_the_account_lacks_the_permission(
    client, users, settings
):
    settings.DEBUG = False
    client.force_login(users["reporter"])

    response = client.get(reverse("audit:event-list"))

    assert_portal_page(response, 403, "无权访问")


@pytest.mark.django_db
def test_a_server_error_gets_the_chinese_500_page(client, users, settings, monkeypatch):
    settings.DEBUG = False
    client.force_login(users["reporter"])
    client.raise_request_exception = False

    def broken():
        raise RuntimeError("database gone")

    monkeypatch.setattr("dispatch.views.reports.selectors.current_period", broken)
    response = client.get(reverse("dispatch:my-tasks"))

    html = assert_portal_page(response, 500, "服务器出错")
    assert "database gone" not in html


def test_the_500_page_renders_with_no_context_and_no_request():
    """As Django's server_error renders it: the failure may be in the
    database or a context processor, so the page needs neither."""
    html = loader.get_template("500.html").render()

    assert "服务器出错" in html
    for text in LAYOUT:
        assert text in html


@pytest.mark.django_db
def test_a_disallowed_host_gets_the_chinese_400_page_without_the_host(client, settings):
    settings.DEBUG = False

    response = client.get(reverse("login"), HTTP_HOST="evil.example")

    html = assert_portal_page(response, 400, "请求有误")
    assert "evil.example" not in html


@pytest.mark.django_db
def test_a_form_posted_without_its_csrf_token_gets_the_chinese_403_page(
    users, settings
):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))  # sets the CSRF cookie

    response = client.post(
        reverse("login"), {"username": "reporter", "password": "Pass#word123"}
    )

    assert_portal_page(response, 403, "表单已失效", "页面已过期")


@pytest.mark.django_db
def test_a_form_posted_without_the_csrf_cookie_says_to_allow_cookies(users, settings):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        reverse("login"), {"username": "reporter", "password": "Pass#word123"}
    )

    assert_portal_page(response, 403, "表单已失效", "Cookie")


def test_bin_start_runs_the_demo_with_debug_off_and_collects_static_files():
    script = (ROOT / "bin" / "start").read_text()

    assert "DEBUG=" not in script
    collect = script.index("manage.py collectstatic --noinput")
    assert collect < script.index("manage.py runserver")


# The demo's settings (bin/start sets no DEBUG) after collectstatic: pages
# link to hashed file names, which WhiteNoise serves for browsers to keep.
STATIC_PROBE = """
import json
import re
import django
django.setup()
from django.test import Client
client = Client()
page = client.get("/no-such-page/", HTTP_HOST="127.0.0.1")
html = page.content.decode()
css = re.search(r'href="(/static/css/portal\\.[0-9a-f]{12}\\.css)"', html).group(1)
sheet = client.get(css, HTTP_HOST="localhost", HTTP_ACCEPT_ENCODING="gzip")
print(json.dumps({
    "page": [page.status_code, "页面不存在" in html, "URLconf" in html],
    "css": css,
    "sheet": [sheet.status_code, dict(sheet.headers)],
}))
"""


def test_the_demo_serves_hashed_static_files_with_debug_off(tmp_path):
    env = environment(tmp_path, STATIC_ROOT=str(tmp_path / "static"))
    collected = manage(env, "collectstatic", "--noinput")
    assert collected.returncode == 0, collected.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()

    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", STATIC_PROBE],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "yingtan.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])

    assert answer["page"] == [404, True, False]
    status, headers = answer["sheet"]
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]
