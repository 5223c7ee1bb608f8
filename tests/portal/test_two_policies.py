"""Two policies at once: the real one and the demo's second (演示用, its
text and annex in fixtures/source). A department reports on its tasks of
both, a report on the second is filed and approved like any other, the
first policy's dashboard and target board do not move, and the public
page is one page a published policy."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from dispatch.models import ProgressReport, ReportState
from dispatch.services import period_ensure_reports, report_transition
from targets import selectors as target_selectors
from targets.models import ReadingSource, ReviewStatus, Target
from targets.services import (
    policy_publish,
    policy_targets_extract,
    reading_record,
    target_decide,
)
from tasks.models import Department, Policy, Role
from tests.conftest import ROOT, fill, import_annex_file, import_policy_text

SOURCE = ROOT / "fixtures" / "source"
SECOND = "鹰人社发〔2025〕8号"


@pytest.fixture(autouse=True)
def no_cached_page():
    cache.clear()
    yield
    cache.clear()


def load_second() -> Policy:
    """The demo's second policy, imported as an administrator would."""
    text = (SOURCE / "demo-youth-internship-plan.txt").read_bytes()
    import_policy_text(text, "demo-youth-internship-plan.txt")
    import_annex_file(
        (SOURCE / "annex-demo-youth-internship.xlsx").read_bytes(),
        "annex-demo-youth-internship.xlsx",
        policy_number=SECOND,
    )
    return Policy.objects.get(number=SECOND)


@pytest.fixture
def second(policy):
    return load_second()


def accept_targets(policy: Policy, reviewer) -> list[Target]:
    policy_targets_extract(policy=policy)
    targets = list(Target.objects.filter(policy=policy).order_by("position", "pk"))
    for target in targets:
        target_decide(target=target, accept=True, actor=reviewer)
    return targets


def approved_report(report, author, reviewer):
    report = fill(report, author, completion=40)
    report = report_transition(report=report, action="submit", actor=author)
    return report_transition(report=report, action="approve", actor=reviewer)


@pytest.mark.django_db
def test_the_second_policy_has_its_tasks_roles_and_demo_mark(second):
    assert "演示用" in second.text
    assert second.issued_on == datetime.date(2025, 3, 10)
    assert second.tasks.count() == 10
    assert second.key_tasks.count() == 7
    # The text's notes give the annex's departments their roles.
    leads = set(
        second.tasks.get(number=5)
        .responsibilities.filter(role=Role.LEAD)
        .values_list("department__name", flat=True)
    )
    assert leads == {"市教育局", "市人社局"}


@pytest.mark.django_db
def test_a_department_sees_its_tasks_of_both_policies_labelled(
    client, second, period, users
):
    user = users["other_department"]  # 市教育局
    client.force_login(user)
    page = client.get(reverse("dispatch:my-tasks")).content.decode()
    mine = ProgressReport.objects.filter(period=period, department=user.department)
    assert {r.task.policy.number for r in mine} == {"鹰办发〔2022〕22号", SECOND}
    for report in mine:
        assert report.get_absolute_url() in page
    assert f'<span class="badge policy-badge" title="{second.title}">{SECOND}' in page
    # The department's page lists its tasks of both, labelled the same.
    own = reverse("tasks:department-detail", args=[user.department.pk])
    page = client.get(own).content.decode()
    assert f'<span class="badge policy-badge" title="{second.title}">{SECOND}' in page
    for report in mine:
        assert report.task.get_absolute_url() in page


@pytest.mark.django_db
def test_one_policy_alone_has_no_policy_labels(client, period, users):
    client.force_login(users["other_department"])
    page = client.get(reverse("dispatch:my-tasks")).content.decode()
    assert "policy-badge" not in page


@pytest.mark.django_db
def test_a_report_on_the_second_policy_is_filed_and_approved(
    client, second, period, users
):
    education = Department.objects.get(name="市教育局")
    report = ProgressReport.objects.get(
        period=period, task__policy=second, task__number=5, department=education
    )
    assert report.role == Role.LEAD
    author = users["other_department"]
    client.force_login(author)
    edit = reverse("dispatch:report-edit", args=[report.pk])
    assert client.get(edit).status_code == 200
    report = fill(report, author, completion=30)
    report_transition(report=report, action="submit", actor=author)

    client.force_login(users["reviewer"])
    queue = client.get(reverse("dispatch:review-queue")).content.decode()
    assert report.get_absolute_url() in queue
    detail = client.get(report.get_absolute_url()).content.decode()
    assert f"{SECOND} 《{second.title}》" in detail
    move = reverse("dispatch:report-move", args=[report.pk, "approve"])
    assert client.post(move).status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED
    # The queue narrowed to the second policy holds its reports only.
    narrowed = client.get(
        reverse("dispatch:review-queue"), {"policy": second.pk, "state": ""}
    )
    rows = narrowed.context["reports"]
    assert rows and {r.task.policy_id for r in rows} == {second.pk}


