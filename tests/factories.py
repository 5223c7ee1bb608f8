import datetime

import factory
from django.utils import timezone

from accounts.models import User
from accounts.roles import RoleName
from accounts.services import user_create
from dispatch.models import ProgressReport
from dispatch.services import period_open, report_transition, urge_create
from tasks.models import (
    Department,
    DepartmentKind,
    KeyTask,
    Policy,
    Responsibility,
    Role,
    Section,
    Task,
)
from tests.conftest import fill


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Policy
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: f"测办发〔2024〕{n + 1}号")
    title = factory.Sequence(lambda n: f"关于测试政策{n}的意见")
    issuer = "市人社局"


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    policy = factory.SubFactory(PolicyFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"主要任务{n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"测试部门{n}")
    full_name = factory.LazyAttribute(lambda d: f"鹰潭市{d.name}")
    kind = DepartmentKind.CITY


class KeyTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyTask

    policy = factory.SubFactory(PolicyFactory)
    section = factory.SubFactory(
        SectionFactory, policy=factory.SelfAttribute("..policy")
    )
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"重点任务{n}")


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    key_task = factory.SubFactory(KeyTaskFactory)
    policy = factory.SelfAttribute("key_task.policy")
    number = factory.Sequence(lambda n: n + 1)
    requirement = factory.Sequence(lambda n: f"工作要求{n}:到2025年完成测试任务。")


class ResponsibilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Responsibility

    task = factory.SubFactory(TaskFactory)
    department = factory.SubFactory(DepartmentFactory)
    role = Role.LEAD


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "Pass#word123")
    must_change_password = False


def ago(days: int = 3) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def make_dispatch_data(departments: int, tasks: int, months: int, year: int, reviewer):
    """Departments with a reporter each, tasks with a lead, two cooperating
    departments and a group, periods for several months of the year; in
    each period half the reports are submitted, the reviewer approves a
    third of those and returns one, and urges the first department."""
    pool = DepartmentFactory.create_batch(departments)
    group = DepartmentFactory(kind="group")
    group.members.set(pool[:3])
    for index in range(tasks):
        task = TaskFactory()
        for offset in range(3):
            ResponsibilityFactory(
                task=task,
                department=pool[(index + offset) % departments],
                role=Role.LEAD if offset == 0 else Role.COOPERATING,
                position=offset,
            )
        ResponsibilityFactory(task=task, department=group, role=Role.COOPERATING)
    for department in pool:
        user_create(
            username=f"reporter{department.pk}",
            password="Pass#word123",
            role=RoleName.REPORTER,
            department=department,
            must_change_password=False,
        )
    # The new periods also hold reports on the tasks of earlier calls.
    reporters = {u.department_id: u for u in User.objects.exclude(department=None)}
    statuses = ["on_track", "at_risk", "behind", "completed"]
    period = None
    for month in range(1, months + 1):
        period = period_open(year=year, month=month, deadline=ago())
        reports = ProgressReport.objects.filter(period=period).order_by("pk")
        for number, report in enumerate(reports):
            if number % 2:
                continue
            author = reporters[report.department_id]
            fill(report, author, proposed_status=statuses[number % 4])
            report_transition(report=report, action="submit", actor=author)
            if number % 3 == 0:
                action, reason = (
                    ("return", "请补充。") if number == 0 else ("approve", "")
                )
                report_transition(
                    report=report, action=action, actor=reviewer, reason=reason
                )
        urge_create(period=period, department=pool[0], message="", actor=reviewer)
    return period
