"""Evidence files: type decided by content, size limits, zip bombs, and
storage outside the web root."""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dispatch.models import Evidence, ProgressReport
from dispatch.services import ReportError, evidence_add

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def docx_bytes(extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "培训人数"
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def report(period, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return ProgressReport.objects.get(
        period=period, task__number=1, department__name="贵溪市人民政府"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("签到表.pdf", PDF, "application/pdf"),
        ("现场照片.PNG", PNG, "image/png"),
        ("照片.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 32, "image/jpeg"),
        (
            "总结.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "台账.xlsx",
            xlsx_bytes(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_accepted_types_are_stored_with_their_checked_type(
    report, users, tmp_path, name, data, content_type
):
    evidence = evidence_add(
        report=report, upload=SimpleUploadedFile(name, data), actor=users["reporter"]
    )
    assert evidence.content_type == content_type
    assert evidence.original_name == name
    assert evidence.size == len(data)
    stored = tmp_path / evidence.file.name
    assert stored.read_bytes() == data
    assert name not in evidence.file.name  # stored under a random name


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("病毒.pdf", b"MZ\x90\x00" + b"\x00" * 60, "内容与扩展名“.pdf”不符"),
        ("照片.png", PDF, "内容与扩展名“.png”不符"),
        ("说明.docx", xlsx_bytes(), "内容与扩展名“.docx”不符"),
        ("脚本.html", b"<script>alert(1)</script>", "类型不受支持"),
        ("无扩展名", PDF, "类型不受支持"),
        ("空.pdf", b"", "是空文件"),
    ],
)
def test_wrong_or_unknown_types_are_refused(report, users, name, data, message):
    with pytest.raises(ReportError, match=message):
        evidence_add(
            report=report,
            upload=SimpleUploadedFile(name, data),
            actor=users["reporter"],
        )
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_oversized_file_is_refused(report, users, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(ReportError, match="超过上限 0.0 MB"):
        evidence_add(
            report=report,
            upload=SimpleUploadedFile("大.pdf", PDF + b"0" * 2048),
            actor=users["reporter"],
        )
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_docx_bomb_is_refused_before_unpacking(report, users):
    bomb = docx_bytes({"word/media/pad.bin": b"\x00" * (60 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    with pytest.raises(ReportError, match="疑似压缩炸弹"):
        evidence_add(
            report=report,
            upload=SimpleUploadedFile("总结.docx", bomb),
            actor=users["reporter"],
        )


@pytest.mark.django_db
def test_evidence_is_not_reachable_under_a_public_url(client, report, users):
    evidence = evidence_add(
        report=report,
        upload=SimpleUploadedFile("签到表.pdf", PDF),
        actor=users["reporter"],
    )
    client.force_login(users["reporter"])
    for prefix in ("/media/", "/static/", "/"):
        assert client.get(prefix + evidence.file.name).status_code == 404
    download = client.get(reverse("dispatch:evidence-download", args=[evidence.pk]))
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_upload_through_the_page_reports_a_refusal(client, report, users):
    client.force_login(users["reporter"])
    response = client.post(
        reverse("dispatch:evidence-upload", args=[report.pk]),
        {"file": SimpleUploadedFile("病毒.pdf", b"MZ" + b"\x00" * 10)},
        follow=True,
    )
    assert "内容与扩展名“.pdf”不符" in response.content.decode()
    assert not Evidence.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
    ],
)
def test_upload_does_not_follow_next_to_another_site(client, report, users, next_url):
    client.force_login(users["reporter"])

    response = client.post(
        reverse("dispatch:evidence-upload", args=[report.pk]),
        {"file": SimpleUploadedFile("签到表.pdf", PDF), "next": next_url},
    )

    assert response.status_code == 302
    assert response["Location"] == report.get_absolute_url()
    assert Evidence.objects.filter(report=report).count() == 1


@pytest.mark.django_db
def test_upload_returns_to_the_page_it_came_from_on_this_site(client, report, users):
    client.force_login(users["reporter"])
    page = reverse("dispatch:report-edit", args=[report.pk]) + "?tab=files"

    response = client.post(
        reverse("dispatch:evidence-upload", args=[report.pk]),
        {"file": SimpleUploadedFile("签到表.pdf", PDF), "next": page},
    )

    assert response["Location"] == page
