"""The application's graph: each move allowed or refused by state and
role, the reasons, the 复审's conditions, the shares on approval, the
version check and the audit of every move."""

import pytest

from audit.models import AuditEvent
from incentives.models import ApplicationState as S
from incentives.models import ApplicationTransition, Share
from incentives.services.applications import ApplicationError, application_move
from tests.incentives.apps_support import enter, verify, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(incentive_defaults, incentive_users):
    return incentive_users


def test_employment_application_goes_from_entry_to_payment(users):
    application = enter(users)
    assert application.number == "JL2025-000001"
    assert application.state == S.DRAFT
    assert application.amount == 2000
    verify(application, users)
    application = walk(
        application, users, "submit", "first_pass", "second_pass", "publicise"
    )
    application = walk(application, users, "approve", "pay")
    application.refresh_from_db()
    assert application.state == S.PAID
    assert application.version == 7
    [share] = Share.objects.filter(application=application)
    assert (share.finance.name, share.amount) == ("贵溪市财政", 2000)
    assert list(
        ApplicationTransition.objects.filter(application=application).values_list(
            "action", flat=True
        )
    ) == ["submit", "first_pass", "second_pass", "publicise", "approve", "pay"]
    moves = AuditEvent.objects.filter(
        action="application.move", object_id=str(application.pk)
    )
    assert moves.count() == 6


def test_second_pass_refused_until_the_certificate_is_verified(users):
    application = walk(enter(users), users, "submit", "first_pass")
    with pytest.raises(ApplicationError, match="证书核验"):
        application_move(
            application=application, action="second_pass", actor=users["reviewer"]
        )
    application.refresh_from_db()
    assert application.state == S.SECOND_REVIEW
