"""The import pages by role, and as a clerk and the reviewer use them: an
employer's sheet imported for the clerk's own 区(市) (any, or 市本级, for
the city's clerk), a bad sheet listed error by error with nothing
written, an export of facts with its unmatched rows listed."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from incentives.models import Application, FactCheck
from tasks.models import Department
from tests.incentives.apps_support import enter
from tests.incentives.conftest import ID_LI, ID_ZHANG
from tests.incentives.sheets import second_worker, with_check_digit, workbook, worker

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
GET_ANSWERS = {
    "application-import": (L, 200, 200, 200, 403, 403, 403),
    "application-import-template": (L, 200, 200, 200, 403, 403, 403),
    "fact-import": (L, 200, 200, 200, 200, 403, 403),
    "fact-import-template": (L, 200, 200, 200, 200, 403, 403),
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def users(incentive_defaults, incentive_users):
    return incentive_users


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(
        datetime.datetime(2025, 1, 10, 10, 0, tzinfo=datetime.UTC), tick=False
    ):
        yield


def upload(data: bytes, name="申报表.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=XLSX)


@pytest.mark.parametrize("name", list(GET_ANSWERS))
@pytest.mark.parametrize("role", ROLES)
def test_each_page_answers_each_role_as_expected(client, users, name, role):
    if role != "anonymous":
        client.force_login(users[role])

    response = client.get(reverse(f"incentives:{name}"))

    expected = GET_ANSWERS[name][ROLES.index(role)]
    if expected == L:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected
    if expected == 200 and name.endswith("template"):
        assert response["Content-Type"] == XLSX
        assert b"".join(response.streaming_content)[:2] == b"PK"


@pytest.mark.parametrize("role", ["reviewer", "reporter", "sysadmin"])
def test_a_sheet_posted_by_who_may_not_import_is_refused(client, users, role):
    client.force_login(users[role])
    response = client.post(
        reverse("incentives:application-import"),
        {"file": upload(workbook([worker()]))},
    )
    assert response.status_code == 403
    assert Application.objects.count() == 0


def test_clerk_imports_for_their_own_area_whatever_is_posted(client, users):
    client.force_login(users["clerk"])
    page = client.get(reverse("incentives:application-import")).content.decode()
    assert "贵溪市人民政府" in page
    assert "余江区人民政府" not in page
    yujiang = Department.objects.get(name="余江区人民政府")

    response = client.post(
        reverse("incentives:application-import"),
        {"area": yujiang.pk, "file": upload(workbook([worker(), second_worker()]))},
        follow=True,
    )

    assert response.redirect_chain[0] == (reverse("incentives:application-list"), 302)
    assert (
        "已从“申报表.xlsx”导入 2 份贵溪市人民政府的奖励申请"
        in response.content.decode()
    )
    assert set(Application.objects.values_list("area__name", flat=True)) == {
        "贵溪市人民政府"
    }
    assert set(Application.objects.values_list("source", flat=True)) == {"batch"}


def test_city_clerk_chooses_the_area_or_the_city(client, users):
    client.force_login(users["city_clerk"])
    url = reverse("incentives:application-import")
    page = client.get(url).content.decode()
    assert "市本级" in page and "余江区人民政府" in page

    response = client.post(url, {"area": "", "file": upload(workbook([worker()]))})
    assert response.status_code == 400
    assert "请选择所属区(市)或市本级。" in response.content.decode()

    response = client.post(url, {"area": "city", "file": upload(workbook([worker()]))})
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.area is None
    assert application.finance.name == "市本级财政"


def test_bad_sheet_lists_every_error_and_writes_nothing(client, users):
    client.force_login(users["clerk"])
    bad_id = ID_ZHANG[:-1] + ("0" if ID_ZHANG[-1] != "0" else "1")
    rows = [worker(**{"身份证号": bad_id}), second_worker(**{"发证日期": "去年"})]

    response = client.post(
        reverse("incentives:application-import"),
        {"file": upload(workbook(rows))},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "申报表中有 2 处问题,未导入任何申请" in page
    assert "第2行“身份证号”列:身份证号校验码(末位)不正确,请核对。" in page
    assert "第3行“发证日期”列:“去年”不是日期(如 2024-05-10)。" in page
    assert bad_id not in page
    assert Application.objects.count() == 0


def test_too_large_or_missing_file_is_refused_before_reading(client, users, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    client.force_login(users["clerk"])
    url = reverse("incentives:application-import")
    response = client.post(url, {"file": upload(workbook([worker()]))})
    assert response.status_code == 400
    assert "超过上限" in response.content.decode()
    response = client.post(url, {})
    assert response.status_code == 400
    assert "请选择要导入的申报表(.xlsx 文件)。" in response.content.decode()
    assert Application.objects.count() == 0


def test_reviewer_imports_an_insurance_export_and_sees_the_unmatched(client, users):
    application = enter(users)
    stranger = with_check_digit("36060219850512003")
    rows = [
        {"身份证号": ID_ZHANG, "首次参保月份": "2024-06", "连续缴费月数": 8},
        {"身份证号": stranger, "首次参保月份": "2024-06", "连续缴费月数": 8},
    ]
    client.force_login(users["reviewer"])

    response = client.post(
        reverse("incentives:fact-import"),
        {
            "fact": "insurance",
            "source": "鹰潭市社会保险信息系统",
            "checked_on": "2025-01-09",
            "file": upload(workbook(rows), "社保导出.xlsx"),
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "已记录 1 条社保缴费核验结果" in page
    assert "第3行" in page
    assert "3606**********" + stranger[-4:] in page
    assert stranger not in page and ID_ZHANG not in page
    check = FactCheck.objects.get()
    assert check.application == application
    assert check.source == "鹰潭市社会保险信息系统"
    assert check.checked_on == datetime.date(2025, 1, 9)


def test_fact_import_refuses_a_future_date_and_a_malformed_file(client, users):
    enter(users)
    client.force_login(users["clerk"])
    url = reverse("incentives:fact-import")
    # The date input holds today as a browser reads it.
    assert 'value="2025-01-10"' in client.get(url).content.decode()
    rows = [
        {"身份证号": ID_LI[:-1] + "9", "首次参保月份": "2024-06", "连续缴费月数": 8}
    ]
    data = {"fact": "insurance", "source": "社保系统", "checked_on": "2025-01-11"}

    response = client.post(url, {**data, "file": upload(workbook(rows))})
    assert response.status_code == 400
    assert "核验日期2025-01-11晚于今天(2025-01-10)。" in response.content.decode()

    data["checked_on"] = "2025-01-10"
    response = client.post(url, {**data, "file": upload(workbook(rows))})
    assert response.status_code == 400
    page = response.content.decode()
    assert "未记录任何核验结果" in page
    assert "第2行“身份证号”列:身份证号校验码(末位)不正确,请核对。" in page
    assert FactCheck.objects.count() == 0


def test_fact_template_of_an_unknown_kind_is_a_400(client, users):
    client.force_login(users["reviewer"])
    url = reverse("incentives:fact-import-template")
    assert client.get(url, {"fact": "insurance"}).status_code == 200
    assert client.get(url, {"fact": "licence"}).status_code == 400
