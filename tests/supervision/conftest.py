"""Supervision fixtures: a notified round over 贵溪市人民政府 (the users
fixture's reporter and leader) and 市教育局 (its other department), two
tasks, and problems in any state, made through the services."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from supervision import services
from supervision.models import Problem, ProblemState
from tasks.models import Department
from tests.factories import PolicyFactory, TaskFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
TODAY = datetime.date(2025, 7, 15)


def pdf(name: str = "整改佐证.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def guixi(departments):
    return Department.objects.get(name="贵溪市人民政府")


@pytest.fixture
def education(departments):
    return Department.objects.get(name="市教育局")


@pytest.fixture
def sup_tasks(db):
    policy = PolicyFactory()
    first = TaskFactory(key_task__policy=policy)
    return [first, TaskFactory(key_task=first.key_task)]


@pytest.fixture
def sup_round(users, guixi, education, sup_tasks):
    reviewer = users["reviewer"]
    round = services.round_create(
        policy=sup_tasks[0].policy,
        title="2025年上半年督导",
        year=2025,
        half=1,
        scope="重点督导技能人才培养任务落实情况。",
        starts_on=datetime.date(2025, 6, 1),
        ends_on=datetime.date(2025, 6, 30),
        leader=reviewer,
        members="张三\n李四",
        departments=[guixi, education],
        tasks=sup_tasks,
        actor=reviewer,
    )
    services.round_notify(round=round, actor=reviewer)
    round.refresh_from_db()
    return round


def walk(problem: Problem, state: str, users) -> Problem:
    """Move a problem from 待制定方案 to ``state`` as its actors would."""
    reporter, reviewer = users["reporter"], users["reviewer"]
    path = {
        ProblemState.OPEN: [],
        ProblemState.PLANNED: ["plan"],
        ProblemState.REQUESTED: ["plan", "request"],
        ProblemState.SIGNED_OFF: ["plan", "request", "sign_off"],
        ProblemState.REOPENED: ["plan", "request", "sign_off", "reopen"],
    }[state]
    for action in path:
        if action == "plan":
            problem = services.problem_plan(
                problem=problem,
                responsible="王五",
                measures="完善台账,逐月核对数据。",
                actor=reporter,
            )
        elif action == "request":
            problem = services.problem_transition(
                problem=problem,
                action="request",
                actor=reporter,
                uploads=[pdf()],
            )
        else:
            problem = services.problem_transition(
                problem=problem,
                action=action,
                actor=reviewer,
                reason="回头看发现问题反弹。",
            )
    assert problem.state == state
    return problem


@pytest.fixture
def make_problem(sup_round, users, guixi):
    def make(state=ProblemState.OPEN, *, department=None, deadline=None, **kw):
        problem = services.problem_create(
            round=sup_round,
            department=department or guixi,
            description=kw.pop("description", "培训台账与报告数据不一致。"),
            deadline=deadline or timezone.localdate() + datetime.timedelta(days=30),
            requirement="核实数据,补齐佐证。",
            actor=users["reviewer"],
            **kw,
        )
        return walk(problem, state, users)

    return make
