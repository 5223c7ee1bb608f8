"""The task list, task page and department pages: who sees them, what they
show, how they filter, and that their query counts do not grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tasks.models import Department, Role, Task
from tests.factories import DepartmentFactory, ResponsibilityFactory, TaskFactory

ROLES = ["reporter", "leader", "reviewer", "sysadmin", "other_department"]


def page_urls():
    task = Task.objects.get(number=1)
    department = Department.objects.get(name="贵溪市人民政府")
    return [
        reverse("tasks:task-list"),
        reverse("tasks:task-detail", args=[task.pk]),
        reverse("tasks:department-list"),
        reverse("tasks:department-detail", args=[department.pk]),
    ]


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login_from_every_page(client, policy):
    for url in page_urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_published_tasks(client, policy, users, role):
    """The annex is a published document: each signed-in role, another
    department's reporter included, reads every task and department."""
    client.force_login(users[role])
    for url in page_urls():
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_unknown_ids_answer_404(client, policy, users, role):
    client.force_login(users[role])
    missing = Task.objects.order_by("-pk").first().pk + 1000
    assert client.get(reverse("tasks:task-detail", args=[missing])).status_code == 404
    assert (
        client.get(reverse("tasks:department-detail", args=[missing])).status_code
        == 404
    )


@pytest.mark.django_db
def test_task_page_shows_requirement_key_task_and_roles(client, policy, users):
    client.force_login(users["reporter"])
    task = Task.objects.get(number=1)
    page = client.get(reverse("tasks:task-detail", args=[task.pk])).content.decode()
    assert "以建设先进铜产业学院为契机" in page
    assert "1. 培育铜基新材料产业链技能人才" in page
    assert "(一)加强特色产业行业急需紧缺技能人才建设" in page
    leads = [
        r.department.name for r in task.responsibilities.all() if r.role == Role.LEAD
    ]
    assert leads == ["贵溪市人民政府", "高新区管委会"]
    for name in leads:
        assert name in page
    assert page.count('class="badge role-lead"') == 2
    assert page.count('class="badge role-cooperating"') == 3


@pytest.mark.django_db
def test_department_page_lists_tasks_as_lead_and_as_cooperating(client, policy, users):
    client.force_login(users["reporter"])
    department = Department.objects.get(name="贵溪市人民政府")
    response = client.get(reverse("tasks:department-detail", args=[department.pk]))
    sections = dict(response.context["sections"])
    lead = sorted(r.task.number for r in sections["牵头"])
    cooperating = sorted(r.task.number for r in sections["配合"])
    # Key task 1 (tasks 1–3) and 4 (tasks 9–11, where the annex lists it on
    # task 9 only) are led by 贵溪市; as a member of 各区(市)人民政府、管委会
    # it also carries the group's tasks.
    assert {1, 2, 3, 9}.issubset(lead)
    assert 22 in lead  # the group leads key task 8
    assert 17 in cooperating  # the group cooperates on key task 6
    page = response.content.decode()
    assert "经“各区(市)人民政府、管委会”" in page


@pytest.mark.django_db
def test_group_page_lists_its_members(client, policy, users):
    client.force_login(users["reviewer"])
    group = Department.objects.get(name="各区(市)人民政府、管委会")
    page = client.get(reverse("tasks:department-detail", args=[group.pk]))
    text = page.content.decode()
    for member in [
        "月湖区人民政府",
        "余江区人民政府",
        "贵溪市人民政府",
        "信江新区管委会",
    ]:
        assert member in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"key_task": "__kt7__"}, [18, 19, 20, 21]),
        ({"section": "__s3__"}, [25, 26, 27, 28]),
        ({"q": "家政"}, [15, 16, 17]),
        ({"department": "__rsj__", "role": Role.UNSPECIFIED}, []),
        (
            {"department": "__edu__", "role": Role.LEAD},
            [18, 19, 20, 21, 26, 27, 31, 35, 36, 37, 38],
        ),
        ({"role": Role.UNSPECIFIED}, [26, 27, 29]),
    ],
)
def test_task_list_filters(client, policy, users, query, expected):
    from tasks.models import KeyTask, Section

    placeholders = {
        "__kt7__": KeyTask.objects.get(number=7).pk,
        "__s3__": Section.objects.get(number=3).pk,
        "__rsj__": Department.objects.get(name="市人社局").pk,
        "__edu__": Department.objects.get(name="市教育局").pk,
    }
    params = {k: placeholders.get(v, v) for k, v in query.items()}
    client.force_login(users["reporter"])
    response = client.get(reverse("tasks:task-list"), params)
    assert [t.number for t in response.context["tasks"]] == expected


