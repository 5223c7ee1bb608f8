"""Each write to business data leaves exactly one audit record, in its own
transaction: who, from where, on what, before and after."""

import datetime
import io
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from audit.models import AuditEvent
from audit.services import audit_record, json_safe, snapshot
from dispatch.models import Evidence, PeriodStatus, ProgressReport, ReportState
from dispatch.services import (
    ReportError,
    evidence_add,
    evidence_remove,
    period_close,
    period_open,
    period_reopen,
    report_save,
    report_transition,
    urge_create,
)
from targets.models import ReadingSource, Target
from targets.services import (
    TargetError,
    reading_record,
    target_decide,
    targets_extract,
)
from tests.audit.conftest import events, only_event
from tests.conftest import fill, import_annex_file, import_policy_text

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture
def report(period, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return ProgressReport.objects.select_related("period", "department", "task").get(
        period=period, task__number=1, department__name="贵溪市人民政府"
    )


def assert_actor(event: AuditEvent, user, ip="10.1.2.3") -> None:
    assert (event.actor_id, event.actor_username) == (user.pk, user.username)
    assert event.actor_department == str(user.department)
    assert event.ip == ip


@pytest.mark.django_db
def test_report_save_records_the_changed_fields_before_and_after(
    report, users, in_request
):
    in_request(users["reporter"])
    fill(report, users["reporter"], progress="第一稿", completion=10)
    report_save(
        report=report,
        data={"progress": "第二稿", "completion": 10, "problems": ""},
        expected_version=report.version,
        actor=users["reporter"],
    )

    first, second = events("report.save")
    assert_actor(second, users["reporter"])
    assert (second.object_type, second.object_id) == (
        "dispatch.progressreport",
        str(report.pk),
    )
    assert second.department == "贵溪市人民政府"
    # Only what moved: the text and the version, not the unchanged fields.
    assert second.before == {"progress": "第一稿", "version": 1}
    assert second.after == {"progress": "第二稿", "version": 2}
    assert first.before == {
        "progress": "",
        "proposed_status": "",
        "completion": None,
        "version": 0,
    }


@pytest.mark.django_db
def test_a_stale_save_is_refused_and_leaves_no_record(report, users):
    fill(report, users["reporter"])
    stale = ProgressReport.objects.get(pk=report.pk)
    fill(report, users["reporter"], progress="别人先保存了")
    with pytest.raises(ReportError):
        report_save(
            report=stale,
            data={"progress": "旧版本"},
            expected_version=1,
            actor=users["reporter"],
        )
    assert len(events("report.save")) == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "reason", "before", "after"),
    [
        ("approve", "", "submitted", "approved"),
        ("return", "请补充培训名单。", "submitted", "returned"),
    ],
)
def test_report_transition_records_its_states_and_reason(
    report, users, in_request, action, reason, before, after
):
    fill(report, users["reporter"])
    report_transition(report=report, action="submit", actor=users["reporter"])
    in_request(users["reviewer"])
    report_transition(
        report=report, action=action, actor=users["reviewer"], reason=reason
    )

    submitted = only_event("report.submit")
    assert submitted.before == {"state": "draft"}
    assert submitted.after == {"state": "submitted", "reason": ""}
    event = only_event(f"report.{action}")
    assert_actor(event, users["reviewer"])
    assert event.before == {"state": before}
    assert event.after == {"state": after, "reason": reason}
    assert event.object_id == str(report.pk)


@pytest.mark.django_db
def test_a_refused_transition_leaves_no_record(report, users):
    with pytest.raises(ReportError, match="提交前请填写"):
        report_transition(report=report, action="submit", actor=users["reporter"])
    # Refused inside its transaction: the state check runs after the lock.
    with pytest.raises(ReportError, match="不能执行"):
        report_transition(report=report, action="approve", actor=users["reviewer"])
    assert not AuditEvent.objects.filter(action__startswith="report.").exclude(
        action="report.save"
    )


