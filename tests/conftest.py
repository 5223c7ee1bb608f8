import datetime
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from tasks.importers.annex import read_annex
from tasks.importers.policy_text import decode, read_policy_text
from tasks.services import annex_import, file_digest, policy_text_import

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
# The real inputs: the shared copies when present, else the project's own.
ANNEX_PATH = next(
    p
    for p in (
        SHARED / "data" / "annex-skills-yingtan.xlsx",
        ROOT / "fixtures" / "source" / "annex-skills-yingtan.xlsx",
    )
    if p.exists()
)
POLICY_PATH = next(
    p
    for p in (
        SHARED / "policy" / "skills-yingtan-opinion.txt",
        ROOT / "fixtures" / "source" / "skills-yingtan-opinion.txt",
    )
    if p.exists()
)
POLICY_NUMBER = "鹰办发〔2022〕22号"


# -- the day the suite runs on -------------------------------------------------
# bin/test-dates runs the date-sensitive tests once for each of several days
# with PORTAL_TEST_TODAY set to it: every test then starts at 10:00
# Asia/Shanghai on that day, its clock ticking. A test that sets its own
# time travels from there and keeps it.
TEST_TODAY = "PORTAL_TEST_TODAY"
# Modules whose outcome could hang on the day: periods opened "this month",
# deadlines and readings counted from today, the demo, reminders.
DATE_SENSITIVE = {
    "tests/targets/test_after_deadline.py",
    "tests/targets/test_pages.py",
    "tests/targets/test_progress.py",
    "tests/targets/test_readings.py",
    "tests/dispatch/test_dashboard.py",
    "tests/dispatch/test_reminders.py",
    "tests/dispatch/test_report_pages.py",
    "tests/dispatch/test_report_workflow.py",
    "tests/dispatch/test_urging.py",
    # The supervision's pages judge overdue by today and its fixtures give
    # deadlines from it; the reminders, the panels, the feedback document
    # and the bulletin section run on fixed days instead.
    "tests/supervision/test_extensions.py",
    "tests/supervision/test_feedback_pages.py",
    "tests/supervision/test_ledger.py",
    "tests/supervision/test_pages.py",
    "tests/supervision/test_queries.py",
}


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "date_sensitive: its outcome could depend on the day it runs; "
        "bin/test-dates runs these at several days",
    )


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = Path(str(item.fspath)).relative_to(ROOT).as_posix()
        if path in DATE_SENSITIVE:
            item.add_marker(pytest.mark.date_sensitive)


@pytest.fixture(autouse=True)
def test_today():
    """The day PORTAL_TEST_TODAY names, when it is set."""
    value = os.environ.get(TEST_TODAY)
    if not value:
        yield
        return
    start = datetime.datetime.combine(
        datetime.date.fromisoformat(value),
        datetime.time(10),
        ZoneInfo("Asia/Shanghai"),
    )
    with time_machine.travel(start, tick=True):
        yield


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Real hashing costs half a second a user; tests need no strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def audit_checkpoint_dir(settings, tmp_path, monkeypatch):
    """Each test's audit checkpoints in a folder of its own, its
    subprocesses' too: a test database is emptied between tests, and
    checkpoints left by an earlier test would be reported as missing
    rows."""
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"
    monkeypatch.setenv("AUDIT_CHECKPOINT_DIR", str(settings.AUDIT_CHECKPOINT_DIR))


