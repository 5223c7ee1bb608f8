import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from targets.models import Reading, ReadingSource, ReviewStatus, Target
from tasks.models import Task


@pytest.fixture
def published(transactional_db, users):
    """Two accepted targets, one on track and one far behind, and a
    candidate that is not yet public."""
    from tests.conftest import import_annex_file, import_policy_text

    import_policy_text()
    import_annex_file()
    cache.clear()
    today = timezone.localdate()
    task = Task.objects.get(number=1)

    def target(number, metric, **values):
        return Target.objects.create(
            policy=task.policy,
            task=task,
            key_task=task.key_task,
            metric=metric,
            value=Decimal(1000),
            unit="人",
            kind="cumulative",
            start_date=today - datetime.timedelta(days=365),
            deadline=today + datetime.timedelta(days=365),
            source_text=f"{metric}达到1000人。",
            source_ref="附件第1行",
            fingerprint=f"browser-{number}",
            position=number,
            **values,
        )

    on_track = target(1, "铜产业技能人才培训", review_status=ReviewStatus.ACCEPTED)
    behind = target(2, "铜产业高技能人才", review_status=ReviewStatus.ACCEPTED)
    target(3, "尚待确认的候选", review_status=ReviewStatus.PROPOSED)
    as_of = today - datetime.timedelta(days=5)
    for item, value in [(on_track, 520), (behind, 100)]:
        Reading.objects.create(
            target=item, value=value, as_of=as_of, source=ReadingSource.IMPORT
        )
    yield as_of
    cache.clear()


def test_visitor_reads_the_targets_and_their_status_without_signing_in(page, published):
    page.goto(page.base_url + "/public/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("目标进展")
    main = page.locator("main")
    expect(main).to_contain_text("鹰办发〔2022〕22号")
    as_of = published
    expect(main).to_contain_text(
        f"数据更新至 {as_of.year}年{as_of.month}月{as_of.day}日"
    )

    on_track = page.get_by_role("row").filter(has_text="铜产业技能人才培训")
    expect(on_track).to_contain_text("520人")
    expect(on_track.locator(".tgt-status")).to_have_text("正常")
    behind = page.get_by_role("row").filter(has_text="铜产业高技能人才")
    expect(behind.locator(".tgt-status")).to_have_text("严重滞后")
    expect(behind.get_by_label("完成比例")).to_have_attribute("value", "10.0")

    expect(main).not_to_contain_text("尚待确认的候选")
    # A visitor's menu holds the public page and nothing inside the portal.
    nav = page.get_by_role("navigation", name="主导航")
    expect(nav.get_by_role("link")).to_have_text(["公开进展"])
    # Inside the page, only the published bulletins and the awards' 公示
    # are linked.
    links = page.locator("main a")
    expect(links).to_have_count(2)
    expect(links.nth(0)).to_have_attribute("href", "/public/bulletins/")
    expect(links.nth(1)).to_have_attribute("href", "/public/incentives/")