@pytest.mark.django_db
def test_a_change_rolled_back_by_its_caller_takes_its_record_with_it(period, users):
    with pytest.raises(RuntimeError), transaction.atomic():
        period_close(period=period, actor=users["reviewer"])
        assert only_event("period.close")
        raise RuntimeError("the caller's later step fails")
    period.refresh_from_db()
    assert period.status == PeriodStatus.OPEN
    assert not events("period.close")


@pytest.mark.django_db
def test_periods_record_opening_closing_and_reopening(policy, users, in_request):
    in_request(users["reviewer"])
    period = period_open(
        year=2024, month=5, deadline=datetime.date(2024, 5, 25), actor=users["reviewer"]
    )
    opened = only_event("period.open")
    assert_actor(opened, users["reviewer"])
    assert opened.before is None
    assert opened.after["deadline"] == "2024-05-25"
    assert (
        opened.after["reports_created"]
        == ProgressReport.objects.filter(period=period).count()
    )

    period_close(period=period, actor=users["reviewer"])
    closed = only_event("period.close")
    assert closed.before == {
        "deadline": "2024-05-25",
        "status": "open",
        "closed_at": None,
    }
    assert closed.after["status"] == "closed"
    assert closed.after["closed_at"] == period.closed_at.isoformat()

    period_reopen(period=period, actor=users["reviewer"])
    reopened = only_event("period.reopen")
    assert reopened.before["status"] == "closed"
    assert reopened.after == {
        "deadline": "2024-05-25",
        "status": "open",
        "closed_at": None,
    }


@pytest.mark.django_db
def test_evidence_upload_and_removal_are_recorded(report, users, in_request):
    in_request(users["reporter"])
    evidence = evidence_add(
        report=report,
        upload=SimpleUploadedFile("签到表.pdf", PDF),
        actor=users["reporter"],
    )
    added = only_event("evidence.add")
    assert_actor(added, users["reporter"])
    assert added.object_repr == "签到表.pdf"
    assert added.department == "贵溪市人民政府"
    assert added.after["sha256"] == evidence.sha256
    assert added.after["size"] == len(PDF)
    assert added.after["report"] == report.pk

    pk = evidence.pk
    evidence_remove(evidence=evidence, actor=users["reporter"])
    removed = only_event("evidence.remove")
    assert removed.object_id == str(pk)
    assert removed.before == added.after
    assert removed.after is None
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_a_refused_upload_leaves_no_record(report, users):
    with pytest.raises(ReportError):
        evidence_add(
            report=report,
            upload=SimpleUploadedFile("病毒.exe", b"MZ\x90\x00"),
            actor=users["reporter"],
        )
    assert not events("evidence.add")


