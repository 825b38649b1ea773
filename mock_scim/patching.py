"""PATCH (RFC 7644 §3.5.2) in Entra's dialect, read into what scim2-models applies."""

# Entra's forms (ENTRA-BEHAVIOUR §8): `op` in any case, "True"/"False" for booleans, value-filtered
# paths, path-less replace with attribute-path keys, and the manager as a plain id.

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from scim2_models import (
    Context,
    InvalidSyntaxException,
    InvalidValueException,
    PatchOp,
    Resource,
    ScimPolicy,
)

from gallery import ENTERPRISE_USER

from .errors import from_validation_error

# How Entra's requests are read (ENTRA-BEHAVIOUR §8): a remove whose value lists members removes
# those members; an add or replace through a filter that matches nothing creates the entry it
# describes (`emails[type eq "work"].value` on a user without a work email). Booleans sent as
# "True" / "False" are read by pydantic's lax mode; `op` case by scim2-models.
ENTRA_POLICY = ScimPolicy(
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
)
MANAGER_PATH = f"{ENTERPRISE_USER}:manager".lower()


def manager(value: Any, base_url: str) -> Any:
    """ENTRA-BEHAVIOUR §8: Entra writes the manager "as a plain string id"; the enterprise
    schema (RFC 7643 §4.3) has a complex manager whose `value` is that id and whose `$ref`
    (required) is the manager's URI, which the server knows from the id."""
    if isinstance(value, str):
        value = {"value": value}
    if isinstance(value, dict) and value.get("value") and not value.get("$ref"):
        value = {**value, "$ref": f"{base_url}/Users/{value['value']}"}
    return value


def manager_as_object(body: dict[str, Any], base_url: str) -> dict[str, Any]:
    """A POST or PUT body with its manager read as `manager` does."""
    for key, extension in body.items():
        if key.lower() == ENTERPRISE_USER.lower() and isinstance(extension, dict):
            for name, value in extension.items():
                if name.lower() == "manager":
                    extension[name] = manager(value, base_url)
    return body


def _operations(body: dict[str, Any]) -> list[Any]:
    for key, value in body.items():
        if key.lower() == "operations" and isinstance(value, list):
            return value
    raise InvalidValueException(detail="a PatchOp needs Operations, a list of operations")


def entra_operations(body: dict[str, Any], base_url: str) -> dict[str, Any]:
    """The PatchOp with Entra's forms rewritten into RFC 7644 ones."""
    operations: list[Any] = []
    for operation in _operations(body):
        if not isinstance(operation, dict):
            raise InvalidSyntaxException(detail="each operation is a JSON object")
        operation = {
            key.lower() if key.lower() in ("op", "path", "value") else key: v
            for key, v in operation.items()
        }
        path = operation.get("path")
        value = operation.get("value")
        if isinstance(path, str) and path.lower() == MANAGER_PATH:
            operation["value"] = manager(value, base_url)
        if path is None and isinstance(value, dict):
            # A path-less add/replace whose keys are value-filtered paths (`emails[type eq
            # "work"].value`): one operation per such key, which is what it means.
            rest: dict[str, Any] = {}
            for key, item in value.items():
                if "[" in key or key.lower() == MANAGER_PATH:
                    if key.lower() == MANAGER_PATH:
                        item = manager(item, base_url)
                    operations.append({"op": operation.get("op"), "path": key, "value": item})
                else:
                    rest[key] = item
            manager_as_object(rest, base_url)
            if rest or not value:
                operations.append({**operation, "value": rest})
            continue
        operations.append(operation)
    schemas = body.get("schemas", ["urn:ietf:params:scim:api:messages:2.0:PatchOp"])
    return {"schemas": schemas, "Operations": operations}


def patch_model(model: type[Resource[Any]]) -> type[PatchOp[Any]]:
    """PatchOp[model]: the operations bound to the resource type they patch."""
    parameterized: type[PatchOp[Any]] = PatchOp.__class_getitem__(model)
    return parameterized


def apply_patch(
    patch_class: type[PatchOp[Any]], resource: Resource[Any], body: dict[str, Any], base_url: str
) -> bool:
    """Apply the operations to the resource in place (all or none); True if it changed."""
    try:
        operation = patch_class.model_validate(
            entra_operations(body, base_url),
            scim_ctx=Context.RESOURCE_PATCH_REQUEST,
            scim_policy=ENTRA_POLICY,
        )
        with ENTRA_POLICY:
            return operation.patch(resource, ENTRA_POLICY)
    except ValidationError as error:
        raise from_validation_error(error) from None
