"""Who sees which bulletin: the reviewer every one and every version; a
department the issued ones sent to it, at their issued version; the other
roles none; the public only published ones."""

import pytest
from django.utils import timezone

from bulletins import permissions, services
from bulletins.models import BulletinKind
from tasks.models import Department, Policy
from tests.bulletins.fake_figures import install_stub, make_figures


@pytest.fixture
def made(monkeypatch, users, departments):
    stub = install_stub(monkeypatch)
    stub.figures = make_figures(
        [Department.objects.get(name=n) for n in ("市人社局", "贵溪市人民政府")]
    )
    policy = Policy.objects.create(number="鹰办发〔2022〕22号")
    today, reviewer = timezone.localdate(), users["reviewer"]

    def create():
        return services.bulletin_create(
            policy=policy,
            kind=BulletinKind.objects.get(name="月度调度通报"),
            first=(today.year, today.month),
            last=(today.year, today.month),
            today=today,
            actor=reviewer,
        )

    issued, draft = create(), create()
    services.bulletin_update(
        bulletin=issued, data={"number": "鹰技能办〔2025〕3号"}, actor=reviewer
    )
    services.bulletin_issue(bulletin=issued, now=timezone.now(), actor=reviewer)
    services.bulletin_regenerate(bulletin=issued, today=today, actor=reviewer)
    return {"issued": issued, "draft": draft}


def test_the_reviewer_sees_every_bulletin_and_version(users, made):
    reviewer = users["reviewer"]
    assert set(permissions.bulletins_for_user(reviewer)) == set(made.values())
    assert permissions.versions_for_user(reviewer).count() == 3


def test_a_department_sees_the_issued_version_sent_to_it_only(users, made):
    for role in ("reporter", "leader"):
        user = users[role]
        assert list(permissions.bulletins_for_user(user)) == [made["issued"]]
        versions = permissions.versions_for_user(user)
        assert [v.number for v in versions] == [1]


@pytest.mark.parametrize("role", ["other_department", "sysadmin"])
def test_a_department_not_sent_it_and_other_roles_see_nothing(users, made, role):
    assert not permissions.bulletins_for_user(users[role]).exists()
    assert not permissions.versions_for_user(users[role]).exists()
    assert not permissions.can_manage(users[role])


def test_only_published_issued_bulletins_are_public(users, made):
    assert not permissions.public_bulletins().exists()
    services.bulletin_publish(
        bulletin=made["issued"],
        published=True,
        now=timezone.now(),
        actor=users["reviewer"],
    )
    assert list(permissions.public_bulletins()) == [made["issued"]]


def test_a_published_bulletin_of_an_unpublished_policy_is_not_public(users, made):
    services.bulletin_publish(
        bulletin=made["issued"],
        published=True,
        now=timezone.now(),
        actor=users["reviewer"],
    )
    Policy.objects.filter(pk=made["issued"].policy_id).update(published=False)
    assert not permissions.public_bulletins().exists()
    # The department it was sent to still sees it.
    assert list(permissions.bulletins_for_user(users["reporter"])) == [made["issued"]]


def test_the_menu_offers_bulletins_to_reviewers_and_departments(client, users):
    from django.urls import reverse

    url = reverse("bulletins:bulletin-list")
    for role, shown in (("reviewer", True), ("reporter", True), ("sysadmin", False)):
        client.force_login(users[role])
        items = client.get(reverse("tasks:task-list")).context["nav_items"]
        assert (("通报", url) in items) is shown, role