@pytest.mark.django_db
def test_evidence_download_is_recorded_with_the_address(client, report, users):
    evidence = evidence_add(
        report=report,
        upload=SimpleUploadedFile("签到表.pdf", PDF),
        actor=users["reporter"],
    )
    client.force_login(users["reviewer"])
    url = reverse("dispatch:evidence-download", args=[evidence.pk])
    response = client.get(url, REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 200
    b"".join(response.streaming_content)

    event = only_event("evidence.download")
    assert_actor(event, users["reviewer"], ip="10.9.8.7")
    assert (event.object_type, event.object_id) == (
        "dispatch.evidence",
        str(evidence.pk),
    )
    assert event.department == "贵溪市人民政府"


@pytest.mark.django_db
def test_a_refused_download_is_not_recorded_as_one(client, report, users):
    evidence = evidence_add(
        report=report,
        upload=SimpleUploadedFile("签到表.pdf", PDF),
        actor=users["reporter"],
    )
    client.force_login(users["other_department"])
    url = reverse("dispatch:evidence-download", args=[evidence.pk])
    assert client.get(url).status_code == 404
    assert not events("evidence.download")


@pytest.mark.django_db
def test_urging_is_recorded(period, users, in_request, mailoutbox):
    in_request(users["reviewer"])
    guixi = users["reporter"].department
    urge = urge_create(
        period=period,
        department=guixi,
        message="请本周内报送。",
        actor=users["reviewer"],
    )
    event = only_event("urge.create")
    assert_actor(event, users["reviewer"])
    assert event.object_id == str(urge.pk)
    assert event.department == "贵溪市人民政府"
    assert event.after["message"] == "请本周内报送。"
    assert event.after["period"] == period.pk


@pytest.mark.django_db
def test_each_import_is_one_record_with_its_counts(departments, users, in_request):
    in_request(users["sysadmin"])
    import_policy_text(user=users["sysadmin"])
    import_annex_file(name="附件.xlsx", user=users["sysadmin"])

    text = only_event("import.policy")
    assert_actor(text, users["sysadmin"])
    assert text.after["created"] == 20
    assert text.after["file_name"] == "policy.txt"
    annex = only_event("import.annex")
    assert annex.object_type == "tasks.importrecord"
    assert annex.after["created"] == 40
    assert annex.after["file_name"] == "附件.xlsx"
    assert len(annex.after["sha256"]) == 64
    # Forty tasks, one record.
    assert AuditEvent.objects.filter(action__startswith="import.").count() == 2


@pytest.mark.django_db
def test_a_dry_run_import_is_not_recorded(departments):
    import_policy_text(dry_run=True)
    import_annex_file(dry_run=True)
    assert not AuditEvent.objects.filter(action__startswith="import.").exists()


def candidate():
    parsed = SimpleNamespace(
        metric="规模以上铜企业",
        value=Decimal(230),
        unit="家",
        comparator="gte",
        aspirational=False,
        deadline=datetime.date(2025, 12, 31),
        kind="cumulative",
        baseline_multiplier=None,
        note="",
        sentence="到2025年,规模以上铜企业达到230家。",
    )
    return SimpleNamespace(
        source_ref="附件第3行",
        task_number=3,
        key_task_number=None,
        target=parsed,
        fingerprint="fp-audit",
    )


@pytest.mark.django_db
def test_targets_extraction_decision_and_reading_are_recorded(
    policy, users, in_request
):
    in_request(users["reviewer"])
    targets_extract(policy=policy, candidates=[candidate()], dry_run=True)
    assert not events("target.extract")
    targets_extract(policy=policy, candidates=[candidate()])
    extracted = only_event("target.extract")
    assert_actor(extracted, users["reviewer"])
    assert extracted.after == {"created": 1, "kept": 0, "stale": 0}

    target = target_decide(
        target=Target.objects.get(), accept=True, actor=users["reviewer"]
    )
    decided = only_event("target.decide")
    assert decided.before == {
        "review_status": "proposed",
        "reviewed_by": None,
        "reviewed_at": None,
    }
    assert decided.after["review_status"] == "accepted"
    assert decided.after["reviewed_by"] == users["reviewer"].pk

    reading_record(
        target=target,
        value="120",
        as_of=datetime.date(2024, 6, 30),
        source=ReadingSource.REVIEWER,
        actor=users["reviewer"],
    )
    reading = only_event("reading.record")
    assert_actor(reading, users["reviewer"])
    assert reading.before is None
    assert reading.after["value"] == "120"
    assert reading.after["as_of"] == "2024-06-30"
    assert reading.after["target"] == target.pk


@pytest.mark.django_db
def test_a_refused_reading_is_not_recorded(policy, users):
    targets_extract(policy=policy, candidates=[candidate()])
    with pytest.raises(TargetError, match="尚未确认"):
        reading_record(
            target=Target.objects.get(),
            value="120",
            as_of=datetime.date(2024, 6, 30),
            source=ReadingSource.REVIEWER,
            actor=users["reviewer"],
        )
    assert not events("reading.record")


@pytest.mark.django_db
def test_account_creation_is_recorded_without_the_password(users):
    event = AuditEvent.objects.get(action="account.create", object_repr="reporter")
    assert event.object_type == "accounts.user"
    assert event.after["username"] == "reporter"
    assert event.after["role"] == "reporter"
    assert "Pass#word123" not in str(event.after)


@pytest.mark.django_db
def test_outside_a_request_the_actor_is_whoever_the_service_names(period, users):
    period_close(period=period, actor=users["reviewer"])
    event = only_event("period.close")
    assert event.actor_username == "reviewer"
    assert event.ip is None


@pytest.mark.django_db
def test_snapshot_gives_json_values_that_read_back_unchanged(report, users):
    fill(report, users["reporter"], completion=35)
    report.refresh_from_db()
    values = snapshot(report, ["completion", "period", "submitted_at", "progress"])
    assert values == {
        "completion": 35,
        "period": report.period_id,
        "submitted_at": None,
        "progress": "本月完成培训 300 人次。",
    }
    assert json_safe(
        {"n": Decimal("1.50"), "d": datetime.date(2025, 1, 2), "s": ReportState.DRAFT}
    ) == {"n": "1.50", "d": "2025-01-02", "s": "draft"}


@pytest.mark.django_db
def test_an_unknown_action_is_refused():
    with pytest.raises(ValueError, match="未知的审计操作"):
        audit_record(action="report.delete")


@pytest.mark.django_db
def test_sheet_download_and_upload_are_recorded(client, report, users):
    client.force_login(users["reporter"])
    url = reverse("dispatch:sheet-download", args=[report.period.pk])
    response = client.get(url, REMOTE_ADDR="10.9.8.7")
    data = b"".join(response.streaming_content)
    exported = only_event("export.sheet")
    assert_actor(exported, users["reporter"], ip="10.9.8.7")
    assert (exported.object_type, exported.object_id) == (
        "dispatch.reportingperiod",
        str(report.period.pk),
    )
    assert exported.after["file_name"].endswith(".xlsx")

    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    header = next(
        row for row in sheet.iter_rows(max_row=10) if row[0].value == "报告编号"
    )
    columns = {cell.value: cell.column for cell in header}
    row = next(
        r
        for r in range(header[0].row + 1, sheet.max_row + 1)
        if sheet.cell(r, columns["报告编号"]).value == report.pk
    )
    sheet.cell(row, columns["本月进展"], "表格填报的进展")
    sheet.cell(row, columns["进度判断"], "正常推进")
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("填报表.xlsx", buffer.getvalue())
    response = client.post(
        reverse("dispatch:sheet-upload", args=[report.period.pk]),
        {"file": upload},
        REMOTE_ADDR="10.9.8.7",
    )
    assert response.status_code == 302

    imported = only_event("import.sheet")
    assert_actor(imported, users["reporter"], ip="10.9.8.7")
    assert imported.after["updated"] == 1
    assert imported.after["reports"] == [report.pk]
    assert imported.after["file_name"] == "填报表.xlsx"
    # The row's own change is recorded by report_save, in the same upload.
    saved = only_event("report.save")
    assert saved.after["progress"] == "表格填报的进展"
    assert saved.ip == "10.9.8.7"


@pytest.mark.django_db
def test_admin_edits_of_business_data_are_recorded(client, policy, users):
    from django.urls import reverse

    from audit.models import AuditEvent
    from tasks.models import Department

    department = Department.objects.get(name="市大数据中心")
    client.force_login(users["sysadmin"])
    url = reverse("admin:tasks_department_change", args=[department.pk])
    response = client.post(
        url,
        {
            "name": "市大数据中心",
            "full_name": "鹰潭市大数据发展中心",
            "kind": department.kind,
            "sort_order": department.sort_order,
            "aliases-TOTAL_FORMS": "0",
            "aliases-INITIAL_FORMS": "0",
            "aliases-MIN_NUM_FORMS": "0",
            "aliases-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="admin.change")
    assert event.actor_username == "sysadmin"
    assert event.before["full_name"] == "鹰潭市大数据中心"
    assert event.after["full_name"] == "鹰潭市大数据发展中心"
