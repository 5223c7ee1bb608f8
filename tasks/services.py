"""Every write to the policy data: the two imports and role assignment.

Each import is one transaction: it validates the whole input first, writes
nothing when anything is wrong, and reports what it created, changed and
left alone. Either import may run first; running both in any order gives
the same data, because roles are derived from what both have loaded.
"""

import difflib
import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F

from audit.services import audit_record
from policytext.document import Document
from policytext.structure import PolicyText
from policytext.text import name_key

from .importers.annex import AnnexSheet, read_role_note, role_note
from .importers.bulk import update_rows
from .importers.departments import DepartmentDirectory
from .importers.document import DocumentPlan, plan_document
from .importers.errors import ImportFailed
from .models import (
    AnnexColumnMapping,
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

# Below this similarity the annex's and the text's names of the same
# numbered key task are taken to be different key tasks.
KEY_TASK_NAME_MIN_SIMILARITY = 0.6
# The best match must beat the next best by this much to be taken.
KEY_TASK_NAME_MIN_MARGIN = 0.1
# Rows an import inserts, deletes or updates in one statement.
BULK_BATCH_SIZE = 2000


class Action:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass
class RowOutcome:
    number: int
    action: str
    label: str
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)
    object_id: int | None = None
    obj: object | None = None


@dataclass
class ImportReport:
    rows: list[RowOutcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def summary(self) -> str:
        return (
            f"新增 {self.count(Action.CREATED)} 条,"
            f"更新 {self.count(Action.UPDATED)} 条,"
            f"未变 {self.count(Action.UNCHANGED)} 条"
        )


class _DryRun(Exception):
    pass


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def annex_import(
    *,
    policy_number: str,
    sheet: AnnexSheet,
    file_name: str,
    sha256: str,
    user=None,
    dry_run: bool = False,
) -> ImportReport:
    """Load the annex's tasks and the departments it lists for each.

    Tasks are matched on (policy, number): an edited row updates its task in
    place. The annex's key tasks are numbered in order of appearance and
    matched with the text's by number, refusing a pair whose names differ
    too much.
    """
    directory = DepartmentDirectory.load()
    unknown: list[str] = []
    overlaps: list[str] = []
    departments_of: dict[int, list[Department]] = {}
    for row in sheet.rows:
        where = f"工作表“{sheet.sheet_name}”第{row.row}行"
        if not row.lead:
            departments_of[row.number] = directory.resolve_all(
                directory.split(row.departments), f"{where}“责任部门”列", unknown
            )
            continue
        # 牵头单位 and 配合单位 in two columns: leads first.
        leads = directory.resolve_all(
            directory.split(row.lead), f"{where}“牵头单位”列", unknown
        )
        cooperating = directory.resolve_all(
            directory.split(row.cooperating), f"{where}“配合单位”列", unknown
        )
        overlaps += [
            f"{where}:“{d}”同时列为牵头单位和配合单位。"
            for d in cooperating
            if d in leads
        ]
        departments_of[row.number] = leads + [d for d in cooperating if d not in leads]
    if unknown:
        raise ImportFailed(_unknown_departments_message(unknown))
    if overlaps:
        raise ImportFailed(overlaps)

    report = ImportReport(notes=list(sheet.notes), dry_run=dry_run)
    try:
        with transaction.atomic():
            policy, _ = Policy.objects.get_or_create(number=policy_number)
            key_tasks = _annex_key_tasks(policy, sheet, report)
            _annex_tasks(policy, sheet, key_tasks, departments_of, report)
            report.notes.extend(policy_assign_roles(policy=policy))
            _record(policy, ImportKind.ANNEX, file_name, sha256, user, report)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


def policy_text_import(
    *,
    document: PolicyText,
    file_name: str,
    sha256: str,
    user=None,
    dry_run: bool = False,
) -> ImportReport:
    """Load the document's header, sections, key tasks and the roles that
    each key task's 〔牵头单位:…;配合单位:…〕 note gives."""
    directory = DepartmentDirectory.load()
    unknown: list[str] = []
    errors: list[str] = []
    roles_of: dict[int, list[tuple[Department, str]]] = {}
    for item in document.key_tasks:
        where = f"第{item.line}行(重点任务{item.number})"
        leads = directory.resolve_all(
            directory.split(item.lead), f"{where}牵头单位", unknown
        )
        cooperating = directory.resolve_all(
            directory.split(item.cooperating), f"{where}配合单位", unknown
        )
        for department in set(leads) & set(cooperating):
            errors.append(f"{where}:“{department}”同时列为牵头单位和配合单位。")
        roles_of[item.number] = [(d, Role.LEAD) for d in leads] + [
            (d, Role.COOPERATING) for d in cooperating if d not in leads
        ]
    if unknown:
        errors.insert(0, _unknown_departments_message(unknown))
    if errors:
        raise ImportFailed(errors)

    report = ImportReport(notes=list(document.notes), dry_run=dry_run)
    try:
        with transaction.atomic():
            policy = _policy_header(document, report)
            sections = _sections(policy, document, report)
            _text_key_tasks(policy, document, sections, roles_of, report)
            report.notes.extend(policy_assign_roles(policy=policy))
            _record(policy, ImportKind.POLICY, file_name, sha256, user, report)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


@transaction.atomic
def policy_assign_roles(*, policy: Policy) -> list[str]:
    """Give each annex responsibility the role the text's note gives its
    department for the key task, and report what does not match.

    A department the annex lists but the note does not keeps the role
    未明确; one the note lists but no annex row of the key task does is
    reported. Neither is guessed. A row that gives roles itself (牵头单位
    and 配合单位 columns, kept as a role note in departments_text) has
    them, the text's note differing is reported.
    """
    assignments = list(
        KeyTaskAssignment.objects.filter(key_task__policy=policy).select_related(
            "department", "key_task"
        )
    )
    role_of = {(a.key_task_id, a.department_id): a.role for a in assignments}
    assigned = defaultdict(list)
    for assignment in assignments:
        assigned[assignment.key_task].append(assignment)
    key_tasks = {k.pk: k for k in KeyTask.objects.filter(policy=policy)}
    # Plain values, not instances: an annex has tens of thousands of rows.
    responsibilities = list(
        Responsibility.objects.filter(task__policy=policy).values_list(
            "pk",
            "role",
            "department_id",
            "task__key_task_id",
            "department__name",
            "task__number",
            "task__departments_text",
        )
    )
    row_roles = _annex_row_roles(
        {number: text for *_, number, text in responsibilities}
    )
    changed = defaultdict(list)
    listed = defaultdict(set)
    unmatched = defaultdict(list)
    differing = []
    for (
        pk,
        current_role,
        department_id,
        key_task_id,
        name,
        number,
        _,
    ) in responsibilities:
        listed[key_task_id].add(department_id)
        role = role_of.get((key_task_id, department_id))
        if number in row_roles:
            text_role, role = role, row_roles[number].get(department_id)
            if text_role and text_role != role:
                differing.append((number, name, role, text_role))
            role = role or Role.UNSPECIFIED
        elif role is None:
            role = Role.UNSPECIFIED
            if assigned.get(key_tasks[key_task_id]):
                unmatched[key_tasks[key_task_id]].append((name, number))
        if current_role != role:
            changed[role].append(pk)
    # One statement per role (a handful), not a CASE over every row.
    for role, pks in changed.items():
        for start in range(0, len(pks), BULK_BATCH_SIZE):
            chunk = pks[start : start + BULK_BATCH_SIZE]
            Responsibility.objects.filter(pk__in=chunk).update(role=role)

    notes = []
    if not role_of and any(n not in row_roles for *_, n, _ in responsibilities):
        notes.append("政策正文尚未导入:各责任部门的牵头、配合角色待正文导入后确定。")
    for number, name, role, text_role in sorted(differing):
        notes.append(
            f"任务{number}:附件列“{name}”为{Role(role).label},"
            f"正文分工为{Role(text_role).label},以附件为准。"
        )
    for key_task, items in sorted(unmatched.items(), key=lambda kv: kv[0].number):
        names = "、".join(f"“{name}”(任务{number})" for name, number in items)
        notes.append(
            f"重点任务{key_task.number}:附件列出{names},正文分工未列,角色未明确。"
        )
    for key_task, items in sorted(assigned.items(), key=lambda kv: kv[0].number):
        if not listed.get(key_task.pk):
            continue
        missing = [a for a in items if a.department_id not in listed[key_task.pk]]
        if missing:
            names = "、".join(
                f"“{a.department}”({a.get_role_display()})" for a in missing
            )
            notes.append(
                f"重点任务{key_task.number}:正文分工列出{names},附件对应任务中未列。"
            )
    return notes


def _annex_row_roles(text_of: dict[int, str]) -> dict[int, dict[int, str]]:
    """The department roles that tasks' annex rows give themselves, by task
    number and department; tasks whose row gives a plain list are absent.
    The directory is loaded only where a row gives roles."""
    notes = {n: note for n, text in text_of.items() if (note := read_role_note(text))}
    if not notes:
        return {}
    directory = DepartmentDirectory.load()
    roles: dict[int, dict[int, str]] = {}
    for number, (lead, cooperating) in notes.items():
        roles[number] = {}
        for names, role in ((cooperating, Role.COOPERATING), (lead, Role.LEAD)):
            for name in directory.split(names):
                if department := directory.resolve(name):
                    roles[number][department.pk] = role
    return roles


def _unknown_departments_message(unknown: list[str]) -> str:
    return (
        "以下部门名称无法识别,未导入任何数据。请在“部门别名”中把它们对应到已有部门"
        "(或新增部门)后重新导入:\n" + "\n".join(unknown)
    )


def _similarity(a: str, b: str) -> float:
    a, b = name_key(a), name_key(b)
    if a == b:
        return 1.0
    if a in b or b in a:
        return 0.95
    return difflib.SequenceMatcher(None, a, b).ratio()


def _pair_by_name(
    titles: dict[int, str], others: dict[int, str], what: str, other_what: str
) -> dict[int, int]:
    """Pair each of ``titles`` with the one of ``others`` whose name it
    clearly resembles most; refuse, naming it, any that resembles none or
    two about equally, or that another has already claimed."""
    pairs: dict[int, int] = {}
    claimed: dict[int, int] = {}
    errors = []
    for key, title in titles.items():
        scored = sorted(
            ((_similarity(title, other), number) for number, other in others.items()),
            reverse=True,
        )
        best, number = scored[0] if scored else (0.0, None)
        runner_up = scored[1][0] if len(scored) > 1 else 0.0
        if best < KEY_TASK_NAME_MIN_SIMILARITY:
            errors.append(f"{what}“{title}”在{other_what}中找不到对应的重点任务。")
        elif best < 1.0 and best - runner_up < KEY_TASK_NAME_MIN_MARGIN:
            errors.append(
                f"{what}“{title}”与{other_what}中的多项重点任务名称相近,无法确定对应关系。"
            )
        elif number in claimed:
            errors.append(
                f"{what}“{title}”与“{titles[claimed[number]]}”对应到{other_what}的"
                f"同一项重点任务“{others[number]}”。"
            )
        else:
            claimed[number] = key
            pairs[key] = number
    if errors:
        raise ImportFailed(errors)
    return pairs


def _annex_key_tasks(
    policy: Policy, sheet: AnnexSheet, report: ImportReport
) -> dict[str, KeyTask]:
    """The key task of each annex title, by name. Before the text is
    loaded the annex numbers its key tasks in order of appearance; once it
    is, each annex title is paired with the text's key task of that name."""
    existing = {k.number: k for k in KeyTask.objects.filter(policy=policy)}
    titles = dict(enumerate(sheet.key_task_titles(), start=1))
    texts = {n: k.title for n, k in existing.items() if k.title}
    numbers = (
        _pair_by_name(titles, texts, "附件中的重点任务", "正文")
        if texts
        else {position: position for position in titles}
    )
    by_title: dict[str, KeyTask] = {}
    for position, title in titles.items():
        number = numbers[position]
        key_task = existing.get(number)
        if key_task is None:
            key_task = KeyTask.objects.create(
                policy=policy, number=number, annex_title=title
            )
        else:
            if key_task.title and name_key(key_task.title) != name_key(title):
                report.notes.append(
                    f"重点任务{number}:附件作“{title}”,正文作“{key_task.title}”。"
                )
            if key_task.annex_title != title:
                if key_task.annex_title:
                    report.notes.append(
                        f"重点任务{number}的附件名称由“{key_task.annex_title}”"
                        f"改为“{title}”。"
                    )
                key_task.annex_title = title
                key_task.save(update_fields=["annex_title"])
        by_title[name_key(title)] = key_task
    return by_title


def _annex_tasks(policy, sheet, key_tasks, departments_of, report) -> None:
    """Match each row to its task by number and write the differences in
    bulk: new tasks and their departments inserted, changed tasks updated,
    departments brought in line. Reads are a few queries whatever the
    size of the annex."""
    existing = {t.number: t for t in Task.objects.filter(policy=policy)}
    # The key tasks as _annex_key_tasks left them, for a change's old value.
    key_task_of = {k.pk: k for k in KeyTask.objects.filter(policy=policy)}
    current_of = defaultdict(list)
    names = {}
    for responsibility in Responsibility.objects.filter(task__policy=policy).annotate(
        department_name=F("department__name")
    ):
        current_of[responsibility.task_id].append(responsibility)
        names[responsibility.department_id] = responsibility.department_name
    created: list[tuple[RowOutcome, list[Department]]] = []
    changed: list[Task] = []
    resynced: list[tuple[Task, list[Responsibility], list[Department]]] = []
    key_task_named = {}  # by the row's spelling: name_key costs, rows repeat
    for row in sheet.rows:
        key_task = key_task_named.get(row.key_task)
        if key_task is None:
            key_task = key_task_named[row.key_task] = key_tasks[name_key(row.key_task)]
        wanted = departments_of[row.number]
        task = existing.get(row.number)
        if task is None:
            task = Task(
                policy=policy,
                key_task=key_task,
                number=row.number,
                requirement=row.requirement,
                departments_text=row.departments,
            )
            outcome = RowOutcome(row.number, Action.CREATED, str(task), obj=task)
            report.rows.append(outcome)
            created.append((outcome, wanted))
            continue
        changes = {}
        for name, old, value in (
            ("key_task", key_task_of[task.key_task_id], key_task),
            ("requirement", task.requirement, row.requirement),
            ("departments_text", task.departments_text, row.departments),
        ):
            if old != value:
                changes[name] = (str(old), str(value))
                setattr(task, name, value)
        if changes:
            changed.append(task)
        current = current_of.get(task.pk, [])
        if [r.department_id for r in current] != [d.pk for d in wanted]:
            changes["departments"] = (
                "、".join(names[r.department_id] for r in current),
                "、".join(d.name for d in wanted),
            )
            resynced.append((task, current, wanted))
        action = Action.UPDATED if changes else Action.UNCHANGED
        report.rows.append(
            RowOutcome(row.number, action, str(task), changes, task.pk, task)
        )

    Task.objects.bulk_create(
        [outcome.obj for outcome, _ in created], batch_size=BULK_BATCH_SIZE
    )
    for outcome, _ in created:
        outcome.object_id = outcome.obj.pk
    Responsibility.objects.bulk_create(
        (
            Responsibility(task=outcome.obj, department=department, position=i)
            for outcome, wanted in created
            for i, department in enumerate(wanted)
        ),
        batch_size=BULK_BATCH_SIZE,
    )
    update_rows(changed, ["key_task", "requirement", "departments_text"])
    _sync_responsibilities(resynced)

    numbers = {row.number for row in sheet.rows}
    absent = sorted(set(existing) - numbers)
    if absent:
        report.notes.append(
            "库中已有、本次附件未列的任务未删除:"
            + "、".join(f"任务{n}" for n in absent)
            + "。"
        )


def _sync_responsibilities(resynced) -> None:
    """Each task's responsibilities made those wanted, in their order: the
    departments no longer listed removed, the new ones added, the others
    moved to their place. All tasks at once."""
    removed, moved, added = [], [], []
    for task, current, wanted in resynced:
        by_department = {r.department_id: r for r in current}
        wanted_ids = {d.pk for d in wanted}
        removed += [r.pk for r in current if r.department_id not in wanted_ids]
        for position, department in enumerate(wanted):
            responsibility = by_department.get(department.pk)
            if responsibility is None:
                added.append(
                    Responsibility(task=task, department=department, position=position)
                )
            elif responsibility.position != position:
                responsibility.position = position
                moved.append(responsibility)
    for start in range(0, len(removed), BULK_BATCH_SIZE):
        chunk = removed[start : start + BULK_BATCH_SIZE]
        Responsibility.objects.filter(pk__in=chunk).delete()
    update_rows(moved, ["position"])
    Responsibility.objects.bulk_create(added, batch_size=BULK_BATCH_SIZE)


HEADER_LABELS = {
    "text": "正文",
    "title": "标题",
    "issuer": "发文机关",
    "index_number": "索引号",
    "issued_on": "成文日期",
    "repealed_on": "废止日期",
    "validity": "有效性",
}


def _policy_header(document: PolicyText, report: ImportReport) -> Policy:
    policy, created = Policy.objects.get_or_create(number=document.number)
    fields = {name: getattr(document, name) for name in HEADER_LABELS}
    changed = [name for name, value in fields.items() if getattr(policy, name) != value]
    if changed and not created and policy.title:
        report.notes.append(
            "政策信息已更新:"
            + ";".join(
                "正文有修改"
                if name == "text"
                else f"{HEADER_LABELS[name]} {getattr(policy, name) or '(空)'} → "
                f"{fields[name] or '(空)'}"
                for name in changed
            )
            + "。"
        )
    for name in changed:
        setattr(policy, name, fields[name])
    if changed:
        policy.save(update_fields=changed)
    return policy


def _sections(
    policy: Policy, document: PolicyText, report: ImportReport
) -> dict[int, Section]:
    existing = {s.number: s for s in Section.objects.filter(policy=policy)}
    for number, title in document.sections.items():
        section = existing.get(number)
        if section is None:
            existing[number] = Section.objects.create(
                policy=policy, number=number, title=title
            )
        elif section.title != title:
            report.notes.append(
                f"主要任务({section.numeral})标题由“{section.title}”改为“{title}”。"
            )
            section.title = title
            section.save(update_fields=["title"])
    return existing


def _renumber_annex_key_tasks(policy: Policy, document: PolicyText) -> None:
    """Key tasks the annex created before the text was loaded carry the
    annex's order; give each the number of the text's key task of the
    same name, refusing names that cannot be paired."""
    annex_only = {k.pk: k for k in KeyTask.objects.filter(policy=policy, title="")}
    if not annex_only:
        return
    numbers = _pair_by_name(
        {pk: k.annex_title for pk, k in annex_only.items()},
        {item.number: item.title for item in document.key_tasks},
        "附件中的重点任务",
        "正文",
    )
    moving = [pk for pk, number in numbers.items() if annex_only[pk].number != number]
    if not moving:
        return
    # Two steps, so that swapped numbers never collide on the constraint.
    for pk in moving:
        KeyTask.objects.filter(pk=pk).update(number=numbers[pk] + 10000)
    for pk in moving:
        KeyTask.objects.filter(pk=pk).update(number=numbers[pk])


def _text_key_tasks(policy, document, sections, roles_of, report) -> None:
    _renumber_annex_key_tasks(policy, document)
    existing = {
        k.number: k
        for k in KeyTask.objects.filter(policy=policy).prefetch_related("assignments")
    }
    errors = []
    for item in document.key_tasks:
        values = {
            "section": sections.get(item.section) if item.section else None,
            "title": item.title,
            "body": item.body,
            "responsibility_note": item.note,
        }
        key_task = existing.get(item.number)
        if key_task is None:
            key_task = KeyTask.objects.create(
                policy=policy, number=item.number, **values
            )
            _sync_assignments(key_task, [], roles_of[item.number])
            report.rows.append(
                RowOutcome(
                    item.number,
                    Action.CREATED,
                    str(key_task),
                    {},
                    key_task.pk,
                    key_task,
                )
            )
            continue
        if (
            key_task.annex_title
            and _similarity(key_task.annex_title, item.title)
            < KEY_TASK_NAME_MIN_SIMILARITY
        ):
            errors.append(
                f"第{item.line}行:正文重点任务{item.number}“{item.title}”与附件第"
                f"{item.number}个重点任务“{key_task.annex_title}”对不上。"
            )
            continue
        if key_task.annex_title and name_key(key_task.annex_title) != name_key(
            item.title
        ):
            report.notes.append(
                f"重点任务{item.number}:附件作“{key_task.annex_title}”,"
                f"正文作“{item.title}”。"
            )
        changes = {}
        for name, value in values.items():
            old = getattr(key_task, name)
            if old != value:
                changes[name] = (str(old or ""), str(value or ""))
                setattr(key_task, name, value)
        if changes:
            key_task.save(update_fields=list(changes))
        current = list(key_task.assignments.all())
        if _sync_assignments(key_task, current, roles_of[item.number]):
            changes["assignments"] = ("", item.note)
        action = Action.UPDATED if changes else Action.UNCHANGED
        report.rows.append(
            RowOutcome(
                item.number, action, str(key_task), changes, key_task.pk, key_task
            )
        )
    if errors:
        raise ImportFailed(errors)


def _sync_assignments(key_task, current, wanted) -> bool:
    have = {(a.department_id, a.role, a.position) for a in current}
    want = {(d.pk, role, i) for i, (d, role) in enumerate(wanted)}
    if have == want:
        return False
    KeyTaskAssignment.objects.filter(key_task=key_task).delete()
    KeyTaskAssignment.objects.bulk_create(
        KeyTaskAssignment(key_task=key_task, department=d, role=role, position=i)
        for i, (d, role) in enumerate(wanted)
    )
    return True


def _record(policy, kind, file_name, sha256, user, report: ImportReport) -> None:
    record = ImportRecord.objects.create(
        policy=policy,
        kind=kind,
        file_name=file_name[:255],
        sha256=sha256,
        created_count=report.count(Action.CREATED),
        updated_count=report.count(Action.UPDATED),
        unchanged_count=report.count(Action.UNCHANGED),
        notes="\n".join(report.notes),
        imported_by=user if getattr(user, "is_authenticated", False) else None,
    )
    if report.dry_run:
        return  # rolled back with everything else
    # The whole import is one record, with its counts, not one per row.
    audit_record(
        action=f"import.{kind}",
        actor=record.imported_by,
        obj=record,
        after={
            "policy": policy.number,
            "file_name": record.file_name,
            "sha256": sha256,
            "created": record.created_count,
            "updated": record.updated_count,
            "unchanged": record.unchanged_count,
        },
    )


@dataclass
class DocumentImportReport(ImportReport):
    policy: Policy | None = None
    plan: DocumentPlan | None = None
    annex: ImportReport | None = None
    targets: object = None  # what the ``then`` of the targets app stored


def policy_document_import(
    *,
    document: Document,
    file_name: str,
    sha256: str,
    number: str,
    title: str,
    aliases: dict[str, Department | None] | None = None,
    publish: bool = False,
    user=None,
    dry_run: bool = False,
    annex: AnnexSheet | None = None,
    annex_file_name: str = "",
    annex_sha256: str = "",
    text: str = "",
    then: Callable[[Policy, DocumentImportReport], list[str]] | None = None,
) -> DocumentImportReport:
    """A new policy from any office's document, as read_document read it:
    a section for each top-level chapter holding items with role notes, a
    key task for each such item (numbered in text order) with its roles,
    and, where no annex comes with it, a task for each key task so that
    its departments report on it. An annex given loads its tasks instead.

    ``aliases`` settles the unit names the directory does not know: a
    name → the department it is (kept as a DepartmentAlias), or None to
    leave it out. A name neither known nor settled refuses the import, as
    does a 文号 already in use. ``then`` runs inside the transaction once
    the policy is written (the targets app stores the targets there); its
    notes join the report.
    """
    errors = []
    number = number.strip()
    title = title.strip()
    if not number:
        errors.append("请填写文号:文件中没有读到文号。")
    elif len(number) > Policy._meta.get_field("number").max_length:
        errors.append(f"文号“{number[:20]}…”过长。")
    elif existing := Policy.objects.filter(number=number).first():
        errors.append(
            f"文号“{number}”已被政策“{existing.title or existing.number}”使用,"
            "不能再导入为新政策;请核对文号,或在该政策下导入附件。"
        )
    if not title:
        errors.append("请填写政策标题:文件中没有读到标题。")
    elif len(title) > Policy._meta.get_field("title").max_length:
        errors.append("政策标题超过 200 个字。")
    directory = DepartmentDirectory.load()
    plan = plan_document(document, directory, aliases)
    if not plan.key_tasks:
        errors.append(
            "文件中没有读到带牵头单位、配合单位或责任单位的条目,无法生成重点任务。"
        )
    if plan.unknown:
        errors.insert(
            0,
            "以下单位名称无法识别,未导入任何数据。请逐个对应到已有部门,"
            "或选择“忽略”:\n"
            + "\n".join(f"“{u.name}”(见{'、'.join(u.places)})" for u in plan.unknown),
        )
    if errors:
        raise ImportFailed(errors)

    report = DocumentImportReport(notes=list(plan.notes), dry_run=dry_run, plan=plan)
    try:
        with transaction.atomic():
            _aliases_save(aliases or {}, directory, plan, report)
            policy = Policy.objects.create(
                number=number, title=title, text=text, published=publish
            )
            report.policy = policy
            sections = {
                s.number: Section.objects.create(
                    policy=policy, number=s.number, title=s.title
                )
                for s in plan.sections
            }
            _document_key_tasks(policy, plan, sections, report, tasks=annex is None)
            if annex is not None:
                report.annex = annex_import(
                    policy_number=number,
                    sheet=annex,
                    file_name=annex_file_name or "附件.xlsx",
                    sha256=annex_sha256,
                    user=user,
                )
                report.notes.extend(report.annex.notes)
            if then is not None:
                report.notes.extend(then(policy, report))
            _record(policy, ImportKind.DOCUMENT, file_name, sha256, user, report)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


def _document_key_tasks(policy, plan, sections, report, *, tasks: bool) -> None:
    """The plan's key tasks and their roles and, with ``tasks``, each key
    task as the one task its departments report on: in bulk inserts, so
    that a long document costs no more queries than a short one."""
    KeyTask.objects.bulk_create(
        KeyTask(
            policy=policy,
            number=planned.number,
            section=sections.get(planned.section),
            title=planned.title,
            body=planned.body,
            responsibility_note=planned.note,
        )
        for planned in plan.key_tasks
    )
    # Read back rather than trusting bulk_create to set primary keys.
    key_tasks = {k.number: k for k in KeyTask.objects.filter(policy=policy)}
    roles_of = {
        planned.number: [(d, Role.LEAD) for d in planned.leads]
        + [(d, Role.COOPERATING) for d in planned.cooperating]
        for planned in plan.key_tasks
    }
    KeyTaskAssignment.objects.bulk_create(
        KeyTaskAssignment(
            key_task=key_tasks[number], department=d, role=role, position=i
        )
        for number, roles in roles_of.items()
        for i, (d, role) in enumerate(roles)
    )
    report.rows += [
        RowOutcome(
            planned.number,
            Action.CREATED,
            str(key_tasks[planned.number]),
            object_id=key_tasks[planned.number].pk,
            obj=key_tasks[planned.number],
        )
        for planned in plan.key_tasks
    ]
    if not tasks:
        return
    limit = Task._meta.get_field("departments_text").max_length
    reported = [p for p in plan.key_tasks if roles_of[p.number]]
    Task.objects.bulk_create(
        Task(
            policy=policy,
            key_task=key_tasks[planned.number],
            number=planned.number,
            requirement=planned.body or planned.title,
            departments_text=_departments_text(planned)[:limit],
        )
        for planned in reported
    )
    task_of = {t.number: t for t in Task.objects.filter(policy=policy)}
    Responsibility.objects.bulk_create(
        Responsibility(task=task_of[number], department=d, role=role, position=i)
        for number, roles in roles_of.items()
        if number in task_of
        for i, (d, role) in enumerate(roles)
    )


def _departments_text(planned) -> str:
    """A key task's departments as a role note, as an annex row of two
    columns keeps them."""
    cooperating = "、".join(d.name for d in planned.cooperating)
    if not planned.leads:
        return cooperating
    return role_note("、".join(d.name for d in planned.leads), cooperating)


def _aliases_save(aliases, directory: DepartmentDirectory, plan, report) -> None:
    """Each name of the document mapped by hand kept as the department's
    alias, so that the next import knows it; a name the directory already
    knows is left."""
    used = {
        name_key(name)
        for planned in plan.key_tasks
        for name in planned.lead_names + planned.cooperating_names
    }
    for name, department in aliases.items():
        if department is None or name_key(name) not in used:
            continue
        if directory.resolve(name) is not None:
            continue
        alias = DepartmentAlias.objects.create(
            name=name[: DepartmentAlias._meta.get_field("name").max_length],
            department=department,
        )
        done = "将保存" if report.dry_run else "已保存"
        report.notes.append(f"{done}部门别名:{alias}。")


@transaction.atomic
def annex_mapping_save(*, header, mapping: dict[str, str], user=None):
    """Remember which column is which for an annex header the importer
    could not read by itself, so that the next sheet with the same header
    is read without asking."""
    saved, _ = AnnexColumnMapping.objects.update_or_create(
        signature=header.signature,
        defaults={"header": " | ".join(header.texts)[:1000], "mapping": mapping},
    )
    audit_record(
        action="annex.mapping",
        actor=user if getattr(user, "is_authenticated", False) else None,
        obj=saved,
        after={"header": saved.header, "mapping": mapping},
    )
    return saved
