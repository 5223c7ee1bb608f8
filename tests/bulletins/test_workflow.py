"""The bulletin's workflow: create a draft from the figures, edit it,
check its 发文字号, issue (freeze, deliver, mail), regenerate with the
differences listed, publish, read receipts, and the render jobs' moves."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from audit.models import AuditEvent
from bulletins import services
from bulletins.models import (
    BulletinDelivery,
    BulletinKind,
    BulletinState,
    RenderStatus,
)
from bulletins.selectors import bulletins as selectors
from bulletins.services import BulletinError, RenderError
from tasks.models import Department, Policy
from tests.bulletins.fake_figures import install_stub, make_figures

TODAY = datetime.date(2025, 10, 10)
NOW = datetime.datetime(2025, 10, 10, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
Q3 = ((2025, 7), (2025, 9))


@pytest.fixture
def figures_stub(monkeypatch):
    return install_stub(monkeypatch)


@pytest.fixture
def units(departments):
    return [
        Department.objects.get(name=name)
        for name in ("贵溪市人民政府", "市人社局", "市财政局")
    ]


@pytest.fixture
def quarterly(db):
    return BulletinKind.objects.get(name="季度通报")


@pytest.fixture
def small_policy(departments):
    return Policy.objects.create(number="鹰办发〔2022〕22号", title="意见")


@pytest.fixture
def draft(figures_stub, units, users, quarterly, small_policy):
    figures_stub.figures = make_figures(units)
    return services.bulletin_create(
        policy=small_policy,
        kind=quarterly,
        first=Q3[0],
        last=Q3[1],
        today=TODAY,
        actor=users["reviewer"],
    )


def issue(bulletin, users, number="鹰技能办〔2025〕3号"):
    services.bulletin_update(
        bulletin=bulletin, data={"number": number}, actor=users["reviewer"]
    )
    return services.bulletin_issue(bulletin=bulletin, now=NOW, actor=users["reviewer"])


def test_the_two_kinds_exist_after_migrating(db):
    kinds = dict(BulletinKind.objects.values_list("name", "months"))
    assert kinds == {"季度通报": 3, "月度调度通报": 1}


def test_create_stores_the_figures_as_version_one_with_a_drafted_narrative(
    draft, figures_stub, quarterly, units
):
    version = draft.versions.get()
    assert version.number == 1
    assert version.figures == make_figures(units)
    assert version.text is None and version.issued_at is None
    assert draft.state == BulletinState.DRAFT
    assert draft.title == "关于2025年第三季度技能鹰潭行动工作推进情况的通报"
    # The opening words only: the figures are worded from the snapshot.
    assert draft.overview.endswith("现将2025年第三季度工作推进情况通报如下。")
    assert "项" not in draft.overview
    assert draft.problems == "(一)贵溪市人民政府\n\n第3项:培训场地不足。"
    assert draft.copy_to == quarterly.copy_to
    (call,) = figures_stub.calls
    assert call["first"] == (2025, 7) and call["last"] == (2025, 9)
    assert call["today"] == TODAY
    assert call["rule"].yellow_below == 20 and call["previous"] is None
    event = AuditEvent.objects.get(action="bulletin.create")
    assert event.object_id == str(draft.pk)


def test_only_a_reviewer_creates_a_bulletin(
    figures_stub,
    units,
    users,
    quarterly,
    small_policy,
):
    figures_stub.figures = make_figures(units)
    with pytest.raises(BulletinError, match="只有人社局审核员"):
        services.bulletin_create(
            policy=small_policy,
            kind=quarterly,
            first=Q3[0],
            last=Q3[1],
            today=TODAY,
            actor=users["reporter"],
        )


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ((2025, 9), (2025, 7), "截止月份早于起始月份"),
        ((2024, 1), (2025, 6), "最多 12 个月"),
        ((2025, 11), (2025, 12), "尚未到来"),
        ((2025, 13), (2025, 13), "不在 1–12 之间"),
    ],
)
def test_a_wrong_month_range_is_refused_and_named(
    figures_stub,
    units,
    users,
    quarterly,
    small_policy,
    first,
    last,
    message,
):
    figures_stub.figures = make_figures(units)
    with pytest.raises(BulletinError, match=message):
        services.bulletin_create(
            policy=small_policy,
            kind=quarterly,
            first=first,
            last=last,
            today=TODAY,
            actor=users["reviewer"],
        )
    assert not figures_stub.calls


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("鹰技能办〔2025〕03号", "不能以 0 开头"),
        ("鹰技能办[2025]3号", "六角括号"),
        ("鹰技能办(2025)3号", "六角括号"),
        ("鹰人社字〔2025〕3号", "应以“鹰技能办”开头"),
        ("鹰技能办〔25〕3号", "格式不对"),
        ("鹰技能办〔2025〕3", "格式不对"),
    ],
)
def test_a_malformed_document_number_is_refused_with_the_reason(
    draft, users, number, message
):
    with pytest.raises(BulletinError, match=message):
        services.bulletin_update(
            bulletin=draft, data={"number": number}, actor=users["reviewer"]
        )
    draft.refresh_from_db()
    assert draft.number == ""


def test_a_well_formed_document_number_is_saved_and_audited(draft, users):
    services.bulletin_update(
        bulletin=draft,
        data={"number": "鹰技能办〔2025〕10号", "copy_to": "市委办公室。"},
        actor=users["reviewer"],
    )
    draft.refresh_from_db()
    assert draft.number == "鹰技能办〔2025〕10号"
    event = AuditEvent.objects.get(action="bulletin.update")
    assert event.after == {"number": "鹰技能办〔2025〕10号", "copy_to": "市委办公室。"}
    assert event.before == {"number": "", "copy_to": "市委办公室,市政府办公室。"}


def test_two_bulletins_cannot_share_a_document_number(
    draft,
    figures_stub,
    users,
    quarterly,
    small_policy,
    units,
):
    issue(draft, users)
    other = services.bulletin_create(
        policy=small_policy,
        kind=quarterly,
        first=(2025, 9),
        last=(2025, 9),
        today=TODAY,
        actor=users["reviewer"],
    )
    with pytest.raises(BulletinError, match="已被《"):
        services.bulletin_update(
            bulletin=other,
            data={"number": "鹰技能办〔2025〕3号"},
            actor=users["reviewer"],
        )


def test_issue_needs_a_document_number(draft, users):
    with pytest.raises(BulletinError, match="请填写发文字号"):
        services.bulletin_issue(bulletin=draft, now=NOW, actor=users["reviewer"])


def test_issue_freezes_the_words_delivers_to_each_department_and_mails_after_commit(
    draft, users, units, django_capture_on_commit_callbacks
):
    users["reporter"].email = "gx-reporter@example.cn"
    users["reporter"].save()
    users["leader"].email = "gx-leader@example.cn"
    users["leader"].save()
    with django_capture_on_commit_callbacks(execute=True):
        version = issue(draft, users)
    draft.refresh_from_db()
    assert draft.state == BulletinState.ISSUED
    assert draft.issued_by == users["reviewer"] and draft.issued_at == NOW
    assert version.issued_at == NOW
    assert version.text["number"] == "鹰技能办〔2025〕3号"
    assert version.text["overview"] == draft.overview
    assert version.text["date"] == "2025-10-10" and version.text["public"] is False
    delivered = set(draft.deliveries.values_list("department__name", flat=True))
    assert delivered == {u.name for u in units}
    # Of the three departments only 贵溪市 has users with an address.
    (message,) = mail.outbox
    assert "鹰技能办〔2025〕3号" in message.subject
    assert message.to == ["gx-leader@example.cn", "gx-reporter@example.cn"]
    assert message.body.startswith("贵溪市人民政府:")
    guixi = draft.deliveries.get(department=users["reporter"].department)
    assert guixi.emailed_to == "gx-leader@example.cn, gx-reporter@example.cn"
    assert guixi.read_at is None and guixi.notified_at == NOW
    event = AuditEvent.objects.get(action="bulletin.issue")
    assert event.after["departments"] == 3 and event.after["version"] == 1
    assert event.after["emailed_to"] == message.to


def test_no_delivery_nor_mail_when_the_issue_is_rolled_back(
    draft, users, django_capture_on_commit_callbacks, monkeypatch
):
    users["reporter"].email = "gx-reporter@example.cn"
    users["reporter"].save()
    services.bulletin_update(
        bulletin=draft, data={"number": "鹰技能办〔2025〕3号"}, actor=users["reviewer"]
    )

    def broken(**kwargs):
        raise RuntimeError("审计写入失败")

    monkeypatch.setattr(services, "audit_record", broken)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        services.bulletin_issue(bulletin=draft, now=NOW, actor=users["reviewer"])
    assert callbacks == [] and mail.outbox == []
    assert not BulletinDelivery.objects.exists()
    draft.refresh_from_db()
    assert draft.state == BulletinState.DRAFT


def test_an_issued_bulletin_can_neither_be_edited_nor_issued_again(draft, users):
    issue(draft, users)
    with pytest.raises(BulletinError, match="已签发,不能修改"):
        services.bulletin_update(
            bulletin=draft, data={"overview": "改"}, actor=users["reviewer"]
        )
    with pytest.raises(BulletinError, match="已经签发"):
        services.bulletin_issue(bulletin=draft, now=NOW, actor=users["reviewer"])


def test_regenerating_lists_what_changed_and_leaves_the_issued_version_as_it_was(
    draft,
    users,
    units,
    figures_stub,
):
    issue(draft, users)
    issued = draft.versions.get(number=1)
    figures_stub.figures = make_figures(
        units, tasks=[(1, "green"), (2, "green"), (4, "red")]
    )
    version = services.bulletin_regenerate(
        bulletin=draft, today=TODAY, actor=users["reviewer"]
    )
    assert version.number == 2 and version.issued_at is None
    changes = version.changes
    assert changes["lights"] == [
        {
            "task_number": 2,
            "requirement": "第2项工作要求",
            "before": "滞后",
            "after": "按序时推进",
        }
    ]
    assert {"label": "按序时推进", "before": 1, "after": 2} in changes["counts"]
    assert {"label": "滞后", "before": 1, "after": 0} in changes["counts"]
    assert [t["number"] for t in changes["tasks_added"]] == [4]
    assert [t["number"] for t in changes["tasks_removed"]] == [3]
    assert changes["targets"] == []
    # The issued version is untouched; the bulletin is a draft again, and a
    # department still reads version 1.
    issued_again = draft.versions.get(number=1)
    assert issued_again.figures == issued.figures and issued_again.text == issued.text
    draft.refresh_from_db()
    assert draft.state == BulletinState.DRAFT
    assert selectors.shown_version(draft, users["reporter"]).number == 1
    assert selectors.shown_version(draft, users["reviewer"]).number == 2
    event = AuditEvent.objects.get(action="bulletin.regenerate")
    assert event.after["version"] == 2 and event.after["changed"]["lights"] == 1


def test_regenerating_with_the_same_figures_lists_no_change(draft, users):
    version = services.bulletin_regenerate(
        bulletin=draft, today=TODAY, actor=users["reviewer"]
    )
    assert not selectors.has_changes(version.changes)


def test_reissuing_a_correction_makes_it_unread_again(
    draft, users, django_capture_on_commit_callbacks
):
    issue(draft, users)
    services.delivery_mark_read(bulletin=draft, now=NOW, actor=users["reporter"])
    services.bulletin_regenerate(bulletin=draft, today=TODAY, actor=users["reviewer"])
    later = NOW + datetime.timedelta(days=1)
    services.bulletin_issue(bulletin=draft, now=later, actor=users["reviewer"])
    delivery = draft.deliveries.get(department=users["reporter"].department)
    assert delivery.read_at is None and delivery.notified_at == later
    assert draft.deliveries.count() == 3
    assert selectors.shown_version(draft, users["reporter"]).number == 2


def test_the_next_bulletin_gets_the_last_issued_figures_for_rank_changes(
    draft,
    users,
    figures_stub,
    quarterly,
    small_policy,
):
    issue(draft, users)
    services.bulletin_create(
        policy=small_policy,
        kind=quarterly,
        first=(2025, 10),
        last=(2025, 10),
        today=datetime.date(2025, 10, 31),
        actor=users["reviewer"],
    )
    assert figures_stub.calls[-1]["previous"] == draft.versions.get().figures


def test_publishing_needs_an_issued_bulletin_and_can_be_taken_back(draft, users):
    reviewer = users["reviewer"]
    with pytest.raises(BulletinError, match="签发后才能公开"):
        services.bulletin_publish(
            bulletin=draft, published=True, now=NOW, actor=reviewer
        )
    issue(draft, users)
    services.bulletin_publish(bulletin=draft, published=True, now=NOW, actor=reviewer)
    draft.refresh_from_db()
    assert draft.published and draft.published_at == NOW
    with pytest.raises(BulletinError, match="已经公开"):
        services.bulletin_publish(
            bulletin=draft, published=True, now=NOW, actor=reviewer
        )
    services.bulletin_publish(bulletin=draft, published=False, now=NOW, actor=reviewer)
    draft.refresh_from_db()
    assert not draft.published
    assert list(
        AuditEvent.objects.filter(action__startswith="bulletin.").values_list(
            "action", flat=True
        )
    )[:2] == ["bulletin.unpublish", "bulletin.publish"]


def test_a_department_read_is_recorded_once(draft, users):
    issue(draft, users)
    first = services.delivery_mark_read(
        bulletin=draft, now=NOW, actor=users["reporter"]
    )
    later = NOW + datetime.timedelta(hours=2)
    again = services.delivery_mark_read(
        bulletin=draft, now=later, actor=users["leader"]
    )
    assert first.read_at == NOW and again.read_at == NOW
    assert AuditEvent.objects.filter(action="bulletin.read").count() == 1
    # 市教育局 was not sent this bulletin.
    assert (
        services.delivery_mark_read(
            bulletin=draft, now=NOW, actor=users["other_department"]
        )
        is None
    )


def test_a_render_job_moves_from_queued_through_running_to_done(draft, users):
    version = draft.versions.get()
    job = services.render_job_create(version=version, actor=users["reviewer"])
    assert job.status == RenderStatus.QUEUED and job.progress == 0
    with pytest.raises(RenderError, match="正在生成"):
        services.render_job_create(version=version, actor=users["reviewer"])
    services.render_job_start(job=job, now=NOW)
    services.render_job_progress(job=job, progress=40, message="正在转换 PDF")
    job.refresh_from_db()
    assert (job.status, job.progress, job.message) == ("running", 40, "正在转换 PDF")
    with pytest.raises(RenderError, match="进度倒退"):
        services.render_job_progress(job=job, progress=10)
    with pytest.raises(RenderError, match="未知的文件格式"):
        services.render_job_finish(job=job, files={"odt": "a.odt"}, now=NOW)
    services.render_job_finish(
        job=job, files={"docx": "1/a.docx", "pdf": "1/a.pdf"}, now=NOW
    )
    job.refresh_from_db()
    assert (job.status, job.progress, job.docx, job.xlsx) == (
        "done",
        100,
        "1/a.docx",
        "",
    )
    with pytest.raises(RenderError, match="不能再标记失败"):
        services.render_job_fail(job=job, reason="x", now=NOW)
    actions = set(
        AuditEvent.objects.filter(object_type="bulletins.renderjob").values_list(
            "action", flat=True
        )
    )
    assert actions == {
        "bulletin.render",
        "bulletin.render_start",
        "bulletin.render_done",
    }


def test_a_failed_render_job_keeps_its_reason(draft, users):
    job = services.render_job_create(
        version=draft.versions.get(), actor=users["reviewer"]
    )
    with pytest.raises(RenderError, match="不能标记完成"):
        services.render_job_finish(job=job, files={}, now=NOW)
    services.render_job_start(job=job, now=NOW)
    with pytest.raises(RenderError, match="不能开始生成"):
        services.render_job_start(job=job, now=NOW)
    services.render_job_fail(job=job, reason="LibreOffice 转换超时(120 秒)", now=NOW)
    job.refresh_from_db()
    assert job.status == "failed" and "超时" in job.message
    # A failed job no longer blocks a new one.
    services.render_job_create(version=draft.versions.get(), actor=users["reviewer"])


def test_only_a_reviewer_starts_a_render_job(draft, users):
    with pytest.raises(BulletinError):
        services.render_job_create(version=draft.versions.get(), actor=users["leader"])


def test_text_blocks_split_paragraphs_and_spot_headings():
    blocks = selectors.text_blocks(
        "一、总体情况\n\n(一)进度\n\n正文一段。\n第二行\n\n\n"
    )
    assert [(b.kind, b.text) for b in blocks] == [
        ("h1", "一、总体情况"),
        ("h2", "(一)进度"),
        ("p", "正文一段。\n第二行"),
    ]


def test_create_runs_with_the_real_figures_selector(policy, users, quarterly):
    """The interface itself, not the stub: the stored snapshot has the
    shape the pages and documents read."""
    import json

    bulletin = services.bulletin_create(
        policy=policy,
        kind=quarterly,
        first=Q3[0],
        last=Q3[1],
        today=TODAY,
        actor=users["reviewer"],
    )
    figures = bulletin.versions.get().figures
    assert figures["schema"] == 1
    assert figures["range"]["first"] == "2025-07" and figures["range"]["months"] == 3
    json.dumps(figures)
