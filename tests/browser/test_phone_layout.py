"""Every main page fits a phone (390 px) and a desktop (1280 px): nothing
is wider than the window, wide tables scroll inside their own box, and the
header's links wrap by words, never a character per line.

The widths measured are printed (``pytest -s``) so that a change in layout
can be compared with earlier runs.
"""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from tasks.models import Policy
from tests.browser.conftest import ARTIFACTS, login

PASSWORD = "Yingtan#2025demo"
SIZES = {"phone": (390, 844), "desktop": (1280, 800)}

# Run in the page: how wide the document is and, for each header link, its
# height against its line height (a link broken a character per line is
# several lines tall).
MEASURE = """() => {
  const links = [...document.querySelectorAll('header a, header button')]
    .filter(el => el.offsetParent !== null)
    .map(el => {
      const style = getComputedStyle(el);
      const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.6;
      return {text: el.textContent.trim(), height: el.getBoundingClientRect().height,
              line: line};
    });
  return {scroll: document.documentElement.scrollWidth,
          inner: window.innerWidth, links: links};
}"""


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"  # the demo's supervision files
    call_command("setup_portal", "--demo", stdout=io.StringIO())
    User.objects.update(must_change_password=False, password_changed_at=timezone.now())
    # A second policy, so that the pages' policy switchers are shown and
    # measured too, with a long number and title as offices write them.
    Policy.objects.create(
        number="鹰府办发〔2024〕108号",
        title="关于印发鹰潭市促进高校毕业生等青年就业创业若干措施的通知",
    )


@pytest.fixture
def demo_bulletins(demo, bulletin_kinds):
    """Two bulletins over the demo's reports, made as the office makes
    them: the third quarter of 2025 issued (so sent to 贵溪市) and
    published, the fourth a draft."""
    from bulletins import services
    from bulletins.models import BulletinKind

    reviewer = User.objects.get(username="reviewer")
    policy = Policy.objects.get(number="鹰办发〔2022〕22号")
    kind = BulletinKind.objects.get(name="季度通报")
    today, now = timezone.localdate(), timezone.now()
    made = {}
    for name, (first, last) in {
        "issued": ((2025, 7), (2025, 9)),
        "draft": ((2025, 10), (2025, 12)),
    }.items():
        made[name] = services.bulletin_create(
            policy=policy,
            kind=kind,
            first=first,
            last=last,
            today=today,
            actor=reviewer,
        )
    services.bulletin_update(
        bulletin=made["issued"],
        data={"number": "鹰技能办〔2025〕3号"},
        actor=reviewer,
    )
    services.bulletin_issue(bulletin=made["issued"], now=now, actor=reviewer)
    services.bulletin_publish(
        bulletin=made["issued"], published=True, now=now, actor=reviewer
    )
    return made


@pytest.fixture
def demo_draft_scheme(demo):
    """A scheme not yet frozen, made as the office makes one (the demo's
    2024 and 2025 schemes are frozen by their start), so that its edit
    pages and forms are measured: the default indicators, with their
    parameters, added one by one."""
    from django.db.models import Max

    from assessment import services
    from assessment.defaults import DEFAULT_INDICATORS, LEAD_SHARE
    from assessment.models import Scheme

    reviewer = User.objects.get(username="reviewer")
    year = Scheme.objects.aggregate(Max("year"))["year__max"] + 1
    scheme = services.scheme_create(
        year=year, title=f"{year}年度技能鹰潭行动考核方案(征求意见稿)", actor=reviewer
    )
    for name, kind, weight, params in DEFAULT_INDICATORS:
        services.indicator_add(
            scheme=scheme,
            name=name,
            kind=kind,
            weight=Decimal(weight),
            params=params,
            lead_share=LEAD_SHARE,
            actor=reviewer,
        )
    return scheme


