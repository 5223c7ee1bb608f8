"""激励奖励: the policy's awards (items 8, 9, 15, 18, 19 and 20), from the
rule to the payment.

- ``AwardRule`` is the amounts table, one row per award kind and level
  with the dates it is in force; an application takes the rule in force on
  the day it was filed, so a later change never touches it.
- ``KeyEnterprise`` is the registry of key industry-chain enterprises that
  decides the +10%.
- ``Application`` holds the person (or enterprise), the certificate, the
  employer, the contract and the social insurance, moving along the graph
  in ``incentives.workflow``; each move is an ``ApplicationTransition``.
  ID, phone and card numbers are stored encrypted (``incentives.crypto``)
  with their masked form beside them, and the ID number's keyed hash for
  the duplicate checks.
- ``FactCheck`` is what another system said of a fact (the national
  certificate query system, the social-insurance system), with its source
  and date.
- ``Publicity`` (公示) lists approved candidates for at least five working
  days (``Holiday`` keeps the calendar); an ``Objection`` stops its
  application until resolved.
- ``Share`` is what one finance bears of an application's amount;
  ``PaymentBatch`` and ``PaymentLine`` pay shares, never one twice;
  ``Budget`` is a finance's money for a year.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from targets.models import Target
from tasks.models import Department


class AwardKind(models.TextChoices):
    EMPLOYMENT = "employment", "就业奖励"
    STARTUP = "startup", "创业奖励"
    UPSKILL = "upskill", "技能提升奖励"
    COMPETITION = "competition", "技能竞赛选手奖励"
    COACH = "coach", "技能竞赛专家教练团队奖励"
    GRAND = "grand", "中华技能大奖奖励"
    TRAINING_CENTRE = "training_centre", "企业职工培训中心建设补助"
    TRAINING_INSTITUTION = "training_institution", "培训机构建设补助"
    JOINT_SCHOOLING = "joint_schooling", "校企联合办学企业奖励"


# Awards to a person (ID number, phone, card) and to an organisation.
PERSONAL_KINDS = frozenset(
    {
        AwardKind.EMPLOYMENT,
        AwardKind.STARTUP,
        AwardKind.UPSKILL,
        AwardKind.COMPETITION,
        AwardKind.GRAND,
    }
)
# Item 19's three awards: per person and once, by certificate level.
CERTIFICATE_KINDS = frozenset(
    {AwardKind.EMPLOYMENT, AwardKind.STARTUP, AwardKind.UPSKILL}
)


class Level(models.TextChoices):
    """Certificate levels of item 19, highest first; a medal for item 15."""

    CHIEF = "chief", "首席技师"
    SPECIAL = "special", "特级技师"
    ONE = "1", "高级技师(一级)"
    TWO = "2", "技师(二级)"
    THREE = "3", "高级工(三级)"
    GOLD = "gold", "金牌"
    SILVER = "silver", "银牌"
    BRONZE = "bronze", "铜牌"


# Higher number, higher level (a lower level after a higher one was paid is
# refused).
LEVEL_RANK = {
    Level.CHIEF: 5,
    Level.SPECIAL: 4,
    Level.ONE: 3,
    Level.TWO: 2,
    Level.THREE: 1,
}


class AmountBasis(models.TextChoices):
    FIXED = "fixed", "定额"
    PRIZE_MATCH = "prize_match", "比照赛事奖金等额配套"
    OFFICE = "office", "按规定核定"


class Funding(models.TextChoices):
    BENEFICIARY = "beneficiary", "受益财政负担"
    PROVINCE_FUND = "province_fund", "省就业补助资金统筹"
    SPLIT = "split", "市本级与受益财政按比例负担"


class AwardRule(models.Model):
    """One line of the amounts table: an award kind at a level, the amount
    (blank where the policy leaves it to the office: "另按有关规定执行",
    "按规定"), the key-chain uplift, who bears it, and the dates."""

    kind = models.CharField("奖励类别", max_length=24, choices=AwardKind.choices)
    level = models.CharField(
        "等级", max_length=8, choices=Level.choices, blank=True, default=""
    )
    basis = models.CharField(
        "金额依据", max_length=16, choices=AmountBasis.choices, default="fixed"
    )
    amount = models.DecimalField(
        "标准(元/人)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="空白表示“另按有关规定执行”,由人社局设定后方可复审通过。",
    )
    uplift_percent = models.DecimalField(
        "重点产业链企业上浮(%)", max_digits=5, decimal_places=2, default=Decimal(0)
    )
    funding = models.CharField(
        "资金负担", max_length=16, choices=Funding.choices, default="beneficiary"
    )
    city_share_percent = models.DecimalField(
        "市本级负担比例(%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        help_text="按比例负担时市本级所占比例,如校企联合办学奖励 2:8 为 20。",
    )
    effective_from = models.DateField("起始日期")
    effective_to = models.DateField("截止日期", null=True, blank=True)
    source_item = models.PositiveSmallIntegerField("政策条目")
    source_text = models.TextField("政策原文")
    manual_review = models.BooleanField(
        "须人工审核", default=False, help_text="如特级技师、首席技师"
    )

    class Meta:
        verbose_name = "奖励标准"
        verbose_name_plural = "奖励标准"
        ordering = ["kind", "level", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "level", "effective_from"],
                name="award_rule_once_per_day",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="award_rule_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="award_rule_dates_in_order",
            ),
        ]

    def __str__(self):
        level = f" {self.get_level_display()}" if self.level else ""
        return f"{self.get_kind_display()}{level}(自{self.effective_from})"


class FinanceKind(models.TextChoices):
    CITY = "city", "市本级财政"
    AREA = "area", "区(市)财政"
    PROVINCE = "province", "省级资金"


class Finance(models.Model):
    """A bearing finance (受益财政): 市本级, a 区(市) or a provincial fund."""

    name = models.CharField("名称", max_length=100, unique=True)
    kind = models.CharField("类别", max_length=16, choices=FinanceKind.choices)
    area = models.OneToOneField(
        Department,
        verbose_name="所属区(市)",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="finance",
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=100)

    class Meta:
        verbose_name = "负担财政"
        verbose_name_plural = "负担财政"
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class Budget(models.Model):
    finance = models.ForeignKey(
        Finance,
        verbose_name="负担财政",
        on_delete=models.PROTECT,
        related_name="budgets",
    )
    year = models.PositiveSmallIntegerField("年度")
    amount = models.DecimalField("预算(元)", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "奖励资金预算"
        verbose_name_plural = "奖励资金预算"
        ordering = ["year", "finance"]
        constraints = [
            models.UniqueConstraint(fields=["finance", "year"], name="budget_once"),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="budget_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.finance} {self.year}年"


class IndustryChain(models.Model):
    name = models.CharField("产业链", max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)

    class Meta:
        verbose_name = "重点产业链"
        verbose_name_plural = "重点产业链"
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class KeyEnterprise(models.Model):
    """An enterprise of a key industry chain, by its 统一社会信用代码, for
    the dates it is listed."""

    name = models.CharField("企业名称", max_length=200)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    chain = models.ForeignKey(
        IndustryChain,
        verbose_name="产业链",
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    area = models.ForeignKey(
        Department,
        verbose_name="所在区(市)",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    listed_from = models.DateField("列入日期")
    listed_to = models.DateField("移出日期", null=True, blank=True)

    class Meta:
        verbose_name = "重点产业链企业"
        verbose_name_plural = "重点产业链企业"
        ordering = ["chain", "name"]

    def __str__(self):
        return self.name


class Holiday(models.Model):
    """A day of the calendar that is not what its weekday says: a public
    holiday (放假) on a weekday, or a weekend day worked (调休上班)."""

    date = models.DateField("日期", unique=True)
    name = models.CharField("名称", max_length=50)
    is_workday = models.BooleanField(
        "调休上班", default=False, help_text="勾选表示该日虽为周末但上班"
    )

    class Meta:
        verbose_name = "节假日"
        verbose_name_plural = "节假日"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"


class ApplicationState(models.TextChoices):
    DRAFT = "draft", "待提交"
    FIRST_REVIEW = "first_review", "待初审"
    SECOND_REVIEW = "second_review", "待复审"
    READY = "ready", "待公示"
    PUBLICITY = "publicity", "公示中"
    APPROVED = "approved", "已通过"
    PAID = "paid", "已发放"
    RETURNED = "returned", "已退回"
    REFUSED = "refused", "不予奖励"


class CertificateKind(models.TextChoices):
    QUALIFICATION = "qualification", "职业资格证书"
    SKILL_LEVEL = "skill_level", "职业技能等级证书"
    SPECIAL_ABILITY = "special_ability", "专项职业能力证书"
    SPECIAL_OPERATION = "special_operation", "特种作业操作证书"


class Source(models.TextChoices):
    SINGLE = "single", "逐个录入"
    BATCH = "batch", "单位批量申报"


class Application(models.Model):
    number = models.CharField("申请编号", max_length=20, unique=True)
    kind = models.CharField("奖励类别", max_length=24, choices=AwardKind.choices)
    level = models.CharField(
        "等级", max_length=8, choices=Level.choices, blank=True, default=""
    )
    state = models.CharField(
        "状态",
        max_length=16,
        choices=ApplicationState.choices,
        default=ApplicationState.DRAFT,
    )
    version = models.PositiveIntegerField("版本", default=1)
    source = models.CharField(
        "来源", max_length=8, choices=Source.choices, default=Source.SINGLE
    )
    filed_on = models.DateField("申请日期")
    area = models.ForeignKey(
        Department,
        verbose_name="所属区(市)",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="就业或注册所在区(市);空白为市本级",
    )
    finance = models.ForeignKey(
        Finance,
        verbose_name="负担财政",
        on_delete=models.PROTECT,
        related_name="applications",
    )
    # The person, or for an enterprise award the enterprise.
    name = models.CharField("姓名/单位名称", max_length=100)
    id_number_encrypted = models.TextField("身份证号(密文)", blank=True)
    id_number_masked = models.CharField("身份证号", max_length=18, blank=True)
    id_number_hash = models.CharField(
        "身份证号摘要", max_length=64, blank=True, db_index=True
    )
    phone_encrypted = models.TextField("手机号(密文)", blank=True)
    phone_masked = models.CharField("手机号", max_length=11, blank=True)
    card_encrypted = models.TextField("社保卡/银行卡号(密文)", blank=True)
    card_masked = models.CharField("社保卡/银行卡号", max_length=32, blank=True)
    card_bank = models.CharField("开户银行", max_length=50, blank=True)
    # The certificate.
    certificate_number = models.CharField(
        "证书编号", max_length=50, blank=True, db_index=True
    )
    certificate_kind = models.CharField(
        "证书类别", max_length=20, choices=CertificateKind.choices, blank=True
    )
    occupation = models.CharField("职业(工种)", max_length=100, blank=True)
    certificate_date = models.DateField("发证日期", null=True, blank=True)
    # The employer, or the business licence (创业).
    employer_name = models.CharField("用人单位", max_length=200, blank=True)
    employer_credit_code = models.CharField(
        "统一社会信用代码", max_length=18, blank=True
    )
    key_enterprise = models.ForeignKey(
        KeyEnterprise,
        verbose_name="重点产业链企业",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    contract_start = models.DateField("劳动合同起始", null=True, blank=True)
    contract_end = models.DateField(
        "劳动合同终止", null=True, blank=True, help_text="空白为无固定期限"
    )
    licence_number = models.CharField("营业执照号", max_length=50, blank=True)
    licence_date = models.DateField("营业执照登记日期", null=True, blank=True)
    insurance_first_month = models.DateField(
        "首次在鹰参保月份", null=True, blank=True, help_text="取该月1日"
    )
    insurance_months = models.PositiveSmallIntegerField(
        "在鹰连续缴纳社保月数", null=True, blank=True
    )
    fresh_graduate = models.BooleanField("职业院校应届毕业生", default=False)
    # Item 15 and 20.
    competition = models.CharField("赛事名称", max_length=200, blank=True)
    competition_grade = models.CharField(
        "赛事级别", max_length=50, blank=True, help_text="如 省级一类、国家级一类"
    )
    prize_amount = models.DecimalField(
        "赛事奖金(元)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    # Items 8, 9 and 18: set by the office ("按规定").
    assessed_amount = models.DecimalField(
        "核定金额(元)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    special_funds = models.DecimalField(
        "省、市专项资金负担(元)",
        max_digits=14,
        decimal_places=2,
        default=Decimal(0),
    )
    # Computed from the rule in force on filed_on (never typed).
    rule = models.ForeignKey(
        AwardRule,
        verbose_name="适用标准",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    amount = models.DecimalField(
        "奖励金额(元)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    needs_manual_review = models.BooleanField("须人工审核", default=False)
    publicity = models.ForeignKey(
        "Publicity",
        verbose_name="公示",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    note = models.TextField("备注", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "奖励申请"
        verbose_name_plural = "奖励申请"
        ordering = ["-filed_on", "-pk"]
        indexes = [
            models.Index(fields=["state", "area"], name="application_state_area"),
            models.Index(fields=["kind", "id_number_hash"], name="application_person"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="application_amount_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("incentives:application-detail", args=[self.pk])

    @property
    def is_personal(self) -> bool:
        return self.kind in PERSONAL_KINDS


class ApplicationTransition(models.Model):
    application = models.ForeignKey(
        Application,
        verbose_name="奖励申请",
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    action = models.CharField("操作", max_length=20)
    from_state = models.CharField(
        "原状态", max_length=16, choices=ApplicationState.choices
    )
    to_state = models.CharField(
        "新状态", max_length=16, choices=ApplicationState.choices
    )
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
        verbose_name = "申请流转记录"
        verbose_name_plural = "申请流转记录"
        ordering = ["application", "at", "pk"]

    def __str__(self):
        return f"{self.application}: {self.from_state}→{self.to_state}"


class Fact(models.TextChoices):
    CERTIFICATE = "certificate", "证书核验"
    INSURANCE = "insurance", "社保缴费核验"
    LICENCE = "licence", "营业执照核验"


class FactResult(models.TextChoices):
    CONFIRMED = "confirmed", "一致"
    MISMATCH = "mismatch", "不一致"
    NOT_FOUND = "not_found", "查无记录"


class FactCheck(models.Model):
    """What another system said of one fact of an application. The latest
    check of each fact counts."""

    application = models.ForeignKey(
        Application,
        verbose_name="奖励申请",
        on_delete=models.CASCADE,
        related_name="fact_checks",
    )
    fact = models.CharField("核验事项", max_length=16, choices=Fact.choices)
    result = models.CharField("核验结果", max_length=16, choices=FactResult.choices)
    source = models.CharField(
        "数据来源", max_length=100, help_text="如 全国职业资格证书查询系统"
    )
    checked_on = models.DateField("核验日期")
    detail = models.TextField("核验说明", blank=True)
    # What the source gave for the social insurance, when it gave it.
    insurance_first_month = models.DateField("首次参保月份", null=True, blank=True)
    insurance_months = models.PositiveSmallIntegerField(
        "连续缴费月数", null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "核验记录"
        verbose_name_plural = "核验记录"
        ordering = ["application", "fact", "-checked_on", "-pk"]

    def __str__(self):
        return (
            f"{self.application} {self.get_fact_display()} {self.get_result_display()}"
        )


class Publicity(models.Model):
    """公示: a list of candidates shown for ``working_days`` working days
    from ``starts_on`` to ``ends_on`` (both counted)."""

    class State(models.TextChoices):
        OPEN = "open", "公示中"
        CLOSED = "closed", "已结束"

    title = models.CharField("公示标题", max_length=200)
    starts_on = models.DateField("公示开始")
    ends_on = models.DateField("公示结束")
    working_days = models.PositiveSmallIntegerField("公示工作日数", default=5)
    contact = models.CharField(
        "异议受理", max_length=200, blank=True, help_text="受理单位与联系电话"
    )
    state = models.CharField(
        "状态", max_length=8, choices=State.choices, default=State.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("发布时间", auto_now_add=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "公示"
        verbose_name_plural = "公示"
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(working_days__gte=5), name="publicity_five_working_days"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="publicity_dates_in_order",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("incentives:publicity-detail", args=[self.pk])


class Objection(models.Model):
    class Outcome(models.TextChoices):
        UPHELD = "upheld", "异议成立,不予奖励"
        DISMISSED = "dismissed", "异议不成立"

    application = models.ForeignKey(
        Application,
        verbose_name="奖励申请",
        on_delete=models.CASCADE,
        related_name="objections",
    )
    publicity = models.ForeignKey(
        Publicity,
        verbose_name="公示",
        on_delete=models.PROTECT,
        related_name="objections",
    )
    received_on = models.DateField("收到日期")
    content = models.TextField("异议内容")
    raised_by = models.CharField("反映人", max_length=100, blank=True)
    outcome = models.CharField(
        "核查结论", max_length=16, choices=Outcome.choices, blank=True
    )
    resolution = models.TextField("核查情况", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="核查人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField("核查时间", null=True, blank=True)

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering = ["received_on", "pk"]

    def __str__(self):
        return f"{self.application} 异议"


class Share(models.Model):
    """What one finance bears of an application's amount."""

    application = models.ForeignKey(
        Application,
        verbose_name="奖励申请",
        on_delete=models.PROTECT,
        related_name="shares",
    )
    finance = models.ForeignKey(
        Finance,
        verbose_name="负担财政",
        on_delete=models.PROTECT,
        related_name="shares",
    )
    amount = models.DecimalField("金额(元)", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "资金负担"
        verbose_name_plural = "资金负担"
        ordering = ["application", "finance"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "finance"], name="share_once_per_finance"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="share_amount_positive"
            ),
        ]

    def __str__(self):
        return f"{self.application} {self.finance} {self.amount}"


