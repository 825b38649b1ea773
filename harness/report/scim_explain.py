"""One plain sentence per SCIM exchange, for the demo report's readers who have never seen SCIM."""
# The requests are the ones of ENTRA-BEHAVIOUR §8; the sentence says who asked what of whom and
# what the vendor answered, naming users by userName where an earlier exchange told us their id.

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

REASONS = {
    200: "OK",
    201: "Created",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    412: "Precondition Failed",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_RESOURCES = {"Users": "user", "Groups": "group"}


def learn_names(entry: dict[str, Any], names: dict[str, str]) -> None:
    """Remember the userName / displayName of every id the vendor answered with."""
    body = entry.get("response", {}).get("body")
    found = body.get("Resources", [body]) if isinstance(body, dict) else []
    for resource in found:
        if isinstance(resource, dict) and resource.get("id"):
            label = resource.get("userName") or resource.get("displayName")
            if label:
                names[str(resource["id"])] = str(label)


def _answer(vendor: str, entry: dict[str, Any]) -> str:
    status = int(entry["status"])
    text = f"{vendor} answered {status} {REASONS.get(status, '')}".rstrip()
    body = entry.get("response", {}).get("body")
    if status >= 400 and isinstance(body, dict) and body.get("detail"):
        text += f" ({body['detail']})"
    retry = entry.get("response", {}).get("headers", {}).get("Retry-After")
    if status == 429 and retry:
        text += f", wait {retry} s"
    return text + "."


def _value(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    return json.dumps(value)


def _operation(operation: dict[str, Any], names: dict[str, str]) -> str:
    op = str(operation.get("op", "?"))
    path = operation.get("path")
    value = operation.get("value")
    if path == "active" and op.lower() == "replace" and str(value).lower() == "false":
        kind = "a boolean" if isinstance(value, bool) else 'the string "False" (default mode)'
        return f"disable the account (active = {kind})"
    if path is None and isinstance(value, dict):
        return f"{op} {', '.join(value)} in one operation"
    if path == "members" and isinstance(value, list):
        who = ", ".join(names.get(str(m.get("value")), str(m.get("value"))) for m in value)
        return f"{op} members {who}"
    if value is None:
        return f"{op} {path}"
    return f"{op} {path} = {_value(value)}"


def explain(vendor: str, entry: dict[str, Any], names: dict[str, str] | None = None) -> str:
    """A sentence for one exchange of the vendor's request log (mock_scim's as_dict shape)."""
    names = names if names is not None else {}
    method = entry["method"]
    parts = urlsplit(entry["url"])
    segments = [s for s in parts.path.split("/") if s]
    resource = next((s for s in reversed(segments) if s in _RESOURCES), "")
    noun = _RESOURCES.get(resource, segments[-1] if segments else "resource")
    item = segments[-1] if segments and segments[-1] != resource else None
    who = names.get(item or "", item or "")
    body = entry.get("request", {}).get("body")
    if method == "GET" and item is None:
        query = parse_qs(parts.query).get("filter", [""])[0]
        wanted = query.partition(" eq ")[2].strip('"')
        if _GUID.match(wanted):
            sentence = (
                f"Test Connection: Entra asks {vendor} for a {noun} that cannot exist ({query})"
            )
        elif query:
            sentence = f"Entra looks for the {noun} {wanted} at {vendor} ({query})"
        else:
            sentence = f"Entra lists the {noun}s at {vendor}"
        response = entry.get("response", {}).get("body")
        if isinstance(response, dict) and "totalResults" in response:
            found = response["totalResults"]
            sentence += f": {found} found" if found else ": none found"
        return f"{sentence}. {_answer(vendor, entry)}"
    if method == "GET":
        return f"Entra reads the {noun} {who} at {vendor}. {_answer(vendor, entry)}"
    if method == "POST" and isinstance(body, dict):
        label = body.get("userName") or body.get("displayName") or "?"
        count = len([k for k in body if k not in ("schemas", "meta")])
        return (
            f"Entra creates the {noun} {label} at {vendor} with {count} attributes. "
            f"{_answer(vendor, entry)}"
        )
    if method == "PATCH" and isinstance(body, dict):
        operations = [_operation(o, names) for o in body.get("Operations", [])]
        return (
            f"Entra changes the {noun} {who} at {vendor}: {'; '.join(operations)}. "
            f"{_answer(vendor, entry)}"
        )
    if method == "DELETE":
        return f"Entra deletes the {noun} {who} at {vendor}. {_answer(vendor, entry)}"
    return f"Entra sends {method} {parts.path} to {vendor}. {_answer(vendor, entry)}"


def decoded(entry: dict[str, Any]) -> str:
    """The exchange as text: request line and JSON body, then status and JSON body (no
    headers: they hold the bearer token)."""
    lines = [f"{entry['method']} {entry['url']}"]
    body = entry.get("request", {}).get("body")
    if body is not None:
        lines.append(json.dumps(body, indent=2) if not isinstance(body, str) else body)
    status = int(entry["status"])
    lines.append(f"\n→ {status} {REASONS.get(status, '')}".rstrip())
    answer = entry.get("response", {}).get("body")
    if answer is not None:
        lines.append(json.dumps(answer, indent=2) if not isinstance(answer, str) else answer)
    return "\n".join(lines)
