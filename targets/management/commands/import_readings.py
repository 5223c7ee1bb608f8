from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from targets.importing import read_readings
from targets.services import TargetError, readings_import
from tasks.importers.errors import ImportFailed


class Command(BaseCommand):
    help = "从表格导入目标读数(列:目标编号、数值、截至日期),整表校验,全部成功才写入。"

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="读数 .xlsx 文件路径")

    def handle(self, *args, path: Path, **options):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件“{path}”:{exc.strerror}") from exc
        try:
            readings = readings_import(rows=read_readings(data, path.name))
        except (ImportFailed, TargetError) as exc:
            raise CommandError("导入失败,未写入任何读数:\n" + str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"导入完成:读数 {len(readings)} 条。"))
