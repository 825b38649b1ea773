"""Attribute mappings: types, matching, apply modes, default values, and Graph's synchronization schema."""
# Docs "Tutorial - Customize user provisioning attribute-mappings for SaaS applications"; ENTRA-BEHAVIOUR §8.

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any, Literal

from .expressions import (
    IGNORE_FLOW,
    EvaluationContext,
    Expression,
    ExpressionError,
    as_text,
    is_true,
    parse_expression,
)
from .scim_requests import CORE_GROUP, ENTERPRISE_USER
from .scoping import ScopingClause, ScopingError, ScopingFilter

MappingType = Literal["Direct", "Constant", "Expression", "None"]
ApplyMode = Literal["Always", "ObjectAddOnly"]
TargetType = Literal["String", "Boolean", "Reference", "Integer", "DateTime"]
MAPPING_TYPES = ("Direct", "Constant", "Expression", "None")
APPLY_MODES = ("Always", "ObjectAddOnly")
TARGET_TYPES = ("String", "Boolean", "Reference", "Integer", "DateTime")
ACTIONS = ("Create", "Update", "Delete")

# The source attributes of Microsoft Entra users and groups that mappings may read.
USER_SOURCE_ATTRIBUTES = (
    "objectId",
    "userPrincipalName",
    "mailNickname",
    "displayName",
    "givenName",
    "surname",
    "mail",
    "jobTitle",
    "department",
    "mobile",
    "telephoneNumber",
    "streetAddress",
    "city",
    "state",
    "postalCode",
    "country",
    "employeeId",
    "preferredLanguage",
    "facsimileTelephoneNumber",
    "manager",
    "accountEnabled",
    "userType",
    "IsSoftDeleted",
    "appRoleAssignments",
)
GROUP_SOURCE_ATTRIBUTES = (
    "objectId",
    "displayName",
    "mailNickname",
    "description",
    "securityEnabled",
    "members",
    "IsSoftDeleted",
    "appRoleAssignments",
)
# Expressions whose value changes between evaluations (expressions.py): Now() and Guid().
VOLATILE_CALL = re.compile(r"\b(now|guid)\s*\(", re.IGNORECASE)
# Attributes whose values point at other objects: written in the reference pass.
REFERENCE_SOURCES = {"manager", "members"}


class MappingError(ValueError):
    """A mapping refused on Save, with the position of an expression error when there is one."""

    def __init__(self, message: str, target: str | None = None, position: int | None = None):
        super().__init__(message)
        self.target = target
        self.position = position


@cache  # read for every mapping of every object of a cycle
def _default_target_type(target: str) -> TargetType:
    name = target.rsplit(":", 1)[-1]
    if name == "active":
        return "Boolean"
    if name in ("manager", "members"):
        return "Reference"
    return "String"


@dataclass
class AttributeMapping:
    """One row of the Attribute Mapping page."""

    target: str
    type: MappingType = "Direct"
    source: str | None = None
    default_value: str | None = None
    matching_precedence: int = 0
    apply: ApplyMode = "Always"
    target_type: TargetType | None = None
    compiled: Expression | None = field(default=None, compare=False, repr=False)

    @property
    def target_kind(self) -> TargetType:
        return self.target_type or _default_target_type(self.target)

    @property
    def is_reference(self) -> bool:
        return self.target_kind == "Reference"

    def validate(self, known_attributes: tuple[str, ...]) -> None:
        if self.type not in MAPPING_TYPES:
            raise MappingError(f"Unknown mapping type {self.type!r}", self.target)
        if self.apply not in APPLY_MODES:
            raise MappingError(f"Unknown 'Apply this mapping' value {self.apply!r}", self.target)
        if self.target_type is not None and self.target_type not in TARGET_TYPES:
            raise MappingError(f"Unknown target attribute type {self.target_type!r}", self.target)
        if self.type == "Direct":
            if self.source not in known_attributes:
                raise MappingError(f"Unknown source attribute {self.source!r}", self.target)
        elif self.type == "Constant":
            if self.source is None:
                raise MappingError("A Constant mapping needs a value", self.target)
        elif self.type == "Expression":
            try:
                self.compiled = parse_expression(self.source or "", known_attributes)
            except ExpressionError as error:
                raise MappingError(
                    f"Invalid expression for {self.target}: {error}", self.target, error.position
                ) from None
        if self.matching_precedence and self.type == "None":
            raise MappingError("A matching attribute needs a source", self.target)

    def source_attributes(self) -> list[str]:
        if self.type == "Direct" and self.source:
            return [self.source]
        if self.type == "Expression" and self.compiled is not None:
            return self.compiled.attributes()
        return []


