"""Personal data is masked on every incentives page and export, for every
role: applications with known ID, phone and card numbers in several states
(entered, in a 公示, in an exported payment batch), then every page, the
xlsx and docx files read back, as anonymous, each incentive role, a
department's reporter and the administrator. The plaintext numbers and the
ciphertext never appear; the masked forms do where the page shows them.
The only way to the full value is the audited reveal (test_reveal.py)."""

import datetime
import io
from contextlib import suppress
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import NoReverseMatch, reverse
from docx import Document
from openpyxl import load_workbook

from incentives.crypto import personal_values
from incentives.models import Application
from incentives.services.payments import batch_create
from tests.incentives.apps_support import enter
from tests.incentives.conftest import ID_LI
from tests.incentives.payment_data import MONTH, approved, budget_set, finance
from tests.incentives.publicity_data import (
    ID_WANG,
    MONDAY,
    publicity_of,
    ready_application,
)

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Three people's numbers, none of them the import template's example row
# (which shows conftest's 张三).
ID_ZHAO = "36060219851120005X"
PEOPLE = {
    "entered": (ID_ZHAO, "13912345678", "6228480012345678901"),
    "listed": (ID_LI, "13700009012", "6217009876543210987"),
    "paid": (ID_WANG, "13600003456", "6222020200001234567"),
}
SECRETS = tuple(number for person in PEOPLE.values() for number in person)
ROLES = (
    None,
    "clerk",
    "clerk_other",
    "city_clerk",
    "reviewer",
    "reporter",
    "sysadmin",
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def world(incentive_defaults, incentive_users):
    """赵六's 就业奖励 as entered (贵溪市); 李四's in a 公示 from Monday
    15 September 2025; 王五's approved and in a payment batch."""
    users = incentive_users
    with time_machine.travel(datetime.datetime(2025, 9, 12, 10, tzinfo=SHANGHAI)):
        guixi = finance("贵溪市财政")
        budget_set(guixi, 100_000)
        paid = approved(
            finance=guixi, amount=2200, actor=users["reviewer"], name="王五"
        )
        listed = ready_application(users["clerk"], name="李四", id_number=ID_LI)
        # The helpers number from counters of their own (numbers set apart
        # here) and give everyone the same phone and card.
        for application, number in ((paid, "JL2025-000901"), (listed, "JL2025-000902")):
            id_number, phone, card = PEOPLE["paid" if application == paid else "listed"]
            Application.objects.filter(pk=application.pk).update(
                number=number,
                **personal_values(id_number=id_number, phone=phone, card_number=card),
            )
        publicity = publicity_of([listed], users["reviewer"], starts_on=MONDAY)
        batch = batch_create(
            finance=guixi, month=MONTH, actor=users["reviewer"], today=MONDAY
        )
        id_number, phone, card = PEOPLE["entered"]
        entered = enter(
            users, name="赵六", id_number=id_number, phone=phone, card_number=card
        )
    paid.refresh_from_db()
    listed.refresh_from_db()
    return {
        "entered": entered,
        "listed": listed,
        "paid": paid,
        "publicity": publicity,
        "batch": batch,
    }


def pages(world) -> dict[str, str]:
    entered, listed, paid = world["entered"], world["listed"], world["paid"]
    publicity, batch = world["publicity"], world["batch"]

    def url(name, *args):
        return reverse(name, args=args)

    found = {}
    # The figures' pages, once their part is merged.
    for name in ("incentives:figures", "incentives:figures-export"):
        with suppress(NoReverseMatch):
            found[name.split(":")[1]] = url(name)
    return found | {
        "application-list": url("incentives:application-list"),
        "application-list (all states)": url("incentives:application-list") + "?state=",
        "application-create": url("incentives:application-create"),
        "application-detail (entered)": url(
            "incentives:application-detail", entered.pk
        ),
        "application-detail (公示)": url("incentives:application-detail", listed.pk),
        "application-detail (approved)": url("incentives:application-detail", paid.pk),
        "application-edit": url("incentives:application-edit", entered.pk),
        "publicity-list": url("incentives:publicity-list"),
        "publicity-create": url("incentives:publicity-create"),
        "publicity-detail": url("incentives:publicity-detail", publicity.pk),
        "publicity-docx": url("incentives:publicity-docx", publicity.pk),
        "batch-list": url("incentives:batch-list"),
        "batch-detail": url("incentives:batch-detail", batch.pk),
        "batch-export": url("incentives:batch-export", batch.pk),
        "batch-settle": url("incentives:batch-settle", batch.pk),
        "ledger": url("incentives:ledger"),
        "application-import": url("incentives:application-import"),
        "application-import-template": url("incentives:application-import-template"),
        "fact-import": url("incentives:fact-import"),
        "fact-import-template": url("incentives:fact-import-template"),
        "public-incentives:list": url("public-incentives:list"),
        "public-incentives:detail": url("public-incentives:detail", publicity.pk),
    }


def body_text(response) -> str:
    """What a person gets: the page, or every cell and paragraph of the
    file."""
    data = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    kind = response.get("Content-Type", "")
    if kind.startswith(XLSX):
        book = load_workbook(io.BytesIO(data))
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    if kind.startswith(DOCX):
        document = Document(io.BytesIO(data))
        parts = [p.text for p in document.paragraphs]
        for table in document.tables:
            parts += [cell.text for row in table.rows for cell in row.cells]
        return "\n".join(parts)
    return data.decode()


def fetch(client, users, role, address, **headers):
    client.logout()
    if role is not None:
        client.force_login(users[role])
    with time_machine.travel(datetime.datetime(2025, 9, 17, 10, tzinfo=SHANGHAI)):
        return client.get(address, headers=headers)


def ciphertexts(world) -> list[str]:
    return [
        token
        for application in (world["entered"], world["listed"], world["paid"])
        for token in (
            application.id_number_encrypted,
            application.phone_encrypted,
            application.card_encrypted,
        )
        if token
    ]


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "anonymous")
def test_no_page_or_export_shows_a_plaintext_number(
    client, world, incentive_users, role
):
    leaks = {}
    shown = 0
    for page, address in pages(world).items():
        for headers in ({}, {"HX-Request": "true"}):
            response = fetch(client, incentive_users, role, address, **headers)
            assert response.status_code < 500, (page, response.status_code)
            if response.status_code != 200:
                continue
            shown += 1
            text = body_text(response)
            found = [s for s in (*SECRETS, *ciphertexts(world)) if s in text]
            if found:
                leaks[f"{page}{' (htmx)' if headers else ''}"] = found
    assert leaks == {}
    # Anonymous sees the public pages; everyone else some of the pages.
    assert shown >= 4


