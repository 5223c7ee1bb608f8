"""The 整改台账 as a spreadsheet: the export's columns and rows, and the
import of a findings sheet, checked as a whole and written all or none."""

import datetime
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from supervision.ledger import (
    FindingsSheet,
    findings_check,
    findings_import,
    read_findings,
)
from supervision.models import (
    Problem,
    ProblemCategory,
    ProblemState,
    ProgressEntry,
    RectificationKind,
    Round,
)
from tasks.importers.errors import ImportFailed
from tasks.models import Department, DepartmentAlias, Task

SHANGHAI = ZoneInfo("Asia/Shanghai")
HEADER = [
    "序号",
    "问题表现",
    "问题类别",
    "涉及任务",
    "责任单位",
    "配合单位",
    "整改要求",
    "整改类型",
    "整改时限",
]
GOOD = [
    1,
    "培训人数与签到表不符",
    "数据不实",
    "3、5",
    "贵溪市",
    "市教育局",
    "核实并更正培训人数",
    "限期整改",
    datetime.date(2025, 9, 30),
]
LEDGER_LABELS = [
    "序号",
    "问题来源",
    "问题表现",
    "责任单位",
    "配合单位",
    "责任人",
    "整改措施",
    "整改时限",
    "整改类型",
    "进展情况",
    "是否销号",
    "销号时间",
]


def workbook(rows, *, header=HEADER, title_rows=(("2025年上半年督导问题清单",),)):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "问题清单"
    for row in title_rows:
        sheet.append(list(row))
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row(**changes):
    values = dict(zip(HEADER, GOOD, strict=True))
    values.update(changes)
    return [values[label] for label in HEADER]


@pytest.fixture
def round(policy, users):
    made = Round.objects.create(
        policy=policy,
        title="2025年上半年督导",
        year=2025,
        half=1,
        starts_on=datetime.date(2025, 6, 1),
        ends_on=datetime.date(2025, 6, 30),
        leader=users["reviewer"],
        created_by=users["reviewer"],
    )
    made.departments.set(
        Department.objects.filter(name__in=["贵溪市人民政府", "市教育局", "市人社局"])
    )
    return made


def load(round, data, name="问题清单.xlsx"):
    return findings_check(round=round, sheet=read_findings(data, name, "digest"))


def import_rows(round, rows, actor, **kwargs):
    sheet = read_findings(workbook(rows, **kwargs), "问题清单.xlsx", "digest")
    return findings_import(round=round, sheet=sheet, actor=actor)


def errors_of(round, rows, **kwargs) -> list[str]:
    with pytest.raises(ImportFailed) as failed:
        load(round, workbook(rows, **kwargs))
    return failed.value.errors


# -- the import ---------------------------------------------------------------


@pytest.mark.django_db
def test_rows_become_open_problems_of_the_round(round, users):
    DepartmentAlias.objects.create(
        name="师专", department=Department.objects.get(name="市教育局")
    )
    rows = [
        row(),
        row(
            序号=2,
            问题表现="机制不健全\n未建立月度台账",
            问题类别="机制不健全",
            涉及任务="",
            责任单位="市人力资源和社会保障局",
            配合单位="贵溪市人民政府、师专",
            整改类型="持续整改",
            整改时限="2025年12月31日",
        ),
    ]
    problems = import_rows(round, rows, users["reviewer"])

    assert [p.number for p in problems] == [1, 2]
    first, second = Problem.objects.order_by("number")
    assert first.round == round
    assert first.state == ProblemState.OPEN
    assert first.description == "培训人数与签到表不符"
    assert first.category == ProblemCategory.DATA
    assert sorted(first.tasks.values_list("number", flat=True)) == [3, 5]
    assert first.department.name == "贵溪市人民政府"
    assert list(first.cooperating.values_list("name", flat=True)) == ["市教育局"]
    assert first.requirement == "核实并更正培训人数"
    assert first.kind == RectificationKind.DEADLINE
    assert first.deadline == datetime.date(2025, 9, 30)
    assert first.source == "半年督导"
    assert first.created_by == users["reviewer"]
    assert second.description == "机制不健全\n未建立月度台账"
    assert second.department.name == "市人社局"
    assert second.kind == RectificationKind.ONGOING
    assert second.deadline == datetime.date(2025, 12, 31)
    assert second.tasks.count() == 0
    assert sorted(second.cooperating.values_list("name", flat=True)) == sorted(
        ["贵溪市人民政府", "市教育局"]
    )


