"""Who may see and do what in the half-year supervision.

- The supervision team are the 人社局 reviewers (the round's leader is one
  of them): they see and run every round, visit and problem.
- A department user sees the rounds its department is covered by once
  they are notified, its own visits, and the problems it is responsible
  for or cooperates on; other departments see nothing of them.
- Only the responsible department answers a problem (plan, sign-off
  request, extension); a cooperating one adds progress.

``can`` decides who; the state graph (when) is checked by the services.
"""

from django.db.models import Q, QuerySet

from supervision.models import (
    Problem,
    ProblemEvidence,
    Round,
    Visit,
    VisitFile,
)
from supervision.workflow import DEPARTMENT, MOVES, REVIEWER
from tasks.models import Department
from tasks.permissions import is_department_user, is_reviewer


def is_team(user) -> bool:
    return is_reviewer(user)


def can_list(user) -> bool:
    """The 督导整改 pages are for the team and the departments."""
    return is_team(user) or is_department_user(user)


def rounds_for_user(user) -> QuerySet[Round]:
    if is_team(user):
        return Round.objects.all()
    if not is_department_user(user):
        return Round.objects.none()
    return Round.objects.filter(
        departments=user.department_id, notified_at__isnull=False
    )


def feedback_departments_for_user(user, round_: Round) -> QuerySet[Department]:
    """The departments whose 督导反馈 of ``round_`` the user may read:
    every department the round covers for the team, its own for a
    department's user (``round_`` itself comes from ``rounds_for_user``)."""
    departments = round_.departments.order_by("sort_order", "name")
    if is_team(user):
        return departments
    if not is_department_user(user):
        return departments.none()
    return departments.filter(pk=user.department_id)


def visits_for_user(user) -> QuerySet[Visit]:
    if is_team(user):
        return Visit.objects.all()
    if not is_department_user(user):
        return Visit.objects.none()
    return Visit.objects.filter(department_id=user.department_id)


def visit_files_for_user(user) -> QuerySet[VisitFile]:
    """The team's working files stay with the team."""
    if is_team(user):
        return VisitFile.objects.all()
    return VisitFile.objects.none()


def problems_for_user(user) -> QuerySet[Problem]:
    if is_team(user):
        return Problem.objects.all()
    if not is_department_user(user):
        return Problem.objects.none()
    department = user.department_id
    return Problem.objects.filter(
        Q(department_id=department)
        | Q(
            pk__in=Problem.cooperating.through.objects.filter(
                department_id=department
            ).values("problem_id")
        )
    )


def evidence_for_user(user) -> QuerySet[ProblemEvidence]:
    return ProblemEvidence.objects.filter(problem__in=problems_for_user(user))


def is_responsible(user, problem: Problem) -> bool:
    return is_department_user(user) and problem.department_id == user.department_id


def is_cooperating(user, problem: Problem) -> bool:
    return is_department_user(user) and any(
        d.pk == user.department_id for d in problem.cooperating.all()
    )


def can(user, action: str, problem: Problem | None = None) -> bool:
    """May ``user`` take ``action`` (on ``problem``), state aside?"""
    if action in ("create", "manage_round", "record_visit", "decide_extension"):
        return is_team(user)
    if problem is None:
        return False
    if action == "progress":
        return is_responsible(user, problem) or is_cooperating(user, problem)
    if action == "extension":
        return is_responsible(user, problem)
    move = MOVES.get(action)
    if move is None:
        return False
    if move.who == DEPARTMENT:
        return is_responsible(user, problem)
    if move.who == REVIEWER:
        return is_team(user)
    return False
