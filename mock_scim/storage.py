"""Where a SCIM endpoint keeps its resources: the abstract store and its contract."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from scim2_models import PreconditionFailedException


@dataclass(frozen=True)
class IndexKey:
    """A value the store indexes for a resource: `name` is an attribute path ("userName",
    "emails.value"), `value` its comparable form; a unique key belongs to one resource only."""

    name: str
    value: str
    unique: bool = False


@dataclass(frozen=True)
class StoredResource:
    """A resource as stored: its attributes (without `id` and `meta`) and the store's metadata."""

    resource_type: str
    id: str
    version: int
    created: str
    last_modified: str
    data: dict[str, Any]

    @property
    def etag(self) -> str:
        """RFC 7644 §3.14: a weak entity tag that changes whenever the resource does."""
        return f'W/"{self.version}"'


# What `ScimStore.update` applies: the new data and keys, or None to write nothing.
Change = Callable[[StoredResource], tuple[dict[str, Any], list[IndexKey]] | None]


class ScimStore(ABC):
    """The resources of one SCIM endpoint, by resource type ("User", "Group").

    The protocol (mock_scim.service) validates, filters, patches and pages; the store only
    keeps resources, and keeps these promises, which mock_scim.testing.ScimStoreContract checks
    for every implementation:

    - `create` gives the resource a new unique `id`, version 1 and the given time as both
      `created` and `last_modified`; `replace` keeps `id` and `created`, sets `last_modified`
      and adds one to the version.
    - Every resource returned carries a copy of its data: changing it changes nothing stored,
      and the data given to `create` / `replace` is not kept by reference either.
    - A unique key (an `IndexKey` with `unique`) belongs to at most one resource of a resource
      type at any time. A write that would give a second resource the same unique key raises
      `scim2_models.UniquenessException` and changes nothing. This holds for concurrent writes
      from any number of threads (and, for a store on a file, processes): of two creates with
      the same unique key exactly one succeeds.
    - `update` reads a resource, calls `change` on it and writes what it returns in one
      transaction: updates of a resource run one after another, so none is lost and none
      fails because another ran between its read and its write (threads and processes alike).
      `change` returning None writes nothing; an exception from it changes nothing.
    - `get`, `replace`, `update` and `delete` of an unknown id (or one of another resource type) raise
      `scim2_models.NotFoundException`.
    - `replace` and `delete` with an `expected_version` that is not the stored version raise
      `scim2_models.PreconditionFailedException` and change nothing; the check and the write
      are one atomic step.
    - `find` returns the resources having the key (name, value), in creation order;
      `page` and `scan` list a resource type in creation order; `count` counts it.
    - A write that returned has been made durable enough to survive the process being killed
      (for a store that persists at all).
    - `clear` removes every resource; `close` releases connections (the store may not be used
      afterwards).
    """

    @abstractmethod
    def create(
        self, resource_type: str, data: dict[str, Any], keys: Iterable[IndexKey], now: str
    ) -> StoredResource:
        """Store a new resource and return it."""

    @abstractmethod
    def get(self, resource_type: str, resource_id: str) -> StoredResource:
        """The stored resource."""

    @abstractmethod
    def replace(
        self,
        resource_type: str,
        resource_id: str,
        data: dict[str, Any],
        keys: Iterable[IndexKey],
        now: str,
        expected_version: int | None = None,
    ) -> StoredResource:
        """Replace a resource's data and keys; return the new state."""

    @abstractmethod
    def update(
        self, resource_type: str, resource_id: str, change: Change, now: str
    ) -> StoredResource:
        """Read, change and write a resource as one transaction; return its state after."""

    @abstractmethod
    def delete(
        self, resource_type: str, resource_id: str, expected_version: int | None = None
    ) -> None:
        """Remove a resource and its keys."""

    @abstractmethod
    def find(self, resource_type: str, name: str, value: str) -> list[StoredResource]:
        """The resources with index key (name, value)."""

    @abstractmethod
    def page(self, resource_type: str, offset: int, limit: int) -> list[StoredResource]:
        """`limit` resources from the `offset`-th (0-based) in creation order."""

    @abstractmethod
    def scan(self, resource_type: str) -> Iterator[StoredResource]:
        """Every resource of the type, in creation order."""

    @abstractmethod
    def count(self, resource_type: str) -> int:
        """How many resources of the type exist."""

    @abstractmethod
    def clear(self) -> None:
        """Remove everything (a reset between scenarios)."""

    def close(self) -> None:  # noqa: B027 (optional: a store holding nothing open keeps it)
        """Release what the store holds open."""


def check_version(
    resource_type: str, resource_id: str, version: int, expected_version: int | None
) -> None:
    """The If-Match rule of the store contract: a stale expected version changes nothing."""
    if expected_version is not None and version != expected_version:
        raise PreconditionFailedException(
            detail=f'{resource_type} {resource_id} is at version W/"{version}"'
        )


def distinct_keys(keys: Iterable[IndexKey]) -> list[IndexKey]:
    """The keys without repeats (a user may list one email twice), unique ones first."""
    seen: dict[tuple[str, str], IndexKey] = {}
    for key in keys:
        known = seen.get((key.name, key.value))
        if known is None or (key.unique and not known.unique):
            seen[(key.name, key.value)] = key
    return sorted(seen.values(), key=lambda k: not k.unique)
