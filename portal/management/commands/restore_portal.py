from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "把 backup_portal 生成的备份恢复到空数据库和空的 MEDIA_ROOT;"
        "先按 manifest.json 核对每个文件的 sha256。"
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="backup_portal 生成的备份目录")
        parser.add_argument(
            "--database", default="default", help="恢复到的数据库连接名"
        )

    def handle(self, *args, source: Path, database: str, **options):
        try:
            manifest = backup_restore(source=source, database=database)
        except BackupError as exc:
            raise CommandError(f"恢复失败:{exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"恢复完成:{manifest['created_at']} 的备份"
                f"(上传文件 {manifest['media_files']} 个)。"
                "如代码版本比备份新,请接着运行 manage.py migrate。"
            )
        )
