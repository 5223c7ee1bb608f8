from axes.utils import reset as axes_reset
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record

from . import permissions
from .models import User
from .roles import ROLE_PERMISSIONS, STAFF_ROLES, RoleName, role_names

# What an account change records, before and after; never the password.
ACCOUNT_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "department",
    "is_active",
    "must_change_password",
)


class AccountError(Exception):
    """A refused account operation, with a message in Chinese."""


def _account_values(user: User) -> dict:
    return {
        name: getattr(user, user._meta.get_field(name).attname)
        for name in ACCOUNT_FIELDS
    }


@transaction.atomic
def roles_ensure() -> dict[str, Group]:
    """Create or update one group per role with exactly its permissions."""
    wanted = {perm for perms in ROLE_PERMISSIONS.values() for perm in perms}
    by_name = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
        if f"{p.content_type.app_label}.{p.codename}" in wanted
    }
    missing = wanted - set(by_name)
    if missing:
        raise LookupError("权限不存在(请先执行 migrate):" + "、".join(sorted(missing)))
    groups = {}
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=RoleName(role).label)
        group.permissions.set([by_name[p] for p in perms])
        groups[role] = group
    return groups


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    department=None,
    full_name: str = "",
    must_change_password: bool = True,
    actor: User | None = None,
) -> User:
    """A user with one role; an existing username is left as it is.

    The password is one someone else chose, so by default the user must
    replace it at the first sign-in. The role's group is made, with every
    other, when it does not exist yet (``roles_ensure``, which setup_portal
    runs at each start to bring their permissions up to date).
    """
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    group = Group.objects.filter(name=RoleName(role).label).first()
    if group is None:
        group = roles_ensure()[role]
    user = User(
        username=username,
        department=department,
        first_name=full_name,
        is_staff=role in STAFF_ROLES,
        must_change_password=must_change_password,
    )
    user.set_password(password)
    user.save()
    user.groups.set([group])
    audit_record(
        action=AuditAction.ACCOUNT_CREATE,
        obj=user,
        actor=actor,
        after={**_account_values(user), "role": str(role)},
    )
    return user


@transaction.atomic
def account_save(*, user: User, role: str, actor: User | None) -> User:
    """Save an account as the security administrator edited it, then give
    it its one role. A new account must change its password at first
    sign-in; a change records the fields that moved."""
    created = user.pk is None
    if created:
        user.must_change_password = True
        user.is_staff = role in STAFF_ROLES
        user.save()
        audit_record(
            action=AuditAction.ACCOUNT_CREATE,
            obj=user,
            actor=actor,
            after=_account_values(user),
        )
    else:
        old = _account_values(User.objects.get(pk=user.pk))
        user.save()
        new = _account_values(user)
        moved = [name for name in ACCOUNT_FIELDS if old[name] != new[name]]
        if moved:
            audit_record(
                action=AuditAction.ACCOUNT_CHANGE,
                obj=user,
                actor=actor,
                before={name: old[name] for name in moved},
                after={name: new[name] for name in moved},
            )
    user_set_role(user=user, role=role, actor=actor)
    return user


@transaction.atomic
def user_set_role(*, user: User, role: str, actor: User | None) -> bool:
    """Make ``role`` the user's only role, and staff status follow it.

    Nobody changes their own role: a security administrator who could
    would hold business or audit rights beside account rights. False when
    the user already had exactly this role.
    """
    role = RoleName(role)
    before = sorted(role_names(user)) if user.pk else []
    if before == [role.value]:
        return False
    if actor is not None and actor.pk == user.pk:
        raise AccountError("不能修改自己的角色,请由另一位安全管理员操作。")
    group = Group.objects.filter(name=role.label).first() or roles_ensure()[role]
    user.groups.set([group])
    user.is_staff = role in STAFF_ROLES
    user.save(update_fields=["is_staff"])
    user._role_names = {role.value}
    audit_record(
        action=AuditAction.ACCOUNT_ROLES,
        obj=user,
        actor=actor,
        before={"roles": before},
        after={"roles": [role.value]},
    )
    return True


@transaction.atomic
def password_changed(*, user: User) -> User:
    """The user has just chosen a new password: clear the demand to change
    it and restart its age."""
    before = {
        "must_change_password": user.must_change_password,
        "password_changed_at": user.password_changed_at,
    }
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["must_change_password", "password_changed_at"])
    audit_record(
        action=AuditAction.ACCOUNT_CHANGE,
        obj=user,
        actor=user,
        before=before,
        after={
            "must_change_password": False,
            "password_changed_at": user.password_changed_at,
        },
    )
    return user


@transaction.atomic
def password_set_by_admin(*, user: User, actor: User) -> User:
    """An administrator has set the user's password: it is known to
    someone else, so the user must replace it at the next sign-in."""
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    audit_record(
        action=AuditAction.ACCOUNT_CHANGE,
        obj=user,
        actor=actor,
        after={"password": "由管理员重置", "must_change_password": True},
    )
    return user


@transaction.atomic
def account_unlock(*, actor: User, username: str = "", ip_address: str = "") -> int:
    """Lift the lock on a username or on an address (one of them), before
    its 15 minutes are over. Returns the number of failure records removed.
    """
    if not permissions.can_unlock(actor):
        raise PermissionDenied("只有安全管理员可以解除锁定。")
    # Exactly one: given neither, axes would wipe every lock at once.
    if bool(username) == bool(ip_address):
        raise AccountError("请指定要解锁的一个用户名或一个地址。")
    removed = axes_reset(username=username or None, ip=ip_address or None)
    audit_record(
        action=AuditAction.ACCOUNT_UNLOCK,
        obj=User.objects.filter(username=username).first() if username else None,
        actor=actor,
        after={"username": username, "ip_address": ip_address, "removed": removed},
        object_repr=username or ip_address,
    )
    return removed
