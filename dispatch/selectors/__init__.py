"""Every read of the monthly loop that a page, command or job needs."""

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
]