@pytest.mark.django_db
def test_department_filter_includes_tasks_of_its_groups(client, policy, users):
    client.force_login(users["reporter"])
    yujiang = Department.objects.get(name="余江区人民政府")
    response = client.get(
        reverse("tasks:task-list"), {"department": yujiang.pk, "role": Role.LEAD}
    )
    numbers = [t.number for t in response.context["tasks"]]
    assert numbers[:4] == [7, 8, 12, 13]  # named in the annex
    assert 22 in numbers  # through 各区(市)人民政府、管委会, lead of key task 8


@pytest.mark.django_db
def test_task_list_pages_keep_the_filter(client, policy, users, monkeypatch):
    from tasks.views import TaskListView

    monkeypatch.setattr(TaskListView, "paginate_by", 4)
    client.force_login(users["reporter"])
    params = {"role": Role.LEAD, "q": "培训"}

    first = client.get(reverse("tasks:task-list"), params).content.decode()
    second = client.get(reverse("tasks:task-list"), {**params, "page": 2})

    assert "第 1 / " in first
    assert 'href="?role=lead&amp;q=%E5%9F%B9%E8%AE%AD&amp;page=2">下一页' in first
    assert "上一页" not in first
    assert 'href="?role=lead&amp;q=%E5%9F%B9%E8%AE%AD&amp;page=1">上一页' in (
        second.content.decode()
    )


@pytest.mark.django_db
def test_htmx_request_gets_only_the_table(client, policy, users):
    client.force_login(users["reporter"])
    response = client.get(
        reverse("tasks:task-list"), {"q": "烘焙"}, headers={"HX-Request": "true"}
    )
    text = response.content.decode()
    assert text.lstrip().startswith('<div id="task-table">')
    assert "<html" not in text
    assert [t.number for t in response.context["tasks"]] == [9, 10, 11]


def _make_policy_data(tasks: int, departments: int):
    pool = DepartmentFactory.create_batch(departments)
    group = DepartmentFactory(kind="group")
    group.members.set(pool[:3])
    for index in range(tasks):
        task = TaskFactory()
        for offset in range(3):
            ResponsibilityFactory(
                task=task,
                department=pool[(index + offset) % departments],
                role=Role.LEAD if offset == 0 else Role.COOPERATING,
                position=offset,
            )
        ResponsibilityFactory(task=task, department=group, role=Role.COOPERATING)
    return pool[0], Task.objects.order_by("pk").first()


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page",
    ["task-list", "task-list-filtered", "task-detail", "department-list", "dept"],
)
def test_page_query_count_does_not_grow_with_data(client, users, page):
    """Each page is measured on a small and on a six times larger data set."""
    client.force_login(users["reviewer"])
    counts = []
    for tasks, departments in [(8, 5), (48, 30)]:
        department, task = _make_policy_data(tasks, departments)
        url, params = {
            "task-list": (reverse("tasks:task-list"), {}),
            "task-list-filtered": (
                reverse("tasks:task-list"),
                {"department": department.pk, "role": Role.LEAD, "q": "工作"},
            ),
            "task-detail": (reverse("tasks:task-detail", args=[task.pk]), {}),
            "department-list": (reverse("tasks:department-list"), {}),
            "dept": (reverse("tasks:department-detail", args=[department.pk]), {}),
        }[page]
        counts.append(_count(client, url, params))
    assert counts[0] == counts[1], counts
    # Three of them save the session, as every request does (idle timeout).
    assert counts[1] <= 15, counts