@dataclass
class ObjectMapping:
    """One "Synchronize Microsoft Entra ID Users/Groups to <app>" mapping."""

    name: str
    source_object: Literal["User", "Group"]
    target_object: str
    enabled: bool = True
    actions: list[str] = field(default_factory=lambda: list(ACTIONS))
    mappings: list[AttributeMapping] = field(default_factory=list)
    scoping_filters: list[ScopingFilter] = field(default_factory=list)

    @property
    def known_attributes(self) -> tuple[str, ...]:
        return USER_SOURCE_ATTRIBUTES if self.source_object == "User" else GROUP_SOURCE_ATTRIBUTES

    def validate(self) -> None:
        """The checks of the portal's Save button; compiles the expressions."""
        for action in self.actions:
            if action not in ACTIONS:
                raise MappingError(f"Unknown target object action {action!r}")
        targets = [m.target.lower() for m in self.mappings]
        duplicate = next((t for t in targets if targets.count(t) > 1), None)
        if duplicate:
            raise MappingError(f"The target attribute {duplicate} is mapped twice", duplicate)
        for mapping in self.mappings:
            mapping.validate(self.known_attributes)
        if self.enabled and self.mappings and not self.matching():
            # Docs: at least one attribute must be used for matching.
            raise MappingError("At least one mapping must be a matching attribute")
        for scoping_filter in self.scoping_filters:
            for clause in scoping_filter.clauses:
                if clause.attribute not in self.known_attributes:
                    raise MappingError(
                        f"Unknown source attribute {clause.attribute!r} in scoping filter "
                        f"{scoping_filter.title!r}"
                    )

    def matching(self) -> list[AttributeMapping]:
        """Matching attributes in precedence order (lowest first)."""
        return sorted(
            (m for m in self.mappings if m.matching_precedence > 0),
            key=lambda m: m.matching_precedence,
        )

    def mapping_for(self, target: str) -> AttributeMapping | None:
        return next((m for m in self.mappings if m.target.lower() == target.lower()), None)

    def source_attributes(self) -> list[str]:
        seen: list[str] = []
        for mapping in self.mappings:
            for name in mapping.source_attributes():
                if name not in seen:
                    seen.append(name)
        return seen


def evaluate_mapping(
    mapping: AttributeMapping,
    attributes: Mapping[str, Any],
    *,
    on_create: bool,
    now: datetime,
) -> tuple[bool, Any]:
    """(flows, value): whether the mapping writes in this export, and what.

    Docs: "Default value if null" applies only when creating; "Apply this mapping: Only during
    object creation" skips updates; null values are never provisioned.
    """
    if mapping.apply == "ObjectAddOnly" and not on_create:
        return False, None
    value: Any
    if mapping.type == "None":
        value = None
    elif mapping.type == "Constant":
        value = mapping.source
    elif mapping.type == "Direct":
        value = attributes.get(mapping.source or "")
    else:
        if mapping.compiled is None:
            mapping.validate(tuple(attributes))
        assert mapping.compiled is not None
        value = mapping.compiled.evaluate(EvaluationContext(attributes, now))
        if value is IGNORE_FLOW:
            return False, None
    if (value is None or value == "") and on_create and mapping.default_value is not None:
        value = mapping.default_value
    if value is None or value == [] or value == "":
        return False, None
    return True, _typed(mapping, value)


def values_of(
    mappings: Sequence[AttributeMapping], on_create: bool
) -> Callable[[Mapping[str, Any], datetime], dict[str, Any]]:
    """evaluate_mapping over `mappings`: target → value of each that flows, in their order.
    Plain rows (Direct into a string, applied always, no default value that applies) read their
    attribute straight away: most of an object's values, for every object of a cycle. The rows
    are read now; the evaluator serves one export's worth of objects (one cycle)."""
    rows: list[tuple[str, str, AttributeMapping | None]] = []
    for m in mappings:
        plain = (
            m.type == "Direct"
            and m.apply == "Always"
            and m.target_kind == "String"
            and m.target != "roles"
            and (m.default_value is None or not on_create)
        )
        rows.append((m.target, m.source or "", None if plain else m))

    def evaluate(attributes: Mapping[str, Any], now: datetime) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for target, source, general in rows:
            if general is None:
                value = attributes.get(source)
                # As evaluate_mapping: null values never flow; strings as Entra writes them.
                if value is None or value == [] or value == "":
                    continue
                values[target] = value if type(value) is str else as_text(value)
                continue
            flows, value = evaluate_mapping(general, attributes, on_create=on_create, now=now)
            if flows:
                values[target] = value
        return values

    return evaluate


