"""SCIM targets for the provisioning tests (recording with faults; scim2-server), and a provisioning world."""

from __future__ import annotations

import io
import json
import re
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import httpx
import pytest

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class Fault:
    """Answer `status` instead of serving, `times` times, to requests `matches` selects."""

    status: int
    times: int
    matches: Callable[[str, str, dict[str, str]], bool]
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    delay: float = 0.0


def _set(container: dict[str, Any], path: str, value: Any, op: str) -> None:
    """A lenient PATCH path writer: what many real SCIM servers accept from Entra."""
    if path.lower().startswith("urn:"):
        cut = path.rfind(":")
        container = container.setdefault(path[:cut], {})
        path = path[cut + 1 :]
        if path == "manager" and isinstance(value, str):
            value = {"value": value}
    match = re.match(r'^(\w+)\[(\w+) eq "([^"]*)"\](?:\.(\w+))?$', path)
    if match:
        attr, key, wanted, sub = match.groups()
        elements = container.setdefault(attr, [])
        element = next((e for e in elements if str(e.get(key)).lower() == wanted.lower()), None)
        if op == "remove":
            if element is not None:
                elements.remove(element)
            return
        if element is None:
            element = {key: wanted if key != "primary" else wanted.lower() == "true"}
            elements.append(element)
        element[sub or "value"] = value
        return
    attr, _, sub = path.partition(".")
    if attr == "active" and isinstance(value, str):
        value = value.lower() == "true"
    if op == "remove":
        if attr == "members" and isinstance(value, list):
            gone = {v["value"] for v in value}
            container["members"] = [
                m for m in container.get("members", []) if m["value"] not in gone
            ]
        else:
            container.pop(attr, None)
        return
    if attr == "members" and op == "add":
        present = {m["value"] for m in container.get("members", [])}
        container.setdefault("members", []).extend(
            {"value": v["value"]} for v in value if v["value"] not in present
        )
        return
    if sub:
        container.setdefault(attr, {})[sub] = value
    else:
        container[attr] = value


def _read(resource: dict[str, Any], attribute: str) -> list[Any]:
    match = re.match(r'^(\w+)\[(\w+) eq "([^"]*)"\]\.(\w+)$', attribute)
    if match:
        attr, key, wanted, sub = match.groups()
        return [
            e.get(sub) for e in resource.get(attr, []) if str(e.get(key)).lower() == wanted.lower()
        ]
    if "." in attribute:
        attr, sub = attribute.split(".", 1)
        value = resource.get(attr)
        if isinstance(value, list):
            return [v.get(sub) for v in value]
        return [value.get(sub)] if isinstance(value, dict) else []
    return [resource.get(attribute)]


