"""The 督导反馈 as the team and a department open it: the page, the .docx
download and its audit record, and who may read which department's."""

import datetime
import io
from urllib.parse import unquote

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from lxml import html

from audit.models import AuditEvent
from supervision.models import ProblemCategory, Round, Visit
from tasks.models import Department

from .problem_data import EDUCATION, GUIXI
from .problem_data import make_problem as problem_in

pytestmark = pytest.mark.django_db
D = datetime.date
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def problems(sup_round, users, guixi):
    """Two problems 贵溪市 leads (one with 市教育局 helping), one it helps
    市教育局 with, and one of 市教育局's alone."""
    Visit.objects.create(
        round=sup_round,
        department=guixi,
        visited_on=D(2025, 6, 10),
        methods=["report", "site"],
        created_by=users["reviewer"],
    )
    return {
        "lead": problem_in(
            sup_round,
            GUIXI,
            D(2025, 9, 30),
            description="贵溪市培训台账与月报数据不一致。",
            category=ProblemCategory.DATA,
            cooperating=(EDUCATION,),
        ),
        "lead2": problem_in(
            sup_round, GUIXI, D(2025, 10, 31), description="贵溪市认定机制不健全。"
        ),
        "helps": problem_in(
            sup_round,
            EDUCATION,
            D(2025, 9, 30),
            description="教育局牵头、贵溪市配合的问题。",
            cooperating=(GUIXI,),
        ),
        "other": problem_in(
            sup_round, EDUCATION, D(2025, 9, 30), description="只属教育局的问题。"
        ),
    }


def page_url(round_, department):
    return reverse("supervision:feedback", args=[round_.pk, department.pk])


def docx_url(round_, department):
    return reverse("supervision:feedback-docx", args=[round_.pk, department.pk])


def column(content: bytes, table_id: str, index: int = 2) -> list[str]:
    """The text of one column of a table of the page (问题表现 by default)."""
    tree = html.fromstring(content.decode())
    [table] = tree.xpath(f'//table[@id="{table_id}"]')
    return [
        row.xpath("./td")[index].text_content().strip()
        for row in table.xpath("./tbody/tr")
        if not row.xpath('./td[@class="empty"]')
    ]


def docx_text(content: bytes) -> tuple[Document, str]:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return document, "\n".join(parts)


@pytest.mark.parametrize("role", ["reviewer", "reporter", "leader"])
def test_page_lists_the_departments_lead_and_cooperating_problems_apart(
    client, users, sup_round, guixi, problems, role
):
    client.force_login(users[role])
    response = client.get(page_url(sup_round, guixi))

    assert response.status_code == 200
    assert column(response.content, "lead-problems") == [
        "贵溪市培训台账与月报数据不一致。",
        "贵溪市认定机制不健全。",
    ]
    assert column(response.content, "cooperating-problems") == [
        "教育局牵头、贵溪市配合的问题。"
    ]
    # The cooperating table names who leads; the lead table who helps.
    assert column(response.content, "cooperating-problems", 4) == ["市教育局"]
    assert column(response.content, "lead-problems", 4) == ["市教育局", "—"]
    text = response.content.decode()
    assert "只属教育局的问题" not in text
    assert "发现需由你单位牵头整改的问题2个、需你单位配合整改的问题1个" in text
    assert docx_url(sup_round, guixi) in text


def test_page_of_a_department_without_cooperation_has_no_cooperating_table(
    client, users, sup_round, education, guixi
):
    problem_in(sup_round, EDUCATION, D(2025, 9, 30), description="教育局的问题。")
    client.force_login(users["other_department"])
    response = client.get(page_url(sup_round, education))

    assert column(response.content, "lead-problems") == ["教育局的问题。"]
    assert 'id="cooperating-problems"' not in response.content.decode()


def test_another_departments_feedback_is_not_found_for_a_department_user(
    client, users, sup_round, guixi, education, problems
):
    """市教育局 is covered by the round too, and still may not read
    贵溪市's feedback, nor 贵溪市 its."""
    client.force_login(users["other_department"])
    assert client.get(page_url(sup_round, guixi)).status_code == 404
    assert client.get(docx_url(sup_round, guixi)).status_code == 404
    own = client.get(page_url(sup_round, education))
    assert column(own.content, "lead-problems") == [
        "教育局牵头、贵溪市配合的问题。",
        "只属教育局的问题。",
    ]
    assert column(own.content, "cooperating-problems") == [
        "贵溪市培训台账与月报数据不一致。"
    ]

    client.force_login(users["reporter"])
    assert client.get(page_url(sup_round, education)).status_code == 404
    assert client.get(docx_url(sup_round, education)).status_code == 404
    assert not AuditEvent.objects.filter(action="round.feedback_download").exists()


