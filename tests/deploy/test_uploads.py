"""Upload paths that tests/tasks and tests/dispatch do not already cover:
the admin's annex import (django-import-export) and the evidence file's
size, checked before the upload is read, and its entry count. The annex
command is proved in tests/tasks, the report sheet and evidence type and
bomb checks in tests/dispatch."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dispatch.models import Evidence, ProgressReport
from dispatch.services import ReportError, evidence_add
from tasks.importers import annex as annex_module
from tasks.models import Policy, Task
from tests.conftest import ANNEX_PATH, POLICY_NUMBER

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bomb(size: int) -> bytes:
    """The real annex with a part of ``size`` zero bytes added."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(ANNEX_PATH) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        target.writestr("xl/media/pad.bin", b"\x00" * size)
    return buffer.getvalue()


def admin_import(client, data: bytes):
    policy = Policy.objects.create(number=POLICY_NUMBER)
    return client.post(
        reverse("admin:tasks_task_import"),
        {
            "import_file": SimpleUploadedFile("附件.xlsx", data, XLSX),
            "format": "0",
            "policy": policy.pk,
        },
    )


@pytest.fixture
def no_unpacking(monkeypatch):
    def load_workbook(*args, **kwargs):
        raise AssertionError("the workbook was unpacked")

    monkeypatch.setattr(annex_module.openpyxl, "load_workbook", load_workbook)


@pytest.mark.django_db
def test_admin_annex_import_refuses_a_zip_bomb_before_unpacking(
    client, departments, users, settings, no_unpacking
):
    settings.IMPORT_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
    bomb = xlsx_bomb(60 * 1024 * 1024)
    assert len(bomb) < settings.IMPORT_MAX_UPLOAD_BYTES
    client.force_login(users["sysadmin"])

    response = admin_import(client, bomb)

    assert response.status_code == 200
    errors = response.context["form"].errors["import_file"]
    assert any("疑似压缩炸弹" in error for error in errors)
    assert Task.objects.count() == 0


@pytest.mark.django_db
def test_admin_annex_import_refuses_an_oversized_file(
    client, departments, users, settings, no_unpacking
):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    client.force_login(users["sysadmin"])

    response = admin_import(client, ANNEX_PATH.read_bytes())

    errors = response.context["form"].errors["import_file"]
    assert any("超过上限 0.0 MB" in error for error in errors)
    assert Task.objects.count() == 0


@pytest.fixture
def report(period, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return ProgressReport.objects.get(
        period=period, task__number=1, department__name="贵溪市人民政府"
    )


class UnreadableUpload(SimpleUploadedFile):
    """An upload whose declared size is all there is to see."""

    def read(self, *args, **kwargs):
        raise AssertionError("the upload was read")


@pytest.mark.django_db
def test_oversized_evidence_is_refused_before_it_is_read(report, users, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    upload = UnreadableUpload("大.pdf", b"%PDF-1.7\n" + b"0" * 2048)

    with pytest.raises(ReportError, match="超过上限"):
        evidence_add(report=report, upload=upload, actor=users["reporter"])

    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_evidence_docx_with_too_many_entries_is_refused(report, users, settings):
    settings.IMPORT_MAX_ZIP_ENTRIES = 10
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for number in range(20):
            archive.writestr(f"word/media/{number}.png", b"")

    with pytest.raises(ReportError, match="包含 22 个内部文件,超过上限 10 个"):
        evidence_add(
            report=report,
            upload=SimpleUploadedFile("总结.docx", buffer.getvalue()),
            actor=users["reporter"],
        )

    assert not Evidence.objects.exists()
