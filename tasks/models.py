"""The policy as data: document, sections, key tasks, annex tasks, and who
is responsible for each.

Natural keys are defined on every model so that the loaded policy can be
kept as fixtures and loaded into any database with ``loaddata``.
"""

from django.db import models
from django.urls import reverse


class PolicyManager(models.Manager):
    def get_by_natural_key(self, number):
        return self.get(number=number)


class Policy(models.Model):
    number = models.CharField("文号", max_length=64, unique=True)
    title = models.CharField("标题", max_length=200, blank=True)
    issuer = models.CharField("发文机关", max_length=100, blank=True)
    index_number = models.CharField("索引号", max_length=64, blank=True)
    issued_on = models.DateField("成文日期", null=True, blank=True)
    repealed_on = models.DateField("废止日期", null=True, blank=True)
    validity = models.CharField("有效性", max_length=32, blank=True)
    text = models.TextField("正文", blank=True)
    published = models.BooleanField(
        "在公众页公开",
        default=True,
        help_text="公开后,公众可在“公众查看”页看到这份政策的目标与进展。",
    )

    objects = PolicyManager()

    class Meta:
        verbose_name = "政策文件"
        verbose_name_plural = "政策文件"
        ordering = ["number"]

    def __str__(self):
        return f"{self.title or '(正文未导入)'} {self.number}"

    def natural_key(self):
        return (self.number,)


class SectionManager(models.Manager):
    def get_by_natural_key(self, policy_number, number):
        return self.get(policy__number=policy_number, number=number)


class Section(models.Model):
    """One of the 主要任务 headings, (一) to (五)."""

    policy = models.ForeignKey(
        Policy,
        verbose_name="政策文件",
        on_delete=models.CASCADE,
        related_name="sections",
    )
    number = models.PositiveSmallIntegerField("序号")
    title = models.CharField("标题", max_length=200)

    objects = SectionManager()

    class Meta:
        verbose_name = "主要任务"
        verbose_name_plural = "主要任务"
        ordering = ["policy", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "number"], name="section_unique_number_per_policy"
            )
        ]

    def __str__(self):
        return f"({self.numeral}){self.title}"

    def natural_key(self):
        return (*self.policy.natural_key(), self.number)

    natural_key.dependencies = ["tasks.policy"]

    @property
    def numeral(self) -> str:
        numerals = "一二三四五六七八九十"
        return numerals[self.number - 1] if 0 < self.number <= 10 else str(self.number)


class DepartmentKind(models.TextChoices):
    CITY = "city", "市直部门"
    COUNTY = "county", "县(市、区)"
    PARK = "park", "园区、景区管委会"
    SCHOOL = "school", "院校"
    MASS = "mass", "群团组织"
    OFFICE = "office", "人大、政协机关"
    GROUP = "group", "部门组"


class DepartmentManager(models.Manager):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class Department(models.Model):
    """A responsible unit, or a group of them (kind ``group``).

    A group listed by its members (各区(市)人民政府、管委会) expands to them;
    a group defined by reference (12类产业链牵头单位) has no fixed members
    and explains itself in ``membership_note``.
    """

    name = models.CharField("简称", max_length=100, unique=True)
    full_name = models.CharField("全称", max_length=200, blank=True)
    kind = models.CharField("类别", max_length=16, choices=DepartmentKind.choices)
    members = models.ManyToManyField(
        "self",
        verbose_name="成员单位",
        symmetrical=False,
        blank=True,
        related_name="member_of",
    )
    membership_note = models.CharField("组成说明", max_length=200, blank=True)
    requires_signoff = models.BooleanField(
        "报送前须负责人签批",
        default=False,
        help_text="勾选后,填报员提交的报告须经本部门负责人签批才报送人社局。",
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=100)

    objects = DepartmentManager()

    class Meta:
        verbose_name = "责任部门"
        verbose_name_plural = "责任部门"
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("tasks:department-detail", args=[self.pk])

    def natural_key(self):
        return (self.name,)

    @property
    def is_group(self) -> bool:
        return self.kind == DepartmentKind.GROUP


