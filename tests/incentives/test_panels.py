"""The incentives on the reviewer's dashboard (paid this year, in 公示,
awaiting 复审) and in the quarterly bulletin (awards paid in its months
and since the policy began, by kind), and their registration."""

import datetime
import io
import json
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from bulletins.documents import render_docx, render_xlsx
from bulletins.selectors.figures import bulletin_figures, extra_sections
from dispatch.views.dashboard import dashboard_panels
from incentives import panels
from incentives.bulletin import awards_section

from .figures_data import make_application
from .test_figures import known_set

D = datetime.date
SNAPSHOT = Path(__file__).parents[1] / "bulletins" / "bulletin_snapshot.json"


@pytest.fixture
def registered():
    """``panels.register()`` as ``ready()`` calls it, undone afterwards
    if it was not registered before."""
    before = (list(dashboard_panels), list(extra_sections))
    panels.register()
    panels.register()  # a second call adds nothing
    yield
    dashboard_panels[:] = before[0]
    extra_sections[:] = before[1]


@pytest.fixture
def awards(incentive_defaults, incentive_users):
    known_set(incentive_users["clerk"])
    make_application(incentive_users["clerk"], state="second_review")
    make_application(
        incentive_users["clerk"],
        state="second_review",
        area="余江区人民政府",
        filed_on=D(2025, 6, 2),
    )


@pytest.mark.django_db
def test_register_adds_the_panel_and_the_section_once(registered):
    assert dashboard_panels.count(panels.dashboard_panel) == 1
    assert extra_sections.count(awards_section) == 1


@pytest.mark.django_db
def test_summary_counts_this_years_payments_publicity_and_second_review(
    awards, incentive_users
):
    summary = panels.incentive_summary(incentive_users["reviewer"], D(2025, 6, 20))
    assert summary == {
        "year": 2025,
        "paid_count": 4,
        "paid_amount": Decimal("108200"),
        "paid_amount_text": "108,200",
        "publicity": 1,
        "second_review": 2,
    }
    # A clerk's is their area's; the next year nothing is paid yet.
    guixi = panels.incentive_summary(incentive_users["clerk_other"], D(2025, 6, 20))
    assert (guixi["paid_count"], guixi["paid_amount"]) == (1, Decimal("5000"))
    assert guixi["second_review"] == 1 and guixi["publicity"] == 0
    later = panels.incentive_summary(incentive_users["reviewer"], D(2026, 1, 5))
    assert (later["paid_count"], later["paid_amount_text"]) == (0, "0")
    # Nobody else has it.
    for role in ("reporter", "sysadmin"):
        assert panels.incentive_summary(incentive_users[role], D(2025, 6, 20)) is None


@pytest.mark.django_db
def test_summary_takes_two_queries(awards, incentive_users):
    reviewer = incentive_users["reviewer"]
    panels.incentive_summary(reviewer, D(2025, 6, 20))  # the roles, read once
    with CaptureQueriesContext(connection) as queries:
        panels.incentive_summary(reviewer, D(2025, 6, 20))
    assert len(queries) == 2


