"""Every URL of the portal (the admin site aside, which has its own tests,
and the incentives, whose matrix is tests/incentives/test_permission_matrix.py)
requested as anonymous, as each role and as a user of another department,
with the expected answer for each.

Object ids are those of 贵溪市人民政府 (the reporter's and leader's
department); ``other_department`` is a reporter of 市教育局. A GET of a
POST-only action answers 405 to whoever may reach it.
"""

import datetime
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.roles import RoleName
from accounts.services import user_create
from dispatch.models import ProgressReport
from tasks.models import Department, Policy

ROLES = [
    "anonymous",
    "reporter",
    "leader",
    "reviewer",
    "sysadmin",
    "security",
    "auditor",
    "other_department",
]
L = "login"  # redirected to the sign-in page

# url name → answers in the order of ROLES
MATRIX = {
    "home": (L, 302, 302, 302, 302, 302, 302, 302),
    "public": (200, 200, 200, 200, 200, 200, 200, 200),
    "public-policy": (200, 200, 200, 200, 200, 200, 200, 200),
    "targets:board": (L, 200, 200, 200, 200, 200, 200, 200),
    "targets:target-detail": (L, 200, 200, 200, 200, 200, 200, 200),
    "targets:export": (L, 200, 200, 200, 200, 200, 200, 200),
    "targets:reading-add": (405, 405, 405, 405, 405, 405, 405, 405),
    "tasks:task-list": (L, 200, 200, 200, 200, 200, 200, 200),
    "tasks:task-detail": (L, 200, 200, 200, 200, 200, 200, 200),
    "tasks:department-list": (L, 200, 200, 200, 200, 200, 200, 200),
    "tasks:department-detail": (L, 200, 200, 200, 200, 200, 200, 200),
    "dispatch:my-tasks": (L, 200, 200, 403, 403, 403, 403, 200),
    "dispatch:report-detail": (L, 200, 200, 200, 404, 404, 404, 404),
    "dispatch:report-edit": (L, 200, 200, 404, 404, 404, 404, 404),
    "dispatch:report-move": (405, 405, 405, 405, 405, 405, 405, 405),
    "dispatch:evidence-upload": (405, 405, 405, 405, 405, 405, 405, 405),
    "dispatch:evidence-download": (L, 200, 200, 200, 404, 404, 404, 404),
    "dispatch:evidence-delete": (405, 405, 405, 405, 405, 405, 405, 405),
    "dispatch:review-queue": (L, 403, 403, 200, 403, 403, 403, 403),
    "dispatch:signoff-list": (L, 403, 200, 403, 403, 403, 403, 403),
    "dispatch:period-list": (L, 403, 403, 200, 403, 403, 403, 403),
    "dispatch:period-action": (405, 405, 405, 405, 405, 405, 405, 405),
    "dispatch:dashboard": (L, 403, 403, 200, 403, 403, 403, 403),
    "dispatch:urge": (405, 405, 405, 405, 405, 405, 405, 405),
    "dispatch:sheet-download": (L, 200, 200, 403, 403, 403, 403, 200),
    "dispatch:sheet-upload": (L, 200, 200, 403, 403, 403, 403, 200),
    "accounts:locks": (L, 403, 403, 403, 403, 200, 403, 403),
    "audit:event-list": (L, 403, 403, 403, 403, 403, 200, 403),
    "audit:event-export": (L, 403, 403, 403, 403, 403, 200, 403),
    "password_change": (L, 200, 200, 200, 200, 200, 200, 200),
    "bulletins:bulletin-list": (L, 200, 200, 200, 403, 403, 403, 200),
    "bulletins:bulletin-create": (L, 403, 403, 200, 403, 403, 403, 403),
    "bulletins:bulletin-detail": (L, 200, 200, 200, 404, 404, 404, 404),
    "bulletins:bulletin-edit": (L, 403, 403, 200, 403, 403, 403, 403),
    "bulletins:bulletin-action": (405, 405, 405, 405, 405, 405, 405, 405),
    "bulletins:render-job": (L, 200, 200, 200, 404, 404, 404, 404),
    "bulletins:document-download": (L, 200, 200, 200, 404, 404, 404, 404),
    "public-bulletins:list": (200, 200, 200, 200, 200, 200, 200, 200),
    "public-bulletins:detail": (200, 200, 200, 200, 200, 200, 200, 200),
    "supervision:round-list": (L, 200, 200, 200, 403, 403, 403, 200),
    "supervision:round-create": (L, 403, 403, 200, 403, 403, 403, 403),
    "supervision:round-detail": (L, 200, 200, 200, 403, 403, 403, 404),
    "supervision:round-notify": (405, 405, 405, 405, 405, 405, 405, 405),
    "supervision:feedback": (L, 200, 200, 200, 403, 403, 403, 404),
    "supervision:feedback-docx": (L, 200, 200, 200, 403, 403, 403, 404),
    "supervision:visit-create": (L, 403, 403, 200, 403, 403, 403, 403),
    "supervision:problem-create": (L, 403, 403, 200, 403, 403, 403, 403),
    "supervision:visit-detail": (L, 200, 200, 200, 403, 403, 403, 404),
    "supervision:visit-file-upload": (405, 405, 405, 405, 405, 405, 405, 405),
    "supervision:visit-file": (L, 404, 404, 200, 404, 404, 404, 404),
    "supervision:problem-list": (L, 200, 200, 200, 403, 403, 403, 200),
    "supervision:problem-detail": (L, 200, 200, 200, 403, 403, 403, 404),
    "supervision:problem-plan": (405, 405, 405, 405, 405, 405, 405, 405),
    "supervision:problem-progress": (405, 405, 405, 405, 405, 405, 405, 405),
    "supervision:problem-move": (405, 405, 405, 405, 405, 405, 405, 405),
    "supervision:extension-request": (405, 405, 405, 405, 405, 405, 405, 405),
    "supervision:extension-decide": (405, 405, 405, 405, 405, 405, 405, 405),
    "supervision:evidence-download": (L, 200, 200, 200, 404, 404, 404, 404),
    "supervision:ledger": (L, 200, 200, 200, 403, 403, 403, 200),
    "supervision:ledger-export": (L, 200, 200, 200, 403, 403, 403, 200),
    "supervision:findings-import": (L, 403, 403, 200, 403, 403, 403, 403),
    "supervision:findings-template": (L, 403, 403, 200, 403, 403, 403, 403),
    "assessment:index": (L, 200, 200, 200, 403, 403, 403, 200),
    "assessment:scheme-create": (405, 405, 405, 405, 405, 405, 405, 405),
    "assessment:scheme-detail": (L, 403, 403, 200, 403, 403, 403, 403),
    "assessment:indicator-add": (405, 405, 405, 405, 405, 405, 405, 405),
    "assessment:assessment-start": (405, 405, 405, 405, 405, 405, 405, 405),
    "assessment:indicator-delete": (405, 405, 405, 405, 405, 405, 405, 405),
    # A department is sent on to its own sheet.
    "assessment:assessment-detail": (L, 302, 302, 200, 403, 403, 403, 302),
    "assessment:manual-item-add": (405, 405, 405, 405, 405, 405, 405, 405),
    "assessment:assessment-move": (405, 405, 405, 405, 405, 405, 405, 405),
    "assessment:sheet-detail": (L, 200, 200, 200, 403, 403, 403, 404),
    "assessment:objection-raise": (405, 405, 405, 405, 405, 405, 405, 405),
    "assessment:objection-list": (L, 200, 200, 200, 403, 403, 403, 200),
    "assessment:objection-answer": (405, 405, 405, 405, 405, 405, 405, 405),
    "assessment:objection-file": (L, 200, 200, 200, 404, 404, 404, 404),
    "assessment:manual-item-file": (L, 200, 200, 200, 404, 404, 404, 404),
    # The score table is the reviewer's; the issued 通报 (2024's) every
    # department's.
    "assessment:results-xlsx": (L, 403, 403, 200, 403, 403, 403, 403),
    # The edit pages of 2025's frozen scheme: a notice for the reviewer.
    "assessment:scheme-edit": (L, 403, 403, 200, 403, 403, 403, 403),
    "assessment:indicator-edit": (L, 403, 403, 200, 403, 403, 403, 403),
    "assessment:results-render": (405, 405, 405, 405, 405, 405, 405, 405),
    "assessment:results-document": (L, 200, 200, 200, 403, 403, 403, 200),
}

