"""The application pages as the clerks and the reviewer use them: each page
by each role with the answer expected, entry end to end (the amount
computed, a bad ID number refused on its field with nothing written), the
moves as buttons, fact checks, the office's assessment and editing. The
detail never shows an ID, phone or card number in full."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from incentives.models import Application, FactCheck, IndustryChain, KeyEnterprise
from incentives.models import ApplicationState as S
from incentives.services.applications import application_move
from tests.incentives.apps_support import GUIXI, TODAY, area, enter, verify, walk
from tests.incentives.conftest import ID_LI, ID_ZHANG, employment_data

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "clerk",
    "clerk_other",
    "city_clerk",
    "reviewer",
    "reporter",
    "sysadmin",
]
L = "login"
# url name → the answer to a GET, in the order of ROLES (the object is a
# 贵溪市 draft entered by the 贵溪市 clerk).
GET_ANSWERS = {
    "application-list": (L, 200, 200, 200, 200, 403, 403),
    "application-create": (L, 200, 200, 200, 403, 403, 403),
    "application-detail": (L, 200, 404, 200, 200, 403, 403),
    "application-edit": (L, 200, 404, 403, 403, 403, 403),
    "application-move": (405, 405, 405, 405, 405, 405, 405),
    "application-assess": (405, 405, 405, 405, 405, 405, 405),
    "fact-check-add": (405, 405, 405, 405, 405, 405, 405),
}
# The 贵溪市 draft's 提交初审 posted by each role.
SUBMIT_ANSWERS = (L, 302, 404, 403, 403, 403, 403)
PLAINTEXT = (ID_ZHANG, "13800001234", "6217001234567890123")


@pytest.fixture
def users(incentive_defaults, incentive_users):
    return incentive_users


@pytest.fixture
def draft(users):
    return enter(users)


@pytest.fixture(autouse=True)
def frozen_clock():
    """The pages' "today" is the day the applications were entered."""
    with time_machine.travel(
        datetime.datetime(2025, 1, 10, 10, 0, tzinfo=datetime.UTC), tick=False
    ):
        yield


def url_of(name, application):
    if name in ("application-list", "application-create"):
        return reverse(f"incentives:{name}")
    if name == "application-move":
        return reverse(f"incentives:{name}", args=[application.pk, "submit"])
    return reverse(f"incentives:{name}", args=[application.pk])


def login_as(client, users, role):
    if role != "anonymous":
        client.force_login(users[role])


def check(response, expected):
    if expected == L:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("name", list(GET_ANSWERS))
@pytest.mark.parametrize("role", ROLES)
def test_each_page_answers_each_role_as_expected(client, users, draft, name, role):
    login_as(client, users, role)

    response = client.get(url_of(name, draft))

    check(response, GET_ANSWERS[name][ROLES.index(role)])


@pytest.mark.parametrize("role", ROLES)
def test_submit_is_posted_only_by_the_area_clerk(client, users, draft, role):
    login_as(client, users, role)

    response = client.post(
        url_of("application-move", draft), {"version": draft.version}
    )

    check(response, SUBMIT_ANSWERS[ROLES.index(role)])
    draft.refresh_from_db()
    expected = S.FIRST_REVIEW if role == "clerk" else S.DRAFT
    assert draft.state == expected


@pytest.mark.parametrize("name", ["application-assess", "fact-check-add"])
@pytest.mark.parametrize(
    ("role", "expected"),
    [("clerk_other", 404), ("reporter", 403), ("sysadmin", 403)],
)
def test_the_actions_are_refused_outside_the_scope(
    client, users, draft, name, role, expected
):
    client.force_login(users[role])

    response = client.post(url_of(name, draft), {})

    assert response.status_code == expected
    assert not FactCheck.objects.exists()


# -- the list -------------------------------------------------------------------


