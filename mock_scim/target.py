"""A vendor's SCIM endpoint as one object: profile, store, protocol, request log and token."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from gallery import ScimProfile
from mock_kernel.clock import Clock

from .filtering import index_attribute
from .memory import MemoryStore
from .request_log import RequestLog
from .service import ScimService
from .sqlite import SqliteStore
from .storage import ScimStore, StoredResource

STORES = ("memory", "sqlite")


def open_store(kind: str, directory: Path | None, name: str) -> ScimStore:
    """ "memory", or "sqlite" in `<directory>/<name>.sqlite3`."""
    if kind == "memory":
        return MemoryStore()
    if kind == "sqlite":
        if directory is None:
            raise ValueError("a SQLite SCIM store needs a directory")
        return SqliteStore(directory / f"{name}.sqlite3")
    raise ValueError(f"unknown SCIM store {kind!r}; known: {', '.join(STORES)}")


class ScimTarget:
    """What a vendor serves at its tenant URL, and what the vendor itself reads (its users)."""

    def __init__(
        self,
        key: str,
        profile: ScimProfile,
        clock: Clock,
        store: ScimStore | None = None,
        token: str | None = None,
        service_class: type[ScimService] = ScimService,
    ) -> None:
        self.key = key
        self.profile = profile
        self.clock = clock
        self.store = store or MemoryStore()
        self.token = token or f"{key}-scim-token"
        self.service = service_class(profile, self.store, clock, self.token)
        self.log = RequestLog()

    @property
    def base_url(self) -> str:
        return self.profile.base_url

    @property
    def host(self) -> str:
        return self.profile.host

    @property
    def base_path(self) -> str:
        return urlsplit(self.base_url).path.rstrip("/")

    def reset(self) -> None:
        self.store.clear()
        self.service.reset()
        self.log.clear()

    def close(self) -> None:
        self.store.close()

    # what the vendor's own code (its SP, its console) reads and writes
    def find_users(self, path: str, value: str) -> list[StoredResource]:
        """Users with `path` ("userName", "emails.value") equal to `value` as SCIM compares it."""
        schema = self.service.schemas["User"]
        return self.store.find("User", path, index_attribute(schema, path).comparable(value))

    def users(self) -> list[StoredResource]:
        return list(self.store.scan("User"))

    def add_user(self, data: dict[str, Any]) -> StoredResource:
        """A user the vendor made itself (its console), stored as SCIM would store it; raises
        scim2_models.UniquenessException when a unique value is taken."""
        service = self.service
        schema = service.schemas["User"]
        return self.store.create("User", data, service.index_keys(schema, data), service.now())

    def describe(self) -> dict[str, Any]:
        return {
            "tenant_url": self.base_url,
            "token": self.token,
            "resource_types": list(self.profile.resource_types),
            "rate_limits": self.service.usage_plan.describe(),
            "counts": {name: self.store.count(name) for name in self.service.schemas},
        }
