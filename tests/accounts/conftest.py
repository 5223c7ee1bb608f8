import pytest
from django.urls import reverse

from accounts.roles import RoleName
from accounts.services import user_create
from tasks.models import Department

PASSWORD = "Pass#word123"


@pytest.fixture
def staff(users):
    """The ``users`` of every business role, with a security administrator
    (安全管理员) and an auditor (审计管理员) beside them."""
    office = Department.objects.get(name="市人社局")
    return {
        **users,
        "security": user_create(
            username="security",
            password=PASSWORD,
            role=RoleName.SECURITY,
            department=office,
            must_change_password=False,
        ),
        "auditor": user_create(
            username="auditor",
            password=PASSWORD,
            role=RoleName.AUDITOR,
            department=office,
            must_change_password=False,
        ),
    }


def sign_in(client, username, password=PASSWORD, address="10.0.0.1"):
    """Through the login page, as a person does: django-axes sees it."""
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )
