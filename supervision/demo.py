"""Demo supervision for a new user's first look: a half-year round with
its plan and notice, visits to five departments and problems in every
state (待制定方案, 整改中, 待销号, 已销号, 重新整改), with plans, progress,
evidence, a granted and a pending extension, a 回头看 that found nothing,
one that reopened a problem, and overdue ones, all written through
``supervision.services``.

The round is the last half year's whose supervision (June, or December)
began at least ``MIN_SPAN`` before the day the demo stands on (the portal
demo's ``demo_day``): after the policy, 2025's first half. Before then,
or before the policy was issued, it begins ``MIN_SPAN`` before that day,
and no earlier than the policy's issue. Every step is then placed at a
fixed share of the time from the round's start to that day, so that the
story reads in order whatever the day, and the overdue problems' deadlines
lie before it.

The moves carry their own times (the services' ``now``); the rows' own
creation and upload times are those of the day the demo is made.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from supervision import services
from supervision.models import (
    Problem,
    ProblemCategory,
    ProblemState,
    RectificationKind,
    Round,
    VisitMethod,
)
from tasks.models import Department, Policy, Task

S = ProblemState
POLICY_FIRST_DAY = datetime.date(2023, 1, 1)
# From the round's start to the demo's day: long enough for a problem to
# be planned, rectified, signed off and looked at again.
MIN_SPAN = datetime.timedelta(days=60)
# The team's visits take up to this long after the round starts.
VISITS_SPAN = datetime.timedelta(days=19)
# The month and day a half year's supervision begins.
HALF_STARTS = {1: (6, 1), 2: (12, 1)}
# A minimal PDF, which the evidence check accepts by its content.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MEMBERS = "人社局审核员(演示)\n市人社局职业能力建设科 李明\n市人社局政策法规科 周婷"
SCOPE = (
    "对照《关于加快推进技能鹰潭建设的实施意见》和任务分解表,督导各责任单位"
    "上半年重点任务推进、月度调度报送和佐证材料情况。采取听取汇报、查阅资料、"
    "现场核实等方式,对发现的问题建立整改台账,实行销号管理。"
)
VISITED = [
    ("贵溪市人民政府", [VisitMethod.REPORT, VisitMethod.DOCUMENTS, VisitMethod.SITE]),
    ("余江区人民政府", [VisitMethod.REPORT, VisitMethod.DOCUMENTS]),
    ("月湖区人民政府", [VisitMethod.DOCUMENTS, VisitMethod.FORUM]),
    ("市教育局", [VisitMethod.REPORT, VisitMethod.DOCUMENTS]),
    ("市工信局", [VisitMethod.PHONE, VisitMethod.DOCUMENTS]),
]
FINDINGS = "总体按计划推进,台账基本齐全;个别任务进度滞后、佐证材料不足。"


@dataclass(frozen=True)
class Story:
    """One demo problem and where it ends. Shares (0–1) place its steps
    between the round's start and the demo's day; a deadline is a share
    of that span, or ``after`` days past the demo's day."""

    department: str
    category: str
    description: str
    requirement: str
    state: str
    deadline: float | None = None
    after: int = 0
    kind: str = RectificationKind.DEADLINE
    cooperating: tuple[str, ...] = ()
    returned: str = ""
    recheck: str = ""
    reopen: str = ""
    extension: str = ""  # "granted" or "pending"
    progress: tuple[str, ...] = field(default=())


