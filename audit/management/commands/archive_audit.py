from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.services import RETENTION_MONTHS, AuditError, audit_archive


class Command(BaseCommand):
    help = (
        "把早于指定月数的审计日志写入归档文件(gzip 压缩的 JSON Lines,含哈希),"
        "在审计日志中记下文件摘要与归档范围(这条归档记录随链签名;"
        "PostgreSQL 的触发器只放行其范围内的删除,verify_audit 据此核对被移除的记录),"
        "然后从数据库中移除这些记录。"
        f"记录至少保存 {RETENTION_MONTHS} 个月。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--before-months",
            type=int,
            default=RETENTION_MONTHS,
            help=f"归档早于多少个月的记录(默认 {RETENTION_MONTHS},不得小于该值)",
        )
        parser.add_argument(
            "--output", type=Path, required=True, help="归档文件存放目录"
        )

    def handle(self, *args, before_months: int, output: Path, **options):
        try:
            result = audit_archive(before_months=before_months, output_dir=output)
        except AuditError as exc:
            raise CommandError(str(exc)) from exc
        if result is None:
            self.stdout.write(f"没有早于 {before_months} 个月的审计记录,未归档。")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"已归档 {result.rows} 条审计记录(id {result.first_id}–"
                f"{result.last_id})到 {result.path}"
            )
        )
        self.stdout.write(f"文件摘要(sha256):{result.sha256}")
