"""Annex sheets as other offices keep them: other header words, 牵头单位 and
配合单位 in two columns, extra columns, a sheet of notes, numbers typed as
text, title rows above the header; and a header that cannot be read."""

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tasks.importers.annex import read_annex
from tasks.importers.errors import ImportFailed
from tasks.models import Policy, Responsibility, Role, Task
from tests.conftest import POLICY_NUMBER, import_annex_file, import_policy_text

ROWS = [
    (1, "加强技能人才培养", "扩大职业院校招生规模", "市教育局"),
    (2, None, "开展企业新型学徒制培训", "市人社局、市总工会"),
    (3, "健全技能评价体系", "推行职业技能等级认定", "市人社局"),
]


def workbook_bytes(*sheets: list[list[object]], merges=()) -> bytes:
    """A workbook of the given sheets, each a list of rows, the first named
    附件; ``merges`` are ranges merged on the first sheet."""
    workbook = openpyxl.Workbook()
    for index, rows in enumerate(sheets):
        worksheet = workbook.active if index == 0 else workbook.create_sheet()
        worksheet.title = "附件" if index == 0 else f"Sheet{index + 1}"
        for row in rows:
            worksheet.append(list(row))
    for cell_range in merges:
        workbook.active.merge_cells(cell_range)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read(*sheets, merges=(), mapping=None):
    return read_annex(workbook_bytes(*sheets, merges=merges), "annex.xlsx", mapping)


def refusal(*sheets, mapping=None) -> list[str]:
    with pytest.raises(ImportFailed) as failure:
        read(*sheets, mapping=mapping)
    return failure.value.errors


def summary(sheet) -> list[tuple]:
    return [
        (r.row, r.number, r.key_task, r.requirement, r.departments) for r in sheet.rows
    ]


EXPECTED = [
    (2, 1, "加强技能人才培养", "扩大职业院校招生规模", "市教育局"),
    (3, 2, "加强技能人才培养", "开展企业新型学徒制培训", "市人社局、市总工会"),
    (4, 3, "健全技能评价体系", "推行职业技能等级认定", "市人社局"),
]


@pytest.mark.parametrize(
    "requirement", ["工作要求", "具体工作要求", "工作任务", "主要内容", "具体要求"]
)
@pytest.mark.parametrize("departments", ["责任部门", "责任单位"])
def test_each_name_offices_give_the_requirement_and_departments_columns_is_read(
    requirement, departments
):
    sheet = read([("序号", "重点任务", requirement, departments), *ROWS])

    assert summary(sheet) == EXPECTED


@pytest.mark.parametrize("number", ["序 号", "序\n号", "编号", "序号:"])
def test_header_words_with_spaces_wraps_or_a_colon_are_read(number):
    sheet = read([(number, "重点\n任务", "工作 要求", "责任 单位"), *ROWS])

    assert summary(sheet) == EXPECTED


def test_lead_and_cooperating_columns_give_each_row_its_roles():
    sheet = read(
        [
            ("序号", "重点任务", "主要内容", "牵头单位", "配合单位"),
            (1, "加强技能人才培养", "扩大职业院校招生规模", "市教育局", "市人社局"),
            (2, None, "开展企业新型学徒制培训", "市人社局", None),
        ]
    )

    assert [(r.lead, r.cooperating, r.departments) for r in sheet.rows] == [
        ("市教育局", "市人社局", "牵头单位:市教育局;配合单位:市人社局"),
        ("市人社局", "", "牵头单位:市人社局"),
    ]


def test_a_departments_cell_typed_as_a_role_note_gives_its_roles():
    sheet = read(
        [
            ("序号", "重点任务", "工作要求", "责任单位"),
            (
                1,
                "加强技能人才培养",
                "扩大招生",
                "牵头单位：市教育局；配合单位：市人社局",
            ),
            (2, None, "开展学徒制培训", "市人社局、市总工会"),
        ]
    )

    assert [(r.lead, r.cooperating) for r in sheet.rows] == [
        ("市教育局", "市人社局"),
        ("", ""),
    ]


def test_a_row_without_its_lead_department_names_the_lead_column():
    errors = refusal(
        [
            ("序号", "重点任务", "工作要求", "牵头单位", "配合单位"),
            (1, "加强技能人才培养", "扩大职业院校招生规模", None, "市人社局"),
        ]
    )

    assert errors == ["工作表“附件”第2行“牵头单位”列(D列):牵头单位为空。"]


