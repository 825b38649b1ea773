"""A deliberately non-compliant SCIM endpoint: the generic mock_scim profile with one flaw switched on."""

# Each flaw is something real SCIM servers get wrong against Entra (ENTRA-BEHAVIOUR §8, RFC 7644);
# protocol flaws are a ScimService subclass, discovery flaws profile data, wire flaws a WSGI
# wrapper around the real Flask app.

from __future__ import annotations

import dataclasses
import io
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from scim2_models import InvalidPathException, InvalidValueException, NotFoundException

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
    # issue 16's classes
    "value-path-refused",  # PATCH paths with a value filter (emails[type eq "work"].value): 400
    "bad-body-500-html",  # a body it cannot read: 500 with an HTML page instead of a 400
    "duplicate-returns-existing",  # a taken userName: 201 with the existing user
    "create-200",  # creates answer 200 (accepted by Entra and Microsoft; RFC 7644 says 201)
    "create-without-id",  # POST /Users answers 201 without the id
    "filter-ignored",  # GET /Users?filter= answers every user
    "rate-limited",  # 429 with Retry-After above 12 requests/s (Entra sends 25)
    "manager-empty-refused",  # manager Replace with "" is a 400
    "addresses-ignored",  # addresses dropped on create and update
    "schema-lacks-addresses",  # /Schemas does not describe addresses
    "group-extra-schema-refused",  # POST /Groups with Entra's ADSCIM schema URN: 400
    "group-delete-ignored",  # DELETE /Groups/{id}: 204, but the group stays
    "user-agent-required",  # no User-Agent (as Entra sends): 403
)
ADSCIM_GROUP = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"
RATE = 12.0  # rate-limited: requests/s (and burst)
TOKEN_PATH = "/oauth2/token"


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
            if self.flaw == "manager-empty-refused" and path == MANAGER_PATH and value == "":
                raise InvalidValueException(detail="manager must be a user id")
            if self.flaw == "value-path-refused" and _value_paths(path, value):
                raise InvalidPathException(detail="value filters in paths are not supported")
            if self.flaw == "addresses-ignored":
                if path.startswith("addresses"):
                    continue
                if not path and isinstance(value, dict):
                    operation = {
                        **operation,
                        "value": {
                            k: v for k, v in value.items() if not k.lower().startswith("addresses")
                        },
                    }
            kept.append(operation)
        if len(kept) != len(operations):
            if not kept:
                return self.read(request, schema, resource_id)
            body = {**body, "Operations": kept}
            request = dataclasses.replace(request, body=json.dumps(body).encode())
        return super().patch(request, schema, resource_id)

    def create(self, request: ScimRequest, schema: ResourceSchema) -> ScimResponse:
        if self.flaw == "addresses-ignored":
            body = {k: v for k, v in request.json().items() if k.lower() != "addresses"}
            request = dataclasses.replace(request, body=json.dumps(body).encode())
        return super().create(request, schema)

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


def _value_paths(path: str, value: Any) -> bool:
    """A PATCH path (or a path-less replace's key) with a value filter, members' aside."""
    paths = [path] if path else [str(k).lower() for k in value] if isinstance(value, dict) else []
    return any("[" in p and not p.startswith("members") for p in paths)


WIRE_FLAWS = {
    "wrong-content-type",
    "plain-errors",
    "bad-body-500-html",
    "duplicate-returns-existing",
    "create-200",
    "create-without-id",
    "filter-ignored",
    "rate-limited",
    "schema-lacks-addresses",
    "group-extra-schema-refused",
    "group-delete-ignored",
    "user-agent-required",
}


def _scim_error(status: int, detail: str) -> tuple[str, list[tuple[str, str]], bytes]:
    body = json.dumps(
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
            "status": str(status),
            "detail": detail,
        }
    ).encode()
    return f"{status} Error", [("Content-Type", "application/scim+json")], body


class _Bucket:
    """rate-limited: RATE requests a second, RATE at once."""

    def __init__(self) -> None:
        self.tokens, self.at, self.lock = RATE, time.monotonic(), threading.Lock()

    def take(self) -> bool:
        with self.lock:
            now = time.monotonic()
            self.tokens = min(RATE, self.tokens + (now - self.at) * RATE)
            self.at = now
            if self.tokens < 1:
                return False
            self.tokens -= 1
            return True


