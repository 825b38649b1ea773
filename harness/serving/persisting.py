"""A tenant that survives (`up --state DIR`, issue 22): its state directory opened and loaded
at start, and the tenant saved after every request, before the response is sent."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from mock_idp.snapshot.entities import load_sections
from mock_idp.snapshot.store import TenantStore
from mock_idp.tenant import Tenant

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class TenantState:
    """The tenant's store, with whether the directory held a tenant already (`restored`)."""

    def __init__(self, tenant: Tenant, directory: Path) -> None:
        started = time.perf_counter()
        self.store = TenantStore(directory)
        found = self.store.load()
        self.restored = found is not None
        if found is not None:
            load_sections(tenant, found)
        self.load_seconds = time.perf_counter() - started
        self.tenant = tenant
        tenant.change_listeners.append(self.save)
        self.save()  # a new directory starts with the fresh tenant

    def save(self) -> None:
        self.store.save(self.tenant)

    def describe(self) -> dict[str, Any]:
        """For `up --print-urls json` and its text: where, and whether it was loaded."""
        return {
            "directory": str(self.store.directory.resolve()),
            "restored": self.restored,
            "load_ms": round(self.load_seconds * 1000, 1),
        }

    def close(self) -> None:
        self.store.close()


class SaveAfterEachRequest:
    """WSGI: the app answers, the tenant is saved, then the server may send the answer.

    A Flask app has rendered its whole response when it returns, and the server writes nothing
    before that, so a change a client saw acknowledged is on disk; a save that fails turns the
    answer into the server's 500 instead."""

    def __init__(self, app: WSGIApp, tenant: Tenant) -> None:
        self.app = app
        self.tenant = tenant
        # The hosts it serves, for the stack's host map (as a HostDispatcher's).
        self.by_host: dict[str, Any] = getattr(app, "by_host", {})

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        result = self.app(environ, start_response)
        if environ.get("PATH_INFO") != "/healthz":
            try:
                self.tenant.changed()
            except BaseException:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
                raise
        return result
