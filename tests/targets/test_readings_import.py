"""Readings imported from a spreadsheet: every row or none."""

import datetime
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from targets.models import Reading, Target


@pytest.fixture
def target(policy):
    from tasks.models import Task

    task = Task.objects.get(number=3)
    return Target.objects.create(
        policy=policy,
        task=task,
        key_task=task.key_task,
        metric="规模以上铜企业",
        value=230,
        unit="家",
        kind="cumulative",
        deadline=datetime.date(2025, 12, 31),
        source_text="规模以上铜企业达到230家",
        source_ref="附件第3行",
        fingerprint="import",
        review_status="accepted",
    )


def sheet(tmp_path, rows):
    workbook = openpyxl.Workbook()
    workbook.active.append(["目标读数"])
    workbook.active.append(["目标编号", "指标", "数值", "截至日期"])
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / "读数.xlsx"
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return str(path)


@pytest.mark.django_db
def test_rows_become_readings(target, tmp_path):
    path = sheet(
        tmp_path,
        [
            [target.pk, "规模以上铜企业", 180, datetime.date(2024, 6, 30)],
            [str(target.pk), "规模以上铜企业", "205", "2024-12-31"],
        ],
    )
    call_command("import_readings", path)
    values = list(Reading.objects.values_list("value", "as_of", "source"))
    assert values == [
        (180, datetime.date(2024, 6, 30), "import"),
        (205, datetime.date(2024, 12, 31), "import"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        (["x", "", 1, "2024-01-01"], "第4行“目标编号”列(A列):“x”不是目标编号。"),
        ([1, "", 1, "去年"], "第4行“截至日期”列(D列):“去年”不是日期"),
        ([9999, "", 1, "2024-01-01"], "第4行:没有编号为 9999 的目标。"),
        (["__pk__", "", -3, "2024-01-01"], "第4行:“规模以上铜企业”的数值不能为负数。"),
    ],
)
def test_a_bad_row_names_its_place_and_nothing_is_written(
    target, tmp_path, bad_row, message
):
    bad_row = [target.pk if v == "__pk__" else v for v in bad_row]
    path = sheet(tmp_path, [[target.pk, "", 100, "2024-03-31"], bad_row])
    with pytest.raises(CommandError) as error:
        call_command("import_readings", path)
    assert message in str(error.value)
    assert not Reading.objects.exists()


@pytest.mark.django_db
def test_a_sheet_without_the_columns_is_refused(target, tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["指标", "数值"])
    path = tmp_path / "x.xlsx"
    workbook.save(path)
    with pytest.raises(CommandError, match="没有找到表头"):
        call_command("import_readings", str(path))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        (["²", "", 1, "2024-01-01"], "第4行“目标编号”列(A列):“²”不是目标编号。"),
        (
            ["99999999999999999999", "", 1, "2024-01-01"],
            "第4行“目标编号”列(A列):“99999999999999999999”不是目标编号。",
        ),
        (
            ["__pk__", "", "1e20", "2024-01-01"],
            "第4行“数值”列(C列):“1e20”超出可记录的范围:整数部分最多 12 位。",
        ),
        (
            ["__pk__", "", "9" * 30_000, "2024-01-01"],
            "第4行“数值”列(C列):“"
            + "9" * 20
            + "…”超出可记录的范围:整数部分最多 12 位。",
        ),
        (["__pk__", "", 1e20, "2024-01-01"], "第4行“数值”列(C列):“1e+20”超出"),
        (["__pk__", "", None, "2024-01-01"], "第4行“数值”列(C列):数值为空。"),
    ],
    ids=["superscript id", "huge id", "1e20", "30000 digits", "1e20 number", "empty"],
)
def test_a_cell_the_database_would_refuse_is_named_and_nothing_is_written(
    target, tmp_path, bad_row, message
):
    bad_row = [target.pk if v == "__pk__" else v for v in bad_row]
    path = sheet(tmp_path, [[target.pk, "", 100, "2024-03-31"], bad_row])

    with pytest.raises(CommandError) as error:
        call_command("import_readings", path)

    head, *errors = str(error.value).splitlines()
    assert head == "导入失败,未写入任何读数:"
    assert len(errors) == 1
    assert errors[0].startswith(message)
    assert not Reading.objects.exists()
