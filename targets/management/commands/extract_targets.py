from django.core.management.base import BaseCommand, CommandError

from targets.services import TargetError, policy_targets_extract
from tasks.models import Policy


class Command(BaseCommand):
    help = "从政策正文和附件中提取量化目标,作为待确认的候选目标。"

    def add_arguments(self, parser):
        parser.add_argument("--policy", help="政策文号;省略则处理库中每份政策")
        parser.add_argument("--dry-run", action="store_true", help="只预览,不写入")

    def handle(self, *args, policy: str | None, dry_run: bool, **options):
        policies = Policy.objects.order_by("number")
        if policy:
            policies = policies.filter(number=policy)
            if not policies.exists():
                raise CommandError(f"库中没有文号为“{policy}”的政策。")
        for item in policies:
            try:
                report = policy_targets_extract(policy=item, dry_run=dry_run)
            except TargetError as exc:
                raise CommandError(str(exc)) from exc
            if options["verbosity"] > 1:
                for target in report.created:
                    self.stdout.write(f"  新增 {target.source_ref}:{target}")
            for target in report.stale:
                self.stdout.write(
                    self.style.WARNING(f"提示:候选“{target}”不再出现于原文。")
                )
            prefix = "预览(未写入)" if dry_run else "提取完成"
            self.stdout.write(
                self.style.SUCCESS(f"{prefix}:{item.number} {report.summary}")
            )
