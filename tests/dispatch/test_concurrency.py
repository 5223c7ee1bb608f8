"""Two people, or two cron runs, at the same moment, each on a connection
of its own (PostgreSQL).

Each test holds one side at a point inside its transaction until the other
side is either waiting for a lock or done, then lets it go: the order that
used to end in ``deadlock detected``. Both sides must finish; one may wait
for the other, and a refusal is the person's Chinese message, never a
database error.
"""

import datetime
import threading
import time
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

import dispatch.services.reminders as reminders_module
import dispatch.services.sheet as sheet_module
from audit.models import AuditEvent
from dispatch import services
from dispatch.models import PeriodStatus, ProgressReport
from tests.dispatch.test_report_sheet import Sheet, fetch, upload

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite lets one writer in at a time; row locks are PostgreSQL's",
    ),
    pytest.mark.django_db(transaction=True),
]

BEIJING = ZoneInfo("Asia/Shanghai")
# Long enough for a loaded CI machine, short enough to fail a hung test.
TIMEOUT = 20


class Side(threading.Thread):
    """One person's request on a connection of its own."""

    def __init__(self, name: str, work):
        super().__init__(name=name, daemon=True)
        self.work = work
        self.pid: int | None = None
        self.ready = threading.Event()
        self.result = None
        self.error: BaseException | None = None

    def run(self):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
            self.ready.set()
            self.result = self.work()
        except BaseException as exc:  # reported by finish()
            self.error = exc
        finally:
            self.ready.set()
            connections.close_all()

    def finish(self):
        self.join(TIMEOUT)
        assert not self.is_alive(), f"{self.name} did not finish"
        if self.error is not None:
            raise AssertionError(f"{self.name} failed: {self.error!r}") from self.error
        return self.result


def wait_until_blocked_or_done(side: Side) -> None:
    """Until ``side`` waits for a lock held by someone else, or has
    finished (polled on this thread's own connection)."""
    assert side.ready.wait(TIMEOUT)
    deadline = time.monotonic() + TIMEOUT
    with connection.cursor() as cursor:
        while side.is_alive():
            cursor.execute(
                "SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted", [side.pid]
            )
            if cursor.fetchone():
                return
            assert time.monotonic() < deadline, f"{side.name} neither waited nor ended"
            time.sleep(0.005)


class PauseAfterFirstSave:
    """Stands in for the sheet's ``report_save``: in the thread named
    ``who``, after its first report is saved (and the transaction holds
    what that took), waits until told to go on."""

    def __init__(self, who: str):
        self.who = who
        self.paused = threading.Event()
        self.go = threading.Event()
        self.real = sheet_module.report_save

    def __call__(self, **kwargs):
        report = self.real(**kwargs)
        if threading.current_thread().name == self.who and not self.paused.is_set():
            self.paused.set()
            assert self.go.wait(TIMEOUT)
        return report


@pytest.fixture
def period(policy):
    return services.period_open(year=2025, month=3)


@pytest.fixture
def two_reports(users, period) -> list[ProgressReport]:
    """Two of 贵溪's reports of the period, in the order of their ids."""
    return list(
        ProgressReport.objects.filter(
            period=period, department__name="贵溪市人民政府"
        ).order_by("pk")[:2]
    )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def filled_sheet(client, users, period, texts: dict[int, str], reverse_rows=False):
    """The reporter's sheet with ``texts`` as 本月进展; with
    ``reverse_rows`` the rows of those reports change places."""
    sheet = Sheet(fetch(client, users["reporter"], period))
    for pk, text in texts.items():
        sheet.fill(pk, 本月进展=text, 进度判断="正常推进")
    if reverse_rows:
        first, second = (sheet.rows()[pk] for pk in texts)
        for column in range(1, sheet.sheet.max_column + 1):
            a = sheet.sheet.cell(first, column)
            b = sheet.sheet.cell(second, column)
            a.value, b.value = b.value, a.value
    return sheet.bytes()


