"""The policy's quantitative targets, their readings and planned path.

A target is first a candidate that the parser proposes from a sentence of
the policy; a person accepts, edits or rejects it. Readings are values of
an accepted target as of a date, from a report, an import or a reviewer.
"""

from django.db import models
from django.urls import reverse


def format_number(value) -> str:
    """230.00 → "230", 1.50 → "1.5"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class Comparator(models.TextChoices):
    AT_LEAST = "gte", "达到(≥)"
    ABOVE = "gt", "突破(>)"
    ABOUT = "about", "左右/余(≈)"
    # A ceiling (控制在5%以内, 不超过3%): met while the value stays at or
    # under it (targets.progress).
    AT_MOST = "lte", "不超过(≤)"


class TargetKind(models.TextChoices):
    CUMULATIVE = "cumulative", "累计数"
    ANNUAL = "annual", "年度规模"
    PERCENTAGE = "percentage", "比例"
    MILESTONE = "milestone", "里程碑"
    RELATIVE = "relative", "相对基数"
    RECURRING = "recurring", "周期性"


class ReviewStatus(models.TextChoices):
    PROPOSED = "proposed", "待确认"
    ACCEPTED = "accepted", "已确认"
    REJECTED = "rejected", "已否决"


class Target(models.Model):
    policy = models.ForeignKey(
        "tasks.Policy",
        verbose_name="政策文件",
        on_delete=models.CASCADE,
        related_name="targets",
    )
    key_task = models.ForeignKey(
        "tasks.KeyTask",
        verbose_name="重点任务",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
    )
    task = models.ForeignKey(
        "tasks.Task",
        verbose_name="工作要求",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
        help_text="空表示政策总体目标(发展目标)",
    )
    metric = models.CharField("指标", max_length=200)
    value = models.DecimalField("目标值", max_digits=14, decimal_places=2)
    unit = models.CharField("单位", max_length=16)
    comparator = models.CharField(
        "比较", max_length=8, choices=Comparator.choices, default=Comparator.AT_LEAST
    )
    aspirational = models.BooleanField("力争", default=False)
    kind = models.CharField("类型", max_length=16, choices=TargetKind.choices)
    deadline = models.DateField("期限")
    start_date = models.DateField(
        "起算日期", null=True, blank=True, help_text="空则为政策成文日期"
    )
    baseline = models.DecimalField(
        "基数", max_digits=14, decimal_places=2, null=True, blank=True
    )
    start_value = models.DecimalField(
        "起点值",
        max_digits=14,
        decimal_places=2,
        default=0,
        help_text="政策起始时的值,进度按起点值到目标值计算",
    )
    note = models.CharField("说明", max_length=300, blank=True)
    source_text = models.TextField("原文")
    source_ref = models.CharField("出处", max_length=100)
    fingerprint = models.CharField("识别码", max_length=64)
    review_status = models.CharField(
        "确认状态",
        max_length=16,
        choices=ReviewStatus.choices,
        default=ReviewStatus.PROPOSED,
    )
    reviewed_by = models.ForeignKey(
        "accounts.User",
        verbose_name="确认人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("确认时间", null=True, blank=True)
    position = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "目标"
        verbose_name_plural = "目标"
        ordering = ["policy", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "fingerprint"], name="target_unique_fingerprint"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="target_value_not_negative"
            ),
            models.CheckConstraint(
                condition=~models.Q(unit="%") | models.Q(value__lte=100),
                name="target_percentage_at_most_100",
            ),
        ]
        indexes = [models.Index(fields=["review_status", "policy"])]

    def __str__(self):
        return f"{self.metric} {self.get_comparator_display()} {self.value_display}"

    def get_absolute_url(self):
        return reverse("targets:target-detail", args=[self.pk])

    @property
    def value_display(self) -> str:
        return f"{format_number(self.value)}{self.unit}"


class ReadingSource(models.TextChoices):
    REPORT = "report", "月度报告"
    IMPORT = "import", "导入"
    REVIEWER = "reviewer", "审核员录入"


class Reading(models.Model):
    """A target's value as of a date: an as-of total for a cumulative
    target, the year's value for an annual one."""

    target = models.ForeignKey(
        Target, verbose_name="目标", on_delete=models.CASCADE, related_name="readings"
    )
    value = models.DecimalField("数值", max_digits=14, decimal_places=2)
    as_of = models.DateField("截至日期")
    source = models.CharField("来源", max_length=16, choices=ReadingSource.choices)
    # The report a department gave the value in. A string reference, not an
    # import: targets sit below the monthly loop, which imports them.
    report = models.ForeignKey(
        "dispatch.ProgressReport",
        verbose_name="来源报告",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="readings",
    )
    note = models.CharField("说明", max_length=200, blank=True)
    entered_by = models.ForeignKey(
        "accounts.User",
        verbose_name="录入人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "目标读数"
        verbose_name_plural = "目标读数"
        ordering = ["target", "as_of", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="reading_not_negative"
            ),
            models.UniqueConstraint(
                fields=["target", "report"],
                condition=models.Q(report__isnull=False),
                name="reading_once_per_report",
            ),
        ]
        indexes = [models.Index(fields=["target", "as_of"])]

    def __str__(self):
        return f"{self.target.metric} {self.as_of}:{self.value}"


class PlanPoint(models.Model):
    """Where a target should stand by a date, for a plan that is not a
    straight line from the start to the deadline."""

    target = models.ForeignKey(
        Target, verbose_name="目标", on_delete=models.CASCADE, related_name="plan"
    )
    as_of = models.DateField("日期")
    value = models.DecimalField("计划值", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "计划节点"
        verbose_name_plural = "计划节点"
        ordering = ["target", "as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "as_of"], name="plan_point_unique_date"
            )
        ]

    def __str__(self):
        return f"{self.target.metric} {self.as_of}:{self.value}"
