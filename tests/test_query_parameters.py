"""Junk in a URL's query (letters for a number, a negative one, one too big
for the database, an exponent, nothing) is refused with a 400 that says
which parameter, or ignored; never a 500. Every portal page and every
admin page is asked."""

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from common.http import BadQuery, query_id
from dispatch.models import ReportingPeriod
from tests.test_permission_matrix import MATRIX, ROLES, everyone, objects  # noqa: F401

JUNK = ["abc", "-1", "99999999999999999999", "1e5", "", "²", "１"]
# Every name a portal page reads from its query, and a few it does not.
PARAMETERS = [
    "period",
    "department",
    "task",
    "state",
    "status",
    "page",
    "format",
    "section",
    "key_task",
    "role",
    "q",
    "user",
    "action",
    "object_type",
    "object_id",
    "date_from",
    "date_to",
    "sort",
]
ADMINS = list(admin.site._registry.items())


@pytest.fixture
def admin_client(client, users):
    """The system administrator, who keeps the admin's business data."""
    client.force_login(users["sysadmin"])
    return client


def first_role_answered(name: str) -> str:
    answers = zip(ROLES, MATRIX[name], strict=True)
    return next(r for r, answer in answers if answer == 200 and r != "anonymous")


@pytest.mark.parametrize("value", ["1", "42", str(2**63 - 1)])
def test_query_id_reads_a_plain_number(value):
    assert query_id({"period": value}, "period", "填报期") == int(value)


@pytest.mark.parametrize("value", [None, ""])
def test_query_id_is_none_when_the_parameter_is_absent_or_empty(value):
    params = {} if value is None else {"period": value}
    assert query_id(params, "period", "填报期") is None


@pytest.mark.parametrize(
    "value", ["abc", "-1", "0", str(2**63), "1e5", "²", "１", " 1", "1_0", "9" * 5000]
)
def test_query_id_refuses_anything_else_naming_the_parameter(value):
    with pytest.raises(BadQuery) as refused:
        query_id({"period": value}, "period", "填报期")
    assert "填报期(参数 period)应为编号" in str(refused.value)
    assert len(str(refused.value)) < 80


@pytest.mark.django_db
@pytest.mark.parametrize("value", JUNK)
def test_my_tasks_with_a_junk_period_is_refused_or_shows_the_current_one(
    client, users, period, value
):
    client.force_login(users["reporter"])

    response = client.get(reverse("dispatch:my-tasks"), {"period": value})

    if value == "":
        assert response.status_code == 200
        assert response.context["period"] == period
    else:
        assert response.status_code == 400
        assert "填报期(参数 period)应为编号" in response.content.decode()


@pytest.mark.django_db
def test_my_tasks_with_an_unknown_period_is_a_404(client, users, period):
    client.force_login(users["reporter"])

    response = client.get(reverse("dispatch:my-tasks"), {"period": period.pk + 1000})

    assert response.status_code == 404


@pytest.mark.django_db
def test_every_portal_page_answers_junk_in_its_query_without_a_500(
    client,
    everyone,  # noqa: F811
    objects,  # noqa: F811
):
    client.raise_request_exception = False
    failures = []
    for name in MATRIX:
        if 200 not in MATRIX[name]:
            continue  # POST-only
        client.force_login(everyone[first_role_answered(name)])
        url = reverse(name, args=objects.get(name, []))
        # Every parameter at once with each junk value, then each alone
        # (a 400 for the first a view reads would hide the others).
        queries = [dict.fromkeys(PARAMETERS, value) for value in JUNK]
        queries += [{parameter: "abc"} for parameter in PARAMETERS]
        for query in queries:
            status = client.get(url, query).status_code
            if status >= 500:
                failures.append((url, query, status))
    assert failures == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "model_admin"), ADMINS, ids=[m._meta.model_name for m, _ in ADMINS]
)
def test_admin_add_pages_ignore_junk_initial_values(
    admin_client, policy, model, model_admin
):
    """The admin fills a new object's fields from the query (?department=3);
    a value that names no object leaves the field empty."""
    admin_client.raise_request_exception = False
    try:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    except Exception:
        pytest.skip("no add page")
    failures = []
    for field in [*model._meta.fields, *model._meta.many_to_many]:
        for value in JUNK:
            status = admin_client.get(url, {field.name: value}).status_code
            if status not in (200, 403):
                failures.append((field.name, value, status))
    assert failures == []


@pytest.mark.django_db
def test_admin_add_page_keeps_a_valid_initial_department(admin_client, policy, period):
    from tasks.models import Department

    department = Department.objects.get(name="市人社局")
    url = reverse("admin:tasks_responsibility_add")

    response = admin_client.get(url, {"department": department.pk})

    assert response.status_code == 200
    assert f'<option value="{department.pk}" selected>' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "model_admin"), ADMINS, ids=[m._meta.model_name for m, _ in ADMINS]
)
def test_admin_change_lists_answer_junk_filters_without_a_500(
    client, django_user_model, policy, model, model_admin
):
    # A superuser reaches every list, whichever of the 三员 keeps it.
    client.force_login(
        django_user_model.objects.create_superuser(
            "root-test", password="x#1Pass", must_change_password=False
        )
    )
    client.raise_request_exception = False
    admin_client = client
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert admin_client.get(url).status_code == 200
    names = [f.name for f in model._meta.fields] + ["period", "department", "p", "o"]
    failures = []
    for name in names:
        for value in JUNK:
            status = admin_client.get(url, {name: value}).status_code
            if status not in (200, 302, 400):
                failures.append((name, value, status))
    assert failures == []


@pytest.mark.django_db
@pytest.mark.parametrize("parameter", ["period", "department", "policy"])
@pytest.mark.parametrize("value", JUNK)
def test_the_admin_task_export_refuses_junk_filters_with_a_400(
    admin_client, policy, parameter, value
):
    admin_client.raise_request_exception = False

    response = admin_client.get(reverse("admin:tasks_task_export"), {parameter: value})

    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "导出的筛选条件" in response.content.decode()


@pytest.mark.django_db
def test_the_admin_task_export_still_honours_a_real_filter(admin_client, policy):
    response = admin_client.get(
        reverse("admin:tasks_task_export"), {"policy__id__exact": policy.pk}
    )

    assert response.status_code == 200


@pytest.mark.django_db
def test_view_on_site_for_a_period_opens_its_dashboard(admin_client, period):
    content_type = ContentType.objects.get_for_model(ReportingPeriod)

    response = admin_client.get(
        reverse("admin:view_on_site", args=[content_type.pk, period.pk])
    )

    assert response.status_code == 302
    assert response["Location"].endswith(
        reverse("dispatch:dashboard") + f"?period={period.pk}"
    )
