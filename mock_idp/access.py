"""Who may use an app and with which roles: direct and group assignments (no Flask)."""

from __future__ import annotations

from .directory import Directory, User
from .enterprise_apps import Assignment, EnterpriseApp


def effective_assignments(directory: Directory, app: EnterpriseApp, user: User) -> list[Assignment]:
    """The user's own assignments plus those of groups they are a direct member of.

    ENTRA-BEHAVIOUR §3/§7 (docs "Assign users and groups"): nested group membership does not
    grant access to an app.
    """
    principals = {user.id, *(group.id for group in directory.direct_groups(user.id))}
    return [a for a in app.assignments if a.principal_id in principals]


def role_values(app: EnterpriseApp, assignments: list[Assignment]) -> list[str]:
    """Values for the role claim: each assigned role's value once; Default Access has none (§5)."""
    values: list[str] = []
    for assignment in assignments:
        try:
            value = app.role(assignment.app_role_id).value
        except KeyError:
            continue
        if value and value not in values:
            values.append(value)
    return values
