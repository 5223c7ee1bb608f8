"""A database migrated before the monthly loop left ``tasks`` for
``dispatch`` upgrades in place: every row is still there, foreign keys from
targets and accounts point at the same rows, and a role keeps the
permissions it had on the moved models.

The test builds the schema at the last migrations before the move, writes
rows through that state's historical models, migrates forward and reads
them through today's models.
"""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import User
from dispatch.models import (
    Evidence,
    ProgressReport,
    Reminder,
    ReportingPeriod,
    ReportTransition,
    Urge,
)
from targets.models import Reading
from tasks.models import Department, Task

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_THE_MOVE = [
    ("accounts", "0003_password_change"),
    ("audit", "0003_anchor_chain_outside_database"),
    ("tasks", "0004_report_text_max_length"),
    ("targets", "0001_initial"),
    ("dispatch", None),  # not yet an app
]
MOVED = ("reportingperiod", "progressreport", "reporttransition", "evidence", "urge")


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1]]).apps


def migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def old_database():
    """The schema as a database had it before the move, with data."""
    apps = migrate(BEFORE_THE_MOVE)
    try:
        yield apps, _rows(apps)
    finally:
        migrate_to_latest()


def _rows(apps):
    model = apps.get_model
    department = model("tasks", "Department").objects.create(
        name="贵溪市人民政府", kind="county"
    )
    policy = model("tasks", "Policy").objects.create(number="鹰府发〔2023〕1号")
    section = model("tasks", "Section").objects.create(
        policy=policy, number=1, title="主要任务"
    )
    key_task = model("tasks", "KeyTask").objects.create(
        policy=policy, number=1, section=section, title="壮大技能人才队伍"
    )
    task = model("tasks", "Task").objects.create(
        policy=policy, key_task=key_task, number=1, requirement="每年培训1万人次"
    )
    user = model("accounts", "User").objects.create(
        username="reporter", department=department
    )
    period = model("tasks", "ReportingPeriod").objects.create(
        year=2025, month=6, deadline=datetime.date(2025, 7, 5)
    )
    report = model("tasks", "ProgressReport").objects.create(
        task=task,
        department=department,
        period=period,
        role="lead",
        progress="本月培训1200人次",
        state="approved",
        updated_by=user,
    )
    model("tasks", "ReportTransition").objects.create(
        report=report,
        action="approve",
        from_state="submitted",
        to_state="approved",
        actor=user,
    )
    model("tasks", "Evidence").objects.create(
        report=report,
        file="evidence/2025/06/a.pdf",
        original_name="签到表.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=user,
    )
    model("tasks", "Urge").objects.create(
        period=period, department=department, message="请按时报送", created_by=user
    )
    model("tasks", "Reminder").objects.create(
        period=period, department=department, kind="before", pending_count=1
    )
    target = model("targets", "Target").objects.create(
        policy=policy,
        task=task,
        metric="培训",
        value=10000,
        unit="人次",
        kind="annual",
        deadline=datetime.date(2025, 12, 31),
        source_text="每年培训1万人次",
        fingerprint="move",
    )
    reading = model("targets", "Reading").objects.create(
        target=target,
        value=1200,
        as_of=datetime.date(2025, 6, 30),
        source="report",
        report=report,
    )
    # A role as roles_ensure left it before the move: its permissions on
    # the moved models were tasks.*.
    content_type = model("contenttypes", "ContentType")
    permission = model("auth", "Permission")
    group = model("auth", "Group").objects.create(name="旧角色")
    for name in MOVED:
        kind, _ = content_type.objects.get_or_create(app_label="tasks", model=name)
        for action in ("view", "change"):
            perm, _ = permission.objects.get_or_create(
                content_type=kind,
                codename=f"{action}_{name}",
                defaults={"name": f"Can {action} {name}"},
            )
            group.permissions.add(perm)
    # Django may have made a dispatch content type already (it makes them
    # for the apps it knows after any migrate); its permissions are merged.
    content_type.objects.filter(app_label="dispatch", model="urge").delete()
    fresh = content_type.objects.create(app_label="dispatch", model="urge")
    permission.objects.create(
        content_type=fresh, codename="view_urge", name="Can view urge"
    )
    return {
        "department": department.pk,
        "task": task.pk,
        "user": user.pk,
        "period": period.pk,
        "report": report.pk,
        "reading": reading.pk,
    }


def test_every_row_of_the_moved_models_is_found_after_the_upgrade(old_database):
    _, pks = old_database

    migrate_to_latest()

    report = ProgressReport.objects.get()
    assert report.pk == pks["report"]
    assert (report.task_id, report.department_id, report.period_id) == (
        pks["task"],
        pks["department"],
        pks["period"],
    )
    assert report.progress == "本月培训1200人次"
    assert report.updated_by_id == pks["user"]
    assert ReportingPeriod.objects.get().pk == pks["period"]
    assert ReportTransition.objects.get().report_id == pks["report"]
    assert Evidence.objects.get().original_name == "签到表.pdf"
    assert Urge.objects.get().message == "请按时报送"
    assert Reminder.objects.get().pending_count == 1


def test_foreign_keys_from_targets_and_accounts_point_at_the_same_rows(
    old_database,
):
    _, pks = old_database

    migrate_to_latest()

    reading = Reading.objects.select_related("report").get()
    assert reading.pk == pks["reading"]
    assert reading.report == ProgressReport.objects.get(pk=pks["report"])
    assert User.objects.get().department == Department.objects.get()
    assert list(ProgressReport.objects.get().readings.all()) == [reading]


def test_new_rows_continue_the_old_numbering(old_database):
    _, pks = old_database

    migrate_to_latest()

    period = ReportingPeriod.objects.create(
        year=2025, month=7, deadline=datetime.date(2025, 8, 5)
    )
    report = ProgressReport.objects.create(
        task=Task.objects.get(),
        department=Department.objects.get(),
        period=period,
        role="lead",
    )
    assert period.pk > pks["period"]
    assert report.pk > pks["report"]


def test_a_role_keeps_its_permissions_on_the_moved_models(old_database):
    migrate_to_latest()

    ContentType.objects.clear_cache()
    group = Group.objects.get(name="旧角色")
    held = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert held == {
        ("dispatch", f"{action}_{name}")
        for name in MOVED
        for action in ("view", "change")
    }
    assert not ContentType.objects.filter(app_label="tasks", model__in=MOVED)
    # The content type Django had made already is the one kept, once.
    assert Permission.objects.filter(codename="view_urge").count() == 1
    user = User.objects.get()
    user.groups.add(group)
    user = User.objects.get(pk=user.pk)
    assert user.has_perm("dispatch.change_progressreport")
    assert not user.has_perm("tasks.change_progressreport")


def test_the_move_can_be_undone_and_redone(old_database):
    """Migrating back to before the move (state only) and forward again
    keeps the rows: an upgrade can be rolled back."""
    migrate_to_latest()
    migrate(BEFORE_THE_MOVE)
    assert ContentType.objects.filter(app_label="tasks", model="progressreport")

    migrate_to_latest()

    assert ProgressReport.objects.count() == 1
    assert Reading.objects.get().report_id == ProgressReport.objects.get().pk
