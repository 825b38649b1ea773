"""POST and PUT bodies read as RFC 7643 §2.2 and §2.4 ask, in one pass planned once per model."""

# Read-only values ignored, required ones present, one primary value. scim2-models' own request
# contexts walk every field's annotations on every request, which costs more than the rest of a
# create; tests/test_scim_protocol.py checks both readings agree.

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass
from inspect import isclass
from typing import Any

from pydantic import BaseModel as PydanticModel
from pydantic import ValidationError
from scim2_models import (
    BaseModel,
    Context,
    InvalidValueException,
    Mutability,
    Required,
    Resource,
    ScimPolicy,
)

from .errors import from_validation_error

# scim2-models types emails[].value as pydantic's EmailStr, whose email_validator checks the
# domain (IDNA/UTS 46) anew for every address: two thirds of reading a User body, and every
# user of a tenant shares one domain (bench/scim.py, pyinstrument). The domain check is a pure
# function of its arguments and its result is only read, so it is remembered; a refused domain
# raises and is checked again next time.
_email_validation: Any = importlib.import_module("email_validator.validate_email")
_domain_check = _email_validation.validate_email_domain_name
if not hasattr(_domain_check, "cache_info"):
    _email_validation.validate_email_domain_name = functools.lru_cache(maxsize=4096)(_domain_check)


@dataclass(frozen=True)
class _Plan:
    """What a request must respect in one model: python field names (and SCIM names)."""

    read_only: tuple[str, ...]
    required: tuple[tuple[str, str], ...]
    primary: tuple[tuple[str, str], ...]
    children: tuple[tuple[str, _Plan], ...]


@functools.cache
def _plan(model: type[BaseModel]) -> _Plan:
    read_only, required, primary, children = [], [], [], []
    for name in model.model_fields:
        scim_name = model._scim_name(name)
        if model.get_field_annotation(name, Mutability) == Mutability.read_only:
            read_only.append(name)
        if model.get_field_annotation(name, Required) == Required.true:
            required.append((name, scim_name))
        root = model.get_field_root_type(name)
        if isclass(root) and issubclass(root, BaseModel):
            if model.get_field_multiplicity(name) and "primary" in root.model_fields:
                primary.append((name, scim_name))
            child = _plan(root)
            # A complex attribute with nothing to check in it (name, emails…) is not walked.
            if child.read_only or child.required or child.primary or child.children:
                children.append((name, child))
    return _Plan(tuple(read_only), tuple(required), tuple(primary), tuple(children))


def _enforce(instance: PydanticModel, plan: _Plan) -> None:
    values = instance.__dict__
    for name, child in plan.children:
        value = values.get(name)
        if isinstance(value, list):
            for item in value:
                if isinstance(item, PydanticModel):
                    _enforce(item, child)
        elif isinstance(value, PydanticModel):
            _enforce(value, child)
    for name in plan.read_only:
        # RFC 7643 §2.2 readOnly: "any values provided SHALL be ignored".
        if values.get(name) is not None:
            values[name] = None
    for name, scim_name in plan.required:
        value = values.get(name)
        # RFC 7643 §2.5: an empty array is unassigned; an omitted `schemas` is tolerated.
        if value is None or (value == [] and name != "schemas"):
            raise InvalidValueException(
                detail=f"{scim_name}: Field '{scim_name}' is required but value is missing, "
                "null or empty"
            )
    for name, scim_name in plan.primary:
        entries = values.get(name) or []
        # RFC 7643 §2.4: "The primary attribute value 'true' MUST appear no more than once."
        if sum(1 for entry in entries if getattr(entry, "primary", None) is True) > 1:
            raise InvalidValueException(detail=f"{scim_name}: more than one value is primary")


def read_request(
    model: type[Resource[Any]], body: dict[str, Any], policy: ScimPolicy
) -> Resource[Any]:
    """The body of a creation or replacement request as a resource of `model`."""
    try:
        resource = model.model_validate(body, scim_ctx=Context.DEFAULT, scim_policy=policy)
    except ValidationError as error:
        raise from_validation_error(error) from None
    _enforce(resource, _plan(model))
    return resource
