"""A second policy from any office's document: its key tasks and roles, a
task per key task for the departments to report on, its targets as
candidates, unknown unit names settled by hand, and refusals that write
nothing."""

import io
from decimal import Decimal

import docx
import pytest

from policytext.document import read_document
from targets.models import Comparator, ReviewStatus, Target
from targets.services import policy_document_load
from tasks.importers.document import read_upload
from tasks.importers.errors import ImportFailed
from tasks.models import (
    Department,
    DepartmentAlias,
    ImportKind,
    ImportRecord,
    KeyTask,
    KeyTaskAssignment,
    Policy,
    Responsibility,
    Role,
    Section,
    Task,
)
from tests.conftest import ROOT

FIXTURES = ROOT / "fixtures" / "policies"

# A small 鹰潭 document, in the form of another office: 一、 chapters, 1.
# items, role lines under the items, and a 发展目标 chapter without roles.
YINGTAN = """鹰潭市家政服务提质扩容工作方案
一、工作目标
到2025年,全市培训家政服务人员5000人次以上。
二、重点任务
1.开展家政技能培训。依托职业院校开展订单式培训,培育家政培训示范基地10家。
牵头单位:市人社局
责任单位:市商务局、市妇联
2.推进家政服务标准化。制定家政服务地方标准。(市市场监管局牵头,市商务局按职责分工负责)
三、保障措施
(一)加强组织领导。建立工作调度机制。(责任单位:市人社局、市家政协会)
"""


def fixture_text(name: str) -> str:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return text.split("\n", 1)[1]  # line 1 is the source note


def load(text: str, number: str = "鹰人社发〔2026〕1号", **kwargs):
    kwargs.setdefault("title", "鹰潭市家政服务提质扩容工作方案")
    return policy_document_load(
        document=read_document(text),
        text=text,
        file_name="方案.txt",
        sha256="0" * 64,
        number=number,
        **kwargs,
    )


def refusal(text: str, **kwargs) -> list[str]:
    with pytest.raises(ImportFailed) as failure:
        load(text, **kwargs)
    return failure.value.errors


@pytest.mark.django_db
def test_a_yingtan_document_becomes_a_policy_its_departments_report_on(departments):
    report = load(YINGTAN, aliases={"市家政协会": None})

    policy = Policy.objects.get(number="鹰人社发〔2026〕1号")
    assert report.policy == policy
    assert policy.title == "鹰潭市家政服务提质扩容工作方案"
    assert policy.text == YINGTAN
    assert [(s.number, s.title) for s in Section.objects.filter(policy=policy)] == [
        (1, "重点任务"),
        (2, "保障措施"),
    ]
    key_tasks = list(KeyTask.objects.filter(policy=policy).order_by("number"))
    assert [(k.number, k.title, k.section.number) for k in key_tasks] == [
        (1, "开展家政技能培训", 1),
        (2, "推进家政服务标准化", 1),
        (3, "加强组织领导", 2),
    ]
    assert key_tasks[0].responsibility_note == (
        "牵头单位:市人社局;责任单位:市商务局、市妇联"
    )
    roles = {
        (a.key_task.number, a.department.name, a.role)
        for a in KeyTaskAssignment.objects.filter(key_task__policy=policy)
    }
    assert roles == {
        (1, "市人社局", Role.LEAD),
        (1, "市商务局", Role.COOPERATING),
        (1, "市妇联", Role.COOPERATING),
        (2, "市市场监管局", Role.LEAD),
        (2, "市商务局", Role.COOPERATING),
        (3, "市人社局", Role.LEAD),
    }
    # One task per key task, leads first, so departments can report on it.
    tasks = list(Task.objects.filter(policy=policy).order_by("number"))
    assert [(t.number, t.key_task.number) for t in tasks] == [(1, 1), (2, 2), (3, 3)]
    assert tasks[0].requirement.startswith("1.开展家政技能培训")
    assert tasks[0].departments_text == "牵头单位:市人社局;配合单位:市商务局、市妇联"
    assert [
        (r.department.name, r.role)
        for r in Responsibility.objects.filter(task=tasks[0]).order_by("position")
    ] == [
        ("市人社局", Role.LEAD),
        ("市商务局", Role.COOPERATING),
        ("市妇联", Role.COOPERATING),
    ]
    assert any("市家政协会" in note and "忽略" in note for note in report.notes)
    record = ImportRecord.objects.get(policy=policy)
    assert record.kind == ImportKind.DOCUMENT
    assert record.created_count == 3


@pytest.mark.django_db
def test_the_documents_targets_become_candidates_of_its_key_tasks(departments):
    load(YINGTAN, aliases={"市家政协会": None})

    targets = list(Target.objects.filter(policy__number="鹰人社发〔2026〕1号"))
    found = {
        (t.metric, t.value, t.unit, t.key_task and t.key_task.number) for t in targets
    }
    assert ("培训家政服务人员", 5000, "人次", None) in found
    base = next(t for t in targets if t.unit == "家")
    assert base.value == 10
    assert base.key_task.number == 1
    assert base.task.number == 1  # the key task's own task
    assert base.source_ref == "正文·二、1."
    assert {t.review_status for t in targets} == {ReviewStatus.PROPOSED}


