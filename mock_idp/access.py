"""Who may use an app and with which roles: direct and group assignments (no Flask)."""

from __future__ import annotations

from collections.abc import Collection

from .directory import Directory, User
from .enterprise_apps import Assignment, EnterpriseApp


def effective_assignments(directory: Directory, app: EnterpriseApp, user: User) -> list[Assignment]:
    """The user's own assignments plus those of groups they are a direct member of.

    ENTRA-BEHAVIOUR §3/§7 (docs "Assign users and groups"): nested group membership does not
    grant access to an app.
    """
    principals = {user.id, *(group.id for group in directory.direct_groups(user.id))}
    return [a for a in app.assignments if a.principal_id in principals]


class AssignmentIndex:
    """An app's assignments by principal and the directory's groups by direct member, built once
    for a pass over every user (a provisioning import), so that each user's effective
    assignments cost its own few rather than a scan of every assignment and group."""

    def __init__(
        self, directory: Directory, app: EnterpriseApp, users: Collection[str] | None = None
    ) -> None:
        """With `users`, only those users are indexed (an incremental import's changed few)."""
        self._groups_of: dict[str, dict[str, None]] = {}
        for group in directory.groups.values():
            if group.deleted_at is None:
                for member in group.members:
                    if users is None or member in users:
                        self._groups_of.setdefault(member, {})[group.id] = None
        principals = None
        if users is not None:
            principals = set(users).union(*self._groups_of.values())
        self._by_principal: dict[str, list[tuple[int, Assignment]]] = {}
        for position, assignment in enumerate(app.assignments):
            if principals is None or assignment.principal_id in principals:
                self._by_principal.setdefault(assignment.principal_id, []).append(
                    (position, assignment)
                )

    def effective_assignments(self, user: User) -> list[Assignment]:
        """As effective_assignments(directory, app, user): the same assignments, in app order."""
        principals = {user.id, *self._groups_of.get(user.id, ())}
        found = [pair for p in principals for pair in self._by_principal.get(p, ())]
        found.sort(key=lambda pair: pair[0])
        return [assignment for _, assignment in found]


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