def _dashboard_data(client, policy) -> str:
    page = client.get(reverse("dispatch:dashboard"), {"policy": policy.pk})
    assert page.status_code == 200
    found = re.search(
        r'<script id="dashboard-data" type="application/json">(.*?)</script>',
        page.content.decode(),
        re.S,
    )
    assert found
    return found.group(1)


def _board(user, policy) -> list[tuple]:
    return [
        (item.target.pk, item.status, item.verdict, item.latest_value)
        for group in target_selectors.board(user, policy)
        for item in group.items
    ]


@pytest.mark.django_db
def test_the_second_policy_leaves_the_first_ones_dashboard_and_board(
    client, policy, period, users
):
    reviewer = users["reviewer"]
    first_targets = accept_targets(policy, reviewer)
    reading_record(
        target=first_targets[0],
        value="100",
        as_of=timezone.localdate() - datetime.timedelta(days=1),
        source=ReadingSource.IMPORT,
    )
    guixi = Department.objects.get(name="贵溪市人民政府")
    approved_report(
        ProgressReport.objects.filter(period=period, department=guixi).first(),
        users["reporter"],
        reviewer,
    )
    client.force_login(reviewer)
    dashboard, board = _dashboard_data(client, policy), _board(reviewer, policy)

    second = load_second()
    period_ensure_reports(period=period)
    accept_targets(second, reviewer)
    education = Department.objects.get(name="市教育局")
    approved_report(
        ProgressReport.objects.get(
            period=period, task__policy=second, task__number=5, department=education
        ),
        users["other_department"],
        reviewer,
    )
    assert _dashboard_data(client, policy) == dashboard
    assert _board(reviewer, policy) == board
    # Both are offered by the dashboard's and the board's switchers.
    for name in ("dispatch:dashboard", "targets:board"):
        page = client.get(reverse(name)).content.decode()
        for item in (policy, second):
            assert f'<option value="{item.pk}"' in page
    # The second's own board holds its targets only.
    assert {t for t, *_ in _board(reviewer, second)} == set(
        Target.objects.filter(policy=second).values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_each_published_policy_has_its_public_page(client, second, users):
    first = Policy.objects.exclude(pk=second.pk).get()
    accept_targets(first, users["reviewer"])
    accept_targets(second, users["reviewer"])
    default = client.get(reverse("public")).content.decode()
    own = client.get(reverse("public-policy", args=[second.pk])).content.decode()
    first_page = client.get(reverse("public-policy", args=[first.pk]))
    assert first_page.status_code == 200
    assert "鹰办发〔2022〕22号" in default
    # The default page links the other policy's page; each shows its own.
    assert f'href="{reverse("public-policy", args=[second.pk])}"' in default
    assert f'href="{reverse("public-policy", args=[first.pk])}"' in own
    assert "见习期满留用率" in own
    assert "见习期满留用率" not in default
    assert "规模以上铜企业" not in own
    assert first_page.content.decode().count("<tr>") == default.count("<tr>")


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "reviewer"])
def test_an_unpublished_policy_is_not_found_and_not_offered(
    client, second, users, signed_in, django_capture_on_commit_callbacks
):
    if signed_in:
        client.force_login(users["reviewer"])
    own = reverse("public-policy", args=[second.pk])
    assert client.get(own).status_code == 200  # cached for the visitor
    with django_capture_on_commit_callbacks(execute=True):
        policy_publish(policy=second, published=False, actor=users["sysadmin"])
    assert client.get(own).status_code == 404
    assert client.get(reverse("public"), {"policy": second.pk}).status_code == 404
    default = client.get(reverse("public")).content.decode()
    assert own not in default
    assert SECOND not in default


@pytest.mark.django_db
def test_a_bulletins_figures_count_their_own_policy(second, period, users):
    from bulletins.selectors.figures import bulletin_figures

    month = (period.year, period.month)
    figures = bulletin_figures(
        policy=second, first=month, last=month, today=timezone.localdate()
    )
    assert sum(figures["lights"].values()) == second.tasks.count()
    first = Policy.objects.exclude(pk=second.pk).get()
    figures = bulletin_figures(
        policy=first, first=month, last=month, today=timezone.localdate()
    )
    assert sum(figures["lights"].values()) == first.tasks.count()


@pytest.mark.django_db
def test_the_demo_accepts_each_policys_targets_on_their_own(second, users):
    from targets.demo import demo_targets_create

    first = Policy.objects.exclude(pk=second.pk).get()
    today = datetime.date(2026, 1, 10)
    alone = demo_targets_create(reviewer=users["reviewer"], today=today, policy=first)
    assert alone > 0
    assert not Target.objects.filter(
        policy=second, review_status=ReviewStatus.ACCEPTED
    ).exists()
    assert demo_targets_create(reviewer=users["reviewer"], today=today, policy=second)
    assert not Target.objects.exclude(review_status=ReviewStatus.ACCEPTED).exists()
