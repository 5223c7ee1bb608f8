"""The audit trail (留痕): one row per change, sign-in, export or download.

Rows name their actor and object by snapshot, not by foreign key, so that
no change to a user or an object ever touches them. Each row carries the
hash of the row before it (``prev_hash``) and its own, an HMAC over its
fields under a key kept out of the database (``audit.signing``): a row
altered or removed breaks the chain, and a rewritten stretch does not
verify without the key. ``verify_audit`` checks both, and also the
checkpoints written outside the database (``audit.checkpoints``), which
show rows cut from the end.
"""

import datetime
import json

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone

from .signing import sign


class AuditAction(models.TextChoices):
    LOGIN = "auth.login", "登录"
    LOGIN_FAILED = "auth.login_failed", "登录失败"
    LOGOUT = "auth.logout", "退出登录"
    REPORT_SAVE = "report.save", "保存报告"
    REPORT_SUBMIT = "report.submit", "提交报告"
    REPORT_APPROVE = "report.approve", "审核通过"
    REPORT_RETURN = "report.return", "退回修改"
    REPORT_REOPEN = "report.reopen", "重新开放报告"
    REPORT_SIGN_OFF = "report.sign_off", "负责人签批"
    REPORT_DECLINE = "report.decline", "负责人退回"
    EVIDENCE_ADD = "evidence.add", "上传佐证材料"
    EVIDENCE_REMOVE = "evidence.remove", "删除佐证材料"
    EVIDENCE_DOWNLOAD = "evidence.download", "下载佐证材料"
    PERIOD_OPEN = "period.open", "开放填报期"
    PERIOD_CLOSE = "period.close", "关闭填报期"
    PERIOD_REOPEN = "period.reopen", "重新开放填报期"
    URGE_CREATE = "urge.create", "催办"
    IMPORT_ANNEX = "import.annex", "导入附件"
    IMPORT_POLICY = "import.policy", "导入政策正文"
    IMPORT_DOCUMENT = "import.document", "导入新政策(通用格式正文)"
    POLICY_PUBLISH = "policy.publish", "公开或撤下政策"
    ANNEX_MAPPING = "annex.mapping", "记住附件列对应"
    IMPORT_SHEET = "import.sheet", "导入填报表"
    IMPORT_FINDINGS = "import.findings", "导入督导问题清单"
    TARGET_EXTRACT = "target.extract", "提取目标"
    TARGET_DECIDE = "target.decide", "确认目标"
    READING_RECORD = "reading.record", "录入读数"
    EXPORT_TARGETS = "export.targets", "导出目标"
    EXPORT_SHEET = "export.sheet", "下载填报表"
    EXPORT_LEDGER = "export.ledger", "导出整改台账"
    EXPORT_AUDIT = "export.audit", "导出审计日志"
    ACCOUNT_CREATE = "account.create", "创建账号"
    ACCOUNT_CHANGE = "account.change", "修改账号"
    ACCOUNT_ROLES = "account.roles", "变更角色"
    ACCOUNT_UNLOCK = "account.unlock", "解除锁定"
    AUDIT_ARCHIVE = "audit.archive", "归档审计日志"
    BULLETIN_CREATE = "bulletin.create", "创建通报"
    BULLETIN_UPDATE = "bulletin.update", "修改通报"
    BULLETIN_REGENERATE = "bulletin.regenerate", "重新生成通报"
    BULLETIN_ISSUE = "bulletin.issue", "签发通报"
    BULLETIN_PUBLISH = "bulletin.publish", "公开通报"
    BULLETIN_UNPUBLISH = "bulletin.unpublish", "撤回公开通报"
    BULLETIN_READ = "bulletin.read", "阅读通报"
    BULLETIN_RENDER = "bulletin.render", "生成通报文件"
    BULLETIN_RENDER_START = "bulletin.render_start", "开始生成通报文件"
    BULLETIN_RENDER_DONE = "bulletin.render_done", "通报文件生成完成"
    BULLETIN_RENDER_FAIL = "bulletin.render_fail", "通报文件生成失败"
    BULLETIN_DOWNLOAD = "bulletin.download", "下载通报文件"
    ROUND_CREATE = "round.create", "制定督导方案"
    ROUND_NOTIFY = "round.notify", "发出督导通知"
    ROUND_FEEDBACK_DOWNLOAD = "round.feedback_download", "下载督导反馈"
    VISIT_RECORD = "visit.record", "记录督导走访"
    VISIT_FILE_ADD = "visit.file_add", "上传走访材料"
    VISIT_FILE_DOWNLOAD = "visit.file_download", "下载走访材料"
    PROBLEM_CREATE = "problem.create", "登记督导问题"
    PROBLEM_PLAN = "problem.plan", "制定整改方案"
    PROBLEM_PROGRESS = "problem.progress", "填报整改进展"
    PROBLEM_REQUEST = "problem.request", "申请销号"
    PROBLEM_SIGN_OFF = "problem.sign_off", "销号"
    PROBLEM_RETURN = "problem.return", "退回销号申请"
    PROBLEM_REOPEN = "problem.reopen", "回头看:重新整改"
    PROBLEM_RECHECK = "problem.recheck", "回头看:未发现反弹"
    PROBLEM_EXTENSION_REQUEST = "problem.extension_request", "申请延期"
    PROBLEM_EXTENSION_DECIDE = "problem.extension_decide", "审批延期"
    PROBLEM_EVIDENCE_DOWNLOAD = "problem.evidence_download", "下载整改佐证"
    SCHEME_CREATE = "scheme.create", "制定考核方案"
    SCHEME_UPDATE = "scheme.update", "修改考核方案"
    INDICATOR_ADD = "indicator.add", "新增考核指标"
    INDICATOR_UPDATE = "indicator.update", "修改考核指标"
    INDICATOR_DELETE = "indicator.delete", "删除考核指标"
    ASSESSMENT_CREATE = "assessment.create", "创建年度考核"
    ASSESSMENT_START = "assessment.start", "启动年度考核"
    ASSESSMENT_RECOMPUTE = "assessment.recompute", "重新计算考核得分"
    ASSESSMENT_FINALISE = "assessment.finalise", "考核定稿"
    ASSESSMENT_ISSUE = "assessment.issue", "印发考核结果"
    ASSESSMENT_CORRECT = "assessment.correct", "更正考核结果"
    ASSESSMENT_DOWNLOAD = "assessment.download", "下载考核结果"
    ASSESSMENT_RENDER = "assessment.render", "生成考核结果文件"
    ASSESSMENT_RENDER_START = "assessment.render_start", "开始生成考核结果文件"
    ASSESSMENT_RENDER_DONE = "assessment.render_done", "考核结果文件生成完成"
    ASSESSMENT_RENDER_FAIL = "assessment.render_fail", "考核结果文件生成失败"
    MANUAL_ITEM_ADD = "manual_item.add", "录入加减分"
    OBJECTION_RAISE = "objection.raise", "提出考核申诉"
    OBJECTION_ANSWER = "objection.answer", "答复考核申诉"
    ASSESSMENT_FILE_DOWNLOAD = "assessment.file_download", "下载考核材料"
    APPLICATION_CREATE = "application.create", "录入奖励申请"
    APPLICATION_UPDATE = "application.update", "修改奖励申请"
    APPLICATION_MOVE = "application.move", "奖励申请流转"
    APPLICATION_IMPORT = "application.import", "批量导入奖励申请"
    FACT_CHECK = "application.fact_check", "记录核验结果"
    PERSONAL_REVEAL = "personal.reveal", "查看个人信息"
    PUBLICITY_OPEN = "publicity.open", "发布公示"
    PUBLICITY_CLOSE = "publicity.close", "结束公示"
    OBJECTION_RECORD = "objection.record", "登记公示异议"
    OBJECTION_RESOLVE = "objection.resolve", "核查公示异议"
    BATCH_CREATE = "batch.create", "创建发放批次"
    BATCH_EXPORT = "batch.export", "导出发放文件"
    BATCH_SETTLE = "batch.settle", "导入发放结果"
    ENTERPRISE_IMPORT = "enterprise.import", "导入重点产业链企业"
    ADMIN_ADD = "admin.add", "后台新增"
    ADMIN_CHANGE = "admin.change", "后台修改"
    ADMIN_DELETE = "admin.delete", "后台删除"


