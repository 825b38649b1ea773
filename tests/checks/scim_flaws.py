"""A deliberately non-compliant SCIM endpoint: the generic mock_scim profile with one flaw switched on."""

# Each flaw is something real SCIM servers get wrong against Entra (ENTRA-BEHAVIOUR §8, RFC 7644);
# protocol flaws are a ScimService subclass, discovery flaws profile data, wire flaws a WSGI
# wrapper around the real Flask app.

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from typing import Any

from scim2_models import InvalidValueException, NotFoundException

from gallery import ScimProfile
from harness.serving.servers import ServedApp
from mock_kernel.clock import Clock
from mock_scim.patching import MANAGER_PATH
from mock_scim.requests import ScimRequest, ScimResponse
from mock_scim.schema import ResourceSchema
from mock_scim.service import ScimService
from mock_scim.storage import IndexKey
from mock_scim.target import ScimTarget
from mock_scim.web import create_scim_app

FLAWS = (
    "query-404",  # a filter that finds nothing answers 404 instead of an empty list
    "no-409",  # a taken userName is created again
    "string-booleans-ignored",  # active "False" / "True" (Entra's default wire) is ignored
    "wrong-content-type",  # application/json instead of application/scim+json
    "member-remove-ignored",  # PATCH remove of group members does nothing
    "pagination-broken",  # startIndex ignored: every page is the first
    "manager-string-refused",  # the manager as a plain string id is a 400
    "accepts-bad-token",  # any bearer token (or none) is let in
    "unknown-id-400",  # an unknown id is a 400, not a 404
    "plain-errors",  # error bodies without the SCIM Error schema and scimType
    "attributes-ignored",  # ?attributes= is ignored
    "no-service-provider-config",  # GET /ServiceProviderConfig is 404
    "no-schemas",  # GET /Schemas is 404
)


class FlawedService(ScimService):
    flaw = ""

    def authenticate(self, request: ScimRequest) -> None:
        if self.flaw != "accepts-bad-token":
            super().authenticate(request)

    def projector(self, schema: ResourceSchema, query: dict[str, Any]) -> Any:
        if self.flaw == "attributes-ignored":
            query = {k: v for k, v in query.items() if k != "attributes"}
        return super().projector(schema, query)

    def query(
        self, request: ScimRequest, schema: ResourceSchema, query: dict[str, Any]
    ) -> ScimResponse:
        asked = query.get("startIndex")
        if self.flaw == "pagination-broken":
            query = {k: v for k, v in query.items() if k != "startIndex"}
        response = super().query(request, schema, query)
        assert response.body is not None
        if self.flaw == "pagination-broken" and asked:
            response.body["startIndex"] = int(asked)
        if self.flaw == "query-404" and query.get("filter") and not response.body["totalResults"]:
            raise NotFoundException(detail="no resource matches the filter")
        return response

    def index_keys(self, schema: ResourceSchema, data: dict[str, Any]) -> list[IndexKey]:
        keys = super().index_keys(schema, data)
        if self.flaw == "no-409":
            return [dataclasses.replace(key, unique=False) for key in keys]
        return keys

    def patch(self, request: ScimRequest, schema: ResourceSchema, resource_id: str) -> ScimResponse:
        body = request.json()
        operations = body.get("Operations") or []
        kept = []
        for operation in operations:
            op = str(operation.get("op", "")).lower()
            path = str(operation.get("path") or "").lower()
            value = operation.get("value")
            if (
                self.flaw == "manager-string-refused"
                and path == MANAGER_PATH
                and isinstance(value, str)
            ):
                raise InvalidValueException(detail="manager must be a complex value")
            if (
                self.flaw == "string-booleans-ignored"
                and path == "active"
                and isinstance(value, str)
            ):
                continue
            if (
                self.flaw == "member-remove-ignored"
                and op == "remove"
                and path.startswith("members")
            ):
                continue
            kept.append(operation)
        if len(kept) != len(operations):
            if not kept:
                return self.read(request, schema, resource_id)
            body = {**body, "Operations": kept}
            request = dataclasses.replace(request, body=json.dumps(body).encode())
        return super().patch(request, schema, resource_id)

    def _unknown_is_400(self, action: Callable[[], ScimResponse]) -> ScimResponse:
        try:
            return action()
        except NotFoundException:
            if self.flaw == "unknown-id-400":
                raise InvalidValueException(detail="bad id") from None
            raise

    def read(self, request: ScimRequest, schema: ResourceSchema, resource_id: str) -> ScimResponse:
        return self._unknown_is_400(
            lambda: super(FlawedService, self).read(request, schema, resource_id)
        )

    def delete(
        self, request: ScimRequest, schema: ResourceSchema, resource_id: str
    ) -> ScimResponse:
        return self._unknown_is_400(
            lambda: super(FlawedService, self).delete(request, schema, resource_id)
        )


def _wire_flaws(app: Any, flaw: str) -> Callable[..., Iterable[bytes]]:
    """wrong-content-type and plain-errors rewrite what the real app answers."""

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        body = b"".join(app(environ, capture))
        status, headers = captured["status"], captured["headers"]
        if flaw == "wrong-content-type":
            headers = [
                (k, "application/json" if k.lower() == "content-type" else v) for k, v in headers
            ]
        if flaw == "plain-errors" and int(status.split()[0]) >= 400 and body:
            detail = json.loads(body).get("detail", "")
            body = json.dumps({"message": detail}).encode()
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(body))))
        start_response(status, headers)
        return [body]

    return wrapped


class FlawedEndpoint:
    """The generic profile (or a vendor's) served on 127.0.0.1 over HTTP, with `flaw` on."""

    def __init__(
        self, flaw: str = "", profile: ScimProfile | None = None, key: str = "generic"
    ) -> None:
        if flaw not in ("", *FLAWS):
            raise ValueError(flaw)
        profile = profile or ScimProfile()
        if flaw == "no-service-provider-config":
            profile = dataclasses.replace(profile, discovery=("ResourceTypes", "Schemas"))
        if flaw == "no-schemas":
            profile = dataclasses.replace(
                profile, discovery=("ServiceProviderConfig", "ResourceTypes")
            )
        service_class = type("Flawed", (FlawedService,), {"flaw": flaw})
        self.target = ScimTarget(key, profile, Clock(), service_class=service_class)
        app: Any = create_scim_app(self.target)
        if flaw in ("wrong-content-type", "plain-errors"):
            app = _wire_flaws(app, flaw)
        self.server = ServedApp(f"scim-{flaw or key}", app, None).start()
        self.url = f"http://127.0.0.1:{self.server.port}{self.target.base_path}"
        self.token = self.target.token

    def add_groups(self, *names: str) -> None:
        """Groups made at the vendor, outside SCIM (Genesys Cloud)."""
        service = self.target.service
        schema = service.schemas["Group"]
        for name in names:
            data = {"schemas": [schema.core_urn], "displayName": name}
            self.target.store.create("Group", data, service.index_keys(schema, data), service.now())

    def close(self) -> None:
        self.server.stop()
        self.target.close()