@pytest.fixture(autouse=True, scope="session")
def flush_past_audit_truncate_trigger():
    """The flush after a transactional test empties every table with
    TRUNCATE, which the audit table's trigger refuses on PostgreSQL; the
    flush switches the trigger off for its own transaction, as the table's
    owner can."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.db.backends.postgresql.operations import DatabaseOperations
    except (ImportError, ImproperlyConfigured):  # no PostgreSQL driver
        yield
        return
    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, **kwargs):
        statements = original(self, style, tables, **kwargs)
        if statements and "audit_auditevent" in tables:
            toggle = (
                'ALTER TABLE "audit_auditevent" {} TRIGGER audit_auditevent_no_truncate'
            )
            statements = [
                toggle.format("DISABLE"),
                *statements,
                toggle.format("ENABLE"),
            ]
        return statements

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = original


# The department directory as loaddata first wrote it, to be written again
# in three bulk inserts: loaddata's parsing and natural-key lookups, in
# nearly every test, were a fifth of the suite's time.
_directory: dict | None = None


@pytest.fixture
def departments(db):
    global _directory
    from tasks.models import Department, DepartmentAlias

    Members = Department.members.through
    existed = Department.objects.exists()
    if _directory is None or existed:
        call_command("loaddata", "departments", verbosity=0)
        if _directory is None and not existed:
            _directory = {
                model: list(model.objects.order_by("pk").values())
                for model in (Department, DepartmentAlias, Members)
            }
        return
    for model in (Department, DepartmentAlias, Members):
        model.objects.bulk_create(model(**row) for row in _directory[model])


def import_policy_text(data: bytes | None = None, name: str = "policy.txt", **kwargs):
    data = POLICY_PATH.read_bytes() if data is None else data
    document = read_policy_text(decode(data, name), name)
    return policy_text_import(
        document=document, file_name=name, sha256=file_digest(data), **kwargs
    )


def import_annex_file(
    data: bytes | None = None,
    name: str = "annex.xlsx",
    policy_number: str = POLICY_NUMBER,
    **kwargs,
):
    data = ANNEX_PATH.read_bytes() if data is None else data
    return annex_import(
        policy_number=policy_number,
        sheet=read_annex(data, name),
        file_name=name,
        sha256=file_digest(data),
        **kwargs,
    )


# The policy and its annex as the first import wrote them, to be written
# again in bulk inserts: the two imports (reading the text and the sheet,
# and some 400 rows written one key task at a time) in the many tests that
# take the policy were a fifth of the suite's time. The import records and
# their audit records are written anew, at the test's own time.
_plan: dict | None = None


@pytest.fixture
def policy(departments):
    """The real policy and annex, loaded as an administrator would."""
    global _plan
    from tasks.models import (
        ImportRecord,
        KeyTask,
        KeyTaskAssignment,
        Policy,
        Responsibility,
        Section,
        Task,
    )

    plan = (Policy, Section, KeyTask, KeyTaskAssignment, Task, Responsibility)
    existed = Policy.objects.exists()
    if _plan is None or existed:
        import_policy_text()
        import_annex_file()
        if _plan is None and not existed:
            _plan = {
                model: list(model.objects.order_by("pk").values()) for model in plan
            }
            _plan[ImportRecord] = list(
                ImportRecord.objects.order_by("pk").values(
                    "kind",
                    "file_name",
                    "sha256",
                    "created_count",
                    "updated_count",
                    "unchanged_count",
                    "notes",
                )
            )
        return Policy.objects.get(number=POLICY_NUMBER)
    from audit.services import audit_record

    for model in plan:
        model.objects.bulk_create(model(**row) for row in _plan[model])
    policy = Policy.objects.get(number=POLICY_NUMBER)
    for row in _plan[ImportRecord]:
        record = ImportRecord.objects.create(policy=policy, **row)
        audit_record(
            action=f"import.{record.kind}",
            obj=record,
            after={
                "policy": policy.number,
                "file_name": record.file_name,
                "sha256": record.sha256,
                "created": record.created_count,
                "updated": record.updated_count,
                "unchanged": record.unchanged_count,
            },
        )
    return policy


@pytest.fixture
def users(departments):
    """One user per role, and a reporter of another department."""
    from accounts.roles import RoleName
    from accounts.services import user_create
    from tasks.models import Department

    def make(username, role, department):
        return user_create(
            username=username,
            password="Pass#word123",
            role=role,
            department=Department.objects.get(name=department),
            must_change_password=False,
        )

    return {
        "reporter": make("reporter", RoleName.REPORTER, "贵溪市人民政府"),
        "leader": make("leader", RoleName.LEADER, "贵溪市人民政府"),
        "reviewer": make("reviewer", RoleName.REVIEWER, "市人社局"),
        "sysadmin": make("sysadmin", RoleName.SYSADMIN, "市人社局"),
        "other_department": make("other", RoleName.REPORTER, "市教育局"),
    }


@pytest.fixture
def period(policy):
    """This month's period, open, with its deadline ten days ahead."""
    import datetime

    from django.utils import timezone

    from dispatch.services import period_open

    today = timezone.localdate()
    return period_open(
        year=today.year,
        month=today.month,
        deadline=today + datetime.timedelta(days=10),
    )


def fill(report, user, **values):
    """Write a report's required text as its department would."""
    from dispatch.services import report_save

    data = {"progress": "本月完成培训 300 人次。", "proposed_status": "on_track"}
    data.update(values)
    return report_save(
        report=report, data=data, expected_version=report.version, actor=user
    )


@pytest.fixture
def bulletin_kinds(transactional_db):
    """The bulletin kinds a data migration makes: the flush after an
    earlier transactional test emptied their table, so they are made
    again, by the migration's own function."""
    from importlib import import_module

    from django.apps import apps

    import_module("bulletins.migrations.0002_bulletin_kinds").create_kinds(apps, None)
