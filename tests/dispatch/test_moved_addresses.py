"""The monthly loop's pages moved from /tasks/… to /dispatch/…; what people
bookmarked, and forms left open during the upgrade, still arrive."""

import pytest
from django.urls import reverse

from dispatch import urls as dispatch_urls
from dispatch.models import ReportState
from targets.permissions import COUNTED_REPORT_STATE

OLD_AND_NEW = [
    ("/tasks/mine/", "/dispatch/mine/"),
    ("/tasks/dashboard/", "/dispatch/dashboard/"),
    ("/tasks/review/", "/dispatch/review/"),
    ("/tasks/signoff/", "/dispatch/signoff/"),
    ("/tasks/periods/", "/dispatch/periods/"),
    ("/tasks/reports/12/", "/dispatch/reports/12/"),
    ("/tasks/reports/12/edit/", "/dispatch/reports/12/edit/"),
    ("/tasks/reports/12/approve/", "/dispatch/reports/12/approve/"),
    ("/tasks/evidence/3/download/", "/dispatch/evidence/3/download/"),
    ("/tasks/periods/4/sheet.xlsx", "/dispatch/periods/4/sheet.xlsx"),
    ("/tasks/urge/5/", "/dispatch/urge/5/"),
]


@pytest.mark.parametrize(("old", "new"), OLD_AND_NEW)
def test_an_old_address_redirects_permanently_to_the_new_one(client, old, new):
    response = client.get(old)

    assert response.status_code == 301
    assert response["Location"] == new


def test_the_query_string_goes_with_the_redirect(client):
    response = client.get("/tasks/dashboard/", {"period": "7"})

    assert response["Location"] == "/dispatch/dashboard/?period=7"


def test_a_post_to_an_old_address_is_redirected_keeping_its_method(client):
    response = client.post("/tasks/reports/12/submit/", {"reason": "x"})

    assert response.status_code == 308
    assert response["Location"] == "/dispatch/reports/12/submit/"


def test_every_page_of_the_monthly_loop_has_its_old_address():
    for pattern in dispatch_urls.urlpatterns:
        name = pattern.name
        new = reverse(f"dispatch:{name}", kwargs=_sample(pattern))
        old = reverse(f"legacy:{name}", kwargs=_sample(pattern))
        assert new.startswith("/dispatch/")
        assert old == "/tasks/" + new.removeprefix("/dispatch/")


def _sample(pattern) -> dict:
    kwargs = {}
    for group in pattern.pattern.regex.groupindex:
        kwargs[group] = "submit" if group == "action" else "1"
    if pattern.name == "period-action":
        kwargs["action"] = "close"
    return kwargs


def test_the_plan_pages_stay_where_they_were(client):
    assert reverse("tasks:task-list") == "/tasks/"
    assert reverse("tasks:department-list") == "/tasks/departments/"


def test_admin_pages_of_the_moved_models_redirect(client):
    response = client.get("/admin/tasks/progressreport/5/change/", {"a": "1"})

    assert response.status_code == 301
    assert response["Location"] == "/admin/dispatch/progressreport/5/change/?a=1"
    # The plan's own admin pages are not touched.
    assert client.get("/admin/tasks/task/").status_code == 302  # to sign in


def test_targets_count_readings_of_reports_in_the_approved_state():
    """targets may not import the monthly loop, so they name the state by
    its value; this keeps the two in step."""
    assert COUNTED_REPORT_STATE == ReportState.APPROVED
