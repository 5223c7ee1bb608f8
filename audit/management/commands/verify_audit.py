from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.chain import ChainBroken, archive_verify, database_verify


class Command(BaseCommand):
    help = (
        "校验审计日志的哈希链:发现被修改或删除的记录时报出第一处并以非零状态退出。"
        "加 --archive 则校验一个归档文件。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--archive",
            type=Path,
            help="要校验的归档文件(archive_audit 生成的 .jsonl.gz)",
        )

    def handle(self, *args, archive: Path | None, **options):
        try:
            if archive is not None:
                self._archive(archive)
                return
            result = database_verify()
        except ChainBroken as exc:
            raise CommandError(f"审计日志校验失败:{exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"审计日志校验通过:{result.rows} 条"))

    def _archive(self, path: Path) -> None:
        check = archive_verify(path)
        self.stdout.write(self.style.SUCCESS(f"归档文件校验通过:{check.chain.rows} 条"))
        self.stdout.write(f"文件摘要(sha256):{check.sha256}")
        if check.record is None:
            self.stdout.write(
                self.style.WARNING(
                    "提示:审计日志中没有记录这个摘要的归档操作,无法确认文件完整。"
                )
            )
        else:
            self.stdout.write(
                f"与归档记录 id={check.record.pk}"
                f"({timezone.localtime(check.record.at):%Y-%m-%d %H:%M})所记摘要一致。"
            )