def main_pages() -> list[tuple[str | None, str, str]]:
    """(who signs in, page name, path) for every main page."""
    from assessment.models import (
        Assessment,
        AssessmentState,
        Objection,
        ObjectionState,
        Scheme,
    )
    from bulletins.models import Bulletin
    from dispatch.models import ProgressReport
    from dispatch.selectors import current_period
    from incentives.models import Application, ApplicationState, PaymentBatch, Publicity
    from supervision.models import Problem, ProblemState, Round, Visit
    from targets.models import ReviewStatus, Target
    from tasks.models import Department

    period = current_period()
    guixi = Department.objects.get(name="贵溪市人民政府")
    report = (
        ProgressReport.objects.filter(period=period, department=guixi)
        .order_by("-role", "task__number")
        .first()
    )
    target = (
        Target.objects.filter(review_status=ReviewStatus.ACCEPTED)
        .order_by("pk")
        .first()
    )
    issued = Bulletin.objects.get(number="鹰技能办〔2025〕3号")
    draft = Bulletin.objects.get(issued_at=None)
    # The demo's round; the reviewer's problem has the most to show (a
    # pending extension to decide, a 回头看 in its history), the
    # department's its plan, progress and extension forms.
    round = Round.objects.get()
    visit = Visit.objects.get(round=round, department=guixi)
    reopened = Problem.objects.get(state=ProblemState.REOPENED)
    rectifying = (
        Problem.objects.filter(department=guixi, state=ProblemState.PLANNED)
        .order_by("number")
        .first()
    )
    # The demo's assessments: 2025 in its review window with a pending
    # objection (answered on the sheet and in the list), 2024 finalised
    # (its results form), and the draft scheme of the year after.
    reviewing = Assessment.objects.get(state=AssessmentState.REVIEW)
    finalised = Assessment.objects.get(state=AssessmentState.FINAL)
    objection = Objection.objects.get(state=ObjectionState.PENDING)
    draft_scheme = Scheme.objects.get(assessment__isnull=True)
    indicator = draft_scheme.indicators.order_by("-position").first()
    own_sheet = reviewing.sheets.get(department=guixi)
    # The demo's incentives: the reviewer's application waits for the 复审
    # (its move forms and the fact form shown), the 贵溪市 clerk's was paid
    # (its whole history and shares); the 公示 in progress, with its
    # objection forms; 贵溪市财政's batch, a line failed; the batch waiting
    # for the bank's results, whose settle page has its upload form.
    second = (
        Application.objects.filter(state=ApplicationState.SECOND_REVIEW)
        .order_by("number")
        .first()
    )
    paid = (
        Application.objects.filter(area=guixi, state=ApplicationState.PAID)
        .order_by("number")
        .first()
    )
    publicity = Publicity.objects.get(state=Publicity.State.OPEN)
    batch = (
        PaymentBatch.objects.filter(finance__area=guixi).order_by("sequence").first()
    )
    exported = PaymentBatch.objects.get(state=PaymentBatch.State.EXPORTED)
    # The demo's second policy, on its own public page.
    youth = Policy.objects.get(number="鹰人社发〔2025〕8号")
    return [
        (None, "登录", "/login/"),
        (None, "公开页", "/public/"),
        (None, "政策公开页", f"/public/policies/{youth.pk}/"),
        ("reporter", "本期任务", "/dispatch/mine/"),
        ("reporter", "填写报告", f"/dispatch/reports/{report.pk}/edit/"),
        ("reporter", "报告", f"/dispatch/reports/{report.pk}/"),
        ("reporter", "修改密码", "/accounts/password/"),
        ("leader", "待签批", "/dispatch/signoff/"),
        ("reviewer", "调度看板", "/dispatch/dashboard/"),
        ("reviewer", "审核队列", "/dispatch/review/"),
        ("reviewer", "填报期", "/dispatch/periods/"),
        ("reviewer", "目标进展", "/targets/"),
        ("reviewer", "目标", target.get_absolute_url()),
        ("reviewer", "重点任务", "/tasks/"),
        ("reviewer", "任务", f"/tasks/{report.task_id}/"),
        ("reviewer", "责任部门", "/tasks/departments/"),
        ("reviewer", "部门", f"/tasks/departments/{guixi.pk}/"),
        ("security", "登录锁定", "/accounts/locks/"),
        ("auditor", "审计日志", "/audit/"),
        ("reviewer", "通报", "/bulletins/"),
        ("reviewer", "编制通报", "/bulletins/new/"),
        ("reviewer", "通报草稿", f"/bulletins/{draft.pk}/"),
        ("reviewer", "修改通报", f"/bulletins/{draft.pk}/edit/"),
        ("reviewer", "已签发通报", f"/bulletins/{issued.pk}/"),
        ("reporter", "本单位通报", "/bulletins/"),
        ("reporter", "收到的通报", f"/bulletins/{issued.pk}/"),
        (None, "通报公开", "/public/bulletins/"),
        (None, "公开通报", f"/public/bulletins/{issued.pk}/"),
        ("reviewer", "督导轮次", "/supervision/"),
        ("reviewer", "督导方案", round.get_absolute_url()),
        ("reviewer", "督导走访", visit.get_absolute_url()),
        ("reviewer", "问题清单", "/supervision/problems/"),
        ("reviewer", "督导问题", reopened.get_absolute_url()),
        ("reviewer", "整改台账", "/supervision/ledger/"),
        (
            "reviewer",
            "督导反馈",
            f"/supervision/rounds/{round.pk}/feedback/{guixi.pk}/",
        ),
        (
            "reviewer",
            "导入问题清单",
            f"/supervision/rounds/{round.pk}/findings/import/",
        ),
        ("reporter", "本单位督导", "/supervision/"),
        ("reporter", "本单位督导方案", round.get_absolute_url()),
        ("reporter", "本单位走访", visit.get_absolute_url()),
        ("reporter", "本单位问题", "/supervision/problems/"),
        ("reporter", "本单位问题详情", rectifying.get_absolute_url()),
        ("reporter", "本单位台账", "/supervision/ledger/"),
        (
            "reporter",
            "本单位督导反馈",
            f"/supervision/rounds/{round.pk}/feedback/{guixi.pk}/",
        ),
        ("reviewer", "全年考核", "/assessment/"),
        ("reviewer", "考核方案", reviewing.scheme.get_absolute_url()),
        ("reviewer", "考核得分表", reviewing.get_absolute_url()),
        ("reviewer", "已定稿考核", finalised.get_absolute_url()),
        ("reviewer", "单位得分", objection.sheet.get_absolute_url()),
        ("reviewer", "考核申诉", "/assessment/objections/"),
        ("reviewer", "方案草稿", draft_scheme.get_absolute_url()),
        ("reviewer", "修改考核方案", f"/assessment/schemes/{draft_scheme.pk}/edit/"),
        ("reviewer", "修改考核指标", f"/assessment/indicators/{indicator.pk}/edit/"),
        ("reporter", "本单位考核", "/assessment/"),
        ("reporter", "本单位得分", own_sheet.get_absolute_url()),
        ("reporter", "本单位申诉", "/assessment/objections/"),
        ("reviewer", "奖励申请", "/incentives/"),
        ("reviewer", "奖励申请详情", second.get_absolute_url()),
        ("reviewer", "奖励公示", publicity.get_absolute_url()),
        ("reviewer", "发布公示", "/incentives/publicity/new/"),
        ("reviewer", "发放批次", "/incentives/payments/"),
        ("reviewer", "发放批次详情", batch.get_absolute_url()),
        ("reviewer", "导入发放结果", f"/incentives/payments/{exported.pk}/settle/"),
        ("reviewer", "资金台账", "/incentives/ledger/"),
        ("clerk-guixi", "本区奖励申请", "/incentives/"),
        ("clerk-guixi", "录入奖励申请", "/incentives/new/"),
        ("clerk-guixi", "本区奖励申请详情", paid.get_absolute_url()),
        ("clerk-guixi", "本区奖励公示", publicity.get_absolute_url()),
        ("clerk-guixi", "本区发放批次详情", batch.get_absolute_url()),
        ("clerk-guixi", "本区资金台账", "/incentives/ledger/"),
        (None, "奖励公示公开", "/public/incentives/"),
        (None, "公开奖励公示", f"/public/incentives/{publicity.pk}/"),
    ]


