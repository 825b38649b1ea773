"""The resource types a profile serves: their models, schemas and attribute characteristics."""

from __future__ import annotations

import functools
import operator
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from scim2_models import (
    EnterpriseUser,
    Extension,
    Group,
    Resource,
    ResourceType,
    Schema,
    User,
)

from gallery import ENTERPRISE_USER, ScimProfile

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
SEARCH_REQUEST = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"


@dataclass(frozen=True)
class AttributeInfo:
    """One attribute's characteristics (RFC 7643 §2.2, §7), keyed by lower-cased name."""

    name: str
    type: str
    multi_valued: bool = False
    case_exact: bool = False
    returned: str = "default"
    mutability: str = "readWrite"
    uniqueness: str = "none"
    sub_attributes: dict[str, AttributeInfo] = field(default_factory=dict)

    def comparable(self, value: str) -> str:
        """RFC 7644 §3.4.2.2: strings compare case-insensitively unless caseExact (NFC first)."""
        value = unicodedata.normalize("NFC", value)
        return value if self.case_exact else unicodedata.normalize("NFC", value.lower())


def _attribute(data: dict[str, Any]) -> AttributeInfo:
    return AttributeInfo(
        name=data["name"],
        type=data.get("type", "string"),
        multi_valued=bool(data.get("multiValued", False)),
        case_exact=bool(data.get("caseExact", False)),
        returned=data.get("returned", "default"),
        mutability=data.get("mutability", "readWrite"),
        uniqueness=data.get("uniqueness", "none"),
        sub_attributes={
            sub["name"].lower(): _attribute(sub) for sub in data.get("subAttributes") or ()
        },
    )


# RFC 7643 §3.1: the common attributes every resource has, outside any schema.
COMMON_ATTRIBUTES = {
    "id": AttributeInfo("id", "string", case_exact=True, returned="always", mutability="readOnly"),
    "externalid": AttributeInfo("externalId", "string", case_exact=True),
    "meta": AttributeInfo(
        "meta",
        "complex",
        mutability="readOnly",
        sub_attributes={
            "resourcetype": AttributeInfo("resourceType", "string", case_exact=True),
            "created": AttributeInfo("created", "dateTime"),
            "lastmodified": AttributeInfo("lastModified", "dateTime"),
            "location": AttributeInfo("location", "reference", case_exact=True),
            "version": AttributeInfo("version", "string", case_exact=True),
        },
    ),
    "schemas": AttributeInfo(
        "schemas", "reference", multi_valued=True, case_exact=True, returned="always"
    ),
}


@dataclass(frozen=True)
class IndexSpec:
    """An attribute the store indexes, for lookups by `eq` and, if unique, for 409s."""

    path: str
    unique: bool


@dataclass
class ResourceSchema:
    """One resource type as a profile serves it (RFC 7643 §6), built once at start-up."""

    name: str
    endpoint: str
    model: type[Resource[Any]]
    core_urn: str
    # Attributes by lower-cased name: the core schema's with the common ones, and per
    # lower-cased extension URN its schema's.
    core: dict[str, AttributeInfo]
    extensions: dict[str, tuple[str, dict[str, AttributeInfo]]]
    schema_documents: list[dict[str, Any]]
    resource_type_document: dict[str, Any]
    indexes: tuple[IndexSpec, ...]
    # Attributes kept on write: None keeps all; else per schema URN, None keeps the whole schema.
    kept: dict[str, frozenset[str] | None] | None = None

    @property
    def schema_urns(self) -> list[str]:
        return [self.core_urn, *(urn for urn, _ in self.extensions.values())]

    def extension(self, urn: str) -> tuple[str, dict[str, AttributeInfo]] | None:
        return self.extensions.get(urn.lower())

    def attribute(self, uri: str | None, name: str) -> tuple[str | None, AttributeInfo] | None:
        """(the extension URN holding it or None for core, its info) for a filter or path name."""
        if uri and uri.lower() != self.core_urn.lower():
            found = self.extension(uri)
            if found is None:
                return None
            urn, attributes = found
            info = attributes.get(name.lower())
            return (urn, info) if info else None
        info = self.core.get(name.lower())
        return (None, info) if info else None


