"""全年考核: a year's scheme (考核方案) of weighted indicators, the
assessment run on it, one score sheet per department with a score per
indicator that keeps its working, the reviewer's manual items and the
departments' objections (申诉).

The assessment moves along the graph in ``assessment.workflow``. A score
is never a bare number: ``Score.working`` holds the formula and the inputs
it was computed from (``assessment.indicators.ScoreResult.as_working``).
"""

from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from bulletins.models import RenderedFiles, RenderStatus
from tasks.models import Department


class Scheme(models.Model):
    """考核方案 of one year, frozen once its assessment starts."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    title = models.CharField("名称", max_length=200)
    frozen_at = models.DateTimeField("冻结时间", null=True, blank=True)
    excellent_min = models.DecimalField(
        "优秀最低分", max_digits=6, decimal_places=2, default=Decimal("90")
    )
    good_min = models.DecimalField(
        "良好最低分", max_digits=6, decimal_places=2, default=Decimal("85")
    )
    fair_min = models.DecimalField(
        "一般最低分",
        max_digits=6,
        decimal_places=2,
        default=Decimal("70"),
        help_text="低于此分为较差",
    )
    excellent_quota = models.PositiveSmallIntegerField(
        "优秀比例上限(%)",
        default=30,
        validators=[MaxValueValidator(100)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(excellent_quota__lte=100),
                name="scheme_quota_percentage",
                violation_error_message="优秀比例上限须在0–100之间。",
            ),
            models.CheckConstraint(
                condition=Q(excellent_min__gte=models.F("good_min"))
                & Q(good_min__gte=models.F("fair_min")),
                name="scheme_grade_minimums_ordered",
                violation_error_message="等次最低分须为优秀 ≥ 良好 ≥ 一般。",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("assessment:scheme-detail", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class IndicatorKind(models.TextChoices):
    DISCIPLINE = "discipline", "报送纪律"
    PROGRESS = "progress", "任务进度"
    TARGETS = "targets", "目标完成"
    RECTIFICATION = "rectification", "督导整改"
    URGES = "urges", "催办扣分"
    RED_LIGHTS = "red_lights", "通报红灯扣分"
    BONUS = "bonus", "加分"
    PENALTY = "penalty", "扣分"
    SPECIAL = "special", "专项指标"


# Kinds whose points come from the reviewer's ManualItem rows rather than
# from the year's data.
MANUAL_KINDS = (IndicatorKind.BONUS, IndicatorKind.PENALTY, IndicatorKind.SPECIAL)
# Kinds that only take points off.
DEDUCTION_KINDS = (IndicatorKind.URGES, IndicatorKind.RED_LIGHTS, IndicatorKind.PENALTY)


class Indicator(models.Model):
    """One weighted line of a scheme. ``params`` holds the kind's
    parameters, e.g. discipline ``{"late": 1, "missing": 2,
    "returned": 0.5}`` (points off per report), urges ``{"each": 0.5}``,
    red lights ``{"each": 1}``, bonus ``{"cap": 5}``."""

    scheme = models.ForeignKey(
        Scheme,
        verbose_name="考核方案",
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    position = models.PositiveSmallIntegerField("序号", default=1)
    name = models.CharField("指标名称", max_length=200)
    kind = models.CharField("指标类型", max_length=16, choices=IndicatorKind.choices)
    weight = models.DecimalField(
        "分值",
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        help_text="满分;扣分类为扣分上限,加分类为加分上限",
    )
    params = models.JSONField("参数", default=dict, blank=True)
    lead_share = models.PositiveSmallIntegerField(
        "牵头任务占比(%)",
        default=70,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="任务进度中牵头任务所占分值比例,其余为配合任务",
    )

    class Meta:
        verbose_name = "考核指标"
        verbose_name_plural = "考核指标"
        ordering = ["scheme", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(lead_share__lte=100),
                name="indicator_lead_share_percentage",
                violation_error_message="牵头任务占比须在0–100之间。",
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0),
                name="indicator_weight_not_negative",
                violation_error_message="分值不能为负数。",
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.name}"

    @property
    def is_manual(self) -> bool:
        return self.kind in MANUAL_KINDS


class AssessmentState(models.TextChoices):
    DRAFT = "draft", "草稿"
    REVIEW = "review", "复核期"
    FINAL = "final", "已定稿"
    ISSUED = "issued", "已印发"


class Assessment(models.Model):
    """The year's assessment run on its scheme (one per scheme)."""

    scheme = models.OneToOneField(
        Scheme,
        verbose_name="考核方案",
        on_delete=models.PROTECT,
        related_name="assessment",
    )
    state = models.CharField(
        "状态",
        max_length=16,
        choices=AssessmentState.choices,
        default=AssessmentState.DRAFT,
    )
    review_ends_on = models.DateField("复核截止日期", null=True, blank=True)
    started_at = models.DateTimeField("启动时间", null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="启动人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    finalised_at = models.DateTimeField("定稿时间", null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="定稿人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_at = models.DateTimeField("印发时间", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="印发人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "年度考核"
        verbose_name_plural = "年度考核"
        ordering = ["-scheme__year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(version__gte=1),
                name="assessment_version_positive",
            ),
        ]

    def __str__(self):
        return f"{self.scheme.year}年度考核"

    def get_absolute_url(self):
        return reverse("assessment:assessment-detail", args=[self.pk])

    @property
    def year(self) -> int:
        return self.scheme.year


class AssessmentCorrection(models.Model):
    """A correction after issue: the assessment's new version and why."""

    assessment = models.ForeignKey(
        Assessment,
        verbose_name="年度考核",
        on_delete=models.CASCADE,
        related_name="corrections",
    )
    version = models.PositiveIntegerField("版本")
    reason = models.TextField("更正理由")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="更正人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField("更正时间", auto_now_add=True)

    class Meta:
        verbose_name = "考核更正"
        verbose_name_plural = "考核更正"
        ordering = ["assessment", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "version"], name="correction_unique_version"
            ),
        ]

    def __str__(self):
        return f"{self.assessment} 第{self.version}版"


