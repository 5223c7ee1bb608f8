"""The offline round trip of the monthly report.

The sheet a department downloads holds exactly its reports of the period,
with formula-like text defused; a filled sheet is applied as a whole or not
at all, and every refusal names the row and the column in Chinese.
"""

import io
import zipfile
from urllib.parse import quote

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import dispatch.services.sheet as sheet_module
import tasks.importers.annex as annex_module
from dispatch import services
from dispatch.models import ProgressReport, ReportState
from tasks.importers.errors import ImportFailed
from tasks.models import Department
from tests.conftest import ANNEX_PATH
from tests.factories import ResponsibilityFactory, TaskFactory

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATUS_CHOICES = "正常推进、进度滞后、严重滞后、已完成"


@pytest.fixture
def period(policy):
    return services.period_open(year=2025, month=3)


@pytest.fixture
def february(policy):
    return services.period_open(year=2025, month=2)


@pytest.fixture
def guixi():
    return Department.objects.get(name="贵溪市人民政府")


def guixi_reports(period) -> list[ProgressReport]:
    return list(
        ProgressReport.objects.filter(
            period=period, department__name="贵溪市人民政府"
        ).order_by("task__number")
    )


def snapshot() -> dict[int, dict]:
    """Everything an upload could change, for every report in the database."""
    return {
        row["pk"]: row
        for row in ProgressReport.objects.values(
            "pk",
            "version",
            "progress",
            "problems",
            "next_steps",
            "proposed_status",
            "completion",
            "state",
            "updated_by",
        )
    }


