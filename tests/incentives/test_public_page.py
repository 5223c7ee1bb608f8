"""The public 公示 pages and the notice: names and ID numbers masked,
the full ones never present, nothing of an application outside a
publicity; a publicity leaves the public page 30 days after its last day."""

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from docx import Document

from incentives.models import ApplicationState
from incentives.services.publicity import publicity_close

from .conftest import ID_LI, ID_ZHANG
from .publicity_data import ID_WANG, at, publicity_of, ready_application, three_ready

pytestmark = pytest.mark.django_db
D = datetime.date
FULL_NAMES = ("张小三", "李四", "欧阳小明")
FULL_IDS = (ID_ZHANG, ID_LI, ID_WANG)
MASKED = (
    ("张*三", "3606**********1233"),
    ("李*", "3606**********0020"),
    ("欧**明", "3606**********0015"),
)
PHONE, CARD = "13800001234", "6217001234567890123"


@pytest.fixture
def users(incentive_defaults, incentive_users):
    return incentive_users


@pytest.fixture
def listed(users):
    with time_machine.travel(at(2025, 9, 12), tick=False):
        applications = three_ready(users["clerk"])
        return publicity_of(applications, users["reviewer"]), applications


def public_list(client):
    return client.get(reverse("public-incentives:list"))


def public_detail(client, publicity):
    return client.get(reverse("public-incentives:detail", args=[publicity.pk]))


def assert_masked(text: str) -> None:
    for name, id_number in MASKED:
        assert name in text
        assert id_number in text
    for secret in (*FULL_NAMES, *FULL_IDS, PHONE, CARD):
        assert secret not in text


def test_the_public_detail_shows_masked_names_and_ids_without_login(client, listed):
    publicity, applications = listed
    with time_machine.travel(at(2025, 9, 17), tick=False):
        response = public_detail(client, publicity)
    assert response.status_code == 200
    text = response.content.decode()
    assert_masked(text)
    assert "2025年9月15日至2025年9月19日(5个工作日)" in text
    assert "异议受理:市人社局职业能力建设科 0701-6200000" in text
    # The encrypted forms and the application numbers stay inside.
    for application in applications:
        assert application.id_number_encrypted not in text
        assert application.number not in text
    assert reverse("incentives:objection-add", args=[applications[0].pk]) not in text


def test_the_public_list_names_the_publicity_and_no_person(client, listed):
    publicity, _ = listed
    with time_machine.travel(at(2025, 9, 17), tick=False):
        response = public_list(client)
    text = response.content.decode()
    assert response.status_code == 200
    assert publicity.title in text
    assert reverse("public-incentives:detail", args=[publicity.pk]) in text
    for secret in (*FULL_NAMES, *FULL_IDS):
        assert secret not in text


def test_an_application_outside_any_publicity_is_not_shown(client, users, listed):
    publicity, _ = listed
    ready_application(users["clerk"], name="赵六六", id_number="11010519491231002X")
    with time_machine.travel(at(2025, 9, 17), tick=False):
        texts = (
            public_list(client).content.decode()
            + public_detail(client, publicity).content.decode()
        )
    assert "赵*六" not in texts and "1101**********002X" not in texts


def test_a_publicity_not_yet_begun_is_not_public(client, users):
    applications = three_ready(users["clerk"])
    with time_machine.travel(at(2025, 9, 12), tick=False):
        publicity = publicity_of(applications, users["reviewer"])
        assert publicity.title not in public_list(client).content.decode()
        assert public_detail(client, publicity).status_code == 404


def test_the_public_page_links_to_the_publicities(client, listed):
    response = client.get(reverse("public"))
    assert reverse("public-incentives:list") in response.content.decode()


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (at(2025, 9, 22), True),
        (at(2025, 10, 19), True),  # 30 days after 9月19日
        (at(2025, 10, 20), False),  # 31 days after
    ],
)
def test_a_closed_publicity_stays_public_30_days_after_its_last_day(
    client, users, listed, moment, shown
):
    publicity, _ = listed
    publicity_close(publicity=publicity, today=D(2025, 9, 22), actor=users["reviewer"])
    with time_machine.travel(moment, tick=False):
        listing = public_list(client).content.decode()
        detail = public_detail(client, publicity)
    assert (publicity.title in listing) is shown
    assert detail.status_code == (200 if shown else 404)


def test_an_open_publicity_past_its_days_stays_public_until_closed(client, listed):
    publicity, _ = listed
    with time_machine.travel(at(2025, 12, 1), tick=False):
        assert public_detail(client, publicity).status_code == 200


def docx_text(data: bytes) -> tuple[str, list[list[str]]]:
    document = Document(io.BytesIO(data))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    tables = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    return paragraphs, tables


def test_the_docx_notice_is_masked_and_complete(client, users, listed):
    publicity, _ = listed
    with time_machine.travel(at(2025, 9, 15), tick=False):
        client.force_login(users["clerk"])
        response = client.get(reverse("incentives:publicity-docx", args=[publicity.pk]))
    paragraphs, rows = docx_text(b"".join(response.streaming_content))
    assert publicity.title in paragraphs
    assert "公示期为2025年9月15日至2025年9月19日(5个工作日)" in paragraphs
    assert "异议受理:市人社局职业能力建设科 0701-6200000" in paragraphs
    assert "鹰潭市人力资源和社会保障局" in paragraphs
    assert rows[0] == [
        "序号",
        "姓名",
        "身份证号",
        "奖励类别",
        "等级",
        "用人单位",
        "金额(元)",
    ]
    assert rows[1:4] == [
        [
            str(index),
            name,
            id_number,
            "就业奖励",
            "技师(二级)",
            "江西铜业股份有限公司贵溪冶炼厂",
            amount,
        ]
        for index, (name, id_number), amount in zip(
            (1, 2, 3), MASKED, ("2,000", "2,000", "2,200"), strict=True
        )
    ]
    assert rows[4][0] == "合计" and rows[4][6] == "6,200"
    everything = paragraphs + str(rows)
    for secret in (*FULL_NAMES, *FULL_IDS, PHONE, CARD):
        assert secret not in everything


def test_the_internal_pages_mask_too(client, users, listed):
    publicity, _ = listed
    with time_machine.travel(at(2025, 9, 17), tick=False):
        for role in ("clerk", "reviewer"):
            client.force_login(users[role])
            text = client.get(publicity.get_absolute_url()).content.decode()
            assert_masked(text)
            assert ApplicationState.PUBLICITY.label in text