def _schema_document(model: type[Resource[Any]] | type[Extension]) -> dict[str, Any]:
    return model.to_schema().model_dump(exclude_none=True)


def _restricted(document: dict[str, Any], kept: tuple[str, ...] | None) -> dict[str, Any]:
    if kept is None:
        return document
    wanted = {name.lower() for name in kept}
    attributes = [a for a in document["attributes"] if a["name"].lower() in wanted]
    return {**document, "attributes": attributes}


def _attributes(document: dict[str, Any]) -> dict[str, AttributeInfo]:
    return {a["name"].lower(): _attribute(a) for a in document["attributes"]}


def _extension_models(profile: ScimProfile) -> dict[str, type[Extension]]:
    models: dict[str, type[Extension]] = {ENTERPRISE_USER.lower(): EnterpriseUser}
    for document in profile.schemas:
        models[document["id"].lower()] = Extension.from_schema(Schema.model_validate(document))
    return models


def build_schemas(profile: ScimProfile) -> dict[str, ResourceSchema]:
    """Every resource type of the profile, by name ("User", "Group")."""
    schemas: dict[str, ResourceSchema] = {}
    if "User" in profile.resource_types:
        schemas["User"] = _user_schema(profile)
    if "Group" in profile.resource_types:
        schemas["Group"] = _group_schema()
    return schemas


def _user_schema(profile: ScimProfile) -> ResourceSchema:
    available = _extension_models(profile)
    extension_models = [available[urn.lower()] for urn in profile.user_extensions]
    # User[EnterpriseUser | Site8x8User]: a union of every extension of the profile.
    model: type[Resource[Any]] = (
        User.__class_getitem__(functools.reduce(operator.or_, extension_models))
        if extension_models
        else User
    )
    core_document = _restricted(_schema_document(User), profile.user_attributes)
    documents = [core_document]
    extensions: dict[str, tuple[str, dict[str, AttributeInfo]]] = {}
    kept: dict[str, frozenset[str] | None] = {
        USER: _kept(profile.user_attributes),
    }
    for extension in extension_models:
        urn = str(extension.__schema__)
        restriction = profile.enterprise_attributes if urn == ENTERPRISE_USER else None
        document = _restricted(_schema_document(extension), restriction)
        documents.append(document)
        extensions[urn.lower()] = (urn, _attributes(document))
        kept[urn] = _kept(restriction)
    unique = {path.lower() for path in profile.unique_attributes}
    indexes = tuple(
        IndexSpec(path, path.lower() in unique)
        for path in ("userName", "emails.value", "externalId")
    )
    resource_type = ResourceType.from_resource(model).model_dump(exclude_none=True)
    return ResourceSchema(
        name="User",
        endpoint="/Users",
        model=model,
        core_urn=USER,
        core={**COMMON_ATTRIBUTES, **_attributes(core_document)},
        extensions=extensions,
        schema_documents=documents,
        resource_type_document=resource_type,
        indexes=indexes,
        kept=kept if any(v is not None for v in kept.values()) else None,
    )


def _group_schema() -> ResourceSchema:
    document = _schema_document(Group)
    resource_type = ResourceType.from_resource(Group).model_dump(exclude_none=True)
    return ResourceSchema(
        name="Group",
        endpoint="/Groups",
        model=Group,
        core_urn=GROUP,
        core={**COMMON_ATTRIBUTES, **_attributes(document)},
        extensions={},
        schema_documents=[document],
        resource_type_document=resource_type,
        indexes=(
            IndexSpec("displayName", False),
            IndexSpec("externalId", False),
            IndexSpec("members.value", False),
        ),
    )


def _kept(names: tuple[str, ...] | None) -> frozenset[str] | None:
    return None if names is None else frozenset(name.lower() for name in names)
