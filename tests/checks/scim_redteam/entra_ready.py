"""scim2-server as a vendor would ready it for Entra, served on 127.0.0.1 with one planted flaw on top."""

# scim2-server alone fails two of Entra's habits (ENTRA-BEHAVIOUR §8): the manager written as a
# plain string id, and POST /Groups carrying the ADSCIM schema URN besides the core one. The
# adapter below accepts both, as a vendor's SCIM layer does; everything else is scim2-server's.

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from scim2_models import ScimProvider
from scim2_server.memory import InMemoryStorage
from scim2_server.service import ScimService
from scim2_server.testserver.application import BearerTokenApplication
from scim2_server.utils import (
    load_default_resource_types,
    load_default_schemas,
    load_default_service_provider_config,
)

from harness.serving.servers import ServedApp
from tests.checks.scim_redteam.exchange import (
    Handler,
    Layer,
    Reply,
    Request,
    stacked,
    wsgi_app,
    wsgi_handler,
)

BASE_PATH = "/scim/v2"
ADSCIM_GROUP = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"
MANAGER_SUFFIX = ":manager"


def scim2_server(token: str) -> Any:
    """scim2-server's bearer-token WSGI app over its in-memory storage, default schemas."""
    provider = ScimProvider.from_discovery(
        load_default_schemas().values(),
        load_default_resource_types().values(),
        config=load_default_service_provider_config(),
    )
    service = ScimService(provider, secret=secrets.token_hex(8))
    return BearerTokenApplication(InMemoryStorage(), provider, service, bearer_tokens=[token])


def _manager_operation(operation: dict[str, Any]) -> dict[str, Any]:
    """Entra writes the manager as a plain string id (ENTRA-BEHAVIOUR §8) and clears it with
    "": scim2-server's model wants {"value": id}."""
    path = str(operation.get("path") or "")
    value = operation.get("value")
    if not path.lower().endswith(MANAGER_SUFFIX) or not isinstance(value, str):
        return operation
    if value == "":
        return {"op": "remove", "path": path}
    return {**operation, "value": {"value": value}}


def _member_removals(operation: dict[str, Any]) -> list[dict[str, Any]]:
    """Entra's default wire removes members with a value list (`Remove` `members` [{"value":
    id}], ENTRA-BEHAVIOUR §8); scim2-server takes only RFC 7644 §3.5.2.2's value filter."""
    value = operation.get("value")
    if (
        str(operation.get("op", "")).lower() != "remove"
        or str(operation.get("path") or "").lower() != "members"
        or not isinstance(value, list)
    ):
        return [operation]
    return [{"op": "remove", "path": f'members[value eq "{m.get("value")}"]'} for m in value]


def entra_adapter(request: Request, inner: Handler) -> Reply:
    document = request.json()
    if request.method == "PATCH" and isinstance(document, dict):
        operations = [
            _manager_operation(removal)
            for operation in document.get("Operations") or []
            if isinstance(operation, dict)
            for removal in _member_removals(operation)
        ]
        request = request.with_json({**document, "Operations": operations})
    groups_write = request.method in ("POST", "PUT") and request.resource == "Groups"
    if groups_write and isinstance(document, dict) and ADSCIM_GROUP in document.get("schemas", []):
        schemas = [s for s in document["schemas"] if s != ADSCIM_GROUP]
        request = request.with_json({**document, "schemas": schemas})
    return inner(request)


class RedteamEndpoint:
    """The entra-ready scim2-server with `layer` (a planted flaw, or nothing) in front."""

    def __init__(self, make: Callable[[str], Layer] | None = None, name: str = "clean") -> None:
        self.token = secrets.token_urlsafe(12)
        layer = None if make is None else make(self.token)
        layers = [entra_adapter] if layer is None else [layer, entra_adapter]
        handler = stacked(wsgi_handler(scim2_server(self.token)), *layers)
        self.server = ServedApp(f"redteam-{name}", wsgi_app(handler, BASE_PATH), None).start()
        self.url = f"http://127.0.0.1:{self.server.port}{BASE_PATH}"

    def close(self) -> None:
        self.server.stop()
