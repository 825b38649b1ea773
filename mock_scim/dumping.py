"""A validated resource as scim2-models' model_dump(scim_ctx=Context.DEFAULT) gives it, planned once per model."""

# model_dump runs scim2-models' wrap serializers in Python for every nested model (User, Name,
# each email, the extension), looking up the policy and annotations each time: about 22 µs of a
# 220 µs create in-process (bench/scim.py, pyinstrument). This walks the validated values with a
# plan per model class instead. It replays what those serializers do (scim2_models/base.py
# `_scim_serializer`, `_drop_empty_values`; resources/resource.py `_extension_serializer` and
# the `schemas` pruning; scim_object.py `_serialize_schemas`) for the value types validation
# produces; anything else (an unknown attribute kept aside, a date, bytes, a serializer it does
# not know) is handed to model_dump itself. tests/test_scim_dumping.py checks both agree.

from __future__ import annotations

import functools
import math
from enum import Enum
from typing import Any

from pydantic import BaseModel as PydanticModel
from pydantic import PlainSerializer, WrapSerializer
from scim2_models import Context, Reference, Resource
from scim2_models.base import _KEEP_EMPTY_VALUES
from scim2_models.resources.resource import _extension_serializer

# How a field is written: as its value, as `schemas`, or as an extension.
_PLAIN, _SCHEMAS, _EXTENSION = 0, 1, 2
# The fields (python name, alias, how), and for a resource the URNs of its extensions.
_Plan = tuple[tuple[tuple[str, str, int], ...], tuple[str, ...] | None]
# The attributes an extension's dump leaves out (resources/resource.py _extension_serializer).
_RESOURCE_FIELDS = frozenset(Resource.model_fields)
# The serializers scim2-models declares on resources and attributes, which this module replays.
_KNOWN_MODEL_SERIALIZERS = frozenset({"_scim_serializer"})
_KNOWN_FIELD_SERIALIZERS = frozenset({"_serialize_schemas"})


class _Fallback(Exception):
    """A value this module does not write exactly as pydantic would: use model_dump."""


@functools.cache
def _plan(model: type[PydanticModel]) -> _Plan | None:
    """The model's fields as this module writes them; None when it cannot (model_dump then)."""
    decorators = model.__pydantic_decorators__
    if (
        set(decorators.model_serializers) - _KNOWN_MODEL_SERIALIZERS
        or set(decorators.field_serializers) - _KNOWN_FIELD_SERIALIZERS
        or model.model_computed_fields
        or any(d.info.fields != ("schemas",) for d in decorators.field_serializers.values())
    ):
        return None
    scim_info = getattr(model, "__scim_info__", None)
    if scim_info is None:
        return None
    plan = []
    for name, field in model.model_fields.items():
        if field.exclude:
            continue
        kind = _PLAIN
        for item in field.metadata:
            if isinstance(item, WrapSerializer) and item.func is _extension_serializer:
                kind = _EXTENSION
            elif isinstance(item, PlainSerializer | WrapSerializer):
                return None
        if kind == _EXTENSION and name not in scim_info.extensions:
            return None
        if name == "schemas":
            if "_serialize_schemas" not in decorators.field_serializers:
                return None
            kind = _SCHEMAS
        alias = field.serialization_alias or field.alias or name
        plan.append((name, alias, kind))
    extensions = (
        tuple(scim_info.attribute_urns[name] for name in scim_info.extensions)
        if issubclass(model, Resource)
        else None
    )
    return tuple(plan), extensions


def _value(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is bool or kind is int:
        return value
    if isinstance(value, PydanticModel):
        return _model(value)
    if kind is list:
        return [_value(item) for item in value]
    if isinstance(value, Enum):
        # pydantic's JSON mode writes an enumeration member as its value.
        if type(value.value) is str:
            return value.value
        raise _Fallback
    if isinstance(value, Reference):
        # reference.py: serialization=plain_serializer_function_ser_schema(str).
        return str(value)
    if kind is float and math.isfinite(value):
        return value
    raise _Fallback


def _model(instance: PydanticModel) -> dict[str, Any]:
    plan = _plan(type(instance))
    if plan is None:
        raise _Fallback
    fields, extension_urns = plan
    private = instance.__pydantic_private__
    if private and private.get("_unknown_attributes"):
        # Whether they are written back depends on the policy (_restore_unknown_attributes).
        raise _Fallback
    values = instance.__dict__
    serialized: dict[str, Any] = {}
    for name, alias, kind in fields:
        value = values.get(name)
        if value is None:  # exclude_none
            continue
        if kind == _PLAIN:
            serialized[alias] = _value(value)
        elif kind == _SCHEMAS:
            # scim_object.py _serialize_schemas: the model's schemas, then the peer's others.
            schemas = instance._model_schemas()  # type: ignore[attr-defined]
            for urn in value:
                if type(urn) is not str:
                    raise _Fallback
                if urn not in schemas:
                    schemas.append(urn)
            serialized[alias] = schemas
        else:
            extension = {
                key: item for key, item in _model(value).items() if key not in _RESOURCE_FIELDS
            }
            # An empty extension is serialized as None, then deleted.
            if extension:
                serialized[alias] = extension
    # RFC 7643 §2.5 (base.py _drop_empty_values): no empty array, complex value or entry.
    for key, value in list(serialized.items()):
        if key == "schemas":
            continue
        if type(value) is list:
            value = serialized[key] = [item for item in value if item != {}]
        if value == [] or value == {}:
            del serialized[key]
    if extension_urns is not None:
        # resources/resource.py: `schemas` lists only the extensions the dump carries.
        schemas = serialized.get("schemas")
        if schemas is not None:
            for urn in extension_urns:
                if urn not in serialized and urn in schemas:
                    schemas.remove(urn)
    return serialized


def dump_resource(resource: Resource[Any]) -> dict[str, Any]:
    """resource.model_dump(scim_ctx=Context.DEFAULT), equal key for key and in the same order."""
    if not _KEEP_EMPTY_VALUES.get():
        try:
            return _model(resource)
        except _Fallback:
            pass
    return resource.model_dump(scim_ctx=Context.DEFAULT)