class DepartmentAliasManager(models.Manager):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class DepartmentAlias(models.Model):
    """Another name under which documents cite a department.

    An import that meets a name it cannot resolve lists it; an administrator
    maps it here and imports again.
    """

    name = models.CharField("别名", max_length=100, unique=True)
    department = models.ForeignKey(
        Department,
        verbose_name="部门",
        on_delete=models.CASCADE,
        related_name="aliases",
    )

    objects = DepartmentAliasManager()

    class Meta:
        verbose_name = "部门别名"
        verbose_name_plural = "部门别名"
        ordering = ["department", "name"]

    def __str__(self):
        return f"{self.name} → {self.department}"

    def natural_key(self):
        return (self.name,)

    natural_key.dependencies = ["tasks.department"]


class KeyTaskManager(models.Manager):
    def get_by_natural_key(self, policy_number, number):
        return self.get(policy__number=policy_number, number=number)


class KeyTask(models.Model):
    """A 重点任务, numbered 1–20 in the text and merged rows in the annex."""

    policy = models.ForeignKey(
        Policy,
        verbose_name="政策文件",
        on_delete=models.CASCADE,
        related_name="key_tasks",
    )
    number = models.PositiveSmallIntegerField("序号")
    section = models.ForeignKey(
        Section,
        verbose_name="主要任务",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="key_tasks",
    )
    title = models.CharField("名称(正文)", max_length=200, blank=True)
    annex_title = models.CharField("名称(附件)", max_length=200, blank=True)
    body = models.TextField("正文", blank=True)
    responsibility_note = models.CharField("责任分工原文", max_length=500, blank=True)

    objects = KeyTaskManager()

    class Meta:
        verbose_name = "重点任务"
        verbose_name_plural = "重点任务"
        ordering = ["policy", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "number"], name="keytask_unique_number_per_policy"
            )
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"

    def natural_key(self):
        return (*self.policy.natural_key(), self.number)

    natural_key.dependencies = ["tasks.policy", "tasks.section"]

    @property
    def name(self) -> str:
        """The text's wording where the text is loaded, else the annex's."""
        return self.title or self.annex_title


class Role(models.TextChoices):
    LEAD = "lead", "牵头"
    COOPERATING = "cooperating", "配合"
    UNSPECIFIED = "unspecified", "未明确"


class KeyTaskAssignmentManager(models.Manager):
    def get_by_natural_key(self, policy_number, key_task_number, department_name):
        return self.get(
            key_task__policy__number=policy_number,
            key_task__number=key_task_number,
            department__name=department_name,
        )


class KeyTaskAssignment(models.Model):
    """A role the text's 〔牵头单位:…;配合单位:…〕 note gives for a key task."""

    key_task = models.ForeignKey(
        KeyTask,
        verbose_name="重点任务",
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    department = models.ForeignKey(
        Department,
        verbose_name="部门",
        on_delete=models.PROTECT,
        related_name="key_task_assignments",
    )
    role = models.CharField(
        "角色",
        max_length=16,
        choices=[c for c in Role.choices if c[0] != "unspecified"],
    )
    position = models.PositiveSmallIntegerField("原文顺序", default=0)

    objects = KeyTaskAssignmentManager()

    class Meta:
        verbose_name = "重点任务分工(正文)"
        verbose_name_plural = "重点任务分工(正文)"
        ordering = ["key_task", "role", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["key_task", "department"], name="assignment_unique_department"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["lead", "cooperating"]),
                name="assignment_role_valid",
            ),
        ]

    def __str__(self):
        return f"{self.key_task.number}. {self.department}({self.get_role_display()})"

    def natural_key(self):
        return (*self.key_task.natural_key(), self.department.name)

    natural_key.dependencies = ["tasks.keytask", "tasks.department"]


class TaskManager(models.Manager):
    def get_by_natural_key(self, policy_number, number):
        return self.get(policy__number=policy_number, number=number)


