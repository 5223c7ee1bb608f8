"""The bulletin's audit records in words: every key its services write
beside the model's fields (the month range, the version, what a new
version changed, how many units it was sent to, when one read it) is
named in Chinese on the auditor's page, the codes left to the record."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from audit.labels import changes_text
from audit.models import AuditEvent
from bulletins import services
from bulletins.models import BulletinKind
from tasks.models import Department, Policy
from tests.audit.test_auditor_page import URL, text
from tests.bulletins.fake_figures import install_stub, make_figures

NOW = datetime.datetime(2025, 10, 10, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
# The keys bulletins/services.py and views.py record that are no field of
# the object they record (a Bulletin, a RenderJob).
BULLETIN_KEYS = ["range", "version", "changed", "departments", "read_at"]


@pytest.fixture
def bulletin_trail(monkeypatch, departments, users):
    """A bulletin taken through every recorded step by the real services."""
    stub = install_stub(monkeypatch)
    units = [
        Department.objects.get(name=name)
        for name in ("贵溪市人民政府", "市人社局", "市财政局")
    ]
    stub.figures = make_figures(units)
    reviewer = users["reviewer"]
    bulletin = services.bulletin_create(
        policy=Policy.objects.create(number="鹰办发〔2022〕22号", title="意见"),
        kind=BulletinKind.objects.get(name="季度通报"),
        first=(2025, 7),
        last=(2025, 9),
        today=NOW.date(),
        actor=reviewer,
    )
    services.bulletin_update(
        bulletin=bulletin,
        data={"number": "鹰技能办〔2025〕3号", "copy_to": "市委办公室。"},
        actor=reviewer,
    )
    services.bulletin_issue(bulletin=bulletin, now=NOW, actor=reviewer)
    services.delivery_mark_read(bulletin=bulletin, now=NOW, actor=users["reporter"])
    stub.figures = make_figures(units, tasks=[(1, "green"), (2, "red"), (4, "red")])
    version = services.bulletin_regenerate(
        bulletin=bulletin, today=NOW.date(), actor=reviewer
    )
    services.bulletin_publish(
        bulletin=bulletin, published=True, now=NOW, actor=reviewer
    )
    job = services.render_job_create(version=version, actor=reviewer)
    services.render_job_start(job=job, now=NOW)
    services.render_job_fail(job=job, reason="LibreOffice 转换超时", now=NOW)
    return bulletin


@pytest.mark.django_db
def test_every_key_a_bulletin_records_has_a_chinese_label(bulletin_trail):
    events = AuditEvent.objects.filter(action__startswith="bulletin.")
    assert {e.action for e in events} >= {
        "bulletin.create",
        "bulletin.update",
        "bulletin.issue",
        "bulletin.read",
        "bulletin.regenerate",
        "bulletin.publish",
        "bulletin.render",
        "bulletin.render_start",
        "bulletin.render_fail",
    }
    recorded = set()
    for event in events:
        recorded |= set(event.before or {}) | set(event.after or {})
        words = changes_text(event)
        for key in BULLETIN_KEYS:
            assert f"{key}:" not in words, (event.action, words)
    assert recorded >= set(BULLETIN_KEYS)


@pytest.mark.django_db
def test_the_auditor_reads_the_bulletins_steps_in_chinese(
    client, auditor, bulletin_trail
):
    client.force_login(auditor)
    page = text(client.get(URL))
    for words in [
        "创建通报",
        "月份范围:2025年第三季度",
        "版本:1",
        "通报类型:季度通报",
        "发文字号:(无) → 鹰技能办〔2025〕3号",
        "签发通报",
        "状态:草稿 → 已签发",
        "送达单位数:3",
        "阅读通报",
        "阅读时间:2025-10-10 09:30:00",
        "重新生成通报",
        "版本:1 → 2",
        # 滞后 1 → 0 and 严重滞后 1 → 2; task 2's light; task 4 for task 3.
        "与上一版的差异:数字变化 2、任务亮灯变化 1、目标亮灯变化 0、"
        "新增任务 1、删去任务 1",
        "公开通报",
        "已公开:否 → 是",
        "通报文件生成失败",
        "说明:(无) → LibreOffice 转换超时",
    ]:
        assert words in page, words
    for code in [*BULLETIN_KEYS, "tasks_added", "bulletin.issue", "render_fail"]:
        assert code not in page, code


def test_a_key_naming_a_reverse_relation_reads_as_its_value():
    """A service may record a count under the name of a reverse relation
    (a round's ``problems``); its label must not fail for want of choices."""
    from audit.labels import value_label

    assert value_label("supervision.round", "problems", 3) == "3"
    assert value_label("bulletins.bulletin", "versions", 2) == "2"
