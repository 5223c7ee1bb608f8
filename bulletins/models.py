"""季通报: bulletins on the plan's progress over a range of months, their
frozen versions, who they were sent to, and the jobs that render them.

A bulletin's numbers live in its versions (``BulletinVersion.figures``, the
snapshot of ``bulletins.selectors.figures``), never recomputed on display:
an issued version also freezes the words (``text``), so later edits of the
quarter's reports, or of the draft, do not change what was sent.
"""

from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from tasks.models import Department, Policy


class BulletinKind(models.Model):
    """A type of bulletin with its own light rule and 发文字号 prefix:
    the 季度通报, or the monthly 调度通报 over one month."""

    name = models.CharField("名称", max_length=50, unique=True)
    yellow_below = models.PositiveSmallIntegerField(
        "黄灯幅度(百分点)",
        default=20,
        help_text="低于序时进度不超过此数为黄灯,超过为红灯。",
    )
    stale_months = models.PositiveSmallIntegerField(
        "无审核通过报告的月数(红灯)", default=2
    )
    number_prefix = models.CharField("发文字号前缀", max_length=20)
    issuer = models.CharField("发文机关", max_length=100)
    recipients = models.CharField("主送", max_length=200, default="各责任单位:")
    copy_to = models.CharField("抄送", max_length=300, blank=True)
    printed_by = models.CharField("印发机关", max_length=100, blank=True)
    months = models.PositiveSmallIntegerField("默认月数", default=3)

    class Meta:
        verbose_name = "通报类型"
        verbose_name_plural = "通报类型"
        ordering = ["-months", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(yellow_below__lte=100), name="bulletinkind_yellow_valid"
            ),
            models.CheckConstraint(
                condition=Q(stale_months__gte=1), name="bulletinkind_stale_valid"
            ),
        ]

    def __str__(self):
        return self.name


class BulletinState(models.TextChoices):
    DRAFT = "draft", "草稿"
    ISSUED = "issued", "已签发"


