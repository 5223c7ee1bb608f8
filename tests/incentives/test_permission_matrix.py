"""Every incentives URL requested as anonymous, as each incentive role, as a
clerk of another 区(市), as a department reporter without an incentive role
and as the system administrator, with the expected answer for each.

The objects are the demo's (``incentives.demo``) on a fixed day, its
clerks being the fixture's users: a 贵溪市 draft, the 公示 in progress with
its waiting objection, and 贵溪市's settled batch. The portal-wide matrix
(tests/test_permission_matrix.py) checks that every URL is in one of the
two. A GET of a POST-only action answers 405 to everyone.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

ROLES = [
    "anonymous",
    "clerk",
    "clerk_other",
    "city_clerk",
    "reviewer",
    "reporter",
    "sysadmin",
]
L = "login"
NOT = (405,) * len(ROLES)
# The answers of a page every incentive user reads (the clerks their own
# area's part of it).
READ = (L, 200, 200, 200, 200, 403, 403)
# A 贵溪市 object: 余江区's clerk does not see it.
GUIXI = (L, 200, 404, 200, 200, 403, 403)

MATRIX = {
    "incentives:application-list": READ,
    "incentives:application-create": (L, 200, 200, 200, 403, 403, 403),
    "incentives:application-detail": GUIXI,
    "incentives:application-edit": (L, 200, 404, 403, 403, 403, 403),
    "incentives:application-move": NOT,
    "incentives:application-assess": NOT,
    "incentives:fact-check-add": NOT,
    "incentives:personal-reveal": NOT,
    "incentives:publicity-list": READ,
    "incentives:publicity-create": (L, 403, 403, 403, 200, 403, 403),
    "incentives:publicity-detail": READ,
    "incentives:publicity-close": NOT,
    "incentives:publicity-docx": READ,
    "incentives:objection-add": NOT,
    "incentives:objection-resolve": NOT,
    "incentives:batch-list": READ,
    "incentives:batch-create": NOT,
    "incentives:batch-detail": GUIXI,
    "incentives:batch-export": GUIXI,
    "incentives:batch-settle": GUIXI,
    "incentives:ledger": READ,
    "incentives:application-import": (L, 200, 200, 200, 403, 403, 403),
    "incentives:application-import-template": (L, 200, 200, 200, 403, 403, 403),
    "incentives:fact-import": READ,
    "incentives:fact-import-template": READ,
    "incentives:figures": READ,
    "incentives:figures-export": READ,
    "public-incentives:list": (200,) * len(ROLES),
    "public-incentives:detail": (200,) * len(ROLES),
}

# POSTs that change something: who may (a redirect back, or the answer
# itself) and who is refused; other-area objects answer 404. One role posts
# them all, in this order, on one demo: the moves that change a state
# (the reviewer's objection resolved, the clerk's submit) come after the
# actions that read that state.
POSTS = {
    "incentives:personal-reveal": (L, 200, 404, 403, 200, 403, 403),
    "incentives:fact-check-add": (L, 302, 404, 403, 302, 403, 403),
    "incentives:application-assess": (L, 403, 404, 403, 302, 403, 403),
    "incentives:objection-add": (L, 403, 403, 403, 302, 403, 403),
    "incentives:objection-resolve": (L, 403, 403, 403, 302, 403, 403),
    "incentives:batch-export": (L, 403, 404, 403, 200, 403, 403),
    "incentives:batch-create": (L, 403, 403, 403, 302, 403, 403),
    "incentives:publicity-close": (L, 403, 403, 403, 302, 403, 403),
    "incentives:application-move": (L, 302, 404, 403, 403, 403, 403),
}

DAY = datetime.date(2025, 6, 16)


@pytest.fixture
def frozen():
    moment = datetime.datetime.combine(
        DAY, datetime.time(10), ZoneInfo("Asia/Shanghai")
    )
    with time_machine.travel(moment, tick=False):
        yield


@pytest.fixture
def objects(frozen, incentive_users, settings, tmp_path):
    from incentives.demo import demo_load
    from incentives.models import (
        Application,
        ApplicationState,
        Objection,
        PaymentBatch,
        Publicity,
    )

    settings.MEDIA_ROOT = tmp_path
    users = incentive_users
    demo_load(
        today=DAY,
        actor_map={
            "reviewer": users["reviewer"],
            "clerk_guixi": users["clerk"],
            "clerk_yujiang": users["clerk_other"],
            "clerk_city": users["city_clerk"],
        },
    )
    draft = Application.objects.filter(
        area__name="贵溪市人民政府", state=ApplicationState.DRAFT
    ).first()
    in_publicity = Application.objects.filter(state=ApplicationState.PUBLICITY).first()
    publicity = Publicity.objects.get(state=Publicity.State.OPEN)
    objection = Objection.objects.filter(outcome="").first()
    batch = PaymentBatch.objects.filter(finance__name="贵溪市财政").first()
    assert None not in (draft, in_publicity, objection, batch)
    return {
        "incentives:application-detail": [draft.pk],
        "incentives:application-edit": [draft.pk],
        "incentives:application-move": [draft.pk, "submit"],
        "incentives:application-assess": [draft.pk],
        "incentives:fact-check-add": [draft.pk],
        "incentives:personal-reveal": [draft.pk, "id_number"],
        "incentives:publicity-detail": [publicity.pk],
        "incentives:publicity-close": [publicity.pk],
        "incentives:publicity-docx": [publicity.pk],
        "incentives:objection-add": [in_publicity.pk],
        "incentives:objection-resolve": [objection.pk],
        "incentives:batch-detail": [batch.pk],
        "incentives:batch-export": [batch.pk],
        "incentives:batch-settle": [batch.pk],
        "public-incentives:detail": [publicity.pk],
        "users": users,
        "draft": draft,
    }


def login_as(client, users, role):
    client.logout()
    if role != "anonymous":
        client.force_login(users[role])


def answer(response):
    if response.status_code == 302 and response["Location"].startswith(
        reverse("login")
    ):
        return L
    return response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_answer_on_every_incentives_url(
    client, objects, role
):
    wrong = {}
    for name, expected in MATRIX.items():
        login_as(client, objects["users"], role)
        url = reverse(name, args=objects.get(name, []))
        got = answer(client.get(url))
        if got != expected[ROLES.index(role)]:
            wrong[url] = (got, expected[ROLES.index(role)])
    assert wrong == {}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_answer_on_every_incentives_action(
    client, objects, role
):
    data = {
        "reason": "核对身份",
        "version": objects["draft"].version,
        "fact": "certificate",
        "result": "confirmed",
        "source": "全国职业资格证书查询系统",
        "checked_on": DAY.isoformat(),
        "assessed_amount": "1000",
        "special_funds": "0",
        "received_on": DAY.isoformat(),
        "content": "反映其合同期限不足一年。",
        "outcome": "dismissed",
        "resolution": "经核查,合同期限符合规定。",
        "finance": objects["draft"].finance_id,
        "month": DAY.strftime("%Y-%m"),
    }
    wrong = {}
    for name, expected in POSTS.items():
        login_as(client, objects["users"], role)
        url = reverse(name, args=objects.get(name, []))
        got = answer(client.post(url, data))
        if got != expected[ROLES.index(role)]:
            wrong[url] = (got, expected[ROLES.index(role)])
    assert wrong == {}
