"""Any office's policy document as the general importer takes it: the
uploaded file's text (.txt or .docx), and what policytext.document read in
it laid out as the policy's sections, key tasks, tasks and targets, with
every unit name resolved to a department or listed as unknown.

Nothing here writes; ``tasks.services.policy_document_import`` writes the
plan, and the admin's preview shows it.
"""

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from policytext.document import Document, Item
from policytext.document import Target as DocumentTarget
from policytext.errors import ReadFailed
from policytext.extraction import Candidate, fingerprint
from policytext.structure import decode
from policytext.targets import ParsedTarget
from policytext.text import name_key

from ..models import KeyTask, Policy, Section
from .departments import DepartmentDirectory
from .errors import ImportFailed
from .uploads import office_unpack, upload_size_check

TITLE_LIMIT = KeyTask._meta.get_field("title").max_length
NOTE_LIMIT = KeyTask._meta.get_field("responsibility_note").max_length
SECTION_TITLE_LIMIT = Section._meta.get_field("title").max_length
POLICY_TITLE_LIMIT = Policy._meta.get_field("title").max_length
NUMBER_LIMIT = Policy._meta.get_field("number").max_length
# The document's comparisons as targets.models.Comparator stores them: an
# upper bound (控制在5.5%以内) is a ceiling, "lte".
COMPARATORS = {"=": "gte", ">=": "gte", "about": "about", "<=": "lte"}
# What targets.models.Target's columns take.
TARGET_UNIT_LIMIT = 16
TARGET_INTEGER_DIGITS = 12
# A target that states no date and a document that states none anywhere:
# the date targets_extract gives such a target.
FALLBACK_DEADLINE = datetime.date(2025, 12, 31)


def read_upload(data: bytes, file_name: str) -> str:
    """The text of an uploaded .txt (UTF-8 or GB18030) or .docx
    (paragraphs and table cells, one a line, in the order written)."""
    upload_size_check(data, file_name)
    if file_name.lower().endswith(".docx"):
        return _docx_text(data, file_name)
    if not file_name.lower().endswith(".txt"):
        raise ImportFailed(f"文件“{file_name}”不是 .txt 或 .docx 文件。")
    try:
        return decode(data, file_name)
    except ReadFailed as exc:
        raise ImportFailed(exc.errors) from exc


def _docx_text(data: bytes, file_name: str) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    buffer = office_unpack(
        data, file_name, part="word/document.xml", kind=" Word 文档(.docx)"
    )
    try:
        document = docx.Document(buffer)
    except Exception as exc:  # python-docx raises many kinds on a broken file
        raise ImportFailed(f"文件“{file_name}”无法作为 Word 文档读取:{exc}") from exc
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                seen = set()
                for cell in row.cells:
                    # A merged cell is returned once for each grid column.
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    lines.append(cell.text)
    text = "\n".join(lines)
    if not text.strip():
        raise ImportFailed(f"文件“{file_name}”中没有文字。")
    return text


@dataclass
class PlannedSection:
    number: int
    label: str
    title: str


@dataclass
class PlannedKeyTask:
    number: int
    path: str
    title: str
    body: str
    note: str
    section: int | None
    lead_names: list[str]
    cooperating_names: list[str]
    leads: list = field(default_factory=list)  # Departments
    cooperating: list = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)  # names not yet settled
    section_label: str = ""  # "二、重点任务", as shown

    @property
    def departments(self) -> list:
        return self.leads + self.cooperating


COMPARISON_LABELS = {"=": "", ">=": "≥", "<=": "≤", "about": "约"}


@dataclass
class PlannedTarget:
    target: DocumentTarget
    key_task: int | None
    deadline: datetime.date
    deadline_assumed: bool
    problem: str = ""  # why it cannot be stored, if it cannot

    @property
    def value_display(self) -> str:
        value = format(self.target.value.normalize(), "f")
        label = COMPARISON_LABELS.get(self.target.comparator, "")
        return f"{label}{value}{self.target.unit}"


@dataclass
class UnknownName:
    name: str
    places: list[str]


@dataclass
class DocumentPlan:
    sections: list[PlannedSection] = field(default_factory=list)
    key_tasks: list[PlannedKeyTask] = field(default_factory=list)
    targets: list[PlannedTarget] = field(default_factory=list)
    unknown: list[UnknownName] = field(default_factory=list)
    without_roles: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def storable_targets(self) -> list[PlannedTarget]:
        return [t for t in self.targets if not t.problem]

    def candidates(self, *, with_tasks: bool) -> list[Candidate]:
        """The targets as targets.services.targets_extract takes them; each
        is tied to its key task and, where a task is made per key task, to
        that task (of the same number)."""
        counts: dict[str, int] = defaultdict(int)
        candidates = []
        for planned in self.storable_targets:
            target = planned.target
            parsed = ParsedTarget(
                metric=target.metric,
                value=target.value,
                unit=target.unit,
                comparator=COMPARATORS[target.comparator],
                aspirational=target.aspirational,
                deadline=planned.deadline,
                kind=target.kind,
                baseline_multiplier=None,
                note="期限为推定" if planned.deadline_assumed else "",
                sentence=target.text,
            )
            base = fingerprint(parsed, key_task_number=planned.key_task)
            counts[base] += 1
            if counts[base] > 1:  # the same words twice in one key task
                base = hashlib.sha1(
                    f"{base}#{counts[base]}".encode(), usedforsecurity=False
                ).hexdigest()
            source = f"正文·{target.item}" if target.item else "正文"
            candidates.append(
                Candidate(
                    source_ref=source[:100],
                    task_number=planned.key_task if with_tasks else None,
                    key_task_number=planned.key_task,
                    target=parsed,
                    fingerprint=base,
                )
            )
        return candidates


