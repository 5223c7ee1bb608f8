"""Importing the annex, 重点任务及责任分工, from an xlsx workbook."""

import io
import zipfile
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tasks.importers import annex as annex_module
from tasks.importers.errors import ImportFailed
from tasks.models import (
    Department,
    DepartmentAlias,
    DepartmentKind,
    ImportRecord,
    KeyTask,
    KeyTaskAssignment,
    Policy,
    Responsibility,
    Role,
    Section,
    Task,
)
from tasks.services import Action
from tests.conftest import (
    ANNEX_PATH,
    POLICY_NUMBER,
    import_annex_file,
    import_policy_text,
)

SHEET = "重点任务及责任分工"


class Header(tuple):
    """A header row, for ``build_annex``."""


HEADER = Header(("序号", "重点任务", "工作要求", "责任部门"))
GROUP = "各区(市)人民政府、管委会"
CHAIN = "12类产业链牵头单位"
LEAD, COOP, UNSPECIFIED = Role.LEAD, Role.COOPERATING, Role.UNSPECIFIED

TASKS_OF_KEY_TASK = {
    1: [1, 2, 3],
    2: [4, 5, 6],
    3: [7, 8],
    4: [9, 10, 11],
    5: [12, 13, 14],
    6: [15, 16, 17],
    7: [18, 19, 20, 21],
    8: [22],
    9: [23],
    10: [24],
    11: [25],
    12: [26, 27],
    13: [28],
    14: [29, 30, 31],
    15: [32],
    16: [33],
    17: [34],
    18: [35, 36, 37, 38],
    19: [39],
    20: [40],
}
ANNEX_TITLES = [
    "培育铜基新材料产业链技能人才",
    "培育电子信息(物联网)产业链技能人才",
    "培育智能光电产业链技能人才",
    "培育烘焙产业链技能人才",
    "培育雕刻家居产业链技能人才",
    "培育家政服务行业技能人才",
    "推进职业教育培优升级",
    "推进企业培育基础能力建设",
    "推进培训机构扩容提质",
    "推进职业技能培训提质增效",
    "加大技能人才岗位使用支持力度",
    "全面推行企业新型学徒制",
    "提升技能人才产出效益",
    "推进技能等级认定评价",
    "大力开展职业技能竞赛",
    "加快引进紧缺高技能领军人才",
    "构建技能培养服务保障体系",
    "推进校企联合办学",
    "实施技能提升奖励",
    "加强技能人才服务保障",
]
UNKNOWN_HEAD = (
    "以下部门名称无法识别,未导入任何数据。请在“部门别名”中把它们对应到已有部门"
    "(或新增部门)后重新导入:\n"
)


# -- helpers -----------------------------------------------------------------


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Policy,
            Section,
            KeyTask,
            KeyTaskAssignment,
            Task,
            Responsibility,
            ImportRecord,
        )
    }


NOTHING = dict.fromkeys(
    [
        "Policy",
        "Section",
        "KeyTask",
        "KeyTaskAssignment",
        "Task",
        "Responsibility",
        "ImportRecord",
    ],
    0,
)


def snapshot() -> dict:
    """Everything both imports write, without primary keys."""
    return {
        "policies": [
            (p.number, p.title, p.issuer, p.index_number, p.issued_on, p.validity)
            for p in Policy.objects.order_by("number")
        ],
        "sections": [
            (s.policy.number, s.number, s.title)
            for s in Section.objects.order_by("policy__number", "number")
        ],
        "key_tasks": [
            (
                k.policy.number,
                k.number,
                k.section.number if k.section else None,
                k.title,
                k.annex_title,
                k.body,
                k.responsibility_note,
                [
                    (a.department.name, a.role, a.position)
                    for a in k.assignments.order_by("position")
                ],
            )
            for k in KeyTask.objects.order_by("policy__number", "number")
        ],
        "tasks": [
            (
                t.policy.number,
                t.number,
                t.key_task.number,
                t.requirement,
                t.departments_text,
                [
                    (r.department.name, r.role, r.position)
                    for r in t.responsibilities.order_by("position")
                ],
            )
            for t in Task.objects.order_by("policy__number", "number")
        ],
    }


def flush() -> None:
    """Delete every imported row, keeping the department catalog."""
    Responsibility.objects.all().delete()
    Task.objects.all().delete()
    KeyTaskAssignment.objects.all().delete()
    KeyTask.objects.all().delete()
    Section.objects.all().delete()
    ImportRecord.objects.all().delete()
    Policy.objects.all().delete()


def roles(number: int) -> list[tuple[str, str]]:
    task = Task.objects.get(policy__number=POLICY_NUMBER, number=number)
    return [
        (r.department.name, r.role)
        for r in task.responsibilities.select_related("department").order_by("position")
    ]


def names(number: int) -> list[str]:
    return [name for name, _ in roles(number)]


def leads(number: int) -> list[str]:
    return [name for name, role in roles(number) if role == LEAD]


def outcome(report) -> tuple[int, int, int]:
    return (
        report.count(Action.CREATED),
        report.count(Action.UPDATED),
        report.count(Action.UNCHANGED),
    )


def real_workbook() -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(ANNEX_PATH.read_bytes()))


