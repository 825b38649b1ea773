"""The SCIM requests Entra sends, in default and `aadOptscim062020` modes, and target paths."""
# ENTRA-BEHAVIOUR §8; docs "Known issues and resolutions with SCIM 2.0 protocol compliance of the Microsoft Entra
# user provisioning service", "Develop and plan provisioning for a SCIM endpoint".

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
CORE_GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
# Docs "Create Group": Entra names this Microsoft schema beside the core one (not a SCIM schema;
# a strict server refuses it as an unknown extension).
ADSCIM_GROUP = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
# The tenant URL flag that makes PATCH requests RFC 7644 §3.5.2 compliant.
SCIM_COMPLIANCE_FLAG = "aadOptscim062020"
ROLE_TYPE = "WindowsAzureActiveDirectoryRole"

_VALUE_PATH = re.compile(
    r'^(?P<attr>[A-Za-z0-9_$]+)\[(?P<key>\w+) eq "(?P<value>[^"]*)"\](?:\.(?P<sub>\w+))?$'
)


@dataclass(frozen=True)
class TargetPath:
    """A target attribute as mappings name it: `name.givenName`, `emails[type eq "work"].value`,
    `urn:…:enterprise:2.0:User:department`."""

    text: str
    schema: str | None  # extension URN, None for core attributes
    attribute: str
    sub: str | None = None
    filter_key: str | None = None
    filter_value: str | None = None

    @property
    def filtered(self) -> bool:
        return self.filter_key is not None


@lru_cache(maxsize=4096)  # a few paths per job, parsed for every attribute of every object
def parse_path(text: str) -> TargetPath:
    schema: str | None = None
    rest = text
    if text.lower().startswith("urn:"):
        cut = text.rfind(":")
        schema, rest = text[:cut], text[cut + 1 :]
    match = _VALUE_PATH.match(rest)
    if match:
        return TargetPath(text, schema, match["attr"], match["sub"], match["key"], match["value"])
    attribute, _, sub = rest.partition(".")
    return TargetPath(text, schema, attribute, sub or None)


def _key(mapping: dict[str, Any], name: str) -> str | None:
    """SCIM attribute names are case-insensitive (RFC 7643 §2.1)."""
    if name in mapping:
        return name
    lowered = name.lower()
    return next((k for k in mapping if k.lower() == lowered), None)


def _matches(element: Any, key: str, value: str) -> bool:
    if not isinstance(element, dict):
        return False
    found = _key(element, key)
    if found is None:
        return False
    actual = element[found]
    if isinstance(actual, bool):
        return actual == (value.lower() == "true")
    return str(actual).lower() == value.lower()


def read_path(resource: dict[str, Any], text: str) -> Any:
    """The target's current value at a mapping's path (None when absent)."""
    path = parse_path(text)
    container: Any = resource
    if path.schema is not None:
        key = _key(resource, path.schema)
        container = resource.get(key) if key else None
        if not isinstance(container, dict):
            return None
    key = _key(container, path.attribute)
    if key is None:
        return None
    value = container[key]
    if path.filtered:
        assert path.filter_key is not None and path.filter_value is not None
        element = next(
            (e for e in (value or []) if _matches(e, path.filter_key, path.filter_value)), None
        )
        if element is None or path.sub is None:
            return element
        sub = _key(element, path.sub)
        return element.get(sub) if sub else None
    if path.sub is not None:
        if not isinstance(value, dict):
            return None
        sub = _key(value, path.sub)
        return value.get(sub) if sub else None
    if path.attribute.lower() == "manager" and isinstance(value, dict):
        return value.get("value")
    return value


def _element_defaults(path: TargetPath) -> dict[str, Any]:
    assert path.filter_key is not None and path.filter_value is not None
    value: Any = path.filter_value
    if path.filter_key.lower() == "primary":
        value = path.filter_value.lower() == "true"
    element: dict[str, Any] = {}
    # Docs "Create User": emails[type eq "work"] goes out as {"primary": true, "type": "work", …}.
    if path.attribute == "emails":
        element["primary"] = True
    if path.attribute == "roles":
        element["type"] = ROLE_TYPE
    element[path.filter_key] = value
    return element


