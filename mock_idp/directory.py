"""Directory state: users and security groups of the tenant, with soft delete (no Flask, no SAML)."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .errors import NotFound
from .ids import new_guid

# Built-in role template ids (docs "Microsoft Entra built-in roles").
GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10"
CLOUD_APPLICATION_ADMINISTRATOR = "158c047a-c907-4556-b7ef-446551a6b5f7"
APPLICATION_ADMINISTRATOR = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"
USER_ADMINISTRATOR = "fe930be7-5e62-47db-91af-98c3a49a38b1"
DIRECTORY_ROLES = {
    GLOBAL_ADMINISTRATOR: "Global Administrator",
    CLOUD_APPLICATION_ADMINISTRATOR: "Cloud Application Administrator",
    APPLICATION_ADMINISTRATOR: "Application Administrator",
    USER_ADMINISTRATOR: "User Administrator",
}


# Every change of a user's properties takes the next number: readers that copy a user's state
# (the provisioning import) know whether what they copied last time is still current.
_versions = itertools.count(1)


class ChangeLog:
    """The directory's change sequence: per user, the number its last change took (a property, its
    arrival, its purge). A reader that remembers a number (the provisioning watermark) asks which
    users changed after it instead of reading every user (ENTRA-BEHAVIOUR §8: incremental cycles
    process the "changes since the watermark")."""

    def __init__(self) -> None:
        # Numbers of another directory (after a reset) mean nothing here.
        self.id = new_guid()
        self._lock = threading.Lock()
        self._last: dict[str, int] = {}

    def record(self, user_id: str) -> None:
        with self._lock:
            self._last.pop(user_id, None)
            self._last[user_id] = next(_versions)

    def mark(self) -> int:
        """A number above every change recorded so far."""
        with self._lock:
            return next(_versions)

    def since(self, number: int) -> list[str]:
        """Users whose last change came after `number`, latest first."""
        changed = []
        with self._lock:
            for user_id, last in reversed(self._last.items()):
                if last <= number:
                    break
                changed.append(user_id)
        return changed


# Graph's user properties (docs "user resource type") and the User fields they read and write:
# one table for Graph's answers and writes and for the tenant's snapshots.
USER_PROPERTIES = {
    "userPrincipalName": "user_principal_name",
    "displayName": "display_name",
    "givenName": "given_name",
    "surname": "surname",
    "mail": "mail",
    "jobTitle": "job_title",
    "department": "department",
    "mobilePhone": "mobile_phone",
    "streetAddress": "street_address",
    "city": "city",
    "state": "state",
    "postalCode": "postal_code",
    "country": "country",
    "employeeId": "employee_id",
    "preferredLanguage": "preferred_language",
    "faxNumber": "fax_number",
    "accountEnabled": "account_enabled",
    "userType": "user_type",
}


@dataclass
class User:
    """A directory user with the properties that claims and provisioning read."""

    user_principal_name: str
    display_name: str
    password: str
    id: str = field(default_factory=new_guid)
    given_name: str | None = None
    surname: str | None = None
    mail: str | None = None
    job_title: str | None = None
    department: str | None = None
    mobile_phone: str | None = None
    business_phone: str | None = None
    street_address: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None
    employee_id: str | None = None
    # Entra's default SCIM mapping reads these too (preferredLanguage; facsimileTelephoneNumber is
    # Graph's faxNumber): gallery tutorials' attribute tables list them (issue 18).
    preferred_language: str | None = None
    fax_number: str | None = None
    manager_id: str | None = None
    account_enabled: bool = True
    user_type: str = "Member"
    deleted_at: datetime | None = None
    directory_roles: list[str] = field(default_factory=list)

    def __setattr__(self, name: str, value: Any) -> None:
        # Any assignment counts, through Graph, the admin functions or a test.
        object.__setattr__(self, name, value)
        self.__dict__["_version"] = next(_versions)
        changes = self.__dict__.get("_changes")
        if changes is not None:
            changes.record(self.id)

    @property
    def version(self) -> int:
        """Changes with every assignment to one of the user's properties."""
        return int(self.__dict__.get("_version", 0))

    @property
    def mail_nickname(self) -> str:
        return self.user_principal_name.split("@", 1)[0]


@dataclass
class Group:
    """A security group; members are user or group object ids (nesting is allowed)."""

    display_name: str
    id: str = field(default_factory=new_guid)
    description: str | None = None
    mail_nickname: str | None = None
    security_enabled: bool = True
    members: list[str] = field(default_factory=list)
    deleted_at: datetime | None = None


class UserNotFound(NotFound):
    pass


class GroupNotFound(NotFound):
    pass


class DirectoryConflict(ValueError):
    pass


class _Users(dict[str, User]):
    """Directory.users: a user put in or taken out, however it is done (a test may purge with
    `del`), is a change in the log, and a user in it records its own changes there."""

    def __init__(self, changes: ChangeLog) -> None:
        super().__init__()
        self.changes = changes

    def __setitem__(self, user_id: str, user: User) -> None:
        super().__setitem__(user_id, user)
        user.__dict__["_changes"] = self.changes
        self.changes.record(user_id)

    def __delitem__(self, user_id: str) -> None:
        super().__delitem__(user_id)
        self.changes.record(user_id)

    def pop(self, user_id: str, *default: Any) -> Any:
        had = user_id in self
        found = super().pop(user_id, *default)
        if had:
            self.changes.record(user_id)
        return found

    def popitem(self) -> tuple[str, User]:
        user_id, user = super().popitem()
        self.changes.record(user_id)
        return user_id, user

    def clear(self) -> None:
        for user_id in list(self):
            del self[user_id]

    def setdefault(self, user_id: str, user: User) -> User:
        if user_id not in self:
            self[user_id] = user
        return self[user_id]

    def update(self, *others: Any, **more: User) -> None:
        for user_id, user in dict(*others, **more).items():
            self[user_id] = user


