"""Fixtures of the incentives: the policy's defaults (rules, finances,
chains), one user per incentive role and a department user who has none,
and a factory of valid applications."""

import datetime

import pytest

# A valid ID number (GB 11643 check digit) of someone born 1990-03-07 in
# 鹰潭 (3606..), and a second person's.
ID_ZHANG = "360602199003071233"
ID_LI = "360681199508150020"


@pytest.fixture
def incentive_defaults(departments):
    from incentives.defaults import defaults_ensure

    defaults_ensure()


@pytest.fixture
def incentive_users(departments):
    """clerk (贵溪市), clerk_other (余江区), city_clerk (市人社局), reviewer
    (人社局审核员), reporter (贵溪市, no incentive role), sysadmin."""
    from accounts.roles import RoleName
    from accounts.services import user_create
    from tasks.models import Department

    def make(username, role, department):
        return user_create(
            username=username,
            password="Pass#word123",
            role=role,
            department=Department.objects.get(name=department),
            must_change_password=False,
        )

    return {
        "clerk": make("clerk", RoleName.INCENTIVE_CLERK, "贵溪市人民政府"),
        "clerk_other": make("clerk2", RoleName.INCENTIVE_CLERK, "余江区人民政府"),
        "city_clerk": make("cityclerk", RoleName.INCENTIVE_CLERK, "市人社局"),
        "reviewer": make("ireviewer", RoleName.REVIEWER, "市人社局"),
        "reporter": make("ireporter", RoleName.REPORTER, "贵溪市人民政府"),
        "sysadmin": make("isysadmin", RoleName.SYSADMIN, "市人社局"),
    }


def employment_data(**overrides) -> dict:
    """The facts of an eligible 就业奖励 (技师/二级) in 贵溪市, as the
    entry service takes them."""
    data = {
        "kind": "employment",
        "level": "2",
        "name": "张三",
        "id_number": ID_ZHANG,
        "phone": "13800001234",
        "card_number": "6217001234567890123",
        "card_bank": "中国建设银行鹰潭分行",
        "certificate_number": "S000036060000123",
        "certificate_kind": "skill_level",
        "occupation": "电工",
        "certificate_date": datetime.date(2024, 5, 10),
        "employer_name": "江西铜业股份有限公司贵溪冶炼厂",
        "employer_credit_code": "91360681MA35XXXX0A",
        "contract_start": datetime.date(2024, 6, 1),
        "contract_end": datetime.date(2027, 5, 31),
        "insurance_first_month": datetime.date(2024, 6, 1),
        "insurance_months": 6,
        "filed_on": datetime.date(2025, 1, 6),
    }
    data.update(overrides)
    return data