@pytest.mark.django_db
def test_an_import_is_audited_once_a_problem_and_once_for_the_file(round, users):
    problems = import_rows(round, [row(), row(序号=2)], users["reviewer"])

    created = AuditEvent.objects.filter(action="problem.create").order_by("pk")
    assert [e.object_id for e in created] == [str(p.pk) for p in problems]
    assert created[0].after["row"] == 3
    assert created[0].after["tasks"] == sorted(
        Task.objects.filter(number__in=[3, 5]).values_list("pk", flat=True)
    )
    assert created[0].department == "贵溪市人民政府"
    imported = AuditEvent.objects.get(action="import.findings")
    assert imported.object_id == str(round.pk)
    assert imported.after["created"] == 2
    assert imported.after["file_name"] == "问题清单.xlsx"
    assert imported.actor_username == "reviewer"


@pytest.mark.django_db
def test_the_header_is_found_below_title_rows_and_on_a_later_sheet(round):
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本工作簿第二页为问题清单"])
    sheet = book.create_sheet("清单")
    for _ in range(4):
        sheet.append(["督导组"])
    sheet.append([*HEADER, "问题来源"])
    sheet.append([*row(), "回头看"])
    sheet.append(HEADER)  # printed again after a page break
    sheet.append([*row(序号=2), ""])
    buffer = io.BytesIO()
    book.save(buffer)

    findings = load(round, buffer.getvalue())

    assert [(f.row.row, f.row.number, f.row.source) for f in findings] == [
        (6, 1, "回头看"),
        (8, 2, "半年督导"),
    ]


@pytest.mark.django_db
def test_a_department_merged_over_rows_counts_for_each(round):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(row())
    sheet.append(row(序号=2, 责任单位=None))
    sheet.merge_cells("E2:E3")
    buffer = io.BytesIO()
    book.save(buffer)

    findings = load(round, buffer.getvalue())

    assert [f.department.name for f in findings] == ["贵溪市人民政府"] * 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"序号": "一"}, "工作表“问题清单”第3行“序号”列(A列):序号“一”不是正整数。"),
        ({"序号": None}, "第3行“序号”列(A列):序号为空。"),
        ({"问题表现": " "}, "第3行“问题表现”列(B列):问题表现为空。"),
        (
            {"问题类别": "态度问题"},
            "第3行“问题类别”列(C列):问题类别“态度问题”不是"
            "进度滞后、数据不实、佐证不足、机制不健全、其他之一。",
        ),
        ({"涉及任务": "三"}, "第3行“涉及任务”列(D列):“三”不是任务序号"),
        (
            {"涉及任务": "3、99"},
            "第3行“涉及任务”列(D列):政策文件中没有序号为 99 的任务。",
        ),
        ({"责任单位": ""}, "第3行“责任单位”列(E列):责任单位为空。"),
        (
            {"责任单位": "贵溪市、市教育局", "配合单位": ""},
            "第3行“责任单位”列(E列):只能填写一个责任单位",
        ),
        (
            {"责任单位": "市财政局"},
            "第3行“责任单位”列(E列):“市财政局”不在本轮督导的单位中。",
        ),
        (
            {"配合单位": "贵溪市人民政府"},
            "第3行“配合单位”列(F列):“贵溪市人民政府”已是责任单位",
        ),
        ({"整改要求": ""}, "第3行“整改要求”列(G列):整改要求为空。"),
        (
            {"整改类型": ""},
            "第3行“整改类型”列(H列):整改类型为空,应为限期整改、持续整改之一。",
        ),
        (
            {"整改时限": "下月底"},
            "第3行“整改时限”列(I列):“下月底”不是日期(如 2025-09-30)。",
        ),
        ({"整改时限": "2025-02-30"}, "第3行“整改时限”列(I列):“2025-02-30”不是日期"),
        ({"整改时限": None}, "第3行“整改时限”列(I列):整改时限为空。"),
    ],
)
def test_a_bad_row_names_its_sheet_row_and_column_and_nothing_is_written(
    round, users, changes, message
):
    rows = [row(**changes), row(序号=2)]
    with pytest.raises(ImportFailed) as failed:
        import_rows(round, rows, users["reviewer"])

    assert any(message in error for error in failed.value.errors), failed.value.errors
    assert not Problem.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="problem.").exists()
    assert not AuditEvent.objects.filter(action="import.findings").exists()