# The monthly loop's pages before they left /tasks/ (portal/legacy_urls.py):
# a permanent redirect to the new address for everyone, who then meets the
# new page's own answer. tests/dispatch/test_moved_addresses.py follows them.
MATRIX.update(
    {
        name.replace("dispatch:", "legacy:"): (301,) * len(ROLES)
        for name in list(MATRIX)
        if name.startswith("dispatch:")
    }
)
MATRIX["legacy-admin:admin"] = (301,) * len(ROLES)

# POSTs that change something: who may (the answer is a redirect back) and
# who is refused. Other-department objects answer 404.
POSTS = {
    "targets:reading-add": (L, 403, 403, 302, 403, 403, 403, 403),
    "dispatch:report-move": (L, 302, 302, 302, 404, 404, 404, 404),
    "dispatch:urge": (L, 403, 403, 302, 403, 403, 403, 403),
    "dispatch:period-action": (L, 403, 403, 302, 403, 403, 403, 403),
    "dispatch:evidence-upload": (L, 302, 302, 404, 404, 404, 404, 404),
    "bulletins:bulletin-action": (L, 403, 403, 302, 403, 403, 403, 403),
    "supervision:round-notify": (L, 403, 403, 302, 403, 403, 403, 403),
    "supervision:visit-file-upload": (L, 403, 403, 302, 403, 403, 403, 403),
    # The reviewer reaches the department's actions and is refused by the
    # service, with a message on the page it is sent back to.
    "supervision:problem-plan": (L, 302, 302, 302, 404, 404, 404, 404),
    "supervision:problem-progress": (L, 302, 302, 302, 404, 404, 404, 404),
    "supervision:problem-move": (L, 302, 302, 302, 404, 404, 404, 404),
    "supervision:extension-request": (L, 302, 302, 302, 404, 404, 404, 404),
    "supervision:extension-decide": (L, 403, 403, 302, 404, 404, 404, 404),
    "assessment:scheme-create": (L, 403, 403, 302, 403, 403, 403, 403),
    "assessment:assessment-move": (L, 403, 403, 302, 403, 403, 403, 403),
    "assessment:manual-item-add": (L, 403, 403, 302, 403, 403, 403, 403),
    # The reviewer reaches the sheet and is refused by the service.
    "assessment:objection-raise": (L, 302, 302, 302, 404, 404, 404, 404),
    "assessment:objection-answer": (L, 403, 403, 302, 403, 403, 403, 403),
    # On 2025's assessment in review: the reviewer is refused by the
    # service (not final), with a message; no conversion runs.
    "assessment:results-render": (L, 403, 403, 302, 403, 403, 403, 403),
    # The reviewer's edit of the frozen scheme is refused on the page itself.
    "assessment:scheme-edit": (L, 403, 403, 200, 403, 403, 403, 403),
    "assessment:indicator-edit": (L, 403, 403, 200, 403, 403, 403, 403),
}

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture
def everyone(users):
    """The users fixture's roles and the two duties it lacks."""
    department = Department.objects.get(name="市人社局")
    extra = {
        name: user_create(
            username=name,
            password="Pass#word123",
            role=role,
            department=department,
            must_change_password=False,
        )
        for name, role in (
            ("security", RoleName.SECURITY),
            ("auditor", RoleName.AUDITOR),
        )
    }
    return {**users, **extra}