def test_a_clerk_lists_its_own_area_only(client, users, draft):
    other = enter(
        users,
        actor="clerk_other",
        area_name="余江区人民政府",
        id_number=ID_LI,
        name="李四",
        certificate_number="S000036060000999",
    )
    client.force_login(users["clerk_other"])

    page = client.get(reverse("incentives:application-list")).content.decode()

    assert other.number in page
    assert draft.number not in page
    assert 'name="area"' not in page  # one area: nothing to choose


def test_the_reviewer_lists_every_area_and_filters(client, users, draft):
    other = enter(
        users,
        actor="clerk_other",
        area_name="余江区人民政府",
        id_number=ID_LI,
        name="李四",
        certificate_number="S000036060000999",
    )
    application_move(application=other, action="submit", actor=users["clerk_other"])
    client.force_login(users["reviewer"])
    url = reverse("incentives:application-list")

    everything = client.get(url).content.decode()
    submitted = client.get(url, {"state": S.FIRST_REVIEW}).content.decode()
    guixi = client.get(url, {"area": area(GUIXI).pk}).content.decode()
    by_name = client.get(url, {"q": "张三"}).content.decode()
    city = client.get(url, {"area": "city"}).content.decode()

    assert draft.number in everything and other.number in everything
    assert other.number in submitted and draft.number not in submitted
    assert draft.number in guixi and other.number not in guixi
    assert draft.number in by_name and other.number not in by_name
    assert draft.number not in city and other.number not in city


def test_the_list_counts_each_state_under_the_other_filters(client, users, draft):
    walk(
        enter(users, id_number=ID_LI, certificate_number="S000036060000999"),
        users,
        "submit",
    )
    client.force_login(users["clerk"])

    response = client.get(reverse("incentives:application-list"), {"kind": "startup"})
    everything = client.get(reverse("incentives:application-list"))

    counts = {value: n for value, _, n in everything.context["state_counts"]}
    assert counts[S.DRAFT] == 1 and counts[S.FIRST_REVIEW] == 1
    assert everything.context["total"] == 2
    assert response.context["total"] == 0


@pytest.mark.parametrize(
    "query",
    [
        {"area": "abc"},
        {"area": "99999999999999999999"},
        {"state": "nonsense"},
        {"page": "abc"},
        {"kind": "１"},
        {"q": "x" * 500},
    ],
)
def test_junk_in_the_query_is_ignored_never_a_500(client, users, draft, query):
    client.force_login(users["reviewer"])

    response = client.get(reverse("incentives:application-list"), query)

    assert response.status_code == 200
    assert draft.number in response.content.decode()


def test_the_nav_offers_incentives_to_those_who_use_them(client, users):
    url = reverse("incentives:application-list")
    for role, shown in [
        ("clerk", True),
        ("reviewer", True),
        ("reporter", False),
        ("sysadmin", False),
    ]:
        client.force_login(users[role])
        response = client.get(reverse("tasks:task-list"))
        assert (("激励奖励", url) in response.context["nav_items"]) is shown, role


# -- entry ----------------------------------------------------------------------


def form_data(**overrides) -> dict:
    """The entry form as a browser posts it: dates as text, the first
    month of insurance as a month, the area by its number."""
    data = employment_data(**overrides)
    posted = {
        name: (
            value.strftime("%Y-%m")
            if name == "insurance_first_month"
            else value.isoformat()
            if isinstance(value, datetime.date)
            else value
        )
        for name, value in data.items()
    }
    posted.setdefault("area", area(GUIXI).pk)
    return posted


def test_the_clerk_enters_an_application_and_the_amount_is_computed(client, users):
    KeyEnterprise.objects.create(
        name="江西铜业股份有限公司贵溪冶炼厂",
        credit_code="91360681MA35XXXX0A",
        chain=IndustryChain.objects.first(),
        listed_from=datetime.date(2023, 1, 1),
    )
    client.force_login(users["clerk"])

    response = client.post(reverse("incentives:application-create"), form_data())

    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == application.get_absolute_url()
    assert application.state == S.DRAFT
    assert application.area == area(GUIXI)
    assert application.finance.name == "贵溪市财政"
    assert application.amount == 2200  # 技师(二级)2000 × 110%
    assert application.insurance_first_month == datetime.date(2024, 6, 1)
    assert application.id_number_masked == "3606**********1233"
    detail = client.get(response["Location"]).content.decode()
    assert "2200 元" in detail
    assert "110%" in detail


