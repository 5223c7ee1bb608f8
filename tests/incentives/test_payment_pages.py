"""The payment pages by every role: the reviewer does everything, a clerk
reads its finance's batches and ledger, a clerk of another area gets a 404
on them, departments without an incentive role and the administrator a
403; refusals and bad input come back as Chinese messages, never a 500."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from incentives.models import LineStatus, PaymentBatch
from incentives.services.payments import batch_create, batch_export
from tests.incentives.payment_data import (
    MONTH,
    TODAY,
    approved,
    budget_set,
    finance,
    read_rows,
    sheet,
)

pytestmark = pytest.mark.django_db
CARD = "6217001234567890123"
ROLES = ("clerk", "clerk_other", "city_clerk", "reviewer", "reporter", "sysadmin")


@pytest.fixture(autouse=True)
def march_2025():
    """The pages take today from the clock: 2025-03-20, as ``TODAY``."""
    start = datetime.datetime.combine(
        TODAY, datetime.time(10), ZoneInfo("Asia/Shanghai")
    )
    with time_machine.travel(start, tick=True):
        yield


@pytest.fixture
def reviewer(incentive_users):
    return incentive_users["reviewer"]


@pytest.fixture
def batch(incentive_defaults, reviewer):
    """A batch of 贵溪市财政 with one line (张小三)."""
    guixi = finance("贵溪市财政")
    budget_set(guixi, 100_000)
    approved(finance=guixi, amount=2200, actor=reviewer, name="张小三", card=CARD)
    return batch_create(finance=guixi, month=MONTH, actor=reviewer, today=TODAY)


def pages(batch) -> dict[str, str]:
    return {
        "batch-list": reverse("incentives:batch-list"),
        "batch-detail": reverse("incentives:batch-detail", args=[batch.pk]),
        "batch-export": reverse("incentives:batch-export", args=[batch.pk]),
        "batch-settle": reverse("incentives:batch-settle", args=[batch.pk]),
        "ledger": reverse("incentives:ledger"),
    }


# Expected GET status of each page by role (the batch is 贵溪市's).
EXPECTED_GET = {
    "clerk": {"batch-list": 200, "batch-detail": 200, "batch-export": 200,
              "batch-settle": 200, "ledger": 200},
    "clerk_other": {"batch-list": 200, "batch-detail": 404, "batch-export": 404,
                    "batch-settle": 404, "ledger": 200},
    "city_clerk": {"batch-list": 200, "batch-detail": 200, "batch-export": 200,
                   "batch-settle": 200, "ledger": 200},
    "reviewer": {"batch-list": 200, "batch-detail": 200, "batch-export": 200,
                 "batch-settle": 200, "ledger": 200},
    "reporter": {"batch-list": 403, "batch-detail": 403, "batch-export": 403,
                 "batch-settle": 403, "ledger": 403},
    "sysadmin": {"batch-list": 403, "batch-detail": 403, "batch-export": 403,
                 "batch-settle": 403, "ledger": 403},
}  # fmt: skip


def test_anonymous_visitors_are_sent_to_sign_in(client, batch):
    for url in pages(batch).values():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    response = client.post(reverse("incentives:batch-create"), {})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ROLES)
def test_each_page_by_each_role(client, batch, incentive_users, role):
    client.force_login(incentive_users[role])
    for name, url in pages(batch).items():
        response = client.get(url)
        assert response.status_code == EXPECTED_GET[role][name], (role, name)


# Expected status of each POST by a role that may not make it.
EXPECTED_POST = {
    "clerk": 403,
    "clerk_other": 404,  # the batch is out of scope before anything else
    "city_clerk": 403,
    "reporter": 403,
    "sysadmin": 403,
}


@pytest.mark.parametrize("role", EXPECTED_POST)
def test_posts_by_anyone_but_the_reviewer_are_refused(
    client, batch, incentive_users, role
):
    client.force_login(incentive_users[role])
    guixi = finance("贵溪市财政")
    approved(finance=guixi, amount=1000, actor=incentive_users["reviewer"])
    response = client.post(
        reverse("incentives:batch-create"), {"finance": guixi.pk, "month": "2025-03"}
    )
    assert response.status_code == 403
    urls = pages(batch)
    response = client.post(urls["batch-export"], {"reason": "看看"})
    assert response.status_code == EXPECTED_POST[role]
    response = client.post(
        urls["batch-settle"],
        {"file": _upload(sheet([("JL", 2200, "成功", "", "")]))},
    )
    assert response.status_code == EXPECTED_POST[role]
    assert PaymentBatch.objects.count() == 1
    assert not AuditEvent.objects.filter(action=AuditAction.PERSONAL_REVEAL).exists()


def _upload(data: bytes, name: str = "回盘.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_the_clerk_sees_the_batch_masked_and_read_only(client, batch, incentive_users):
    client.force_login(incentive_users["clerk"])
    page = client.get(reverse("incentives:batch-detail", args=[batch.pk])).content
    text = page.decode()
    assert "张*三" in text and "6217***********0123" in text
    assert "张小三" not in text and CARD not in text
    assert 'name="reason"' not in text
    listing = client.get(reverse("incentives:batch-list")).content.decode()
    assert str(batch) in listing
    assert 'action="/incentives/payments/new/"' not in listing
    settle = client.get(reverse("incentives:batch-settle", args=[batch.pk]))
    assert 'type="file"' not in settle.content.decode()


def test_the_other_areas_clerk_does_not_see_the_batch_listed(
    client, batch, incentive_users
):
    client.force_login(incentive_users["clerk_other"])
    listing = client.get(reverse("incentives:batch-list")).content.decode()
    assert str(batch) not in listing
    ledger = client.get(reverse("incentives:ledger")).content.decode()
    assert "余江区财政" in ledger and "贵溪市财政" not in ledger


def test_the_reviewer_creates_a_batch_from_the_list(
    client, incentive_defaults, reviewer
):
    guixi = finance("贵溪市财政")
    budget_set(guixi, 100_000)
    approved(finance=guixi, amount=2200, actor=reviewer)
    client.force_login(reviewer)
    listing = client.get(reverse("incentives:batch-list")).content.decode()
    assert "待发放金额" in listing and "2,200.00" in listing
    assert 'name="month" id="id_month" value="2025-03"' in listing
    response = client.post(
        reverse("incentives:batch-create"), {"finance": guixi.pk, "month": "2025-03"}
    )
    batch = PaymentBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == batch.get_absolute_url()
    assert batch.month.isoformat() == "2025-03-01"


def test_a_refused_batch_shows_the_budget_figures_as_a_message(
    client, incentive_defaults, reviewer
):
    guixi = finance("贵溪市财政")
    budget_set(guixi, 1000)
    approved(finance=guixi, amount=2200, actor=reviewer)
    client.force_login(reviewer)
    response = client.post(
        reverse("incentives:batch-create"),
        {"finance": guixi.pk, "month": "2025-03"},
        follow=True,
    )
    assert response.status_code == 200
    assert (
        "超出预算:贵溪市财政2025年预算1,000.00元,已承诺0.00元,已发放0.00元,"
        "剩余1,000.00元,本批2,200.00元。" in response.content.decode()
    )
    assert not PaymentBatch.objects.exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "请选择负担财政。"),
        ({"finance": "abc", "month": "2025-03"}, "所选负担财政不存在"),
        ({"finance": "99999", "month": "2025-03"}, "所选负担财政不存在"),
        ({"finance": "FIN", "month": "三月"}, "请填写发放月份"),
    ],
)
def test_a_bad_creation_form_is_answered_in_chinese(
    client, incentive_defaults, reviewer, data, message
):
    if data.get("finance") == "FIN":
        data["finance"] = finance("贵溪市财政").pk
    client.force_login(reviewer)
    response = client.post(reverse("incentives:batch-create"), data, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PaymentBatch.objects.exists()


def test_the_export_get_is_masked_and_the_post_needs_a_reason(
    client, batch, incentive_users
):
    url = reverse("incentives:batch-export", args=[batch.pk])
    client.force_login(incentive_users["clerk"])
    response = client.get(url)
    rows = read_rows(b"".join(response.streaming_content))
    assert rows[1][3] == "6217***********0123"
    assert "attachment" in response["Content-Disposition"]

    client.force_login(incentive_users["reviewer"])
    response = client.post(url, {"reason": "  "}, follow=True)
    assert "导出完整卡号须填写理由" in response.content.decode()
    batch.refresh_from_db()
    assert batch.state == PaymentBatch.State.OPEN

    response = client.post(url, {"reason": "交建设银行代发"})
    assert response.status_code == 200
    assert read_rows(b"".join(response.streaming_content))[1][3] == CARD
    assert AuditEvent.objects.filter(action=AuditAction.PERSONAL_REVEAL).count() == 1
    batch.refresh_from_db()
    assert batch.state == PaymentBatch.State.EXPORTED


def test_settling_through_the_page(client, batch, reviewer):
    batch_export(batch=batch, actor=reviewer, reveal_reason="代发")
    number = batch.lines.get().share.application.number
    url = reverse("incentives:batch-settle", args=[batch.pk])
    client.force_login(reviewer)
    assert 'type="file"' in client.get(url).content.decode()

    response = client.post(
        url, {"file": _upload(sheet([(number, 2000, "成功", "", "")]))}
    )
    assert response.status_code == 400
    assert "第2行“金额”列:2,000.00元与本批次该笔金额2,200.00元不一致" in (
        response.content.decode()
    )
    assert batch.lines.get().status == LineStatus.PENDING

    response = client.post(url, {})
    assert response.status_code == 400
    assert "请选择银行回盘的发放结果文件" in response.content.decode()

    response = client.post(
        url,
        {"file": _upload(sheet([(number, 2200, "失败", "户名不符", "")]))},
        follow=True,
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "成功0笔,失败1笔" in text
    assert "户名不符" in text and "待下一批次重新发放" in text
    assert batch.lines.get().status == LineStatus.FAILED


def test_a_failed_line_links_the_batch_that_pays_it_again(client, batch, reviewer):
    batch_export(batch=batch, actor=reviewer, reveal_reason="代发")
    number = batch.lines.get().share.application.number
    from incentives.services.payments import batch_settle

    batch_settle(
        batch=batch,
        data=sheet([(number, 2200, "失败", "户名不符", "")]),
        file_name="r.xlsx",
        actor=reviewer,
        today=TODAY,
    )
    again = batch_create(
        finance=batch.finance, month=MONTH, actor=reviewer, today=TODAY
    )
    client.force_login(reviewer)
    text = client.get(batch.get_absolute_url()).content.decode()
    assert f'<a href="{again.get_absolute_url()}">{again}</a>重新发放' in text


def test_the_ledger_page_shows_the_figures_and_filters_by_year(client, batch, reviewer):
    client.force_login(reviewer)
    text = client.get(reverse("incentives:ledger")).content.decode()
    assert "奖励资金台账 · 2025年" in text
    assert "100,000.00" in text and "2,200.00" in text and "97,800.00" in text
    assert "已承诺" in text and "年度预算 − 已承诺 − 已发放" in text
    response = client.get(reverse("incentives:ledger"), {"year": "二〇二五"})
    assert response.status_code == 400
    assert "年度(参数 year)应为四位年份" in response.content.decode()
    response = client.get(reverse("incentives:ledger"), {"year": "1900"})
    assert response.status_code == 400


def test_a_batch_that_does_not_exist_is_a_404(client, incentive_defaults, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("incentives:batch-detail", args=[999])).status_code == 404


def _batches(size: int, reviewer) -> PaymentBatch:
    """``size`` lines in each of three finances' batches, a third failed
    and paid again in a second batch; returns 贵溪's first batch."""
    from incentives.services.payments import batch_settle

    first = None
    for name in ("贵溪市财政", "余江区财政", "市本级财政"):
        bearer = finance(name)
        budget_set(bearer, 10_000_000)
        for i in range(size):
            approved(finance=bearer, amount=1000 + i, actor=reviewer)
        batch = batch_create(finance=bearer, month=MONTH, actor=reviewer, today=TODAY)
        batch_export(batch=batch, actor=reviewer, reveal_reason="代发")
        rows = [
            (
                x.share.application.number,
                x.amount,
                "失败" if i % 3 else "成功",
                "退回",
                "",
            )
            for i, x in enumerate(batch.lines.select_related("share__application"))
        ]
        batch_settle(
            batch=batch,
            data=sheet(rows),
            file_name="r.xlsx",
            actor=reviewer,
            today=TODAY,
        )
        batch_create(finance=bearer, month=MONTH, actor=reviewer, today=TODAY)
        first = first or batch
    return first


@pytest.mark.parametrize("size", [2, 20])
def test_the_pages_take_the_same_queries_at_any_size(
    size, client, incentive_defaults, reviewer, django_assert_max_num_queries
):
    batch = _batches(size, reviewer)
    client.force_login(reviewer)
    for url in (
        reverse("incentives:batch-list"),
        batch.get_absolute_url(),
        reverse("incentives:ledger"),
    ):
        with django_assert_max_num_queries(QUERY_BUDGET[url.split("/")[2]]):
            assert client.get(url).status_code == 200


# The portal's own per request (session, user, roles, permissions, the
# department, the session's save: 8), then the page's reads: the list's
# finances, waiting shares and batches; the batch, its lines and their
# retries; the ledger's four and its years' two.
QUERY_BUDGET = {"payments": 11, "ledger": 14}
