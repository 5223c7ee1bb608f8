"""The incentives' demo: applications of 贵溪市, 余江区, 月湖区 and 市本级 in
every state, a 公示 open on the demo's day and one closed, objections, a
settled batch and one with the bank, budgets, key-chain enterprises and
the holiday calendar, on a day inside the policy and on one after it, and
only once."""

import datetime
from decimal import Decimal

import pytest

from incentives import crypto
from incentives.demo import DEMO_USERS, demo_load, fake_id_number
from incentives.models import (
    Application,
    ApplicationState,
    ApplicationTransition,
    Budget,
    Holiday,
    KeyEnterprise,
    LineStatus,
    Objection,
    PaymentBatch,
    PaymentLine,
    Publicity,
)
from incentives.selectors.figures import award_figures
from incentives.workdays import working_days_between

D = datetime.date
# Inside the policy (a Monday after 端午), and after it (a Monday).
DAYS = [
    pytest.param(D(2025, 6, 16), id="inside-the-policy"),
    pytest.param(D(2027, 3, 1), id="after-the-policy"),
]


def load(incentive_users, today):
    return demo_load(
        today=today,
        actor_map={
            "reviewer": incentive_users["reviewer"],
            "clerk_guixi": incentive_users["clerk"],
        },
    )


@pytest.mark.django_db
@pytest.mark.parametrize("today", DAYS)
def test_demo_has_every_state_a_publicity_open_today_and_batches(
    incentive_defaults, incentive_users, today
):
    result = load(incentive_users, today)

    applications = Application.objects.all()
    assert applications.count() == 26
    assert set(applications.values_list("state", flat=True)) == set(
        ApplicationState.values
    )
    assert result.states == {
        "draft": 2,
        "first_review": 2,
        "second_review": 3,
        "ready": 2,
        "publicity": 3,
        "approved": 4,
        "paid": 6,
        "returned": 2,
        "refused": 2,
    }
    areas = set(applications.values_list("area__name", flat=True))
    assert areas == {"贵溪市人民政府", "余江区人民政府", "月湖区人民政府", None}
    # Every move on or before the demo's day, in order per application.
    for application in applications:
        times = list(application.transitions.values_list("at", flat=True))
        assert times == sorted(times)
        assert all(t.date() <= today for t in times)
        assert application.filed_on <= today

    # The 公示 in progress began a few working days before today, ends after.
    [open_] = Publicity.objects.filter(state=Publicity.State.OPEN)
    assert open_.starts_on < today < open_.ends_on
    assert working_days_between(open_.starts_on, today) in (3, 4)
    assert open_.applications.filter(state="publicity").count() == 3
    waiting = Objection.objects.get(outcome="")
    assert waiting.application.publicity == open_
    assert open_.starts_on <= waiting.received_on <= today
    # The closed one: its objection upheld, the rest approved.
    [closed] = Publicity.objects.filter(state=Publicity.State.CLOSED)
    assert closed.ends_on < today
    upheld = Objection.objects.get(outcome=Objection.Outcome.UPHELD)
    assert upheld.application.state == ApplicationState.REFUSED
    assert closed.applications.filter(state__in=["approved", "paid"]).count() == 10

    # Two batches settled (one line failed), one exported with the bank.
    settled = PaymentBatch.objects.filter(state=PaymentBatch.State.SETTLED)
    assert sorted(b.finance.name for b in settled) == ["月湖区财政", "贵溪市财政"]
    exported = PaymentBatch.objects.get(state=PaymentBatch.State.EXPORTED)
    assert exported.finance.name == "余江区财政"
    assert exported.lines.filter(status=LineStatus.PENDING).count() == 2
    failed = PaymentLine.objects.get(status=LineStatus.FAILED)
    assert failed.failure_reason == "收款账户已销户"
    assert failed.share.application.state == ApplicationState.APPROVED
    paid = PaymentLine.objects.filter(status=LineStatus.PAID)
    assert paid.count() == 6
    assert sum(line.amount for line in paid) == Decimal("19100")
    assert all(line.settled_on < today for line in paid)

    # The ledger the closing note quotes.
    [total] = result.ledger
    assert (total.year, total.budget) == (today.year, Decimal("3700000"))
    assert (total.paid, total.committed) == (Decimal("19100"), Decimal("7300"))
    assert total.remaining == Decimal("3673600")
    assert result.lines()[-1] == (
        f"  奖励资金台账 {today.year}年合计:预算3,700,000.00元,已承诺7,300.00元,"
        "已发放19,100.00元,剩余3,673,600.00元。"
    )
    # The figures count the same payments.
    figures = award_figures(year=today.year)
    assert figures.total.payments.amount == Decimal("19100")
    assert figures.total.payments.count == 6