def _typed(mapping: AttributeMapping, value: Any) -> Any:
    kind = mapping.target_kind
    if kind == "Boolean":
        return is_true(value)
    if kind == "Reference" or mapping.target == "roles":
        return value
    if kind == "Integer":
        text = as_text(value)
        return int(text) if text and text.lstrip("-").isdigit() else text
    # A multi-valued source into a single-valued target flows its first value.
    return as_text(value)


# --- defaults: Entra's own for a SCIM app, and a gallery app's from its data -----------------

# ENTRA-BEHAVIOUR §8 "Default user mappings" (the non-gallery SCIM template).
DEFAULT_USER_MAPPINGS: tuple[dict[str, Any], ...] = (
    {"target": "userName", "source": "userPrincipalName", "matching": 1},
    {"target": "externalId", "source": "mailNickname"},
    {
        "target": "active",
        "type": "Expression",
        "source": 'Switch([IsSoftDeleted], , "False", "True", "True", "False")',
    },
    {"target": "displayName", "source": "displayName"},
    {"target": "title", "source": "jobTitle"},
    {"target": 'emails[type eq "work"].value', "source": "mail"},
    {"target": "name.givenName", "source": "givenName"},
    {"target": "name.familyName", "source": "surname"},
    {"target": 'phoneNumbers[type eq "mobile"].value', "source": "mobile"},
    {"target": 'phoneNumbers[type eq "work"].value', "source": "telephoneNumber"},
    {"target": 'addresses[type eq "work"].streetAddress', "source": "streetAddress"},
    {"target": 'addresses[type eq "work"].locality', "source": "city"},
    {"target": 'addresses[type eq "work"].region', "source": "state"},
    {"target": 'addresses[type eq "work"].postalCode', "source": "postalCode"},
    {"target": 'addresses[type eq "work"].country', "source": "country"},
    {"target": f"{ENTERPRISE_USER}:department", "source": "department"},
    {"target": f"{ENTERPRISE_USER}:employeeNumber", "source": "employeeId"},
    {"target": f"{ENTERPRISE_USER}:manager", "source": "manager"},
)
DEFAULT_GROUP_MAPPINGS: tuple[dict[str, Any], ...] = (
    {"target": "displayName", "source": "displayName", "matching": 1},
    {"target": "externalId", "source": "objectId"},
    {"target": "members", "source": "members"},
)


def attribute_mapping_from_data(data: Mapping[str, Any]) -> AttributeMapping:
    """A mapping from gallery data or the harness's own JSON: target, source, type, matching,
    default, apply, target_type."""
    return AttributeMapping(
        target=str(data["target"]),
        type=data.get("type", "Direct"),
        source=data.get("source"),
        default_value=data.get("default"),
        matching_precedence=int(data.get("matching", 0) or 0),
        apply=data.get("apply", "Always"),
        target_type=data.get("target_type"),
    )


def attribute_mapping_data(mapping: AttributeMapping) -> dict[str, Any]:
    data: dict[str, Any] = {"target": mapping.target, "type": mapping.type}
    if mapping.source is not None:
        data["source"] = mapping.source
    if mapping.default_value is not None:
        data["default"] = mapping.default_value
    if mapping.matching_precedence:
        data["matching"] = mapping.matching_precedence
    if mapping.apply != "Always":
        data["apply"] = mapping.apply
    data["target_type"] = mapping.target_kind
    return data


def object_mapping_from_data(
    data: Mapping[str, Any], source_object: Literal["User", "Group"], app_name: str
) -> ObjectMapping:
    plural = "Users" if source_object == "User" else "Groups"
    default_rows = DEFAULT_USER_MAPPINGS if source_object == "User" else DEFAULT_GROUP_MAPPINGS
    rows = data.get("mappings", default_rows)
    filters = [
        ScopingFilter(
            f.get("title", "Scoping filter"),
            [ScopingClause(c["attribute"], c["operator"], c.get("value")) for c in f["clauses"]],
        )
        for f in data.get("scoping_filters", [])
    ]
    mapping = ObjectMapping(
        name=data.get("name", f"Provision Microsoft Entra ID {plural}"),
        source_object=source_object,
        target_object=data.get(
            "target_object", ENTERPRISE_USER if source_object == "User" else CORE_GROUP
        ),
        enabled=bool(data.get("enabled", True)),
        actions=list(data.get("actions", ACTIONS)),
        mappings=[attribute_mapping_from_data(row) for row in rows],
        scoping_filters=filters,
    )
    mapping.validate()
    return mapping


