"""Importing the policy text: header, 主要任务 sections, key tasks and the
〔牵头单位:…;配合单位:…〕 note of each."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tasks.importers.errors import ImportFailed
from tasks.models import (
    Department,
    DepartmentAlias,
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
from tests.conftest import POLICY_NUMBER, POLICY_PATH, import_policy_text

GROUP = "各区(市)人民政府、管委会"
LEAD, COOP = Role.LEAD, Role.COOPERATING
TEXT = POLICY_PATH.read_text(encoding="utf-8")
SECTIONS = {
    1: "加强特色产业行业急需紧缺技能人才建设",
    2: "加大技能人才培养力度",
    3: "加强技能人才岗位使用",
    4: "完善技能人才评价选拔",
    5: "强化技能人才激励保障",
}
SECTION_OF_KEY_TASK = dict.fromkeys(range(1, 7), 1) | {
    **dict.fromkeys(range(7, 11), 2),
    **dict.fromkeys(range(11, 14), 3),
    **dict.fromkeys(range(14, 17), 4),
    **dict.fromkeys(range(17, 21), 5),
}
TITLES = [
    "培育铜基新材料产业链技能人才",
    "培育电子信息(物联网)产业链技能人才",
    "培育智能光电产业链技能人才",
    "培育烘焙产业链技能人才",
    "培育雕刻家居产业链技能人才",
    "培育家政服务行业技能人才",
    "推进职业教育培优升级",
    "推进企业培育基础能力建设",
    "推进职业培训机构扩容提质",
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


def snapshot() -> dict:
    """Everything the text import writes, without primary keys."""
    return {
        "policies": [
            (
                p.number,
                p.title,
                p.issuer,
                p.index_number,
                p.issued_on,
                p.repealed_on,
                p.validity,
            )
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
                k.body,
                k.responsibility_note,
                [
                    (a.department.name, a.role, a.position)
                    for a in k.assignments.order_by("position")
                ],
            )
            for k in KeyTask.objects.order_by("policy__number", "number")
        ],
    }


def outcome(report) -> tuple[int, int, int]:
    return (
        report.count(Action.CREATED),
        report.count(Action.UPDATED),
        report.count(Action.UNCHANGED),
    )


def assignments(number: int, role: str) -> list[str]:
    return list(
        KeyTaskAssignment.objects.filter(
            key_task__policy__number=POLICY_NUMBER, key_task__number=number, role=role
        )
        .order_by("position")
        .values_list("department__name", flat=True)
    )


def line_of(prefix: str) -> int:
    """The 1-based line of the real text that starts with ``prefix``."""
    return next(
        number
        for number, line in enumerate(TEXT.splitlines(), start=1)
        if line.startswith(prefix)
    )


def changed(old: str, new: str, count: int = 1) -> bytes:
    """The real text with ``old`` replaced ``count`` times by ``new``."""
    assert TEXT.count(old) == count
    return TEXT.replace(old, new).encode()


def import_failure(data: bytes) -> list[str]:
    with pytest.raises(ImportFailed) as failure:
        import_policy_text(data)
    return failure.value.errors


# -- the real text -----------------------------------------------------------


def test_real_text_header(departments):
    report = import_policy_text()

    policy = Policy.objects.get()
    assert (
        policy.number,
        policy.title,
        policy.issuer,
        policy.index_number,
        policy.issued_on,
        policy.repealed_on,
        policy.validity,
    ) == (
        "鹰办发〔2022〕22号",
        "关于实施“技能鹰潭行动”的意见",
        "市人社局",
        "YT0011/2023-07989",
        datetime.date(2023, 2, 13),
        None,
        "现行有效",
    )
    assert outcome(report) == (20, 0, 0)
    assert report.notes == []


def test_real_text_has_five_sections(departments):
    import_policy_text()

    assert dict(Section.objects.values_list("number", "title")) == SECTIONS
    assert str(Section.objects.get(number=5)) == "(五)强化技能人才激励保障"


def test_real_text_has_20_key_tasks_in_their_sections(departments):
    import_policy_text()

    key_tasks = KeyTask.objects.select_related("section").order_by("number")
    assert [k.title for k in key_tasks] == TITLES
    assert {k.number: k.section.number for k in key_tasks} == SECTION_OF_KEY_TASK


def test_key_task_body_and_note_are_kept_apart(departments):
    import_policy_text()

    key_task = KeyTask.objects.get(number=1)
    assert key_task.title == "培育铜基新材料产业链技能人才"
    assert key_task.body.startswith(
        "培育铜基新材料产业链技能人才。聚力提升“世界铜都”首位度"
    )
    assert key_task.body.endswith("做实做强鹰潭“世界铜都”品牌。")
    assert key_task.responsibility_note == (
        "(牵头单位:贵溪市人民政府、高新技术产业开发区;"
        "配合单位:市人社局、市工信局、市科技局、市教育局)"
    )


def test_key_task_1_is_led_by_guixi_and_the_high_tech_zone(departments):
    import_policy_text()

    assert assignments(1, LEAD) == ["贵溪市人民政府", "高新区管委会"]
    assert assignments(1, COOP) == ["市人社局", "市工信局", "市科技局", "市教育局"]


def test_key_task_19_is_led_by_human_resources_with_the_districts_cooperating(
    departments,
):
    import_policy_text()

    assert assignments(19, LEAD) == ["市人社局"]
    assert assignments(19, COOP) == ["市财政局", "市工信局", GROUP]


def test_the_district_group_is_assigned_as_one_department(departments):
    import_policy_text()

    assert assignments(6, LEAD) == ["市商务局", "市人社局"]
    assert assignments(6, COOP) == [
        "市卫健委",
        "市教育局",
        "市市场监管局",
        "市民政局",
        GROUP,
    ]
    assert assignments(8, LEAD) == ["市工信局", "市人社局", GROUP]


def test_organisation_department_leads_key_tasks_16_17_and_20(departments):
    import_policy_text()

    assert assignments(16, LEAD) == ["市委组织部"]
    assert assignments(17, LEAD) == ["市委组织部", GROUP]
    assert assignments(20, LEAD) == ["市委组织部"]


def test_every_key_task_has_a_lead(departments):
    import_policy_text()

    assert set(
        KeyTaskAssignment.objects.filter(role=LEAD).values_list(
            "key_task__number", flat=True
        )
    ) == set(range(1, 21))
    assert KeyTaskAssignment.objects.count() == 152


# -- re-import and variants --------------------------------------------------


def test_importing_the_text_twice_changes_nothing(departments):
    import_policy_text()
    before = snapshot()
    assignment_ids = set(KeyTaskAssignment.objects.values_list("pk", flat=True))

    report = import_policy_text()

    assert outcome(report) == (0, 0, 20)
    assert snapshot() == before
    assert set(KeyTaskAssignment.objects.values_list("pk", flat=True)) == (
        assignment_ids
    )


# Full-width marks, escaped so that no editor or tool can fold them to ASCII.
FULL_WIDTH = str.maketrans(
    {"(": "\uff08", ")": "\uff09", ",": "\uff0c", ":": "\uff1a", ";": "\uff1b"}
)


def full_width_text() -> str:
    variant = TEXT.translate(FULL_WIDTH)
    assert variant.count("\uff08") == 72
    assert variant.count("\uff0c") == 400
    assert "(" not in variant
    assert "\uff08牵头单位\uff1a" in variant
    return variant


def test_full_width_punctuation_gives_the_same_result(departments):
    import_policy_text()
    before = snapshot()
    report = import_policy_text(full_width_text().encode())

    assert outcome(report) == (0, 0, 20)
    assert snapshot() == before


def test_full_width_text_alone_gives_the_same_result(departments):
    import_policy_text(full_width_text().encode())
    variant = snapshot()
    KeyTaskAssignment.objects.all().delete()
    KeyTask.objects.all().delete()
    Section.objects.all().delete()
    ImportRecord.objects.all().delete()
    Policy.objects.all().delete()

    import_policy_text()

    assert snapshot() == variant


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("gb18030"),
        b"\xef\xbb\xbf" + TEXT.encode(),
        TEXT.replace("\n", "\r\n").encode(),
    ],
    ids=["gb18030", "utf8-bom", "crlf"],
)
def test_other_encodings_and_line_ends_import_the_same(departments, data):
    import_policy_text()
    before = snapshot()

    report = import_policy_text(data)

    assert outcome(report) == (0, 0, 20)
    assert snapshot() == before


def test_gb18030_text_alone_reads_the_header(departments):
    import_policy_text(TEXT.encode("gb18030"))

    policy = Policy.objects.get()
    assert (policy.number, policy.title, policy.issuer) == (
        POLICY_NUMBER,
        "关于实施“技能鹰潭行动”的意见",
        "市人社局",
    )
    assert assignments(19, COOP) == ["市财政局", "市工信局", GROUP]


def test_an_edited_note_updates_the_key_task_assignments(departments):
    import_policy_text()

    report = import_policy_text(
        changed("(牵头单位:余江区人民政府;", "(牵头单位:余江区人民政府、市科技局;")
    )

    assert outcome(report) == (0, 1, 19)
    assert [r.number for r in report.rows if r.action == Action.UPDATED] == [3]
    assert assignments(3, LEAD) == ["余江区人民政府", "市科技局"]
    assert assignments(3, COOP) == ["市人社局", "市工信局", "市商务局", "市市场监管局"]


def test_reimporting_the_text_after_the_annex_changes_nothing(policy):
    before = snapshot()
    roles_before = list(Responsibility.objects.order_by("pk").values_list("pk", "role"))

    report = import_policy_text()

    assert outcome(report) == (0, 0, 20)
    assert snapshot() == before
    assert list(Responsibility.objects.order_by("pk").values_list("pk", "role")) == (
        roles_before
    )


def test_dry_run_of_an_edited_note_reports_it_and_writes_nothing(policy):
    before = snapshot()
    before_counts = counts()
    data = changed("(牵头单位:余江区人民政府;", "(牵头单位:余江区人民政府、市科技局;")

    report = import_policy_text(data, dry_run=True)

    assert report.dry_run is True
    assert outcome(report) == (0, 1, 19)
    assert snapshot() == before
    assert counts() == before_counts


def test_a_changed_header_is_reported(departments):
    import_policy_text()
    repealed = changed("废止日期: |", "废止日期: 2025-12-31 |", count=2)
    repealed = repealed.decode().replace("现行有效", "已废止").encode()

    report = import_policy_text(repealed)

    policy = Policy.objects.get()
    assert (policy.validity, policy.repealed_on) == (
        "已废止",
        datetime.date(2025, 12, 31),
    )
    assert outcome(report) != (0, 0, 20) or any("已废止" in n for n in report.notes)


def test_a_changed_section_title_is_reported(departments):
    import_policy_text()
    retitled = changed(
        "(一)加强特色产业行业急需紧缺技能人才建设", "(一)加强特色产业技能人才建设"
    )

    report = import_policy_text(retitled)

    assert Section.objects.get(number=1).title == "加强特色产业技能人才建设"
    assert outcome(report) != (0, 0, 20) or any(
        "加强特色产业技能人才建设" in n for n in report.notes
    )


# -- bad input ---------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b" \r\n\n"], ids=["empty", "blank"])
def test_empty_file_is_refused(departments, data):
    assert import_failure(data) == ["文件“policy.txt”是空文件。"]
    assert counts() == NOTHING


def test_bytes_in_no_known_encoding_are_refused(departments):
    assert import_failure(b"\xff\xfe\xff\xff") == [
        "文件“policy.txt”不是 UTF-8 或 GB18030 编码的文本。"
    ]
    assert counts() == NOTHING


def test_text_without_a_number_line_is_refused(departments):
    errors = import_failure(changed("文 号: 鹰办发〔2022〕22号 |", "", count=2))

    assert errors == ["文件“policy.txt”中没有找到文号(“文 号:”一行)。"]
    assert counts() == NOTHING


def test_text_without_a_title_is_refused(departments):
    errors = import_failure(changed("关于实施“技能鹰潭行动”的意见\n", ""))

    assert errors == ["文件“policy.txt”中没有找到标题(以“关于”开头的一行)。"]
    assert counts() == NOTHING


def test_a_date_not_in_iso_form_is_named(departments):
    errors = import_failure(changed("2023-02-13", "2023-02-30", count=2))

    assert errors == ["文件“policy.txt”的日期“2023-02-30”不是 YYYY-MM-DD 格式。"]
    assert counts() == NOTHING


def test_unknown_department_in_a_note_names_line_and_name_and_writes_nothing(
    departments,
):
    errors = import_failure(
        changed("(牵头单位:余江区人民政府;", "(牵头单位:余江县人民政府;")
    )

    assert line_of("3.培育智能光电产业链技能人才") == 23
    assert errors == [UNKNOWN_HEAD + "第23行(重点任务3)牵头单位:“余江县人民政府”"]
    assert counts() == NOTHING


def test_unknown_department_leaves_loaded_data_untouched(policy):
    before = snapshot()
    before_counts = counts()

    errors = import_failure(
        changed("配合单位:市财政局、市工信局,", "配合单位:市财政局、市XX局,")
    )

    assert errors == [UNKNOWN_HEAD + "第43行(重点任务19)配合单位:“市XX局”"]
    assert counts() == before_counts
    assert snapshot() == before


def test_mapping_the_unknown_name_as_an_alias_lets_the_import_succeed(departments):
    data = changed("(牵头单位:余江区人民政府;", "(牵头单位:余江县人民政府;")
    with pytest.raises(ImportFailed):
        import_policy_text(data)

    DepartmentAlias.objects.create(
        name="余江县人民政府", department=Department.objects.get(name="余江区人民政府")
    )
    report = import_policy_text(data)

    assert outcome(report) == (20, 0, 0)
    assert assignments(3, LEAD) == ["余江区人民政府"]


def test_a_department_both_leading_and_cooperating_is_refused(departments):
    errors = import_failure(
        changed(
            "(牵头单位:余江区人民政府;配合单位:市人社局",
            "(牵头单位:余江区人民政府、市人社局;配合单位:市人社局",
        )
    )

    assert errors == ["第23行(重点任务3):“市人社局”同时列为牵头单位和配合单位。"]
    assert counts() == NOTHING


def test_a_department_both_leading_and_cooperating_by_alias_is_refused(departments):
    errors = import_failure(
        changed(
            "(牵头单位:余江区人民政府;配合单位:市人社局",
            "(牵头单位:余江区人民政府、人社局;配合单位:市人社局",
        )
    )

    assert errors == ["第23行(重点任务3):“市人社局”同时列为牵头单位和配合单位。"]
    assert counts() == NOTHING


def test_duplicate_key_task_numbers_name_the_line(departments):
    errors = import_failure(changed("\n2.培育电子信息", "\n1.培育电子信息"))

    assert errors == ["第22行:重点任务序号 1 重复。", "重点任务序号不连续,缺少:2。"]
    assert counts() == NOTHING


def test_text_without_a_main_tasks_chapter_is_refused(departments):
    errors = import_failure(changed("三、主要任务", "三、重点工作"))

    assert errors == ["文件“policy.txt”中没有找到“主要任务”一章(如“三、主要任务”)。"]
    assert counts() == NOTHING


def test_key_task_names_that_do_not_match_the_loaded_annex_are_refused(policy):
    before = snapshot()
    before_counts = counts()

    errors = import_failure(
        changed("3.培育智能光电产业链技能人才。", "3.建设高标准农田示范区。")
    )

    assert errors == [
        "第23行:正文重点任务3“建设高标准农田示范区”与附件第3个重点任务"
        "“培育智能光电产业链技能人才”对不上。"
    ]
    assert counts() == before_counts
    assert snapshot() == before


# -- the management command --------------------------------------------------


def run_import_policy(*args) -> str:
    out = StringIO()
    call_command("import_policy", *args, stdout=out)
    return out.getvalue()


def test_command_imports_the_text(departments):
    output = run_import_policy(str(POLICY_PATH))

    assert output.splitlines() == ["导入完成:新增 20 条,更新 0 条,未变 0 条"]
    assert KeyTask.objects.filter(policy__number=POLICY_NUMBER).count() == 20


def test_command_dry_run_previews_and_writes_nothing(departments):
    output = run_import_policy(str(POLICY_PATH), "--dry-run")

    assert output.splitlines() == ["预览(未写入):新增 20 条,更新 0 条,未变 0 条"]
    assert counts() == NOTHING


def test_command_reports_errors_in_chinese_and_writes_nothing(departments, tmp_path):
    path = tmp_path / "正文.txt"
    path.write_bytes(changed("三、主要任务", "三、重点工作"))

    with pytest.raises(CommandError) as failure:
        run_import_policy(str(path))

    assert str(failure.value) == (
        "导入失败,未写入任何数据:\n"
        "文件“正文.txt”中没有找到“主要任务”一章(如“三、主要任务”)。"
    )
    assert counts() == NOTHING


def test_command_reports_an_empty_file(departments, tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")

    with pytest.raises(CommandError) as failure:
        run_import_policy(str(path))

    assert str(failure.value) == "导入失败,未写入任何数据:\n文件“empty.txt”是空文件。"
    assert counts() == NOTHING


# -- input the database would refuse -----------------------------------------


def test_a_nul_byte_is_refused_naming_its_line_and_nothing_is_written(
    departments, tmp_path
):
    """PostgreSQL refuses NUL in text; the import says where it is."""
    line = line_of("3.培育智能光电产业链技能人才")
    path = tmp_path / "正文.txt"
    path.write_bytes(
        changed("3.培育智能光电产业链技能人才", "3.培育智能\x00光电产业链技能人才")
    )

    with pytest.raises(CommandError) as failure:
        run_import_policy(str(path))

    assert str(failure.value) == (
        "导入失败,未写入任何数据:\n"
        f"文件“正文.txt”第{line}行含有空字符(NUL,\\x00),无法保存。"
        "请删除该字符;若文件是 UTF-16 编码,请另存为 UTF-8 后再导入。"
    )
    assert counts() == NOTHING


def test_a_key_task_name_longer_than_its_column_is_refused(departments):
    line = line_of("3.培育智能光电产业链技能人才")
    long_title = "培育智能光电产业链技能人才" + "很" * 200

    errors = import_failure(changed("3.培育智能光电产业链技能人才", f"3.{long_title}"))

    assert errors == [
        f"第{line}行(重点任务3)的名称有 {len(long_title)} 个字,超过上限 200 个字。"
    ]
    assert counts() == NOTHING


def test_a_title_longer_than_its_column_is_refused(departments):
    title = next(line for line in TEXT.splitlines() if line.startswith("关于"))
    long_title = title.removesuffix("意见") + "很" * 200 + "意见"

    errors = import_failure(changed(title, long_title, count=TEXT.count(title)))

    assert errors == [
        f"文件“policy.txt”的标题有 {len(long_title)} 个字,超过上限 200 个字。"
    ]
    assert counts() == NOTHING
