"""半年督导: supervision rounds, their visits to departments, the problems
found and their rectification (整改) up to sign-off (销号), which together
are the 整改台账.

A problem moves along the graph in ``supervision.workflow``; every move is
a ``ProblemTransition``. An extension request is not a state: the problem
keeps rectifying while the reviewer decides, so it is a row of its own.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from tasks.models import Department, Policy, Task


class Round(models.Model):
    """督导轮次 with its plan (督导方案): scope, departments and tasks
    covered, dates, the team and its leader."""

    policy = models.ForeignKey(
        Policy, verbose_name="政策文件", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("名称", max_length=200)
    year = models.PositiveSmallIntegerField("年份")
    half = models.PositiveSmallIntegerField(
        "半年", choices=[(1, "上半年"), (2, "下半年")]
    )
    scope = models.TextField("督导方案", blank=True, help_text="督导范围、重点和方式")
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="组长",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    members = models.TextField("督导组成员", blank=True, help_text="每行一人")
    departments = models.ManyToManyField(
        Department,
        verbose_name="督导单位",
        related_name="supervision_rounds",
        blank=True,
    )
    tasks = models.ManyToManyField(
        Task, verbose_name="督导任务", related_name="supervision_rounds", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    notified_at = models.DateTimeField("通知时间", null=True, blank=True)

    class Meta:
        verbose_name = "督导轮次"
        verbose_name_plural = "督导轮次"
        ordering = ["-year", "-half", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(half__in=(1, 2)),
                name="round_half_valid",
                violation_error_message="“半年”只能是上半年或下半年。",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="round_dates_ordered",
                violation_error_message="结束日期不能早于开始日期。",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("supervision:round-detail", args=[self.pk])

    @property
    def member_names(self) -> list[str]:
        return [line.strip() for line in self.members.splitlines() if line.strip()]


class VisitMethod(models.TextChoices):
    REPORT = "report", "听取汇报"
    DOCUMENTS = "documents", "查阅资料"
    SITE = "site", "现场核实"
    PHONE = "phone", "电话核查"
    FORUM = "forum", "座谈"


class Visit(models.Model):
    """督导走访: the team's visit to one department in a round."""

    round = models.ForeignKey(
        Round, verbose_name="督导轮次", on_delete=models.PROTECT, related_name="visits"
    )
    department = models.ForeignKey(
        Department,
        verbose_name="被督导单位",
        on_delete=models.PROTECT,
        related_name="supervision_visits",
    )
    visited_on = models.DateField("走访日期")
    methods = models.JSONField(
        "督导方式", default=list, blank=True, help_text="VisitMethod 的值"
    )
    participants = models.TextField("参加人员", blank=True)
    checked_tasks = models.ManyToManyField(
        Task, verbose_name="核查任务", related_name="supervision_visits", blank=True
    )
    findings = models.TextField("发现情况", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "督导走访"
        verbose_name_plural = "督导走访"
        ordering = ["round", "visited_on", "department__sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "department", "visited_on"],
                name="visit_unique_per_day",
            )
        ]

    def __str__(self):
        return f"{self.round} {self.department} {self.visited_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("supervision:visit-detail", args=[self.pk])

    @property
    def method_labels(self) -> list[str]:
        labels = dict(VisitMethod.choices)
        return [labels.get(value, value) for value in self.methods]