def bulletins(everyone, monkeypatch):
    """An issued, published bulletin sent to 贵溪市 and 市人社局 (not to
    市教育局) with its documents rendered, and a draft."""
    from bulletins import services
    from bulletins.models import BulletinKind
    from tests.bulletins.fake_figures import install_stub, make_figures

    stub = install_stub(monkeypatch)
    stub.figures = make_figures(
        [Department.objects.get(name=n) for n in ("贵溪市人民政府", "市人社局")]
    )
    reviewer, now = everyone["reviewer"], timezone.now()
    today = timezone.localdate()

    def create():
        return services.bulletin_create(
            policy=Policy.objects.get(),
            kind=BulletinKind.objects.get(name="月度调度通报"),
            first=(today.year, today.month),
            last=(today.year, today.month),
            today=today,
            actor=reviewer,
        )

    issued, draft = create(), create()
    services.bulletin_update(
        bulletin=issued, data={"number": "鹰技能办〔2025〕3号"}, actor=reviewer
    )
    version = services.bulletin_issue(bulletin=issued, now=now, actor=reviewer)
    services.bulletin_publish(bulletin=issued, published=True, now=now, actor=reviewer)
    job = services.render_job_create(version=version, actor=reviewer)
    services.render_job_start(job=job, now=now)
    folder = Path(django_settings.MEDIA_ROOT) / "bulletins" / str(job.pk)
    folder.mkdir(parents=True)
    (folder / "bulletin.pdf").write_bytes(PDF)
    services.render_job_finish(
        job=job, files={"pdf": f"{job.pk}/bulletin.pdf"}, now=now
    )
    return {
        "bulletins:bulletin-detail": [issued.pk],
        "bulletins:bulletin-edit": [draft.pk],
        "bulletins:bulletin-action": [issued.pk, "unpublish"],
        "bulletins:render-job": [job.pk],
        "bulletins:document-download": [job.pk, "pdf"],
        "public-bulletins:detail": [issued.pk],
    }


