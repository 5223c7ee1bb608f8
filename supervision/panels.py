"""The supervision's blocks on pages of the monthly loop, which cannot
import supervision: registered in ``SupervisionConfig.ready`` into
``dispatch.views.reports.my_tasks_panels`` (a department's 本期任务 page)
and ``dispatch.views.dashboard.dashboard_panels`` (the reviewer's
dashboard). Both read ``selectors.overdue_problems``, in one and two
queries whatever the number of problems.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from tasks.permissions import is_department_user, is_reviewer

from .models import Problem
from .selectors import overdue_problems

# The dashboard lists the problems overdue longest; the rest are counted.
DASHBOARD_LIMIT = 10


@dataclass(frozen=True)
class OverdueRow:
    problem: Problem
    days: int
    # The user's department only cooperates on it (配合单位).
    cooperating: bool = False


def department_overdue(user, today: datetime.date) -> list[OverdueRow]:
    """The overdue problems the user's department is responsible for or
    cooperates on, longest overdue first; one query."""
    if not is_department_user(user):
        return []
    return [
        OverdueRow(
            problem=p,
            days=(today - p.deadline).days,
            cooperating=p.department_id != user.department_id,
        )
        for p in overdue_problems(user, today)
    ]


def reviewer_overdue(user, today: datetime.date) -> dict:
    """Every overdue problem counted by responsible department, and the
    ``DASHBOARD_LIMIT`` overdue longest; two queries."""
    overdue = overdue_problems(user, today)
    by_department = list(
        overdue.order_by()
        .values("department_id", "department__name", "department__sort_order")
        .annotate(count=Count("pk"))
        .order_by("department__sort_order", "department__name")
    )
    longest = [
        OverdueRow(problem=p, days=(today - p.deadline).days)
        for p in overdue[:DASHBOARD_LIMIT]
    ]
    return {
        "total": sum(row["count"] for row in by_department),
        "by_department": by_department,
        "longest": longest,
    }


def my_tasks_panel(user) -> dict:
    return {"overdue_problems": department_overdue(user, timezone.localdate())}


def dashboard_panel(user) -> dict:
    if not is_reviewer(user):
        return {}
    return {"overdue_problem_summary": reviewer_overdue(user, timezone.localdate())}
