"""Every write in the tasks app, by what it writes."""

from .imports import (
    Action,
    ImportReport,
    RowOutcome,
    annex_import,
    file_digest,
    policy_assign_roles,
    policy_text_import,
)
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
    "reminders_run",
    "report_transition",
    "urge_create",
    "urge_default_message",
    "Action",
    "ImportReport",
    "RowOutcome",
    "annex_import",
    "file_digest",
    "policy_assign_roles",
    "policy_text_import",
]