def test_a_bad_id_number_is_refused_on_its_field_and_nothing_is_written(client, users):
    from incentives.crypto import id_number_problem

    client.force_login(users["clerk"])
    bad = ID_ZHANG[:-1] + "4"

    response = client.post(
        reverse("incentives:application-create"), form_data(id_number=bad)
    )

    assert response.status_code == 400
    assert not Application.objects.exists()
    form = response.context["form"]
    assert form.errors["id_number"] == [id_number_problem(bad)]
    page = response.content.decode()
    assert id_number_problem(bad) in page
    assert bad in page  # typed back for correction, not stored


def test_the_form_has_no_amount_field(client, users):
    client.force_login(users["clerk"])

    response = client.get(reverse("incentives:application-create"))

    assert "amount" not in [
        name for name in response.context["form"].fields if name != "prize_amount"
    ]
    assert 'name="amount"' not in response.content.decode()


def test_a_district_clerk_cannot_enter_for_another_area(client, users):
    client.force_login(users["clerk"])

    response = client.post(
        reverse("incentives:application-create"),
        form_data(area=area("余江区人民政府").pk),
    )

    assert response.status_code == 400
    assert "area" in response.context["form"].errors
    assert not Application.objects.exists()


def test_the_city_clerk_enters_for_the_city_level(client, users):
    client.force_login(users["city_clerk"])

    response = client.post(reverse("incentives:application-create"), form_data(area=""))

    application = Application.objects.get()
    assert response.status_code == 302
    assert application.area is None
    assert application.finance.name == "市本级财政"


def test_choosing_a_kind_shows_its_groups_only(client, users):
    client.force_login(users["clerk"])
    url = reverse("incentives:application-create")

    startup = client.get(
        url, {"kind": "startup", "name": "王五"}, headers={"HX-Request": "true"}
    ).content.decode()
    none = client.get(url).content.decode()

    assert startup.startswith('<div id="application-fields">')
    assert "营业执照" in startup and "劳动合同" not in startup
    assert 'value="王五"' in startup  # what was typed is kept
    assert "营业执照" in none and "劳动合同" in none
    assert "适用于:创业奖励" in none


# -- the detail and the moves -------------------------------------------------


def test_the_detail_shows_the_facts_masked_and_never_in_full(client, users, draft):
    verify(draft, users)
    for role in ("clerk", "city_clerk", "reviewer"):
        client.force_login(users[role])

        page = client.get(draft.get_absolute_url()).content.decode()

        for plaintext in PLAINTEXT:
            assert plaintext not in page, (role, plaintext)
        assert "3606**********1233" in page
        assert "138****1234" in page
        assert draft.card_masked in page
        assert "全国职业资格证书查询系统" in page
        assert "技师(二级)2000元" in page
        # Those who review it may reveal a number, with a reason (audited);
        # the 市人社局's clerk, not the clerk of this 区(市), may not.
        offered = reverse("incentives:personal-reveal", args=[draft.pk, "id_number"])
        assert (offered in page) is (role != "city_clerk"), role


def test_the_detail_lists_the_conditions_with_their_reasons(client, users, draft):
    from incentives.eligibility import conditions

    client.force_login(users["reviewer"])

    response = client.get(draft.get_absolute_url())

    page = response.content.decode()
    for condition in conditions(draft):
        assert condition.name in page
        assert condition.reason in page
    assert "待核验" in page  # the certificate is not yet checked