def measure(page, url) -> dict:
    response = page.goto(url)
    assert response.status == 200, url
    # A score sheet's workings are measured open, as a department reads
    # them: a closed <details> is no width at all.
    page.evaluate(
        "() => document.querySelectorAll('details.score').forEach(d => d.open = true)"
    )
    return page.evaluate(MEASURE)


@pytest.mark.parametrize("size", list(SIZES))
def test_every_main_page_fits_the_window_and_the_header_wraps_by_words(
    browser, live_server, demo, demo_bulletins, demo_draft_scheme, size
):
    from django.urls import reverse

    width, height = SIZES[size]
    pages = main_pages()
    # The password page's address is the project's own, whatever it is.
    pages = [
        (who, name, reverse("password_change") if name == "修改密码" else path)
        for who, name, path in pages
    ]
    widths, problems = {}, []
    for who in dict.fromkeys(who for who, _, _ in pages):
        context = browser.new_context(
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            viewport={"width": width, "height": height},
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.base_url = live_server.url
        if who:
            login(page, who, PASSWORD)
        for _, name, path in (p for p in pages if p[0] == who):
            found = measure(page, live_server.url + path)
            widths[name] = found["scroll"]
            if found["scroll"] > found["inner"]:
                problems.append(f"{name} {path}: 宽 {found['scroll']} px")
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(
                    path=str(ARTIFACTS / f"layout-{size}-{name}.png"), full_page=True
                )
            problems += [
                f"{name} {path}: 页头“{link['text']}”高 {link['height']:.0f} px"
                for link in found["links"]
                if link["height"] > 1.6 * link["line"]
            ]
        context.close()
    print(f"\n{size} {width}px:", ", ".join(f"{k} {v}" for k, v in widths.items()))
    assert problems == []
