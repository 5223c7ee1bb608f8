from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit import checkpoints
from audit.chain import ChainBroken, archive_verify, database_verify


class Command(BaseCommand):
    help = (
        "校验审计日志:每条记录的签名(HMAC,密钥不在数据库中)、前后衔接,以及数据库之外的"
        "检查点;发现被改写、删除的记录或被清空的审计表时逐项报出,并以非零状态退出。"
        "加 --archive 则校验一个归档文件。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--archive",
            type=Path,
            help="要校验的归档文件(archive_audit 生成的 .jsonl.gz)",
        )

    def handle(self, *args, archive: Path | None, **options):
        if archive is not None:
            try:
                self._archive(archive)
            except ChainBroken as exc:
                raise CommandError(f"审计日志校验失败:{exc}") from exc
            return
        check = database_verify()
        if check.problems:
            for note in check.notes:
                self.stderr.write(note)
            raise CommandError(
                "审计日志校验失败:\n" + "\n".join(f"- {p}" for p in check.problems)
            )
        self.stdout.write(self.style.SUCCESS(f"审计日志校验通过:{check.rows} 条"))
        for note in check.notes:
            self.stdout.write(note)
        if not check.checkpoint_log.exists and check.chain.last_id is not None:
            # A database restored from a backup, or one whose checkpoints
            # were lost: from now on its verified end is anchored too.
            checkpoints.append(
                event_id=check.chain.last_id,
                hash=check.chain.last_hash,
                at=check.chain.last_at,
            )
            self.stdout.write(
                f"已把末条记录 #{check.chain.last_id} 记为本数据库的第一个检查点。"
            )

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
                f"与归档记录 #{check.record.pk}"
                f"({timezone.localtime(check.record.at):%Y-%m-%d %H:%M})所记摘要一致。"
            )
