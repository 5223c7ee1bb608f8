"""``bin/bench``: the performance benchmark of issue 10 (see
``portal/bench``)."""

from django.core.management.base import BaseCommand, CommandError

from portal.bench import dataset


class Command(BaseCommand):
    help = (
        "性能基准:--fill 写入省级规模数据;--pages 测页面;--imports 测导入;"
        "--load 压力测试。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--fill", action="store_true", help="写入基准数据")
        parser.add_argument(
            "--scale", type=float, default=1.0, help="数据规模,1 为省级规模"
        )
        parser.add_argument("--pages", action="store_true", help="测量各页面")
        parser.add_argument(
            "--repeat", type=int, default=20, help="每页请求次数(取中位数和 p95)"
        )
        parser.add_argument(
            "--save",
            default="",
            help="把页面结果存为 var/bench/pages-<名称>.json(demo 即演示数据列)",
        )
        parser.add_argument("--imports", action="store_true", help="测量导入")
        parser.add_argument("--rows", type=int, default=20000, help="导入行数")
        parser.add_argument("--load", action="store_true", help="压力测试")
        parser.add_argument(
            "--bulletin",
            action="store_true",
            help="测量通报:数字、创建(回滚)、Word、PDF、Excel 与通报页",
        )
        parser.add_argument(
            "--from",
            dest="first",
            default="",
            help="通报的起始月份,如 2025-07;默认为数据中最后一个完整季度",
        )
        parser.add_argument(
            "--to", dest="last", default="", help="通报的截止月份,如 2025-09"
        )
        parser.add_argument("--seconds", type=int, default=120, help="压力测试时长上限")
        parser.add_argument(
            "--requests", type=int, default=3000, help="压力测试请求总数"
        )

    def handle(self, *args, **options):
        parts = ("fill", "pages", "imports", "load", "bulletin")
        if not any(options[name] for name in parts):
            raise CommandError(
                "请至少指定 --fill、--pages、--imports、--load 或 --bulletin。"
            )
        if (options["first"] or options["last"]) and not options["bulletin"]:
            raise CommandError("--from 与 --to 只用于 --bulletin。")
        if options["fill"]:
            try:
                built = dataset.dataset_build(
                    scale=options["scale"], say=self.stdout.write
                )
            except dataset.DatasetError as exc:
                raise CommandError(str(exc)) from exc
            counts = ", ".join(f"{k} {v:,}" for k, v in built.counts.items())
            self.stdout.write(f"基准数据已写入({built.seconds:.1f} 秒):{counts}")
        if options["pages"]:
            from portal.bench import pages

            try:
                pages.pages_print(
                    repeat=options["repeat"], out=self.stdout, save=options["save"]
                )
            except pages.BenchError as exc:
                raise CommandError(str(exc)) from exc
        if options["imports"]:
            from portal.bench import imports

            try:
                imports.imports_print(rows=options["rows"], out=self.stdout)
            except imports.BenchError as exc:
                raise CommandError(str(exc)) from exc
        if options["load"]:
            from portal.bench import load

            load.load_print(
                seconds=options["seconds"],
                requests=options["requests"],
                out=self.stdout,
            )
        if options["bulletin"]:
            from portal.bench import bulletin

            try:
                first, last = (
                    bulletin.month_parse(options[name], flag) if options[name] else None
                    for name, flag in (("first", "--from"), ("last", "--to"))
                )
                bulletin.bulletin_print(
                    repeat=options["repeat"], out=self.stdout, first=first, last=last
                )
            except bulletin.BenchError as exc:
                raise CommandError(str(exc)) from exc
