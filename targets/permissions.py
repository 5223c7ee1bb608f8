"""Who may see and do what with targets.

Accepted targets and their progress are public (政务公开); candidates and
readings' sources are internal. Confirming targets is the reviewer's or the
system administrator's; entering a reading directly is the reviewer's;
departments give readings through their lead reports, and such a reading
counts only once the 人社局 has approved its report (``counted_readings``).
"""

from django.db.models import Q, QuerySet

from accounts.roles import RoleName, has_role
from tasks.permissions import is_reviewer

from .models import Reading, ReviewStatus, Target

# The state in which a report's readings count (``counted_readings``):
# ``dispatch.models.ReportState.APPROVED``, written as its value because
# targets sit below the monthly loop and may not import it. A test in
# tests/dispatch checks that the two agree.
COUNTED_REPORT_STATE = "approved"


def counted_readings() -> QuerySet[Reading]:
    """The readings every page, export and forecast counts: those entered
    by the reviewer or imported, and those of reports the 人社局 has
    approved. A value typed into a draft is the department's own until then,
    and a report reopened after approval stops counting until approved
    again; the reading itself is kept, so approving needs no second write.
    """
    return Reading.objects.filter(
        Q(report__isnull=True) | Q(report__state=COUNTED_REPORT_STATE)
    )


def published_targets() -> QuerySet[Target]:
    return Target.objects.filter(review_status=ReviewStatus.ACCEPTED)


def targets_for_user(user) -> QuerySet[Target]:
    if not user.is_authenticated:
        return Target.objects.none()
    if can_review_targets(user):
        return Target.objects.all()
    return published_targets()


def can_review_targets(user) -> bool:
    return user is not None and (
        is_reviewer(user)
        or (user.is_authenticated and has_role(user, RoleName.SYSADMIN))
    )


def can_enter_readings(user) -> bool:
    return user is not None and is_reviewer(user)
