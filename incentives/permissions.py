"""Who may see and do what in the incentives.

- A 激励经办员 of a 区(市) sees the applications of that 区(市), enters
  them and does their 初审; one of the 市人社局 sees every application and
  does the 初审 of those borne by 市本级 (no 区(市)).
- The 人社局审核员 sees every application and does the 复审, the 公示, the
  objections and the payments.
- Nobody else sees any application: not the departments' reporters and
  leaders, not the administrators.

``who_for`` decides who a user is for one application (the workflow's
CLERK or REVIEWER); the state graph (when) is checked by the services.
"""

from django.db.models import QuerySet

from accounts.roles import RoleName, has_role
from incentives.models import Application, Finance, PaymentBatch, Publicity
from incentives.workflow import CLERK, REVIEWER
from tasks.permissions import is_reviewer

CITY_OFFICE = "市人社局"


def is_clerk(user) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and user.department_id is not None
        and has_role(user, RoleName.INCENTIVE_CLERK)
    )


def is_city_clerk(user) -> bool:
    """A clerk of the 市人社局, for every area and for 市本级."""
    return is_clerk(user) and user.department.name == CITY_OFFICE


def can_use(user) -> bool:
    """The incentives' pages are for the clerks and the reviewers."""
    return is_clerk(user) or is_reviewer(user)


def applications_for_user(user) -> QuerySet[Application]:
    if is_reviewer(user) or is_city_clerk(user):
        return Application.objects.all()
    if is_clerk(user):
        return Application.objects.filter(area_id=user.department_id)
    return Application.objects.none()


def who_for(user, application: Application) -> set[str]:
    """The workflow roles ``user`` holds for ``application`` (which the
    caller took from ``applications_for_user``)."""
    roles = set()
    if is_reviewer(user):
        roles.add(REVIEWER)
    if is_clerk(user) and (
        application.area_id == user.department_id
        or (application.area_id is None and is_city_clerk(user))
    ):
        roles.add(CLERK)
    return roles


def can_enter(user) -> bool:
    return is_clerk(user)


def entry_areas(user):
    """The 区(市) a clerk may enter applications for: their own, or any (and
    市本级, ``None``) for a clerk of the 市人社局."""
    from tasks.models import Department

    if is_city_clerk(user):
        return Department.objects.filter(finance__isnull=False)
    if is_clerk(user):
        return Department.objects.filter(pk=user.department_id)
    return Department.objects.none()


def can_reveal(user, application: Application) -> bool:
    """Those who review an application may reveal its personal data, one
    field at a time, with a reason (audited)."""
    return bool(who_for(user, application))


def publicities_for_user(user) -> QuerySet[Publicity]:
    if can_use(user):
        return Publicity.objects.all()
    return Publicity.objects.none()


def can_manage_publicity(user) -> bool:
    return is_reviewer(user)


def batches_for_user(user) -> QuerySet[PaymentBatch]:
    """The reviewer's all; a 区(市) clerk sees the batches of that 区(市)'s
    finance; nobody else any."""
    if is_reviewer(user) or is_city_clerk(user):
        return PaymentBatch.objects.all()
    if is_clerk(user):
        return PaymentBatch.objects.filter(finance__area_id=user.department_id)
    return PaymentBatch.objects.none()


def finances_for_user(user) -> QuerySet[Finance]:
    """The finances whose payments and ledger ``user`` may read, as
    ``batches_for_user``: all for the reviewer and the 市人社局's clerks,
    a 区(市) clerk that 区(市)'s."""
    if is_reviewer(user) or is_city_clerk(user):
        return Finance.objects.all()
    if is_clerk(user):
        return Finance.objects.filter(area_id=user.department_id)
    return Finance.objects.none()


def can_manage_payments(user) -> bool:
    return is_reviewer(user)