def test_a_sheet_upload_and_a_web_save_of_one_of_its_reports_both_finish(
    users, period, two_reports, monkeypatch
):
    first, second = two_reports
    sheet_client = logged_in(users["reporter"])
    data = filled_sheet(
        sheet_client, users, period, {first.pk: "表格:一", second.pk: "表格:二"}
    )
    pause = PauseAfterFirstSave("sheet")
    monkeypatch.setattr(sheet_module, "report_save", pause)
    form_client = logged_in(users["leader"])

    sheet = Side("sheet", lambda: upload(sheet_client, period, data))
    sheet.start()
    assert pause.paused.wait(TIMEOUT)
    # The colleague saves the sheet's second report while the upload is
    # halfway through.
    form = Side(
        "form",
        lambda: form_client.post(
            reverse("dispatch:report-edit", args=[second.pk]),
            {
                "version": second.version,
                "progress": "网页:二",
                "proposed_status": "on_track",
            },
        ),
    )
    form.start()
    wait_until_blocked_or_done(form)
    pause.go.set()

    sheet_response = sheet.finish()
    form_response = form.finish()

    assert sheet_response.status_code == 302
    # The upload changed the report after the form was opened: the form is
    # told so, as any later save of an old version is.
    assert form_response.status_code == 400
    assert "保存未成功:这份报告已被" in form_response.content.decode()
    second.refresh_from_db()
    assert second.progress == "表格:二"


def test_two_sheet_uploads_with_the_rows_in_opposite_orders_both_finish(
    users, period, two_reports, monkeypatch
):
    first, second = two_reports
    one, other = logged_in(users["reporter"]), logged_in(users["leader"])
    texts = {first.pk: "甲:一", second.pk: "甲:二"}
    data_one = filled_sheet(one, users, period, texts)
    texts = {first.pk: "乙:一", second.pk: "乙:二"}
    data_other = filled_sheet(other, users, period, texts, reverse_rows=True)
    pause = PauseAfterFirstSave("one")
    monkeypatch.setattr(sheet_module, "report_save", pause)

    side_one = Side("one", lambda: upload(one, period, data_one))
    side_one.start()
    assert pause.paused.wait(TIMEOUT)
    side_other = Side("other", lambda: upload(other, period, data_other))
    side_other.start()
    wait_until_blocked_or_done(side_other)
    pause.go.set()

    response_one = side_one.finish()
    response_other = side_other.finish()

    assert response_one.status_code == 302
    assert response_other.status_code == 400
    [error] = response_other.context["errors"]
    assert "该报告在下载后已被" in error and "请重新下载" in error
    assert {
        r.pk: r.progress
        for r in ProgressReport.objects.filter(pk__in=[first.pk, second.pk])
    } == {first.pk: "甲:一", second.pk: "甲:二"}


# -- two runs of the reminders -------------------------------------------------


def after_the_deadline() -> datetime.datetime:
    """March 2025's period is due on the 25th; closed five days after."""
    return datetime.datetime(2025, 3, 31, 10, tzinfo=BEIJING)


def period_closes() -> int:
    return AuditEvent.objects.filter(action="period.close").count()


def test_two_reminder_runs_at_once_close_the_period_once(period, monkeypatch):
    """Each run is held where it has read the open periods, until the other
    has read them too or is kept out: the old race in which both closed."""
    arrived = {"run 1": threading.Event(), "run 2": threading.Event()}
    go = threading.Event()
    real = reminders_module._mark_overdue

    def held(period, now):
        arrived[threading.current_thread().name].set()
        assert go.wait(TIMEOUT)
        return real(period, now)

    monkeypatch.setattr(reminders_module, "_mark_overdue", held)

    def run():
        return reminders_module.reminders_run(
            now=after_the_deadline(), close_after_days=5
        )

    sides = [Side(name, run) for name in arrived]
    for side in sides:
        side.start()
    deadline = time.monotonic() + TIMEOUT
    while not all(event.is_set() for event in arrived.values()):
        if any(
            arrived[side.name].is_set() and not other.is_alive()
            for side, other in (sides, sides[::-1])
        ):
            break
        assert time.monotonic() < deadline, "neither run reached the periods"
        time.sleep(0.005)
    go.set()
    results = [side.finish() for side in sides]

    assert period_closes() == 1
    assert sorted(result.periods_closed for result in results) == [0, 1]
    assert sum(result.skipped for result in results) == 1
    period.refresh_from_db()
    assert period.status == PeriodStatus.CLOSED


def test_a_run_started_while_another_runs_says_so_and_does_nothing(period):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [reminders_module.RUN_LOCK_KEY])
    try:
        out = StringIO()
        side = Side(
            "command",
            lambda: call_command(
                "send_reminders",
                "--now",
                after_the_deadline().isoformat(),
                "--close-after-days",
                "5",
                stdout=out,
            ),
        )
        side.start()
        side.finish()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_unlock(%s)", [reminders_module.RUN_LOCK_KEY]
            )

    assert "另一次提醒任务正在运行,本次未执行任何操作" in out.getvalue()
    assert period_closes() == 0
    period.refresh_from_db()
    assert period.status == PeriodStatus.OPEN
