"""The admin's 从正文导入新政策: upload, a preview that writes nothing and
lets the unknown unit names be settled, confirm; for administrators only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from targets.models import ReviewStatus, Target
from targets.policy_import import SESSION_KEY, _folder
from tasks.models import (
    Department,
    DepartmentAlias,
    ImportRecord,
    KeyTask,
    Policy,
    Task,
)
from tests.tasks.test_policy_document_import import YINGTAN, docx_bytes

UPLOAD = "admin:targets_policy_import"
CONFIRM = "admin:targets_policy_import_confirm"
NUMBER = "鹰人社发〔2026〕1号"


def upload(client, data: bytes = YINGTAN.encode(), name="方案.txt", **fields):
    return client.post(
        reverse(UPLOAD),
        {
            "document": SimpleUploadedFile(name, data),
            "number": NUMBER,
            "title": "",
            **fields,
        },
    )


def confirm_data(page, **values) -> dict:
    form = page.context["confirm_form"]
    data = {
        name: form[name].value()
        for name in form.fields
        if form[name].value() not in (None, False)
    }
    data.update(values)
    return data


@pytest.mark.django_db
def test_the_policies_list_offers_the_import(client, users, departments):
    client.force_login(users["sysadmin"])

    page = client.get(reverse("admin:tasks_policy_changelist"))

    assert reverse(UPLOAD) in page.content.decode()
    assert "从正文导入新政策" in page.content.decode()


@pytest.mark.django_db
def test_upload_preview_then_confirm(client, users, departments):
    client.force_login(users["sysadmin"])
    assert client.get(reverse(UPLOAD)).status_code == 200

    preview = upload(client)

    assert preview.status_code == 200
    text = preview.content.decode()
    assert preview.context["confirm_form"]["title"].value() == (
        "鹰潭市家政服务提质扩容工作方案"
    )
    assert "开展家政技能培训" in text and "市市场监管局" in text
    assert "“市家政协会”" in text  # to be settled
    assert "培训家政服务人员" in text  # a target, with its clause
    assert not Policy.objects.exists()  # the preview writes nothing

    # Confirming with the name unsettled is refused, still writing nothing.
    refused = client.post(reverse(CONFIRM), confirm_data(preview, confirm="1"))
    assert refused.status_code == 200
    assert "市家政协会" in refused.context["errors"][0]
    assert not Policy.objects.exists()

    women = Department.objects.get(name="市妇联")
    again = client.post(
        reverse(CONFIRM), confirm_data(preview, unit_0=str(women.pk), preview="1")
    )
    assert again.context["report"] is not None
    assert not again.context["errors"]
    assert not Policy.objects.exists()

    done = client.post(
        reverse(CONFIRM),
        confirm_data(preview, unit_0=str(women.pk), confirm="1", publish="on"),
    )

    policy = Policy.objects.get(number=NUMBER)
    assert done.status_code == 302
    assert done["Location"] == reverse("admin:tasks_policy_change", args=[policy.pk])
    assert policy.published
    assert KeyTask.objects.filter(policy=policy).count() == 3
    assert Task.objects.filter(policy=policy).count() == 3
    assert DepartmentAlias.objects.get(name="市家政协会").department == women
    record = ImportRecord.objects.get(policy=policy)
    assert record.imported_by == users["sysadmin"]
    assert {t.review_status for t in Target.objects.filter(policy=policy)} == {
        ReviewStatus.PROPOSED
    }
    assert not client.session.get(SESSION_KEY)  # the kept upload is gone


@pytest.mark.django_db
def test_each_step_reads_the_document_once(client, users, departments, monkeypatch):
    from targets import policy_import

    reads = []
    real = policy_import.read_document
    monkeypatch.setattr(
        policy_import, "read_document", lambda text: reads.append(1) or real(text)
    )
    client.force_login(users["sysadmin"])

    preview = upload(client)
    assert len(reads) == 1
    women = Department.objects.get(name="市妇联")
    client.post(
        reverse(CONFIRM), confirm_data(preview, unit_0=str(women.pk), preview="1")
    )
    assert len(reads) == 2
    client.post(
        reverse(CONFIRM), confirm_data(preview, unit_0=str(women.pk), confirm="1")
    )
    assert len(reads) == 3
    assert Policy.objects.filter(number=NUMBER).exists()


@pytest.mark.django_db
def test_targets_confirmed_at_once_and_units_ignored(client, users, departments):
    client.force_login(users["sysadmin"])
    preview = upload(client, docx_bytes(YINGTAN.strip().split("\n")), "方案.docx")

    client.post(
        reverse(CONFIRM),
        confirm_data(preview, unit_0="ignore", accept_targets="on", confirm="1"),
    )

    policy = Policy.objects.get(number=NUMBER)
    assert not policy.published  # published only when ticked
    targets = Target.objects.filter(policy=policy)
    assert targets.exists()
    assert {t.review_status for t in targets} == {ReviewStatus.ACCEPTED}
    assert not DepartmentAlias.objects.filter(name="市家政协会").exists()


@pytest.mark.django_db
def test_a_number_in_use_is_refused_on_the_preview(client, users, departments):
    Policy.objects.create(number=NUMBER, title="已有政策")
    client.force_login(users["sysadmin"])

    preview = upload(client)

    errors = preview.context["errors"]
    assert any("已被政策“已有政策”使用" in e for e in errors), errors


@pytest.mark.django_db
def test_a_document_without_a_number_needs_one(client, users, departments):
    client.force_login(users["sysadmin"])

    preview = upload(client, number="")

    assert preview.context["confirm_form"]["number"].value() == ""
    assert "请填写文号:文件中没有读到文号。" in preview.context["errors"]


@pytest.mark.django_db
def test_an_unreadable_file_is_refused_on_the_upload_form(client, users, departments):
    client.force_login(users["sysadmin"])

    page = upload(client, b"\xff\xfe\x00\x00garbage", "方案.pdf")

    assert page.status_code == 200
    assert "不是 .txt 或 .docx 文件" in page.content.decode()
    assert not client.session.get(SESSION_KEY)


@pytest.mark.django_db
def test_a_kept_file_changed_after_the_preview_is_refused(client, users, departments):
    client.force_login(users["sysadmin"])
    preview = upload(client)
    kept = next(iter(client.session[SESSION_KEY].values()))
    (_folder() / kept["file"]).write_bytes(YINGTAN.replace("5000", "9000").encode())

    response = client.post(
        reverse(CONFIRM), confirm_data(preview, unit_0="ignore", confirm="1")
    )

    assert response.status_code == 302
    assert not Policy.objects.exists()


@pytest.mark.django_db
def test_a_token_not_of_this_session_is_refused(client, users, departments):
    client.force_login(users["sysadmin"])

    response = client.post(
        reverse(CONFIRM),
        {"token": "0" * 32, "number": NUMBER, "title": "x", "confirm": "1"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse(UPLOAD)
    assert not Policy.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("url", [UPLOAD, CONFIRM])
@pytest.mark.parametrize(
    "role", ["anonymous", "reporter", "leader", "reviewer", "other_department"]
)
def test_non_admin_roles_are_sent_to_the_admin_login(client, users, role, url):
    if role != "anonymous":
        client.force_login(users[role])

    response = client.get(reverse(url))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", [UPLOAD, CONFIRM])
def test_staff_without_the_right_to_add_policies_is_refused(client, users, url):
    from accounts.roles import RoleName
    from accounts.services import user_create

    security = user_create(
        username="security",
        password="Pass#word123",
        role=RoleName.SECURITY,
        department=Department.objects.get(name="市人社局"),
        must_change_password=False,
    )
    assert security.is_staff
    client.force_login(security)

    assert client.get(reverse(url)).status_code == 403
    assert client.post(reverse(url), {}).status_code == 403


@pytest.mark.django_db
def test_an_annex_uploaded_with_the_document_gives_the_tasks(
    client, users, departments
):
    from tests.tasks.test_annex_variants import workbook_bytes

    annex = workbook_bytes(
        [
            ("序号", "重点任务", "工作要求", "责任部门"),
            (1, "开展家政技能培训", "开展订单式培训", "市人社局"),
            (2, "推进家政服务标准化", "制定地方标准", "市市场监管局"),
        ]
    )
    client.force_login(users["sysadmin"])
    preview = upload(client, annex=SimpleUploadedFile("附件.xlsx", annex))

    assert "有 2 行工作要求" in preview.content.decode()
    client.post(reverse(CONFIRM), confirm_data(preview, unit_0="ignore", confirm="1"))

    policy = Policy.objects.get(number=NUMBER)
    assert list(
        Task.objects.filter(policy=policy).values_list("requirement", flat=True)
    ) == ["开展订单式培训", "制定地方标准"]
    assert not client.session.get(SESSION_KEY)


@pytest.mark.django_db
def test_an_unreadable_annex_is_refused_on_the_upload_form(client, users, departments):
    client.force_login(users["sysadmin"])

    page = upload(client, annex=SimpleUploadedFile("附件.xlsx", b"not a workbook"))

    assert "不是 Excel 工作簿" in page.content.decode()
    assert not Policy.objects.exists()


@pytest.mark.django_db
def test_an_upload_sweeps_files_left_a_day_but_keeps_its_own(
    client, users, departments
):
    import os
    import time

    from targets.policy_import import KEPT_SECONDS

    stale = _folder() / ("0" * 32)
    stale.write_bytes(b"left")
    old = time.time() - KEPT_SECONDS - 60
    os.utime(stale, (old, old))
    fresh = _folder() / ("1" * 32)
    fresh.write_bytes(b"another session's, an hour old")
    hour_ago = time.time() - 3600
    os.utime(fresh, (hour_ago, hour_ago))
    client.force_login(users["sysadmin"])

    upload(client)

    assert not stale.exists()
    assert fresh.exists()
    kept = next(iter(client.session[SESSION_KEY].values()))
    assert (_folder() / kept["file"]).exists()
    fresh.unlink()
