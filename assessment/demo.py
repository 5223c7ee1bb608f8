"""Demo assessments for a new user's first look: the 2024 assessment
finalised (ranks and grades assigned) and the 2025 one in its review
window (复核期) with one objection waiting for the reviewer's answer, both
on the default scheme (``assessment.defaults.default_scheme_create``) and
written through ``assessment.services`` like the pages write them.

Each has a 加分 item with its reason and a PDF as evidence, and the
special indicator (task 7's employment rate) carries a value with its
source for the units that carry task 7. The objection is raised by a
department on a point it lost for a late or returned monthly report,
naming that report, so that the reviewer can follow it to the report
behind it.

The days follow the day the demo stands on (``today``: the portal demo's
``demo_day``; after the policy, 20 December 2025):

- 2024 was started on 10 January 2025 (or the demo's day, if earlier),
  its review window lasted ten days and it was finalised at the end of
  it. The demo's monthly reports are those of the months up to its day
  (after the policy July to December 2025), so 2024 has few or none of
  them: its 报送纪律 is then full marks for everyone ("本年无应报送的月度报告")
  and its 任务进度 and 目标完成 read the year's lights and targets
  without reports. The supervision round of 2024, where the demo has one
  (inside the policy, early in a year), is scored as 督导整改.
- 2025 is started on the demo's day itself, its data as of that day (on
  20 December 2025 the year is all but over; on a day inside 2025 it is
  an assessment of the year so far). Its window ends ``REVIEW_DAYS``
  after ``real_today`` (the day the demo is made, never before the demo's
  day), so that the departments can still object on its pages.
- A demo standing before 2025 has no year to finalise or review: both are
  skipped (a finalised 2024 assessment needs 2024 to have ended, a 2025
  one needs 2025 to have begun).

The services take the moves' times (``now``); rows that stamp their own
creation time (manual items, the objection) carry the day the demo is
made, as in ``supervision.demo``.
"""

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from assessment import selectors, services
from assessment.defaults import default_scheme_create
from assessment.models import Assessment, IndicatorKind, Scheme
from tasks.models import Department, Responsibility

FINALISED_YEAR = 2024
REVIEW_YEAR = 2025
# The previous year's assessment is started in the new year's second week.
FINALISED_START = (1, 10)
FINALISED_WINDOW = datetime.timedelta(days=10)
REVIEW_DAYS = datetime.timedelta(days=14)
# A minimal PDF, which the evidence check accepts by its content.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# (year, department, points, reason, evidence file name); the department
# falls back to the first assessed unit where the catalogue lacks it.
BONUSES = [
    (
        2024,
        "市教育局",
        Decimal("1"),
        "承办2024年全省职业院校技能大赛分赛区赛事,获省教育厅通报表扬。",
        "省教育厅通报表扬.pdf",
    ),
    (
        2025,
        "贵溪市人民政府",
        Decimal("2"),
        "获评2025年度全省技能人才工作先进集体(省人社厅表彰通报)。",
        "省人社厅表彰通报.pdf",
    ),
]
SPECIAL_SOURCE = "市教育局《{year}届公办职业院校毕业生就业情况统计表》"
# Task 7's employment rate by year, one value per unit carrying it, in turn.
SPECIAL_VALUES = {
    2024: [Decimal("46.8"), Decimal("52.3"), Decimal("41.5")],
    2025: [Decimal("51.2"), Decimal("55.6"), Decimal("47.9")],
}
# The units the demo's reporter accounts belong to, tried first for the
# objection.
OBJECTORS = ("贵溪市人民政府", "市教育局")
# The objection's reason by the kind of point lost (the working's label).
OBJECTION_REASONS = {
    "逾期报送:": (
        "{label}:当月系统升级维护,报告无法按时提交,已于截止日前书面报备"
        "市人社局(见报备函),申请不予扣分。"
    ),
    "被退回修改:": (
        "{label}:该报告系因佐证材料格式要求调整被退回,报送内容本身无误,"
        "已当日补正(见说明),申请不予扣分。"
    ),
}
OBJECTION_FALLBACK = (
    "本单位承担任务的进度已按计划推进,部分佐证材料系年底集中报送,"
    "申请按年底实际进度复核。"
)


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour), timezone.get_current_timezone()
    )


@transaction.atomic
def demo_assessments_create(
    *,
    reviewer: User,
    authors: Mapping[int, User],
    today: datetime.date,
    real_today: datetime.date | None = None,
) -> list[Assessment]:
    """The demo's assessments as of ``today`` (the demo's own day);
    ``authors`` act for their departments (by department pk) and
    ``real_today`` is the day the demo is made. A year that has a scheme
    already is left alone, so a second run makes nothing; returns the
    assessments made."""
    real_today = max(real_today or today, today)
    made = []
    if today.year > FINALISED_YEAR and not _exists(FINALISED_YEAR):
        made.append(_finalised(reviewer, today))
    if today.year >= REVIEW_YEAR and not _exists(REVIEW_YEAR):
        made.append(_in_review(reviewer, authors, today, real_today))
    return made


