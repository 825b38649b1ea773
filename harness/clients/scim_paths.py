"""Reading a mapping's target attribute (`name.givenName`, `emails[type eq "work"].value`,
`urn:…:enterprise:2.0:User:department`) in a SCIM resource, a PATCH, or a vendor's schema."""
# Written apart from mock_idp's own reader on purpose: the check must not share the code it checks.

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from gallery import ENTERPRISE_USER, ScimProfile

_FILTERED = re.compile(r'^(\w+)\[(\w+) eq "([^"]*)"\](?:\.(\w+))?$')


@dataclass(frozen=True)
class Target:
    schema: str | None
    attribute: str
    sub: str | None = None
    key: str | None = None
    value: str | None = None


def parse_target(path: str) -> Target:
    schema = None
    rest = path
    if path.startswith("urn:"):
        schema, _, rest = path.rpartition(":")
    match = _FILTERED.match(rest)
    if match:
        attribute, key, value, sub = match.groups()
        return Target(schema, attribute, sub, key, value)
    attribute, _, sub = rest.partition(".")
    return Target(schema, attribute, sub or None)


def _get(container: Any, name: str) -> Any:
    """SCIM names are case-insensitive (RFC 7643 §2.1)."""
    if not isinstance(container, dict):
        return None
    return next((v for k, v in container.items() if k.lower() == name.lower()), None)


def read_target(resource: dict[str, Any], path: str) -> Any:
    """The value at a mapping's target path; a manager reads as its id."""
    target = parse_target(path)
    container = _get(resource, target.schema) if target.schema else resource
    value = _get(container, target.attribute)
    if target.key is not None:
        element = next(
            (
                e
                for e in value or []
                if str(_get(e, target.key) or "").lower() == (target.value or "").lower()
            ),
            None,
        )
        return _get(element, target.sub or "value")
    if target.sub is not None:
        return _get(value, target.sub)
    if isinstance(value, dict) and target.attribute.lower() == "manager":
        return value.get("value")
    return value


def kept_by(profile: ScimProfile, path: str) -> bool:
    """Whether the vendor's endpoint keeps this attribute (ENTRA-BEHAVIOUR §9, gallery data)."""
    target = parse_target(path)
    if target.schema == ENTERPRISE_USER:
        allowed = profile.enterprise_attributes
    elif target.schema is None:
        allowed = profile.user_attributes
    else:
        return target.schema in profile.user_extensions
    return allowed is None or target.attribute in allowed


def written_values(
    requests: list[dict[str, Any]], target_id: str, user_name: str, path: str
) -> list[Any]:
    """Every value Entra wrote to this path of this user, oldest first: in the POST that created
    it (found by userName) and in PATCH operations, with a path or as a path-less value's key."""
    values: list[Any] = []
    for entry in requests:
        body = entry["request"]["body"]
        if not isinstance(body, dict):
            continue
        if entry["method"] == "POST" and str(body.get("userName", "")).lower() == user_name.lower():
            found = read_target(body, path)
            if found is not None:
                values.append(found)
        elif entry["method"] == "PATCH" and entry["url"].rsplit("/", 1)[-1] == target_id:
            for operation in body.get("Operations", []):
                if operation.get("path") == path:
                    values.append(operation.get("value"))
                elif (
                    operation.get("path") is None
                    and isinstance(operation.get("value"), dict)
                    and path in operation["value"]
                ):
                    values.append(operation["value"][path])
    return values