@pytest.mark.django_db
def test_targets_are_confirmed_at_once_when_the_administrator_ticks_so(
    departments, users
):
    load(
        YINGTAN,
        aliases={"市家政协会": None},
        accept_targets=True,
        user=users["sysadmin"],
    )

    targets = Target.objects.filter(policy__number="鹰人社发〔2026〕1号")
    assert targets.exists()
    assert {t.review_status for t in targets} == {ReviewStatus.ACCEPTED}


@pytest.mark.django_db
def test_a_dry_run_writes_nothing_but_reports_what_it_would(departments):
    report = load(
        YINGTAN,
        aliases={"市家政协会": Department.objects.get(name="市人社局")},
        dry_run=True,
    )

    assert report.count("created") == 3
    assert len(report.targets.created) >= 2
    assert not Policy.objects.filter(number="鹰人社发〔2026〕1号").exists()
    assert not Target.objects.exists()
    assert not ImportRecord.objects.exists()
    assert not DepartmentAlias.objects.filter(name="市家政协会").exists()


@pytest.mark.django_db
def test_an_unknown_unit_name_is_refused_until_mapped_or_ignored(departments):
    errors = refusal(YINGTAN)

    assert "“市家政协会”(见三、(一))" in errors[0]
    assert not Policy.objects.exists()

    society = Department.objects.get(name="市妇联")
    load(YINGTAN, aliases={"市家政协会": society})
    assert DepartmentAlias.objects.get(name="市家政协会").department == society
    assert KeyTaskAssignment.objects.filter(
        key_task__number=3, department=society, role=Role.LEAD
    ).exists()


@pytest.mark.django_db
def test_a_number_already_in_use_is_refused(departments):
    load(YINGTAN, aliases={"市家政协会": None})

    errors = refusal(YINGTAN, aliases={"市家政协会": None}, title="另一份方案")

    assert errors == [
        "文号“鹰人社发〔2026〕1号”已被政策“鹰潭市家政服务提质扩容工作方案”使用,"
        "不能再导入为新政策;请核对文号,或在该政策下导入附件。"
    ]
    assert Policy.objects.count() == 1


@pytest.mark.django_db
def test_a_number_and_a_title_are_required(departments):
    errors = refusal(YINGTAN, number=" ", title="", aliases={"市家政协会": None})

    assert errors == [
        "请填写文号:文件中没有读到文号。",
        "请填写政策标题:文件中没有读到标题。",
    ]


def _settle_all(text: str, department: Department) -> dict:
    """Every unit name of another place's document mapped to one
    department: the names are not 鹰潭's."""
    document = read_document(text)
    return {
        name: department
        for item in document.roles
        for name in item.lead + item.cooperating
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "key_tasks", "sections"),
    [
        ("01-guangzhou-rencai-jiju-gongcheng.txt", 30, 1),
        ("04-lishan-2023-zhongdian-gongzuo-fenjie.txt", 6, 1),
        ("06-dongguan-wending-kuoda-jiuye-shishi-yijian.txt", 2, 1),
    ],
)
def test_documents_of_other_offices_are_imported(
    departments, name, key_tasks, sections
):
    text = fixture_text(name)
    document = read_document(text)
    hrss = Department.objects.get(name="市人社局")

    report = load(
        text,
        number=document.number or "测试〔2026〕9号",
        title=name,
        aliases=_settle_all(text, hrss),
    )

    policy = report.policy
    assert KeyTask.objects.filter(policy=policy).count() == key_tasks
    assert Task.objects.filter(policy=policy).count() == key_tasks
    assert Section.objects.filter(policy=policy).count() == sections
    stored = Target.objects.filter(policy=policy).count()
    assert stored == len(report.plan.storable_targets)
    assert stored <= len(document.targets)


@pytest.mark.django_db
def test_lishan_roles_and_growth_targets(departments):
    text = fixture_text("04-lishan-2023-zhongdian-gongzuo-fenjie.txt")
    hrss = Department.objects.get(name="市人社局")
    aliases = _settle_all(text, hrss)
    aliases["区发改局"] = Department.objects.get(name="市发改委")

    load(text, number="鹞立政发〔2023〕2号", title="立山区重点工作", aliases=aliases)

    first = KeyTask.objects.get(policy__number="鹞立政发〔2023〕2号", number=1)
    assert first.title == "努力实现地区生产总值增长6.2%左右"
    assert [
        (a.department.name, a.role) for a in first.assignments.order_by("position")
    ] == [
        ("市发改委", Role.LEAD),
        ("市人社局", Role.COOPERATING),
    ]
    growth = Target.objects.get(key_task=first)
    assert (growth.value, growth.unit, growth.comparator, growth.kind) == (
        Decimal("6.2"),
        "%",
        "about",
        "relative",
    )


