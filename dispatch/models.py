"""月调度, the monthly loop: reporting periods, each department's report
on each task, its moves through the workflow, evidence, urges and
reminders.

These models were born in the ``tasks`` app and keep its tables
(``db_table``), so a database upgrades in place.
"""

from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse

from tasks.models import Department, Role, Task


class PeriodStatus(models.TextChoices):
    OPEN = "open", "填报中"
    CLOSED = "closed", "已截止"


class ReportingPeriod(models.Model):
    """A month of the 月调度 cycle; reports are filed against it."""

    year = models.PositiveSmallIntegerField("年份")
    month = models.PositiveSmallIntegerField("月份")
    deadline = models.DateField("填报截止日", help_text="当日 24 时(北京时间)截止")
    status = models.CharField(
        "状态", max_length=16, choices=PeriodStatus.choices, default=PeriodStatus.OPEN
    )
    opened_at = models.DateTimeField("开放时间", null=True, blank=True)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)

    class Meta:
        db_table = "tasks_reportingperiod"
        verbose_name = "填报期"
        verbose_name_plural = "填报期"
        ordering = ["-year", "-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month"], name="period_unique_month"
            ),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12),
                name="period_month_valid",
            ),
        ]

    def __str__(self):
        return f"{self.year}年{self.month}月"

    def get_absolute_url(self):
        # A period has no page of its own; the dashboard shows it.
        return reverse("dispatch:dashboard") + f"?period={self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == PeriodStatus.OPEN


class ReportState(models.TextChoices):
    DRAFT = "draft", "草稿"
    PENDING_SIGNOFF = "pending_signoff", "待负责人签批"
    SUBMITTED = "submitted", "已报送"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "已审核"


class ProgressStatus(models.TextChoices):
    ON_TRACK = "on_track", "正常推进"
    AT_RISK = "at_risk", "进度滞后"
    BEHIND = "behind", "严重滞后"
    COMPLETED = "completed", "已完成"


# A report's text fits a cell of the offline sheet with room to spare
# (Excel holds 32,767 characters a cell, and a formula-like text gains an
# apostrophe), so that a downloaded and re-uploaded sheet never changes it.
REPORT_TEXT_MAX_LENGTH = 5000
REPORT_TEXT_FIELDS = ("progress", "problems", "next_steps")


class ProgressReport(models.Model):
    """A department's monthly report on one task.

    The lead department's report is the task's report; a cooperating
    department's is its contribution, which the lead sees while writing.
    """

    task = models.ForeignKey(
        Task, verbose_name="工作要求", on_delete=models.PROTECT, related_name="reports"
    )
    department = models.ForeignKey(
        Department,
        verbose_name="填报部门",
        on_delete=models.PROTECT,
        related_name="reports",
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name="填报期",
        on_delete=models.PROTECT,
        related_name="reports",
    )
    role = models.CharField("角色", max_length=16, choices=Role.choices)
    progress = models.TextField(
        "本月进展", max_length=REPORT_TEXT_MAX_LENGTH, blank=True
    )
    problems = models.TextField(
        "存在问题", max_length=REPORT_TEXT_MAX_LENGTH, blank=True
    )
    next_steps = models.TextField(
        "下步计划", max_length=REPORT_TEXT_MAX_LENGTH, blank=True
    )
    proposed_status = models.CharField(
        "进度判断", max_length=16, choices=ProgressStatus.choices, blank=True
    )
    completion = models.PositiveSmallIntegerField("完成度(%)", null=True, blank=True)
    state = models.CharField(
        "状态", max_length=20, choices=ReportState.choices, default=ReportState.DRAFT
    )
    version = models.PositiveIntegerField("版本", default=0)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    is_late = models.BooleanField("逾期报送", default=False)
    overdue_marked_at = models.DateTimeField("标记逾期时间", null=True, blank=True)
    reopened = models.BooleanField("已重新开放", default=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        "accounts.User",
        verbose_name="最后修改人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        db_table = "tasks_progressreport"
        verbose_name = "进展报告"
        verbose_name_plural = "进展报告"
        ordering = ["period", "task__number", "department__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "department", "period"], name="report_unique_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(completion__isnull=True)
                | models.Q(completion__lte=100),
                name="report_completion_percentage",
            ),
            *(
                models.CheckConstraint(
                    condition=LessThanOrEqual(Length(name), REPORT_TEXT_MAX_LENGTH),
                    name=f"report_{name}_length",
                )
                for name in REPORT_TEXT_FIELDS
            ),
        ]
        indexes = [
            models.Index(fields=["period", "state"]),
            models.Index(fields=["department", "period"]),
            # The review queue: what waits in a state, the longest first.
            models.Index(fields=["state", "submitted_at"], name="report_queue"),
            # A policy's reports in the periods a page shows (the dashboard's
            # board, monthly rates and department table): by its tasks,
            # read from the index alone on PostgreSQL. Without it the
            # database read every policy's reports of those periods, 25
            # times the rows at province scale.
            models.Index(
                fields=["task", "period"],
                include=[
                    "id",
                    "state",
                    "proposed_status",
                    "role",
                    "is_late",
                    "department",
                ],
                name="report_task_period",
            ),
        ]

    def __str__(self):
        return f"{self.period} {self.task} {self.department}"

    def get_absolute_url(self):
        return reverse("dispatch:report-detail", args=[self.pk])

    @property
    def is_lead(self) -> bool:
        return self.role == Role.LEAD

    @property
    def is_editable(self) -> bool:
        """Open to the department's edits: a draft or a returned report, in
        an open period or reopened by the reviewer."""
        return self.state in (ReportState.DRAFT, ReportState.RETURNED) and (
            self.period.is_open or self.reopened
        )


