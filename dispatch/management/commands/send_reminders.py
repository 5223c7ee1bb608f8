import argparse
import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dispatch.services.reminders import reminders_run


class Command(BaseCommand):
    help = (
        "发送月调度截止前提醒和逾期通知,标记逾期报告;"
        "可开放当月填报期、关闭截止已久的填报期。每小时运行一次,重复运行不会重复发送;"
        "另一次运行尚未结束时,本次不执行。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--close-after-days",
            type=int,
            metavar="N",
            help="关闭截止日已过 N 天以上的填报期;不给则不关闭",
        )
        parser.add_argument(
            "--open-current",
            action="store_true",
            help="当月填报期不存在时开放它",
        )
        # For tests and for replaying a missed run: the moment to act as of.
        parser.add_argument("--now", help=argparse.SUPPRESS)

    def handle(
        self,
        *args,
        close_after_days: int | None,
        open_current: bool,
        now: str | None,
        **options,
    ):
        if close_after_days is not None and close_after_days < 0:
            raise CommandError("--close-after-days 不能为负数。")
        result = reminders_run(
            now=_parse_now(now) if now else timezone.now(),
            close_after_days=close_after_days,
            open_current=open_current,
        )
        if result.skipped:
            self.stdout.write(self.style.WARNING(result.summary + "。"))
            return
        self.stdout.write(self.style.SUCCESS("提醒完成:" + result.summary))


def _parse_now(value: str) -> datetime.datetime:
    """An ISO datetime; one without an offset is Beijing time."""
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--now“{value}”不是 ISO 格式的时间。") from exc
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment
