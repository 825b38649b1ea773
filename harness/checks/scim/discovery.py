"""Schema_Discoverability_Test's comparison: /Schemas flattened into attribute paths, mapped paths."""

# Microsoft's test flattens /Schemas into names such as `emails[type eq "work"].value` and looks
# up every target attribute of the job's mappings, case-insensitively (SCIM-Validation-Test-
# Overview). Here a value filter is dropped (`emails.value`): RFC 7643 describes sub-attributes,
# not the values a filter selects. id, externalId and meta are common attributes every resource
# has (RFC 7643 §3.1), so /Schemas need not list them.

from __future__ import annotations

import re
from typing import Any

from harness.checks.scim.probe import USER

COMMON = ("id", "externalid", "meta")
VALUE_FILTER = re.compile(r"\[[^\]]*\]")


def attribute_key(path: str) -> str:
    """`emails[type eq "work"].value` -> `emails.value`; `urn:…:User:department` kept with its
    URN; lower case."""
    return VALUE_FILTER.sub("", path).lower()


def discoverable(schemas: list[dict[str, Any]]) -> set[str]:
    """Every attribute and sub-attribute path that /Schemas describes (core User attributes bare,
    other schemas' behind their URN), plus the common attributes of each."""
    keys: set[str] = set()
    for schema in schemas:
        urn = str(schema.get("id"))
        prefix = "" if urn == USER else f"{urn}:"
        keys.update(f"{prefix}{name}".lower() for name in COMMON)
        for attribute in schema.get("attributes") or []:
            if not isinstance(attribute, dict):
                continue
            name = f"{prefix}{attribute.get('name')}"
            keys.add(name.lower())
            for sub in attribute.get("subAttributes") or []:
                if isinstance(sub, dict):
                    keys.add(f"{name}.{sub.get('name')}".lower())
    return keys
