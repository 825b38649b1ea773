"""A direct SCIM client for check-scim: reads back what the engine wrote and sends RFC 7644 probes."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
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
# One User-Agent for the engine and the probe: a target that allows one writing client (8x8,
# ENTRA-BEHAVIOUR §9) tells clients apart by it.
USER_AGENT = "entra-harness check-scim"


class CheckFailed(Exception):
    """A check's observation that does not meet its expectation."""


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

    def __init__(self, base_url: str, token: str, http: httpx.Client) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.http = http

    def send(
        self,
        method: str,
        path: str,
        body: Any = None,
        params: dict[str, str] | None = None,
        token: str | None = None,
    ) -> Answer:
        headers = {"Accept": SCIM_JSON}
        chosen = self.token if token is None else token
        if chosen:
            headers["Authorization"] = f"Bearer {chosen}"
        content = None
        if body is not None:
            content = json.dumps(body).encode()
            headers["Content-Type"] = SCIM_JSON
        try:
            response = self.http.request(
                method, self.base_url + path, params=params, content=content, headers=headers
            )
        except httpx.HTTPError as error:
            raise CheckFailed(f"{method} {path}: {type(error).__name__}: {error}") from None
        parsed: Any = None
        if response.content:
            try:
                parsed = response.json()
            except ValueError:
                parsed = None
        return Answer(
            response.status_code, response.headers.get("content-type", ""), parsed, response.text
        )

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

    def create_user(self, user_name: str, given: str = "Probe") -> dict[str, Any]:
        """A throwaway user the way Entra creates one (work email = userName, both names)."""
        answer = self.send("POST", "/Users", user_body(user_name, given))
        if answer.status != 201 or not isinstance(answer.body, dict) or "id" not in answer.body:
            raise CheckFailed(f"POST /Users {user_name} answered {answer.describe()}, not 201")
        return answer.body

    def delete(self, endpoint: str, resource_id: str) -> None:
        """Clean-up: errors are ignored (the check already has its result)."""
        with contextlib.suppress(CheckFailed):
            self.send("DELETE", f"{endpoint}/{resource_id}")


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