def test_a_two_row_header_with_departments_merged_over_lead_and_cooperating_is_read():
    sheet = read(
        [
            ("序号", "重点任务", "工作要求", "责任单位", None),
            (None, None, None, "牵头单位", "配合单位"),
            (1, "加强技能人才培养", "扩大职业院校招生规模", "市教育局", "市人社局"),
        ],
        merges=("A1:A2", "B1:B2", "C1:C2", "D1:E1"),
    )

    assert [(r.row, r.number, r.lead, r.cooperating) for r in sheet.rows] == [
        (3, 1, "市教育局", "市人社局")
    ]


def test_extra_columns_are_kept_by_their_header_and_never_refused():
    sheet = read(
        [
            ("序号", "重点任务", "工作要求", "责任部门", "完成时限", "备注"),
            (
                1,
                "加强技能人才培养",
                "扩大职业院校招生规模",
                "市教育局",
                "2025年底",
                None,
            ),
            (2, None, "开展企业新型学徒制培训", "市人社局", "长期坚持", "每季度报送"),
        ]
    )

    assert [r.extra for r in sheet.rows] == [
        {"完成时限": "2025年底"},
        {"完成时限": "长期坚持", "备注": "每季度报送"},
    ]
    assert [r.requirement for r in sheet.rows] == [
        "扩大职业院校招生规模",
        "开展企业新型学徒制培训",
    ]


def test_a_second_sheet_of_notes_without_a_header_is_ignored():
    notes = [("填表说明",), ("1.责任部门请填写全称。",), ("2.本表每季度更新。",)]

    sheet = read([("序号", "重点任务", "工作要求", "责任部门"), *ROWS], notes)

    assert sheet.sheet_name == "附件"
    assert summary(sheet) == EXPECTED


def test_a_sheet_of_notes_before_the_annex_is_skipped():
    notes = [("说明:本表由市人社局汇总。",)]
    workbook = workbook_bytes(
        notes, [("序号", "重点任务", "工作要求", "责任部门"), *ROWS]
    )

    sheet = read_annex(workbook, "annex.xlsx")

    assert sheet.sheet_name == "Sheet2"
    assert [r.number for r in sheet.rows] == [1, 2, 3]


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("1", 1),
        ("12.", 12),
        ("7、", 7),
        ("\uff11\uff12", 12),
        ("(3)", 3),
        ("(一)", 1),
        ("\uff08十二\uff09", 12),
        ("五、", 5),
        (4.0, 4),
    ],
)
def test_numbers_typed_as_text_are_read(typed, number):
    sheet = read(
        [
            ("序号", "重点任务", "工作要求", "责任部门"),
            (typed, "加强技能人才培养", "扩大职业院校招生规模", "市教育局"),
        ]
    )

    assert [r.number for r in sheet.rows] == [number]


@pytest.mark.parametrize("typed", ["五", "(一", "一二", "(甲)", "1.5"])
def test_a_number_that_is_not_a_task_number_is_refused_with_its_cell(typed):
    errors = refusal(
        [
            ("序号", "重点任务", "工作要求", "责任部门"),
            (typed, "加强技能人才培养", "扩大职业院校招生规模", "市教育局"),
        ]
    )

    assert errors == [f"工作表“附件”第2行“序号”列(A列):序号“{typed}”不是正整数。"]


def test_the_header_below_title_rows_and_a_blank_row_is_found():
    sheet = read(
        [
            ("附件2",),
            ("2024年技能提升行动任务分工表",),
            (),
            ("填报单位:市人社局", None, None, "填报时间:"),
            ("序号", "重点任务", "工作要求", "责任部门"),
            *ROWS,
        ]
    )

    assert [(r.row, r.number) for r in sheet.rows] == [(6, 1), (7, 2), (8, 3)]


def test_a_sheet_whose_columns_cannot_be_told_names_the_headers_found():
    errors = refusal(
        [
            ("任务分工表",),
            ("序号", "类别", "推进举措", "责任部门", "备注"),
            (1, "加强技能人才培养", "扩大职业院校招生规模", "市教育局", None),
        ]
    )

    assert errors == [
        "工作表“附件”第2行的表头缺少“重点任务”列(可写作“重点任务”)。",
        "工作表“附件”第2行的表头缺少“工作要求”列(可写作“工作要求”“具体工作要求”"
        "“具体要求”“任务内容”“工作任务”“主要内容”)。",
        "该行表头各列为:A列“序号”、B列“类别”、C列“推进举措”、D列“责任部门”、E列“备注”。",
    ]


