"""The admin: every model's pages in Chinese, and the annex import with its
preview-then-confirm step."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tasks.models import (
    Department,
    DepartmentAlias,
    ImportRecord,
    KeyTask,
    KeyTaskAssignment,
    Policy,
    Responsibility,
    Section,
    Task,
)
from tests.conftest import ANNEX_PATH, POLICY_NUMBER, import_policy_text

MODELS = [
    Policy,
    Section,
    KeyTask,
    KeyTaskAssignment,
    Task,
    Responsibility,
    Department,
    DepartmentAlias,
    ImportRecord,
]


def upload(data: bytes, name: str = "附件.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_sysadmin_opens_changelist_with_search_and_filters(
    client, policy, users, model
):
    client.force_login(users["sysadmin"])
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = client.get(url, {"q": "人社"})
    assert response.status_code == 200
    assert model._meta.verbose_name_plural in response.content.decode()


@pytest.mark.django_db
def test_sysadmin_opens_change_pages(client, policy, users):
    client.force_login(users["sysadmin"])
    task = Task.objects.get(number=1)
    department = Department.objects.get(name="高新区管委会")
    key_task = KeyTask.objects.get(number=1)
    for url in [
        reverse("admin:tasks_task_change", args=[task.pk]),
        reverse("admin:tasks_department_change", args=[department.pk]),
        reverse("admin:tasks_keytask_change", args=[key_task.pk]),
    ]:
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["reporter", "leader", "reviewer", "other_department"])
def test_non_admin_roles_cannot_reach_the_admin_import(client, policy, users, role):
    client.force_login(users[role])
    response = client.get(reverse("admin:tasks_task_import"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_admin_import_previews_then_confirms(client, departments, users):
    import_policy_text()
    policy = Policy.objects.get(number=POLICY_NUMBER)
    client.force_login(users["sysadmin"])
    url = reverse("admin:tasks_task_import")
    assert client.get(url).status_code == 200

    preview = client.post(
        url,
        {
            "import_file": upload(ANNEX_PATH.read_bytes()),
            "format": "0",
            "policy": policy.pk,
        },
    )
    assert preview.status_code == 200
    result = preview.context["result"]
    assert not result.has_errors()
    assert result.totals["new"] == 40
    assert Task.objects.count() == 0  # a preview writes nothing
    text = preview.content.decode()
    assert "12类产业链牵头单位" in text  # the notes are shown

    confirm = preview.context["confirm_form"]
    response = client.post(
        reverse("admin:tasks_task_process_import"),
        {name: confirm[name].value() for name in confirm.fields},
    )
    assert response.status_code == 302
    assert Task.objects.count() == 40
    assert Responsibility.objects.filter(role="lead").exists()
    record = ImportRecord.objects.get(kind="annex")
    assert record.imported_by == users["sysadmin"]
    assert record.created_count == 40

    again = client.post(
        url,
        {
            "import_file": upload(ANNEX_PATH.read_bytes()),
            "format": "0",
            "policy": policy.pk,
        },
    )
    totals = again.context["result"].totals
    assert (totals["new"], totals["update"], totals["skip"]) == (0, 0, 40)


@pytest.mark.django_db
def test_admin_import_of_bad_file_shows_chinese_error_and_writes_nothing(
    client, departments, users
):
    policy = Policy.objects.create(number=POLICY_NUMBER)
    client.force_login(users["sysadmin"])
    response = client.post(
        reverse("admin:tasks_task_import"),
        {
            "import_file": upload(b"not a workbook", "附件.xlsx"),
            "format": "0",
            "policy": policy.pk,
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["import_file"]
    assert any("不是 Excel 工作簿" in e for e in errors)
    assert "confirm_form" not in response.context
    assert Task.objects.count() == 0


@pytest.mark.django_db
def test_admin_import_with_unknown_department_lists_it(client, departments, users):
    import openpyxl

    workbook = openpyxl.load_workbook(ANNEX_PATH)
    workbook.active["D5"] = "市XX局、市人社局"
    from io import BytesIO

    buffer = BytesIO()
    workbook.save(buffer)
    policy = Policy.objects.create(number=POLICY_NUMBER)
    client.force_login(users["sysadmin"])
    response = client.post(
        reverse("admin:tasks_task_import"),
        {"import_file": upload(buffer.getvalue()), "format": "0", "policy": policy.pk},
    )
    result = response.context["result"]
    assert result.has_errors()
    text = re.sub(r"\s+", "", response.content.decode())
    assert "第5行“责任部门”列:“市XX局”" in text
    assert "部门别名" in text
    assert Task.objects.count() == 0
    assert KeyTaskAssignment.objects.count() == 0


@pytest.mark.django_db
def test_sysadmin_opens_and_closes_periods_in_the_admin(client, policy, users):
    from dispatch.models import PeriodStatus, ProgressReport, ReportingPeriod

    client.force_login(users["sysadmin"])
    response = client.post(
        reverse("admin:dispatch_reportingperiod_add"),
        {"year": 2025, "month": 4, "deadline": "2025-04-25"},
    )
    assert response.status_code == 302
    period = ReportingPeriod.objects.get(year=2025, month=4)
    assert ProgressReport.objects.filter(period=period).count() == 270
    client.post(
        reverse("admin:dispatch_reportingperiod_changelist"),
        {"action": "close_periods", "_selected_action": [period.pk]},
    )
    period.refresh_from_db()
    assert period.status == PeriodStatus.CLOSED


@pytest.mark.django_db
def test_reports_are_read_only_in_the_admin(client, period, users):
    from django.contrib.auth.models import Permission

    from dispatch.models import ProgressReport

    users["sysadmin"].user_permissions.add(
        Permission.objects.get(codename="view_progressreport")
    )
    client.force_login(users["sysadmin"])
    report = ProgressReport.objects.filter(period=period).first()
    url = reverse("admin:dispatch_progressreport_change", args=[report.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="progress"' not in response.content.decode()
    assert client.post(url, {"progress": "x"}).status_code == 403
