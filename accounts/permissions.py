"""Who may do what with accounts (三员分立).

Accounts and roles are the security administrator's: the system
administrator, who runs the portal's data, has no say over them, and the
auditor only reads the trail.
"""

from .roles import RoleName, has_role


def is_security_admin(user) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and user.is_active
        and has_role(user, RoleName.SECURITY)
    )


def can_unlock(user) -> bool:
    """May lift a sign-in lock before its cool-off is over."""
    return is_security_admin(user)