STORIES = [
    Story(
        "贵溪市人民政府",
        ProblemCategory.PROGRESS,
        "新型学徒制培训进度滞后,上半年完成年度任务不足三成。",
        "制定倒排计划,按月推进,三季度末完成年度任务的75%以上。",
        S.SIGNED_OFF,
        deadline=0.75,
        progress=("已与3家龙头企业签订学徒制培训协议,新开班2期,培训学徒180人。",),
        recheck="回头看:培训按倒排计划推进,台账与系统数据一致,未发现反弹。",
    ),
    Story(
        "贵溪市人民政府",
        ProblemCategory.EVIDENCE,
        "职业技能培训补贴发放佐证不全,部分班次缺少签到表和培训照片。",
        "补齐全部班次佐证材料,建立一班一档。",
        S.REQUESTED,
        after=20,
        cooperating=("市财政局",),
        progress=("已逐班核对,补齐签到表和培训照片,建立一班一档。",),
    ),
    Story(
        "贵溪市人民政府",
        ProblemCategory.DATA,
        "月度调度报送的培训人次与实名制培训系统数据不一致。",
        "逐月核对报送数据,与系统数据不一致的说明原因并更正。",
        S.PLANNED,
        deadline=0.8,
        returned="佐证只有说明,缺少与实名制系统核对的明细表,请补充后再申请。",
        progress=("已核对1至5月数据,差异系统计口径不同,正在逐月更正。",),
    ),
    Story(
        "余江区人民政府",
        ProblemCategory.MECHANISM,
        "技能人才工作联席会议制度尚未建立,部门协同不够。",
        "建立联席会议制度,每季度至少召开一次会议。",
        S.PLANNED,
        deadline=0.55,
        kind=RectificationKind.ONGOING,
        extension="granted",
        progress=("联席会议制度已起草,正在征求成员单位意见。",),
    ),
    Story(
        "余江区人民政府",
        ProblemCategory.PROGRESS,
        "高技能人才培训基地建设进度滞后,场地尚未落实。",
        "尽快落实场地,明确建设时间表。",
        S.OPEN,
        deadline=0.5,
    ),
    Story(
        "月湖区人民政府",
        ProblemCategory.EVIDENCE,
        "技能大师工作室建设佐证材料不足,未见经费使用台账。",
        "建立经费使用台账,补齐工作室活动记录。",
        S.REOPENED,
        deadline=0.6,
        progress=("已建立经费使用台账,补齐上半年工作室活动记录12次。",),
        reopen="回头看发现三季度活动记录又有缺失,经费台账未按月更新,请重新整改。",
        extension="pending",
    ),
    Story(
        "市教育局",
        ProblemCategory.DATA,
        "职业院校毕业生技能等级证书获取率统计口径不统一。",
        "统一统计口径,重新核报各院校数据。",
        S.SIGNED_OFF,
        deadline=0.75,
        cooperating=("鹰潭职业技术学院",),
        returned="核报表缺少院校盖章,请补充后再申请销号。",
        progress=("已下发统一口径,3所院校数据已重新核报。",),
    ),
    Story(
        "市教育局",
        ProblemCategory.OTHER,
        "产教融合实训基地共建协议未按期续签。",
        "与合作企业续签协议,明确双方责任。",
        S.OPEN,
        after=30,
    ),
    Story(
        "市工信局",
        ProblemCategory.PROGRESS,
        "产业链企业技能人才需求调查未按期完成。",
        "完成12条产业链企业需求调查,形成需求清单。",
        S.PLANNED,
        after=45,
        progress=("已完成8条产业链企业调查,其余4条正在推进。",),
    ),
]


def round_dates(
    stand: datetime.date, first_day: datetime.date
) -> tuple[int, int, datetime.date, datetime.date]:
    """The round's year, half, first and last day for a demo standing on
    ``stand`` of a policy issued on ``first_day``: the last half year whose
    supervision began ``MIN_SPAN`` before ``stand``, not before the policy;
    failing that, one beginning ``MIN_SPAN`` before ``stand`` (not before
    the policy either)."""
    latest = stand - MIN_SPAN
    for year in (latest.year, latest.year - 1):
        for half in (2, 1):
            starts = datetime.date(year, *HALF_STARTS[half])
            if first_day <= starts <= latest:
                return year, half, starts, starts + VISITS_SPAN
    starts = min(max(first_day, latest), stand)
    ends = min(starts + VISITS_SPAN, stand)
    return starts.year, 1 if starts.month <= 6 else 2, starts, ends


class _Clock:
    """Moments at a share of the span from the round's start to the
    demo's day, in Asia/Shanghai."""

    def __init__(self, starts: datetime.date, stand: datetime.date):
        zone = timezone.get_current_timezone()
        self.first = datetime.datetime.combine(starts, datetime.time(9), zone)
        self.last = datetime.datetime.combine(stand, datetime.time(17), zone)
        self.stand = stand

    def at(self, share: float) -> datetime.datetime:
        """The day at ``share`` of the span, its hour squeezed into office
        hours (09:00 to 17:00) so that nothing happens at night; later
        shares are never earlier moments."""
        moment = timezone.localtime(self.first + (self.last - self.first) * share)
        midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        of_day = (moment - midnight) / datetime.timedelta(days=1)
        office = datetime.timedelta(hours=9) + datetime.timedelta(hours=8) * of_day
        return midnight + datetime.timedelta(
            minutes=office // datetime.timedelta(minutes=1)
        )

    def day(self, share: float) -> datetime.date:
        return timezone.localtime(self.at(share)).date()

    def deadline(self, story: Story) -> datetime.date:
        if story.deadline is None:
            return self.stand + datetime.timedelta(days=story.after)
        # Before the demo's day, so that an unresolved problem is overdue.
        return min(self.day(story.deadline), self.stand - datetime.timedelta(days=1))


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _department_tasks(department: Department, policy: Policy, count: int = 2):
    """The first tasks of the policy the department answers for, itself
    or as a member of a group the annex names."""
    groups = list(department.member_of.values_list("pk", flat=True))
    return list(
        Task.objects.filter(
            policy=policy, responsibilities__department__in=[department.pk, *groups]
        )
        .distinct()
        .order_by("number")[:count]
    )