@pytest.mark.django_db
def test_every_bad_row_is_reported_at_once(round):
    errors = errors_of(
        round,
        [row(), row(序号=2, 问题表现=""), row(序号=3, 整改时限="明年"), row(序号=2)],
    )

    assert errors == [
        "工作表“问题清单”第4行“问题表现”列(B列):问题表现为空。",
        "工作表“问题清单”第5行“整改时限”列(I列):“明年”不是日期(如 2025-09-30)。",
        "工作表“问题清单”第6行“序号”列(A列):序号 2 重复(第4行已使用)。",
    ]


@pytest.mark.django_db
def test_unknown_departments_are_listed_with_their_places_not_guessed(round):
    errors = errors_of(
        round,
        [
            row(责任单位="贵溪市政府"),
            row(序号=2, 配合单位="市教育局、市人设局"),
        ],
    )

    assert len(errors) == 1
    assert "以下单位名称无法识别,未导入任何问题" in errors[0]
    assert "工作表“问题清单”第3行“责任单位”列(E列):“贵溪市政府”" in errors[0]
    assert "工作表“问题清单”第4行“配合单位”列(F列):“市人设局”" in errors[0]


@pytest.mark.django_db
def test_a_number_the_round_already_uses_is_refused(round, users):
    import_rows(round, [row()], users["reviewer"])

    with pytest.raises(ImportFailed) as failed:
        import_rows(round, [row(序号=2), row(序号=1)], users["reviewer"])

    assert failed.value.errors == [
        "工作表“问题清单”第4行“序号”列(A列):序号 1 在本轮已有问题使用。"
    ]
    assert Problem.objects.count() == 1


@pytest.mark.django_db
def test_a_sheet_without_the_header_or_with_columns_missing_is_refused(round):
    with pytest.raises(ImportFailed) as no_header:
        load(round, workbook([row()], header=["编号", "内容"]))
    with pytest.raises(ImportFailed) as missing:
        load(round, workbook([row()[:6]], header=HEADER[:6]))
    with pytest.raises(ImportFailed) as empty:
        load(round, workbook([]))

    assert "中没有找到表头行" in no_header.value.errors[0]
    assert missing.value.errors == [
        "工作表“问题清单”第2行的表头缺少“整改要求”、“整改类型”、“整改时限”列。"
    ]
    assert empty.value.errors == ["工作表“问题清单”表头以下没有任何问题行。"]


@pytest.mark.django_db
def test_a_file_that_is_not_a_workbook_is_refused_by_name(round):
    with pytest.raises(ImportFailed) as failed:
        load(round, b"not a workbook", "清单.xlsx")

    assert failed.value.errors == ["文件“清单.xlsx”不是 Excel 工作簿(.xlsx)。"]


@pytest.mark.django_db
def test_the_sheet_kept_for_confirmation_reads_back_the_same(round):
    sheet = read_findings(workbook([row(), row(序号=2)]), "a.xlsx", "digest")

    assert FindingsSheet.from_data(sheet.as_data()) == sheet


# -- the upload pages ----------------------------------------------------------


def upload(client, round, data, name="问题清单.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("supervision:findings-import", args=[round.pk]),
        {"file": SimpleUploadedFile(name, data)},
    )


