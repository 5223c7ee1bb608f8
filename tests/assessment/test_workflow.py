"""The assessment's moves (assessment.workflow through the services):
every allowed move, every refused one, what each writes and audits."""

import datetime
from decimal import Decimal

import pytest

from assessment import services
from assessment.models import (
    Assessment,
    AssessmentState,
    IndicatorKind,
    ObjectionState,
    Score,
)
from assessment.services import AssessmentError
from assessment.workflow import MOVES
from audit.models import AuditEvent

from .conftest import TODAY, indicator, pdf, sheet_of

S = AssessmentState
pytestmark = pytest.mark.django_db


def _move(action, assessment, users):
    reviewer = users["reviewer"]
    if action == "start":
        return services.assessment_start(
            scheme=assessment.scheme,
            review_ends_on=TODAY,
            today=TODAY,
            actor=reviewer,
        )
    if action == "recompute":
        return services.assessment_recompute(
            assessment=assessment, today=TODAY, actor=reviewer
        )
    if action == "finalise":
        return services.assessment_finalise(assessment=assessment, actor=reviewer)
    if action == "issue":
        return services.assessment_issue(assessment=assessment, actor=reviewer)
    return services.assessment_correct(
        assessment=assessment, reason="更正数据", today=TODAY, actor=reviewer
    )


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("action", list(MOVES))
def test_each_move_is_allowed_only_from_its_sources(scheme, users, state, action):
    assessment = services.assessment_create(scheme=scheme, actor=users["reviewer"])
    Assessment.objects.filter(pk=assessment.pk).update(state=state)
    assessment.refresh_from_db()
    move = MOVES[action]
    if state in move.sources:
        moved = _move(action, assessment, users)
        assert moved.state == move.leads_from(state)
    else:
        with pytest.raises(AssessmentError, match="不能"):
            _move(action, assessment, users)
        assessment.refresh_from_db()
        assert assessment.state == state


def test_start_freezes_the_scheme_and_scores_every_responsible_unit(
    started, scheme, guixi, education
):
    scheme.refresh_from_db()
    assert started.state == S.REVIEW
    assert started.review_ends_on == datetime.date(2026, 1, 20)
    assert scheme.frozen_at is not None
    assert {s.department for s in started.sheets.all()} == {guixi, education}
    sheet = sheet_of(started, guixi)
    # 30 + 70 + 0 (no urges) + 5 (bonus stand-in at its cap)
    assert sheet.total == Decimal("105.00")
    assert sheet.scores.count() == 4
    score = sheet.scores.get(indicator__kind=IndicatorKind.DISCIPLINE)
    assert score.working["formula"] == "报送纪律的计算公式"
    assert score.working["inputs"][0]["url"] == "/dispatch/reports/1/"
    assert AuditEvent.objects.filter(action="assessment.start").count() == 1


def test_groups_are_assessed_as_their_members(scheme, users, departments):
    from tasks.models import Department

    group = Department.objects.get(name="各区(市)人民政府、管委会")
    from tests.factories import ResponsibilityFactory

    ResponsibilityFactory(department=group)
    assessment = services.assessment_start(
        scheme=scheme, review_ends_on=TODAY, today=TODAY, actor=users["reviewer"]
    )
    assessed = set(assessment.sheets.values_list("department__name", flat=True))
    assert group.name not in assessed
    assert set(group.members.values_list("name", flat=True)) <= assessed


def test_start_is_refused_with_a_review_end_in_the_past(scheme, users):
    with pytest.raises(AssessmentError, match="早于今天"):
        services.assessment_start(
            scheme=scheme,
            review_ends_on=TODAY - datetime.timedelta(days=1),
            today=TODAY,
            actor=users["reviewer"],
        )
    scheme.refresh_from_db()
    assert scheme.frozen_at is None


def test_start_is_refused_to_a_department_user(scheme, users):
    with pytest.raises(AssessmentError, match="审核员"):
        services.assessment_start(
            scheme=scheme, review_ends_on=TODAY, today=TODAY, actor=users["reporter"]
        )