class RecordingScimTarget:
    """A SCIM 2.0 endpoint that stores Users and Groups, answers as Entra expects (201, 200/204,
    404, an empty ListResponse), records every request and plays scripted faults."""

    def __init__(self, token: str = "secret-token", prefix: str = "/scim/v2") -> None:
        self.token = token
        self.prefix = prefix
        self.lock = threading.Lock()
        self.requests: list[Recorded] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.groups: dict[str, dict[str, Any]] = {}
        self.faults: list[Fault] = []
        self.query_status: int | None = None
        # A target that ignores excludedAttributes=members (docs: MultipleEntriesInResponse).
        self.honour_excluded_attributes = True
        # Concurrency seen: requests in flight at once, and writes to one object at once.
        self.delay = 0.0
        self.in_flight = 0
        self.most_in_flight = 0
        self.writing: dict[str, int] = {}
        self.most_writes_per_object = 0
        # OAuth client credentials accepted at /oauth2/token (RFC 6749 §4.4).
        self.client_credentials = ("harness-client", "harness-secret")
        self.server = make_server(
            "127.0.0.1", 0, self, server_class=_ThreadingServer, handler_class=_QuietHandler
        )
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{self.prefix}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # scripting

    def fail(
        self,
        status: int,
        times: int = 1,
        *,
        method: str | None = None,
        path: str | None = None,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
    ) -> None:
        def matches(m: str, p: str, q: dict[str, str]) -> bool:
            return (method is None or m == method) and (
                path is None or re.search(path, p) is not None
            )

        body = {"schemas": [ERROR], "status": str(status), "detail": f"scripted {status}"}
        with self.lock:
            self.faults.append(Fault(status, times, matches, headers or {}, body, delay))

    def writes(self) -> list[Recorded]:
        return [r for r in self.requests if r.method != "GET"]

    def bodies(self, method: str, path_pattern: str = "") -> list[Any]:
        return [
            r.body
            for r in self.requests
            if r.method == method and re.search(path_pattern, r.path) is not None
        ]

    def user_named(self, user_name: str) -> dict[str, Any]:
        return next(u for u in self.users.values() if u.get("userName") == user_name)

    # WSGI

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/oauth2/token":
            return self._token(environ, start_response)
        # The object a write goes to: its URL, or for a POST the name it creates.
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(raw)
        key = ""
        if environ["REQUEST_METHOD"] == "POST" and raw:
            created = json.loads(raw)
            key = f"{path}:{created.get('userName') or created.get('displayName')}"
        elif environ["REQUEST_METHOD"] in ("PATCH", "PUT", "DELETE"):
            key = path
        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            if key:
                self.writing[key] = self.writing.get(key, 0) + 1
                self.most_writes_per_object = max(self.most_writes_per_object, self.writing[key])
        try:
            if self.delay:
                threading.Event().wait(self.delay)
            return self._handle(environ, start_response)
        finally:
            with self.lock:
                self.in_flight -= 1
                if key:
                    self.writing[key] -= 1

    def _token(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(length).decode()).items()}
        with self.lock:
            self.requests.append(Recorded("POST", "/oauth2/token", {}, {}, form))
        if (form.get("client_id"), form.get("client_secret")) != self.client_credentials:
            return self._answer(start_response, 401, {"error": "invalid_client"})
        return self._answer(
            start_response,
            200,
            {"access_token": self.token, "token_type": "Bearer", "expires_in": 3600},
        )

    def _handle(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "")
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        body = json.loads(raw) if raw else None
        headers = {
            k[5:].replace("_", "-").title(): v for k, v in environ.items() if k.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        with self.lock:
            self.requests.append(
                Recorded(method, path.removeprefix(self.prefix), query, headers, body)
            )
            fault = next(
                (f for f in self.faults if f.times > 0 and f.matches(method, path, query)), None
            )
            if fault is not None:
                fault.times -= 1
        if fault is not None:
            if fault.delay:
                threading.Event().wait(fault.delay)
            return self._answer(start_response, fault.status, fault.body, fault.headers)
        if headers.get("Authorization") != f"Bearer {self.token}":
            return self._answer(
                start_response, 401, {"schemas": [ERROR], "status": "401", "detail": "bad token"}
            )
        status, answer = self._serve(method, path.removeprefix(self.prefix), query, body)
        return self._answer(start_response, status, answer)

    def _answer(
        self,
        start_response: Callable[..., Any],
        status: int,
        body: Any,
        headers: dict[str, str] | None = None,
    ) -> list[bytes]:
        payload = b"" if body is None else json.dumps(body).encode()
        reason = {200: "OK", 201: "Created", 204: "No Content"}.get(status, "Status")
        extra = list((headers or {}).items())
        start_response(f"{status} {reason}", [("Content-Type", "application/scim+json"), *extra])
        return [payload]

    def _serve(self, method: str, path: str, query: dict[str, str], body: Any) -> tuple[int, Any]:
        match = re.match(r"^/(Users|Groups)(?:/([^/]+))?$", path)
        if not match:
            return 404, {"schemas": [ERROR], "status": "404", "detail": "no such endpoint"}
        kind, resource_id = match.groups()
        store = self.users if kind == "Users" else self.groups
        with self.lock:
            if resource_id is None and method == "GET":
                if self.query_status is not None:
                    return self.query_status, {"schemas": [ERROR], "status": str(self.query_status)}
                found = list(store.values())
                text = query.get("filter")
                if text:
                    attribute, value = re.match(r'^(\S+) eq "(.*)"$', text).groups()  # type: ignore[union-attr]
                    found = [r for r in found if value in [str(v) for v in _read(r, attribute)]]
                if query.get("excludedAttributes") == "members" and self.honour_excluded_attributes:
                    found = [{k: v for k, v in r.items() if k != "members"} for r in found]
                return 200, {
                    "schemas": [LIST],
                    "totalResults": len(found),
                    "startIndex": 1,
                    "itemsPerPage": len(found),
                    "Resources": found,
                }
            if resource_id is None and method == "POST":
                created = {k: v for k, v in body.items() if k != "meta"}
                created["id"] = uuid.uuid4().hex
                created["meta"] = {"resourceType": kind[:-1]}
                if kind == "Groups":
                    created.setdefault("members", [])
                store[created["id"]] = created
                return 201, created
            resource = store.get(resource_id or "")
            if resource is None:
                return 404, {"schemas": [ERROR], "status": "404", "detail": "not found"}
            if method == "GET":
                if query.get("excludedAttributes") == "members":
                    return 200, {k: v for k, v in resource.items() if k != "members"}
                return 200, resource
            if method == "DELETE":
                del store[resource_id or ""]
                return 204, None
            if method == "PATCH":
                for operation in body.get("Operations", []):
                    op = operation["op"].lower()
                    if "path" in operation:
                        _set(resource, operation["path"], operation.get("value"), op)
                    else:
                        for key, value in operation["value"].items():
                            _set(resource, key, value, op)
                return (204, None) if kind == "Groups" else (200, resource)
        return 405, {"schemas": [ERROR], "status": "405"}


@pytest.fixture
def scim_target() -> Iterator[RecordingScimTarget]:
    target = RecordingScimTarget()
    yield target
    target.close()


class StrictScimServer:
    """scim2-server (python-scim) in-process: RFC 7643/7644 schemas, bearer token."""

    def __init__(self, token: str = "strict-token") -> None:
        from scim2_models import ScimProvider
        from scim2_server.memory import InMemoryStorage
        from scim2_server.service import ScimService
        from scim2_server.testserver.application import BearerTokenApplication
        from scim2_server.utils import (
            load_default_resource_types,
            load_default_schemas,
            load_default_service_provider_config,
        )

        provider = ScimProvider.from_discovery(
            load_default_schemas().values(),
            load_default_resource_types().values(),
            config=load_default_service_provider_config(),
        )
        self.token = token
        self.storage = InMemoryStorage()
        application = BearerTokenApplication(
            self.storage, provider, ScimService(provider, secret="harness"), bearer_tokens=[token]
        )
        self.server = make_server(
            "127.0.0.1", 0, application, server_class=_ThreadingServer, handler_class=_QuietHandler
        )
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/v2"

    def get(self, path: str) -> Any:
        response = httpx.get(self.url + path, headers={"Authorization": f"Bearer {self.token}"})
        response.raise_for_status()
        return response.json()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- the targets themselves --------------------------------------------------------------------


def test_recording_target_answers_as_entra_expects(scim_target: RecordingScimTarget) -> None:
    headers = {"Authorization": f"Bearer {scim_target.token}"}
    empty = httpx.get(
        scim_target.url + "/Users", params={"filter": 'userName eq "x"'}, headers=headers
    )
    assert empty.status_code == 200 and empty.json()["totalResults"] == 0
    created = httpx.post(
        scim_target.url + "/Users", json={"schemas": [USER], "userName": "a@b.c"}, headers=headers
    )
    assert created.status_code == 201
    patch = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "Replace", "path": "active", "value": "False"}],
    }
    user_id = created.json()["id"]
    patched = httpx.patch(scim_target.url + f"/Users/{user_id}", json=patch, headers=headers)
    assert patched.json()["active"] is False
    assert (
        httpx.get(scim_target.url + "/Users", headers={"Authorization": "Bearer no"}).status_code
        == 401
    )
    scim_target.fail(503, times=1)
    assert httpx.get(scim_target.url + f"/Users/{user_id}", headers=headers).status_code == 503
    assert httpx.get(scim_target.url + f"/Users/{user_id}", headers=headers).status_code == 200


