import factory

from accounts.models import User
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