@pytest.mark.django_db
def test_an_upload_is_previewed_and_written_only_when_confirmed(client, round, users):
    client.force_login(users["reviewer"])
    data = workbook([row(), row(序号=2)])

    preview = upload(client, round, data)

    assert preview.status_code == 200
    assert "确认导入这 2 个问题" in preview.content.decode()
    assert not Problem.objects.exists()

    confirmed = client.post(
        reverse("supervision:findings-import", args=[round.pk]),
        {"confirm": "1", "sha256": preview.context["sheet"].sha256},
    )

    assert confirmed.status_code == 302
    assert confirmed["Location"] == round.get_absolute_url()
    assert Problem.objects.filter(round=round).count() == 2

    again = client.post(
        reverse("supervision:findings-import", args=[round.pk]),
        {"confirm": "1", "sha256": preview.context["sheet"].sha256},
    )
    assert again.status_code == 400
    assert Problem.objects.count() == 2


@pytest.mark.django_db
def test_a_bad_upload_shows_every_error_and_writes_nothing(client, round, users):
    client.force_login(users["reviewer"])

    response = upload(
        client, round, workbook([row(问题表现=""), row(序号=2, 责任单位="某局")])
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "问题清单中有 2 处问题,未导入任何内容" in page
    assert "第3行“问题表现”列(B列):问题表现为空" in page
    assert "“某局”" in page
    assert not Problem.objects.exists()


@pytest.mark.django_db
def test_a_confirmation_of_another_file_than_the_one_previewed_is_refused(
    client, round, users
):
    client.force_login(users["reviewer"])
    upload(client, round, workbook([row()]))

    response = client.post(
        reverse("supervision:findings-import", args=[round.pk]),
        {"confirm": "1", "sha256": "another"},
    )

    assert response.status_code == 400
    assert not Problem.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["reporter", "leader", "sysadmin", "other_department"])
def test_only_the_team_imports_findings(client, round, users, role):
    client.force_login(users[role])

    page = client.get(reverse("supervision:findings-import", args=[round.pk]))
    posted = upload(client, round, workbook([row()]))
    template = client.get(reverse("supervision:findings-template", args=[round.pk]))

    assert (page.status_code, posted.status_code, template.status_code) == (403,) * 3
    assert not Problem.objects.exists()


