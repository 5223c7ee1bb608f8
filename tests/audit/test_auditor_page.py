"""The auditor's page: only holders of audit.view_audit_trail see it; it
filters by user, department, object, action and date, pages by 50 in a
fixed number of queries, and exports what it found, itself a recorded act."""

import csv
import datetime
import io
import json
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import RoleName
from accounts.services import user_create
from audit.models import AuditEvent
from audit.services import audit_record
from tests.audit.conftest import only_event

URL = reverse("audit:event-list")
EXPORT = reverse("audit:event-export")
SHANGHAI = timezone.get_default_timezone()


def add(action="report.save", at=None, **fields) -> AuditEvent:
    """A row as the page reads it; the chain plays no part here."""
    return AuditEvent.objects.create(
        action=action,
        at=at or timezone.now(),
        hash="0" * 64,
        **fields,
    )


def shown(response) -> list[str]:
    """The rows listed, leaving out the sign-ins that force_login records."""
    return [
        event.object_repr
        for event in response.context["events"]
        if event.action != "auth.login"
    ]


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_sign_in(client):
    for url in (URL, EXPORT):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_the_auditor_sees_the_page_and_its_menu_entry(client, auditor):
    client.force_login(auditor)
    response = client.get(URL)
    assert response.status_code == 200
    assert ("审计日志", URL) in response.context["nav_items"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", ["reporter", "leader", "reviewer", "sysadmin", "other_department"]
)
def test_every_other_role_is_refused(client, users, role):
    client.force_login(users[role])
    assert client.get(URL).status_code == 403
    assert client.get(EXPORT).status_code == 403
    home = client.get(reverse("tasks:task-list"))
    assert ("审计日志", URL) not in home.context["nav_items"]


@pytest.mark.django_db
def test_rows_recorded_before_the_monthly_loop_moved_app_are_read_under_its_name(
    client, auditor
):
    """A row is never rewritten: reports recorded as tasks.progressreport
    before the move are found and named as the reports they are."""
    add(object_repr="旧", object_type="tasks.progressreport", object_id="7")
    add(object_repr="新", object_type="dispatch.progressreport", object_id="9")
    add(object_repr="任务", object_type="tasks.task", object_id="1")
    client.force_login(auditor)

    response = client.get(URL, {"object_type": "dispatch.progressreport"})

    assert sorted(shown(response)) == ["新", "旧"]
    assert "进展报告 #7" in response.content.decode()
    assert "tasks.progressreport" not in response.content.decode()


@pytest.mark.django_db
def test_filters_by_user_department_object_action_and_date(client, auditor):
    today = timezone.localdate()
    add(
        object_repr="甲",
        actor_username="reporter",
        actor_department="贵溪市人民政府",
        object_type="dispatch.progressreport",
        object_id="7",
    )
    add(
        object_repr="乙",
        action="report.approve",
        actor_username="reviewer",
        actor_department="市人社局",
        department="贵溪市人民政府",
        object_type="dispatch.progressreport",
        object_id="8",
    )
    add(
        object_repr="丙",
        action="auth.login_failed",
        after={"username": "reporter"},
    )
    # 00:30 in Shanghai on the day before yesterday: still that day there,
    # though the previous one in UTC.
    early = datetime.datetime.combine(
        today - datetime.timedelta(days=2), datetime.time(0, 30), tzinfo=SHANGHAI
    )
    add(object_repr="丁", actor_username="leader", at=early)
    client.force_login(auditor)

    def names(**query):
        response = client.get(URL, query)
        assert response.status_code == 200
        return sorted(shown(response))

    assert names() == ["丁", "丙", "乙", "甲"]
    # The failed sign-in names the user tried.
    assert names(user="report") == ["丙", "甲"]
    # The actor's department or the object's.
    assert names(department="贵溪") == ["乙", "甲"]
    assert names(action="report.approve") == ["乙"]
    assert names(object_type="dispatch.progressreport", object_id="8") == ["乙"]
    day = (today - datetime.timedelta(days=2)).isoformat()
    assert names(date_from=day, date_to=day) == ["丁"]
    assert names(date_from=today.isoformat()) == ["丙", "乙", "甲"]
    assert names(date_to=(today - datetime.timedelta(days=1)).isoformat()) == ["丁"]


def text(response) -> str:
    """The page as a person reads it: no tags, no attributes."""
    return re.sub(r"<[^>]+>", "", response.content.decode())


@pytest.mark.django_db
def test_the_page_shows_before_and_after_in_words(client, auditor):
    add(
        object_type="dispatch.progressreport",
        object_repr="报告",
        before={"state": "submitted"},
        after={"state": "approved"},
    )
    client.force_login(auditor)
    assert "状态:已报送 → 已审核" in text(client.get(URL))


