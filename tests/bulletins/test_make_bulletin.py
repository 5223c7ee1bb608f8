"""manage.py make_bulletin: a draft's documents written to a folder from
bulletin_figures, or the bulletin created and issued by a reviewer."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.models import AuditEvent
from bulletins.models import Bulletin, BulletinState
from tests.bulletins import documents_fake
from tests.bulletins.documents_fake import read

fake_documents = documents_fake.fake_documents
NUMBER = "鹰技能办〔2025〕3号"
FILES = [
    "bulletin-2025-07-2025-09.docx",
    "bulletin-2025-07-2025-09.pdf",
    "bulletin-2025-07-2025-09.xlsx",
]


def make(*args: str) -> str:
    out = StringIO()
    call_command(
        "make_bulletin",
        "--from",
        "2025-07",
        "--to",
        "2025-09",
        "--today",
        "2025-10-10",
        *args,
        stdout=out,
    )
    return out.getvalue()


@pytest.mark.django_db
def test_a_draft_is_written_to_the_folder_and_saved_nowhere(
    policy, tmp_path, fake_documents
):
    out = make("--output", str(tmp_path / "draft"))

    assert sorted(p.name for p in (tmp_path / "draft").iterdir()) == FILES
    docx = read(tmp_path / "draft" / FILES[0])
    assert docx["range"] == "2025年第三季度"
    assert docx["title"] == "关于2025年第三季度技能鹰潭行动工作推进情况的通报"
    assert "(草稿)的文件已写入" in out
    assert not Bulletin.objects.exists()


@pytest.mark.django_db
def test_a_reviewer_issues_the_bulletin_and_gets_its_documents(
    policy, users, tmp_path, fake_documents
):
    out = make(
        "--output", str(tmp_path), "--issue", "--as", "reviewer", "--number", NUMBER
    )

    bulletin = Bulletin.objects.get()
    assert (bulletin.state, bulletin.number, bulletin.issued_by) == (
        BulletinState.ISSUED,
        NUMBER,
        users["reviewer"],
    )
    assert bulletin.versions.get().text["number"] == NUMBER
    assert f"已签发《{bulletin.title}》({NUMBER})" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == FILES
    assert AuditEvent.objects.filter(
        action="bulletin.issue", actor_id=users["reviewer"].pk
    ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["reporter", "leader", "sysadmin"])
def test_only_a_reviewer_may_issue(policy, users, tmp_path, fake_documents, role):
    with pytest.raises(CommandError, match="不是人社局审核员,不能签发通报"):
        make("--output", str(tmp_path), "--issue", "--as", role, "--number", NUMBER)

    assert not Bulletin.objects.exists()
    assert not list(tmp_path.iterdir())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--issue", "--number", NUMBER], "须用 --as 给出签发人的账号名"),
        (["--issue", "--as", "nobody", "--number", NUMBER], "账号“nobody”不存在"),
        (["--issue", "--as", "reviewer"], "签发须给出发文字号"),
        (["--as", "reviewer"], "只在签发(--issue)时使用"),
        (["--policy", "鹰办发〔2099〕1号"], "政策文件“鹰办发〔2099〕1号”不存在"),
        (["--kind", "年度通报"], "通报类型“年度通报”不存在"),
        (
            ["--issue", "--as", "reviewer", "--number", "鹰技能办〔2025〕03号"],
            "序号“03”不能以 0 开头",
        ),
    ],
)
def test_a_wrong_argument_is_refused_in_chinese(
    policy, users, tmp_path, fake_documents, args, message
):
    with pytest.raises(CommandError, match=re.escape(message)):
        make("--output", str(tmp_path), *args)

    assert not Bulletin.objects.exists()


@pytest.mark.django_db
def test_a_month_that_is_no_month_is_refused(policy, tmp_path, fake_documents):
    with pytest.raises(CommandError, match="--to“2025-13”不是年月"):
        call_command(
            "make_bulletin",
            "--from",
            "2025-07",
            "--to",
            "2025-13",
            "--output",
            str(tmp_path),
        )