@pytest.mark.django_db
def test_the_template_filled_in_imports(client, round, users):
    client.force_login(users["reviewer"])
    response = client.get(reverse("supervision:findings-template", args=[round.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    book.active.append([*row(), "专项督导"])
    buffer = io.BytesIO()
    book.save(buffer)

    (finding,) = load(round, buffer.getvalue())

    assert finding.row.source == "专项督导"
    assert finding.department.name == "贵溪市人民政府"


# -- the export ------------------------------------------------------------------


def exported(client, **params):
    response = client.get(reverse("supervision:ledger-export"), params)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return book


def sheet_values(sheet):
    return [list(r) for r in sheet.iter_rows(values_only=True)]


@pytest.fixture
def ledger_problems(round, users):
    """Two problems of 贵溪市 (one signed off, with progress), one of
    市教育局 whose text would be read as a formula."""
    problems = import_rows(
        round,
        [
            row(),
            row(序号=2, 责任单位="市教育局", 配合单位=""),
            row(序号=3, 整改类型="持续整改"),
        ],
        users["reviewer"],
    )
    first = problems[0]
    # A cell typed so is a formula, which the import reads as empty: the
    # text comes from the web form.
    Problem.objects.filter(pk=problems[1].pk).update(
        description='=HYPERLINK("http://x")'
    )
    ProgressEntry.objects.create(
        problem=first,
        text="已核对签到表",
        entered_by=users["reporter"],
        entered_at=datetime.datetime(2025, 7, 1, 9, tzinfo=SHANGHAI),
    )
    ProgressEntry.objects.create(
        problem=first,
        text="已更正报告并上传佐证",
        entered_by=users["reporter"],
        entered_at=datetime.datetime(2025, 7, 20, 9, tzinfo=SHANGHAI),
    )
    Problem.objects.filter(pk=first.pk).update(
        state=ProblemState.SIGNED_OFF,
        responsible="张三",
        measures="逐项核对",
        # 23:30 UTC is the next day in Asia/Shanghai.
        signed_off_at=datetime.datetime(2025, 7, 30, 23, 30, tzinfo=datetime.UTC),
        signed_off_by=users["reviewer"],
    )
    return problems


@pytest.mark.django_db
def test_the_export_has_the_ledger_columns_and_a_row_per_problem(
    client, round, users, ledger_problems
):
    client.force_login(users["reviewer"])

    book = exported(client, round=round.pk)

    assert book.sheetnames == ["2025年上半年督导"]
    values = sheet_values(book.active)
    assert values[0] == LEDGER_LABELS
    assert values[1] == [
        1,
        "半年督导",
        "培训人数与签到表不符",
        "贵溪市人民政府",
        "市教育局",
        "张三",
        "逐项核对",
        datetime.datetime(2025, 9, 30),  # noqa: DTZ001 (a cell's date)
        "限期整改",
        "已更正报告并上传佐证",
        "是",
        datetime.datetime(2025, 7, 31),  # noqa: DTZ001
    ]
    assert values[2][0] == 2
    assert values[2][2] == '\'=HYPERLINK("http://x")'
    assert values[2][4] is None  # no cooperating department
    assert values[3][8:] == ["持续整改", None, "否", None]
    assert AuditEvent.objects.get(action="export.ledger").after["problems"] == 3


@pytest.mark.django_db
def test_a_department_exports_only_its_own_problems(
    client, round, users, ledger_problems
):
    Round.objects.filter(pk=round.pk).update(notified_at=timezone.now())
    client.force_login(users["other_department"])  # 市教育局

    rows = sheet_values(exported(client).active)

    assert [r[0] for r in rows[1:]] == [1, 2, 3]  # cooperating on 1 and 3
    client.force_login(users["reporter"])  # 贵溪市
    rows = sheet_values(exported(client, round=round.pk).active)
    assert [r[0] for r in rows[1:]] == [1, 3]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["sysadmin", "auditor"])
def test_the_export_is_refused_outside_the_team_and_the_departments(
    client, everyone_extra, role
):
    client.force_login(everyone_extra[role])

    response = client.get(reverse("supervision:ledger-export"))

    assert response.status_code == 403


@pytest.fixture
def everyone_extra(users, departments):
    from accounts.roles import RoleName
    from accounts.services import user_create

    auditor = user_create(
        username="auditor",
        password="Pass#word123",
        role=RoleName.AUDITOR,
        department=Department.objects.get(name="市人社局"),
        must_change_password=False,
    )
    return {**users, "auditor": auditor}


@pytest.mark.django_db
def test_the_export_of_all_rounds_has_a_sheet_a_round(client, round, users):
    other = Round.objects.create(
        policy=round.policy,
        title="2024年下半年督导",
        year=2024,
        half=2,
        starts_on=datetime.date(2024, 12, 1),
        ends_on=datetime.date(2024, 12, 31),
        created_by=users["reviewer"],
    )
    import_rows(round, [row()], users["reviewer"])
    import_rows(other, [row(), row(序号=2)], users["reviewer"])
    client.force_login(users["reviewer"])

    book = exported(client)

    assert book.sheetnames == ["2025年上半年督导", "2024年下半年督导"]
    assert [len(sheet_values(s)) for s in book.worksheets] == [2, 3]


@pytest.mark.django_db
def test_a_round_without_problems_exports_its_header(client, round, users):
    client.force_login(users["reviewer"])

    book = exported(client, round=round.pk)

    assert sheet_values(book.active) == [LEDGER_LABELS]


@pytest.mark.django_db
@pytest.mark.parametrize("problems", [3, 30])
def test_the_export_takes_the_same_queries_whatever_the_problems(
    client, round, users, problems, django_assert_max_num_queries
):
    rows = [row(序号=n, 配合单位="市教育局、市人社局") for n in range(1, problems + 1)]
    created = import_rows(round, rows, users["reviewer"])
    ProgressEntry.objects.bulk_create(
        ProgressEntry(
            problem=p,
            text="进展",
            entered_by=users["reporter"],
            entered_at=timezone.now(),
        )
        for p in created
    )
    client.force_login(users["reviewer"])

    with django_assert_max_num_queries(13):
        book = exported(client, round=round.pk)

    assert len(sheet_values(book.active)) == problems + 1
