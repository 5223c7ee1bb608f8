from django.core.management.base import BaseCommand

from tasks.services import Action, ImportReport

ACTION_LABELS = {
    Action.CREATED: "新增",
    Action.UPDATED: "更新",
    Action.UNCHANGED: "未变",
}


def write_report(command: BaseCommand, report: ImportReport, verbosity: int) -> None:
    if verbosity > 1:
        for row in report.rows:
            line = f"  {ACTION_LABELS[row.action]} {row.label}"
            for name, (old, new) in row.changes.items():
                line += f"\n      {name}: {old} → {new}"
            command.stdout.write(line)
    for note in report.notes:
        command.stdout.write(command.style.WARNING(f"提示:{note}"))
    prefix = "预览(未写入):" if report.dry_run else "导入完成:"
    command.stdout.write(command.style.SUCCESS(prefix + report.summary))