def _roles_for_create(roles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Docs "Provisioning a role to a SCIM app" (AppRoleAssignmentsComplex): all roles go out as
    # primary false with their type on POST.
    return [
        {
            "primary": False,
            "type": ROLE_TYPE,
            "display": r.get("displayName"),
            "value": r.get("value"),
        }
        for r in roles
    ]


def _place(body: dict[str, Any], path: TargetPath, value: Any) -> None:
    container = body
    if path.schema is not None:
        container = body.setdefault(path.schema, {})
    if path.filtered:
        elements = container.setdefault(path.attribute, [])
        assert path.filter_key is not None and path.filter_value is not None
        element = next(
            (e for e in elements if _matches(e, path.filter_key, path.filter_value)), None
        )
        if element is None:
            element = _element_defaults(path)
            elements.append(element)
        element[path.sub or "value"] = value
    elif path.sub is not None:
        container.setdefault(path.attribute, {})[path.sub] = value
    elif path.attribute == "roles" and isinstance(value, list):
        container["roles"] = _roles_for_create(value)
    else:
        container[path.attribute] = value


def user_resource(values: dict[str, Any], extra_schemas: list[str] | None = None) -> dict[str, Any]:
    """POST /Users: core and enterprise schemas, the mapped values, `meta.resourceType`
    (ENTRA-BEHAVIOUR §8, docs "Create User")."""
    schemas = [CORE_USER, ENTERPRISE_USER]
    for path_text in values:
        schema = parse_path(path_text).schema
        if schema and schema not in schemas:
            schemas.append(schema)
    for schema in extra_schemas or []:
        if schema not in schemas:
            schemas.append(schema)
    body: dict[str, Any] = {"schemas": schemas}
    for path_text, value in values.items():
        _place(body, parse_path(path_text), value)
    body["meta"] = {"resourceType": "User"}
    return body


def group_resource(values: dict[str, Any]) -> dict[str, Any]:
    """POST /Groups: created empty, members follow by PATCH (docs "Create Group")."""
    body: dict[str, Any] = {"schemas": [CORE_GROUP, ADSCIM_GROUP]}
    for path_text, value in values.items():
        _place(body, parse_path(path_text), value)
    body["meta"] = {"resourceType": "Group"}
    return body


@dataclass(frozen=True)
class Change:
    """One attribute to write: `add` when the target has no value yet, else `replace`."""

    path: str
    value: Any
    add: bool


def _patch_value(change: Change, compliant: bool) -> Any:
    value = change.value
    if isinstance(value, bool) and not compliant:
        # Default mode sends booleans as the strings "True"/"False" (known issue, fixed by flag).
        return "True" if value else "False"
    if change.path == "roles" and isinstance(value, list):
        # Docs: on PATCH the complex roles go as {"value": "<json of the role>"}.
        return [
            {
                "value": json.dumps(
                    {
                        "id": r.get("id"),
                        "value": r.get("value"),
                        "displayName": r.get("displayName"),
                    },
                    separators=(",", ":"),
                )
            }
            for r in value
        ]
    return value


def patch_request(changes: list[Change], compliant: bool) -> dict[str, Any]:
    """PatchOp for changed attributes.

    Default mode: one `Add`/`Replace` op per path, capitalised. With `aadOptscim062020`: lower-case
    ops; several plain replacements travel as one path-less `replace` whose value has the dotted
    and URN paths as keys, filtered paths keep their own op (docs sample "Requests to replace
    multiple attributes").
    """
    operations: list[dict[str, Any]] = []
    if not compliant:
        for change in changes:
            operations.append(
                {
                    "op": "Add" if change.add else "Replace",
                    "path": change.path,
                    "value": _patch_value(change, compliant),
                }
            )
        return {"schemas": [PATCH_OP], "Operations": operations}
    plain = [c for c in changes if not c.add and not parse_path(c.path).filtered]
    for change in changes:
        if change.add:
            operations.append(
                {"op": "add", "path": change.path, "value": _patch_value(change, compliant)}
            )
        elif change not in plain or len(plain) == 1:
            operations.append(
                {"op": "replace", "path": change.path, "value": _patch_value(change, compliant)}
            )
    if len(plain) > 1:
        operations.append(
            {"op": "replace", "value": {c.path: _patch_value(c, compliant) for c in plain}}
        )
    return {"schemas": [PATCH_OP], "Operations": operations}


def remove_attribute_request(path: str, compliant: bool) -> dict[str, Any]:
    """A value cleared in Entra that the target must drop: `Remove` with the path and no value
    (capitalised without the flag). Only the manager reference goes out this way; other nulls
    are never provisioned (ENTRA-BEHAVIOUR §8). (assumption: the wire shape of a manager
    removal is not in the docs; the gallery validation's manager test expects the manager
    gone after it is cleared in Entra.)"""
    return {
        "schemas": [PATCH_OP],
        "Operations": [{"op": "remove" if compliant else "Remove", "path": path}],
    }


def add_members_request(member_ids: list[str], compliant: bool) -> dict[str, Any]:
    """Docs "Update Group [Add Members]": `{"$ref": null, "value": id}` entries."""
    return {
        "schemas": [PATCH_OP],
        "Operations": [
            {
                "op": "add" if compliant else "Add",
                "path": "members",
                "value": [{"$ref": None, "value": member} for member in member_ids],
            }
        ],
    }


def remove_members_request(member_ids: list[str], compliant: bool) -> dict[str, Any]:
    """Default mode: `Remove` with path `members` and the members as value (not RFC 7644); with
    the flag, one `remove` per member with a `members[value eq "…"]` path."""
    operations: list[dict[str, Any]]
    if compliant:
        operations = [
            {"op": "remove", "path": f'members[value eq "{member}"]'} for member in member_ids
        ]
    else:
        operations = [
            {"op": "Remove", "path": "members", "value": [{"value": m} for m in member_ids]}
        ]
    return {"schemas": [PATCH_OP], "Operations": operations}


def equality_filter(attribute: str, value: str) -> str:
    """`userName eq "value"` with the quotes and backslashes of the value escaped (RFC 7644
    §3.4.2.2: a JSON string)."""
    return f"{attribute} eq {json.dumps(value, ensure_ascii=False)}"
