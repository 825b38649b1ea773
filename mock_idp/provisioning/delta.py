"""Which users an incremental cycle must evaluate again: those changed since the watermark."""
# ENTRA-BEHAVIOUR §8: incremental cycles process the "changes since the watermark". A user's
# plan reads the user, its effective assignments (its own and its groups') and the job's
# configuration, so a change to any of these, or the clock passing the hard-delete delay,
# makes the user changed; anything the delta cannot see makes the cycle walk every user.

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from operator import attrgetter

from ..directory import Directory
from ..enterprise_apps import EnterpriseApp
from .source import SourceObject

_ASSIGNMENT = attrgetter("id", "principal_id", "app_role_id")


@dataclass
class Observed:
    """Memberships of the live groups and the app's assignments, as one import saw them. They
    are compared rather than stamped, so a change made any way at all is seen."""

    groups: dict[str, tuple[str, ...]]
    assignments: list[tuple[str, str, str]]

    @classmethod
    def of(cls, directory: Directory, app: EnterpriseApp) -> Observed:
        """Call under the tenant's lock."""
        return cls(
            {g.id: tuple(g.members) for g in directory.groups.values() if g.deleted_at is None},
            list(map(_ASSIGNMENT, app.assignments)),
        )

    def affected(self, before: Observed) -> set[str]:
        """Principals whose effective assignments may differ: members who joined or left a
        group (a deleted group loses them all), and the principal of each assignment added or
        removed, or every member of a group so assigned (docs: only direct members count)."""
        found: set[str] = set()
        for group_id in self.groups.keys() | before.groups.keys():
            now, then = self.groups.get(group_id, ()), before.groups.get(group_id, ())
            if now != then:
                found.update(set(now) ^ set(then))
        if self.assignments != before.assignments:
            for _, principal, _ in set(self.assignments) ^ set(before.assignments):
                found.add(principal)
                found.update(self.groups.get(principal, ()), before.groups.get(principal, ()))
        return found


@dataclass
class Delta:
    """What the last completed cycle saw, for the next incremental cycle to find the changes.

    `users` is the import's copy of every user; an incremental cycle replaces the copies of the
    users it read again, so it holds each user as the directory has it unless it changed after
    `sequence`."""

    log_id: str
    sequence: int
    basis: str
    users: dict[str, SourceObject]
    observed: Observed
    soft_deleted: dict[str, datetime]
    groups: set[str]
    # Users provision on demand wrote to since: evaluated again by the next cycle.
    revisit: set[str] = field(default_factory=set)

    def changed(
        self,
        directory: Directory,
        observed: Observed,
        now: datetime,
        hard_delete_after: timedelta,
        tracked: Callable[[str], bool],
    ) -> set[str]:
        """Call under the tenant's lock: users to read again, those changed, added or purged
        since `sequence`, whose effective assignments may differ, or whom the clock took past
        the hard-delete delay; of these, the directory's users and those `tracked` (copied or
        linked by the job), so no id of a group among members is taken for a user's."""
        candidates = set(directory.changes.since(self.sequence)) | observed.affected(self.observed)
        for user_id, deleted_at in self.soft_deleted.items():
            if now - deleted_at >= hard_delete_after and tracked(user_id):
                candidates.add(user_id)
        return {c for c in candidates if c in directory.users or tracked(c)}


def soft_deleted(directory: Directory) -> dict[str, datetime]:
    """Call under the tenant's lock: users in Deleted users, by deletion time."""
    return {u.id: u.deleted_at for u in directory.users.values() if u.deleted_at is not None}
