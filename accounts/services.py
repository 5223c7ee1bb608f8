from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .models import User
from .roles import ROLE_PERMISSIONS, STAFF_ROLES, RoleName


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
) -> User:
    """A user with one role; an existing username is left as it is."""
    groups = roles_ensure()
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    user = User(
        username=username,
        department=department,
        first_name=full_name,
        is_staff=role in STAFF_ROLES,
    )
    user.set_password(password)
    user.save()
    user.groups.set([groups[role]])
    return user
