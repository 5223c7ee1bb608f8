"""Every write of the half-year supervision: rounds and their notice,
visits and their files, problems, their plan, progress, extensions and
their moves along the graph in ``supervision.workflow``.

``problem_transition`` is the one place that checks a move, saves it and
records who, when and why; each write is audited in its own transaction.
"""

import datetime
import hashlib
import uuid
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from audit.services import audit_lock, audit_record, snapshot
from common.files import FileRejected, check_evidence_size, sniff_evidence
from dispatch.selectors.reports import department_mail_recipients
from supervision import permissions
from supervision.models import (
    OPEN_STATES,
    UNRESOLVED_STATES,
    Extension,
    ExtensionDecision,
    Problem,
    ProblemCategory,
    ProblemEvidence,
    ProblemState,
    ProblemTransition,
    ProgressEntry,
    RectificationKind,
    Round,
    Visit,
    VisitFile,
    VisitMethod,
)
from supervision.workflow import MOVES
from tasks.models import Department, Policy, Task

S = ProblemState

ROUND_FIELDS = (
    "title",
    "year",
    "half",
    "scope",
    "starts_on",
    "ends_on",
    "leader",
    "members",
)
VISIT_FIELDS = (
    "round",
    "department",
    "visited_on",
    "methods",
    "participants",
    "findings",
)
PROBLEM_FIELDS = (
    "round",
    "visit",
    "number",
    "source",
    "category",
    "description",
    "department",
    "requirement",
    "kind",
    "deadline",
    "state",
)
PLAN_FIELDS = ("responsible", "measures")
FILE_FIELDS = ("original_name", "content_type", "size", "sha256", "file")
TEXT_MAX = 5000


class SupervisionError(Exception):
    """A refused write, with a message in Chinese for the person."""


class ConcurrentEdit(SupervisionError):
    pass


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _text(value: str, label: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise SupervisionError(f"请填写{label}。")
    if len(value) > TEXT_MAX:
        raise SupervisionError(f"{label}超过 {TEXT_MAX} 字,请精简。")
    return value


def _store(model, *, upload, actor, **owner):
    """A file checked like dispatch's evidence (size first, then type by
    content) and stored outside the web root under a random name."""
    try:
        check_evidence_size(upload.size, upload.name)
        data = upload.read()
        content_type, extension = sniff_evidence(data, upload.name)
    except FileRejected as exc:
        raise SupervisionError(str(exc)) from exc
    stored = model(
        original_name=upload.name[:255],
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
        **owner,
    )
    stored.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(data), save=False)
    stored.save()
    return stored


# -- rounds -------------------------------------------------------------------


@transaction.atomic
def round_create(
    *,
    policy: Policy,
    title: str,
    year: int,
    half: int,
    starts_on: datetime.date,
    ends_on: datetime.date,
    actor,
    scope: str = "",
    leader=None,
    members: str = "",
    departments: Iterable[Department] = (),
    tasks: Iterable[Task] = (),
) -> Round:
    """A round with its plan (督导方案); the team are reviewers."""
    if not permissions.can(actor, "manage_round"):
        raise SupervisionError("只有人社局审核员(督导组)可以制定督导方案。")
    title = _text(title, "督导名称")
    if half not in (1, 2):
        raise SupervisionError("“半年”只能是上半年或下半年。")
    if ends_on < starts_on:
        raise SupervisionError("结束日期不能早于开始日期。")
    if leader is not None and not permissions.is_team(leader):
        raise SupervisionError(f"组长“{leader}”不是人社局审核员。")
    departments, tasks = list(departments), list(tasks)
    if not departments:
        raise SupervisionError("请选择督导单位。")
    audit_lock()
    round = Round.objects.create(
        policy=policy,
        title=title,
        year=year,
        half=half,
        scope=_text(scope, "督导方案", required=False),
        starts_on=starts_on,
        ends_on=ends_on,
        leader=leader,
        members=members.strip(),
        created_by=actor,
    )
    round.departments.set(departments)
    round.tasks.set(tasks)
    audit_record(
        action="round.create",
        actor=actor,
        obj=round,
        after={
            **snapshot(round, ROUND_FIELDS),
            "departments": sorted(d.pk for d in departments),
            "tasks": sorted(t.pk for t in tasks),
        },
    )
    return round