def test_two_columns_for_one_field_are_refused_not_guessed():
    errors = refusal(
        [
            ("序号", "重点任务", "工作任务", "具体工作要求", "责任单位"),
            (1, "加强技能人才培养", "扩大招生", "扩大职业院校招生规模", "市教育局"),
        ]
    )

    assert errors == [
        "工作表“附件”第1行的表头有多列可作为“工作要求”列(C列“工作任务”、"
        "D列“具体工作要求”),无法确定使用哪一列。",
        "该行表头各列为:A列“序号”、B列“重点任务”、C列“工作任务”、D列“具体工作要求”、"
        "E列“责任单位”。",
    ]


def test_departments_and_a_lead_column_together_are_refused_not_guessed():
    errors = refusal(
        [
            ("序号", "重点任务", "工作要求", "责任单位", "配合单位"),
            (1, "加强技能人才培养", "扩大职业院校招生规模", "市教育局", "市人社局"),
        ]
    )

    assert errors[0] == (
        "工作表“附件”第1行的表头既有“责任部门”列,又有“牵头单位”或“配合单位”列,"
        "无法确定各部门的角色。"
    )


# -- an explicit mapping -----------------------------------------------------

UNUSUAL = [
    ("序号", "类别", "推进举措", "责任单位", "配合单位"),
    (1, "加强技能人才培养", "扩大职业院校招生规模", "市教育局", "市人社局"),
    ("2", None, "开展企业新型学徒制培训", "市人社局", None),
]


def test_a_mapping_names_the_columns_a_person_matched():
    sheet = read(
        UNUSUAL,
        mapping={
            "key_task": "类别",
            "requirement": "推进举措",
            "lead": "责任单位",
        },
    )

    assert [
        (r.number, r.key_task, r.requirement, r.lead, r.cooperating) for r in sheet.rows
    ] == [
        (1, "加强技能人才培养", "扩大职业院校招生规模", "市教育局", "市人社局"),
        (2, "加强技能人才培养", "开展企业新型学徒制培训", "市人社局", ""),
    ]


def test_a_mapped_column_is_named_by_its_own_header_in_messages():
    rows = [*UNUSUAL[:2], (2, None, "", "市人社局", None)]

    errors = refusal(
        rows,
        mapping={"key_task": "类别", "requirement": "推进举措", "lead": "责任单位"},
    )

    assert errors == ["工作表“附件”第3行“推进举措”列(C列):工作要求为空。"]


def test_a_mapping_whose_header_text_is_on_no_row_is_refused():
    errors = refusal(UNUSUAL, mapping={"requirement": "主要举措"})

    assert errors == [
        "文件“annex.xlsx”的工作表(“附件”)中没有找到同时包含“主要举措”的表头行。"
    ]


def test_a_mapping_with_an_unknown_field_or_a_text_given_twice_is_refused():
    errors = refusal(
        UNUSUAL,
        mapping={"deadline": "完成时限", "key_task": "类别", "requirement": " 类别"},
    )

    assert errors[0].startswith("列对应中的字段“deadline”不存在,可用字段为:")
    assert errors[1:] == ["列对应中表头“类别”被指定给了多个字段。"]


# -- through the import ------------------------------------------------------


def test_a_variant_sheet_imports_its_tasks_and_departments(departments):
    data = workbook_bytes(
        [
            ("附件",),
            ("序 号", "重点任务", "具体工作要求", "牵头单位", "配合单位", "完成时限"),
            (
                "1.",
                "加强技能人才培养",
                "扩大职业院校招生规模",
                "市教育局",
                "市人社局",
                "2025年",
            ),
            ("2.", None, "开展企业新型学徒制培训", "市人社局", None, "长期"),
        ],
        [("填表说明:请填写全称。",)],
        merges=("B3:B4",),
    )

    import_annex_file(data)

    assert list(
        Task.objects.order_by("number").values_list("number", "requirement")
    ) == [
        (1, "扩大职业院校招生规模"),
        (2, "开展企业新型学徒制培训"),
    ]
    assert list(
        Responsibility.objects.order_by("task__number", "position").values_list(
            "task__number", "department__name"
        )
    ) == [(1, "市教育局"), (1, "市人社局"), (2, "市人社局")]


