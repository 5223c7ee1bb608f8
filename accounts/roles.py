"""The portal's roles, as Django groups with model permissions.

Each role's permissions are listed here once; ``roles_ensure`` makes the
groups match. Later capabilities add their permissions to these lists.
"""

from django.db.models import TextChoices

POLICY_MODELS = (
    "policy",
    "section",
    "keytask",
    "keytaskassignment",
    "task",
    "responsibility",
    "department",
    "departmentalias",
)

# What the system administrator keeps for the incentives: the amounts
# table, the bearing finances and their budgets, the key industry-chain
# registry, the holiday calendar and the targets fed by awards paid.
INCENTIVE_SETTINGS_MODELS = (
    "awardrule",
    "finance",
    "budget",
    "industrychain",
    "keyenterprise",
    "holiday",
    "targetfeed",
)


class RoleName(TextChoices):
    REPORTER = "reporter", "部门填报员"
    LEADER = "leader", "部门负责人"
    REVIEWER = "reviewer", "人社局审核员"
    SYSADMIN = "sysadmin", "系统管理员"
    SECURITY = "security", "安全管理员"
    AUDITOR = "auditor", "审计管理员"
    INCENTIVE_CLERK = "incentive_clerk", "激励经办员"


def _perms(actions, models, app="tasks"):
    return [f"{app}.{action}_{model}" for model in models for action in actions]


ROLE_PERMISSIONS: dict[str, list[str]] = {
    RoleName.REPORTER: _perms(["view"], POLICY_MODELS),
    RoleName.LEADER: _perms(["view"], POLICY_MODELS),
    RoleName.INCENTIVE_CLERK: _perms(["view"], POLICY_MODELS),
    RoleName.REVIEWER: _perms(["view"], POLICY_MODELS) + ["tasks.view_importrecord"],
    RoleName.SYSADMIN: _perms(["view", "add", "change", "delete"], POLICY_MODELS)
    # Column mappings remembered by the annex import: seen, and a wrong
    # one deleted so that the next import asks again.
    + _perms(["view", "delete"], ["annexcolumnmapping"])
    + _perms(["view", "add", "change"], ["reportingperiod"], app="dispatch")
    + _perms(["view", "change"], ["target", "planpoint"], app="targets")
    + _perms(["view", "delete"], ["reading"], app="targets")
    + _perms(["view", "change"], ["bulletinkind"], app="bulletins")
    + _perms(
        ["view", "add", "change"],
        INCENTIVE_SETTINGS_MODELS,
        app="incentives",
    )
    + ["tasks.view_importrecord"],
    # 三员分立: accounts and roles belong to the security administrator
    # alone, the audit trail to the auditor alone; neither sees business
    # data and the system administrator has neither. A role is given
    # through the user's own form, so no group may be changed.
    RoleName.SECURITY: _perms(["view", "add", "change"], ["user"], app="accounts")
    + ["auth.view_group"],
    RoleName.AUDITOR: ["audit.view_audit_trail"],
}
# Roles that work in the admin site.
STAFF_ROLES = {RoleName.SYSADMIN, RoleName.SECURITY}


def role_names(user) -> set[str]:
    """The role values of a user's groups, read once per request."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        labels = {role.label: role.value for role in RoleName}
        cached = {
            labels[n] for n in user.groups.values_list("name", flat=True) if n in labels
        }
        user._role_names = cached
    return cached


def has_role(user, role: str) -> bool:
    return role in role_names(user)