def object_mapping_data(mapping: ObjectMapping) -> dict[str, Any]:
    return {
        "name": mapping.name,
        "source_object": mapping.source_object,
        "target_object": mapping.target_object,
        "enabled": mapping.enabled,
        "actions": list(mapping.actions),
        "mappings": [attribute_mapping_data(m) for m in mapping.mappings],
        "scoping_filters": [
            {
                "title": f.title,
                "clauses": [
                    {"attribute": c.attribute, "operator": c.operator, "value": c.value}
                    for c in f.clauses
                ],
            }
            for f in mapping.scoping_filters
        ],
    }


def clone(mapping: ObjectMapping) -> ObjectMapping:
    return copy.deepcopy(mapping)


# --- Graph's synchronizationSchema -------------------------------------------------------------


def _source_json(mapping: AttributeMapping) -> dict[str, Any] | None:
    if mapping.type == "None":
        return None
    if mapping.type == "Direct":
        return {
            "expression": f"[{mapping.source}]",
            "name": mapping.source,
            "parameters": [],
            "type": "Attribute",
        }
    if mapping.type == "Constant":
        escaped = (mapping.source or "").replace("\\", "\\\\").replace('"', '\\"')
        return {
            "expression": f'"{escaped}"',
            "name": mapping.source,
            "parameters": [],
            "type": "Constant",
        }
    name = (mapping.source or "").split("(", 1)[0].strip()
    return {"expression": mapping.source, "name": name, "parameters": [], "type": "Function"}


def attribute_mapping_json(mapping: AttributeMapping) -> dict[str, Any]:
    """Graph attributeMapping (flowType Always / ObjectAddOnly, matchingPriority)."""
    return {
        "defaultValue": mapping.default_value,
        "exportMissingReferences": False,
        "flowBehavior": "FlowWhenChanged",
        "flowType": mapping.apply,
        "matchingPriority": mapping.matching_precedence,
        "source": _source_json(mapping),
        "targetAttributeName": mapping.target,
    }


def object_mapping_json(mapping: ObjectMapping) -> dict[str, Any]:
    return {
        "enabled": mapping.enabled,
        "flowTypes": ", ".join(mapping.actions),
        "name": mapping.name,
        "sourceObjectName": mapping.source_object,
        "targetObjectName": mapping.target_object,
        "attributeMappings": [attribute_mapping_json(m) for m in mapping.mappings],
        "scope": {
            "categoryFilterGroups": [],
            "groups": [
                {
                    "name": f.title,
                    "clauses": [
                        {
                            "operatorName": c.operator,
                            "sourceOperandName": c.attribute,
                            "targetOperand": {"values": [] if c.value is None else [c.value]},
                        }
                        for c in f.clauses
                    ],
                }
                for f in mapping.scoping_filters
            ],
            "inputFilterGroups": [],
        },
    }


def attribute_mapping_from_json(data: Mapping[str, Any]) -> AttributeMapping:
    source = data.get("source")
    mapping_type: MappingType
    if not source:
        mapping_type, value = "None", None
    elif source.get("type") == "Constant":
        mapping_type, value = "Constant", source.get("name")
    elif source.get("type") == "Function":
        mapping_type, value = "Expression", source.get("expression")
    else:
        mapping_type, value = "Direct", source.get("name")
    flow = data.get("flowType", "Always")
    return AttributeMapping(
        target=str(data.get("targetAttributeName", "")),
        type=mapping_type,
        source=value,
        default_value=data.get("defaultValue"),
        matching_precedence=int(data.get("matchingPriority") or 0),
        apply="ObjectAddOnly" if flow == "ObjectAddOnly" else "Always",
    )


def object_mapping_from_json(data: Mapping[str, Any], current: ObjectMapping) -> ObjectMapping:
    """A Graph objectMapping applied over the current one (what PUT …/schema carries)."""
    try:
        filters = [
            ScopingFilter(
                group.get("name") or "Scoping filter",
                [
                    ScopingClause(
                        c["sourceOperandName"],
                        c["operatorName"],
                        next(iter((c.get("targetOperand") or {}).get("values") or []), None),
                    )
                    for c in group.get("clauses", [])
                ],
            )
            for group in (data.get("scope") or {}).get("groups", [])
        ]
    except ScopingError as error:
        raise MappingError(str(error)) from None
    actions = [a.strip() for a in str(data.get("flowTypes", ", ".join(current.actions))).split(",")]
    mapping = ObjectMapping(
        name=data.get("name", current.name),
        source_object=current.source_object,
        target_object=data.get("targetObjectName", current.target_object),
        enabled=bool(data.get("enabled", current.enabled)),
        actions=[a for a in actions if a],
        mappings=[attribute_mapping_from_json(m) for m in data.get("attributeMappings", [])]
        if "attributeMappings" in data
        else clone(current).mappings,
        scoping_filters=filters if "scope" in data else clone(current).scoping_filters,
    )
    mapping.validate()
    return mapping