def test_a_department_the_round_does_not_cover_has_no_feedback(
    client, users, sup_round
):
    outside = Department.objects.exclude(
        pk__in=sup_round.departments.values("pk")
    ).first()
    client.force_login(users["reviewer"])
    assert client.get(page_url(sup_round, outside)).status_code == 404
    assert client.get(docx_url(sup_round, outside)).status_code == 404


def test_a_round_not_yet_notified_has_no_feedback_for_its_departments(
    client, users, sup_round, guixi
):
    Round.objects.filter(pk=sup_round.pk).update(notified_at=None)
    client.force_login(users["reporter"])
    assert client.get(page_url(sup_round, guixi)).status_code == 404
    client.force_login(users["reviewer"])
    assert client.get(page_url(sup_round, guixi)).status_code == 200


def test_roles_outside_the_supervision_are_refused(client, users, sup_round, guixi):
    client.force_login(users["sysadmin"])
    assert client.get(page_url(sup_round, guixi)).status_code == 403
    assert client.get(docx_url(sup_round, guixi)).status_code == 403


@pytest.mark.parametrize("role", ["reviewer", "reporter"])
def test_docx_is_the_departments_feedback_in_the_official_layout(
    client, users, sup_round, guixi, problems, role
):
    client.force_login(users[role])
    response = client.get(docx_url(sup_round, guixi))

    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert "2025年上半年督导督导反馈-贵溪市人民政府.docx" in unquote(
        response["Content-Disposition"]
    )
    document, text = docx_text(b"".join(response.streaming_content))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    runs = list(document.element.body.iter(f"{W}r"))
    faces = [r.find(f"{W}rPr/{W}rFonts") for r in runs]
    assert all(f is not None and f.get(qn("w:eastAsia")) for f in faces)
    assert {"方正小标宋简体", "仿宋_GB2312", "黑体"} <= {
        f.get(qn("w:eastAsia")) for f in faces
    }
    assert "关于2025年上半年督导贵溪市人民政府有关情况的反馈意见" in text
    assert "1.【数据不实】贵溪市培训台账与月报数据不一致。" in text
    assert "2.【其他】贵溪市认定机制不健全。" in text
    assert "二、配合整改的问题\n1.【其他】教育局牵头、贵溪市配合的问题。" in text
    assert "只属教育局的问题" not in text


def test_docx_download_is_audited_with_the_department_and_file(
    client, users, sup_round, guixi, problems
):
    client.force_login(users["reporter"])
    response = client.get(docx_url(sup_round, guixi))
    b"".join(response.streaming_content)

    [event] = AuditEvent.objects.filter(action="round.feedback_download")
    assert event.actor_username == "reporter"
    assert event.object_id == str(sup_round.pk)
    assert event.department == guixi.name
    assert event.after["file_name"] == "2025年上半年督导督导反馈-贵溪市人民政府.docx"
    assert event.after["problems"] == 2
    assert event.after["cooperating"] == 1
    assert len(event.after["sha256"]) == 64


def test_round_page_links_the_team_to_every_departments_feedback(
    client, users, sup_round, guixi, education
):
    client.force_login(users["reviewer"])
    text = client.get(sup_round.get_absolute_url()).content.decode()

    for department in (guixi, education):
        assert page_url(sup_round, department) in text
        assert docx_url(sup_round, department) in text


def test_round_page_links_a_department_to_its_own_feedback_only(
    client, users, sup_round, guixi, education
):
    client.force_login(users["reporter"])
    text = client.get(sup_round.get_absolute_url()).content.decode()

    assert page_url(sup_round, guixi) in text
    assert docx_url(sup_round, guixi) in text
    assert page_url(sup_round, education) not in text


def grow(round_, count):
    for i in range(count):
        problem_in(
            round_,
            GUIXI,
            D(2025, 9, 30),
            cooperating=(EDUCATION,),
            description=f"贵溪市问题{i}",
        )
        problem_in(
            round_,
            EDUCATION,
            D(2025, 9, 30),
            cooperating=(GUIXI,),
            description=f"配合问题{i}",
        )


@pytest.mark.parametrize("name", ["supervision:feedback", "supervision:feedback-docx"])
@pytest.mark.parametrize("count", [2, 20])
def test_feedback_takes_the_same_queries_at_two_sizes(
    client, users, sup_round, guixi, django_assert_max_num_queries, name, count
):
    grow(sup_round, count)
    client.force_login(users["reporter"])
    url = reverse(name, args=[sup_round.pk, guixi.pk])
    # The session, user and role, the round, the department, the
    # feedback's four, the menu's two or the audit record's actor
    # department, last hash and insert (and its lock on PostgreSQL), the
    # session's save.
    budget = {"supervision:feedback": 14, "supervision:feedback-docx": 16}[name]
    with django_assert_max_num_queries(budget):
        response = client.get(url)
        if name == "supervision:feedback":
            assert len(column(response.content, "lead-problems")) == count
        else:
            b"".join(response.streaming_content)
    assert response.status_code == 200