# The fields a row's hash covers, besides the previous row's hash that
# prefixes them. The id is left out: the database gives it after the hash
# is computed, and the chain itself fixes the order.
HASHED_FIELDS = (
    "at",
    "actor_id",
    "actor_username",
    "actor_department",
    "ip",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "department",
    "before",
    "after",
)


class AuditEvent(models.Model):
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor_id = models.IntegerField("操作人编号", null=True, blank=True)
    actor_username = models.CharField("操作人", max_length=150, blank=True)
    actor_department = models.CharField("操作人部门", max_length=100, blank=True)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    action = models.CharField("操作", max_length=40)
    object_type = models.CharField("对象类型", max_length=100, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    department = models.CharField("所属部门", max_length=100, blank=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    prev_hash = models.CharField("前一条哈希", max_length=64, blank=True)
    hash = models.CharField("哈希", max_length=64)

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ["-at", "-id"]
        # Rows are written by ``audit_record`` and ``audit_record_many``
        # only: no add, change or delete permission exists to be granted.
        default_permissions = ()
        permissions = [("view_audit_trail", "查看审计日志")]
        indexes = [
            models.Index(fields=["action", "at"], name="audit_action_at"),
            models.Index(fields=["actor_id", "at"], name="audit_actor_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self):
        return f"{self.action_label} {self.object_repr}".strip()

    @property
    def action_label(self) -> str:
        try:
            return AuditAction(self.action).label
        except ValueError:
            return self.action

    @property
    def object_type_label(self) -> str:
        return object_type_label(self.object_type)

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """Each key of before or after, with its two values, for display."""
        before = self.before if isinstance(self.before, dict) else {}
        after = self.after if isinstance(self.after, dict) else {}
        keys = list(before) + [key for key in after if key not in before]
        return [(key, before.get(key), after.get(key)) for key in keys]

    def as_row(self) -> dict:
        """The row as JSON-safe data: what is hashed, archived and
        exported."""
        row = {name: getattr(self, name) for name in HASHED_FIELDS}
        row["at"] = self.at.astimezone(datetime.UTC).isoformat()
        row.update(id=self.pk, prev_hash=self.prev_hash, hash=self.hash)
        return row


def row_hash(row: dict, *, key: bytes | None = None) -> str:
    """HMAC-SHA256, under the chain key (or ``key``), of the previous row's
    hash followed by the canonical JSON of the row's fields (sorted keys,
    UTF-8, no spaces)."""
    fields = {name: row[name] for name in HASHED_FIELDS}
    canonical = json.dumps(
        fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return sign(row["prev_hash"] + canonical, key=key)


def current_object_type(object_type: str) -> str:
    """The label a model has now, for one recorded under the app it moved
    out of (``AUDIT_FORMER_OBJECT_TYPES``): a row is never rewritten, so
    "tasks.progressreport" of 2025 still names the reports."""
    return settings.AUDIT_FORMER_OBJECT_TYPES.get(object_type, object_type)


def former_object_types(object_type: str) -> list[str]:
    """The labels a model's rows may carry: its own and any former one."""
    return [object_type] + [
        old
        for old, new in settings.AUDIT_FORMER_OBJECT_TYPES.items()
        if new == object_type
    ]


def object_model(object_type: str):
    """The model a recorded label names, or None."""
    try:
        return apps.get_model(current_object_type(object_type))
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    """ "dispatch.progressreport" → 进展报告, or the label itself if unknown."""
    model = object_model(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type
