"""The personal-data key, checked when the portal starts (``manage.py
check``, ``migrate``, ``runserver``): a key that is malformed or cannot read
the stored data back is an error, so the portal stops with the reason
rather than show garbage; data left under an old key is a warning."""

from django.core.checks import Error, Warning, register
from django.db import DatabaseError

from incentives import crypto


@register()
def personal_data_key_check(app_configs=None, **kwargs):
    if app_configs is not None and not any(
        config.name == "incentives" for config in app_configs
    ):
        return []
    try:
        crypto.key_verify()
        stale = crypto.key_needs_rotation()
    except crypto.PersonalDataKeyError as exc:
        return [
            Error(
                str(exc),
                hint="个人信息密钥见 README“生产部署”一节的 PERSONAL_DATA_KEY。",
                id="incentives.E001",
            )
        ]
    except DatabaseError:
        # Not migrated yet, or no database to ask: nothing is stored that
        # the key would have to read.
        return []
    if stale:
        return [
            Warning(
                "仍有个人信息由 PERSONAL_DATA_KEY_FALLBACKS 中的旧密钥加密。",
                hint="请运行 manage.py personal_data_rotate 用新密钥重新加密,"
                "之后方可移除旧密钥。",
                id="incentives.W001",
            )
        ]
    return []
