"""The results downloads: the score table (.xlsx) made on request for the
reviewer in any state, and the results 通报 (.docx, PDF) rendered by the
background job (inline, without QUEUE_URL) once final, written under
MEDIA_ROOT/assessment/results, audited, and offered to departments only
as issued. The PDF conversion is stood in for (tests/assessment/
test_documents.py runs the real one)."""

import io
import zipfile

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from assessment import documents, jobs, services
from assessment.models import ResultsFile
from audit.models import AuditEvent
from bulletins.documents import DocumentError
from bulletins.models import RenderStatus

from .conftest import TODAY

pytestmark = pytest.mark.django_db
FAKE_PDF = b"%PDF-1.4\n% stand-in\n%%EOF\n"


@pytest.fixture(autouse=True)
def inline(settings):
    settings.QUEUE_URL = ""


@pytest.fixture
def conversions(monkeypatch):
    """The stand-in for LibreOffice: records each conversion."""
    calls = []

    def docx_to_pdf(docx, *, timeout):
        calls.append(docx)
        return FAKE_PDF

    monkeypatch.setattr(documents, "docx_to_pdf", docx_to_pdf)
    return calls


@pytest.fixture
def final(started, users):
    return services.assessment_finalise(assessment=started, actor=users["reviewer"])


def render(client, assessment, capture, number_text=""):
    with capture(execute=True):
        response = client.post(
            reverse("assessment:results-render", args=[assessment.pk]),
            {"number_text": number_text},
        )
    assert response.status_code == 302
    return response


def document_url(assessment, kind):
    return reverse("assessment:results-document", args=[assessment.pk, kind])


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_score_table_xlsx_has_a_column_per_indicator_and_the_totals(
    client, started, users
):
    client.force_login(users["reviewer"])
    response = client.get(reverse("assessment:results-xlsx", args=[started.pk]))

    assert response.status_code == 200
    assert "2025" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book["考核得分"].values)
    assert rows[0] == (
        "名次",
        "责任单位",
        "报送纪律(30)",
        "任务进度(70)",
        "催办扣分(5)",
        "加分(5)",
        "总分",
        "等次",
    )
    # In review: no rank or grade yet; the stand-in gives full marks.
    assert sorted(row[1] for row in rows[1:]) == ["市教育局", "贵溪市人民政府"]
    assert {row[0] for row in rows[1:]} == {None}
    assert {row[6] for row in rows[1:]} == {105.0}
    event = AuditEvent.objects.get(action="assessment.download")
    assert event.after["format"] == "xlsx"


def test_department_cannot_download_the_score_table(client, started, users):
    client.force_login(users["reporter"])
    url = reverse("assessment:results-xlsx", args=[started.pk])
    assert client.get(url).status_code == 403


def test_generating_the_results_is_refused_before_final(
    client, started, users, conversions, django_capture_on_commit_callbacks
):
    client.force_login(users["reviewer"])
    response = render(client, started, django_capture_on_commit_callbacks)

    assert any("定稿后才能生成" in m for m in messages_of(response))
    assert not ResultsFile.objects.exists()
    assert conversions == []
    assert client.get(document_url(started, "pdf")).status_code == 404


