from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tasks.importers.errors import ImportFailed
from tasks.importers.policy_text import decode, read_policy_text
from tasks.services import file_digest, policy_text_import

from ._reporting import write_report


class Command(BaseCommand):
    help = "导入政策正文(文号、主要任务、重点任务及其牵头、配合单位)。"

    # The number the text gave, once handled: setup_portal imports each
    # source's annex under it.
    policy_number: str = ""

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="政策正文 .txt 文件路径")
        parser.add_argument("--dry-run", action="store_true", help="只预览,不写入")

    def handle(self, *args, path: Path, dry_run: bool, **options):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件“{path}”:{exc.strerror}") from exc
        try:
            document = read_policy_text(decode(data, path.name), path.name)
            report = policy_text_import(
                document=document,
                file_name=path.name,
                sha256=file_digest(data),
                dry_run=dry_run,
            )
        except ImportFailed as exc:
            raise CommandError("导入失败,未写入任何数据:\n" + str(exc)) from exc
        self.policy_number = document.number
        write_report(self, report, options["verbosity"])
