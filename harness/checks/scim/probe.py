"""A direct SCIM client for check-scim: reads back what the engine wrote and sends RFC 7644 probes."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

SCIM_JSON = "application/scim+json"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
SPC = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
# Entra's provisioning service sends no User-Agent (mock_idp/provisioning/wire.py sends what it
# sends): an endpoint whose firewall wants one must fail here as it fails with Entra (issue 16).
# The probe's bodies carry the engine's Content-Type (scim_client.py).
BODY_TYPE = f"{SCIM_JSON}; charset=utf-8"
# A 429 is retried after its Retry-After as the engine retries it (scim_client.py), up to this.
MOST_RETRY_AFTER = 5.0
RETRIES_429 = 3


class CheckFailed(Exception):
    """A check's observation that does not meet its expectation."""


@dataclass
class Exchange:
    """One request check-scim (probe or engine) sent and what came back, for a failure's report."""

    method: str
    path: str
    body: Any
    status: int | None
    response: str
    by: str = "check-scim"  # or "provisioning engine"

    def request_text(self) -> str:
        sent = "" if self.body is None else " " + _short(self.body, 400)
        return f"{self.method} {self.path}{sent}"

    def response_text(self) -> str:
        if self.status is None:
            return f"no answer: {self.response[:300]}"
        return f"{self.status} {self.response[:400]}".rstrip()


def _short(value: Any, limit: int) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else json.dumps(value)
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass
class Exchanges:
    """Every exchange of a run, in order (threads add to it)."""

    items: list[Exchange] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, exchange: Exchange) -> None:
        with self.lock:
            self.items.append(exchange)

    def mark(self) -> int:
        with self.lock:
            return len(self.items)

    def since(self, mark: int) -> list[Exchange]:
        with self.lock:
            return self.items[mark:]


@dataclass
class Answer:
    status: int
    content_type: str
    body: Any
    text: str

    @property
    def scim_json(self) -> bool:
        return self.content_type.split(";")[0].strip().lower() == SCIM_JSON

    def describe(self) -> str:
        detail = ""
        if isinstance(self.body, dict):
            detail = str(self.body.get("detail") or self.body.get("scimType") or "")
        return f"{self.status}" + (f" ({detail[:120]})" if detail else "")


