from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "备份数据库与上传文件(MEDIA_ROOT)到一个新目录:数据库、文件压缩包和带 sha256 的"
        " manifest.json。用 restore_portal 恢复。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, required=True, help="备份目录(不存在或为空)"
        )
        parser.add_argument(
            "--database", default="default", help="要备份的数据库连接名"
        )

    def handle(self, *args, output: Path, database: str, **options):
        try:
            manifest = backup_create(output=output, database=database)
        except BackupError as exc:
            raise CommandError(f"备份失败:{exc}") from exc
        for name, part in manifest["parts"].items():
            self.stdout.write(f"  {name}  {part['size']} 字节  sha256 {part['sha256']}")
        for name in manifest["missing_files"]:
            self.stderr.write(f"警告:数据库引用的文件“{name}”在 MEDIA_ROOT 中不存在。")
        self.stdout.write(
            self.style.SUCCESS(
                f"备份完成:{output}(数据库 {manifest['database']['vendor']},"
                f"上传文件 {manifest['media_files']} 个)。"
            )
        )
