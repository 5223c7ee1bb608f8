"""The targets' admin: a person edits, confirms or rejects the parser's
candidates, runs the parser from the change list, and reads the readings."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from targets import services
from targets.models import Reading, ReadingSource, ReviewStatus, Target
from tests.targets.test_readings import candidate

NON_ADMIN_ROLES = ["reporter", "leader", "reviewer", "other_department"]


@pytest.fixture
def admin_user(users):
    """The system administrator with the targets' model permissions.

    Granted here because the role's permission list (accounts/roles.py)
    does not name the targets app yet; once it does, this is a no-op."""
    user = users["sysadmin"]
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="targets")
    )
    return user


@pytest.fixture
def candidates(policy):
    services.targets_extract(
        policy=policy,
        candidates=[
            candidate("fp-1", metric="规模以上铜企业"),
            candidate("fp-2", task_number=6, value=1000, unit="人", metric="培训"),
        ],
    )
    return list(Target.objects.order_by("position"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "params"),
    [
        ("admin:targets_target_changelist", {}),
        ("admin:targets_target_changelist", {"review_status__exact": "proposed"}),
        ("admin:targets_target_changelist", {"q": "铜企业", "kind__exact": "annual"}),
        ("admin:targets_reading_changelist", {"source__exact": "reviewer"}),
    ],
)
def test_sysadmin_opens_the_changelists_in_chinese(
    client, admin_user, candidates, url_name, params
):
    client.force_login(admin_user)
    response = client.get(reverse(url_name), params)
    assert response.status_code == 200
    page = response.content.decode()
    assert "目标" in page
    if url_name == "admin:targets_target_changelist":
        assert "从政策提取候选目标" in page
        assert "确认所选目标" in page
        assert "否决所选目标" in page


@pytest.mark.django_db
def test_changelist_shows_candidates_with_their_source(client, admin_user, candidates):
    client.force_login(admin_user)
    response = client.get(
        reverse("admin:targets_target_changelist"),
        {"review_status__exact": "proposed"},
    )
    page = response.content.decode()
    assert "规模以上铜企业" in page
    assert "230家" in page
    assert "附件第3行" in page
    assert "待确认" in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_non_admin_roles_cannot_reach_the_target_admin(client, users, policy, role):
    client.force_login(users[role])
    for url in [
        reverse("admin:targets_target_changelist"),
        reverse("admin:targets_target_extract"),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/admin/login/" in response["Location"], url


@pytest.mark.django_db
def test_person_edits_a_candidate_but_not_its_source(client, admin_user, candidates):
    target = candidates[0]
    client.force_login(admin_user)
    url = reverse("admin:targets_target_change", args=[target.pk])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert target.source_text in text
    assert "计划节点" in text  # the plan is edited inline
    form = page.context["adminform"].form
    assert {"source_text", "source_ref", "fingerprint", "review_status"}.isdisjoint(
        form.fields
    )
    data = {
        "metric": "规上铜企业",
        "comparator": "gte",
        "value": "240",
        "unit": "家",
        "kind": "cumulative",
        "start_date": "",
        "deadline": "2025-12-31",
        "baseline": "",
        "start_value": "0",
        "note": "",
        "key_task": target.key_task_id,
        "task": target.task_id,
        "position": "0",
        "source_text": "篡改的原文",
        "review_status": "accepted",
        "plan-TOTAL_FORMS": "1",
        "plan-INITIAL_FORMS": "0",
        "plan-MIN_NUM_FORMS": "0",
        "plan-MAX_NUM_FORMS": "1000",
        "plan-0-as_of": "2024-12-31",
        "plan-0-value": "150",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    target.refresh_from_db()
    assert (target.metric, target.value) == ("规上铜企业", Decimal(240))
    assert target.source_text == "到2025年,规模以上铜企业达到230家。"
    assert target.review_status == ReviewStatus.PROPOSED
    assert [(p.as_of, p.value) for p in target.plan.all()] == [
        (datetime.date(2024, 12, 31), Decimal(150))
    ]


@pytest.mark.django_db
def test_admin_adds_no_target_by_hand(client, admin_user, policy):
    client.force_login(admin_user)
    assert client.get(reverse("admin:targets_target_add")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "status"),
    [("accept_targets", ReviewStatus.ACCEPTED), ("reject_targets", "rejected")],
)
def test_actions_confirm_or_reject_the_selected_candidates(
    client, admin_user, candidates, action, status
):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:targets_target_changelist"),
        {"action": action, "_selected_action": [t.pk for t in candidates]},
        follow=True,
    )
    assert response.status_code == 200
    label = "确认" if status == ReviewStatus.ACCEPTED else "否决"
    assert f"已{label} 2 个目标。" in response.content.decode()
    for target in Target.objects.all():
        assert target.review_status == status
        assert target.reviewed_by == admin_user
        assert target.reviewed_at is not None


@pytest.mark.django_db
def test_staff_without_the_reviewer_role_cannot_decide(client, users, candidates):
    """The service decides who may confirm: a staff member with the model
    permission but no reviewing role gets its refusal as a message."""
    from accounts.roles import RoleName
    from accounts.services import user_create

    clerk = user_create(
        username="clerk",
        password="Pass#word123",
        role=RoleName.REPORTER,
        department=users["reporter"].department,
        must_change_password=False,
    )
    clerk.is_staff = True
    clerk.save(update_fields=["is_staff"])
    clerk.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="targets")
    )
    client.force_login(clerk)
    response = client.post(
        reverse("admin:targets_target_changelist"),
        {"action": "accept_targets", "_selected_action": [candidates[0].pk]},
        follow=True,
    )
    assert "只有人社局审核员或系统管理员可以确认目标" in response.content.decode()
    assert not Target.objects.filter(review_status=ReviewStatus.ACCEPTED).exists()


@pytest.mark.django_db
def test_extract_button_runs_the_parser_for_every_policy(
    client, admin_user, policy, monkeypatch
):
    seen = []

    def extract(*, policy, dry_run=False):
        seen.append(policy)
        return services.targets_extract(policy=policy, candidates=[candidate()])

    monkeypatch.setattr(services, "policy_targets_extract", extract)
    client.force_login(admin_user)
    url = reverse("admin:targets_target_extract")
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert seen == [policy]
    changelist = reverse("admin:targets_target_changelist")
    assert response.redirect_chain == [
        (f"{changelist}?review_status__exact=proposed", 302)
    ]
    page = response.content.decode()
    assert f"{policy.number}:新增候选目标 1 个" in page
    assert Target.objects.get().review_status == ReviewStatus.PROPOSED

    again = client.post(url, follow=True)
    assert "新增候选目标 0 个,已有 1 个未重复创建" in again.content.decode()
    assert Target.objects.count() == 1


@pytest.mark.django_db
def test_extract_reports_a_policy_without_content(
    client, admin_user, policy, monkeypatch
):
    def extract(*, policy, dry_run=False):
        raise services.TargetError(f"{policy}尚未导入正文或附件,没有可提取的内容。")

    monkeypatch.setattr(services, "policy_targets_extract", extract)
    client.force_login(admin_user)
    response = client.post(reverse("admin:targets_target_extract"), follow=True)
    assert "没有可提取的内容" in response.content.decode()


@pytest.mark.django_db
def test_staff_without_change_permission_cannot_extract(client, users, policy):
    from accounts.models import User

    user = User.objects.create(
        username="viewer", is_staff=True, must_change_password=False
    )
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="targets", codename="view_target"
        )
    )
    client.force_login(user)
    page = client.get(reverse("admin:targets_target_changelist")).content.decode()
    assert "从政策提取候选目标" not in page
    response = client.post(reverse("admin:targets_target_extract"))
    assert response.status_code == 403
    assert not Target.objects.exists()


@pytest.mark.django_db
def test_readings_are_listed_and_filtered_by_source_but_not_edited(
    client, admin_user, candidates
):
    target = candidates[0]
    services.target_decide(target=target, accept=True, actor=admin_user)
    today = timezone.localdate()
    Reading.objects.create(
        target=target, value=100, as_of=today, source=ReadingSource.IMPORT
    )
    Reading.objects.create(
        target=target, value=120, as_of=today, source=ReadingSource.REVIEWER
    )
    client.force_login(admin_user)
    url = reverse("admin:targets_reading_changelist")
    response = client.get(url, {"source__exact": "reviewer"})
    assert response.status_code == 200
    assert [r.value for r in response.context["cl"].result_list] == [120]
    reading = Reading.objects.get(value=100)
    change = client.get(reverse("admin:targets_reading_change", args=[reading.pk]))
    assert change.status_code == 200
    assert "readonly" in change.content.decode()
    assert client.get(reverse("admin:targets_reading_add")).status_code == 403
