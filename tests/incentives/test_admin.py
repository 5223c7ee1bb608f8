"""The incentives' settings in the admin, as the system administrator keeps
them: every changelist opens, the key-enterprise registry imports from
Excel, a rule's amount is locked once an application uses it, changes are
audited, and applications are not in the admin at all."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook

from audit.models import AuditEvent
from incentives.models import AwardRule, Holiday, KeyEnterprise
from incentives.services.imports import credit_code_check_char
from tests.incentives.apps_support import enter
from tests.incentives.sheets import workbook

pytestmark = pytest.mark.django_db

MODELS = [
    "awardrule",
    "finance",
    "budget",
    "industrychain",
    "keyenterprise",
    "holiday",
    "targetfeed",
]
CODE = "91360681MA35A1B2C" + credit_code_check_char("91360681MA35A1B2C")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def users(incentive_defaults, incentive_users):
    return incentive_users


@pytest.fixture
def admin_client(client, users):
    client.force_login(users["sysadmin"])
    return client


def employment_rule(level="2"):
    return AwardRule.objects.get(kind="employment", level=level)


@pytest.mark.parametrize("model", MODELS)
def test_sysadmin_opens_each_changelist_and_add_page(admin_client, model):
    changelist = admin_client.get(reverse(f"admin:incentives_{model}_changelist"))
    assert changelist.status_code == 200
    add = admin_client.get(reverse(f"admin:incentives_{model}_add"))
    assert add.status_code == 200


def test_changelists_answer_sorted_and_filtered(admin_client):
    url = reverse("admin:incentives_awardrule_changelist")
    response = admin_client.get(url, {"kind__exact": "employment", "o": "10"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "高级技师(一级)" in page and "适用申请数" in page
    url = reverse("admin:incentives_industrychain_changelist")
    assert "铜基新材料" in admin_client.get(url, {"o": "3"}).content.decode()


@pytest.mark.parametrize("role", ["clerk", "reviewer", "reporter"])
def test_others_do_not_reach_the_admin(client, users, role):
    client.force_login(users[role])
    response = client.get(reverse("admin:incentives_awardrule_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_applications_are_not_in_the_admin(admin_client):
    with pytest.raises(NoReverseMatch):
        reverse("admin:incentives_application_changelist")
    page = admin_client.get(reverse("admin:app_list", args=["incentives"]))
    assert "奖励申请" not in page.content.decode()


def test_amount_is_editable_until_an_application_uses_the_rule(admin_client, users):
    rule = employment_rule()
    url = reverse("admin:incentives_awardrule_change", args=[rule.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="amount"' in page

    enter(users)  # 就业奖励 技师(二级), under this rule
    page = admin_client.get(url).content.decode()
    assert 'name="amount"' not in page
    assert 'name="effective_from"' not in page
    assert 'name="effective_to"' in page
    assert "已有 1 份申请适用本标准" in page
    assert "新增一条同类别、同等级的标准" in page

    # A posted amount is ignored: the field is read-only.
    response = admin_client.post(
        url,
        {
            "effective_to": "",
            "source_item": rule.source_item,
            "source_text": rule.source_text,
            "amount": "9999",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.amount == 2000


def test_a_finance_bearing_applications_keeps_its_area(admin_client, users):
    from incentives.models import Finance

    finance = Finance.objects.get(name="贵溪市财政")
    url = reverse("admin:incentives_finance_change", args=[finance.pk])
    assert 'name="area"' in admin_client.get(url).content.decode()
    enter(users)
    assert 'name="area"' not in admin_client.get(url).content.decode()


def test_a_used_rule_cannot_end_before_its_applications(admin_client, users):
    rule = employment_rule()
    enter(users)  # filed 2025-01-06
    response = admin_client.post(
        reverse("admin:incentives_awardrule_change", args=[rule.pk]),
        {
            "effective_to": "2024-12-31",
            "source_item": rule.source_item,
            "source_text": rule.source_text,
        },
    )
    assert response.status_code == 200
    assert "已有2025-01-06提交的申请适用本标准,截止日期不能早于该日。" in (
        response.content.decode()
    )
    rule.refresh_from_db()
    assert rule.effective_to is None


def rule_form(**overrides):
    data = {
        "kind": "employment",
        "level": "2",
        "basis": "fixed",
        "amount": "2500",
        "uplift_percent": "10",
        "funding": "beneficiary",
        "city_share_percent": "0",
        "effective_from": "2025-07-01",
        "effective_to": "",
        "source_item": "19",
        "source_text": "调整后的标准",
    }
    data.update(overrides)
    return data


def test_a_new_amount_is_a_new_rule_starting_later_and_audited(admin_client, users):
    old = employment_rule()
    url = reverse("admin:incentives_awardrule_add")
    response = admin_client.post(url, rule_form(effective_from="2023-01-01"))
    assert response.status_code == 200
    assert f"新标准的起始日期应晚于{old.effective_from}" in response.content.decode()

    response = admin_client.post(url, rule_form())
    assert response.status_code == 302
    new = AwardRule.objects.get(
        kind="employment", level="2", effective_from="2025-07-01"
    )
    assert new.amount == 2500
    record = AuditEvent.objects.filter(action="admin.add").latest("pk")
    assert record.object_id == str(new.pk)
    assert Decimal(record.after["amount"]) == 2500


def test_holiday_change_is_audited_before_and_after(admin_client):
    holiday = Holiday.objects.create(date=datetime.date(2025, 10, 1), name="国庆")
    response = admin_client.post(
        reverse("admin:incentives_holiday_change", args=[holiday.pk]),
        {"date": "2025-10-01", "name": "国庆节", "is_workday": ""},
    )
    assert response.status_code == 302
    record = AuditEvent.objects.get(action="admin.change")
    assert record.before["name"] == "国庆"
    assert record.after["name"] == "国庆节"


def test_enterprise_form_checks_the_credit_code(admin_client):
    from incentives.models import IndustryChain

    chain = IndustryChain.objects.get(name="铜基新材料")
    url = reverse("admin:incentives_keyenterprise_add")
    data = {
        "name": "某企业",
        "credit_code": CODE[:-1] + ("0" if CODE[-1] != "0" else "1"),
        "chain": chain.pk,
        "listed_from": "2024-01-01",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "校验码(第18位)不正确" in response.content.decode()
    response = admin_client.post(url, {**data, "credit_code": CODE.lower()})
    assert response.status_code == 302
    assert KeyEnterprise.objects.get().credit_code == CODE


def test_enterprise_changelist_offers_the_import(admin_client):
    page = admin_client.get(reverse("admin:incentives_keyenterprise_changelist"))
    assert "从 Excel 导入" in page.content.decode()
    assert reverse("admin:incentives_keyenterprise_import") in page.content.decode()


def test_enterprise_import_page_imports_or_lists_every_error(admin_client):
    url = reverse("admin:incentives_keyenterprise_import")
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "铜基新材料" in page.content.decode()

    bad = workbook(
        [
            {"企业名称": "甲", "统一社会信用代码": CODE, "产业链": "铜基新材料"},
            {"企业名称": "乙", "统一社会信用代码": "123", "产业链": "人工智能"},
        ]
    )
    response = admin_client.post(
        url, {"file": SimpleUploadedFile("名录.xlsx", bad, content_type=XLSX)}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "名录中有 2 处问题,未导入任何企业" in body
    assert "第3行“统一社会信用代码”列" in body
    assert "第3行“产业链”列" in body
    assert KeyEnterprise.objects.count() == 0

    good = workbook(
        [{"企业名称": "甲", "统一社会信用代码": CODE, "产业链": "铜基新材料"}]
    )
    response = admin_client.post(
        url,
        {"file": SimpleUploadedFile("名录.xlsx", good, content_type=XLSX)},
        follow=True,
    )
    assert response.redirect_chain[0][0] == reverse(
        "admin:incentives_keyenterprise_changelist"
    )
    assert "新增 1 家,更新 0 家,未变 0 家" in response.content.decode()
    assert KeyEnterprise.objects.get().name == "甲"


def test_enterprise_template_downloads(admin_client):
    response = admin_client.get(
        reverse("admin:incentives_keyenterprise_import_template")
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [c.value for c in book.worksheets[0][1]][:3] == [
        "企业名称",
        "统一社会信用代码",
        "产业链",
    ]


def test_target_feed_takes_award_kinds(admin_client):
    from targets.models import ReviewStatus, Target
    from tests.factories import PolicyFactory

    target = Target.objects.create(
        policy=PolicyFactory(),
        metric="引进高技能人才来鹰就业创业",
        value=1000,
        unit="人",
        kind="cumulative",
        deadline=datetime.date(2025, 12, 31),
        source_text="引进1000名以上高技能人才来鹰就业创业。",
        source_ref="正文",
        fingerprint="fp-talent",
        review_status=ReviewStatus.ACCEPTED,
    )
    response = admin_client.post(
        reverse("admin:incentives_targetfeed_add"),
        {
            "target": target.pk,
            "kinds": ["employment", "startup"],
            "counts_from": "2023-02-13",
        },
    )
    assert response.status_code == 302
    assert target.incentive_feed.kinds == ["employment", "startup"]
    page = admin_client.get(reverse("admin:incentives_targetfeed_changelist"))
    assert "就业奖励、创业奖励" in page.content.decode()