@pytest.mark.parametrize(
    ("role", "page", "masked"),
    [
        ("clerk", "application-detail (entered)", "3606**********005X"),
        ("clerk", "application-detail (entered)", "139****5678"),
        ("clerk", "application-detail (entered)", "6228***********8901"),
        ("reviewer", "application-detail (公示)", "3606**********0020"),
        ("reviewer", "publicity-detail", "3606**********0020"),
        ("reviewer", "publicity-docx", "3606**********0020"),
        ("reviewer", "batch-detail", "6222***********4567"),
        ("reviewer", "batch-export", "6222***********4567"),
        ("clerk", "batch-export", "6222***********4567"),
        (None, "public-incentives:detail", "3606**********0020"),
    ],
)
def test_the_masked_forms_are_shown(client, world, incentive_users, role, page, masked):
    response = fetch(client, incentive_users, role, pages(world)[page])

    assert response.status_code == 200
    assert masked in body_text(response)


def test_the_reveal_page_without_a_reason_shows_only_the_mask(
    client, world, incentive_users
):
    client.force_login(incentive_users["reviewer"])
    entered = world["entered"]

    response = client.post(
        reverse("incentives:personal-reveal", args=[entered.pk, "id_number"]),
        {"reason": ""},
    )

    text = response.content.decode()
    assert response.status_code == 400
    assert "3606**********005X" in text
    for secret in (*SECRETS, *ciphertexts(world)):
        assert secret not in text