@transaction.atomic
def round_notify(*, round: Round, actor, now: datetime.datetime | None = None) -> int:
    """Tell the departments covered of the round and its plan, once;
    returns how many addresses were mailed."""
    if not permissions.can(actor, "manage_round"):
        raise SupervisionError("只有人社局审核员可以发出督导通知。")
    audit_lock()
    round = Round.objects.select_for_update().get(pk=round.pk)
    if round.notified_at is not None:
        local = timezone.localtime(round.notified_at)
        raise SupervisionError(f"已于{local:%Y年%m月%d日 %H:%M}通知各督导单位。")
    departments = list(round.departments.all())
    round.notified_at = _now(now)
    round.save(update_fields=["notified_at"])
    recipients = department_mail_recipients([d.pk for d in departments])
    addresses = sorted({a for d in departments for a in recipients.get(d.pk, [])})
    audit_record(
        action="round.notify",
        actor=actor,
        obj=round,
        after={"departments": [d.pk for d in departments], "sent_to": addresses},
    )
    if addresses:
        message = (
            f"{round.title}将于{round.starts_on:%Y年%m月%d日}至"
            f"{round.ends_on:%Y年%m月%d日}开展,请做好准备。\n\n{round.scope}"
        )
        transaction.on_commit(
            lambda: send_mail(
                subject=f"【督导通知】{round.title}",
                message=message,
                from_email=None,
                recipient_list=addresses,
            )
        )
    return len(addresses)


# -- visits -------------------------------------------------------------------


@transaction.atomic
def visit_record(
    *,
    round: Round,
    department: Department,
    visited_on: datetime.date,
    actor,
    methods: Iterable[str] = (),
    participants: str = "",
    checked_tasks: Iterable[Task] = (),
    findings: str = "",
    uploads: Iterable = (),
) -> Visit:
    if not permissions.can(actor, "record_visit"):
        raise SupervisionError("只有督导组(人社局审核员)可以记录督导走访。")
    if not round.departments.filter(pk=department.pk).exists():
        raise SupervisionError(f"“{department}”不在本轮督导单位中。")
    methods = list(dict.fromkeys(methods))
    unknown = [m for m in methods if m not in VisitMethod.values]
    if unknown:
        raise SupervisionError(f"未知的督导方式:{'、'.join(unknown)}。")
    if not methods:
        raise SupervisionError("请选择督导方式。")
    if Visit.objects.filter(
        round=round, department=department, visited_on=visited_on
    ).exists():
        raise SupervisionError(
            f"{visited_on:%Y年%m月%d日}对“{department}”的走访已有记录。"
        )
    audit_lock()
    visit = Visit.objects.create(
        round=round,
        department=department,
        visited_on=visited_on,
        methods=methods,
        participants=_text(participants, "参加人员", required=False),
        findings=_text(findings, "发现情况", required=False),
        created_by=actor,
    )
    checked_tasks = list(checked_tasks)
    visit.checked_tasks.set(checked_tasks)
    audit_record(
        action="visit.record",
        actor=actor,
        obj=visit,
        after={
            **snapshot(visit, VISIT_FIELDS),
            "checked_tasks": sorted(t.pk for t in checked_tasks),
        },
        department=department,
    )
    for upload in uploads:
        visit_file_add(visit=visit, upload=upload, actor=actor)
    return visit