def test_a_frozen_scheme_refuses_every_edit(started, scheme, users):
    reviewer = users["reviewer"]
    scheme.refresh_from_db()
    first = scheme.indicators.first()
    for write in (
        lambda: services.scheme_update(
            scheme=scheme, data={"title": "改"}, actor=reviewer
        ),
        lambda: services.indicator_add(
            scheme=scheme, name="新", kind="bonus", weight=Decimal(1), actor=reviewer
        ),
        lambda: services.indicator_update(
            indicator=first, data={"weight": "10"}, actor=reviewer
        ),
        lambda: services.indicator_delete(indicator=first, actor=reviewer),
    ):
        with pytest.raises(AssessmentError, match="已冻结"):
            write()
    assert scheme.indicators.count() == 4


def test_scheme_edits_before_start_are_audited(scheme, users):
    reviewer = users["reviewer"]
    services.scheme_update(scheme=scheme, data={"excellent_quota": 20}, actor=reviewer)
    first = scheme.indicators.first()
    services.indicator_update(indicator=first, data={"weight": "25"}, actor=reviewer)
    services.indicator_delete(indicator=scheme.indicators.last(), actor=reviewer)
    scheme.refresh_from_db()
    first.refresh_from_db()
    assert scheme.excellent_quota == 20
    assert first.weight == Decimal("25.00")
    assert scheme.indicators.count() == 3
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert {"scheme.update", "indicator.update", "indicator.delete"} <= set(actions)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"good_min": "95"}, "优秀 ≥ 良好"),
        ({"excellent_quota": 120}, "0–100"),
        ({"excellent_min": "九十"}, "不是数字"),
    ],
)
def test_scheme_rules_are_checked_with_a_message(scheme, users, data, message):
    with pytest.raises(AssessmentError, match=message):
        services.scheme_update(scheme=scheme, data=data, actor=users["reviewer"])


def test_indicator_params_must_be_numbers(scheme, users):
    with pytest.raises(AssessmentError, match="参数“late”"):
        services.indicator_add(
            scheme=scheme,
            name="纪律",
            kind="discipline",
            weight=Decimal(10),
            params={"late": "x"},
            actor=users["reviewer"],
        )


def test_a_second_scheme_for_the_year_is_refused(scheme, users):
    with pytest.raises(AssessmentError, match="已存在"):
        services.scheme_create(year=2025, title="重复", actor=users["reviewer"])


def test_recompute_takes_the_new_data_and_keeps_accepted_corrections(
    started, scheme, users, guixi, given
):
    sheet = sheet_of(started, guixi)
    discipline = indicator(scheme, IndicatorKind.DISCIPLINE)
    progress = indicator(scheme, IndicatorKind.PROGRESS)
    objection = services.objection_raise(
        sheet=sheet,
        indicator=discipline,
        reason="三月报告按时报送",
        today=TODAY,
        actor=users["reporter"],
    )
    services.objection_answer(
        objection=objection,
        accept=True,
        answer="经核实属实",
        corrected_points=Decimal("29"),
        actor=users["reviewer"],
    )
    given[(guixi.pk, discipline.pk)] = Decimal("20")
    given[(guixi.pk, progress.pk)] = Decimal("60")
    services.assessment_recompute(
        assessment=started, today=TODAY, actor=users["reviewer"]
    )
    sheet.refresh_from_db()
    score = sheet.scores.get(indicator=discipline)
    assert score.points == Decimal("29.00")
    assert score.working["corrected"]["computed_points"] == "20.00"
    assert sheet.total == Decimal("94.00")  # 29 + 60 + 0 + 5


def test_finalise_ranks_with_ties_sharing_a_rank(
    started, scheme, users, guixi, education, given
):
    services.assessment_finalise(assessment=started, actor=users["reviewer"])
    ranks = {s.department_id: (s.rank, s.grade) for s in started.sheets.all()}
    assert ranks[guixi.pk][0] == ranks[education.pk][0] == 1
    assert ranks[guixi.pk][1] == "优秀"
    event = AuditEvent.objects.get(action="assessment.finalise")
    assert event.after["ranking"][str(guixi.pk)][1] == 1


