import pytest
from django.contrib.auth.models import Permission

from audit import context
from audit.models import AuditEvent
from tests.factories import UserFactory


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def only_event(action: str) -> AuditEvent:
    found = events(action)
    assert len(found) == 1, [(e.action, e.object_repr) for e in found]
    return found[0]


@pytest.fixture
def auditor(db):
    """A user holding only the audit permission, as the auditor role (审计管理员)
    gives it; granted directly so as not to depend on the role's list."""
    user = UserFactory(username="auditor")
    user.save()  # the factory sets the password without saving it
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="audit", codename="view_audit_trail"
        )
    )
    return user


@pytest.fixture
def in_request(rf):
    """Calls made as if inside a request from 10.1.2.3 by ``user``."""
    tokens = []

    def bind(user):
        request = rf.get("/", REMOTE_ADDR="10.1.2.3")
        request.user = user
        tokens.append(context.bind(request))
        return request

    yield bind
    for token in reversed(tokens):
        context.unbind(token)