class ScimProbe:
    """Requests to the tenant URL (without Entra's flags) with the Secret Token."""

    def __init__(
        self,
        base_url: str,
        token: str,
        http: httpx.Client,
        exchanges: Exchanges | None = None,
        sleep: Any = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.http = http
        self.exchanges = exchanges or Exchanges()
        self.sleep = sleep
        self.throttled: list[str | None] = []  # the Retry-After of every 429 seen
        self.throttled_at: float | None = None

    def settle(self) -> None:
        """After 429s, a pause of their Retry-After before the next series of checks: Entra's
        Test Connection, for one, does not retry."""
        if self.throttled_at is not None and self.throttled:
            pause = min(retry_seconds(self.throttled[-1]), MOST_RETRY_AFTER)
            self.sleep(max(self.throttled_at + pause - time.monotonic(), 0.0) + pause)
            self.throttled_at = None

    def send(
        self,
        method: str,
        path: str,
        body: Any = None,
        params: dict[str, str] | None = None,
        token: str | None = None,
        raw: bytes | None = None,
    ) -> Answer:
        """One request as the engine sends it; `raw` is a body sent as it is (malformed on
        purpose). A 429 is retried after its Retry-After, as Entra retries it."""
        for attempt in range(RETRIES_429 + 1):
            answer, retry_after = self.send_once(method, path, body, params, token, raw)
            if answer.status != 429 or attempt == RETRIES_429:
                return answer
            self.throttled.append(retry_after)
            self.throttled_at = time.monotonic()
            self.sleep(min(retry_seconds(retry_after), MOST_RETRY_AFTER))
        return answer

    def send_once(
        self,
        method: str,
        path: str,
        body: Any = None,
        params: dict[str, str] | None = None,
        token: str | None = None,
        raw: bytes | None = None,
    ) -> tuple[Answer, str | None]:
        """One request, no retry; the answer and its Retry-After."""
        headers = {"Accept": SCIM_JSON}
        chosen = self.token if token is None else token
        if chosen:
            headers["Authorization"] = f"Bearer {chosen}"
        content = raw
        if body is not None:
            content = json.dumps(body).encode()
        if content is not None:
            headers["Content-Type"] = BODY_TYPE
        shown = path + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
        try:
            response = self.http.request(
                method, self.base_url + path, params=params, content=content, headers=headers
            )
        except httpx.HTTPError as error:
            self.exchanges.add(Exchange(method, shown, body or raw, None, str(error)))
            raise CheckFailed(f"{method} {path}: {type(error).__name__}: {error}") from None
        self.exchanges.add(
            Exchange(
                method,
                shown,
                body if body is not None else raw,
                response.status_code,
                response.text,
            )
        )
        parsed: Any = None
        if response.content:
            try:
                parsed = response.json()
            except ValueError:
                parsed = None
        answer = Answer(
            response.status_code, response.headers.get("content-type", ""), parsed, response.text
        )
        return answer, response.headers.get("retry-after")

    # helpers that fail a check with what was seen
    def get(self, path: str, **params: str) -> dict[str, Any]:
        answer = self.send("GET", path, params=params or None)
        if answer.status != 200 or not isinstance(answer.body, dict):
            raise CheckFailed(f"GET {path} answered {answer.describe()}, not 200 with a resource")
        return answer.body

    def query(self, endpoint: str, filter_text: str, **params: str) -> list[dict[str, Any]]:
        body = self.get(endpoint, filter=filter_text, **params)
        resources = body.get("Resources") or []
        if not isinstance(resources, list):
            raise CheckFailed(f"GET {endpoint}?filter={filter_text}: Resources is not a list")
        return resources

    def create(self, endpoint: str, body: dict[str, Any], label: str) -> dict[str, Any]:
        """POST a resource: 200 or 201 (Microsoft's validation accepts either) with an `id`."""
        answer = self.send("POST", endpoint, body)
        created = answer.body if isinstance(answer.body, dict) else {}
        if answer.status not in (200, 201):
            raise CheckFailed(f"POST {endpoint} {label} answered {answer.describe()}, not 201")
        if not created.get("id"):
            raise CheckFailed(
                f"POST {endpoint} {label} answered {answer.status} without an id "
                "(Entra keeps the id of the created resource and uses it from then on)"
            )
        return created

    def create_user(self, user_name: str, given: str = "Probe") -> dict[str, Any]:
        """A throwaway user the way Entra creates one (work email = userName, both names)."""
        return self.create("/Users", user_body(user_name, given), user_name)

    def delete(self, endpoint: str, resource_id: str) -> None:
        """Clean-up: errors are ignored (the check already has its result)."""
        with contextlib.suppress(CheckFailed):
            self.send("DELETE", f"{endpoint}/{resource_id}")


def retry_seconds(retry_after: str | None) -> float:
    """Retry-After in delay-seconds; an HTTP-date or nothing waits one second."""
    try:
        return max(float(retry_after or "1"), 0.0)
    except ValueError:
        return 1.0


def user_body(user_name: str, given: str = "Probe") -> dict[str, Any]:
    return {
        "schemas": [USER, ENTERPRISE],
        "userName": user_name,
        "externalId": user_name.partition("@")[0],
        "active": True,
        "displayName": f"{given} Harness",
        "name": {"givenName": given, "familyName": "Harness"},
        "emails": [{"primary": True, "type": "work", "value": user_name}],
    }


def group_body(display_name: str) -> dict[str, Any]:
    return {"schemas": [GROUP], "displayName": display_name}


def patch_body(*operations: dict[str, Any]) -> dict[str, Any]:
    return {"schemas": [PATCH_OP], "Operations": list(operations)}


def read(resource: dict[str, Any], path: str) -> Any:
    """`title`, `name.givenName`, `emails[work]`, `enterprise:department` / `enterprise:manager`
    (attribute names compared case-insensitively, RFC 7643 §2.1)."""

    def key(container: dict[str, Any], name: str) -> Any:
        return next((v for k, v in container.items() if k.lower() == name.lower()), None)

    if path.startswith("enterprise:"):
        extension = key(resource, ENTERPRISE)
        value = key(extension, path.partition(":")[2]) if isinstance(extension, dict) else None
        if isinstance(value, dict):  # manager is complex: its id is `value`
            return key(value, "value")
        return value
    if path == "emails[work]":
        emails = key(resource, "emails") or []
        work = [e for e in emails if isinstance(e, dict) and str(e.get("type")).lower() == "work"]
        return work[0].get("value") if work else None
    head, _, sub = path.partition(".")
    value = key(resource, head)
    if sub:
        return key(value, sub) if isinstance(value, dict) else None
    return value


def member_ids(group: dict[str, Any]) -> set[str]:
    return {str(m.get("value")) for m in group.get("members") or [] if isinstance(m, dict)}


class Tracker:
    """What check-scim's own requests created, so that clean-up removes exactly that: by id, or,
    when a create answered without an id, the resources whose name is exactly the one sent
    (issue 16: no stray probe users, and nothing else touched)."""

    def __init__(self, probe: ScimProbe) -> None:
        self.probe = probe
        self.made: list[tuple[str, str]] = []  # (endpoint, id)
        self.unnamed: list[tuple[str, str, str]] = []  # (endpoint, attribute, value)

    def create(
        self,
        endpoint: str,
        body: dict[str, Any],
        label: str,
        name: tuple[str, str],
        need_id: bool = True,
    ) -> dict[str, Any]:
        """POST and remember the result; `name` is (attribute, value) that finds it without its
        id. `need_id` False: a 2xx without an id is not this check's business."""
        try:
            created = self.probe.create(endpoint, body, label)
        except CheckFailed as failure:
            self.unnamed.append((endpoint, *name))
            if need_id or "without an id" not in str(failure):
                raise
            return {}
        self.made.append((endpoint, str(created["id"])))
        return created

    def forget_by_name(self, endpoint: str, attribute: str, value: str) -> None:
        self.unnamed.append((endpoint, attribute, value))

    def clean_up(self) -> None:
        for endpoint, attribute, value in self.unnamed:
            self.made.extend((endpoint, found) for found in self.find(endpoint, attribute, value))
        for endpoint, resource_id in reversed(dict.fromkeys(self.made)):
            self.probe.delete(endpoint, resource_id)
        self.made.clear()
        self.unnamed.clear()

    def find(self, endpoint: str, attribute: str, value: str) -> list[str]:
        """Ids of the resources whose `attribute` is exactly `value` (a filter the target may
        ignore is not trusted)."""
        with contextlib.suppress(CheckFailed):
            answer = self.probe.send(
                "GET", endpoint, params={"filter": f'{attribute} eq "{value}"'}
            )
            body = answer.body if isinstance(answer.body, dict) else {}
            return [
                str(r["id"])
                for r in body.get("Resources") or []
                if isinstance(r, dict)
                and r.get("id")
                and str(read(r, attribute)).lower() == value.lower()
            ]
        return []


def read_target(resource: dict[str, Any], target: str) -> Any:
    """A mapping's target path read from a resource: `title`, `name.givenName`,
    `emails[type eq "work"].value`, `urn:…:enterprise:2.0:User:manager` (its value)."""

    def key(container: Any, name: str) -> Any:
        if not isinstance(container, dict):
            return None
        return next((v for k, v in container.items() if k.lower() == name.lower()), None)

    if target.lower().startswith(ENTERPRISE.lower() + ":"):
        extension = key(resource, ENTERPRISE)
        head, _, sub = target[len(ENTERPRISE) + 1 :].partition(".")
        value = key(extension, head)
        if isinstance(value, dict):  # manager is complex: its id is `value`
            return key(value, sub or "value")
        return value
    head, _, rest = target.partition(".")
    attribute, _, selector = head.partition("[")
    value = key(resource, attribute)
    if selector:  # `type eq "work"]`
        field_name, _, wanted = selector.rstrip("]").partition(" eq ")
        chosen = [
            v
            for v in (value if isinstance(value, list) else [])
            if str(key(v, field_name.strip())).lower() == wanted.strip().strip('"').lower()
        ]
        value = chosen[0] if chosen else None
    return key(value, rest) if rest else value