def docx_bytes(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_docx_is_read_paragraphs_and_table_cells_in_order():
    data = docx_bytes(
        ["鹰潭市家政服务工作方案", "一、重点任务"],
        [["序号", "工作任务", "责任单位"], ["1", "开展家政技能培训", "市人社局"]],
    )

    text = read_upload(data, "方案.docx")

    assert text.split("\n") == [
        "鹰潭市家政服务工作方案",
        "一、重点任务",
        "序号",
        "工作任务",
        "责任单位",
        "1",
        "开展家政技能培训",
        "市人社局",
    ]
    document = read_document(text)
    assert [(i.path_label, i.lead) for i in document.roles] == [("一、1", ["市人社局"])]


@pytest.mark.django_db
def test_a_docx_policy_is_imported(departments):
    data = docx_bytes(YINGTAN.strip().split("\n"))
    text = read_upload(data, "方案.docx")

    load(text, aliases={"市家政协会": None})

    assert KeyTask.objects.filter(policy__number="鹰人社发〔2026〕1号").count() == 3


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.txt", "文件“a.txt”是空文件。"),
        (b"PK\x03\x04junk", "a.docx", "文件“a.docx”不是 Word 文档(.docx)。"),
        (b"text", "a.pdf", "文件“a.pdf”不是 .txt 或 .docx 文件。"),
    ],
)
def test_unreadable_uploads_are_refused_by_name(data, name, message):
    with pytest.raises(ImportFailed) as failure:
        read_upload(data, name)

    assert failure.value.errors == [message]


def test_a_gb18030_text_is_decoded():
    assert read_upload("一、任务".encode("gb18030"), "a.txt") == "一、任务"


@pytest.mark.django_db
def test_an_upper_bound_becomes_a_ceiling_target(departments):
    text = YINGTAN.replace(
        "制定家政服务地方标准。", "制定家政服务地方标准,投诉率控制在5%以内。"
    )

    report = load(text, aliases={"市家政协会": None})

    assert not [t for t in report.plan.targets if t.problem]
    ceiling = Target.objects.get(unit="%")
    assert (ceiling.comparator, ceiling.value) == (Comparator.AT_MOST, Decimal(5))
    assert ceiling.get_comparator_display() == "不超过(≤)"


@pytest.mark.django_db
def test_the_yingtan_extractor_does_not_propose_the_targets_again(departments):
    from targets.services import TargetError, policy_targets_extract

    report = load(YINGTAN, aliases={"市家政协会": None})

    with pytest.raises(TargetError, match="不再重复提取"):
        policy_targets_extract(policy=report.policy)


@pytest.mark.django_db
def test_an_annex_given_with_the_document_gives_the_tasks(departments):
    from tasks.importers.annex import read_annex
    from tests.tasks.test_annex_variants import workbook_bytes

    data = workbook_bytes(
        [
            ("序号", "重点任务", "工作要求", "牵头单位", "配合单位"),
            (1, "开展家政技能培训", "开展订单式培训", "市人社局", "市商务局"),
            (2, None, "培育家政培训示范基地", "市人社局", None),
            (3, "推进家政服务标准化", "制定地方标准", "市市场监管局", "市商务局"),
        ]
    )

    report = load(
        YINGTAN,
        aliases={"市家政协会": None},
        annex=read_annex(data, "附件.xlsx"),
        annex_file_name="附件.xlsx",
        annex_sha256="1" * 64,
    )

    tasks = Task.objects.filter(policy=report.policy).order_by("number")
    assert [(t.number, t.key_task.number, t.requirement) for t in tasks] == [
        (1, 1, "开展订单式培训"),
        (2, 1, "培育家政培训示范基地"),
        (3, 2, "制定地方标准"),
    ]
    assert [
        (r.department.name, r.role)
        for r in Responsibility.objects.filter(task=tasks[0]).order_by("position")
    ] == [("市人社局", Role.LEAD), ("市商务局", Role.COOPERATING)]
    kinds = set(ImportRecord.objects.values_list("kind", flat=True))
    assert kinds == {ImportKind.DOCUMENT, ImportKind.ANNEX}
    # Targets are the key tasks', no annex row being the document's own.
    assert not Target.objects.filter(task__isnull=False).exists()
    assert Target.objects.filter(key_task__number=1).exists()


def _numbered_document(items: int) -> str:
    lines = ["鹰潭市技能培训提质工作方案", "一、重点任务"]
    lines += [
        f"{i}.开展第{i}项培训工作。组织培训班。(市人社局牵头,市商务局按职责分工负责)"
        for i in range(1, items + 1)
    ]
    return "\n".join(lines) + "\n"


@pytest.mark.django_db
def test_the_import_costs_the_same_queries_for_a_long_document(departments):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for number, items in (("鹰测〔2026〕1号", 3), ("鹰测〔2026〕2号", 24)):
        with CaptureQueriesContext(connection) as queries:
            load(_numbered_document(items), number=number)
        policy = Policy.objects.get(number=number)
        assert Task.objects.filter(policy=policy).count() == items
        assert Responsibility.objects.filter(task__policy=policy).count() == 2 * items
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