@transaction.atomic
def demo_supervision_create(
    *,
    reviewer: User,
    authors: Mapping[int, User],
    today: datetime.date,
) -> Round | None:
    """The demo's round as of ``today`` (the demo's own day), its visits
    and problems; ``authors`` act for their departments (by department
    pk). Does nothing, and returns None, once any round exists."""
    if Round.objects.exists():
        return None
    policy = (
        Policy.objects.exclude(issued_on=None).order_by("issued_on", "pk").first()
        or Policy.objects.order_by("pk").first()
    )
    if policy is None:
        return None
    first_day = policy.issued_on or POLICY_FIRST_DAY
    year, half, starts, ends = round_dates(today, first_day)
    clock = _Clock(starts, today)
    departments = {d.name: d for d in Department.objects.all()}
    visited = [departments[name] for name, _ in VISITED]
    tasks = {d.pk: _department_tasks(d, policy) for d in visited}
    round = services.round_create(
        policy=policy,
        title=f"{year}年{'上' if half == 1 else '下'}半年督导",
        year=year,
        half=half,
        starts_on=starts,
        ends_on=ends,
        scope=SCOPE,
        leader=reviewer,
        members=MEMBERS,
        departments=visited,
        tasks=sorted({t for ts in tasks.values() for t in ts}, key=lambda t: t.pk),
        actor=reviewer,
    )
    services.round_notify(round=round, actor=reviewer, now=clock.at(0))
    visits = {}
    span = (ends - starts).days
    for index, (name, methods) in enumerate(VISITED):
        department = departments[name]
        visits[department.pk] = services.visit_record(
            round=round,
            department=department,
            visited_on=starts + datetime.timedelta(days=span * index // len(VISITED)),
            methods=methods,
            participants=f"{MEMBERS.splitlines()[0]}、{name}分管负责人及相关科室负责人",
            checked_tasks=tasks[department.pk],
            findings=FINDINGS,
            uploads=[_pdf(f"{name}督导记录表.pdf")],
            actor=reviewer,
        )
    for story in STORIES:
        _tell(story, round, visits, tasks, departments, authors, reviewer, clock)
    round.refresh_from_db()
    return round


def _tell(story, round, visits, tasks, departments, authors, reviewer, clock):
    """Make the story's problem and walk it to its state."""
    department = departments[story.department]
    author = authors[department.pk]
    problem = services.problem_create(
        round=round,
        visit=visits[department.pk],
        department=department,
        category=story.category,
        description=story.description,
        requirement=story.requirement,
        kind=story.kind,
        deadline=clock.deadline(story),
        tasks=tasks[department.pk][:1],
        cooperating=[departments[name] for name in story.cooperating],
        actor=reviewer,
    )
    if story.state == S.OPEN:
        return problem
    problem = services.problem_plan(
        problem=problem,
        responsible=f"{department.name}分管负责人",
        measures=f"{story.requirement}明确专人负责,每月报送整改进展。",
        actor=author,
        now=clock.at(0.25),
    )
    if story.extension == "granted":
        extension = services.extension_request(
            problem=problem,
            new_deadline=clock.stand + datetime.timedelta(days=40),
            reason="制度须经区政府常务会审议,会期在下月。",
            actor=author,
            now=clock.at(0.4),
        )
        services.extension_decide(
            extension=extension, grant=True, actor=reviewer, now=clock.at(0.45)
        )
    for step, text in enumerate(story.progress):
        services.problem_progress(
            problem=problem,
            text=text,
            uploads=[_pdf(f"整改佐证{problem.number}-{step + 1}.pdf")],
            actor=author,
            now=clock.at(0.35 + 0.1 * step),
        )
    if story.state == S.PLANNED and not story.returned:
        return problem
    problem = _request(problem, author, clock.at(0.55))
    if story.returned:
        problem = services.problem_transition(
            problem=problem,
            action="return",
            reason=story.returned,
            actor=reviewer,
            now=clock.at(0.6),
        )
        if story.state == S.PLANNED:
            return problem
        problem = _request(problem, author, clock.at(0.65))
    if story.state == S.REQUESTED:
        return problem
    problem = services.problem_transition(
        problem=problem, action="sign_off", actor=reviewer, now=clock.at(0.7)
    )
    if story.recheck:
        problem = services.problem_transition(
            problem=problem,
            action="recheck",
            reason=story.recheck,
            actor=reviewer,
            now=clock.at(0.9),
        )
    if story.reopen:
        problem = services.problem_transition(
            problem=problem,
            action="reopen",
            reason=story.reopen,
            actor=reviewer,
            now=clock.at(0.85),
        )
    if story.extension == "pending":
        services.extension_request(
            problem=problem,
            new_deadline=clock.stand + datetime.timedelta(days=30),
            reason="需待四季度活动开展后一并补齐记录。",
            actor=author,
            now=clock.at(0.95),
        )
    return problem


def _request(problem: Problem, author: User, now: datetime.datetime) -> Problem:
    return services.problem_transition(
        problem=problem,
        action="request",
        reason="已按整改要求完成整改,申请销号。",
        uploads=[_pdf(f"销号申请材料{problem.number}.pdf")],
        actor=author,
        now=now,
    )