@transaction.atomic
def visit_file_add(*, visit: Visit, upload, actor) -> VisitFile:
    if not permissions.can(actor, "record_visit"):
        raise SupervisionError("只有督导组可以上传走访材料。")
    audit_lock()
    stored = _store(VisitFile, upload=upload, actor=actor, visit=visit)
    audit_record(
        action="visit.file_add",
        actor=actor,
        obj=stored,
        after={"visit": visit.pk, **snapshot(stored, FILE_FIELDS)},
        department=visit.department,
    )
    return stored


# -- problems -----------------------------------------------------------------


@transaction.atomic
def problem_create(
    *,
    round: Round,
    department: Department,
    description: str,
    deadline: datetime.date,
    actor,
    kind: str = RectificationKind.DEADLINE,
    category: str = ProblemCategory.OTHER,
    requirement: str = "",
    tasks: Iterable[Task] = (),
    cooperating: Iterable[Department] = (),
    visit: Visit | None = None,
    source: str = "半年督导",
) -> Problem:
    """A problem found, numbered next in its round."""
    if not permissions.can(actor, "create"):
        raise SupervisionError("只有督导组(人社局审核员)可以登记问题。")
    if kind not in RectificationKind.values:
        raise SupervisionError(f"未知的整改类型“{kind}”。")
    if category not in ProblemCategory.values:
        raise SupervisionError(f"未知的问题类别“{category}”。")
    if visit is not None and visit.round_id != round.pk:
        raise SupervisionError("所选走访不属于本轮督导。")
    cooperating = [d for d in cooperating if d.pk != department.pk]
    audit_lock()
    # The round's row serialises numbering: two problems never share one.
    Round.objects.select_for_update().filter(pk=round.pk).first()
    last = Problem.objects.filter(round=round).aggregate(n=Max("number"))["n"]
    problem = Problem.objects.create(
        round=round,
        visit=visit,
        number=(last or 0) + 1,
        source=_text(source, "问题来源"),
        category=category,
        description=_text(description, "问题表现"),
        department=department,
        requirement=_text(requirement, "整改要求", required=False),
        kind=kind,
        deadline=deadline,
        created_by=actor,
    )
    tasks = list(tasks)
    problem.tasks.set(tasks)
    problem.cooperating.set(cooperating)
    audit_record(
        action="problem.create",
        actor=actor,
        obj=problem,
        after={
            **snapshot(problem, PROBLEM_FIELDS),
            "tasks": sorted(t.pk for t in tasks),
            "cooperating": sorted(d.pk for d in cooperating),
        },
        department=department,
    )
    return problem