class ReportTransition(models.Model):
    """One move of a report through its states: who, when, why."""

    report = models.ForeignKey(
        ProgressReport,
        verbose_name="进展报告",
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    action = models.CharField("操作", max_length=20)
    from_state = models.CharField("原状态", max_length=20, choices=ReportState.choices)
    to_state = models.CharField("新状态", max_length=20, choices=ReportState.choices)
    actor = models.ForeignKey(
        "accounts.User",
        verbose_name="操作人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField("理由", blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        db_table = "tasks_reporttransition"
        verbose_name = "报告流转记录"
        verbose_name_plural = "报告流转记录"
        ordering = ["report", "at", "pk"]

    def __str__(self):
        moved = f"{self.get_from_state_display()}→{self.get_to_state_display()}"
        return f"{self.report}:{moved}"


class Evidence(models.Model):
    """A 佐证材料 file, stored outside the web root and served only to users
    who may see its report."""

    report = models.ForeignKey(
        ProgressReport,
        verbose_name="进展报告",
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    file = models.FileField("文件", upload_to="evidence/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=255)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveIntegerField("大小(字节)")
    sha256 = models.CharField("摘要", max_length=64)
    uploaded_by = models.ForeignKey(
        "accounts.User",
        verbose_name="上传人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        db_table = "tasks_evidence"
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["report", "uploaded_at"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("dispatch:evidence-download", args=[self.pk])


class Urge(models.Model):
    """A 催办 from the reviewer to a late department."""

    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name="填报期",
        on_delete=models.PROTECT,
        related_name="urges",
    )
    department = models.ForeignKey(
        Department, verbose_name="部门", on_delete=models.PROTECT, related_name="urges"
    )
    message = models.TextField("催办内容")
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name="催办人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("催办时间", auto_now_add=True)
    emailed_to = models.TextField("已发送邮箱", blank=True)

    class Meta:
        db_table = "tasks_urge"
        verbose_name = "催办"
        verbose_name_plural = "催办"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.period} {self.department}"


class ReminderKind(models.TextChoices):
    BEFORE_DEADLINE = "before", "截止前提醒"
    OVERDUE = "overdue", "逾期通知"


class Reminder(models.Model):
    """A reminder sent to a department for a period; at most one of each
    kind, so that the hourly command never sends one twice."""

    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name="填报期",
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    department = models.ForeignKey(
        Department, verbose_name="部门", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField("类型", max_length=16, choices=ReminderKind.choices)
    pending_count = models.PositiveSmallIntegerField("未报送数")
    sent_to = models.TextField("收件人", blank=True)
    sent_at = models.DateTimeField("发送时间", auto_now_add=True)

    class Meta:
        db_table = "tasks_reminder"
        verbose_name = "提醒"
        verbose_name_plural = "提醒"
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "department", "kind"], name="reminder_once_per_kind"
            )
        ]

    def __str__(self):
        return f"{self.period} {self.department} {self.get_kind_display()}"
