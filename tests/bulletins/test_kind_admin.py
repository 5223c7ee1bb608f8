"""The bulletin types in the admin: the system administrator changes a
type's light rule, the change is audited, and a bulletin drafted after it
is judged by the new rule."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from bulletins import services
from bulletins.models import BulletinKind
from bulletins.selectors.figures import LightRule
from tasks.models import Department, Policy
from tests.bulletins.fake_figures import install_stub, make_figures

pytestmark = pytest.mark.django_db


def change_url(kind):
    return reverse("admin:bulletins_bulletinkind_change", args=[kind.pk])


def form_data(kind, **changes):
    fields = [
        "name",
        "months",
        "yellow_below",
        "stale_months",
        "number_prefix",
        "issuer",
        "recipients",
        "copy_to",
        "printed_by",
    ]
    return {**{name: getattr(kind, name) for name in fields}, **changes}


def test_the_sysadmin_sets_a_kinds_light_rule_and_it_is_audited(
    client, users, departments, monkeypatch
):
    kind = BulletinKind.objects.get(name="季度通报")
    client.force_login(users["sysadmin"])
    assert (
        client.get(reverse("admin:bulletins_bulletinkind_changelist")).status_code
        == 200
    )
    response = client.post(change_url(kind), form_data(kind, yellow_below=10))
    assert response.status_code == 302
    kind.refresh_from_db()
    assert kind.yellow_below == 10
    event = AuditEvent.objects.get(action="admin.change")
    assert (event.before["yellow_below"], event.after["yellow_below"]) == (20, 10)

    # A bulletin of that type drafted now is judged by the new rule.
    stub = install_stub(monkeypatch)
    stub.figures = make_figures([Department.objects.get(name="市人社局")])
    today = datetime.date(2025, 10, 10)
    services.bulletin_create(
        policy=Policy.objects.create(number="鹰办发〔2022〕22号", title="意见"),
        kind=kind,
        first=(2025, 7),
        last=(2025, 9),
        today=today,
        actor=users["reviewer"],
    )
    assert stub.calls[-1]["rule"] == LightRule(yellow_below=10, stale_months=2)


def test_a_rule_out_of_range_is_refused_in_chinese(client, users):
    kind = BulletinKind.objects.get(name="季度通报")
    client.force_login(users["sysadmin"])
    response = client.post(
        change_url(kind), form_data(kind, yellow_below=120, stale_months=0)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "黄灯幅度“120”不能超过 100 个百分点" in html
    assert "无审核通过报告的月数至少为 1" in html
    kind.refresh_from_db()
    assert (kind.yellow_below, kind.stale_months) == (20, 2)


def test_other_roles_cannot_change_the_kinds(client, users):
    kind = BulletinKind.objects.get(name="季度通报")
    for role in ("reviewer", "reporter", "leader"):
        client.force_login(users[role])
        response = client.post(change_url(kind), form_data(kind, yellow_below=5))
        assert response.status_code in (302, 403), role
    kind.refresh_from_db()
    assert kind.yellow_below == 20
