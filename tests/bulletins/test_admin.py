"""The system administrator sets a bulletin kind's light rule in the admin;
the change is audited and the next bulletin of that kind is judged by it."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from bulletins.models import BulletinKind


@pytest.fixture
def quarterly(db):
    return BulletinKind.objects.get(name="季度通报")


def change_url(kind) -> str:
    return reverse("admin:bulletins_bulletinkind_change", args=[kind.pk])


def test_the_system_administrator_changes_the_light_rule_and_it_is_audited(
    client, users, quarterly
):
    client.force_login(users["sysadmin"])
    page = client.get(change_url(quarterly))
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(yellow_below=10, stale_months=3)
    response = client.post(change_url(quarterly), data)
    assert response.status_code == 302, getattr(response, "context", None)
    quarterly.refresh_from_db()
    assert (quarterly.yellow_below, quarterly.stale_months) == (10, 3)
    event = AuditEvent.objects.get(action="admin.change")
    assert event.object_id == str(quarterly.pk)


def test_a_kind_cannot_be_deleted_in_the_admin(client, users, quarterly):
    client.force_login(users["sysadmin"])
    url = reverse("admin:bulletins_bulletinkind_delete", args=[quarterly.pk])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("role", ["reviewer", "reporter", "other_department"])
def test_other_roles_do_not_reach_the_kinds(client, users, quarterly, role):
    client.force_login(users[role])
    response = client.get(change_url(quarterly))
    assert response.status_code in (302, 403)