def test_finalise_is_refused_while_an_objection_waits(started, scheme, users, guixi):
    services.objection_raise(
        sheet=sheet_of(started, guixi),
        indicator=indicator(scheme, IndicatorKind.PROGRESS),
        reason="进度有误",
        today=TODAY,
        actor=users["reporter"],
    )
    with pytest.raises(AssessmentError, match="1 条申诉未答复"):
        services.assessment_finalise(assessment=started, actor=users["reviewer"])
    started.refresh_from_db()
    assert started.state == S.REVIEW


def test_recompute_after_finalisation_is_refused(started, users):
    services.assessment_finalise(assessment=started, actor=users["reviewer"])
    with pytest.raises(AssessmentError, match="不能重新计算"):
        services.assessment_recompute(
            assessment=started, today=TODAY, actor=users["reviewer"]
        )


def test_a_correction_after_issue_is_a_new_version_with_its_reason(
    started, scheme, users, guixi, given
):
    reviewer = users["reviewer"]
    services.assessment_finalise(assessment=started, actor=reviewer)
    services.assessment_issue(assessment=started, actor=reviewer)
    given[(guixi.pk, indicator(scheme, IndicatorKind.PROGRESS).pk)] = Decimal("50")
    with pytest.raises(AssessmentError, match="更正理由"):
        services.assessment_correct(
            assessment=started, reason=" ", today=TODAY, actor=reviewer
        )
    corrected = services.assessment_correct(
        assessment=started, reason="贵溪市任务进度数据更正", today=TODAY, actor=reviewer
    )
    assert corrected.version == 2
    assert corrected.state == S.FINAL
    assert corrected.corrections.get().reason == "贵溪市任务进度数据更正"
    sheet = sheet_of(corrected, guixi)
    assert sheet.total == Decimal("85.00")
    assert sheet.rank == 2
    event = AuditEvent.objects.get(action="assessment.correct")
    assert event.before["version"] == 1
    assert event.after["version"] == 2


def test_manual_item_recomputes_the_department_sheet_only(
    started, scheme, users, guixi, computation
):
    bonus = indicator(scheme, IndicatorKind.BONUS)
    item = services.manual_item_add(
        assessment=started,
        department=guixi,
        indicator=bonus,
        points=Decimal("2"),
        reason="获省级表彰",
        today=TODAY,
        upload=pdf(),
        actor=users["reviewer"],
    )
    assert item.has_file and item.original_name == "佐证.pdf"
    assert computation[-1] == [guixi.pk]
    assert AuditEvent.objects.filter(action="manual_item.add").count() == 1


@pytest.mark.parametrize(
    ("kind", "points", "message"),
    [
        (IndicatorKind.DISCIPLINE, "1", "不是本年度方案的加分"),
        (IndicatorKind.BONUS, "-1", "不能为负数"),
    ],
)
def test_manual_item_is_refused_on_a_wrong_indicator_or_value(
    started, scheme, users, guixi, kind, points, message
):
    with pytest.raises(AssessmentError, match=message):
        services.manual_item_add(
            assessment=started,
            department=guixi,
            indicator=indicator(scheme, kind),
            points=Decimal(points),
            reason="事由",
            today=TODAY,
            actor=users["reviewer"],
        )


def test_manual_item_is_refused_after_finalisation(started, scheme, users, guixi):
    services.assessment_finalise(assessment=started, actor=users["reviewer"])
    with pytest.raises(AssessmentError, match="不能再录入"):
        services.manual_item_add(
            assessment=started,
            department=guixi,
            indicator=indicator(scheme, IndicatorKind.BONUS),
            points=Decimal(1),
            reason="事由",
            today=TODAY,
            actor=users["reviewer"],
        )


# -- objections ---------------------------------------------------------------