def to_bytes(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row_of(worksheet, number: int) -> int:
    """The sheet row of task ``number``."""
    for (cell,) in worksheet.iter_rows(min_col=1, max_col=1):
        if cell.value == number:
            return cell.row
    raise LookupError(number)


def edited(changes: dict[tuple[int, str], object]) -> bytes:
    """The real annex with cells replaced: {(task number, column letter): value}."""
    workbook = real_workbook()
    worksheet = workbook.active
    rows = {number: row_of(worksheet, number) for number, _ in changes}
    for (number, column), value in changes.items():
        worksheet[f"{column}{rows[number]}"] = value
    return to_bytes(workbook)


def real_cell(number: int, column: str):
    worksheet = real_workbook().active
    return worksheet[f"{column}{row_of(worksheet, number)}"].value


def real_records() -> list[tuple]:
    """(序号, 重点任务, 工作要求, 责任部门) of each task row of the real annex
    as typed: the key task only on the first row of its merged cell."""
    worksheet = real_workbook().active
    return [
        tuple(cell.value for cell in row)
        for row in worksheet.iter_rows(min_row=4, max_col=4)
    ]


def build_annex(items, sheet_title: str = SHEET) -> bytes:
    """A workbook laid out like the real annex: two title rows, then
    ``items``, each a Header (printed again after a page break) or a task row.
    A key task cell is merged down over the rows below it that have none,
    up to the next key task or header."""
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet_title
    worksheet.append(["附件"])
    worksheet.append(["“技能鹰潭行动”重点任务及责任分工"])
    worksheet.merge_cells("A2:D2")
    start = None

    def close(last_row: int) -> None:
        if start is not None and last_row > start:
            worksheet.merge_cells(f"B{start}:B{last_row}")

    for item in items:
        worksheet.append(list(item))
        row = worksheet.max_row
        if isinstance(item, Header):
            close(row - 1)
            start = None
        elif item[1] is not None:
            close(row - 1)
            start = row
    close(worksheet.max_row)
    return to_bytes(workbook)


def real_with_page_breaks() -> bytes:
    """The real annex as printed (like the copy in the text): the header again
    before tasks 7, 12, 20, 25, 32 and 38, and tasks 20 and 38, which continue
    a key task, printing its name again."""
    items: list[tuple] = [HEADER]
    key_task = None
    for record in real_records():
        number, title, requirement, departments = record
        key_task = title or key_task
        if number in (7, 12, 20, 25, 32, 38):
            items.append(HEADER)
            items.append((number, key_task, requirement, departments))
        else:
            items.append(record)
    return build_annex(items)


def zip_with_extra_entry(name: str, data: bytes, compress_type: int) -> bytes:
    """The real annex's zip with one more entry."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(ANNEX_PATH) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr(zipfile.ZipInfo(name), data, compress_type=compress_type)
    return buffer.getvalue()


def import_failure(data: bytes, name: str = "annex.xlsx") -> list[str]:
    with pytest.raises(ImportFailed) as failure:
        import_annex_file(data, name=name)
    return failure.value.errors


# -- the real annex ----------------------------------------------------------


def test_real_annex_creates_40_tasks_numbered_1_to_40(departments):
    report = import_annex_file()

    assert outcome(report) == (40, 0, 0)
    assert list(Task.objects.order_by("number").values_list("number", flat=True)) == (
        list(range(1, 41))
    )
    assert counts()["Task"] == 40


def test_real_annex_creates_20_key_tasks_in_order_of_appearance(departments):
    import_annex_file()

    key_tasks = KeyTask.objects.filter(policy__number=POLICY_NUMBER).order_by("number")
    assert [k.annex_title for k in key_tasks] == ANNEX_TITLES
    assert {
        k.number: list(k.tasks.order_by("number").values_list("number", flat=True))
        for k in key_tasks
    } == TASKS_OF_KEY_TASK


def test_wrapped_key_task_names_are_stored_without_the_wrap(departments):
    import_annex_file()

    assert {
        n: Task.objects.get(number=n).key_task.annex_title for n in (7, 12, 33)
    } == {
        7: "培育智能光电产业链技能人才",
        12: "培育雕刻家居产业链技能人才",
        33: "加快引进紧缺高技能领军人才",
    }


def test_task_20_belongs_to_the_key_task_of_tasks_18_19_and_21(departments):
    import_annex_file()

    key_task = Task.objects.get(number=20).key_task
    assert (key_task.number, key_task.annex_title) == (7, "推进职业教育培优升级")
    assert [Task.objects.get(number=n).key_task_id for n in (18, 19, 21)] == [
        key_task.pk
    ] * 3


def test_every_department_the_annex_lists_resolves_in_order(departments):
    import_annex_file()

    assert names(1) == [
        "市工信局",
        "市教育局",
        "贵溪市人民政府",
        "高新区管委会",
        "市人社局",
    ]
    assert names(5) == ["市委组织部", "市人社局", "市总工会", "高新区管委会"]
    assert names(40) == [
        "市委组织部",
        "市人大常委会办公室",
        "市政协办公室",
        "市人社局",
        "市财政局",
        "市教育局",
        "市总工会",
        "团市委",
        "市妇联",
        GROUP,
    ]
    assert Responsibility.objects.count() == 188
    assert set(Responsibility.objects.values_list("department__name", flat=True)) == {
        "市人社局",
        "市委组织部",
        "市委编办",
        "市发改委",
        "市教育局",
        "市科技局",
        "市工信局",
        "市民政局",
        "市财政局",
        "市自然资源局",
        "市农粮局",
        "市商务局",
        "市文广新旅局",
        "市卫健委",
        "市退役军人事务局",
        "市国资委",
        "市市场监管局",
        "市大数据中心",
        "市税务局",
        "市总工会",
        "团市委",
        "市妇联",
        "市残联",
        "市人大常委会办公室",
        "市政协办公室",
        "余江区人民政府",
        "贵溪市人民政府",
        "信江新区管委会",
        "高新区管委会",
        "江西师范高等专科学校",
        "鹰潭职业技术学院",
        "鹰潭应用工程学校",
        GROUP,
        CHAIN,
    }


def test_departments_text_keeps_the_annex_wording(departments):
    import_annex_file()

    task = Task.objects.get(number=1)
    assert task.departments_text == (
        "市工信局、市教育局、贵溪市人民政府、高新技术产业开发区、市人社局"
    )


def test_the_district_group_is_one_responsibility_not_its_members(departments):
    import_annex_file()

    assert names(17) == ["市人社局", "市商务局", "市市场监管局", GROUP]
    group = Task.objects.get(number=17).departments.get(name=GROUP)
    assert group.kind == DepartmentKind.GROUP
    assert group.members.count() == 6
    assert not Task.objects.get(number=17).departments.filter(member_of=group).exists()


def test_both_spellings_of_the_industry_chain_leads_are_one_group(departments):
    import_annex_file()

    chain = Department.objects.get(name=CHAIN)
    assert chain.kind == DepartmentKind.GROUP
    assert names(26) == ["市人社局", "市教育局", "市财政局", CHAIN, GROUP]
    assert names(27) == ["市人社局", "市教育局", "市财政局", CHAIN, GROUP]
    assert names(29) == ["市人社局", GROUP, CHAIN]
    assert "12类重点产业链牵头单位" in Task.objects.get(number=29).departments_text
    assert list(
        Responsibility.objects.filter(department__name__contains="产业链")
        .order_by("task__number")
        .values_list("task__number", "department_id")
    ) == [(26, chain.pk), (27, chain.pk), (29, chain.pk)]


def test_annex_import_is_recorded(departments):
    import_annex_file(name="附件.xlsx")

    record = ImportRecord.objects.get()
    assert (record.kind, record.file_name, record.policy.number) == (
        "annex",
        "附件.xlsx",
        POLICY_NUMBER,
    )
    assert (record.created_count, record.updated_count, record.unchanged_count) == (
        40,
        0,
        0,
    )


# -- roles from the text -----------------------------------------------------


def test_copper_tasks_are_led_by_guixi_and_the_high_tech_zone(policy):
    for number in (1, 2, 3):
        assert leads(number) == ["贵溪市人民政府", "高新区管委会"]
    assert roles(1) == [
        ("市工信局", COOP),
        ("市教育局", COOP),
        ("贵溪市人民政府", LEAD),
        ("高新区管委会", LEAD),
        ("市人社局", COOP),
    ]


def test_housekeeping_tasks_are_led_by_commerce_and_human_resources(policy):
    assert leads(15) == ["市商务局", "市人社局"]
    assert leads(16) == ["市商务局"]
    assert leads(17) == ["市人社局", "市商务局"]
    assert roles(17) == [
        ("市人社局", LEAD),
        ("市商务局", LEAD),
        ("市市场监管局", COOP),
        (GROUP, COOP),
    ]


def test_the_district_group_leads_task_22(policy):
    assert roles(22) == [
        ("市工信局", LEAD),
        (GROUP, LEAD),
        ("市人社局", LEAD),
        ("市教育局", COOP),
        ("市国资委", COOP),
    ]


def test_a_department_the_text_does_not_name_keeps_an_unspecified_role(departments):
    import_policy_text()
    report = import_annex_file()

    assert roles(26) == [
        ("市人社局", LEAD),
        ("市教育局", LEAD),
        ("市财政局", COOP),
        (CHAIN, UNSPECIFIED),
        (GROUP, COOP),
    ]
    assert roles(29) == [("市人社局", LEAD), (GROUP, COOP), (CHAIN, UNSPECIFIED)]
    assert (
        "重点任务12:附件列出“12类产业链牵头单位”(任务26)、“12类产业链牵头单位”(任务27),"
        "正文分工未列,角色未明确。"
    ) in report.notes
    assert (
        "重点任务14:附件列出“12类产业链牵头单位”(任务29),正文分工未列,角色未明确。"
    ) in report.notes
    assert Responsibility.objects.filter(role=UNSPECIFIED).count() == 3


def test_annex_alone_leaves_every_role_unspecified_and_says_why(departments):
    report = import_annex_file()

    assert set(Responsibility.objects.values_list("role", flat=True)) == {UNSPECIFIED}
    assert report.notes == [
        "政策正文尚未导入:各责任部门的牵头、配合角色待正文导入后确定。"
    ]


def test_annex_key_task_that_does_not_match_the_text_is_refused(policy):
    before = snapshot()
    before_counts = counts()

    errors = import_failure(edited({(7, "B"): "建设高标准农田示范区"}))

    assert errors == [
        "附件中的重点任务“建设高标准农田示范区”在正文中找不到对应的重点任务。"
    ]
    assert counts() == before_counts
    assert snapshot() == before


def test_annex_key_tasks_in_another_order_are_not_paired_by_position(departments):
    import_policy_text()
    records = real_records()
    bakery, optics = records[8:11], records[6:8]
    swapped = [
        *records[:6],
        *[(7 + i, *record[1:]) for i, record in enumerate(bakery)],
        *[(10 + i, *record[1:]) for i, record in enumerate(optics)],
        *records[11:],
    ]
    assert [r[1] for r in swapped[6:11]] == [
        "培育烘焙产业链技能人才",
        None,
        None,
        "培育智能光电产业链技能\n人才",
        None,
    ]

    try:
        import_annex_file(build_annex([HEADER, *swapped]))
    except ImportFailed:  # refusing the file is right too
        assert Task.objects.count() == 0
        return
    assert {n: Task.objects.get(number=n).key_task.title for n in range(7, 12)} == {
        7: "培育烘焙产业链技能人才",
        8: "培育烘焙产业链技能人才",
        9: "培育烘焙产业链技能人才",
        10: "培育智能光电产业链技能人才",
        11: "培育智能光电产业链技能人才",
    }


def test_a_renamed_key_task_in_the_annex_is_reported(departments):
    import_annex_file()
    renamed = "培育铜基新材料产业技能人才"

    report = import_annex_file(edited({(1, "B"): renamed}))

    assert KeyTask.objects.get(number=1).annex_title == renamed
    assert outcome(report) != (0, 0, 40) or any(renamed in n for n in report.notes)


# -- idempotence and order ---------------------------------------------------


def test_importing_the_annex_twice_changes_nothing(policy):
    before = snapshot()
    responsibility_ids = set(Responsibility.objects.values_list("pk", flat=True))

    report = import_annex_file()

    assert outcome(report) == (0, 0, 40)
    assert snapshot() == before
    assert set(Responsibility.objects.values_list("pk", flat=True)) == (
        responsibility_ids
    )


def test_policy_then_annex_and_annex_then_policy_give_the_same_data(departments):
    import_policy_text()
    import_annex_file()
    text_first = snapshot()
    flush()
    assert counts() == NOTHING

    import_annex_file()
    import_policy_text()

    assert snapshot() == text_first
    assert len(text_first["tasks"]) == 40
    assert len(text_first["key_tasks"]) == 20


# -- edits and dry runs ------------------------------------------------------

NEW_REQUIREMENT_5 = (
    "大力开展数字经济“名师带徒”活动,每年承办省级移动物联网职业技能大赛。"
)
NEW_DEPARTMENTS_6 = "市委组织部、市人社局、市工信局、市科技局、市发改委"


def edited_5_and_6() -> bytes:
    return edited({(5, "C"): NEW_REQUIREMENT_5, (6, "D"): NEW_DEPARTMENTS_6})


def test_edited_rows_update_their_tasks_in_place(policy):
    old_requirement = real_cell(5, "C")
    old_departments = real_cell(6, "D")
    task_ids = dict(Task.objects.values_list("number", "pk"))
    kept = set(
        Responsibility.objects.filter(task__number=6)
        .exclude(department__name="市总工会")
        .values_list("pk", flat=True)
    )

    report = import_annex_file(edited_5_and_6())

    assert outcome(report) == (0, 2, 38)
    assert {r.number: r.changes for r in report.rows if r.action == Action.UPDATED} == {
        5: {"requirement": (old_requirement, NEW_REQUIREMENT_5)},
        6: {
            "departments_text": (old_departments, NEW_DEPARTMENTS_6),
            "departments": (
                "市委组织部、市人社局、市工信局、市科技局、市总工会",
                "市委组织部、市人社局、市工信局、市科技局、市发改委",
            ),
        },
    }
    assert dict(Task.objects.values_list("number", "pk")) == task_ids
    assert Task.objects.get(number=5).requirement == NEW_REQUIREMENT_5
    assert roles(6) == [
        ("市委组织部", COOP),
        ("市人社局", COOP),
        ("市工信局", LEAD),
        ("市科技局", LEAD),
        ("市发改委", LEAD),
    ]
    assert kept <= set(
        Responsibility.objects.filter(task__number=6).values_list("pk", flat=True)
    )


def test_dry_run_reports_the_edit_but_writes_nothing(policy):
    before = snapshot()
    before_counts = counts()

    preview = import_annex_file(edited_5_and_6(), dry_run=True)

    assert preview.dry_run is True
    assert outcome(preview) == (0, 2, 38)
    assert snapshot() == before
    assert counts() == before_counts

    applied = import_annex_file(edited_5_and_6())

    assert [(r.number, r.action, r.changes) for r in preview.rows] == [
        (r.number, r.action, r.changes) for r in applied.rows
    ]
    assert preview.notes == applied.notes
    assert snapshot() != before


def test_dry_run_of_a_first_import_creates_not_even_the_policy(departments):
    report = import_annex_file(dry_run=True)

    assert outcome(report) == (40, 0, 0)
    assert counts() == NOTHING


# -- how offices lay the sheet out -------------------------------------------


def test_rebuilt_copy_of_the_annex_imports_unchanged(policy):
    report = import_annex_file(build_annex([HEADER, *real_records()]))

    assert outcome(report) == (0, 0, 40)


def test_header_repeated_after_page_breaks_and_key_task_printed_again(policy):
    before = snapshot()

    report = import_annex_file(real_with_page_breaks())

    assert outcome(report) == (0, 0, 40)
    assert snapshot() == before
    assert KeyTask.objects.count() == 20
    assert Task.objects.get(number=20).key_task.number == 7
    assert Task.objects.get(number=38).key_task.number == 18


def test_a_repeated_header_typed_with_spaces_and_wraps_is_still_a_header(policy):
    records = real_records()
    respaced = Header(("序 号", "重点\n任务", "工作要求", "责任 部门"))
    reprinted = (20, "推进职业教育培优升级", *records[19][2:])

    report = import_annex_file(
        build_annex([HEADER, *records[:19], respaced, reprinted, *records[20:]])
    )

    assert outcome(report) == (0, 0, 40)


def test_a_page_break_without_the_key_task_printed_again_continues_it(policy):
    records = real_records()
    assert records[19][:2] == (20, None)

    report = import_annex_file(
        build_annex([HEADER, *records[:19], HEADER, *records[19:]])
    )

    assert outcome(report) == (0, 0, 40)


def test_page_broken_annex_alone_gives_40_tasks_under_20_key_tasks(departments):
    report = import_annex_file(real_with_page_breaks())

    assert outcome(report) == (40, 0, 0)
    assert [k.annex_title for k in KeyTask.objects.order_by("number")] == ANNEX_TITLES
    assert {
        k.number: list(k.tasks.order_by("number").values_list("number", flat=True))
        for k in KeyTask.objects.all()
    } == TASKS_OF_KEY_TASK


def test_commas_and_enumeration_commas_mixed_give_the_same_departments(policy):
    before = {n: roles(n) for n in range(1, 41)}
    mixed = {
        (1, "D"): "市工信局,市教育局,贵溪市人民政府、高新技术产业开发区;市人社局",
        (17, "D"): "市人社局,市商务局、市市场监管局、各区 (市) 人民政府、管委会",
        (26, "D"): (
            "市人社局;市教育局、市财政局,12类产业链牵头单位,各区(市)人民政府、管委会"
        ),
    }

    report = import_annex_file(edited(mixed))

    assert outcome(report) == (0, 3, 37)
    assert {r.number: set(r.changes) for r in report.rows if r.changes} == {
        1: {"departments_text"},
        17: {"departments_text"},
        26: {"departments_text"},
    }
    assert {n: roles(n) for n in range(1, 41)} == before


# Full-width marks, escaped so that no editor or tool can fold them to ASCII.
FW_COMMA, FW_LPAREN, FW_RPAREN = "\uff0c", "\uff08", "\uff09"


def test_full_width_commas_and_brackets_give_the_same_departments(policy):
    before = {n: roles(n) for n in range(1, 41)}
    group = f"各区{FW_LPAREN}市{FW_RPAREN}人民政府、管委会"
    mixed = {
        (1, "D"): f"市工信局{FW_COMMA}市教育局,贵溪市人民政府、高新技术产业开发区"
        f"{FW_COMMA}市人社局",
        (17, "D"): f"市人社局、市商务局{FW_COMMA}市市场监管局{FW_COMMA}{group}",
    }

    report = import_annex_file(edited(mixed))

    assert outcome(report) == (0, 2, 38)
    assert {n: roles(n) for n in range(1, 41)} == before


def test_a_requirement_wrapped_inside_a_word_is_cleaned(policy):
    requirement = real_cell(3, "C")
    assert "技能人才" in requirement
    wrapped = {
        (3, "C"): requirement.replace("技能人才", "技能\n人才"),
        (4, "C"): real_cell(4, "C").replace("高科技企业", "高科技\r\n企业"),
        (1, "B"): "培育铜基新材料\n产业链技能人才",
    }

    report = import_annex_file(edited(wrapped))

    assert outcome(report) == (0, 0, 40)
    assert Task.objects.get(number=3).requirement == (
        "到2025年,规模以上铜企业达到230家,新增授权核心发明专利200项,"
        "培养技能人才达到1万人。"
    )


def test_a_requirement_wrapped_after_a_comma_is_cleaned(policy):
    wrapped = {(3, "C"): real_cell(3, "C").replace("230家,", "230家,\n")}

    report = import_annex_file(edited(wrapped))

    assert outcome(report) == (0, 0, 40)


def test_task_numbers_typed_as_text_or_with_a_trailing_point_are_read(policy):
    report = import_annex_file(edited({(1, "A"): "1", (2, "A"): "2.", (3, "A"): 3.0}))

    assert outcome(report) == (0, 0, 40)


def test_a_first_sheet_without_a_header_is_skipped(policy):
    workbook = real_workbook()
    notes = workbook.create_sheet("说明", 0)
    notes["A1"] = "本表由市人社局汇总。"

    report = import_annex_file(to_bytes(workbook))

    assert outcome(report) == (0, 0, 40)


# -- bad input ---------------------------------------------------------------


def test_plain_text_is_not_a_workbook_and_writes_nothing(departments):
    errors = import_failure("序号,重点任务,工作要求,责任部门\n1,a,b,c\n".encode())

    assert errors == ["文件“annex.xlsx”不是 Excel 工作簿(.xlsx)。"]
    assert counts() == NOTHING


def test_old_xls_file_is_refused_with_advice_and_writes_nothing(departments):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504

    errors = import_failure(ole, name="annex.xls")

    assert errors == [
        "文件“annex.xls”是旧版 Excel(.xls)格式,请在 Excel 中另存为 .xlsx 后再导入。"
    ]
    assert counts() == NOTHING


def test_a_zip_that_is_not_a_workbook_is_refused(departments):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")

    errors = import_failure(buffer.getvalue(), name="annex.docx")

    assert errors == ["文件“annex.docx”不是 Excel 工作簿(.xlsx)。"]
    assert counts() == NOTHING


def test_empty_file_is_refused(departments):
    assert import_failure(b"") == ["文件“annex.xlsx”是空文件。"]
    assert counts() == NOTHING


def without(cell: str) -> bytes:
    """The real annex with one cell, given by its address, emptied."""
    workbook = real_workbook()
    workbook.active[cell] = None
    return to_bytes(workbook)


def test_missing_column_names_the_sheet_row_and_column(departments):
    errors = import_failure(without("D3"))

    assert errors == [
        f"工作表“{SHEET}”第3行的表头缺少“责任部门”列(可写作“责任部门”“责任单位”,"
        "或“牵头单位”与“配合单位”两列)。",
        "该行表头各列为:A列“序号”、B列“重点任务”、C列“工作要求”。",
    ]
    assert counts() == NOTHING


def test_a_header_without_its_number_column_names_the_headers_found(departments):
    errors = import_failure(without("A3"))

    assert errors == [
        f"工作表“{SHEET}”第3行的表头缺少“序号”列(可写作“序号”“编号”)。",
        "该行表头各列为:B列“重点任务”、C列“工作要求”、D列“责任部门”。",
    ]
    assert counts() == NOTHING


def test_a_sheet_without_a_header_row_says_which_columns_are_expected(departments):
    workbook = real_workbook()
    for cell in ("A3", "B3", "C3"):
        workbook.active[cell] = None

    errors = import_failure(to_bytes(workbook))

    assert errors == [
        f"文件“annex.xlsx”的工作表(“{SHEET}”)中没有找到表头行:表头应包含"
        "“序号”“重点任务”“工作要求”“责任部门”四列。"
    ]
    assert counts() == NOTHING


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (None, "序号为空"),
        ("五", "序号“五”不是正整数"),
        (0, "序号“0”不是正整数"),
        (2.5, "序号“2.5”不是正整数"),
    ],
    ids=["empty", "chinese", "zero", "fraction"],
)
def test_a_row_without_a_number_names_sheet_row_and_column(departments, value, problem):
    errors = import_failure(edited({(5, "A"): value}))

    assert errors == [f"工作表“{SHEET}”第8行“序号”列(A列):{problem}。"]
    assert counts() == NOTHING


def test_duplicated_number_names_both_rows_and_writes_nothing(policy):
    before = snapshot()
    before_counts = counts()

    errors = import_failure(edited({(6, "A"): 5}))

    assert errors == [f"工作表“{SHEET}”第9行“序号”列(A列):序号 5 重复(第8行已使用)。"]
    assert counts() == before_counts
    assert snapshot() == before


def test_empty_requirement_and_department_cells_are_named(departments):
    errors = import_failure(edited({(5, "C"): None, (6, "D"): "  "}))

    assert errors == [
        f"工作表“{SHEET}”第8行“工作要求”列(C列):工作要求为空。",
        f"工作表“{SHEET}”第9行“责任部门”列(D列):责任部门为空。",
    ]
    assert counts() == NOTHING


def test_a_first_row_without_a_key_task_names_each_row(departments):
    errors = import_failure(edited({(1, "B"): None}))

    assert errors == [
        f"工作表“{SHEET}”第{row}行“重点任务”列(B列):重点任务为空,上方也没有可沿用的重点任务。"
        for row in (4, 5, 6)
    ]
    assert counts() == NOTHING


def test_every_problem_in_the_sheet_is_listed_at_once(departments):
    errors = import_failure(
        edited({(2, "A"): None, (6, "A"): 5, (7, "C"): None, (9, "D"): None})
    )

    assert errors == [
        f"工作表“{SHEET}”第5行“序号”列(A列):序号为空。",
        f"工作表“{SHEET}”第9行“序号”列(A列):序号 5 重复(第8行已使用)。",
        f"工作表“{SHEET}”第10行“工作要求”列(C列):工作要求为空。",
        f"工作表“{SHEET}”第12行“责任部门”列(D列):责任部门为空。",
    ]
    assert counts() == NOTHING


def test_unknown_department_is_listed_with_its_row_and_nothing_is_written(policy):
    before = snapshot()
    before_counts = counts()
    data = edited({(5, "D"): "市委组织部、市人社局、市XX局、市总工会"})

    errors = import_failure(data)

    assert errors == [UNKNOWN_HEAD + f"工作表“{SHEET}”第8行“责任部门”列:“市XX局”"]
    assert counts() == before_counts
    assert snapshot() == before


def test_mapping_the_unknown_name_as_an_alias_lets_the_import_succeed(policy):
    data = edited({(5, "D"): "市委组织部、市人社局、市XX局、市总工会"})
    with pytest.raises(ImportFailed):
        import_annex_file(data)

    DepartmentAlias.objects.create(
        name="市XX局", department=Department.objects.get(name="市大数据中心")
    )
    report = import_annex_file(data)

    assert outcome(report) == (0, 1, 39)
    assert roles(5) == [
        ("市委组织部", COOP),
        ("市人社局", COOP),
        ("市大数据中心", COOP),
        ("市总工会", COOP),
    ]


def test_every_unknown_department_is_listed_at_once(departments):
    errors = import_failure(
        edited(
            {
                (5, "D"): "市委组织部、市XX局",
                (17, "D"): "市人社局,各县(市、区)人民政府",
            }
        )
    )

    assert errors == [
        UNKNOWN_HEAD
        + f"工作表“{SHEET}”第8行“责任部门”列:“市XX局”\n"
        + f"工作表“{SHEET}”第20行“责任部门”列:“各县(市、区)人民政府”"
    ]
    assert counts() == NOTHING


def test_a_workbook_with_only_the_header_is_refused(departments):
    errors = import_failure(build_annex([HEADER]))

    assert errors == [f"工作表“{SHEET}”表头以下没有任何任务行。"]
    assert counts() == NOTHING


def test_a_file_over_the_size_limit_is_refused(departments, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024 * 1024
    padding = b"\x00" * (1024 * 1024 + 512 * 1024)
    data = zip_with_extra_entry("xl/media/pad.bin", padding, zipfile.ZIP_STORED)
    assert 1.5 * 1024 * 1024 < len(data) < 1.55 * 1024 * 1024

    errors = import_failure(data)

    assert errors == ["文件“annex.xlsx”大小为 1.5 MB,超过上限 1.0 MB。"]
    assert counts() == NOTHING


def test_a_file_exactly_at_the_size_limit_is_accepted(departments, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = len(ANNEX_PATH.read_bytes())

    assert outcome(import_annex_file()) == (40, 0, 0)


@pytest.fixture
def no_unpacking(monkeypatch):
    """Fail the test if the importer gets as far as opening the workbook."""
    calls = []

    def load_workbook(*args, **kwargs):
        calls.append(args)
        raise AssertionError("the workbook was unpacked")

    monkeypatch.setattr(annex_module.openpyxl, "load_workbook", load_workbook)
    return calls


def test_a_zip_bomb_is_refused_before_it_is_unpacked(
    departments, settings, no_unpacking
):
    settings.IMPORT_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
    bomb = zip_with_extra_entry(
        "xl/media/pad.bin", b"\x00" * (60 * 1024 * 1024), zipfile.ZIP_DEFLATED
    )
    assert len(bomb) < settings.IMPORT_MAX_UPLOAD_BYTES

    errors = import_failure(bomb, name="bomb.xlsx")

    assert errors == [
        "文件“bomb.xlsx”解压后为 60.0 MB,超过上限 50.0 MB,疑似压缩炸弹,已拒绝。"
    ]
    assert no_unpacking == []
    assert counts() == NOTHING


def test_a_highly_compressed_file_under_the_size_caps_is_refused_as_a_bomb(
    departments, settings, no_unpacking
):
    settings.IMPORT_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
    settings.IMPORT_MAX_COMPRESSION_RATIO = 200
    bomb = zip_with_extra_entry(
        "xl/media/pad.bin", b"\x00" * (10 * 1024 * 1024), zipfile.ZIP_DEFLATED
    )
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        entries = archive.infolist()
    ratio = sum(e.file_size for e in entries) // sum(e.compress_size for e in entries)
    assert ratio > 200

    errors = import_failure(bomb, name="bomb.xlsx")

    assert errors == [
        f"文件“bomb.xlsx”压缩比为 {ratio}:1,远超正常文档,疑似压缩炸弹,已拒绝。"
    ]
    assert no_unpacking == []
    assert counts() == NOTHING


def test_a_zip_with_too_many_entries_is_refused_before_it_is_unpacked(
    departments, settings, no_unpacking
):
    settings.IMPORT_MAX_ZIP_ENTRIES = 5

    errors = import_failure(ANNEX_PATH.read_bytes())

    assert errors == ["文件“annex.xlsx”包含 9 个内部文件,超过上限 5 个,已拒绝。"]
    assert no_unpacking == []
    assert counts() == NOTHING


def zip_understating_its_size(padding: int) -> bytes:
    """The real annex with ``padding`` spaces after its [Content_Types].xml,
    whose zip directory still declares the entry's original size."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(ANNEX_PATH) as source:
        target = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                declared = len(data)
                data += b" " * padding
            target.writestr(info.filename, data)
        for info in target.filelist:
            if info.filename == "[Content_Types].xml":
                info.file_size = declared
        target.close()
    return buffer.getvalue()


def test_a_zip_bomb_that_understates_its_size_is_refused_before_unpacking(
    departments, settings, no_unpacking
):
    settings.IMPORT_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
    bomb = zip_understating_its_size(60 * 1024 * 1024)
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert sum(e.file_size for e in archive.infolist()) == 37132
    assert len(bomb) < 1024 * 1024

    with pytest.raises(ImportFailed) as failure:
        import_annex_file(bomb, name="bomb.xlsx")

    assert "压缩炸弹" in str(failure.value)
    assert no_unpacking == []
    assert counts() == NOTHING


# -- the management command --------------------------------------------------


def run_import_annex(*args) -> str:
    out = StringIO()
    call_command("import_annex", *args, stdout=out)
    return out.getvalue()


def test_command_imports_the_annex_for_the_named_policy(departments):
    output = run_import_annex(str(ANNEX_PATH), "--policy", POLICY_NUMBER)

    assert output.splitlines()[-1] == "导入完成:新增 40 条,更新 0 条,未变 0 条"
    assert Task.objects.filter(policy__number=POLICY_NUMBER).count() == 40


def test_command_without_policy_uses_the_only_policy_in_the_database(departments):
    import_policy_text()

    output = run_import_annex(str(ANNEX_PATH))

    assert output.splitlines()[-1] == "导入完成:新增 40 条,更新 0 条,未变 0 条"
    assert Policy.objects.get().tasks.count() == 40


def test_command_dry_run_previews_and_writes_nothing(departments):
    output = run_import_annex(str(ANNEX_PATH), "--policy", POLICY_NUMBER, "--dry-run")

    assert output.splitlines()[-1] == "预览(未写入):新增 40 条,更新 0 条,未变 0 条"
    assert counts() == NOTHING


def test_command_reports_a_bad_file_in_chinese_and_writes_nothing(
    departments, tmp_path
):
    path = tmp_path / "annex.xlsx"
    path.write_bytes(b"not a workbook")

    with pytest.raises(CommandError) as failure:
        run_import_annex(str(path), "--policy", POLICY_NUMBER)

    assert str(failure.value) == (
        "导入失败,未写入任何数据:\n文件“annex.xlsx”不是 Excel 工作簿(.xlsx)。"
    )
    assert counts() == NOTHING


def test_command_reports_an_unknown_department_and_writes_nothing(
    departments, tmp_path
):
    path = tmp_path / "annex.xlsx"
    path.write_bytes(edited({(5, "D"): "市XX局"}))

    with pytest.raises(CommandError) as failure:
        run_import_annex(str(path), "--policy", POLICY_NUMBER)

    assert str(failure.value) == (
        "导入失败,未写入任何数据:\n"
        + UNKNOWN_HEAD
        + f"工作表“{SHEET}”第8行“责任部门”列:“市XX局”"
    )
    assert counts() == NOTHING


def test_command_without_policy_and_an_empty_database_asks_for_it(departments):
    with pytest.raises(CommandError) as failure:
        run_import_annex(str(ANNEX_PATH))

    assert str(failure.value) == (
        "导入失败,未写入任何数据:\n"
        "库中还没有政策文件:请先导入政策正文,或用 --policy 指定附件所属政策的文号。"
    )
    assert counts() == NOTHING


def test_command_without_policy_and_two_policies_asks_which(departments):
    Policy.objects.create(number="鹰办发〔2023〕1号")
    Policy.objects.create(number=POLICY_NUMBER)

    with pytest.raises(CommandError) as failure:
        run_import_annex(str(ANNEX_PATH))

    assert str(failure.value) == (
        "导入失败,未写入任何数据:\n库中有多份政策文件"
        f"({POLICY_NUMBER}、鹰办发〔2023〕1号),请用 --policy 指定附件所属的一份。"
    )
    assert Task.objects.count() == 0


def test_command_reports_a_missing_file(departments, tmp_path):
    with pytest.raises(CommandError) as failure:
        run_import_annex(str(tmp_path / "missing.xlsx"), "--policy", POLICY_NUMBER)

    assert str(failure.value).startswith(f"无法读取文件“{tmp_path / 'missing.xlsx'}”:")
    assert counts() == NOTHING


# -- input the database would refuse, by every way in ------------------------

BAD_CELLS = {
    "long key task": (
        {(4, "B"): "培育电子信息产业链技能人才" + "很" * 200},
        f"工作表“{SHEET}”第7行“重点任务”列(B列):"
        "重点任务有 213 个字,超过上限 200 个字,请精简后再导入。",
    ),
    "superscript number": (
        {(5, "A"): "²"},
        f"工作表“{SHEET}”第8行“序号”列(A列):序号“²”不是正整数。",
    ),
    "number too large": (
        {(5, "A"): 99999},
        f"工作表“{SHEET}”第8行“序号”列(A列):序号“99999”超过上限 32767。",
    ),
    "long departments": (
        {(5, "D"): "、".join(["市人社局"] * 120)},
        f"工作表“{SHEET}”第8行“责任部门”列(D列):"
        "责任部门有 599 个字,超过上限 500 个字,请精简后再导入。",
    ),
}


def import_by_command(data: bytes, tmp_path) -> list[str]:
    path = tmp_path / "附件.xlsx"
    path.write_bytes(data)
    with pytest.raises(CommandError) as failure:
        run_import_annex(str(path), "--policy", POLICY_NUMBER)
    head, *errors = str(failure.value).splitlines()
    assert head == "导入失败,未写入任何数据:"
    return errors


def import_in_the_admin(client, data: bytes, name: str = "附件.xlsx") -> list[str]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    policy, _ = Policy.objects.get_or_create(number=POLICY_NUMBER)
    response = client.post(
        reverse("admin:tasks_task_import"),
        {
            "import_file": SimpleUploadedFile(name, data),
            "format": "0",
            "policy": policy.pk,
        },
    )
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    return response.context["form"].errors["import_file"]


@pytest.mark.parametrize("case", list(BAD_CELLS))
def test_a_cell_the_database_would_refuse_is_named_and_nothing_is_written(
    departments, case
):
    changes, message = BAD_CELLS[case]

    assert import_failure(edited(changes)) == [message]
    assert counts() == NOTHING


@pytest.mark.parametrize("case", list(BAD_CELLS))
def test_the_command_names_the_cell_and_writes_nothing(departments, tmp_path, case):
    changes, message = BAD_CELLS[case]

    assert import_by_command(edited(changes), tmp_path) == [message]
    assert counts() == NOTHING


@pytest.mark.parametrize("case", list(BAD_CELLS))
def test_the_admin_import_names_the_cell_and_writes_nothing(
    client, users, departments, case
):
    changes, message = BAD_CELLS[case]
    client.force_login(users["sysadmin"])

    assert import_in_the_admin(client, edited(changes)) == [message]
    assert Task.objects.count() == 0
    assert ImportRecord.objects.count() == 0


def test_a_number_in_full_width_digits_is_read(departments):
    report = import_annex_file(edited({(5, "A"): "\uff15"}))

    assert outcome(report) == (40, 0, 0)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"not a workbook", "不是 Excel 工作簿(.xlsx)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "是旧版 Excel(.xls)格式"),
    ],
)
def test_the_admin_names_an_unreadable_upload_by_its_file_name(
    client, users, departments, data, problem
):
    client.force_login(users["sysadmin"])

    errors = import_in_the_admin(client, data, name="三月附件.xlsx")

    assert len(errors) == 1
    assert errors[0].startswith(f"文件“三月附件.xlsx”{problem}")