class Grade(models.TextChoices):
    EXCELLENT = "优秀", "优秀"
    GOOD = "良好", "良好"
    FAIR = "一般", "一般"
    POOR = "较差", "较差"


class ScoreSheet(models.Model):
    """One department's scores in an assessment."""

    assessment = models.ForeignKey(
        Assessment,
        verbose_name="年度考核",
        on_delete=models.CASCADE,
        related_name="sheets",
    )
    department = models.ForeignKey(
        Department,
        verbose_name="被考核单位",
        on_delete=models.PROTECT,
        related_name="score_sheets",
    )
    total = models.DecimalField(
        "总分", max_digits=7, decimal_places=2, default=Decimal("0")
    )
    rank = models.PositiveSmallIntegerField("名次", null=True, blank=True)
    grade = models.CharField("等次", max_length=4, choices=Grade.choices, blank=True)
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)

    class Meta:
        verbose_name = "考核得分表"
        verbose_name_plural = "考核得分表"
        ordering = ["assessment", "department__sort_order", "department__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "department"], name="sheet_unique_department"
            ),
        ]

    def __str__(self):
        return f"{self.assessment} {self.department}"

    def get_absolute_url(self):
        return reverse("assessment:sheet-detail", args=[self.pk])


class Score(models.Model):
    """The points of one indicator on one sheet, with their working:
    ``{"points", "max_points", "formula", "inputs": [{"label", "value",
    "url"}]}``."""

    sheet = models.ForeignKey(
        ScoreSheet,
        verbose_name="得分表",
        on_delete=models.CASCADE,
        related_name="scores",
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name="考核指标", on_delete=models.PROTECT, related_name="+"
    )
    points = models.DecimalField(
        "得分", max_digits=7, decimal_places=2, default=Decimal("0")
    )
    working = models.JSONField("计算过程", default=dict, blank=True)

    class Meta:
        verbose_name = "指标得分"
        verbose_name_plural = "指标得分"
        ordering = ["sheet", "indicator__position", "indicator__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "indicator"], name="score_unique_indicator"
            ),
        ]

    def __str__(self):
        return f"{self.sheet} {self.indicator.name}:{self.points}"