LEAD_AND_COOPERATING = ("序号", "重点任务", "工作要求", "牵头单位", "配合单位")


def test_an_unknown_name_is_placed_in_its_lead_or_cooperating_column(departments):
    data = workbook_bytes(
        [
            LEAD_AND_COOPERATING,
            (1, "加强技能人才培养", "扩大职业院校招生规模", "市教育局", "市技能办"),
            (2, None, "开展企业新型学徒制培训", "市培训局", None),
        ]
    )

    with pytest.raises(ImportFailed) as failure:
        import_annex_file(data)

    assert failure.value.errors[0].splitlines()[1:] == [
        "工作表“附件”第2行“配合单位”列:“市技能办”",
        "工作表“附件”第3行“牵头单位”列:“市培训局”",
    ]
    assert not Task.objects.exists()


def test_a_department_both_lead_and_cooperating_in_a_row_is_refused(departments):
    data = workbook_bytes(
        [
            LEAD_AND_COOPERATING,
            (1, "加强技能人才培养", "扩大职业院校招生规模", "市教育局", "市教育局"),
        ]
    )

    with pytest.raises(ImportFailed) as failure:
        import_annex_file(data)

    assert failure.value.errors == [
        "工作表“附件”第2行:“市教育局”同时列为牵头单位和配合单位。"
    ]
    assert not Task.objects.exists()


def test_the_admin_import_keeps_the_lead_and_cooperating_columns_apart(client, users):
    """Through the admin's preview the two columns travel separately: an
    unknown name is placed in its own column."""
    data = workbook_bytes(
        [
            LEAD_AND_COOPERATING,
            (1, "加强技能人才培养", "扩大职业院校招生规模", "市教育局", "市技能办"),
        ]
    )
    policy = Policy.objects.create(number="鹰府办发〔2099〕1号")
    client.force_login(users["sysadmin"])

    response = client.post(
        reverse("admin:tasks_task_import"),
        {
            "import_file": SimpleUploadedFile("附件.xlsx", data),
            "format": "0",
            "policy": policy.pk,
        },
    )

    assert response.context["result"].has_errors()
    text = re.sub(r"\s+", "", response.content.decode())
    assert "工作表“附件”第2行“配合单位”列:“市技能办”" in text
    assert not Task.objects.exists()


def roles() -> list[tuple[int, str, str]]:
    return list(
        Responsibility.objects.order_by("task__number", "position").values_list(
            "task__number", "department__name", "role"
        )
    )


def test_lead_and_cooperating_columns_set_the_roles_without_a_text(departments):
    data = workbook_bytes(
        [
            LEAD_AND_COOPERATING,
            (
                1,
                "加强技能人才培养",
                "扩大职业院校招生规模",
                "市教育局",
                "市人社局、市总工会",
            ),
            (2, None, "开展企业新型学徒制培训", "市人社局", None),
        ]
    )

    report = import_annex_file(data)

    assert roles() == [
        (1, "市教育局", Role.LEAD),
        (1, "市人社局", Role.COOPERATING),
        (1, "市总工会", Role.COOPERATING),
        (2, "市人社局", Role.LEAD),
    ]
    assert not any("政策正文尚未导入" in note for note in report.notes)
    assert Task.objects.get(number=1).departments_text == (
        "牵头单位:市教育局;配合单位:市人社局、市总工会"
    )


def test_the_annex_roles_win_over_the_text_note_which_is_reported(policy):
    """Key task 1's note makes 市工信局 and 市教育局 配合; the row makes
    市工信局 牵头. The row's roles stand, also after the text is loaded again."""
    data = workbook_bytes(
        [
            LEAD_AND_COOPERATING,
            (
                1,
                "培育铜基新材料产业链技能人才",
                "构建完善评价认定体系",
                "市工信局",
                "市教育局",
            ),
        ]
    )

    report = import_annex_file(data)
    import_policy_text()

    assert "任务1:附件列“市工信局”为牵头,正文分工为配合,以附件为准。" in report.notes
    assert [r for r in roles() if r[0] == 1] == [
        (1, "市工信局", Role.LEAD),
        (1, "市教育局", Role.COOPERATING),
    ]
    assert Policy.objects.get(number=POLICY_NUMBER).tasks.count() == 40
    task_2 = Responsibility.objects.filter(task__number=2, role=Role.LEAD)
    assert sorted(task_2.values_list("department__name", flat=True)) == [
        "贵溪市人民政府",
        "高新区管委会",
    ]