def test_the_moves_are_offered_as_buttons_by_role(client, users, draft):
    client.force_login(users["clerk"])
    assert "提交初审" in client.get(draft.get_absolute_url()).content.decode()
    client.force_login(users["reviewer"])
    assert "提交初审" not in client.get(draft.get_absolute_url()).content.decode()

    walk(draft, users, "submit", "first_pass")
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "复审通过" in page and "复审退回" in page
    client.force_login(users["clerk"])
    assert "复审通过" not in client.get(draft.get_absolute_url()).content.decode()


def post_move(client, application, action, **data):
    application.refresh_from_db()
    return client.post(
        reverse("incentives:application-move", args=[application.pk, action]),
        {"version": application.version, **data},
        follow=True,
    )


def test_the_application_goes_through_review_by_the_buttons(client, users, draft):
    verify(draft, users)
    client.force_login(users["clerk"])
    post_move(client, draft, "submit")
    response = post_move(client, draft, "first_pass")
    assert "已初审通过。" in response.content.decode()

    refused = client.post(
        reverse("incentives:application-move", args=[draft.pk, "second_pass"]),
        {"version": draft.version + 2},
    )
    assert refused.status_code == 403
    draft.refresh_from_db()
    assert draft.state == S.SECOND_REVIEW

    client.force_login(users["reviewer"])
    response = post_move(client, draft, "second_pass")
    draft.refresh_from_db()
    assert draft.state == S.READY
    assert "已复审通过。" in response.content.decode()
    assert list(draft.transitions.values_list("action", flat=True)) == [
        "submit",
        "first_pass",
        "second_pass",
    ]


def test_the_second_pass_is_refused_with_the_condition_unmet(client, users, draft):
    walk(draft, users, "submit", "first_pass")
    client.force_login(users["reviewer"])

    response = post_move(client, draft, "second_pass")

    draft.refresh_from_db()
    assert draft.state == S.SECOND_REVIEW
    assert "复审通过前须满足全部条件" in response.content.decode()


def test_a_return_needs_its_reason(client, users, draft):
    walk(draft, users, "submit")
    client.force_login(users["clerk"])

    response = post_move(client, draft, "first_return", reason="  ")
    draft.refresh_from_db()
    assert draft.state == S.FIRST_REVIEW
    assert "“初审退回”须填写理由。" in response.content.decode()

    response = post_move(client, draft, "first_return", reason="合同复印件不清晰")
    draft.refresh_from_db()
    assert draft.state == S.RETURNED
    assert "合同复印件不清晰" in response.content.decode()  # the return note


def test_a_stale_page_cannot_move_the_application(client, users, draft):
    client.force_login(users["clerk"])

    response = client.post(
        reverse("incentives:application-move", args=[draft.pk, "submit"]),
        {"version": draft.version - 1 or 99},
        follow=True,
    )

    draft.refresh_from_db()
    assert draft.state == S.DRAFT
    assert "申请已被他人修改,请刷新后重试。" in response.content.decode()


def test_a_system_move_is_no_button(client, users, draft):
    walk(draft, users, "submit", "first_pass")
    verify(draft, users)
    walk(draft, users, "second_pass")
    client.force_login(users["reviewer"])

    response = client.post(
        reverse("incentives:application-move", args=[draft.pk, "publicise"]), {}
    )

    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.state == S.READY


def test_a_fact_check_is_recorded_from_the_detail(client, users, draft):
    client.force_login(users["reviewer"])

    response = client.post(
        reverse("incentives:fact-check-add", args=[draft.pk]),
        {
            "fact": "insurance",
            "result": "confirmed",
            "source": "鹰潭市社保系统",
            "checked_on": "2025-01-09",
            "insurance_first_month": "2024-06",
            "insurance_months": "7",
        },
        follow=True,
    )

    check = FactCheck.objects.get()
    assert (check.fact, check.insurance_months) == ("insurance", 7)
    assert check.insurance_first_month == datetime.date(2024, 6, 1)
    assert check.recorded_by == users["reviewer"]
    page = response.content.decode()
    assert "已记录核验结果" in page and "鹰潭市社保系统" in page


