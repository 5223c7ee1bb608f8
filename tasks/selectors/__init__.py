"""Every read in the tasks app that a page, command or import needs."""

from .policy import (
    department_detail,
    department_list,
    department_responsibilities,
    key_task_choices,
    policy_for_annex,
    section_choices,
    task_detail,
    task_list,
)
from .reports import (
    allowed_moves,
    contributions,
    current_period,
    department_period_reports,
    department_urges,
    period_list,
    period_summaries,
    report_department_choices,
    report_detail,
    return_note,
    review_queue,
    signoff_queue,
)

__all__ = [
    "allowed_moves",
    "contributions",
    "current_period",
    "department_period_reports",
    "department_urges",
    "period_list",
    "period_summaries",
    "report_detail",
    "return_note",
    "review_queue",
    "report_department_choices",
    "signoff_queue",
    "department_detail",
    "department_list",
    "department_responsibilities",
    "key_task_choices",
    "policy_for_annex",
    "section_choices",
    "task_detail",
    "task_list",
]
