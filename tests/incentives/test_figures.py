"""The incentives' figures from a known set of applications: by state
group, approvals and payments, by kind and level, finance and month; a
clerk's scoped to their 区(市); a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incentives.models import Finance
from incentives.selectors.figures import award_figures, format_yuan, range_label

from .figures_data import (
    CITY,
    YUEHU,
    YUJIANG,
    approve,
    make_application,
    pay,
    share,
)

D = datetime.date


def known_set(user):
    """Ten applications; see each line. All but the last were filed in
    2025."""
    make_application(user, state="draft", filed_on=D(2025, 1, 10))
    make_application(user, state="first_review", filed_on=D(2025, 2, 5))
    make_application(
        user, level="1", state="publicity", filed_on=D(2025, 2, 20), amount="3300"
    )
    a4 = make_application(user, state="paid", filed_on=D(2025, 1, 15), amount="2200")
    approve(a4, D(2025, 3, 5))
    pay([share(a4)], user, on=D(2025, 4, 10))
    a5 = make_application(
        user,
        kind="startup",
        level="3",
        state="paid",
        area=YUJIANG,
        filed_on=D(2025, 2, 1),
        amount="5000",
    )
    approve(a5, D(2025, 3, 5))
    pay([share(a5)], user, on=D(2025, 4, 20))
    a6 = make_application(
        user,
        kind="startup",
        level="3",
        state="approved",
        area=YUJIANG,
        filed_on=D(2025, 2, 10),
        amount="5000",
    )
    approve(a6, D(2025, 4, 2))
    share(a6)
    make_application(
        user,
        kind="upskill",
        state="refused",
        area=YUEHU,
        filed_on=D(2025, 3, 1),
        amount="4000",
    )
    # Item 18: 20% 市本级, 80% 贵溪市, paid in two batches.
    a8 = make_application(
        user,
        kind="joint_schooling",
        level="",
        state="paid",
        filed_on=D(2025, 4, 15),
        amount="100000",
    )
    approve(a8, D(2025, 5, 6))
    city = share(a8, Finance.objects.get(name=CITY), "20000")
    area = share(a8, amount="80000")
    pay([city], user, on=D(2025, 5, 20))
    pay([area], user, on=D(2025, 6, 3))
    # Filed and approved in 2024, paid in January 2025.
    a9 = make_application(
        user, level="3", state="paid", filed_on=D(2024, 11, 1), amount="1000"
    )
    approve(a9, D(2024, 12, 20))
    pay([share(a9)], user, on=D(2025, 1, 15))
    # The bank refused the transfer: approved, not paid.
    a10 = make_application(
        user, state="approved", area=YUJIANG, filed_on=D(2025, 3, 3), amount="2000"
    )
    approve(a10, D(2025, 4, 1))
    pay([share(a10)], user, on=D(2025, 4, 20), status="failed")


def counts(row) -> dict:
    return {key: tally.count for key, tally in row.states.items()}


def tally(t) -> tuple[int, Decimal]:
    return t.count, t.amount


@pytest.fixture
def figures_2025(incentive_defaults, incentive_users):
    known_set(incentive_users["clerk"])
    return award_figures(year=2025)


@pytest.mark.django_db
def test_totals_count_each_state_group_and_the_amounts_approved_and_paid(
    figures_2025,
):
    total = figures_2025.total
    assert counts(total) == {
        "applied": 9,
        "reviewing": 2,
        "publicity": 1,
        "approved": 2,
        "paid": 3,
        "refused": 1,
    }
    assert total.states["applied"].amount == Decimal("125500")
    # Approved in 2025: the 2024 one is not; the failed payment is.
    assert tally(total.approvals) == (5, Decimal("114200"))
    # Paid in 2025: the 2024 application's too; the failed line is not; the
    # split application once, both its shares.
    assert tally(total.payments) == (4, Decimal("108200"))
    assert figures_2025.label == "2025年"


@pytest.mark.django_db
def test_figures_by_kind_and_level(figures_2025):
    blocks = {b.label: b for b in figures_2025.kinds}
    assert list(blocks) == [
        "就业奖励",
        "创业奖励",
        "技能提升奖励",
        "校企联合办学企业奖励",
    ]
    employment = blocks["就业奖励"]
    assert [row.label for row in employment.levels] == [
        "高级技师(一级)",
        "技师(二级)",
        "高级工(三级)",
    ]
    one, two, three = employment.levels
    assert counts(one)["publicity"] == 1
    assert one.states["publicity"].amount == Decimal("3300")
    assert counts(two) == {
        "applied": 4,
        "reviewing": 2,
        "publicity": 0,
        "approved": 1,
        "paid": 1,
        "refused": 0,
    }
    assert tally(two.approvals) == (2, Decimal("4200"))
    assert tally(two.payments) == (1, Decimal("2200"))
    # Paid in 2025, filed before: only a payment.
    assert counts(three)["applied"] == 0
    assert tally(three.payments) == (1, Decimal("1000"))
    assert counts(employment.total)["applied"] == 5
    assert tally(employment.total.payments) == (2, Decimal("3200"))
    startup = blocks["创业奖励"]
    assert tally(startup.total.approvals) == (2, Decimal("10000"))
    assert tally(startup.total.payments) == (1, Decimal("5000"))
    assert counts(blocks["技能提升奖励"].total)["refused"] == 1
    joint = blocks["校企联合办学企业奖励"]
    assert [row.label for row in joint.levels] == ["—"]
    assert tally(joint.total.payments) == (1, Decimal("100000"))


@pytest.mark.django_db
def test_figures_by_finance_give_each_finance_its_own_part(figures_2025):
    rows = {row.label: row for row in figures_2025.finances}
    # In the finances' order; 市本级 only bears item 18's fifth.
    assert list(rows) == ["市本级财政", "月湖区财政", "余江区财政", "贵溪市财政"]
    assert counts(rows["市本级财政"])["applied"] == 0
    assert tally(rows["市本级财政"].approvals) == (1, Decimal("20000"))
    assert tally(rows["市本级财政"].payments) == (1, Decimal("20000"))
    assert counts(rows["月湖区财政"])["refused"] == 1
    assert counts(rows["余江区财政"])["applied"] == 3
    assert tally(rows["余江区财政"].approvals) == (3, Decimal("12000"))
    assert tally(rows["余江区财政"].payments) == (1, Decimal("5000"))
    assert counts(rows["贵溪市财政"])["applied"] == 5
    assert tally(rows["贵溪市财政"].approvals) == (2, Decimal("82200"))
    assert tally(rows["贵溪市财政"].payments) == (3, Decimal("83200"))


@pytest.mark.django_db
def test_figures_by_month_count_filing_approval_and_payment_months(figures_2025):
    months = figures_2025.months
    assert [m.label for m in months] == [f"2025年{n}月" for n in range(1, 13)]
    by = {m.key: m for m in months}
    assert [counts(by[f"2025-{n:02d}"])["applied"] for n in range(1, 13)] == [
        2,
        4,
        2,
        1,
        *[0] * 8,
    ]
    assert tally(by["2025-01"].payments) == (1, Decimal("1000"))
    assert tally(by["2025-03"].approvals) == (2, Decimal("7200"))
    assert tally(by["2025-04"].approvals) == (2, Decimal("7000"))
    assert tally(by["2025-04"].payments) == (2, Decimal("7200"))
    assert tally(by["2025-05"].approvals) == (1, Decimal("100000"))
    assert tally(by["2025-05"].payments) == (1, Decimal("20000"))
    assert tally(by["2025-06"].payments) == (1, Decimal("80000"))
    assert by["2025-07"].is_empty


@pytest.mark.django_db
def test_a_range_of_days_and_all_time(incentive_defaults, incentive_users):
    known_set(incentive_users["clerk"])
    april = award_figures(first=D(2025, 4, 1), last=D(2025, 4, 30))
    assert counts(april.total)["applied"] == 1
    assert tally(april.total.payments) == (2, Decimal("7200"))
    assert april.label == "2025年4月1日至2025年4月30日"
    everything = award_figures()
    assert counts(everything.total)["applied"] == 10
    assert tally(everything.total.approvals) == (6, Decimal("115200"))
    # All time lists only the months with data.
    assert [m.key for m in everything.months] == [
        "2024-11",
        "2024-12",
        "2025-01",
        "2025-02",
        "2025-03",
        "2025-04",
        "2025-05",
        "2025-06",
    ]
    with pytest.raises(ValueError, match="晚于"):
        award_figures(first=D(2025, 5, 1), last=D(2025, 4, 1))


@pytest.mark.django_db
def test_a_clerk_counts_only_the_applications_of_their_area(
    incentive_defaults, incentive_users
):
    known_set(incentive_users["clerk"])
    guixi = award_figures(user=incentive_users["clerk"], year=2025)
    assert counts(guixi.total)["applied"] == 5
    # Item 18's application is 贵溪市's: both its shares count for it.
    assert tally(guixi.total.payments) == (3, Decimal("103200"))
    assert [row.label for row in guixi.finances] == ["市本级财政", "贵溪市财政"]
    yujiang = award_figures(user=incentive_users["clerk_other"], year=2025)
    assert counts(yujiang.total) == {
        "applied": 3,
        "reviewing": 0,
        "publicity": 0,
        "approved": 2,
        "paid": 1,
        "refused": 0,
    }
    assert tally(yujiang.total.payments) == (1, Decimal("5000"))
    # The 市人社局's clerk and the reviewer see the whole city.
    for role in ("city_clerk", "reviewer"):
        city = award_figures(user=incentive_users[role], year=2025)
        assert counts(city.total)["applied"] == 9
    # Nobody else sees any application.
    for role in ("reporter", "sysadmin"):
        nothing = award_figures(user=incentive_users[role], year=2025)
        assert nothing.total.is_empty and nothing.kinds == []


@pytest.mark.django_db
def test_the_figures_take_six_queries_whatever_the_data(
    incentive_defaults, incentive_users
):
    user = incentive_users["reviewer"]
    award_figures(user=user, year=2025)  # the user's roles, read once
    sizes = []
    # The known set once, then three times over.
    for copies in (1, 2):
        for _ in range(copies):
            known_set(incentive_users["clerk"])
        with CaptureQueriesContext(connection) as queries:
            figures = award_figures(user=user, year=2025)
        sizes.append(len(queries))
    assert counts(figures.total)["applied"] == 27
    assert sizes == [6, 6]


def test_words():
    assert format_yuan(Decimal("2200")) == "2,200"
    assert format_yuan(Decimal("2200.5")) == "2,200.50"
    assert format_yuan(None) == "0"
    assert range_label(None, None) == "全部"
    assert range_label(D(2025, 1, 1), D(2025, 12, 31)) == "2025年"
    assert range_label(D(2025, 7, 1), None) == "2025年7月1日以来"
    assert range_label(None, D(2025, 9, 30)) == "截至2025年9月30日"


# -- the page and its workbook -------------------------------------------------

PAGE = "/incentives/figures/"
EXPORT = "/incentives/figures/export.xlsx"
EXPECTED = {
    "clerk": 200,
    "clerk_other": 200,
    "city_clerk": 200,
    "reviewer": 200,
    "reporter": 403,
    "sysadmin": 403,
}


@pytest.mark.django_db
@pytest.mark.parametrize("url", [PAGE, EXPORT])
def test_who_may_see_the_figures(client, incentive_defaults, incentive_users, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    for role, status in EXPECTED.items():
        client.force_login(incentive_users[role])
        assert client.get(url, {"year": "2025"}).status_code == status, role


@pytest.mark.django_db
def test_the_page_shows_the_tables_of_the_chosen_year(
    client, incentive_defaults, incentive_users
):
    known_set(incentive_users["clerk"])
    client.force_login(incentive_users["reviewer"])
    response = client.get(PAGE, {"year": "2025"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "全市 · 2025年" in page
    kinds = response.context["kind_rows"]
    assert kinds[-1]["names"] == ["合计", ""]
    total = dict(kinds[-1]["cells"])
    assert total["申请(件)"] == "9"
    assert total["期内发放金额(元)"] == "108,200"
    assert total["期内通过金额(元)"] == "114,200"
    assert [r["names"] for r in response.context["finance_rows"]] == [
        ["市本级财政"],
        ["月湖区财政"],
        ["余江区财政"],
        ["贵溪市财政"],
    ]
    assert len(response.context["month_rows"]) == 13
    assert "108,200" in page and "2025年6月" in page
    # Every year from the first filing, and all years.
    assert response.context["years"][-1] == 2024
    everything = client.get(PAGE, {"year": "all"})
    assert dict(everything.context["kind_rows"][-1]["cells"])["申请(件)"] == "10"
    # No applicant's name on the page.
    assert "申请人" not in page


@pytest.mark.django_db
def test_a_clerk_sees_their_areas_figures_only(
    client, incentive_defaults, incentive_users
):
    known_set(incentive_users["clerk"])
    client.force_login(incentive_users["clerk_other"])
    response = client.get(PAGE, {"year": "2025"})
    assert "余江区人民政府 · 2025年" in response.content.decode()
    total = dict(response.context["kind_rows"][-1]["cells"])
    assert total["申请(件)"] == "3"
    assert total["期内发放金额(元)"] == "5,000"


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["20x5", "１２３４", "1999", "9" * 30])
def test_a_year_that_cannot_be_read_is_a_clear_400(
    client, incentive_defaults, incentive_users, year
):
    client.force_login(incentive_users["reviewer"])
    for url in (PAGE, EXPORT):
        response = client.get(url, {"year": year})
        assert response.status_code == 400
        assert "年度" in response.content.decode()


@pytest.mark.django_db
def test_the_workbook_holds_the_same_tables_and_no_personal_data(
    client, incentive_defaults, incentive_users
):
    import io

    import openpyxl

    known_set(incentive_users["clerk"])
    client.force_login(incentive_users["reviewer"])
    response = client.get(EXPORT, {"year": "2025"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["按奖励类别和等级", "按负担财政", "按月份"]
    kinds = book["按奖励类别和等级"]
    assert kinds["A1"].value == "技能人才激励奖励统计(全市,2025年)"
    header = [c.value for c in kinds[3]]
    assert header[:3] == ["奖励类别", "等级", "申请(件)"]
    rows = {(r[0], r[1]): r for r in kinds.iter_rows(min_row=4, values_only=True)}
    total = rows[("合计", None)]
    assert total[2] == 9
    assert total[header.index("期内发放金额(元)")] == 108200
    assert rows[("就业奖励", "技师(二级)")][header.index("期内通过金额(元)")] == 4200
    finances = [r[0] for r in book["按负担财政"].iter_rows(min_row=4, values_only=True)]
    assert finances == ["市本级财政", "月湖区财政", "余江区财政", "贵溪市财政"]
    months = list(book["按月份"].iter_rows(min_row=4, values_only=True))
    assert len(months) == 13 and months[-1][0] == "合计"
    cells = [
        str(value)
        for sheet in book
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    assert not [c for c in cells if "申请人" in c or "hash-" in c]