class PaymentBatch(models.Model):
    """A transfer file for one finance and month."""

    class State(models.TextChoices):
        OPEN = "open", "待导出"
        EXPORTED = "exported", "已导出,待回盘"
        SETTLED = "settled", "已回盘"

    finance = models.ForeignKey(
        Finance,
        verbose_name="负担财政",
        on_delete=models.PROTECT,
        related_name="batches",
    )
    month = models.DateField("发放月份", help_text="取该月1日")
    sequence = models.PositiveSmallIntegerField("批次", default=1)
    state = models.CharField(
        "状态", max_length=10, choices=State.choices, default=State.OPEN
    )
    total = models.DecimalField(
        "合计(元)", max_digits=14, decimal_places=2, default=Decimal(0)
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    exported_at = models.DateTimeField("导出时间", null=True, blank=True)
    settled_at = models.DateTimeField("回盘时间", null=True, blank=True)

    class Meta:
        verbose_name = "发放批次"
        verbose_name_plural = "发放批次"
        ordering = ["-month", "finance", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["finance", "month", "sequence"], name="batch_sequence_once"
            ),
        ]

    def __str__(self):
        return f"{self.finance} {self.month:%Y年%m月} 第{self.sequence}批"

    def get_absolute_url(self):
        return reverse("incentives:batch-detail", args=[self.pk])