def test_a_fact_check_without_a_date_is_refused_in_chinese(client, users, draft):
    client.force_login(users["clerk"])

    response = client.post(
        reverse("incentives:fact-check-add", args=[draft.pk]),
        {"fact": "certificate", "result": "confirmed", "source": "查询系统"},
        follow=True,
    )

    assert not FactCheck.objects.exists()
    assert "核验日期" in response.content.decode()


def test_the_reviewer_assesses_an_office_set_award(client, users):
    application = enter(
        users,
        kind="training_centre",
        level="",
        name="贵溪某铜业有限公司",
        id_number="",
        phone="",
        certificate_number="",
        certificate_kind="",
        occupation="",
        certificate_date=None,
        contract_start=None,
        contract_end=None,
        insurance_first_month=None,
        insurance_months=None,
    )
    assert application.amount is None
    walk(application, users, "submit", "first_pass")
    client.force_login(users["reviewer"])
    assert "核定金额" in client.get(application.get_absolute_url()).content.decode()

    response = client.post(
        reverse("incentives:application-assess", args=[application.pk]),
        {"assessed_amount": "100000", "special_funds": "20000"},
        follow=True,
    )

    application.refresh_from_db()
    assert application.assessed_amount == 100000
    assert application.amount is not None
    assert "已核定金额。" in response.content.decode()
    client.force_login(users["clerk"])
    assert 'name="assessed_amount"' not in (
        client.get(application.get_absolute_url()).content.decode()
    )


# -- editing --------------------------------------------------------------------


def test_the_clerk_corrects_a_draft_and_the_amount_follows(client, users, draft):
    client.force_login(users["clerk"])
    url = reverse("incentives:application-edit", args=[draft.pk])
    form = client.get(url)
    assert "现为 3606**********1233,不修改请留空" in form.content.decode()
    for plaintext in PLAINTEXT:
        assert plaintext not in form.content.decode()
    data = form_data(level="1", id_number="", phone="", card_number="")
    del data["area"]

    response = client.post(url, {**data, "version": draft.version})

    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.level, draft.amount) == ("1", 3000)
    assert draft.id_number_masked == "3606**********1233"  # kept
    assert draft.phone_masked == "138****1234"


def test_an_application_under_review_is_not_editable(client, users, draft):
    walk(draft, users, "submit")
    client.force_login(users["clerk"])

    response = client.get(
        reverse("incentives:application-edit", args=[draft.pk]), follow=True
    )

    assert response.redirect_chain[-1][0] == draft.get_absolute_url()
    assert "只有待提交或已退回的申请可以修改" in response.content.decode()
    assert "修改申请" not in response.content.decode().split("</h1>", 1)[1]


def test_an_edit_from_a_stale_page_is_refused(client, users, draft):
    client.force_login(users["clerk"])
    data = form_data(level="1", id_number="", phone="", card_number="")
    del data["area"]

    response = client.post(
        reverse("incentives:application-edit", args=[draft.pk]),
        {**data, "version": draft.version + 5},
    )

    assert response.status_code == 400
    assert "申请已被他人修改,请刷新后重试。" in response.content.decode()
    draft.refresh_from_db()
    assert draft.level == "2"


def test_entry_day_is_today(client, users):
    client.force_login(users["clerk"])

    response = client.get(reverse("incentives:application-create"))

    assert response.context["form"]["filed_on"].value() == TODAY


def test_the_city_clerk_edits_a_city_level_draft_only(client, users, draft):
    city = enter(
        users,
        actor="city_clerk",
        area_name=None,
        id_number=ID_LI,
        certificate_number="S000036060000999",
    )
    client.force_login(users["city_clerk"])

    own = client.get(reverse("incentives:application-edit", args=[city.pk]))
    guixi = client.get(reverse("incentives:application-edit", args=[draft.pk]))

    assert own.status_code == 200
    assert guixi.status_code == 403
