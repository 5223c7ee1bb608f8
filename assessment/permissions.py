"""Who may see and do what in the annual assessment (全年考核).

- The 人社局 reviewer runs it: scheme, start, manual items, answers to
  objections, finalise, issue, correct; sees every sheet and objection.
- A department user sees only its own department's sheet, and only once
  the assessment is in 复核期 or later; it raises and sees only its own
  department's objections. The results 通报 (.docx, PDF) is addressed to
  every 责任单位: any department user downloads it once issued, the file
  rendered as issued of the current version; the score table (.xlsx) is
  the reviewer's.

Who is decided here; when (the state graph and the review window) is
checked by the services.
"""

from django.db.models import F, QuerySet

from assessment.models import (
    Assessment,
    AssessmentState,
    ManualItem,
    Objection,
    ResultsFile,
    Scheme,
    ScoreSheet,
)
from assessment.workflow import VISIBLE_STATES
from bulletins.models import RenderStatus
from tasks.permissions import is_department_user, is_reviewer


def can_manage(user) -> bool:
    return user is not None and is_reviewer(user)


def can_list(user) -> bool:
    return can_manage(user) or is_department_user(user)


def schemes_for_user(user) -> QuerySet[Scheme]:
    if can_manage(user):
        return Scheme.objects.all()
    return Scheme.objects.none()


def assessments_for_user(user) -> QuerySet[Assessment]:
    if can_manage(user):
        return Assessment.objects.all()
    if not is_department_user(user):
        return Assessment.objects.none()
    return Assessment.objects.filter(state__in=VISIBLE_STATES)


def sheets_for_user(user) -> QuerySet[ScoreSheet]:
    if can_manage(user):
        return ScoreSheet.objects.all()
    if not is_department_user(user):
        return ScoreSheet.objects.none()
    return ScoreSheet.objects.filter(
        department_id=user.department_id, assessment__state__in=VISIBLE_STATES
    )


def objections_for_user(user) -> QuerySet[Objection]:
    return Objection.objects.filter(sheet__in=sheets_for_user(user))


def manual_items_for_user(user) -> QuerySet[ManualItem]:
    """A department sees the items on its own sheet (they are part of its
    score's working); the reviewer sees all."""
    if can_manage(user):
        return ManualItem.objects.all()
    if not is_department_user(user):
        return ManualItem.objects.none()
    return ManualItem.objects.filter(
        department_id=user.department_id, assessment__state__in=VISIBLE_STATES
    )


def can_object(user, sheet: ScoreSheet) -> bool:
    """Only the sheet's own department raises an objection on it."""
    return (
        is_department_user(user)
        and not can_manage(user)
        and sheet.department_id == user.department_id
    )


def results_files_for_user(user) -> QuerySet[ResultsFile]:
    """The reviewer: every rendered results file. A department user: the
    finished files of issued assessments, rendered once issued, of the
    version in force (a file made before issue, or of a version since
    corrected, is not what was published)."""
    if can_manage(user):
        return ResultsFile.objects.all()
    if not is_department_user(user):
        return ResultsFile.objects.none()
    return ResultsFile.objects.filter(
        status=RenderStatus.DONE,
        rendered_state=AssessmentState.ISSUED,
        assessment__state=AssessmentState.ISSUED,
        version=F("assessment__version"),
    )