def test_strict_server_refuses_entras_default_mode_shapes() -> None:
    """The incompatibilities the docs list, seen on scim2-server directly."""
    server = StrictScimServer()
    try:
        headers = {"Authorization": f"Bearer {server.token}"}
        group = httpx.post(
            server.url + "/Groups",
            json={
                "schemas": [
                    GROUP,
                    "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group",
                ],
                "displayName": "G",
            },
            headers=headers,
        )
        assert group.status_code == 400 and "ADSCIM" in group.json()["detail"]
    finally:
        server.close()


# --- a tenant with one app provisioning to a target, driven on a frozen clock ------------------


class ProvisioningWorld:
    """A tenant (frozen clock, plain HTTP client) with one enterprise app whose provisioning job
    points at `target_url`; helpers create users and groups and run cycles."""

    def __init__(
        self,
        target_url: str,
        token: str,
        *,
        gallery: str | None = None,
        flag: bool = False,
        settings: dict[str, Any] | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        from datetime import UTC, datetime

        from mock_idp import admin
        from mock_idp.provisioning.service import ProvisioningService
        from mock_idp.tenant import Tenant
        from mock_kernel.clock import Clock

        self.admin = admin
        self.clock = Clock()
        self.clock.freeze(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
        self.tenant = Tenant(self.clock)
        self.sleeps: list[float] = []
        self.service = ProvisioningService(self.tenant, sleep=sleep or self.sleeps.append)
        if gallery:
            template = self.tenant.gallery[gallery].template_id
            self.app = admin.add_gallery_app(self.tenant, template, None)
        else:
            self.app = admin.add_custom_app(self.tenant, "Contoso SCIM app")
        self.role = self.app.app_roles[0].id
        self.job = self.service.create_job(self.app)
        url = target_url + ("?aadOptscim062020" if flag else "")
        self.service.save_credentials(self.job, {"BaseAddress": url, "SecretToken": token})
        self.service.update_settings(
            self.job,
            {
                "max_parallel_requests": 1,
                "max_requests_per_second": None,
                "retry_backoff_seconds": 0.0,
                **(settings or {}),
            },
        )

    def user(self, name: str, assign: bool = True, **properties: Any) -> Any:
        upn = f"{name}@contoso.com"
        defaults = {
            "display_name": name.capitalize(),
            "mail": upn,
            "given_name": name.capitalize(),
            "surname": "Tester",
        }
        user = self.admin.create_user(
            self.tenant, user_principal_name=upn, password="pw", **{**defaults, **properties}
        )
        if assign:
            self.admin.assign(self.tenant, self.app, user.id, self.role)
        return user

    def group(self, name: str, members: list[Any], assign: bool = True) -> Any:
        group = self.admin.create_group(self.tenant, name)
        for member in members:
            self.admin.add_member(self.tenant, group.id, member.id)
        if assign:
            self.admin.assign(self.tenant, self.app, group.id, self.role)
        return group

    def start(self) -> Any:
        self.service.start(self.job)
        return self.run_due()

    def run_due(self) -> Any:
        summaries = self.service.run_due()
        return summaries[0] if summaries else None

    def later(self, **delta: float) -> Any:
        """Move the clock on and run what is due (a 40-minute step by default)."""
        from datetime import timedelta

        self.clock.advance(timedelta(**delta) if delta else timedelta(minutes=40))
        return self.run_due()

    def logs(self) -> list[dict[str, Any]]:
        return list(self.tenant.provisioning.logs)

    def link(self, user: Any) -> str:
        return self.job.links[user.id].target_id