def fetch(client, user, period) -> bytes:
    client.force_login(user)
    response = client.get(reverse("dispatch:sheet-download", args=[period.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


class Sheet:
    """A downloaded sheet, filled in by label as a person fills it in."""

    def __init__(self, data: bytes):
        self.workbook = openpyxl.load_workbook(io.BytesIO(data))
        self.sheet = self.workbook.worksheets[0]
        for row in self.sheet.iter_rows(max_row=10):
            labels = [cell.value for cell in row]
            if "报告编号" in labels:
                self.header_row = row[0].row
                self.columns = {cell.value: cell.column for cell in row if cell.value}
                break
        else:
            raise AssertionError("no header row")

    def rows(self) -> dict[int, int]:
        """Report id → sheet row."""
        column = self.columns["报告编号"]
        return {
            self.sheet.cell(row, column).value: row
            for row in range(self.header_row + 1, self.sheet.max_row + 1)
            if self.sheet.cell(row, column).value is not None
        }

    def get(self, report_pk: int, label: str):
        return self.sheet.cell(self.rows()[report_pk], self.columns[label]).value

    def fill(self, report_pk: int, **values) -> int:
        """Set cells of the report's row; keyword ``completion`` stands for
        the 完成度(%) column, whose label is no Python name."""
        row = self.rows()[report_pk]
        for label, value in values.items():
            label = {"completion": "完成度(%)"}.get(label, label)
            self.sheet.cell(row, self.columns[label], value)
        return row

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()


def download(client, user, period) -> Sheet:
    return Sheet(fetch(client, user, period))


def upload(client, period, data: bytes, name: str = "填报表.xlsx"):
    return client.post(
        reverse("dispatch:sheet-upload", args=[period.pk]),
        {"file": SimpleUploadedFile(name, data, content_type=XLSX)},
    )


def errors_of(response) -> list[str]:
    assert response.status_code == 400
    return response.context["errors"]


# -- the download --------------------------------------------------------------


@pytest.mark.django_db
def test_reporter_downloads_exactly_the_department_reports_of_the_period(
    client, users, period, february, guixi
):
    client.force_login(users["reporter"])
    response = client.get(reverse("dispatch:sheet-download", args=[period.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''" + quote("2025年3月进展报告-贵溪市人民政府.xlsx")
    )
    sheet = Sheet(b"".join(response.streaming_content))
    expected = {
        (report.pk, report.task.number)
        for report in ProgressReport.objects.filter(
            period=period, department=guixi
        ).select_related("task")
    }
    assert len(expected) > 10
    got = {
        (pk, sheet.sheet.cell(row, sheet.columns["任务序号"]).value)
        for pk, row in sheet.rows().items()
    }
    assert got == expected
    assert sheet.sheet["A1"].value == "2025年3月 技能鹰潭行动进展报告 — 贵溪市人民政府"


@pytest.mark.django_db
def test_sheet_has_the_report_columns_values_and_validations(client, users, period):
    report = guixi_reports(period)[0]
    services.report_save(
        report=report,
        data={
            "progress": "已开班 3 期",
            "proposed_status": "at_risk",
            "completion": 40,
        },
        expected_version=report.version,
        actor=users["reporter"],
    )
    report.refresh_from_db()

    sheet = download(client, users["reporter"], period)

    assert list(sheet.columns) == [
        "报告编号",
        "任务序号",
        "重点任务",
        "工作要求",
        "本部门角色",
        "本月进展",
        "存在问题",
        "下步计划",
        "进度判断",
        "完成度(%)",
        "状态",
        "版本",
    ]
    assert sheet.get(report.pk, "工作要求") == report.task.requirement
    assert sheet.get(report.pk, "本部门角色") == report.get_role_display()
    assert sheet.get(report.pk, "本月进展") == "已开班 3 期"
    assert sheet.get(report.pk, "进度判断") == "进度滞后"
    assert sheet.get(report.pk, "完成度(%)") == 40
    assert sheet.get(report.pk, "状态") == "草稿"
    assert sheet.get(report.pk, "版本") == report.version == 1
    last = sheet.header_row + len(sheet.rows())
    validations = {str(v.sqref): v for v in sheet.sheet.data_validations.dataValidation}
    status = validations[f"I{sheet.header_row + 1}:I{last}"]
    assert status.type == "list"
    assert status.formula1 == '"正常推进,进度滞后,严重滞后,已完成"'
    completion = validations[f"J{sheet.header_row + 1}:J{last}"]
    assert (completion.type, completion.operator) == ("whole", "between")
    assert (completion.formula1, completion.formula2) == ("0", "100")


@pytest.mark.django_db
def test_formula_like_text_is_escaped_in_the_download_and_read_back_intact(
    client, users, period
):
    report = guixi_reports(period)[0]
    texts = {
        "progress": '=HYPERLINK("http://evil.example/","点击查看")',
        "problems": "+1 缺口",
        "next_steps": "@SUM(A1:A9)",
    }
    services.report_save(
        report=report,
        data=texts,
        expected_version=report.version,
        actor=users["reporter"],
    )
    before = snapshot()

    data = fetch(client, users["reporter"], period)
    sheet = Sheet(data)

    for label, name in (
        ("本月进展", "progress"),
        ("存在问题", "problems"),
        ("下步计划", "next_steps"),
    ):
        cell = sheet.sheet.cell(sheet.rows()[report.pk], sheet.columns[label])
        assert cell.value == "'" + texts[name]
        assert cell.data_type == "s"
    formulas = [
        cell.coordinate
        for row in sheet.sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []

    response = upload(client, period, data)

    assert response.status_code == 302
    assert snapshot() == before


# -- the round trip ------------------------------------------------------------


@pytest.mark.django_db
def test_round_trip_updates_the_filled_rows_and_nothing_else(client, users, period):
    first, second = guixi_reports(period)[:2]
    before = snapshot()
    sheet = download(client, users["reporter"], period)
    sheet.fill(
        first.pk,
        本月进展="举办铜产业技能培训 2 期,培训 160 人次。",
        存在问题="师资不足",
        下步计划="4 月开展技能竞赛",
        进度判断="正常推进",
        completion=35,
    )
    sheet.fill(second.pk, 本月进展="完成调研", 进度判断="严重滞后", completion="10")

    response = upload(client, period, sheet.bytes())

    assert response.status_code == 302
    assert response["Location"] == (
        reverse("dispatch:my-tasks") + f"?period={period.pk}"
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.progress == "举办铜产业技能培训 2 期,培训 160 人次。"
    assert first.problems == "师资不足"
    assert first.next_steps == "4 月开展技能竞赛"
    assert first.proposed_status == "on_track"
    assert first.completion == 35
    assert second.progress == "完成调研"
    assert second.proposed_status == "behind"
    assert second.completion == 10
    for report in (first, second):
        assert report.version == before[report.pk]["version"] + 1
        assert report.updated_by == users["reporter"]
        assert report.state == ReportState.DRAFT
    after = snapshot()
    del before[first.pk], before[second.pk], after[first.pk], after[second.pk]
    assert after == before
    followed = client.get(response["Location"])
    unchanged = len(sheet.rows()) - 2
    assert [str(m) for m in followed.context["messages"]] == [
        f"已从表格更新 2 份报告,{unchanged} 份未改动。"
    ]


@pytest.mark.django_db
def test_a_report_at_the_maximum_length_goes_round_the_sheet_byte_for_byte(
    client, users, period
):
    report = guixi_reports(period)[0]
    line = "=本月完成培训 300 人次,“技能鹰潭”\t行动👷"
    text = ((line + "\n") * 200)[:4999] + "末"
    texts = dict.fromkeys(("progress", "problems", "next_steps"), text)
    texts["problems"] = "'" + texts["problems"][1:]
    assert {len(text) for text in texts.values()} == {5000}
    services.report_save(
        report=report,
        data=texts,
        expected_version=report.version,
        actor=users["reporter"],
    )
    before = snapshot()

    data = fetch(client, users["reporter"], period)
    assert upload(client, period, data).status_code == 302
    assert snapshot() == before

    # A change elsewhere in the row saves the row's texts again, unchanged.
    sheet = Sheet(data)
    sheet.fill(report.pk, completion=60)
    assert upload(client, period, sheet.bytes()).status_code == 302
    report.refresh_from_db()
    assert report.completion == 60
    for name, text in texts.items():
        assert getattr(report, name).encode() == text.encode()


@pytest.mark.django_db
def test_a_requirement_longer_than_a_cell_is_shortened_visibly_not_silently(
    client, users, period, guixi
):
    requirement = "要" * 40_000
    ResponsibilityFactory(task=TaskFactory(requirement=requirement), department=guixi)
    services.period_ensure_reports(period=period)
    report = ProgressReport.objects.get(period=period, task__requirement=requirement)

    sheet = download(client, users["reporter"], period)

    cell = sheet.get(report.pk, "工作要求")
    assert len(cell) <= 32_767
    assert cell.endswith("……(全文 40000 字,超出表格单元格上限,请在平台上查看全文)")
    assert upload(client, period, sheet.bytes()).status_code == 302
    report.refresh_from_db()
    assert report.task.requirement == requirement


@pytest.mark.django_db
def test_leader_may_upload_the_department_sheet(client, users, period):
    report = guixi_reports(period)[0]
    sheet = download(client, users["leader"], period)
    sheet.fill(report.pk, 本月进展="负责人补充")

    assert upload(client, period, sheet.bytes()).status_code == 302
    report.refresh_from_db()
    assert (report.progress, report.updated_by) == ("负责人补充", users["leader"])


@pytest.mark.django_db
def test_uploading_the_unchanged_sheet_writes_nothing(client, users, period):
    before = snapshot()
    data = fetch(client, users["reporter"], period)

    response = upload(client, period, data)

    assert response.status_code == 302
    assert snapshot() == before


# -- refusals: all or nothing ----------------------------------------------------


def bad_status(sheet, reports, period, february):
    row = sheet.fill(reports[2].pk, 进度判断="很好")
    return (
        f"第{row}行“进度判断”列(I列):“很好”不是有效的进度判断,"
        f"请从下拉列表中选择({STATUS_CHOICES})。"
    )


def completion_over_100(sheet, reports, period, february):
    row = sheet.fill(reports[2].pk, completion=150)
    return f"第{row}行“完成度(%)”列(J列):“150”不是 0 到 100 之间的整数。"


def completion_not_a_number(sheet, reports, period, february):
    row = sheet.fill(reports[2].pk, completion="过半")
    return f"第{row}行“完成度(%)”列(J列):“过半”不是 0 到 100 之间的整数。"


def report_of_another_department(sheet, reports, period, february):
    other = ProgressReport.objects.filter(
        period=period, department__name="市教育局"
    ).first()
    row = sheet.fill(reports[2].pk, 报告编号=other.pk, 任务序号=other.task.number)
    return (
        f"第{row}行“报告编号”列(A列):编号为 {other.pk} 的报告不是本部门2025年3月的"
        "报告。请使用本期下载的填报表,不要修改该列。"
    )


def report_of_another_period(sheet, reports, period, february):
    earlier = ProgressReport.objects.get(
        period=february, task=reports[2].task, department=reports[2].department
    )
    row = sheet.fill(reports[2].pk, 报告编号=earlier.pk)
    return (
        f"第{row}行“报告编号”列(A列):编号为 {earlier.pk} 的报告不是本部门2025年3月"
        "的报告。请使用本期下载的填报表,不要修改该列。"
    )


def task_number_changed(sheet, reports, period, february):
    row = sheet.fill(reports[2].pk, 任务序号=reports[3].task.number)
    return (
        f"第{row}行“任务序号”列(B列):任务序号“{reports[3].task.number}”与报告编号"
        f" {reports[2].pk} 的任务({reports[2].task.number})不符,请勿修改这两列。"
    )


def text_over_the_limit(sheet, reports, period, february):
    row = sheet.fill(reports[2].pk, 存在问题="缺" * 5001)
    return f"第{row}行“存在问题”列(G列):存在问题不能超过 5000 字(现有 5001 字)。"


def text_as_long_as_a_cell_holds(sheet, reports, period, february):
    row = sheet.fill(reports[2].pk, 本月进展="进" * 32_767)
    return f"第{row}行“本月进展”列(F列):本月进展不能超过 5000 字(现有 32767 字)。"


def row_added(sheet, reports, period, february):
    row = sheet.sheet.max_row + 1
    sheet.sheet.cell(row, sheet.columns["本月进展"], "新增的一行")
    return (
        f"第{row}行“报告编号”列(A列):报告编号为空。本表只能填写已有的报告,不能新增行。"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "spoil",
    [
        bad_status,
        completion_over_100,
        completion_not_a_number,
        report_of_another_department,
        report_of_another_period,
        task_number_changed,
        text_over_the_limit,
        text_as_long_as_a_cell_holds,
        row_added,
    ],
)
def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_written(
    client, users, period, february, spoil
):
    reports = guixi_reports(period)
    before = snapshot()
    sheet = download(client, users["reporter"], period)
    sheet.fill(reports[0].pk, 本月进展="这一行本身没有问题", completion=20)
    expected = spoil(sheet, reports, period, february)

    response = upload(client, period, sheet.bytes())

    assert errors_of(response) == [expected]
    assert expected in response.content.decode()
    assert snapshot() == before


@pytest.mark.django_db
def test_every_bad_row_is_listed_at_once(client, users, period, february):
    reports = guixi_reports(period)
    before = snapshot()
    sheet = download(client, users["reporter"], period)
    first = sheet.fill(reports[0].pk, 进度判断="很好", completion=150)
    second = sheet.fill(reports[1].pk, completion=-5)

    errors = errors_of(upload(client, period, sheet.bytes()))

    assert errors == [
        f"第{first}行“进度判断”列(I列):“很好”不是有效的进度判断,"
        f"请从下拉列表中选择({STATUS_CHOICES})。",
        f"第{first}行“完成度(%)”列(J列):“150”不是 0 到 100 之间的整数。",
        f"第{second}行“完成度(%)”列(J列):“-5”不是 0 到 100 之间的整数。",
    ]
    assert snapshot() == before


@pytest.mark.django_db
def test_a_report_saved_after_the_download_is_not_overwritten(client, users, period):
    first, second = guixi_reports(period)[:2]
    sheet = download(client, users["reporter"], period)
    services.report_save(
        report=second,
        data={"progress": "负责人在平台上填写"},
        expected_version=second.version,
        actor=users["leader"],
    )
    before = snapshot()
    sheet.fill(first.pk, 本月进展="填报员在表格中填写")
    row = sheet.fill(second.pk, 本月进展="填报员在表格中填写")

    response = upload(client, period, sheet.bytes())

    assert errors_of(response) == [
        f"第{row}行:该报告在下载后已被leader修改,请重新下载。"
    ]
    assert snapshot() == before
    second.refresh_from_db()
    assert second.progress == "负责人在平台上填写"


@pytest.mark.django_db
def test_a_save_racing_the_upload_rolls_back_the_rows_already_written(
    users, period, monkeypatch
):
    """Between the checks and the writes someone saves a report of the
    sheet: the rows written before it are undone with the rest."""
    first, second = guixi_reports(period)[:2]
    sheet = Sheet(sheet_module.sheet_build(period=period, user=users["reporter"]))
    sheet.fill(first.pk, 本月进展="第一行")
    row = sheet.fill(second.pk, 本月进展="第二行")
    before = snapshot()
    saved = []

    def report_save(*, report, data, expected_version, actor):
        if report.pk == second.pk:
            services.report_save(
                report=second,
                data={"progress": "抢先保存"},
                expected_version=second.version,
                actor=users["leader"],
            )
        saved.append(report.pk)
        return services.report_save(
            report=report, data=data, expected_version=expected_version, actor=actor
        )

    monkeypatch.setattr(sheet_module, "report_save", report_save)

    with pytest.raises(ImportFailed) as failure:
        sheet_module.sheet_import(
            period=period,
            user=users["reporter"],
            data=sheet.bytes(),
            file_name="填报表.xlsx",
        )

    assert saved == [first.pk, second.pk]
    assert failure.value.errors == [
        f"第{row}行:该报告在下载后已被leader修改,请重新下载。"
    ]
    assert snapshot() == before


@pytest.mark.django_db
def test_a_file_that_is_not_a_workbook_is_refused(client, users, period):
    before = snapshot()
    client.force_login(users["reporter"])

    response = upload(client, period, "报告编号,本月进展\n1,x\n".encode(), "报告.xlsx")

    assert errors_of(response) == ["文件“报告.xlsx”不是 Excel 工作簿(.xlsx)。"]
    assert snapshot() == before


@pytest.mark.django_db
def test_a_workbook_without_the_sheet_header_is_refused(client, users, period):
    client.force_login(users["reporter"])

    response = upload(client, period, ANNEX_PATH.read_bytes(), "附件.xlsx")

    assert errors_of(response) == [
        "文件“附件.xlsx”中没有找到填报表的表头行(应包含“报告编号”“本月进展”“版本”"
        "等列)。请使用本平台下载的填报表填写后上传。"
    ]


@pytest.mark.django_db
def test_an_xlsx_bomb_is_refused_before_it_is_unpacked(
    client, users, period, settings, monkeypatch
):
    settings.IMPORT_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
    report = guixi_reports(period)[0]
    sheet = download(client, users["reporter"], period)
    sheet.fill(report.pk, 本月进展="炸弹里的一行")
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(sheet.bytes())) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr(
            zipfile.ZipInfo("xl/media/pad.bin"),
            b"\x00" * (60 * 1024 * 1024),
            compress_type=zipfile.ZIP_DEFLATED,
        )
    bomb = buffer.getvalue()
    assert len(bomb) < settings.IMPORT_MAX_UPLOAD_BYTES
    unpacked = []
    monkeypatch.setattr(
        annex_module.openpyxl, "load_workbook", lambda *a, **k: unpacked.append(a)
    )
    before = snapshot()

    response = upload(client, period, bomb, "bomb.xlsx")

    assert errors_of(response) == [
        "文件“bomb.xlsx”解压后为 60.0 MB,超过上限 50.0 MB,疑似压缩炸弹,已拒绝。"
    ]
    assert unpacked == []
    assert snapshot() == before


@pytest.mark.django_db
def test_an_oversized_upload_is_refused_unread(client, users, period, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    client.force_login(users["reporter"])

    response = upload(client, period, b"PK" + b"\x00" * 2048, "big.xlsx")

    assert errors_of(response) == ["文件“big.xlsx”大小为 0.0 MB,超过上限 0.0 MB。"]


@pytest.mark.django_db
def test_posting_without_a_file_asks_for_one(client, users, period):
    client.force_login(users["reporter"])

    response = client.post(reverse("dispatch:sheet-upload", args=[period.pk]))

    assert errors_of(response) == ["请选择要上传的填报表(.xlsx 文件)。"]


# -- reports that can no longer be edited ---------------------------------------


@pytest.mark.django_db
def test_a_submitted_report_is_marked_and_its_row_skipped(client, users, period):
    submitted, draft = guixi_reports(period)[:2]
    services.report_save(
        report=submitted,
        data={"progress": "已报送的内容", "proposed_status": "on_track"},
        expected_version=submitted.version,
        actor=users["reporter"],
    )
    services.report_transition(
        report=submitted, action="submit", actor=users["reporter"]
    )
    sheet = download(client, users["reporter"], period)
    assert sheet.get(submitted.pk, "状态") == "已报送(不导入)"
    before = snapshot()
    row = sheet.fill(submitted.pk, 本月进展="表格里改了已报送的报告", completion=99)
    sheet.fill(draft.pk, 本月进展="草稿照常导入")

    response = upload(client, period, sheet.bytes())

    assert response.status_code == 302
    after = snapshot()
    assert after[submitted.pk] == before[submitted.pk]
    assert after[draft.pk]["progress"] == "草稿照常导入"
    message = [str(m) for m in client.get(response["Location"]).context["messages"]]
    unchanged = len(sheet.rows()) - 2
    assert message == [
        f"已从表格更新 1 份报告,{unchanged} 份未改动,"
        f"第{row}行的 1 份报告已报送、已审核或填报期已截止,未导入。"
    ]


@pytest.mark.django_db
def test_in_a_closed_period_every_row_is_skipped(client, users, period):
    services.period_close(period=period)
    report = guixi_reports(period)[0]
    sheet = download(client, users["reporter"], period)
    assert sheet.get(report.pk, "状态") == "草稿(填报期已截止,不导入)"
    sheet.fill(report.pk, 本月进展="截止后才填")
    before = snapshot()

    result = sheet_module.sheet_import(
        period=period, user=users["reporter"], data=sheet.bytes(), file_name="x.xlsx"
    )

    assert (result.updated, result.unchanged) == (0, 0)
    assert result.skipped == len(sheet.rows())
    assert snapshot() == before


# -- who may use it ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["reporter", "leader"])
def test_department_users_see_the_upload_page(client, users, period, role):
    client.force_login(users[role])

    response = client.get(reverse("dispatch:sheet-upload", args=[period.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "2025年3月进展报告 · 表格填报" in page
    assert reverse("dispatch:sheet-download", args=[period.pk]) in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["reviewer", "sysadmin"])
def test_reviewer_and_sysadmin_are_refused(client, users, period, role):
    client.force_login(users[role])
    before = snapshot()
    download_url = reverse("dispatch:sheet-download", args=[period.pk])
    upload_url = reverse("dispatch:sheet-upload", args=[period.pk])

    assert client.get(download_url).status_code == 403
    assert client.get(upload_url).status_code == 403
    assert upload(client, period, b"PK").status_code == 403
    assert snapshot() == before


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login(client, period):
    for url in (
        reverse("dispatch:sheet-download", args=[period.pk]),
        reverse("dispatch:sheet-upload", args=[period.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    response = upload(client, period, b"PK")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_unknown_period_answers_404(client, users, period):
    client.force_login(users["reporter"])
    missing = period.pk + 1000
    assert (
        client.get(reverse("dispatch:sheet-download", args=[missing])).status_code
        == 404
    )
    assert (
        client.get(reverse("dispatch:sheet-upload", args=[missing])).status_code == 404
    )


@pytest.mark.django_db
def test_another_department_gets_its_own_sheet_and_cannot_write_ours(
    client, users, period
):
    """The sheet is scoped to the user's department: 市教育局's reporter
    downloads 市教育局's reports, and a 贵溪市 sheet uploaded by that
    reporter is refused row by row."""
    ours = guixi_reports(period)
    sheet = download(client, users["reporter"], period)
    for report in ours:
        sheet.fill(report.pk, 本月进展="别的部门写的")
    before = snapshot()

    theirs = download(client, users["other_department"], period)
    response = upload(client, period, sheet.bytes())

    assert set(theirs.rows()) == set(
        ProgressReport.objects.filter(
            period=period, department__name="市教育局"
        ).values_list("pk", flat=True)
    )
    assert not set(theirs.rows()) & {report.pk for report in ours}
    errors = errors_of(response)
    assert len(errors) == len(ours)
    assert all("不是本部门2025年3月的报告" in error for error in errors)
    assert snapshot() == before


@pytest.mark.django_db
def test_download_queries_do_not_grow_with_the_reports(client, users, period, guixi):
    client.force_login(users["reporter"])
    url = reverse("dispatch:sheet-download", args=[period.pk])
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for _ in range(5):
        ResponsibilityFactory(task=TaskFactory(), department=guixi)
    assert services.period_ensure_reports(period=period) == 5
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)
