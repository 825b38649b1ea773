"""What the provisioning service imports from the directory: users, groups, roles, deletions."""
# Docs "How Application Provisioning works" › Initial cycle, step 1.

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..access import AssignmentIndex
from ..directory import Directory, Group, User
from ..enterprise_apps import EnterpriseApp


@dataclass(frozen=True)
class SourceObject:
    """A user or group as the service sees it at import."""

    kind: str  # User or Group
    id: str
    display: str
    attributes: dict[str, Any]
    role_ids: tuple[str, ...]
    # User: soft deleted or accountEnabled false (ENTRA-BEHAVIOUR §8 → IsSoftDeleted true).
    soft_deleted: bool = False
    manager_id: str | None = None
    member_ids: tuple[str, ...] = ()


@dataclass
class SourceSnapshot:
    taken_at: datetime
    users: dict[str, SourceObject] = field(default_factory=dict)
    groups: dict[str, SourceObject] = field(default_factory=dict)


def _roles(app: EnterpriseApp, role_ids: list[str]) -> list[dict[str, Any]]:
    roles = []
    for role_id in dict.fromkeys(role_ids):
        try:
            role = app.role(role_id)
        except KeyError:
            continue
        roles.append({"id": role.id, "value": role.value, "displayName": role.display_name})
    return roles


def _user(app: EnterpriseApp, index: AssignmentIndex, user: User) -> SourceObject:
    role_ids = [a.app_role_id for a in index.effective_assignments(user)]
    soft_deleted = user.deleted_at is not None or not user.account_enabled
    attributes: dict[str, Any] = {
        "objectId": user.id,
        "userPrincipalName": user.user_principal_name,
        "mailNickname": user.mail_nickname,
        "displayName": user.display_name,
        "givenName": user.given_name,
        "surname": user.surname,
        "mail": user.mail,
        "jobTitle": user.job_title,
        "department": user.department,
        "mobile": user.mobile_phone,
        "telephoneNumber": user.business_phone,
        "streetAddress": user.street_address,
        "city": user.city,
        "state": user.state,
        "postalCode": user.postal_code,
        "country": user.country,
        "employeeId": user.employee_id,
        "preferredLanguage": user.preferred_language,
        "facsimileTelephoneNumber": user.fax_number,
        "manager": user.manager_id,
        "accountEnabled": "True" if user.account_enabled else "False",
        "userType": user.user_type,
        "IsSoftDeleted": "True" if soft_deleted else "False",
        "appRoleAssignments": _roles(app, role_ids),
    }
    return SourceObject(
        "User",
        user.id,
        user.user_principal_name,
        attributes,
        tuple(role_ids),
        soft_deleted=soft_deleted,
        manager_id=user.manager_id,
    )


def _group(
    directory: Directory, app: EnterpriseApp, group: Group, role_ids: list[str]
) -> SourceObject:
    """`role_ids`: the group's own assignments' roles, in app order."""
    # ENTRA-BEHAVIOUR §8 / docs: no nested groups; only direct user members are provisioned.
    members = tuple(m for m in group.members if m in directory.users)
    attributes: dict[str, Any] = {
        "objectId": group.id,
        "displayName": group.display_name,
        "mailNickname": group.mail_nickname,
        "description": group.description,
        "securityEnabled": "True" if group.security_enabled else "False",
        "members": list(members),
        "IsSoftDeleted": "False",
        "appRoleAssignments": _roles(app, role_ids),
    }
    return SourceObject(
        "Group", group.id, group.display_name, attributes, tuple(role_ids), member_ids=members
    )


# What import_source copied of one user last time: the user's version and role ids then, the
# app's roles then, and the copy. A job keeps one per user (ProvisioningJob.source_cache).
SourceCache = dict[str, tuple[int, tuple[str, ...], int, SourceObject]]


def import_source(
    directory: Directory,
    app: EnterpriseApp,
    now: datetime,
    hard_delete_after: timedelta,
    cache: SourceCache | None = None,
    only: set[str] | None = None,
) -> SourceSnapshot:
    """Call under the tenant's lock: a copy the cycle can use after releasing it.

    A user soft deleted longer than `hard_delete_after` counts as hard deleted (ENTRA-BEHAVIOUR
    §8: "DELETE … only on hard delete (30 days after soft delete or purge)"), as does a purged
    one, which is simply gone. With `cache`, a user whose properties, role assignments and the
    app's roles are as last time is not copied again (the copy is never changed by its readers).
    With `only`, just those users are read (an incremental cycle's changed ones); groups all.
    """
    snapshot = SourceSnapshot(now)
    index = AssignmentIndex(directory, app, only)
    roles = hash(tuple((r.id, r.value, r.display_name) for r in app.app_roles))
    if only is None:
        users: Iterable[User] = directory.users.values()
    else:
        users = [user for i in only if (user := directory.users.get(i)) is not None]
    for user in users:
        if user.deleted_at is not None and now - user.deleted_at >= hard_delete_after:
            continue
        if cache is None:
            snapshot.users[user.id] = _user(app, index, user)
            continue
        role_ids = tuple(a.app_role_id for a in index.effective_assignments(user))
        known = cache.get(user.id)
        if known is not None and known[:3] == (user.version, role_ids, roles):
            snapshot.users[user.id] = known[3]
        else:
            copied = _user(app, index, user)
            cache[user.id] = (user.version, role_ids, roles, copied)
            snapshot.users[user.id] = copied
    if cache is not None:
        for gone in (cache.keys() if only is None else only) - snapshot.users.keys():
            cache.pop(gone, None)
    # Each group's roles from one pass over the assignments (a scan per group made an import
    # of 10,000 groups and 110,000 assignments take minutes; bench/scale.py, issue 21).
    group_roles: dict[str, list[str]] = {}
    for assignment in app.assignments:
        if assignment.principal_id in directory.groups:
            group_roles.setdefault(assignment.principal_id, []).append(assignment.app_role_id)
    for group in directory.groups.values():
        if group.deleted_at is None:
            snapshot.groups[group.id] = _group(directory, app, group, group_roles.get(group.id, []))
    return snapshot