class Task(models.Model):
    """A 工作要求: one annex row, the unit that departments report on."""

    policy = models.ForeignKey(
        Policy, verbose_name="政策文件", on_delete=models.CASCADE, related_name="tasks"
    )
    key_task = models.ForeignKey(
        KeyTask, verbose_name="重点任务", on_delete=models.PROTECT, related_name="tasks"
    )
    number = models.PositiveSmallIntegerField("序号")
    requirement = models.TextField("工作要求")
    departments_text = models.CharField(
        "责任部门(附件原文)", max_length=500, blank=True
    )
    departments = models.ManyToManyField(
        Department,
        verbose_name="责任部门",
        through="Responsibility",
        related_name="tasks",
    )

    objects = TaskManager()

    class Meta:
        verbose_name = "工作要求"
        verbose_name_plural = "工作要求"
        ordering = ["policy", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "number"], name="task_unique_number_per_policy"
            )
        ]

    def __str__(self):
        return f"任务{self.number}"

    def get_absolute_url(self):
        return reverse("tasks:task-detail", args=[self.pk])

    def natural_key(self):
        return (*self.policy.natural_key(), self.number)

    natural_key.dependencies = ["tasks.policy", "tasks.keytask"]


class ResponsibilityManager(models.Manager):
    def get_by_natural_key(self, policy_number, task_number, department_name):
        return self.get(
            task__policy__number=policy_number,
            task__number=task_number,
            department__name=department_name,
        )


class Responsibility(models.Model):
    """A department (or group) the annex lists for a task, with its role."""

    task = models.ForeignKey(
        Task,
        verbose_name="工作要求",
        on_delete=models.CASCADE,
        related_name="responsibilities",
    )
    department = models.ForeignKey(
        Department,
        verbose_name="部门",
        on_delete=models.PROTECT,
        related_name="responsibilities",
    )
    role = models.CharField(
        "角色", max_length=16, choices=Role.choices, default=Role.UNSPECIFIED
    )
    position = models.PositiveSmallIntegerField("附件顺序", default=0)

    objects = ResponsibilityManager()

    class Meta:
        verbose_name = "责任分工"
        verbose_name_plural = "责任分工"
        ordering = ["task", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "department"], name="responsibility_unique_department"
            ),
        ]
        indexes = [models.Index(fields=["department", "role"])]

    def __str__(self):
        return f"{self.task}:{self.department}({self.get_role_display()})"

    def natural_key(self):
        return (*self.task.natural_key(), self.department.name)

    natural_key.dependencies = ["tasks.task", "tasks.department"]


class ImportKind(models.TextChoices):
    ANNEX = "annex", "附件表格"
    POLICY = "policy", "政策正文"
    DOCUMENT = "document", "政策正文(通用格式)"


class AnnexColumnMapping(models.Model):
    """Which annex column is which, as a person chose it for a header the
    importer could not read by itself; used again for the same header."""

    signature = models.CharField("表头特征", max_length=64, unique=True)
    header = models.CharField("表头", max_length=1000)
    mapping = models.JSONField("列对应", default=dict)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "附件列对应"
        verbose_name_plural = "附件列对应"
        ordering = ["-updated_at"]

    def __str__(self):
        return self.header[:60]


class ImportRecord(models.Model):
    """What an import did, kept so that an office can see who loaded what."""

    policy = models.ForeignKey(
        Policy,
        verbose_name="政策文件",
        on_delete=models.CASCADE,
        related_name="imports",
    )
    kind = models.CharField("类型", max_length=16, choices=ImportKind.choices)
    file_name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("文件摘要", max_length=64)
    created_count = models.PositiveIntegerField("新增", default=0)
    updated_count = models.PositiveIntegerField("更新", default=0)
    unchanged_count = models.PositiveIntegerField("未变", default=0)
    notes = models.TextField("提示", blank=True)
    imported_by = models.ForeignKey(
        "accounts.User",
        verbose_name="导入人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        verbose_name = "导入记录"
        verbose_name_plural = "导入记录"
        ordering = ["-imported_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.file_name}"