def _exists(year: int) -> bool:
    return Scheme.objects.filter(year=year).exists()


def _finalised(reviewer: User, today: datetime.date) -> Assessment:
    year = FINALISED_YEAR
    starts = min(datetime.date(year + 1, *FINALISED_START), today)
    ends = min(starts + FINALISED_WINDOW, today)
    assessment = _drafted(year, reviewer, starts)
    assessment = services.assessment_start(
        scheme=assessment.scheme,
        review_ends_on=ends,
        today=starts,
        actor=reviewer,
        now=_at(starts, 9),
    )
    return services.assessment_finalise(
        assessment=assessment, actor=reviewer, now=_at(ends, 16)
    )


def _in_review(
    reviewer: User,
    authors: Mapping[int, User],
    today: datetime.date,
    real_today: datetime.date,
) -> Assessment:
    assessment = _drafted(REVIEW_YEAR, reviewer, today)
    assessment = services.assessment_start(
        scheme=assessment.scheme,
        review_ends_on=real_today + REVIEW_DAYS,
        today=today,
        actor=reviewer,
        now=_at(today, 10),
    )
    _object(assessment, authors, today)
    return assessment


def _drafted(year: int, reviewer: User, today: datetime.date) -> Assessment:
    """The year's default scheme and its assessment in 草稿, with the
    manual items entered before it starts."""
    scheme = default_scheme_create(year, actor=reviewer)
    assessment = services.assessment_create(scheme=scheme, actor=reviewer)
    assessed = list(selectors.assessed_departments())
    indicators = {i.kind: i for i in scheme.indicators.all()}
    by_name = {d.name: d for d in assessed}
    for bonus_year, name, points, reason, file_name in BONUSES:
        if bonus_year != year or IndicatorKind.BONUS not in indicators:
            continue
        services.manual_item_add(
            assessment=assessment,
            department=by_name.get(name) or assessed[0],
            indicator=indicators[IndicatorKind.BONUS],
            points=points,
            reason=reason,
            today=today,
            actor=reviewer,
            upload=_pdf(file_name),
        )
    special = indicators.get(IndicatorKind.SPECIAL)
    if special is not None:
        for department, value in zip(
            _carriers(special, assessed), SPECIAL_VALUES.get(year, []), strict=False
        ):
            services.manual_item_add(
                assessment=assessment,
                department=department,
                indicator=special,
                points=value,
                reason=f"{year}届公办职业院校毕业生市内就业率(%)",
                source=SPECIAL_SOURCE.format(year=year),
                today=today,
                actor=reviewer,
            )
    return assessment


def _carriers(special, assessed: list[Department]) -> list[Department]:
    """The assessed units named for the special indicator's task."""
    number = (special.params or {}).get("task")
    if number is None:
        return []
    named = set(
        Responsibility.objects.filter(task__number=number).values_list(
            "department_id", flat=True
        )
    )
    return [d for d in assessed if d.pk in named]


def _object(assessment: Assessment, authors: Mapping[int, User], today) -> None:
    """One objection, on the first sheet (those of ``OBJECTORS`` first)
    that lost points for a late or returned report, naming it; else on the
    first sheet's 任务进度."""
    sheets = list(
        assessment.sheets.select_related("department")
        .prefetch_related("scores__indicator")
        .order_by("department__sort_order", "department__name")
    )
    # Units with a demo sign-in first, so that their users find it.
    sheets = sorted(
        (s for s in sheets if s.department_id in authors),
        key=lambda s: s.department.name not in OBJECTORS,
    )
    for sheet in sheets:
        for score in sheet.scores.all():
            if score.indicator.kind != IndicatorKind.DISCIPLINE:
                continue
            lost = [
                line
                for line in score.working.get("inputs", [])
                if line.get("url")
                and line["label"].startswith(tuple(OBJECTION_REASONS))
            ]
            if lost:
                label = lost[0]["label"]
                reason = OBJECTION_REASONS[label[: label.index(":") + 1]]
                services.objection_raise(
                    sheet=sheet,
                    indicator=score.indicator,
                    reason=reason.format(label=label),
                    today=today,
                    actor=authors[sheet.department_id],
                    upload=_pdf("申诉说明.pdf"),
                )
                return
    if sheets:
        sheet = sheets[0]
        services.objection_raise(
            sheet=sheet,
            indicator=assessment.scheme.indicators.get(kind=IndicatorKind.PROGRESS),
            reason=OBJECTION_FALLBACK,
            today=today,
            actor=authors[sheet.department_id],
        )