def test_generate_renders_docx_and_pdf_inline_and_offers_them(
    client, final, users, settings, conversions, django_capture_on_commit_callbacks
):
    client.force_login(users["reviewer"])
    render(client, final, django_capture_on_commit_callbacks, "鹰技办〔2026〕1号")

    results_file = ResultsFile.objects.get()
    assert results_file.status == RenderStatus.DONE, results_file.message
    assert (results_file.version, results_file.rendered_state) == (1, "final")
    folder = settings.MEDIA_ROOT / "assessment" / "results" / str(final.pk)
    assert sorted(p.name for p in folder.iterdir()) == [
        f"v1-{results_file.pk}.docx",
        f"v1-{results_file.pk}.pdf",
    ]
    assert len(conversions) == 1
    with zipfile.ZipFile(results_file.path("docx")) as docx:
        body = docx.read("word/document.xml").decode()
    assert "关于2025年度技能鹰潭行动考核结果的通报" in body
    assert "鹰技办〔2026〕1号" in body

    page = client.get(final.get_absolute_url()).content.decode()
    assert "考核结果通报已生成" in page
    assert document_url(final, "pdf") in page
    response = client.get(document_url(final, "pdf"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == FAKE_PDF
    assert response["Content-Type"] == "application/pdf"
    actions = list(
        AuditEvent.objects.filter(action__startswith="assessment.render")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "assessment.render",
        "assessment.render_start",
        "assessment.render_done",
    ]
    assert AuditEvent.objects.get(action="assessment.download").after["format"] == (
        "pdf"
    )


def test_a_failed_conversion_fails_with_its_reason_and_leaves_no_file(
    client, final, users, settings, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(docx, *, timeout):
        raise DocumentError("LibreOffice 转换 PDF 失败:测试")

    monkeypatch.setattr(documents, "docx_to_pdf", broken)
    client.force_login(users["reviewer"])
    render(client, final, django_capture_on_commit_callbacks)

    results_file = ResultsFile.objects.get()
    assert results_file.status == RenderStatus.FAILED
    assert "LibreOffice 转换 PDF 失败" in results_file.message
    folder = settings.MEDIA_ROOT / "assessment" / "results"
    assert not folder.exists() or not any(folder.rglob("*.*"))
    page = client.get(final.get_absolute_url()).content.decode()
    assert "生成失败" in page
    assert client.get(document_url(final, "docx")).status_code == 404


def test_a_second_rendering_is_refused_while_one_waits(final, users):
    services.results_file_create(assessment=final, actor=users["reviewer"])
    with pytest.raises(services.AssessmentError, match="正在生成"):
        services.results_file_create(assessment=final, actor=users["reviewer"])


def test_a_job_delivered_twice_finds_nothing_to_do(final, users, conversions):
    services.results_file_create(assessment=final, actor=users["reviewer"])
    assert jobs.render_results_job(final.pk) == RenderStatus.DONE
    assert jobs.render_results_job(final.pk) == ""
    assert len(conversions) == 1


def test_departments_download_only_the_results_as_issued(
    client, final, users, conversions, django_capture_on_commit_callbacks
):
    reviewer = users["reviewer"]
    client.force_login(reviewer)
    render(client, final, django_capture_on_commit_callbacks)

    # Final, not issued: the reviewer's draft of the 通报 only.
    for role in ("reporter", "other_department"):
        client.force_login(users[role])
        assert client.get(document_url(final, "pdf")).status_code == 404

    # Issued, but the file was made before issue: not what was published.
    issued = services.assessment_issue(assessment=final, actor=reviewer)
    client.force_login(users["reporter"])
    assert client.get(document_url(issued, "pdf")).status_code == 404
    client.force_login(reviewer)
    page = client.get(issued.get_absolute_url()).content.decode()
    assert "与当前不符,请重新生成" in page

    render(client, issued, django_capture_on_commit_callbacks)
    for role in ("reporter", "leader", "other_department"):
        client.force_login(users[role])
        assert client.get(document_url(issued, "pdf")).status_code == 200
        assert client.get(document_url(issued, "docx")).status_code == 200
        assert (
            client.get(reverse("assessment:results-xlsx", args=[issued.pk])).status_code
            == 403
        )
    client.force_login(users["reporter"])
    sheet = issued.sheets.get(department=users["reporter"].department)
    assert (
        document_url(issued, "pdf")
        in client.get(sheet.get_absolute_url()).content.decode()
    )

    # A correction makes a new version: the old issued file is withdrawn.
    services.assessment_correct(
        assessment=issued, reason="更正任务进度", today=TODAY, actor=reviewer
    )
    assert client.get(document_url(issued, "pdf")).status_code == 404


def test_a_format_that_is_not_rendered_is_not_found(client, final, users):
    client.force_login(users["reviewer"])
    assert client.get(document_url(final, "xls")).status_code == 404