def _wire_flaws(app: Any, flaw: str) -> Callable[..., Iterable[bytes]]:
    """The flaws of WIRE_FLAWS rewrite the request or what the real app answers."""
    bucket = _Bucket()

    def call(environ: dict[str, Any], body: bytes) -> tuple[str, list[tuple[str, str]], bytes]:
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        environ = {**environ, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
        answer = b"".join(app(environ, capture))
        return captured["status"], captured["headers"], answer

    def handle(environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        if "/_mock" in path:
            return call(environ, body)
        if flaw == "user-agent-required" and not environ.get("HTTP_USER_AGENT"):
            return _scim_error(403, "requests without a User-Agent are refused by the firewall")
        if flaw == "rate-limited" and not bucket.take():
            status, headers, answer = _scim_error(429, "too many requests")
            return status, [*headers, ("Retry-After", "1")], answer
        if flaw == "filter-ignored" and method == "GET" and path.endswith("/Users"):
            query = [
                q for q in environ.get("QUERY_STRING", "").split("&") if not q.startswith("filter=")
            ]
            environ = {**environ, "QUERY_STRING": "&".join(query)}
        extra_schema = ADSCIM_GROUP in body.decode("utf-8", "replace")
        if flaw == "group-extra-schema-refused" and method == "POST" and extra_schema:
            return _scim_error(400, f"unknown schema {ADSCIM_GROUP}")
        if flaw == "group-delete-ignored" and method == "DELETE" and "/Groups/" in path:
            return "204 No Content", [], b""
        status, headers, answer = call(environ, body)
        code = int(status.split()[0])
        if flaw == "bad-body-500-html" and method in ("POST", "PATCH") and code == 400:
            page = b"<html><body><h1>500 Internal Server Error</h1></body></html>"
            return "500 Internal Server Error", [("Content-Type", "text/html")], page
        if flaw == "duplicate-returns-existing" and method == "POST" and code == 409:
            user_name = json.loads(body).get("userName", "")
            query = urlencode({"filter": f'userName eq "{user_name}"'})
            _, found_headers, found = call(
                {**environ, "REQUEST_METHOD": "GET", "QUERY_STRING": query}, b""
            )
            existing = json.loads(found)["Resources"][0]
            return "201 Created", found_headers, json.dumps(existing).encode()
        if flaw == "create-200" and method == "POST" and code == 201:
            status = "200 OK"
        if (
            flaw == "create-without-id"
            and method == "POST"
            and code == 201
            and path.endswith("/Users")
        ):
            created = json.loads(answer)
            created.pop("id", None)
            answer = json.dumps(created).encode()
        if flaw == "schema-lacks-addresses" and method == "GET" and "/Schemas" in path:
            document = json.loads(answer)
            for schema in document.get("Resources", [document]):
                schema["attributes"] = [
                    a for a in schema.get("attributes", []) if a.get("name") != "addresses"
                ]
            answer = json.dumps(document).encode()
        if flaw == "wrong-content-type":
            headers = [
                (k, "application/json" if k.lower() == "content-type" else v) for k, v in headers
            ]
        if flaw == "plain-errors" and code >= 400 and answer:
            detail = json.loads(answer).get("detail", "")
            answer = json.dumps({"message": detail}).encode()
        return status, headers, answer

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        status, headers, answer = handle(environ)
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(answer))))
        start_response(status, headers)
        return [answer]

    return wrapped


def _oauth_endpoint(app: Any, static_token: str, lifetime: int) -> Callable[..., Iterable[bytes]]:
    """A small OAuth 2.0 token endpoint beside the SCIM app (client credentials grant,
    RFC 6749 §4.4): tokens it issued are let in as the static Secret Token."""
    issued: set[str] = set()

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == TOKEN_PATH and environ["REQUEST_METHOD"] == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            form = dict(parse_qsl(environ["wsgi.input"].read(length).decode()))
            if form.get("grant_type") != "client_credentials" or (
                form.get("client_id"),
                form.get("client_secret"),
            ) != (OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET):
                start_response("401 Unauthorized", [("Content-Type", "application/json")])
                return [b'{"error": "invalid_client"}']
            token = secrets.token_urlsafe(16)
            issued.add(token)
            answer = {"access_token": token, "token_type": "Bearer", "expires_in": lifetime}
            start_response("200 OK", [("Content-Type", "application/json")])
            return [json.dumps(answer).encode()]
        bearer = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ").strip()
        if bearer in issued:
            environ = {**environ, "HTTP_AUTHORIZATION": f"Bearer {static_token}"}
        return app(environ, start_response)  # type: ignore[no-any-return]

    return wrapped


OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET = "check-scim-client", "check-scim-secret"


class FlawedEndpoint:
    """The generic profile (or a vendor's) served on 127.0.0.1 (HTTP, or HTTPS with `tls`),
    with `flaw` on."""

    def __init__(
        self,
        flaw: str = "",
        profile: ScimProfile | None = None,
        key: str = "generic",
        *,
        token_lifetime: int | None = None,  # serve an OAuth token endpoint issuing these
        tls: tuple[Path, Path] | None = None,  # certificate and key: served over HTTPS
        host: str = "127.0.0.1",  # the URL's host name
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
        if flaw in WIRE_FLAWS:
            app = _wire_flaws(app, flaw)
        if token_lifetime is not None:
            app = _oauth_endpoint(app, self.target.token, token_lifetime)
        self.server = ServedApp(f"scim-{flaw or key}", app, tls).start()
        scheme = "https" if tls else "http"
        self.origin = f"{scheme}://{host}:{self.server.port}"
        self.url = f"{self.origin}{self.target.base_path}"
        self.token = self.target.token
        self.token_url = f"{self.origin}{TOKEN_PATH}"

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