def test_department_objects_during_review_and_the_reviewer_accepts(
    started, scheme, users, guixi
):
    sheet = sheet_of(started, guixi)
    progress = indicator(scheme, IndicatorKind.PROGRESS)
    objection = services.objection_raise(
        sheet=sheet,
        indicator=progress,
        reason="第3项任务已完成",
        today=TODAY,
        upload=pdf("完成证明.pdf"),
        actor=users["reporter"],
    )
    assert objection.state == ObjectionState.PENDING
    assert objection.original_name == "完成证明.pdf"
    services.objection_answer(
        objection=objection,
        accept=True,
        answer="已核实",
        corrected_points=Decimal("65"),
        actor=users["reviewer"],
    )
    sheet.refresh_from_db()
    objection.refresh_from_db()
    assert objection.state == ObjectionState.ACCEPTED
    assert Score.objects.get(sheet=sheet, indicator=progress).points == Decimal("65")
    assert sheet.total == Decimal("100.00")
    event = AuditEvent.objects.get(action="objection.answer")
    assert (event.before["total"], event.after["total"]) == ("105.00", "100.00")


def test_rejection_needs_a_reason_and_leaves_the_score(started, scheme, users, guixi):
    sheet = sheet_of(started, guixi)
    objection = services.objection_raise(
        sheet=sheet,
        indicator=indicator(scheme, IndicatorKind.PROGRESS),
        reason="有误",
        today=TODAY,
        actor=users["reporter"],
    )
    with pytest.raises(AssessmentError, match="不予采纳的理由"):
        services.objection_answer(
            objection=objection, accept=False, answer="", actor=users["reviewer"]
        )
    services.objection_answer(
        objection=objection, accept=False, answer="与台账一致", actor=users["reviewer"]
    )
    objection.refresh_from_db()
    sheet.refresh_from_db()
    assert objection.state == ObjectionState.REJECTED
    assert objection.corrected_points is None
    assert sheet.total == Decimal("105.00")
    with pytest.raises(AssessmentError, match="已答复"):
        services.objection_answer(
            objection=objection, accept=False, answer="再答", actor=users["reviewer"]
        )


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        (IndicatorKind.PROGRESS, None, "须填写"),
        (IndicatorKind.PROGRESS, "71", "须在 0 至 70.00 分之间"),
        (IndicatorKind.URGES, "1", "-5.00 至 0"),
    ],
)
def test_accepted_correction_stays_within_the_indicator(
    started, scheme, users, guixi, kind, value, message
):
    objection = services.objection_raise(
        sheet=sheet_of(started, guixi),
        indicator=indicator(scheme, kind),
        reason="有误",
        today=TODAY,
        actor=users["reporter"],
    )
    with pytest.raises(AssessmentError, match=message):
        services.objection_answer(
            objection=objection,
            accept=True,
            answer="采纳",
            corrected_points=value,
            actor=users["reviewer"],
        )


def test_objection_after_the_review_window_is_refused(started, scheme, users, guixi):
    with pytest.raises(AssessmentError, match="复核期已于2026-01-20结束"):
        services.objection_raise(
            sheet=sheet_of(started, guixi),
            indicator=indicator(scheme, IndicatorKind.PROGRESS),
            reason="有误",
            today=datetime.date(2026, 1, 21),
            actor=users["reporter"],
        )


def test_objection_on_another_department_sheet_is_refused(
    started, scheme, users, education
):
    with pytest.raises(AssessmentError, match="本单位"):
        services.objection_raise(
            sheet=sheet_of(started, education),
            indicator=indicator(scheme, IndicatorKind.PROGRESS),
            reason="有误",
            today=TODAY,
            actor=users["reporter"],
        )


def test_objection_after_finalisation_is_refused(started, scheme, users, guixi):
    services.assessment_finalise(assessment=started, actor=users["reviewer"])
    with pytest.raises(AssessmentError, match="只有复核期内"):
        services.objection_raise(
            sheet=sheet_of(started, guixi),
            indicator=indicator(scheme, IndicatorKind.PROGRESS),
            reason="有误",
            today=TODAY,
            actor=users["reporter"],
        )


def test_a_second_pending_objection_on_one_indicator_is_refused(
    started, scheme, users, guixi
):
    args = {
        "sheet": sheet_of(started, guixi),
        "indicator": indicator(scheme, IndicatorKind.PROGRESS),
        "reason": "有误",
        "today": TODAY,
        "actor": users["reporter"],
    }
    services.objection_raise(**args)
    with pytest.raises(AssessmentError, match="尚未答复"):
        services.objection_raise(**args)
