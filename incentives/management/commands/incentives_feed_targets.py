import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from incentives.feeds import feed_readings


class Command(BaseCommand):
    help = "按已发放激励奖励的人数,为设置了读数来源的目标计入读数(人数有变化时才新增)。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", help="读数的截至日期(YYYY-MM-DD),默认今天", default=""
        )

    def handle(self, *args, today: str, **options):
        day = timezone.localdate()
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError as exc:
                raise CommandError(f"日期“{today}”应为 YYYY-MM-DD 格式。") from exc
        results = feed_readings(today=day)
        if not results:
            self.stdout.write("没有设置读数来源的目标。")
        for result in results:
            style = self.style.WARNING if result.problem else self.style.SUCCESS
            self.stdout.write(style(result.message))