@pytest.mark.django_db
def test_dashboard_gets_the_panel_and_its_template_links_the_figures(
    client, awards, incentive_users, registered
):
    moment = datetime.datetime(2025, 6, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    client.force_login(incentive_users["reviewer"])
    with time_machine.travel(moment, tick=False):
        response = client.get(reverse("dispatch:dashboard"))
    assert response.status_code == 200
    summary = response.context["incentive_summary"]
    assert summary["paid_count"] == 4
    html = render_to_string(
        "incentives/figures/_dashboard_panel.html", {"incentive_summary": summary}
    )
    assert "2025年已发放 <strong>4</strong> 笔,<strong>108,200</strong> 元" in html
    assert "公示中 <strong>1</strong> 件" in html
    assert "待复审 <strong>2</strong> 件" in html
    assert 'href="/incentives/figures/?year=2025"' in html


# -- the bulletin's section -----------------------------------------------------


def section(first, last, as_of):
    return awards_section(policy=None, first=first, last=last, as_of=as_of)


@pytest.mark.django_db
def test_section_counts_the_quarters_payments_by_kind_and_since_the_start(awards):
    result = section((2025, 4), (2025, 6), D(2025, 6, 30))
    assert result["title"] == "技能人才激励奖励兑现情况"
    assert [c[0] for c in result["columns"]] == [
        "奖励类别",
        "本期兑现(笔)",
        "本期金额(元)",
        "累计兑现(笔)",
        "累计金额(元)",
    ]
    assert sum(width for _, width in result["columns"]) == 156
    assert result["rows"] == [
        ["就业奖励", 1, "2,200", 2, "3,200"],
        ["创业奖励", 1, "5,000", 1, "5,000"],
        ["校企联合办学企业奖励", 1, "100,000", 1, "100,000"],
        ["合计", 3, "107,200", 4, "108,200"],
    ]
    assert result["lines"] == [
        "2025年第二季度(截至2025年6月30日),全市兑现技能人才激励奖励3笔、107,200元,"
        "其中就业奖励1笔2,200元、创业奖励1笔5,000元、校企联合办学企业奖励1笔100,000元;"
        "政策实施以来累计兑现4笔、108,200元。"
    ]
    assert json.loads(json.dumps(result, ensure_ascii=False)) == result


@pytest.mark.django_db
def test_section_stops_at_its_as_of_day_and_says_when_nothing_was_paid(awards):
    early = section((2025, 4), (2025, 6), D(2025, 5, 1))
    assert early["rows"][-1] == ["合计", 2, "7,200", 3, "8,200"]
    assert early["lines"][0].startswith("2025年第二季度(截至2025年5月1日)")
    quiet = section((2025, 7), (2025, 9), D(2025, 9, 30))
    assert quiet["lines"] == [
        "2025年第三季度未兑现技能人才激励奖励;政策实施以来累计兑现4笔、108,200元。"
    ]
    assert quiet["rows"][-1] == ["合计", 0, "0", 4, "108,200"]
    # Before the first payment there is nothing to say.
    assert section((2024, 10), (2024, 12), D(2024, 12, 31)) is None


@pytest.mark.django_db
def test_bulletin_snapshot_carries_the_section(policy, awards, registered):
    figures = bulletin_figures(
        policy=policy, first=(2025, 4), last=(2025, 6), today=D(2025, 7, 10)
    )
    keys = [s["key"] for s in figures["sections"]]
    assert "incentives" in keys
    mine = figures["sections"][keys.index("incentives")]
    assert mine["rows"][-1] == ["合计", 3, "107,200", 4, "108,200"]


@pytest.fixture
def snapshot_with_section(awards):
    data = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    data["figures"]["sections"] = [section((2025, 4), (2025, 6), D(2025, 6, 30))]
    return data["figures"], data["text"]


@pytest.mark.django_db
def test_docx_page_and_workbook_show_the_section(snapshot_with_section):
    figures, text = snapshot_with_section
    document = Document(io.BytesIO(render_docx(figures, text)))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert "四、技能人才激励奖励兑现情况" in headings
    body = "\n".join(p.text for p in document.paragraphs)
    assert "全市兑现技能人才激励奖励3笔、107,200元" in body
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    [table] = [t for t in tables if t[0][0] == "奖励类别"]
    assert ["合计", "3", "107,200", "4", "108,200"] in table

    html = render_to_string(
        "bulletins/_document.html", {"figures": figures, "text": text}
    )
    assert "技能人才激励奖励兑现情况" in html
    assert "<td>创业奖励</td><td>1</td><td>5,000</td>" in html

    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(figures, text)))
    rows = [[c.value for c in r] for r in book["技能人才激励奖励兑现情况"].iter_rows()]
    assert rows[0][0] == "奖励类别" and rows[-1] == ["合计", 3, "107,200", 4, "108,200"]