def plan_document(
    document: Document,
    directory: DepartmentDirectory,
    aliases: dict[str, object] | None = None,
) -> DocumentPlan:
    """Sections, key tasks and targets of a document, its unit names
    resolved through the directory and ``aliases`` (a name as written →
    a Department, or None to leave it out)."""
    chosen = {name_key(name): d for name, d in (aliases or {}).items()}
    plan = DocumentPlan()
    by_path = {item.path_label: item for item in document.items}
    top_of: dict[str, PlannedSection] = {}
    unknown: dict[str, UnknownName] = {}
    key_task_of: dict[str, int] = {}
    for item in document.items:
        if not item.has_roles:
            if _is_leaf(item, document) and not _under_roles(item, by_path):
                plan.without_roles.append(f"{item.path_label}{_shown(item)}")
            continue
        number = len(plan.key_tasks) + 1
        key_task_of[item.path_label] = number
        section = None
        if len(item.path) > 1:
            top = by_path.get(item.path[0])
            if top is not None:
                section = top_of.get(top.path_label)
                if section is None:
                    section = PlannedSection(
                        number=len(top_of) + 1,
                        label=top.label,
                        title=_cut(
                            top.title or _shown(top),
                            SECTION_TITLE_LIMIT,
                            f"{top.label}的标题",
                            plan,
                        ),
                    )
                    top_of[top.path_label] = section
                    plan.sections.append(section)
        where = f"{item.path_label}{_shown(item)}"
        planned = PlannedKeyTask(
            number=number,
            path=item.path_label,
            title=_cut(_heading_title(item), TITLE_LIMIT, f"{where}的名称", plan),
            body=item.text,
            note=_cut(";".join(item.notes), NOTE_LIMIT, f"{where}的分工", plan),
            section=section.number if section else None,
            section_label=f"{section.label}{section.title}" if section else "",
            lead_names=list(item.lead),
            cooperating_names=list(item.cooperating),
        )
        for names, found in (
            (item.lead, planned.leads),
            (item.cooperating, planned.cooperating),
        ):
            for name in names:
                key = name_key(name)
                if key in chosen:
                    department = chosen[key]
                    if department is None:
                        planned.ignored.append(name)
                        continue
                else:
                    department = directory.resolve(name)
                if department is None:
                    entry = unknown.setdefault(key, UnknownName(name, []))
                    entry.places.append(item.path_label)
                    planned.pending.append(name)
                    continue
                if department in planned.leads:
                    if found is planned.cooperating:
                        plan.notes.append(
                            f"{where}:“{department}”同时列为牵头单位和配合单位,"
                            "按牵头单位导入。"
                        )
                    continue
                if department not in found:
                    found.append(department)
        if planned.ignored:
            plan.notes.append(f"{where}:忽略了“" + "”“".join(planned.ignored) + "”。")
        if not planned.departments and not planned.pending:
            plan.notes.append(
                f"重点任务{number}({where})没有可对应的责任部门,"
                "只建重点任务,不建供部门填报的工作要求。"
            )
        plan.key_tasks.append(planned)
    plan.unknown = list(unknown.values())
    _plan_targets(document, by_path, key_task_of, plan)
    return plan


def _plan_targets(document, by_path, key_task_of, plan: DocumentPlan) -> None:
    dated = [t.deadline for t in document.targets if t.deadline]
    default = max(dated, default=FALLBACK_DEADLINE)
    for target in document.targets:
        key_task = None
        item = by_path.get(target.item)
        while item is not None:
            if item.path_label in key_task_of:
                key_task = key_task_of[item.path_label]
                break
            item = by_path.get("".join(item.path[:-1])) if len(item.path) > 1 else None
        planned = PlannedTarget(
            target=target,
            key_task=key_task,
            deadline=target.deadline or default,
            deadline_assumed=target.deadline is None,
            problem=_target_problem(target),
        )
        plan.targets.append(planned)


def _target_problem(target: DocumentTarget) -> str:
    if target.comparator not in COMPARATORS:
        return f"比较方式“{target.comparator}”无法识别,未导入。"
    if not target.metric.strip():
        return "未读出指标名称,未导入。"
    if target.value < 0:
        return "目标值为负数,未导入。"
    if target.unit == "%" and target.value > 100:
        return "百分比超过 100,未导入。"
    if len(target.unit) > TARGET_UNIT_LIMIT:
        return f"单位超过 {TARGET_UNIT_LIMIT} 个字,未导入。"
    if target.value.quantize(Decimal("0.01")).adjusted() >= TARGET_INTEGER_DIGITS:
        return f"目标值超过 {TARGET_INTEGER_DIGITS} 位整数,未导入。"
    return ""


def _is_leaf(item: Item, document: Document) -> bool:
    return not any(
        other.path[: len(item.path)] == item.path and other is not item
        for other in document.items
    )


def _under_roles(item: Item, by_path) -> bool:
    """Whether an ancestor's role note covers the item."""
    for depth in range(1, len(item.path)):
        parent = by_path.get("".join(item.path[:depth]))
        if parent is not None and parent.has_roles:
            return True
    return False


def _shown(item: Item) -> str:
    text = item.title or item.text
    return text if len(text) <= 30 else text[:30] + "…"


def _heading_title(item: Item) -> str:
    if item.title:
        return item.title
    first = item.text.split("\u3002", 1)[0]
    return first if len(first) <= 60 else first[:60] + "…"


def _cut(text: str, limit: int, where: str, plan: DocumentPlan) -> str:
    if len(text) <= limit:
        return text
    plan.notes.append(f"{where}有 {len(text)} 个字,超过上限 {limit} 个字,已截断。")
    return text[: limit - 1] + "…"