class AttachedFile(models.Model):
    """An optional file stored outside the web root like dispatch's
    evidence (the same checks, a random name), served only through a view
    that checks who may see it."""

    file = models.FileField("附件", upload_to="assessment/%Y/%m/", blank=True)
    original_name = models.CharField("原文件名", max_length=255, blank=True)
    content_type = models.CharField("文件类型", max_length=100, blank=True)
    size = models.PositiveIntegerField("大小(字节)", null=True, blank=True)
    sha256 = models.CharField("摘要", max_length=64, blank=True)

    class Meta:
        abstract = True

    @property
    def has_file(self) -> bool:
        return bool(self.file)


class ManualItem(AttachedFile):
    """A 加分/扣分 item or a special indicator's value entered by the
    reviewer, with its reason, source and evidence."""

    assessment = models.ForeignKey(
        Assessment,
        verbose_name="年度考核",
        on_delete=models.CASCADE,
        related_name="manual_items",
    )
    department = models.ForeignKey(
        Department, verbose_name="单位", on_delete=models.PROTECT, related_name="+"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name="考核指标", on_delete=models.PROTECT, related_name="+"
    )
    points = models.DecimalField(
        "分值或数值",
        max_digits=9,
        decimal_places=2,
        help_text="加分、扣分为分数;专项指标为数值(如就业率%)",
    )
    reason = models.TextField("事由")
    source = models.CharField("数据来源", max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "加减分及专项录入"
        verbose_name_plural = "加减分及专项录入"
        ordering = ["assessment", "department", "indicator", "pk"]

    def __str__(self):
        return f"{self.department} {self.indicator.name} {self.points}"

    def get_absolute_url(self):
        return reverse("assessment:manual-item-file", args=[self.pk])


class ObjectionState(models.TextChoices):
    PENDING = "pending", "待答复"
    ACCEPTED = "accepted", "已采纳"
    REJECTED = "rejected", "不予采纳"


class Objection(AttachedFile):
    """申诉: a department's objection to one indicator of its sheet."""

    sheet = models.ForeignKey(
        ScoreSheet,
        verbose_name="得分表",
        on_delete=models.CASCADE,
        related_name="objections",
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name="考核指标", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField("申诉理由")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申诉人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    raised_at = models.DateTimeField("申诉时间", auto_now_add=True)
    state = models.CharField(
        "状态",
        max_length=16,
        choices=ObjectionState.choices,
        default=ObjectionState.PENDING,
    )
    answer = models.TextField("答复意见", blank=True)
    corrected_points = models.DecimalField(
        "更正后得分", max_digits=7, decimal_places=2, null=True, blank=True
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = "申诉"
        verbose_name_plural = "申诉"
        ordering = ["sheet", "raised_at", "pk"]
        constraints = [
            # An accepted objection carries its correction; no other does.
            models.CheckConstraint(
                condition=Q(state="accepted", corrected_points__isnull=False)
                | (~Q(state="accepted") & Q(corrected_points__isnull=True)),
                name="objection_correction_when_accepted",
            ),
        ]

    def __str__(self):
        return f"{self.sheet} {self.indicator.name} 申诉"

    def get_absolute_url(self):
        return reverse("assessment:sheet-detail", args=[self.sheet_id])


class ResultsFile(RenderedFiles):
    """The results 通报 of one version of an assessment (.docx and its
    PDF), rendered in the background (``assessment.jobs``). Files are kept
    under MEDIA_ROOT/assessment/results, served only through a view that
    checks who may see them; the fields hold their names there. The state
    it was rendered in is kept: what a department downloads must be the
    document as issued, not a copy made before issue."""

    assessment = models.ForeignKey(
        Assessment,
        verbose_name="年度考核",
        on_delete=models.CASCADE,
        related_name="results_files",
    )
    version = models.PositiveIntegerField("版本")
    rendered_state = models.CharField(
        "生成时状态", max_length=16, choices=AssessmentState.choices
    )
    number_text = models.CharField("发文字号", max_length=100, blank=True)

    class Meta:
        verbose_name = "考核结果文件"
        verbose_name_plural = "考核结果文件"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return (
            f"{self.assessment} 第{self.version}版结果文件({self.get_status_display()})"
        )

    @property
    def is_finished(self) -> bool:
        return self.status in (RenderStatus.DONE, RenderStatus.FAILED)

    def path(self, kind: str) -> Path:
        """Where the rendered file of ``kind`` (docx, pdf) is kept."""
        return (
            Path(settings.MEDIA_ROOT) / "assessment" / "results" / getattr(self, kind)
        )
