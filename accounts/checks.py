"""``check --deploy``: no shared or default account is left active."""

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.checks import Tags, Warning, register
from django.db import DatabaseError
from django.db.models import Q

DEFAULT_NAMES = ("admin", "administrator", "root", "test", "demo", "guest")


@register(Tags.security, deploy=True)
def check_default_accounts(app_configs, **kwargs):
    from .models import User

    active = User.objects.filter(is_active=True)
    default_name = Q(*[Q(username__iexact=n) for n in DEFAULT_NAMES], _connector=Q.OR)
    no_password = Q(password="") | Q(
        password__startswith=UNUSABLE_PASSWORD_PREFIX  # noqa: S106 - a marker
    )
    try:
        named = sorted(active.filter(default_name).values_list("username", flat=True))
        passwordless = sorted(
            active.filter(no_password).values_list("username", flat=True)
        )
    except DatabaseError:
        # No database yet: a first deployment may run checks before migrate.
        return []
    warnings = []
    if named:
        warnings.append(
            Warning(
                f"存在启用中的通用或默认账号:{'、'.join(named)}。",
                hint="停用这些账号(取消“有效”),为每位使用者建立实名账号。",
                id="accounts.W001",
            )
        )
    if passwordless:
        warnings.append(
            Warning(
                f"存在启用中但没有可用密码的账号:{'、'.join(passwordless)}。",
                hint="为这些账号设置密码(首次登录须修改),或停用它们。",
                id="accounts.W002",
            )
        )
    return warnings