def supervision(everyone, report):
    """A notified round over 贵溪市 (not 市教育局) with a visit and its
    file, and a problem being rectified with evidence and an extension
    request waiting."""
    from supervision import services

    reviewer, reporter = everyone["reviewer"], everyone["reporter"]
    guixi = report.department
    round = services.round_create(
        policy=report.task.policy,
        title="2025年上半年督导",
        year=2025,
        half=1,
        starts_on=datetime.date(2025, 6, 1),
        ends_on=datetime.date(2025, 6, 30),
        departments=[guixi],
        tasks=[report.task],
        actor=reviewer,
    )
    services.round_notify(round=round, actor=reviewer)
    visit = services.visit_record(
        round=round,
        department=guixi,
        visited_on=datetime.date(2025, 6, 10),
        methods=["report"],
        checked_tasks=[report.task],
        uploads=[SimpleUploadedFile("座谈记录.pdf", PDF)],
        actor=reviewer,
    )
    problem = services.problem_create(
        round=round,
        department=guixi,
        description="培训台账不全。",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        visit=visit,
        actor=reviewer,
    )
    problem = services.problem_plan(
        problem=problem, responsible="王五", measures="补齐台账。", actor=reporter
    )
    entry = services.problem_progress(
        problem=problem,
        text="已补齐一半。",
        uploads=[SimpleUploadedFile("台账.pdf", PDF)],
        actor=reporter,
    )
    extension = services.extension_request(
        problem=problem,
        new_deadline=problem.deadline + datetime.timedelta(days=10),
        reason="等待数据。",
        actor=reporter,
    )
    problem_args = [problem.pk]
    return {
        "supervision:round-detail": [round.pk],
        "supervision:round-notify": [round.pk],
        "supervision:feedback": [round.pk, guixi.pk],
        "supervision:feedback-docx": [round.pk, guixi.pk],
        "supervision:visit-create": [round.pk],
        "supervision:findings-import": [round.pk],
        "supervision:findings-template": [round.pk],
        "supervision:problem-create": [round.pk],
        "supervision:visit-detail": [visit.pk],
        "supervision:visit-file-upload": [visit.pk],
        "supervision:visit-file": [visit.files.get().pk],
        "supervision:problem-detail": problem_args,
        "supervision:problem-plan": problem_args,
        "supervision:problem-progress": problem_args,
        "supervision:problem-move": [problem.pk, "request"],
        "supervision:extension-request": problem_args,
        "supervision:extension-decide": [extension.pk, "grant"],
        "supervision:evidence-download": [entry.evidence.get().pk],
        "problem_version": problem.version,
    }


