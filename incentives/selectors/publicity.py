"""Every read of the 公示 pages, the public pages and the notice.

The list of a publicity is built here once, masked (``NoticeRow``), for the
pages and the .docx alike: names by ``crypto.mask_name``, ID numbers as
stored masked; nothing is decrypted.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from incentives import crypto, permissions, workdays
from incentives.models import Application, ApplicationState, Objection, Publicity

# A closed publicity stays on the public page this many days after its
# last day.
PUBLIC_DAYS_AFTER = 30


@dataclass(frozen=True)
class NoticeRow:
    index: int
    application_id: int
    number: str
    name: str  # masked for a person; an organisation's name as it is
    id_number: str  # masked, as stored
    kind: str
    level: str
    employer: str
    amount: Decimal | None
    state: str
    state_label: str
    held: bool  # an objection to it is open

    @property
    def amount_text(self) -> str:
        return amount_text(self.amount)


def amount_text(value) -> str:
    """2200 as 2,200, 1500.5 as 1,500.50, nothing as —."""
    if value is None:
        return "—"
    return f"{value:,.2f}".removesuffix(".00")


def publicity_list(*, user) -> QuerySet[Publicity]:
    """The publicities ``user`` may see, with their counts; one query."""
    return (
        permissions.publicities_for_user(user)
        .annotate(
            application_count=Count("applications", distinct=True),
            open_objection_count=Count(
                "objections", filter=Q(objections__outcome=""), distinct=True
            ),
        )
        .select_related("created_by")
        .order_by("-starts_on", "-pk")
    )


def publicity_detail(*, user, pk) -> Publicity:
    """One publicity in ``user``'s scope (404 otherwise)."""
    return get_object_or_404(
        permissions.publicities_for_user(user).select_related("created_by"), pk=pk
    )


def ready_applications(*, user) -> QuerySet[Application]:
    """The applications ``user`` may list in a new publicity (待公示)."""
    return (
        permissions.applications_for_user(user)
        .filter(state=ApplicationState.READY)
        .order_by("number")
    )


def _display_name(application: Application) -> str:
    if application.is_personal:
        return crypto.mask_name(application.name)
    return application.name


NOTICE_FIELDS = (
    "pk",
    "number",
    "kind",
    "level",
    "state",
    "name",
    "id_number_masked",
    "employer_name",
    "amount",
)


def application_rows(applications, *, held=frozenset()) -> list[NoticeRow]:
    """``applications`` as masked rows, numbered from 1; ``held`` are the
    pks of those with an open objection."""
    return [
        NoticeRow(
            index=index,
            application_id=a.pk,
            number=a.number,
            name=_display_name(a),
            id_number=a.id_number_masked,
            kind=a.get_kind_display(),
            level=a.get_level_display() if a.level else "",
            employer=a.employer_name,
            amount=a.amount,
            state=a.state,
            state_label=a.get_state_display(),
            held=a.pk in held,
        )
        for index, a in enumerate(applications, start=1)
    ]


def notice_rows(publicity: Publicity) -> list[NoticeRow]:
    """The publicity's list, masked, in number order; two queries."""
    applications = (
        Application.objects.filter(publicity=publicity)
        .only(*NOTICE_FIELDS)
        .order_by("number")
    )
    held = set(
        Objection.objects.filter(publicity=publicity, outcome="").values_list(
            "application_id", flat=True
        )
    )
    return application_rows(applications, held=held)


def notice_total(rows: list[NoticeRow]) -> Decimal:
    return sum((r.amount for r in rows if r.amount is not None), Decimal(0))


def publicity_objections(publicity: Publicity) -> list[Objection]:
    """The publicity's objections, each with ``application_name`` (masked
    for a person); one query."""
    objections = list(
        Objection.objects.filter(publicity=publicity)
        .select_related("application", "recorded_by", "resolved_by")
        .order_by("received_on", "pk")
    )
    for objection in objections:
        objection.application_name = _display_name(objection.application)
    return objections


@dataclass(frozen=True)
class Progress:
    started: bool
    over: bool  # the last day has passed
    days_left: int  # working days from today (or the start) to the end
    can_close: bool


def publicity_progress(publicity: Publicity, *, today: datetime.date) -> Progress:
    """Where the publicity stands on ``today``; at most one query."""
    started = today >= publicity.starts_on
    over = today > publicity.ends_on
    if over:
        left = 0
    else:
        left = workdays.working_days_between(
            max(today, publicity.starts_on), publicity.ends_on
        )
    return Progress(
        started=started,
        over=over,
        days_left=left,
        can_close=over and publicity.state == Publicity.State.OPEN,
    )


def public_publicities(*, today: datetime.date) -> QuerySet[Publicity]:
    """What the public page shows on ``today``: the publicities that have
    begun, open or closed at most ``PUBLIC_DAYS_AFTER`` days after their
    last day."""
    shown_since = today - datetime.timedelta(days=PUBLIC_DAYS_AFTER)
    return (
        Publicity.objects.filter(starts_on__lte=today)
        .filter(Q(state=Publicity.State.OPEN) | Q(ends_on__gte=shown_since))
        .annotate(application_count=Count("applications"))
        .order_by("-starts_on", "-pk")
    )


def public_publicity(*, pk, today: datetime.date) -> Publicity:
    return get_object_or_404(public_publicities(today=today), pk=pk)