def labelled_events():
    add(action="auth.login", actor_username="reporter", object_repr="签到")
    add(
        action="report.save",
        object_type="dispatch.progressreport",
        object_repr="报告",
        before={"proposed_status": "", "completion": None},
        after={"proposed_status": "on_track", "completion": 40},
    )
    add(
        action="account.unlock",
        object_type="accounts.user",
        object_repr="reporter",
        after={"username": "reporter", "ip_address": "", "removed": 1},
    )
    add(
        action="account.roles",
        object_type="accounts.user",
        object_repr="leader",
        before={"roles": []},
        after={"roles": ["leader"]},
    )
    add(
        action="account.create",
        object_type="accounts.user",
        object_repr="new",
        after={"must_change_password": True, "department": 3},
    )


@pytest.mark.django_db
def test_the_page_names_actions_fields_and_values_in_chinese(client, auditor):
    labelled_events()
    client.force_login(auditor)
    page = text(client.get(URL))
    for words in [
        "登录",
        "保存报告",
        "进度判断:(无) → 正常推进",
        "完成度(%):(无) → 40",
        "解除锁定",
        "用户名:reporter",
        "清除的失败记录数:1",
        "角色:(无) → 部门负责人",
        "须修改密码:是",
        "所属部门:3",
    ]:
        assert words in page
    for code in ["auth.login", "report.save", "proposed_status", "on_track", "removed"]:
        assert code not in page


@pytest.mark.django_db
def test_the_export_names_actions_and_changes_as_the_page_does(client, auditor):
    labelled_events()
    client.force_login(auditor)
    response = client.get(EXPORT, {"format": "csv", "action": "report.save"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["操作"] == "保存报告"
    assert row["操作代码"] == "report.save"
    # In the order the model declares its fields, on every database.
    assert row["修改内容"] == "进度判断:(无) → 正常推进\n完成度(%):(无) → 40"
    # As recorded too, the JSON the hash covers.
    recorded = json.loads(row["修改后"])
    assert recorded == {"proposed_status": "on_track", "completion": 40}


@pytest.mark.django_db
def test_pages_hold_fifty_rows(client, auditor):
    client.force_login(auditor)  # recorded first, so listed last
    for number in range(51):
        add(object_repr=f"记录{number}")
    first = client.get(URL)
    assert len(first.context["events"]) == 50
    assert first.context["events"][0].object_repr == "记录50"
    second = client.get(URL, {"page": 2}).context["events"]
    assert [e.object_repr for e in second] == ["记录0", "auditor"]


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_trail(client, auditor):
    client.force_login(auditor)
    counts = []
    for size in (3, 120):
        for number in range(size):
            add(
                object_repr=f"记录{number}",
                actor_username="reporter",
                before={"progress": "旧"},
                after={"progress": "新"},
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"user": "report"}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


FORMULAS = ['=HYPERLINK("http://example.com")', "+1+2", "-3", "@SUM(A1)"]


@pytest.mark.django_db
def test_csv_export_escapes_formulas_and_is_recorded(client, auditor):
    for text in FORMULAS:
        add(object_repr=text, actor_username="reporter")
    add(object_repr="别的", actor_username="leader")
    client.force_login(auditor)
    response = client.get(
        EXPORT, {"format": "csv", "user": "reporter"}, REMOTE_ADDR="10.7.7.7"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    column = header.index("对象")
    assert sorted(row[column] for row in body) == sorted(f"'{t}" for t in FORMULAS)

    exported = only_event("export.audit")
    assert exported.actor_username == "auditor"
    assert exported.ip == "10.7.7.7"
    assert exported.after["rows"] == 4
    assert exported.after["format"] == "csv"
    assert exported.after["filters"] == {"user": "reporter"}


@pytest.mark.django_db
def test_xlsx_export_escapes_formulas(client, auditor):
    for text in FORMULAS:
        add(object_repr=text)
    client.force_login(auditor)
    response = client.get(EXPORT, {"format": "xlsx", "action": "report.save"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("对象")
    values = [row[column] for row in rows[1:]]
    assert sorted(values) == sorted(f"'{t}" for t in FORMULAS)
    assert only_event("export.audit").after["rows"] == 4


@pytest.mark.django_db
def test_export_holds_the_hashes_that_verify(client, auditor):
    event = audit_record(action="period.close", object_repr="2025年3月")
    client.force_login(auditor)
    response = client.get(EXPORT, {"format": "csv", "action": "period.close"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][rows[0].index("哈希")] == event.hash


@pytest.mark.django_db
def test_an_unknown_export_format_is_refused(client, auditor):
    client.force_login(auditor)
    assert client.get(EXPORT, {"format": "pdf"}).status_code == 400
    assert not AuditEvent.objects.filter(action="export.audit").exists()


@pytest.mark.django_db
def test_the_auditor_role_gives_the_page_through_its_group(client, departments):
    user = user_create(
        username="shenji",
        password="Pass#word123",
        role=RoleName.AUDITOR,
        must_change_password=False,
    )
    assert not user.user_permissions.exists()
    client.force_login(user)
    assert client.get(URL).status_code == 200