def assessment(everyone, report, monkeypatch):
    """A 2025 assessment in its review window with 贵溪市's sheet, an
    objection of 贵溪市 with its file and a 加分 item with its evidence;
    the indicators' computation is stood in for where it is not merged."""
    from decimal import Decimal

    from assessment import services
    from assessment.models import IndicatorKind
    from tests.assessment.conftest import StandIn

    try:
        import assessment.indicators  # noqa: F401
    except ImportError:
        monkeypatch.setattr(
            services,
            "_compute_all",
            lambda scheme, departments, year, *, today: {
                (d.pk, i.pk): StandIn(i.weight, i.weight, "公式")
                for d in departments
                for i in scheme.indicators.all()
            },
        )
    reviewer, reporter = everyone["reviewer"], everyone["reporter"]
    today = timezone.localdate()
    scheme = services.scheme_create(year=2025, title="2025年度考核方案", actor=reviewer)
    progress = services.indicator_add(
        scheme=scheme,
        name="任务进度",
        kind=IndicatorKind.PROGRESS,
        weight=Decimal(95),
        actor=reviewer,
    )
    bonus = services.indicator_add(
        scheme=scheme,
        name="加分",
        kind=IndicatorKind.BONUS,
        weight=Decimal(5),
        actor=reviewer,
    )
    started = services.assessment_start(
        scheme=scheme, review_ends_on=today, today=today, actor=reviewer
    )
    sheet = started.sheets.get(department=report.department)
    item = services.manual_item_add(
        assessment=started,
        department=report.department,
        indicator=bonus,
        points=Decimal(1),
        reason="表彰",
        today=today,
        upload=SimpleUploadedFile("表彰.pdf", PDF),
        actor=reviewer,
    )
    objection = services.objection_raise(
        sheet=sheet,
        indicator=progress,
        reason="有误",
        today=today,
        upload=SimpleUploadedFile("说明.pdf", PDF),
        actor=reporter,
    )
    issued = _issued_assessment(reviewer, today)
    return {
        "assessment:results-xlsx": [started.pk],
        "assessment:results-render": [started.pk],
        "assessment:scheme-edit": [scheme.pk],
        "assessment:indicator-edit": [progress.pk],
        "assessment:results-document": [issued.pk, "pdf"],
        "assessment:scheme-create": [],
        "assessment:scheme-detail": [scheme.pk],
        "assessment:indicator-add": [scheme.pk],
        "assessment:assessment-start": [scheme.pk],
        "assessment:indicator-delete": [progress.pk],
        "assessment:assessment-detail": [started.pk],
        "assessment:manual-item-add": [started.pk],
        "assessment:assessment-move": [started.pk, "recompute"],
        "assessment:sheet-detail": [sheet.pk],
        "assessment:objection-raise": [sheet.pk],
        "assessment:objection-answer": [objection.pk],
        "assessment:objection-file": [objection.pk],
        "assessment:manual-item-file": [item.pk],
    }


def _issued_assessment(reviewer, today):
    """A 2024 assessment issued with its results 通报 rendered as issued
    (the files written by hand: no LibreOffice here)."""
    from decimal import Decimal

    from assessment import jobs, services
    from assessment.models import IndicatorKind

    scheme = services.scheme_create(year=2024, title="2024年度考核方案", actor=reviewer)
    services.indicator_add(
        scheme=scheme,
        name="任务进度",
        kind=IndicatorKind.PROGRESS,
        weight=Decimal(100),
        actor=reviewer,
    )
    issued = services.assessment_start(
        scheme=scheme, review_ends_on=today, today=today, actor=reviewer
    )
    services.assessment_finalise(assessment=issued, actor=reviewer)
    issued = services.assessment_issue(assessment=issued, actor=reviewer)
    results_file = services.results_file_start(
        results_file=services.results_file_create(assessment=issued, actor=reviewer)
    )
    folder = jobs.folder() / str(issued.pk)
    folder.mkdir(parents=True)
    files = {}
    for kind in ("docx", "pdf"):
        (folder / f"v1.{kind}").write_bytes(PDF)
        files[kind] = f"{issued.pk}/v1.{kind}"
    services.results_file_finish(results_file=results_file, files=files)
    return issued


