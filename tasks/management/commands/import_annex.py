from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tasks.importers.annex import read_annex
from tasks.importers.errors import ImportFailed
from tasks.selectors import policy_for_annex
from tasks.services import annex_import, file_digest

from ._reporting import write_report


class Command(BaseCommand):
    help = "导入政策附件《重点任务及责任分工》xlsx 表格。"

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="附件 .xlsx 文件路径")
        parser.add_argument(
            "--policy",
            help="附件所属政策的文号,如 鹰办发〔2022〕22号;库中只有一份政策时可省略",
        )
        parser.add_argument("--dry-run", action="store_true", help="只预览,不写入")

    def handle(self, *args, path: Path, policy: str | None, dry_run: bool, **options):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件“{path}”:{exc.strerror}") from exc
        try:
            policy_number = policy or policy_for_annex().number
            sheet = read_annex(data, path.name)
            report = annex_import(
                policy_number=policy_number,
                sheet=sheet,
                file_name=path.name,
                sha256=file_digest(data),
                dry_run=dry_run,
            )
        except ImportFailed as exc:
            raise CommandError("导入失败,未写入任何数据:\n" + str(exc)) from exc
        write_report(self, report, options["verbosity"])
