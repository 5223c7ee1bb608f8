"""The 公示 pages by every role: the clerks read, the reviewer publishes,
closes and handles objections, everyone else is refused; the refusals of
the services come back as messages, never as a 500."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from lxml import html

from incentives.models import Application, ApplicationState, Objection, Publicity

from .publicity_data import FRIDAY, MONDAY, at, publicity_of, three_ready

pytestmark = pytest.mark.django_db
D = datetime.date
S = ApplicationState
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
READERS = ("clerk", "clerk_other", "city_clerk")
OUTSIDERS = ("reporter", "sysadmin")


@pytest.fixture(autouse=True)
def on_wednesday():
    with time_machine.travel(at(2025, 9, 17), tick=False):
        yield


@pytest.fixture
def users(incentive_defaults, incentive_users):
    return incentive_users


@pytest.fixture
def listed(users):
    applications = three_ready(users["clerk"])
    publicity = publicity_of(applications, users["reviewer"])
    return publicity, applications


def as_(client, users, role):
    if role != "anonymous":
        client.force_login(users[role])
    return client


def get_pages(publicity):
    return {
        "list": reverse("incentives:publicity-list"),
        "detail": reverse("incentives:publicity-detail", args=[publicity.pk]),
        "docx": reverse("incentives:publicity-docx", args=[publicity.pk]),
        "create": reverse("incentives:publicity-create"),
    }


EXPECTED = {
    # role: (list, detail, docx, create)
    "clerk": (200, 200, 200, 403),
    "clerk_other": (200, 200, 200, 403),
    "city_clerk": (200, 200, 200, 403),
    "reviewer": (200, 200, 200, 200),
    "reporter": (403, 403, 403, 403),
    "sysadmin": (403, 403, 403, 403),
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_page_by_each_role(client, users, listed, role):
    publicity, _ = listed
    pages = get_pages(publicity)
    answers = tuple(
        as_(client, users, role).get(pages[name]).status_code
        for name in ("list", "detail", "docx", "create")
    )
    assert answers == EXPECTED[role]


def test_anonymous_is_sent_to_the_login(client, listed):
    publicity, applications = listed
    for url in get_pages(publicity).values():
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    objection = Objection.objects.create(
        application=applications[0],
        publicity=publicity,
        received_on=MONDAY,
        content="x",
        recorded_by=publicity.created_by,
    )
    for url in (
        reverse("incentives:publicity-close", args=[publicity.pk]),
        reverse("incentives:objection-add", args=[applications[0].pk]),
        reverse("incentives:objection-resolve", args=[objection.pk]),
    ):
        response = client.post(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_an_unknown_publicity_is_a_404(client, users, listed):
    client.force_login(users["reviewer"])
    assert (
        client.get(reverse("incentives:publicity-detail", args=[9999])).status_code
        == 404
    )


def test_the_docx_is_a_word_file(client, users, listed):
    publicity, _ = listed
    client.force_login(users["clerk"])
    response = client.get(reverse("incentives:publicity-docx", args=[publicity.pk]))
    assert response["Content-Type"] == DOCX
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content)[:2] == b"PK"


def forms_on(response) -> list[str]:
    tree = html.fromstring(response.content.decode())
    return [f.get("action") for f in tree.xpath("//form[@method='post']")]


@pytest.mark.parametrize("role", READERS)
def test_clerks_read_the_detail_without_any_form(client, users, listed, role):
    publicity, applications = listed
    client.force_login(users[role])
    response = client.get(publicity.get_absolute_url())
    text = response.content.decode()
    assert [a for a in forms_on(response) if "/incentives/" in a] == []
    assert "张*三" in text and "李*" in text and "欧**明" in text
    assert "剩余3个工作日" in text
    listing = client.get(reverse("incentives:publicity-list")).content.decode()
    assert publicity.title in listing
    assert reverse("incentives:publicity-create") not in listing


def test_the_reviewer_sees_an_objection_form_per_application(client, users, listed):
    publicity, applications = listed
    client.force_login(users["reviewer"])
    actions = forms_on(client.get(publicity.get_absolute_url()))
    for application in applications:
        assert reverse("incentives:objection-add", args=[application.pk]) in actions
    # Not yet due.
    assert reverse("incentives:publicity-close", args=[publicity.pk]) not in actions


def test_the_close_button_shows_when_the_days_are_over(client, users, listed):
    publicity, _ = listed
    with time_machine.travel(at(2025, 9, 20), tick=False):
        client.force_login(users["reviewer"])
        response = client.get(publicity.get_absolute_url())
    assert reverse("incentives:publicity-close", args=[publicity.pk]) in forms_on(
        response
    )
    assert "公示期已满" in response.content.decode()


# -- publishing ----------------------------------------------------------------


def create(client, chosen, **overrides):
    data = {
        "applications": [a.pk for a in chosen],
        "title": "2025年第二批技能鹰潭行动奖励公示",
        "starts_on": "2025-09-22",
        "working_days": "5",
        "contact": "市人社局 0701-6200000",
        **overrides,
    }
    return client.post(reverse("incentives:publicity-create"), data)


def test_the_reviewer_publishes_from_the_ready_list(client, users):
    applications = three_ready(users["clerk"])
    client.force_login(users["reviewer"])
    page = client.get(reverse("incentives:publicity-create")).content.decode()
    for application in applications:
        assert f'value="{application.pk}"' in page
    assert "张小三" not in page and "张*三" in page

    response = create(client, applications[:2])
    publicity = Publicity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == publicity.get_absolute_url()
    assert publicity.ends_on == D(2025, 9, 26)
    assert [Application.objects.get(pk=a.pk).state for a in applications] == [
        S.PUBLICITY,
        S.PUBLICITY,
        S.READY,
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"working_days": "4"}, "公示期不得少于5个工作日"),
        ({"starts_on": "2025-09-20"}, "公示开始日期2025年9月20日不是工作日"),
        ({"applications": []}, "请选择列入公示的申请"),
        ({"applications": ["abc"]}, "不是有效的申请"),
        ({"starts_on": "2025-13-01"}, "输入一个有效的日期"),
        ({"title": ""}, "这个字段是必填项"),
    ],
)
def test_bad_input_to_publish_is_told_and_nothing_is_written(
    client, users, overrides, message
):
    applications = three_ready(users["clerk"])
    client.force_login(users["reviewer"])
    response = create(client, applications, **overrides)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Publicity.objects.exists()
    assert {Application.objects.get(pk=a.pk).state for a in applications} == {S.READY}


def test_an_application_not_ready_is_not_offered_nor_taken(client, users, listed):
    _, applications = listed
    client.force_login(users["reviewer"])
    page = client.get(reverse("incentives:publicity-create")).content.decode()
    assert f'value="{applications[0].pk}"' not in page
    response = create(client, applications[:1])
    assert response.status_code == 400
    assert Publicity.objects.count() == 1


@pytest.mark.parametrize("role", (*READERS, *OUTSIDERS))
def test_others_cannot_publish(client, users, role):
    applications = three_ready(users["clerk"])
    client.force_login(users[role])
    assert create(client, applications).status_code == 403
    assert not Publicity.objects.exists()


# -- closing and objections ----------------------------------------------------


def close(client, publicity):
    return client.post(
        reverse("incentives:publicity-close", args=[publicity.pk]), follow=True
    )


def test_closing_before_the_end_is_refused_with_the_date(client, users, listed):
    publicity, _ = listed
    with time_machine.travel(at(2025, 9, 19), tick=False):
        client.force_login(users["reviewer"])
        response = close(client, publicity)
    assert "公示期至9月19日,期满后方可结束。" in response.content.decode()
    publicity.refresh_from_db()
    assert publicity.state == Publicity.State.OPEN


def test_closing_after_the_end_approves(client, users, listed):
    publicity, applications = listed
    with time_machine.travel(at(2025, 9, 22), tick=False):
        client.force_login(users["reviewer"])
        response = close(client, publicity)
    assert response.status_code == 200
    publicity.refresh_from_db()
    assert publicity.state == Publicity.State.CLOSED
    assert {Application.objects.get(pk=a.pk).state for a in applications} == {
        S.APPROVED
    }


def add_objection(client, application, **data):
    return client.post(
        reverse("incentives:objection-add", args=[application.pk]),
        {
            "received_on": "2025-09-17",
            "raised_by": "来信",
            "content": "反映其未在该企业工作。",
            **data,
        },
        follow=True,
    )


def test_the_reviewer_records_and_resolves_an_objection(client, users, listed):
    publicity, applications = listed
    client.force_login(users["reviewer"])
    response = add_objection(client, applications[0])
    assert f"已登记对申请{applications[0].number}的异议" in response.content.decode()
    objection = Objection.objects.get()
    assert objection.publicity == publicity
    page = client.get(publicity.get_absolute_url())
    assert reverse("incentives:objection-resolve", args=[objection.pk]) in forms_on(
        page
    )

    response = client.post(
        reverse("incentives:objection-resolve", args=[objection.pk]),
        {"outcome": "upheld", "resolution": "核实劳动合同系补签。"},
        follow=True,
    )
    assert "异议成立,不予奖励" in response.content.decode()
    assert Application.objects.get(pk=applications[0].pk).state == S.REFUSED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"received_on": "2025-09-12"}, "异议收到日期须在公示期内"),
        ({"received_on": "not a date"}, "收到日期:"),
        ({"content": ""}, "异议内容:"),
    ],
)
def test_a_bad_objection_is_told_and_not_recorded(client, users, listed, data, message):
    _, applications = listed
    client.force_login(users["reviewer"])
    response = add_objection(client, applications[0], **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Objection.objects.exists()


def test_a_bad_finding_is_told_and_not_saved(client, users, listed):
    publicity, applications = listed
    client.force_login(users["reviewer"])
    add_objection(client, applications[0])
    objection = Objection.objects.get()
    response = client.post(
        reverse("incentives:objection-resolve", args=[objection.pk]),
        {"outcome": "perhaps", "resolution": ""},
        follow=True,
    )
    assert "核查未保存" in response.content.decode()
    objection.refresh_from_db()
    assert objection.outcome == ""


@pytest.mark.parametrize("role", (*READERS, *OUTSIDERS))
def test_others_cannot_close_or_handle_objections(client, users, listed, role):
    publicity, applications = listed
    objection = Objection.objects.create(
        application=applications[0],
        publicity=publicity,
        received_on=FRIDAY,
        content="x",
        recorded_by=users["reviewer"],
    )
    with time_machine.travel(at(2025, 9, 22), tick=False):
        client.force_login(users[role])
        answers = [
            client.post(
                reverse("incentives:publicity-close", args=[publicity.pk])
            ).status_code,
            client.post(
                reverse("incentives:objection-add", args=[applications[1].pk]),
                {"received_on": "2025-09-17", "content": "x"},
            ).status_code,
            client.post(
                reverse("incentives:objection-resolve", args=[objection.pk]),
                {"outcome": "dismissed", "resolution": "x"},
            ).status_code,
        ]
    assert answers == [403, 403, 403]
    publicity.refresh_from_db()
    assert publicity.state == Publicity.State.OPEN
    assert Objection.objects.count() == 1
    objection.refresh_from_db()
    assert objection.outcome == ""


def test_get_on_an_action_is_refused(client, users, listed):
    publicity, _ = listed
    client.force_login(users["reviewer"])
    url = reverse("incentives:publicity-close", args=[publicity.pk])
    assert client.get(url).status_code == 405


# -- query counts --------------------------------------------------------------


def count_queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200


def test_the_list_and_detail_queries_do_not_grow(
    client, users, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(users["reviewer"])

    def counts():
        publicity = Publicity.objects.order_by("-pk").first()
        numbers = []
        for url in (
            reverse("incentives:publicity-list"),
            publicity.get_absolute_url(),
        ):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            numbers.append(len(queries))
        return numbers

    publicity_of(three_ready(users["clerk"]), users["reviewer"])
    small = counts()
    for _ in range(3):
        applications = [
            *three_ready(users["clerk"]),
            *three_ready(users["clerk"]),
        ]
        publicity = publicity_of(applications, users["reviewer"])
        for application in applications[:2]:
            Objection.objects.create(
                application=application,
                publicity=publicity,
                received_on=MONDAY,
                content="x",
                recorded_by=users["reviewer"],
            )
    assert counts() == small