class LineStatus(models.TextChoices):
    PENDING = "pending", "待发放"
    PAID = "paid", "已发放"
    FAILED = "failed", "发放失败"


class PaymentLine(models.Model):
    """One share in one batch. A share has at most one line pending or
    paid at a time (the database refuses a second): a failed line can be
    retried in a later batch, a paid one never again."""

    batch = models.ForeignKey(
        PaymentBatch,
        verbose_name="发放批次",
        on_delete=models.PROTECT,
        related_name="lines",
    )
    share = models.ForeignKey(
        Share, verbose_name="资金负担", on_delete=models.PROTECT, related_name="lines"
    )
    amount = models.DecimalField("金额(元)", max_digits=14, decimal_places=2)
    status = models.CharField(
        "状态", max_length=8, choices=LineStatus.choices, default=LineStatus.PENDING
    )
    failure_reason = models.CharField("失败原因", max_length=200, blank=True)
    settled_on = models.DateField("到账/退回日期", null=True, blank=True)

    class Meta:
        verbose_name = "发放明细"
        verbose_name_plural = "发放明细"
        ordering = ["batch", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["share"],
                condition=Q(status__in=["pending", "paid"]),
                name="payment_line_live_once",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="payment_line_amount_positive"
            ),
        ]

    def __str__(self):
        return f"{self.batch} {self.share.application}"


class TargetFeed(models.Model):
    """A target whose readings come from the awards paid: the number of
    people paid the chosen kinds, counted from ``counts_from``."""

    target = models.OneToOneField(
        Target,
        verbose_name="目标",
        on_delete=models.CASCADE,
        related_name="incentive_feed",
    )
    kinds = models.JSONField("计入的奖励类别", default=list)
    counts_from = models.DateField("起算日期")

    class Meta:
        verbose_name = "目标读数来源"
        verbose_name_plural = "目标读数来源"

    def __str__(self):
        return str(self.target)


class KeyCanary(models.Model):
    """A known text encrypted with the personal-data key when the first
    personal data was stored: a key that cannot read it back is the wrong
    key, and the portal stops instead of showing garbage."""

    token = models.TextField("校验密文")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "个人信息密钥校验"
        verbose_name_plural = "个人信息密钥校验"

    def __str__(self):
        return f"密钥校验 {self.created_at:%Y-%m-%d}"
