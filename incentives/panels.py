"""The incentives' block on the reviewer's 月调度 dashboard, and the
registration of it and of the bulletin's section (``incentives.bulletin``)
with the apps below, which cannot import incentives.

``register`` appends ``dashboard_panel`` to ``dispatch.views.dashboard.
dashboard_panels`` and ``bulletin.awards_section`` to ``bulletins.
selectors.figures.extra_sections``, once however often it is called;
``IncentivesConfig.ready`` calls it. The panel's template is
``incentives/figures/_dashboard_panel.html``, shown where the dashboard
includes it (context ``incentive_summary``).
"""

import datetime

from django.db.models import Count, Q, Sum
from django.utils import timezone

from incentives import permissions
from incentives.models import ApplicationState
from incentives.selectors.figures import format_yuan, paid_lines


def incentive_summary(user, today: datetime.date) -> dict | None:
    """What the user may see: the awards paid this year (applications and
    amount, as the figures page counts them), the applications in 公示
    now and those awaiting 复审; two queries. None for a user without the
    incentives."""
    if not permissions.can_use(user):
        return None
    applications = permissions.applications_for_user(user)
    states = applications.aggregate(
        publicity=Count("pk", filter=Q(state=ApplicationState.PUBLICITY)),
        second_review=Count("pk", filter=Q(state=ApplicationState.SECOND_REVIEW)),
    )
    paid = paid_lines(
        applications, datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
    ).aggregate(
        count=Count("share__application_id", distinct=True), amount=Sum("amount")
    )
    return {
        "year": today.year,
        "paid_count": paid["count"],
        "paid_amount": paid["amount"] or 0,
        "paid_amount_text": format_yuan(paid["amount"]),
        "publicity": states["publicity"],
        "second_review": states["second_review"],
    }


def dashboard_panel(user) -> dict:
    summary = incentive_summary(user, timezone.localdate())
    return {"incentive_summary": summary} if summary is not None else {}


def register() -> None:
    from bulletins.selectors.figures import extra_sections
    from dispatch.views.dashboard import dashboard_panels

    from .bulletin import awards_section

    if dashboard_panel not in dashboard_panels:
        dashboard_panels.append(dashboard_panel)
    if awards_section not in extra_sections:
        extra_sections.append(awards_section)
