"""Every write of the monthly loop, by what it writes."""

from .reminders import RunResult, reminders_run
from .reports import (
    MOVES,
    ConcurrentEdit,
    ReportError,
    deadline_passed,
    evidence_add,
    evidence_remove,
    period_close,
    period_ensure_reports,
    period_open,
    period_reopen,
    report_save,
    report_save_with_readings,
    report_transition,
    urge_create,
    urge_default_message,
)

__all__ = [
    "MOVES",
    "ConcurrentEdit",
    "ReportError",
    "RunResult",
    "deadline_passed",
    "evidence_add",
    "evidence_remove",
    "period_close",
    "period_ensure_reports",
    "period_open",
    "period_reopen",
    "report_save",
    "report_save_with_readings",
    "reminders_run",
    "report_transition",
    "urge_create",
    "urge_default_message",
]