@pytest.fixture
def objects(period, everyone, settings, tmp_path, monkeypatch):
    from dispatch.services import evidence_add
    from targets.models import Target

    settings.MEDIA_ROOT = tmp_path
    report = ProgressReport.objects.get(
        period=period, task__number=1, department__name="贵溪市人民政府"
    )
    evidence = evidence_add(
        report=report,
        upload=SimpleUploadedFile("签到表.pdf", PDF),
        actor=everyone["reporter"],
    )
    target = Target.objects.create(
        policy=report.task.policy,
        task=report.task,
        key_task=report.task.key_task,
        metric="规模以上铜企业",
        value=230,
        unit="家",
        kind="cumulative",
        deadline=datetime.date(2025, 12, 31),
        source_text="规模以上铜企业达到230家",
        source_ref="附件第3行",
        fingerprint="matrix",
        review_status="accepted",
    )
    guixi = Department.objects.get(name="贵溪市人民政府")
    return {
        "tasks:task-detail": [report.task_id],
        "tasks:department-detail": [guixi.pk],
        "dispatch:report-detail": [report.pk],
        "dispatch:report-edit": [report.pk],
        "dispatch:report-move": [report.pk, "submit"],
        "dispatch:evidence-upload": [report.pk],
        "dispatch:evidence-download": [evidence.pk],
        "dispatch:evidence-delete": [evidence.pk],
        "dispatch:period-action": [period.pk, "close"],
        "dispatch:urge": [guixi.pk],
        "dispatch:sheet-download": [period.pk],
        "dispatch:sheet-upload": [period.pk],
        "targets:target-detail": [target.pk],
        "targets:reading-add": [target.pk],
        "public-policy": [report.task.policy_id],
        "period": period,
        "report": report,
        **bulletins(everyone, monkeypatch),
        **supervision(everyone, report),
        **assessment(everyone, report, monkeypatch),
    }


def login_as(client, everyone, role):
    client.logout()
    if role != "anonymous":
        client.force_login(everyone[role])


def check(response, expected, url):
    if expected == L:
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    else:
        assert response.status_code == expected, url


def test_every_url_of_the_portal_is_in_the_matrix():
    from django.urls import URLPattern, URLResolver, get_resolver

    def names(resolver, namespace=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                inner = pattern.namespace or namespace
                yield from names(pattern, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    from tests.incentives.test_permission_matrix import MATRIX as INCENTIVES

    exempt = {"login", "logout", "accounts:unlock"}  # tested in tests/accounts
    # The incentives' pages have their roles of their own (the 区(市)
    # clerks): tests/incentives/test_permission_matrix.py.
    assert set(names(get_resolver())) - exempt == set(MATRIX) | set(INCENTIVES)
    assert not set(MATRIX) & set(INCENTIVES)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_answer_on_every_url(
    client, everyone, objects, role
):
    answers = {}
    for name, expected in MATRIX.items():
        login_as(client, everyone, role)
        if name == "legacy-admin:admin":
            url = reverse(name, kwargs={"model": "progressreport", "rest": ""})
        else:
            url = reverse(
                name, args=objects.get(name.replace("legacy:", "dispatch:"), [])
            )
        response = client.get(url)
        answers[name] = response.status_code
        check(response, expected[ROLES.index(role)], url)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(POSTS))
def test_each_role_gets_the_expected_answer_on_every_action(
    client, everyone, objects, role, name
):
    from tests.conftest import fill

    fill(objects["report"], everyone["reporter"])
    login_as(client, everyone, role)
    url = reverse(name, args=objects[name])
    data = {
        "period": objects["period"].pk,
        "message": "",
        "reason": "x",
        "value": "200",
        "as_of": timezone.localdate().isoformat(),
        "text": "进展",
        "responsible": "王五",
        "measures": "措施",
        "version": objects["problem_version"],
        "new_deadline": "2099-12-31",
    }
    if name == "dispatch:evidence-upload":
        data["file"] = SimpleUploadedFile("照片.pdf", PDF)
    if name.startswith("supervision:"):
        data["files"] = SimpleUploadedFile("照片.pdf", PDF)
    check(client.post(url, data), POSTS[name][ROLES.index(role)], url)


@pytest.mark.django_db
def test_an_other_department_object_is_refused_to_a_department_user(
    client, everyone, period
):
    """The 市教育局 reporter's report, asked for by 贵溪市's users."""
    report = ProgressReport.objects.get(
        period=period, task__number=18, department__name="市教育局"
    )
    for role in ("reporter", "leader"):
        login_as(client, everyone, role)
        for name in ("dispatch:report-detail", "dispatch:report-edit"):
            assert client.get(reverse(name, args=[report.pk])).status_code == 404
        move = reverse("dispatch:report-move", args=[report.pk, "submit"])
        assert client.post(move).status_code == 404
