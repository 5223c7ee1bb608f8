import datetime
import re
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from bulletins import permissions
from bulletins.documents import DocumentError
from bulletins.jobs import document_text, failure_reason, write_documents
from bulletins.models import Bulletin, BulletinKind
from bulletins.selectors import bulletins as selectors
from bulletins.selectors.figures import LightRule, bulletin_figures
from bulletins.services import (
    BulletinError,
    bulletin_create,
    bulletin_issue,
    bulletin_update,
    check_range,
)
from tasks.models import Policy
from tasks.selectors import default_policy, policy_choices

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


class Command(BaseCommand):
    help = (
        "按月份范围生成通报草稿的 Word、PDF 与 Excel 文件,写入 --output 目录;"
        "加 --issue --as 审核员账号 时同时创建并签发该通报(需 --number 发文字号)。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from", dest="first", required=True, help="起始月份,如 2025-07"
        )
        parser.add_argument(
            "--to", dest="last", required=True, help="截止月份,如 2025-09"
        )
        parser.add_argument("--output", type=Path, required=True, help="写入文件的目录")
        parser.add_argument(
            "--policy", help="政策文号,如 鹰办发〔2022〕22号;不给时为现行的主要政策"
        )
        parser.add_argument("--kind", help="通报类型名称,如 季度通报;不给时按月数选择")
        parser.add_argument(
            "--issue", action="store_true", help="创建并签发通报(须同时给 --as)"
        )
        parser.add_argument(
            "--as", dest="username", help="签发人的账号名(须为人社局审核员)"
        )
        parser.add_argument("--number", help="发文字号,如 鹰技能办〔2025〕3号")
        parser.add_argument(
            "--today", help="按哪一天计算(YYYY-MM-DD),默认今天;用于补做与测试"
        )

    def handle(self, *args, **options):
        today = _day(options["today"]) if options["today"] else timezone.localdate()
        first = _month(options["first"], "--from")
        last = _month(options["last"], "--to")
        actor = None
        if options["issue"]:
            actor = _reviewer(options["username"])
            if not options["number"]:
                raise CommandError(
                    "签发须给出发文字号,例如 --number 鹰技能办〔2025〕3号。"
                )
        elif options["username"] or options["number"]:
            raise CommandError("--as 与 --number 只在签发(--issue)时使用。")
        policy = _policy(options["policy"], today)
        kind = _kind(options["kind"], first, last)
        try:
            if actor is None:
                figures, text = _draft(policy, kind, first, last, today)
            else:
                figures, text = self._issue(
                    policy, kind, first, last, today, actor, options["number"]
                )
        except BulletinError as exc:
            raise CommandError(str(exc)) from exc
        stem = f"bulletin-{figures['range']['first']}-{figures['range']['last']}"
        try:
            written = write_documents(
                figures,
                text,
                directory=options["output"],
                stem=stem,
                progress=lambda percent, message: self.stdout.write(
                    f"[{percent:3d}%] {message}"
                ),
            )
        except (DocumentError, OSError) as exc:
            raise CommandError(f"通报文件生成失败:{failure_reason(exc)}") from exc
        for path in written.values():
            self.stdout.write(f"  {path}  {path.stat().st_size} 字节")
        state = "已签发" if actor else "草稿"
        self.stdout.write(
            self.style.SUCCESS(
                f"《{text['title']}》({state})的文件已写入 {options['output']}。"
            )
        )

    @transaction.atomic
    def _issue(self, policy, kind, first, last, today, actor, number):
        """Create, number and issue in one transaction: a number refused
        leaves no draft behind."""
        bulletin = bulletin_create(
            policy=policy, kind=kind, first=first, last=last, today=today, actor=actor
        )
        bulletin_update(bulletin=bulletin, data={"number": number}, actor=actor)
        version = bulletin_issue(bulletin=bulletin, now=timezone.now(), actor=actor)
        self.stdout.write(
            f"已签发《{bulletin.title}》({number}),送达 "
            f"{bulletin.deliveries.count()} 个责任单位:{bulletin.get_absolute_url()}"
        )
        return version.figures, document_text(version, on=today)


def _draft(policy, kind, first, last, today) -> tuple[dict, dict]:
    """The figures and words a new bulletin would start with, saved
    nowhere: an unsaved Bulletin carries the drafted narrative."""
    check_range(first, last, today)
    figures = bulletin_figures(
        policy=policy,
        first=first,
        last=last,
        today=today,
        rule=LightRule(yellow_below=kind.yellow_below, stale_months=kind.stale_months),
        previous=selectors.previous_figures(
            bulletin=None, policy=policy, kind=kind, last=last
        ),
    )
    draft = Bulletin(
        policy=policy,
        kind=kind,
        **selectors.draft_fields(figures, kind),
    )
    return figures, selectors.bulletin_text(draft, on=today)


def _month(value: str, option: str) -> tuple[int, int]:
    found = MONTH.match(value.strip())
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise CommandError(f"{option}“{value}”不是年月,应写作 2025-07 的形式。")
    return int(found.group(1)), int(found.group(2))


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today“{value}”不是日期,应写作 2025-10-10。") from exc


def _reviewer(username: str | None):
    if not username:
        raise CommandError("签发(--issue)须用 --as 给出签发人的账号名。")
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"账号“{username}”不存在。")
    if not user.is_active:
        raise CommandError(f"账号“{username}”已停用,不能签发通报。")
    if not permissions.can_manage(user):
        raise CommandError(
            f"账号“{username}”不是人社局审核员,不能签发通报;请用审核员账号。"
        )
    return user


def _policy(number: str | None, today: datetime.date) -> Policy:
    if number:
        policy = Policy.objects.filter(number=number).first()
        if policy is None:
            raise CommandError(f"政策文件“{number}”不存在,请检查 --policy 的文号。")
        return policy
    policy = default_policy(policy_choices(), today)
    if policy is None:
        raise CommandError("库中还没有政策文件:请先导入政策正文与附件。")
    return policy


def _kind(name: str | None, first, last) -> BulletinKind:
    kinds = list(BulletinKind.objects.all())
    names = "、".join(k.name for k in kinds) or "(无)"
    if name:
        for kind in kinds:
            if kind.name == name:
                return kind
        raise CommandError(f"通报类型“{name}”不存在;现有:{names}。")
    months = (last[0] - first[0]) * 12 + last[1] - first[1] + 1
    matching = [k for k in kinds if k.months == months]
    if len(matching) != 1:
        raise CommandError(
            f"没有每期 {months} 个月的通报类型可自动选择,请用 --kind 指定({names})。"
        )
    return matching[0]
