"""The public page is cached for visitors, and dropped as soon as what it
shows changes: a report's approval or reopening, a reading recorded,
imported or deleted, a target confirmed. A change rolled back drops
nothing; a signed-in person's page, which bears their name, is never
served to anyone else."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from dispatch.models import ProgressReport
from dispatch.services import period_close, report_transition
from targets.cache import VERSION_KEY
from targets.importing import ReadingRow
from targets.models import Reading, ReadingSource, ReviewStatus, Target
from targets.services import reading_record, readings_import, target_decide
from tasks.models import Policy, Task

SHOWN = "777人"


@pytest.fixture(autouse=True)
def frozen_clock():
    """Mid-month, inside the policy's years and before the deadline."""
    at = datetime.datetime(2025, 6, 12, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(at, tick=False):
        cache.clear()
        yield
        cache.clear()


def make_target(policy, review_status=ReviewStatus.ACCEPTED) -> Target:
    """An accepted target of task 1, which 贵溪市 leads."""
    task = Task.objects.get(policy=policy, number=1)
    return Target.objects.create(
        policy=policy,
        task=task,
        key_task=task.key_task,
        metric="铜产业培训技能人才",
        value=Decimal(1200),
        unit="人",
        kind="cumulative",
        start_date=datetime.date(2023, 1, 1),
        deadline=datetime.date(2025, 12, 31),
        source_text="到2025年,铜产业培训技能人才达到1200人。",
        source_ref="附件第1行",
        fingerprint="fp-copper",
        review_status=review_status,
    )


@pytest.fixture
def target(policy):
    return make_target(policy)


@pytest.fixture
def submitted(period, users, target):
    """贵溪市's report on task 1 with the value, submitted for review."""
    report = ProgressReport.objects.get(
        period=period, task__number=1, department__name="贵溪市人民政府"
    )
    reading_record(
        target=target,
        value="777",
        as_of=datetime.date(2025, 6, 12),
        source=ReadingSource.REPORT,
        actor=users["reporter"],
        report=report,
    )
    report.progress, report.proposed_status = "本月培训铜产业技能人才。", "on_track"
    report.save()
    return report_transition(report=report, action="submit", actor=users["reporter"])


def public(client) -> str:
    response = client.get(reverse("public"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_an_approved_report_shows_its_value_on_the_cached_page_at_once(
    client, users, submitted, django_capture_on_commit_callbacks
):
    assert SHOWN not in public(client)
    with django_capture_on_commit_callbacks(execute=True):
        report_transition(report=submitted, action="approve", actor=users["reviewer"])
    assert SHOWN in public(client)


@pytest.mark.django_db
def test_a_reopened_report_leaves_the_cached_page_at_once(
    client, period, users, submitted, django_capture_on_commit_callbacks
):
    report = report_transition(
        report=submitted, action="approve", actor=users["reviewer"]
    )
    period_close(period=period)
    assert SHOWN in public(client)
    with django_capture_on_commit_callbacks(execute=True):
        report_transition(
            report=report, action="reopen", actor=users["reviewer"], reason="核对"
        )
    assert SHOWN not in public(client)


@pytest.mark.django_db
def test_a_move_that_neither_reaches_nor_leaves_approval_keeps_the_page(
    client, users, submitted, django_capture_on_commit_callbacks
):
    public(client)
    version = cache.get(VERSION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        report_transition(
            report=submitted, action="return", actor=users["reviewer"], reason="补充"
        )
    assert cache.get(VERSION_KEY) == version


@pytest.mark.django_db
def test_a_recorded_reading_shows_at_once(
    client, users, target, django_capture_on_commit_callbacks
):
    assert SHOWN not in public(client)
    with django_capture_on_commit_callbacks(execute=True):
        reading_record(
            target=target,
            value="777",
            as_of=datetime.date(2025, 5, 31),
            source=ReadingSource.REVIEWER,
            actor=users["reviewer"],
        )
    assert SHOWN in public(client)


@pytest.mark.django_db
def test_imported_readings_show_at_once(
    client, target, django_capture_on_commit_callbacks
):
    assert SHOWN not in public(client)
    with django_capture_on_commit_callbacks(execute=True):
        readings_import(
            rows=[
                ReadingRow(
                    row=2,
                    target_id=target.pk,
                    value="777",
                    as_of=datetime.date(2025, 5, 31),
                )
            ]
        )
    assert SHOWN in public(client)


@pytest.mark.django_db
def test_a_reading_deleted_in_the_admin_leaves_at_once(
    client, users, target, django_capture_on_commit_callbacks
):
    reading = Reading.objects.create(
        target=target, value=777, as_of=datetime.date(2025, 5, 31), source="import"
    )
    admin = users["sysadmin"]
    admin.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="targets")
    )
    assert SHOWN in public(client)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:targets_reading_delete", args=[reading.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert not Reading.objects.exists()
    client.logout()
    assert SHOWN not in public(client)


@pytest.mark.django_db
def test_a_confirmed_target_shows_at_once(
    client, users, policy, django_capture_on_commit_callbacks
):
    target = make_target(policy, review_status=ReviewStatus.PROPOSED)
    assert "铜产业培训技能人才" not in public(client)
    with django_capture_on_commit_callbacks(execute=True):
        target_decide(target=target, accept=True, actor=users["reviewer"])
    assert "铜产业培训技能人才" in public(client)


@pytest.mark.django_db
def test_a_write_rolled_back_keeps_the_page(
    client, users, target, django_capture_on_commit_callbacks
):
    public(client)
    version = cache.get(VERSION_KEY)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        reading_record(
            target=target,
            value="888",
            as_of=datetime.date(2025, 6, 1),
            source=ReadingSource.REVIEWER,
            actor=users["reviewer"],
        )
        raise RuntimeError
    assert cache.get(VERSION_KEY) == version


@pytest.mark.django_db
def test_a_signed_in_persons_page_is_theirs_alone(client, users, target):
    assert "退出" not in public(client)
    client.force_login(users["reviewer"])
    assert "退出" in public(client)
    client.logout()
    page = public(client)
    assert "退出" not in page
    assert "登录" in page


@pytest.mark.django_db
def test_a_policy_withdrawn_or_renamed_in_the_admin_drops_the_cached_page(
    client, policy, users, django_capture_on_commit_callbacks
):
    own = reverse("public-policy", args=[policy.pk])
    assert client.get(own).status_code == 200  # now cached
    admin = reverse("admin:tasks_policy_changelist")
    client.force_login(users["sysadmin"])
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            admin, {"action": "withdraw", "_selected_action": [policy.pk]}
        )
    assert answer.status_code == 302
    policy.refresh_from_db()
    assert not policy.published
    client.logout()
    assert client.get(own).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(users["sysadmin"])
        client.post(admin, {"action": "publish", "_selected_action": [policy.pk]})
    client.logout()
    assert client.get(own).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(users["sysadmin"])
        change = reverse("admin:tasks_policy_change", args=[policy.pk])
        form = client.get(change).context["adminform"].form
        data = {
            name: value
            for name, value in form.initial.items()
            if value is not None and name != "published"
        }
        data.update(title="技能鹰潭行动(改)", published="on")
        assert client.post(change, data).status_code == 302
    client.logout()
    assert Policy.objects.get(pk=policy.pk).title == "技能鹰潭行动(改)"
    assert "技能鹰潭行动(改)" in client.get(own).content.decode()