class Bulletin(models.Model):
    policy = models.ForeignKey(
        Policy, verbose_name="政策文件", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.ForeignKey(
        BulletinKind,
        verbose_name="通报类型",
        on_delete=models.PROTECT,
        related_name="bulletins",
    )
    first_year = models.PositiveSmallIntegerField("起始年份")
    first_month = models.PositiveSmallIntegerField("起始月份")
    last_year = models.PositiveSmallIntegerField("截止年份")
    last_month = models.PositiveSmallIntegerField("截止月份")
    title = models.CharField("标题", max_length=200)
    number = models.CharField("发文字号", max_length=50, blank=True)
    issuer = models.CharField("发文机关", max_length=100)
    recipients = models.CharField("主送", max_length=200)
    copy_to = models.CharField("抄送", max_length=300, blank=True)
    printed_by = models.CharField("印发机关", max_length=100, blank=True)
    overview = models.TextField("总体情况", blank=True)
    problems = models.TextField("存在问题", blank=True)
    next_steps = models.TextField("下步工作", blank=True)
    state = models.CharField(
        "状态",
        max_length=16,
        choices=BulletinState.choices,
        default=BulletinState.DRAFT,
    )
    issued_at = models.DateTimeField("签发时间", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签发人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published = models.BooleanField("已公开", default=False)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "通报"
        verbose_name_plural = "通报"
        ordering = ["-last_year", "-last_month", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_month__gte=1, first_month__lte=12)
                & Q(last_month__gte=1, last_month__lte=12),
                name="bulletin_months_valid",
            ),
            # Two documents never share a 发文字号; a draft may not have one.
            models.UniqueConstraint(
                fields=["number"],
                condition=~Q(number=""),
                name="bulletin_unique_number",
            ),
            # Only an issued bulletin can be public.
            models.CheckConstraint(
                condition=Q(published=False) | Q(issued_at__isnull=False),
                name="bulletin_published_was_issued",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("bulletins:bulletin-detail", args=[self.pk])

    @property
    def first(self) -> tuple[int, int]:
        return (self.first_year, self.first_month)

    @property
    def last(self) -> tuple[int, int]:
        return (self.last_year, self.last_month)

    @property
    def is_draft(self) -> bool:
        return self.state == BulletinState.DRAFT


class BulletinVersion(models.Model):
    """One computation of a bulletin's figures; ``text`` is filled, and
    ``issued_at`` set, when this version is issued, and neither changes
    after."""

    bulletin = models.ForeignKey(
        Bulletin,
        verbose_name="通报",
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveSmallIntegerField("版本号")
    figures = models.JSONField("数据快照")
    text = models.JSONField("正文(签发时冻结)", null=True, blank=True)
    changes = models.JSONField("与上一版本的差异", default=dict, blank=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="生成人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_at = models.DateTimeField("签发时间", null=True, blank=True)

    class Meta:
        verbose_name = "通报版本"
        verbose_name_plural = "通报版本"
        ordering = ["bulletin", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["bulletin", "number"], name="bulletinversion_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(issued_at__isnull=True) | Q(text__isnull=False),
                name="bulletinversion_issued_has_text",
            ),
        ]

    def __str__(self):
        return f"{self.bulletin} 第{self.number}版"

    @property
    def is_issued(self) -> bool:
        return self.issued_at is not None


class BulletinDelivery(models.Model):
    """An issued bulletin sent to a responsible department: its portal
    notice, the addresses mailed, and when the department first read it."""

    bulletin = models.ForeignKey(
        Bulletin,
        verbose_name="通报",
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    department = models.ForeignKey(
        Department,
        verbose_name="部门",
        on_delete=models.PROTECT,
        related_name="bulletin_deliveries",
    )
    notified_at = models.DateTimeField("送达时间")
    emailed_to = models.TextField("邮件收件人", blank=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通报送达"
        verbose_name_plural = "通报送达"
        ordering = ["bulletin", "department__sort_order", "department__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["bulletin", "department"], name="bulletindelivery_unique"
            )
        ]

    def __str__(self):
        return f"{self.bulletin} → {self.department}"


class RenderStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


# The formats a job writes, with the download's content type.
DOCUMENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class RenderedFiles(models.Model):
    """What a background rendering of documents records, for the
    bulletin's jobs and the assessment's results: its state, when and by
    whom, and the names of the files written (under MEDIA_ROOT)."""

    status = models.CharField(
        "状态",
        max_length=16,
        choices=RenderStatus.choices,
        default=RenderStatus.QUEUED,
    )
    message = models.CharField("说明", max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    docx = models.CharField("Word 文件", max_length=200, blank=True)
    pdf = models.CharField("PDF 文件", max_length=200, blank=True)

    class Meta:
        abstract = True


class RenderJob(RenderedFiles):
    """The documents of a version, rendered in the background. Files are
    kept under MEDIA_ROOT/bulletins (never in static: only a permission
    checked view serves them); the fields hold their names there."""

    version = models.ForeignKey(
        BulletinVersion,
        verbose_name="通报版本",
        on_delete=models.CASCADE,
        related_name="render_jobs",
    )
    progress = models.PositiveSmallIntegerField("进度(%)", default=0)
    xlsx = models.CharField("Excel 文件", max_length=200, blank=True)

    class Meta:
        verbose_name = "通报文件生成任务"
        verbose_name_plural = "通报文件生成任务"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="renderjob_progress_valid"
            )
        ]

    def __str__(self):
        return f"{self.version} 文件生成({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (RenderStatus.DONE, RenderStatus.FAILED)

    def path(self, kind: str):
        """Where a rendered file of ``kind`` (docx, pdf, xlsx) is kept."""
        return Path(settings.MEDIA_ROOT) / "bulletins" / getattr(self, kind)