def _lock(problem: Problem, expected_version: int | None = None) -> Problem:
    audit_lock()
    locked = (
        Problem.objects.select_for_update(of=("self",))
        .select_related("department", "round")
        .get(pk=problem.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentEdit("这个问题已被他人修改,请刷新页面后重试。")
    return locked


def _record(problem, *, action, from_state, to_state, actor, reason, at):
    ProblemTransition.objects.create(
        problem=problem,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        reason=reason,
        at=at,
    )


@transaction.atomic
def problem_plan(
    *,
    problem: Problem,
    responsible: str,
    measures: str,
    actor,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Problem:
    """The department's rectification plan: measures and one responsible
    person. The first plan moves an open problem to 整改中; while it is
    being rectified the plan may be revised."""
    move = MOVES["plan"]
    if not permissions.can(actor, "plan", problem):
        raise SupervisionError("只有责任单位可以制定整改方案。")
    responsible = _text(responsible, "责任人")
    if len(responsible) > 100:
        raise SupervisionError("责任人不超过 100 字。")
    measures = _text(measures, "整改措施")
    problem = _lock(problem, expected_version)
    if problem.state not in (*move.sources, S.PLANNED, S.REOPENED):
        raise SupervisionError(
            f"问题当前为“{problem.get_state_display()}”,不能修改整改方案。"
        )
    before = {**snapshot(problem, PLAN_FIELDS), "state": problem.state}
    at = _now(now)
    target = move.leads_from(problem.state) if problem.state in move.sources else None
    update = {"responsible": responsible, "measures": measures}
    if target:
        update["state"] = target
        _record(
            problem,
            action="plan",
            from_state=problem.state,
            to_state=target,
            actor=actor,
            reason="",
            at=at,
        )
    Problem.objects.filter(pk=problem.pk).update(
        **update, version=F("version") + 1, updated_at=at
    )
    problem.refresh_from_db()
    audit_record(
        action="problem.plan",
        actor=actor,
        obj=problem,
        before=before,
        after={**snapshot(problem, PLAN_FIELDS), "state": problem.state},
        department=problem.department,
    )
    return problem


@transaction.atomic
def problem_progress(
    *,
    problem: Problem,
    text: str,
    actor,
    uploads: Iterable = (),
    now: datetime.datetime | None = None,
) -> ProgressEntry:
    """A progress entry (进展情况) with its evidence, while rectifying."""
    if not permissions.can(actor, "progress", problem):
        raise SupervisionError("只有责任单位和配合单位可以填报整改进展。")
    text = _text(text, "进展情况")
    problem = _lock(problem)
    if problem.state not in (S.PLANNED, S.REOPENED):
        raise SupervisionError(
            f"问题当前为“{problem.get_state_display()}”,"
            + (
                "请先制定整改方案。"
                if problem.state == S.OPEN
                else "不能填报整改进展。"
            )
        )
    entry = ProgressEntry.objects.create(
        problem=problem, text=text, entered_by=actor, entered_at=_now(now)
    )
    files = [
        _store(ProblemEvidence, upload=u, actor=actor, problem=problem, entry=entry)
        for u in uploads
    ]
    audit_record(
        action="problem.progress",
        actor=actor,
        obj=problem,
        after={
            "entry": entry.pk,
            "text": text,
            "files": [snapshot(f, FILE_FIELDS) for f in files],
        },
        department=problem.department,
    )
    return entry


def _has_fresh_evidence(problem: Problem) -> bool:
    """Evidence since the last 回头看 that reopened it, or at all."""
    evidence = ProblemEvidence.objects.filter(problem=problem)
    reopened = (
        ProblemTransition.objects.filter(problem=problem, action="reopen")
        .order_by("-at", "-pk")
        .values_list("at", flat=True)
        .first()
    )
    if reopened is not None:
        evidence = evidence.filter(uploaded_at__gte=reopened)
    return evidence.exists()


@transaction.atomic
def problem_transition(
    *,
    problem: Problem,
    action: str,
    actor,
    reason: str = "",
    now: datetime.datetime | None = None,
    uploads: Iterable = (),
) -> Problem:
    """Move a problem along the graph, or raise ``SupervisionError``
    saying why not. A sign-off request may bring its evidence
    (``uploads``) and needs some since the problem was last reopened."""
    move = MOVES.get(action)
    if move is None or action == "plan":
        raise SupervisionError(f"未知操作“{action}”。")
    if not permissions.can(actor, action, problem):
        raise SupervisionError(f"您没有对这个问题执行“{move.label}”的权限。")
    reason = _text(reason, f"“{move.label}”的理由", required=move.needs_reason)
    problem = _lock(problem)
    if problem.state not in move.sources:
        raise SupervisionError(
            f"问题当前为“{problem.get_state_display()}”,不能执行“{move.label}”。"
        )
    at = _now(now)
    target = move.leads_from(problem.state)
    files = [
        _store(ProblemEvidence, upload=u, actor=actor, problem=problem) for u in uploads
    ]
    if action == "request" and not _has_fresh_evidence(problem):
        raise SupervisionError("申请销号须附整改佐证材料。")
    update = {"state": target}
    if target != problem.state == S.SIGNED_OFF:
        update.update(signed_off_at=None, signed_off_by=None)
    elif problem.state != target == S.SIGNED_OFF:
        update.update(signed_off_at=at, signed_off_by=actor)
    Problem.objects.filter(pk=problem.pk).update(
        **update, version=F("version") + 1, updated_at=at
    )
    _record(
        problem,
        action=action,
        from_state=problem.state,
        to_state=target,
        actor=actor,
        reason=reason,
        at=at,
    )
    audit_record(
        action=f"problem.{action}",
        actor=actor,
        obj=problem,
        before={"state": problem.state},
        after={
            "state": target,
            "reason": reason,
            "files": [snapshot(f, FILE_FIELDS) for f in files],
        },
        department=problem.department,
    )
    problem.refresh_from_db()
    return problem


# -- extensions ---------------------------------------------------------------


@transaction.atomic
def extension_request(
    *,
    problem: Problem,
    new_deadline: datetime.date,
    reason: str,
    actor,
    now: datetime.datetime | None = None,
) -> Extension:
    """The department asks to move the deadline; the problem keeps its
    state while the reviewer decides."""
    if not permissions.can(actor, "extension", problem):
        raise SupervisionError("只有责任单位可以申请延期。")
    reason = _text(reason, "延期理由")
    problem = _lock(problem)
    if problem.state not in OPEN_STATES:
        raise SupervisionError(
            f"问题当前为“{problem.get_state_display()}”,不能申请延期。"
        )
    if new_deadline <= problem.deadline:
        raise SupervisionError(
            f"申请延至的日期须晚于现整改时限({problem.deadline:%Y年%m月%d日})。"
        )
    if problem.extensions.filter(decision=ExtensionDecision.PENDING).exists():
        raise SupervisionError("已有一项延期申请待审批,请等待审批结果。")
    extension = Extension.objects.create(
        problem=problem,
        requested_by=actor,
        reason=reason,
        old_deadline=problem.deadline,
        new_deadline=new_deadline,
    )
    if now is not None:
        Extension.objects.filter(pk=extension.pk).update(requested_at=now)
    audit_record(
        action="problem.extension_request",
        actor=actor,
        obj=problem,
        after={
            "extension": extension.pk,
            "old_deadline": problem.deadline.isoformat(),
            "new_deadline": new_deadline.isoformat(),
            "reason": reason,
        },
        department=problem.department,
    )
    return extension


@transaction.atomic
def extension_decide(
    *,
    extension: Extension,
    grant: bool,
    actor,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Extension:
    """Grant (the deadline moves) or refuse (a reason is required)."""
    if not permissions.can(actor, "decide_extension"):
        raise SupervisionError("只有人社局审核员可以审批延期申请。")
    reason = _text(reason, "不同意的理由", required=not grant)
    problem = _lock(extension.problem)
    extension = Extension.objects.select_for_update().get(pk=extension.pk)
    if extension.decision != ExtensionDecision.PENDING:
        raise SupervisionError(
            f"这项延期申请已{extension.get_decision_display()},不能再次审批。"
        )
    if grant and problem.state not in UNRESOLVED_STATES:
        raise SupervisionError(
            f"问题已{problem.get_state_display()},无需延期,只能不同意。"
        )
    at = _now(now)
    extension.decision = (
        ExtensionDecision.GRANTED if grant else ExtensionDecision.REFUSED
    )
    extension.decided_by = actor
    extension.decided_at = at
    extension.decision_reason = reason
    extension.save(
        update_fields=["decision", "decided_by", "decided_at", "decision_reason"]
    )
    before = {"deadline": problem.deadline.isoformat()}
    if grant:
        Problem.objects.filter(pk=problem.pk).update(
            deadline=extension.new_deadline,
            version=F("version") + 1,
            updated_at=at,
        )
    audit_record(
        action="problem.extension_decide",
        actor=actor,
        obj=problem,
        before=before,
        after={
            "extension": extension.pk,
            "decision": extension.decision,
            "reason": reason,
            "deadline": (
                extension.new_deadline if grant else problem.deadline
            ).isoformat(),
        },
        department=problem.department,
    )
    return extension
