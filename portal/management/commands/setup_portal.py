from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import RoleName
from accounts.services import roles_ensure, user_create
from assessment.demo import demo_assessments_create
from assessment.models import Objection, ObjectionState
from dispatch.models import ReportingPeriod
from incentives.defaults import defaults_ensure
from incentives.demo import DEMO_USERS as INCENTIVE_DEMO_USERS
from incentives.demo import demo_load as demo_incentives_load
from portal.demo import demo_authors, demo_day, demo_reports_create
from supervision.demo import demo_supervision_create
from targets.demo import demo_targets_create
from tasks.management.commands.import_policy import Command as ImportPolicy
from tasks.models import Department, Policy

SOURCE = Path(settings.BASE_DIR) / "fixtures" / "source"


@dataclass(frozen=True)
class PolicySource:
    """A policy's text and its annex (重点任务及责任分工) in ``SOURCE``;
    a demo one is loaded with --demo only."""

    text: str
    annex: str
    demo: bool = False


# The policies the portal is set up with, the first the one the demo's
# months and accounts are made for. Each one's number is the one its text
# gives (文号), not written here.
SOURCES = [
    PolicySource("skills-yingtan-opinion.txt", "annex-skills-yingtan.xlsx"),
    # 演示用: a short, made-up plan so that a new user sees two policies.
    PolicySource(
        "demo-youth-internship-plan.txt",
        "annex-demo-youth-internship.xlsx",
        demo=True,
    ),
]
DEMO_PASSWORD = "Yingtan#2025demo"  # noqa: S105 - printed for the demo only
DEMO_USERS = [
    ("admin", RoleName.SYSADMIN, "市人社局", "系统管理员(演示)"),
    ("reviewer", RoleName.REVIEWER, "市人社局", "人社局审核员(演示)"),
    ("reporter", RoleName.REPORTER, "贵溪市人民政府", "贵溪市填报员(演示)"),
    ("leader", RoleName.LEADER, "贵溪市人民政府", "贵溪市负责人(演示)"),
    ("reporter-edu", RoleName.REPORTER, "市教育局", "市教育局填报员(演示)"),
    ("security", RoleName.SECURITY, "市人社局", "安全管理员(演示)"),
    ("auditor", RoleName.AUDITOR, "市人社局", "审计管理员(演示)"),
    *INCENTIVE_DEMO_USERS,
]


class Command(BaseCommand):
    help = (
        "载入部门目录、政策正文和附件,建立角色;加 --demo 再建每个角色的演示账号、"
        "演示用的第二份政策和演示数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="创建演示账号")

    def handle(self, *args, demo: bool, **options):
        with transaction.atomic():
            call_command("loaddata", "departments", verbosity=0)
            # The finances of the 区(市) need their departments.
            defaults_ensure()
            policies = [
                self._import(source) for source in SOURCES if demo or not source.demo
            ]
            call_command("extract_targets")
            roles_ensure()
            if demo:
                self._demo_users()
                today = timezone.localdate()
                reviewer = User.objects.get(username="reviewer")
                written = demo_reports_create(
                    reviewer=reviewer, today=today, policies=policies
                )
                if written:
                    periods = ReportingPeriod.objects.order_by("year", "month")
                    span = f"{periods.first()}至{periods.last()}"
                    self.stdout.write(f"演示数据:已写入{span}的进展报告 {written} 份。")
                for policy in policies:
                    readings = demo_targets_create(
                        reviewer=reviewer, today=today, policy=policy
                    )
                    if readings:
                        self.stdout.write(
                            f"演示数据:已确认{policy.number}全部目标并写入读数"
                            f" {readings} 条。"
                        )
                round = demo_supervision_create(
                    reviewer=reviewer, authors=demo_authors(), today=demo_day(today)
                )
                if round is not None:
                    self.stdout.write(
                        f"演示数据:已建立{round},走访 {round.visits.count()} 个单位,"
                        f"登记问题 {round.problems.count()} 个。"
                    )
                made = demo_assessments_create(
                    reviewer=reviewer,
                    authors=demo_authors(),
                    today=demo_day(today),
                    real_today=today,
                )
                if made:
                    years = "、".join(
                        f"{a.year}年度({a.get_state_display()})" for a in made
                    )
                    pending = Objection.objects.filter(
                        sheet__assessment__in=made, state=ObjectionState.PENDING
                    ).count()
                    self.stdout.write(
                        f"演示数据:已建立{years}考核,待答复申诉 {pending} 条。"
                    )
                result = demo_incentives_load(
                    today=today,
                    actor_map={
                        "reviewer": reviewer,
                        "clerk_guixi": User.objects.get(username="clerk-guixi"),
                    },
                )
                if result is not None:
                    for line in result.lines():
                        self.stdout.write(line)

    def _import(self, source: PolicySource) -> Policy:
        """Import a source's text, then its annex under the number the text
        gave."""
        command = ImportPolicy()
        call_command(command, str(SOURCE / source.text))
        call_command(
            "import_annex", str(SOURCE / source.annex), policy=command.policy_number
        )
        return Policy.objects.get(number=command.policy_number)

    def _demo_users(self):
        departments = {d.name: d for d in Department.objects.all()}
        self.stdout.write(
            self.style.SUCCESS(
                f"\n演示账号(密码均为 {DEMO_PASSWORD},首次登录须修改密码):"
            )
        )
        for username, role, department, full_name in DEMO_USERS:
            user_create(
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                department=departments[department],
                full_name=full_name,
            )
            self.stdout.write(f"  {username:<14} {role.label}  {department}")
