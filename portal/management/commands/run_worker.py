from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from redis import RedisError

from common import jobs


class Command(BaseCommand):
    help = (
        "运行后台任务进程:从 QUEUE_URL 所指 Redis 的任务队列取出任务(如生成通报的"
        " Word/PDF/Excel)并逐个执行,每个任务在单独的子进程中运行并有时间限制。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--burst",
            action="store_true",
            help="队列中的任务全部执行完后退出(用于测试与脚本),不再等待新任务",
        )

    def handle(self, *args, burst: bool, **options):
        if not settings.QUEUE_URL:
            raise CommandError(
                "未设置环境变量 QUEUE_URL:没有任务队列时后台任务在提交它的进程中"
                "直接运行,不需要任务进程。要使用队列,请设置如 QUEUE_URL=redis://127.0.0.1:6379/1。"
            )
        try:
            worker = jobs.worker()
            worker.connection.ping()
        except RedisError as exc:
            raise CommandError(
                f"无法连接任务队列 QUEUE_URL={settings.QUEUE_URL}:{exc}"
            ) from exc
        self.stdout.write(
            f"任务进程已启动,队列“{jobs.QUEUE_NAME}”({settings.QUEUE_URL})。"
        )
        level = "DEBUG" if options["verbosity"] > 1 else "INFO"
        worker.work(burst=burst, logging_level=level)