class StoredFile(models.Model):
    """A file stored outside the web root like dispatch's Evidence, served
    only through a view that checks who may see it."""

    file = models.FileField("文件", upload_to="supervision/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=255)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveIntegerField("大小(字节)")
    sha256 = models.CharField("摘要", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name


class VisitFile(StoredFile):
    visit = models.ForeignKey(
        Visit, verbose_name="督导走访", on_delete=models.PROTECT, related_name="files"
    )

    class Meta:
        verbose_name = "走访材料"
        verbose_name_plural = "走访材料"
        ordering = ["visit", "uploaded_at", "pk"]

    def get_absolute_url(self):
        return reverse("supervision:visit-file", args=[self.pk])


class ProblemCategory(models.TextChoices):
    PROGRESS = "progress", "进度滞后"
    DATA = "data", "数据不实"
    EVIDENCE = "evidence", "佐证不足"
    MECHANISM = "mechanism", "机制不健全"
    OTHER = "other", "其他"


class RectificationKind(models.TextChoices):
    DEADLINE = "deadline", "限期整改"
    ONGOING = "ongoing", "持续整改"


class ProblemState(models.TextChoices):
    OPEN = "open", "待制定方案"
    PLANNED = "planned", "整改中"
    REQUESTED = "requested", "待销号"
    SIGNED_OFF = "signed_off", "已销号"
    REOPENED = "reopened", "重新整改"


# States in which the department is still rectifying: a deadline passed in
# one of them makes the problem overdue.
OPEN_STATES = (
    ProblemState.OPEN,
    ProblemState.PLANNED,
    ProblemState.REOPENED,
)
UNRESOLVED_STATES = (*OPEN_STATES, ProblemState.REQUESTED)


class Problem(models.Model):
    """A problem found (问题清单), with one plan and one responsible
    person (一个问题一套方案一名责任人)."""

    round = models.ForeignKey(
        Round,
        verbose_name="督导轮次",
        on_delete=models.PROTECT,
        related_name="problems",
    )
    visit = models.ForeignKey(
        Visit,
        verbose_name="督导走访",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
    )
    number = models.PositiveIntegerField("序号")
    source = models.CharField("问题来源", max_length=100, default="半年督导")
    category = models.CharField(
        "问题类别",
        max_length=16,
        choices=ProblemCategory.choices,
        default=ProblemCategory.OTHER,
    )
    description = models.TextField("问题表现")
    tasks = models.ManyToManyField(
        Task, verbose_name="涉及任务", related_name="supervision_problems", blank=True
    )
    department = models.ForeignKey(
        Department,
        verbose_name="责任单位",
        on_delete=models.PROTECT,
        related_name="supervision_problems",
    )
    cooperating = models.ManyToManyField(
        Department,
        verbose_name="配合单位",
        related_name="supervision_cooperations",
        blank=True,
    )
    requirement = models.TextField("整改要求", blank=True)
    kind = models.CharField(
        "整改类型",
        max_length=16,
        choices=RectificationKind.choices,
        default=RectificationKind.DEADLINE,
    )
    deadline = models.DateField(
        "整改时限", help_text="限期整改为完成日期,持续整改为复核日期"
    )
    state = models.CharField(
        "状态", max_length=16, choices=ProblemState.choices, default=ProblemState.OPEN
    )
    responsible = models.CharField("责任人", max_length=100, blank=True)
    measures = models.TextField("整改措施", blank=True)
    signed_off_at = models.DateTimeField("销号时间", null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="销号人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField("版本", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "督导问题"
        verbose_name_plural = "督导问题"
        ordering = ["round", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "number"], name="problem_unique_number"
            ),
            # 已销号 carries its time; no other state does.
            models.CheckConstraint(
                condition=Q(state="signed_off", signed_off_at__isnull=False)
                | (~Q(state="signed_off") & Q(signed_off_at__isnull=True)),
                name="problem_signed_off_time",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "state"], name="problem_department"),
            # Reminders and the overdue lists: unresolved problems by date.
            models.Index(fields=["state", "deadline"], name="problem_due"),
        ]

    def __str__(self):
        return f"{self.round} 问题{self.number}"

    def get_absolute_url(self):
        return reverse("supervision:problem-detail", args=[self.pk])

    @property
    def has_plan(self) -> bool:
        return bool(self.measures.strip() and self.responsible.strip())

    def is_overdue(self, today) -> bool:
        return self.state in OPEN_STATES and self.deadline < today


class ExtensionDecision(models.TextChoices):
    PENDING = "pending", "待审批"
    GRANTED = "granted", "已同意"
    REFUSED = "refused", "不同意"


class Extension(models.Model):
    """A department's request to move a problem's deadline (延期申请)."""

    problem = models.ForeignKey(
        Problem,
        verbose_name="督导问题",
        on_delete=models.CASCADE,
        related_name="extensions",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    reason = models.TextField("申请理由")
    old_deadline = models.DateField("原整改时限")
    new_deadline = models.DateField("申请延至")
    decision = models.CharField(
        "审批结果",
        max_length=16,
        choices=ExtensionDecision.choices,
        default=ExtensionDecision.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_reason = models.TextField("审批意见", blank=True)

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering = ["problem", "requested_at", "pk"]
        constraints = [
            # One request waits at a time; a second is a resent form.
            models.UniqueConstraint(
                fields=["problem"],
                condition=Q(decision="pending"),
                name="extension_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(new_deadline__gt=models.F("old_deadline")),
                name="extension_moves_later",
            ),
        ]

    def __str__(self):
        return f"{self.problem} 延期至{self.new_deadline:%Y-%m-%d}"


class ProblemTransition(models.Model):
    """One move of a problem along its graph, or a 回头看 without a move
    (from_state equals to_state): who, when, why."""

    problem = models.ForeignKey(
        Problem,
        verbose_name="督导问题",
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    action = models.CharField("操作", max_length=20)
    from_state = models.CharField("原状态", max_length=16, choices=ProblemState.choices)
    to_state = models.CharField("新状态", max_length=16, choices=ProblemState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField("理由", blank=True)
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "问题流转记录"
        verbose_name_plural = "问题流转记录"
        ordering = ["problem", "at", "pk"]

    def __str__(self):
        moved = f"{self.get_from_state_display()}→{self.get_to_state_display()}"
        return f"{self.problem}:{moved}"


class ProgressEntry(models.Model):
    """整改进展: what the department has done so far."""

    problem = models.ForeignKey(
        Problem,
        verbose_name="督导问题",
        on_delete=models.CASCADE,
        related_name="progress_entries",
    )
    text = models.TextField("进展情况")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField("填报时间")

    class Meta:
        verbose_name = "整改进展"
        verbose_name_plural = "整改进展"
        ordering = ["problem", "entered_at", "pk"]

    def __str__(self):
        return f"{self.problem} {self.entered_at:%Y-%m-%d}"


class ProblemEvidence(StoredFile):
    """整改佐证材料, attached with a progress entry or a sign-off request."""

    problem = models.ForeignKey(
        Problem,
        verbose_name="督导问题",
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    entry = models.ForeignKey(
        ProgressEntry,
        verbose_name="整改进展",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
    )

    class Meta:
        verbose_name = "整改佐证材料"
        verbose_name_plural = "整改佐证材料"
        ordering = ["problem", "uploaded_at", "pk"]

    def get_absolute_url(self):
        return reverse("supervision:evidence-download", args=[self.pk])


class ProblemReminderKind(models.TextChoices):
    BEFORE_DEADLINE = "before", "截止前提醒"
    ON_DEADLINE = "due", "到期提醒"
    OVERDUE = "overdue", "逾期通知"


class ProblemReminder(models.Model):
    """A reminder of a problem's deadline sent to its department; at most
    one of each kind per deadline, so that the hourly command never sends
    one twice and a granted extension is reminded anew."""

    problem = models.ForeignKey(
        Problem,
        verbose_name="督导问题",
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    kind = models.CharField("类型", max_length=16, choices=ProblemReminderKind.choices)
    deadline = models.DateField("整改时限")
    sent_to = models.TextField("收件人", blank=True)
    sent_at = models.DateTimeField("发送时间")

    class Meta:
        verbose_name = "整改提醒"
        verbose_name_plural = "整改提醒"
        ordering = ["-sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["problem", "kind", "deadline"],
                name="problem_reminder_once_per_kind",
            )
        ]

    def __str__(self):
        return f"{self.problem} {self.get_kind_display()}"