class Directory:
    """Users and groups by object id. Deleted objects stay, marked, until hard-deleted
    (docs "Restore or remove a recently deleted user": 30 days in Deleted users)."""

    def __init__(self) -> None:
        self.changes = ChangeLog()
        self.users: dict[str, User] = _Users(self.changes)
        self.groups: dict[str, Group] = {}
        # Lower-case UPN -> ids of the users holding it, kept current from the change log (every
        # assignment to a user and every put or purge is recorded there): a sign-in and each
        # create_user look a UPN up without reading every user (a scan made creating 100,000
        # users quadratic: 5 ms a create at 10,000 users; bench/scale.py, issue 21).
        self._by_upn: dict[str, set[str]] = {}
        self._indexed_upn: dict[str, str] = {}  # user id -> the UPN it is indexed under
        self._indexed_until = 0
        self._index_lock = threading.Lock()

    # users
    def add_user(self, user: User) -> User:
        if self.find_by_upn(user.user_principal_name, include_deleted=True):
            raise DirectoryConflict(
                "Another object with the same value for property userPrincipalName already "
                f"exists: {user.user_principal_name}"
            )
        self.users[user.id] = user
        return user

    def get(self, user_id: str, include_deleted: bool = False) -> User:
        user = self.users.get(user_id)
        if user is None or (user.deleted_at is not None and not include_deleted):
            raise UserNotFound(user_id)
        return user

    def find_by_upn(self, upn: str, include_deleted: bool = False) -> User | None:
        """UPNs compare case-insensitively, as Entra does."""
        wanted = upn.strip().lower()
        for user_id in sorted(self._upn_index().get(wanted, ())):
            user = self.users.get(user_id)
            if (
                user is not None
                and user.user_principal_name.lower() == wanted
                and (include_deleted or user.deleted_at is None)
            ):
                return user
        return None

    def _upn_index(self) -> dict[str, set[str]]:
        """The UPN index after the changes recorded since it was last brought up to date."""
        with self._index_lock:
            # The mark is taken first: a change made while the index is updated gets a number
            # above it and is applied next time.
            mark = self.changes.mark()
            for user_id in self.changes.since(self._indexed_until):
                old = self._indexed_upn.pop(user_id, None)
                if old is not None:
                    self._by_upn[old].discard(user_id)
                    if not self._by_upn[old]:
                        del self._by_upn[old]
                user = self.users.get(user_id)
                if user is not None:
                    new = user.user_principal_name.lower()
                    self._by_upn.setdefault(new, set()).add(user_id)
                    self._indexed_upn[user_id] = new
            self._indexed_until = mark
            return self._by_upn

    def find(self, id_or_upn: str, include_deleted: bool = False) -> User:
        user = self.users.get(id_or_upn) or self.find_by_upn(id_or_upn, include_deleted)
        if user is None or (user.deleted_at is not None and not include_deleted):
            raise UserNotFound(id_or_upn)
        return user

    def active_users(self) -> list[User]:
        return [u for u in self.users.values() if u.deleted_at is None]

    def soft_delete_user(self, user_id: str, now: datetime) -> User:
        user = self.get(user_id)
        user.deleted_at = now
        return user

    def restore_user(self, user_id: str) -> User:
        user = self.get(user_id, include_deleted=True)
        if user.deleted_at is None:
            raise DirectoryConflict(f"user {user_id} is not deleted")
        user.deleted_at = None
        return user

    def hard_delete_user(self, user_id: str) -> User:
        """Permanently delete: the object and its memberships go."""
        user = self.get(user_id, include_deleted=True)
        del self.users[user_id]
        for group in self.groups.values():
            if user_id in group.members:
                group.members.remove(user_id)
        return user

    # groups
    def add_group(self, group: Group) -> Group:
        self.groups[group.id] = group
        return group

    def group(self, group_id: str) -> Group:
        group = self.groups.get(group_id)
        if group is None or group.deleted_at is not None:
            raise GroupNotFound(group_id)
        return group

    def add_member(self, group_id: str, member_id: str) -> None:
        group = self.group(group_id)
        if member_id not in self.users and member_id not in self.groups:
            raise UserNotFound(member_id)
        if member_id in group.members:
            raise DirectoryConflict(
                "One or more added object references already exist for the following "
                "modified properties: 'members'."
            )
        group.members.append(member_id)

    def remove_member(self, group_id: str, member_id: str) -> None:
        group = self.group(group_id)
        if member_id not in group.members:
            raise UserNotFound(member_id)
        group.members.remove(member_id)

    def direct_groups(self, object_id: str) -> list[Group]:
        return [g for g in self.groups.values() if g.deleted_at is None and object_id in g.members]

    def transitive_groups(self, object_id: str) -> list[Group]:
        """Every group the object is in, directly or through nested groups (groups claim)."""
        found: dict[str, Group] = {}
        frontier = [object_id]
        while frontier:
            for group in self.direct_groups(frontier.pop()):
                if group.id not in found:
                    found[group.id] = group
                    frontier.append(group.id)
        return list(found.values())