@pytest.mark.django_db
def test_demo_settings_key_chain_enterprises_budgets_and_holidays(
    incentive_defaults, incentive_users
):
    load(incentive_users, D(2025, 6, 16))
    copper = KeyEnterprise.objects.get(name="江西铜业股份有限公司贵溪冶炼厂")
    assert copper.chain.name == "铜基新材料"
    assert KeyEnterprise.objects.count() == 3
    # Key-chain workers get the +10% (就业奖励 技师 2000 → 2200).
    worker = Application.objects.get(name="李明亮")
    assert worker.key_enterprise == copper and worker.amount == Decimal("2200")
    assert Budget.objects.filter(year=2025).count() == 8
    # 2025 and 2026 as the State Council announced them.
    assert Holiday.objects.get(date=D(2026, 2, 15)).is_workday is False
    assert Holiday.objects.get(date=D(2026, 2, 14)).is_workday is True
    assert Holiday.objects.get(date=D(2025, 10, 8)).is_workday is False
    assert Holiday.objects.get(date=D(2025, 9, 28)).is_workday is True
    assert Holiday.objects.filter(date__year=2026, is_workday=False).count() == 33
    # Item 18's enterprise assessed: 60000 less 10000 special funds.
    joint = Application.objects.get(kind="joint_schooling")
    assert (joint.state, joint.amount) == ("second_review", Decimal("50000"))


@pytest.mark.django_db
def test_demo_personal_data_is_fake_but_valid(incentive_defaults, incentive_users):
    load(incentive_users, D(2025, 6, 16))
    people = Application.objects.exclude(kind="joint_schooling")
    assert people.count() == 25
    for application in people:
        number = crypto.decrypt(application.id_number_encrypted)
        assert crypto.id_number_problem(number) is None
        born = D(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        assert D(1990, 1, 1) < born < D(1990, 2, 1)
        assert number[:6] in {"360681", "360603", "360602"}
        assert crypto.decrypt(application.phone_encrypted).startswith("1380000")
        assert application.id_number_masked == crypto.mask_id_number(number)
    # The check digit as GB 11643 computes it.
    number = fake_id_number("guixi", 1)
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(number[:17], weights, strict=True))
    assert number[17] == "10X98765432"[total % 11]
    assert number == "360681199001020011"[:17] + number[17]


@pytest.mark.django_db
def test_demo_loads_once(incentive_defaults, incentive_users):
    first = load(incentive_users, D(2025, 6, 16))
    counts = [
        model.objects.count()
        for model in (
            Application,
            ApplicationTransition,
            Publicity,
            Objection,
            PaymentBatch,
            Holiday,
            Budget,
            KeyEnterprise,
        )
    ]
    assert first is not None
    assert load(incentive_users, D(2025, 6, 17)) is None
    assert counts == [
        model.objects.count()
        for model in (
            Application,
            ApplicationTransition,
            Publicity,
            Objection,
            PaymentBatch,
            Holiday,
            Budget,
            KeyEnterprise,
        )
    ]


def test_demo_sign_in_account_in_setup_portals_format():
    [(username, role, department, full_name)] = DEMO_USERS
    assert (username, role, department) == (
        "clerk-guixi",
        "incentive_clerk",
        "贵溪市人民政府",
    )
    assert full_name.endswith("(演示)")


@pytest.mark.django_db
def test_demo_just_after_the_spring_festival(incentive_defaults, incentive_users):
    """On 24 February 2026 the open 公示 began before 春节 (2026-02-15 to
    23 off, the 14th worked) and the batches were paid in December 2025,
    from that year's budgets."""
    result = load(incentive_users, D(2026, 2, 24))
    open_ = Publicity.objects.get(state=Publicity.State.OPEN)
    assert (open_.starts_on, open_.ends_on) == (D(2026, 2, 12), D(2026, 2, 25))
    assert working_days_between(open_.starts_on, open_.ends_on) == 5
    assert open_.title == "2026年第1批技能人才激励奖励拟发放人员名单公示"
    last_year, this_year = result.ledger
    assert (last_year.year, last_year.paid, last_year.committed) == (
        2025,
        Decimal("19100"),
        Decimal("0"),
    )
    assert (this_year.year, this_year.paid, this_year.committed) == (
        2026,
        Decimal("0"),
        Decimal("7300"),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "today", [datetime.date(2022, 6, 1), datetime.date(2023, 3, 1)]
)
def test_demo_writes_nothing_before_the_awards_were_in_force(
    incentive_defaults, incentive_users, today
):
    """The story's first filing would come before 2023-02-13."""
    from incentives.models import Application, Publicity

    assert load(incentive_users, today) is None
    assert not Application.objects.exists()
    assert not Publicity.objects.exists()


@pytest.mark.django_db
def test_demo_tells_its_story_once_the_awards_were_in_force_long_enough(
    incentive_defaults, incentive_users
):
    from incentives.models import Application

    assert load(incentive_users, datetime.date(2023, 6, 1)) is not None
    assert Application.objects.filter(filed_on__gte=datetime.date(2023, 2, 13)).count()
    assert not Application.objects.filter(filed_on__lt=datetime.date(2023, 2, 13))
