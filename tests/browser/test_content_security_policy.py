"""Under the Content-Security-Policy the pages still work in a browser:
charts draw, htmx swaps, the admin's widgets run, and chromium reports no
violation on any of them."""

import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from tests.browser.conftest import login
from tests.conftest import POLICY_NUMBER

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PASSWORD = "Yingtan#2025demo"


@pytest.fixture
def demo(transactional_db, settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    call_command("setup_portal", "--demo", stdout=io.StringIO())
    User.objects.update(must_change_password=False, password_changed_at=timezone.now())


@pytest.fixture
def violations(page):
    """Chromium's console reports of blocked content, as they come."""
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: found.append(str(error)))
    return found


def test_reviewer_pages_run_their_scripts_without_a_violation(page, demo, violations):
    from targets.models import Target

    login(page, "reviewer", PASSWORD)
    page.goto(page.base_url + "/dispatch/dashboard/")
    expect(page.locator("canvas").first).to_be_visible()

    page.goto(page.base_url + "/tasks/")
    page.get_by_label("责任部门").select_option(label="余江区人民政府")
    # htmx swaps the table in and pushes the filter into the address.
    expect(page).to_have_url(re.compile("department="))
    expect(page.locator("#task-table")).to_contain_text("项工作要求")

    target = Target.objects.filter(policy__number=POLICY_NUMBER).first()
    page.goto(page.base_url + target.get_absolute_url())
    expect(page.locator(".tgt-chart canvas")).to_be_visible()
    assert violations == []


def test_admin_widgets_and_the_export_toggle_run_without_a_violation(
    page, demo, violations
):
    from tasks.models import Department, Responsibility

    login(page, "admin", PASSWORD)
    group = Department.objects.filter(members__isnull=False).first()
    page.goto(page.base_url + f"/admin/tasks/department/{group.pk}/change/")
    # SelectFilter2 builds the two-box chooser from the plain select.
    expect(page.locator(".selector-available").first).to_be_visible()

    responsibility = Responsibility.objects.first()
    page.goto(
        page.base_url + f"/admin/tasks/responsibility/{responsibility.pk}/change/"
    )
    expect(page.locator(".select2-container").first).to_be_visible()

    page.goto(page.base_url + "/admin/dispatch/reportingperiod/add/")
    expect(page.locator(".datetimeshortcuts").first).to_be_visible()

    # The one inline handler the admin's policy allows by its hash.
    page.goto(page.base_url + "/admin/tasks/task/export/")
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]')
    expect(fields.first).to_be_checked()
    page.locator("input.select-toggle").uncheck()
    for index in range(fields.count()):
        expect(fields.nth(index)).not_to_be_checked()
    assert violations == []
