"""Which attributes a response carries: `returned` and `attributes` / `excludedAttributes`."""

# RFC 7643 §2.4 and §7 (returned), RFC 7644 §3.4.2.5 and §3.9 (the parameters); compiled once per
# parameter pair.

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .schema import AttributeInfo, ResourceSchema

Project = Callable[[dict[str, Any]], dict[str, Any]]
# A named attribute: (extension URN lower-cased or None for core, attribute, sub-attribute).
Named = tuple[str | None, str, str | None]


@dataclass(frozen=True)
class _Selection:
    """What `attributes` or `excludedAttributes` names: whole attributes and sub-attributes."""

    whole: frozenset[tuple[str | None, str]]
    subs: dict[tuple[str | None, str], frozenset[str]]
    extensions: frozenset[str]  # whole extension schemas named by their URN


class Projector:
    """Shapes the resources of one resource type for responses."""

    def __init__(self, schema: ResourceSchema, cache_size: int = 256) -> None:
        self.schema = schema
        self._cache: OrderedDict[tuple[str, str], Project] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self.default = self._default_projector()

    def compile(self, attributes: str | None, excluded: str | None) -> Project:
        key = (attributes or "", excluded or "")
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                return cached
        include = self._selection(attributes) if attributes else None
        exclude = self._selection(excluded) if excluded and not attributes else None
        project = self._projector(include, exclude)
        with self._lock:
            self._cache[key] = project
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return project

    def _default_projector(self) -> Project:
        """No parameters: leave out what is returned "never" or only on "request" (the common
        case, kept to one pass over the top-level keys); any nested such attribute takes the
        general path."""
        general = self._projector(None, None)

        def hidden(info: AttributeInfo) -> bool:
            return info.returned in ("never", "request")

        dropped = {info.name for info in self.schema.core.values() if hidden(info)}
        nested = any(
            hidden(sub)
            for info in self.schema.core.values()
            for sub in info.sub_attributes.values()
        ) or any(
            hidden(info) or any(hidden(sub) for sub in info.sub_attributes.values())
            for _, attributes in self.schema.extensions.values()
            for info in attributes.values()
        )
        if nested:
            return general

        def project(resource: dict[str, Any]) -> dict[str, Any]:
            return {key: value for key, value in resource.items() if key not in dropped}

        return project

    def _named(self, text: str) -> Named | None:
        """An `attributes` entry as (extension, attribute, sub-attribute); unknown names are
        ignored, as a resource without the attribute simply does not return it."""
        text = text.strip()
        lowered = text.lower()
        core = self.schema.core_urn.lower()
        if lowered.startswith(core + ":"):
            lowered = lowered[len(core) + 1 :]
        else:
            for urn in self.schema.extensions:
                if lowered == urn:
                    return (urn, "", None)
                if lowered.startswith(urn + ":"):
                    head, _, sub = lowered[len(urn) + 1 :].partition(".")
                    return (urn, head, sub or None)
        head, _, sub = lowered.partition(".")
        return (None, head, sub or None) if head else None

    def _selection(self, text: str) -> _Selection:
        whole: set[tuple[str | None, str]] = set()
        subs: dict[tuple[str | None, str], set[str]] = {}
        extensions: set[str] = set()
        for entry in text.split(","):
            named = self._named(entry)
            if named is None:
                continue
            urn, head, sub = named
            if not head and urn is not None:
                extensions.add(urn)
            elif sub is None:
                whole.add((urn, head))
            else:
                subs.setdefault((urn, head), set()).add(sub)
        return _Selection(
            frozenset(whole), {k: frozenset(v) for k, v in subs.items()}, frozenset(extensions)
        )

    def _projector(self, include: _Selection | None, exclude: _Selection | None) -> Project:
        schema = self.schema

        def keep(urn: str | None, info: AttributeInfo, value: Any) -> Any:
            """The attribute's value as returned, or None to leave it out."""
            if info.returned == "never":
                return None
            if info.returned == "always":
                return value
            key = (urn, info.name.lower())
            if include is not None:
                if key in include.whole or (urn is not None and urn in include.extensions):
                    return _sub_filter(info, value, None, None)
                wanted = include.subs.get(key)
                if wanted is None:
                    return None
                return _sub_filter(info, value, wanted, None)
            if info.returned == "request":
                return None
            if exclude is not None:
                if key in exclude.whole:
                    return None
                unwanted = exclude.subs.get(key)
                if unwanted is not None:
                    return _sub_filter(info, value, None, unwanted)
            return _sub_filter(info, value, None, None)

        def project(resource: dict[str, Any]) -> dict[str, Any]:
            shaped: dict[str, Any] = {}
            for name, value in resource.items():
                extension = schema.extension(name)
                if extension is not None:
                    urn = extension[0].lower()
                    if exclude is not None and urn in exclude.extensions:
                        continue
                    if not isinstance(value, dict):
                        continue
                    inner = {}
                    for sub_name, sub_value in value.items():
                        info = extension[1].get(sub_name.lower())
                        if info is None:
                            continue
                        kept = keep(urn, info, sub_value)
                        if kept is not None:
                            inner[sub_name] = kept
                    if inner:
                        shaped[name] = inner
                    continue
                info = schema.core.get(name.lower())
                if info is None:
                    continue
                kept = keep(None, info, value)
                if kept is not None:
                    shaped[name] = kept
            present = {key.lower() for key in shaped}
            if "schemas" in shaped:
                shaped["schemas"] = [
                    urn
                    for urn in shaped["schemas"]
                    if urn.lower() == schema.core_urn.lower() or urn.lower() in present
                ]
            return shaped

        return project


def _sub_filter(
    info: AttributeInfo,
    value: Any,
    wanted: frozenset[str] | None,
    unwanted: frozenset[str] | None,
) -> Any:
    """A complex value with only the sub-attributes asked for, and none returned "never"."""
    if info.type != "complex" or not info.sub_attributes:
        return value

    def shape(entry: Any) -> Any:
        if not isinstance(entry, dict):
            return entry
        shaped = {}
        for name, item in entry.items():
            sub = info.sub_attributes.get(name.lower())
            if sub is not None and sub.returned == "never":
                continue
            lowered = name.lower()
            if (
                wanted is not None
                and lowered not in wanted
                and (sub is None or sub.returned != "always")
            ):
                continue
            if unwanted is not None and lowered in unwanted:
                continue
            shaped[name] = item
        return shaped

    if isinstance(value, list):
        entries = [shape(entry) for entry in value]
        entries = [entry for entry in entries if entry not in ({}, None)]
        return entries or None
    shaped = shape(value)
    return shaped or None
