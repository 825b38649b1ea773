"""Filters (RFC 7644 §3.4.2.2) parsed by scim2-models, compiled once into predicates over stored dicts."""

# A compiled filter also names the index lookup that narrows its candidates.

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from scim2_models import InvalidFilterException, ScimFilter
from scim2_models.path import (
    AttrPath,
    CompareOperator,
    Comparison,
    FilterNode,
    LogicalExpr,
    LogicalOperator,
    Not,
    Present,
    ValuePath,
)

from .schema import AttributeInfo, ResourceSchema

Predicate = Callable[[dict[str, Any]], bool]
Reader = Callable[[dict[str, Any]], list[Any]]

ORDERING = {CompareOperator.gt, CompareOperator.ge, CompareOperator.lt, CompareOperator.le}
SUBSTRING = {CompareOperator.co, CompareOperator.sw, CompareOperator.ew}
STRING_TYPES = {"string", "reference", "binary"}


@dataclass(frozen=True)
class CompiledFilter:
    """A filter ready to run: its predicate, the index lookup that narrows its candidates
    (index path and comparable value), and the attributes it names ("emails.value")."""

    text: str
    match: Predicate
    hint: tuple[str, str] | None
    attributes: frozenset[str]


@dataclass(frozen=True)
class _Compilation:
    """One compile: the attributes named so far, the filter text, and its leniency."""

    names: set[str]
    text: str
    lenient: bool


@dataclass(frozen=True)
class _Resolved:
    """An attribute path bound to the schema: how to read it and how to compare it."""

    path: str  # "userName", "emails.value", "urn:…:User:manager.value" (canonical spelling)
    read: Reader
    info: AttributeInfo  # the compared attribute (the sub-attribute when there is one)
    multi_valued: bool


class UnknownAttributeException(InvalidFilterException):
    """A filter names an attribute the resource type does not have."""


def invalid(detail: str, text: str = "") -> InvalidFilterException:
    return InvalidFilterException(detail=detail, filter=text or None)


def _never(resource: dict[str, Any]) -> bool:
    return False


def _get(host: Any, key: str) -> Any:
    return host.get(key) if isinstance(host, dict) else None


class FilterCompiler:
    """Compiles filters for one resource type; compiled filters are cached by their text."""

    def __init__(
        self,
        schema: ResourceSchema,
        allowed: tuple[str, ...] | None = None,
        aliases: dict[str, str] | None = None,
        cache_size: int = 2048,
    ) -> None:
        self.schema = schema
        self.allowed = None if allowed is None else frozenset(a.lower() for a in allowed)
        self.aliases = {name.lower(): target for name, target in (aliases or {}).items()}
        self.indexes = {spec.path.lower(): spec.path for spec in schema.indexes}
        self._cache: OrderedDict[tuple[str, bool], CompiledFilter] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def compile(self, text: str, lenient: bool = False) -> CompiledFilter:
        """The filter compiled; `lenient` (a search over several resource types, RFC 7644
        §3.4.2.1) lets a comparison on an attribute this type lacks match nothing instead of
        failing with invalidFilter."""
        with self._lock:
            cached = self._cache.get((text, lenient))
            if cached is not None:
                self._cache.move_to_end((text, lenient))
                return cached
        tree: FilterNode | None = _simple_comparison(text)
        if tree is None:
            try:
                tree = ScimFilter(text).ast
            except InvalidFilterException as error:
                raise invalid(error.detail, text) from None
        names: set[str] = set()
        predicate = self._node(tree, None, _Compilation(names, text, lenient))
        compiled = CompiledFilter(text, predicate, self._hint(tree), frozenset(names))
        if self.allowed is not None:
            refused = sorted(
                name
                for name in names
                if name not in self.allowed and name.split(".")[0] not in self.allowed
            )
            if refused:
                raise invalid(f"filtering on {', '.join(refused)} is not supported", text)
        with self._lock:
            self._cache[(text, lenient)] = compiled
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return compiled

    # resolution
    def alias(self, attr_path: AttrPath) -> AttrPath:
        target = self.aliases.get(attr_path.attr.lower()) if attr_path.uri is None else None
        if target is None or attr_path.sub_attr is not None:
            return attr_path
        attr, _, sub = target.partition(".")
        return AttrPath(attr=attr, sub_attr=sub or None)

    def resolve(
        self,
        attr_path: AttrPath,
        within: AttributeInfo | None,
        text: str,
        for_comparison: bool = False,
    ) -> _Resolved:
        """Bind a path to the resource's schema, or (inside brackets) to `within`'s
        sub-attributes. A comparison on a complex attribute compares its `value` (RFC 7643
        §2.4), as `emails co "x"` does."""
        attr_path = self.alias(attr_path)
        if within is not None:
            info = within.sub_attributes.get(attr_path.attr.lower())
            if info is None or attr_path.sub_attr is not None:
                raise invalid(f"{within.name} has no sub-attribute {attr_path.attr}", text)
            key = info.name

            def read_entry(entry: dict[str, Any]) -> list[Any]:
                return [_get(entry, key)]

            return _Resolved(f"{within.name}.{info.name}", read_entry, info, False)
        found = self.schema.attribute(attr_path.uri, attr_path.attr)
        if found is None:
            raise UnknownAttributeException(detail=f"unknown attribute {attr_path}", filter=text)
        urn, head = found
        sub: AttributeInfo | None = None
        sub_name = attr_path.sub_attr
        if sub_name is not None:
            sub = head.sub_attributes.get(sub_name.lower())
            if sub is None:
                raise invalid(f"{head.name} has no sub-attribute {sub_name}", text)
        elif for_comparison and head.type == "complex":
            sub = head.sub_attributes.get("value")
            if sub is None:
                raise invalid(f"{head.name} is complex: compare one of its sub-attributes", text)
        path = head.name if sub is None else f"{head.name}.{sub.name}"
        if urn is not None:
            path = f"{urn}:{path}"
        return _Resolved(path, _reader(urn, head, sub), sub or head, head.multi_valued)

    # compilation
    def _node(self, node: FilterNode, within: AttributeInfo | None, run: _Compilation) -> Predicate:
        try:
            return self._compile_node(node, within, run)
        except UnknownAttributeException:
            if run.lenient and not isinstance(node, LogicalExpr | Not):
                return _never
            raise

    def _compile_node(
        self, node: FilterNode, within: AttributeInfo | None, run: _Compilation
    ) -> Predicate:
        names, text = run.names, run.text
        if isinstance(node, LogicalExpr):
            terms = [self._node(term, within, run) for term in node.terms]
            if node.op == LogicalOperator.and_:
                return lambda resource: all(term(resource) for term in terms)
            return lambda resource: any(term(resource) for term in terms)
        if isinstance(node, Not):
            inner = self._node(node.expr, within, run)
            return lambda resource: not inner(resource)
        if isinstance(node, Present):
            resolved = self.resolve(node.attr_path, within, text)
            names.add(resolved.path.lower())
            read = resolved.read
            return lambda resource: any(_is_present(value) for value in read(resource))
        if isinstance(node, Comparison):
            return self._comparison(node, within, run)
        if isinstance(node, ValuePath):
            return self._value_path(node, within, run)
        raise invalid(f"unsupported filter {node}", text)

    def _comparison(
        self, node: Comparison, within: AttributeInfo | None, run: _Compilation
    ) -> Predicate:
        names, text = run.names, run.text
        resolved = self.resolve(node.attr_path, within, text, for_comparison=True)
        names.add(resolved.path.lower())
        compare = _comparator(resolved.info, node.op, node.value, text)
        read = resolved.read
        if node.op == CompareOperator.ne:
            # A multi-valued attribute is "not equal" when none of its values is (the universal
            # reading scim2-models takes; RFC 7644 §3.4.2.2 does not say).
            return lambda resource: all(compare(value) for value in read(resource) or [None])
        return lambda resource: any(compare(value) for value in read(resource) or [None])

    def _value_path(
        self, node: ValuePath, within: AttributeInfo | None, run: _Compilation
    ) -> Predicate:
        names, text = run.names, run.text
        if within is not None:
            raise invalid("value filters cannot be nested", text)
        attr_path = self.alias(node.attr_path)
        found = self.schema.attribute(attr_path.uri, attr_path.attr)
        if found is None:
            raise UnknownAttributeException(detail=f"unknown attribute {attr_path}", filter=text)
        urn, head = found
        if not head.multi_valued:
            raise invalid(f"{head.name} is not multi-valued: it takes no [filter]", text)
        if head.type != "complex":
            # RFC 7644 §3.4.2.2 value filters on simple multi-valued attributes: `value` is the
            # entry itself, as in schemas[value eq "urn:…"].
            head = AttributeInfo(
                head.name,
                "complex",
                multi_valued=True,
                sub_attributes={
                    "value": AttributeInfo("value", head.type, case_exact=head.case_exact)
                },
            )
            wrap = True
        else:
            wrap = False
        inner_names: set[str] = set()
        inner = self._node(node.val_filter, head, _Compilation(inner_names, text, run.lenient))
        names.add(head.name.lower() if urn is None else f"{urn}:{head.name}".lower())
        names.update(inner_names)
        key = head.name

        def entries(resource: dict[str, Any]) -> list[Any]:
            host = resource if urn is None else _get(resource, urn)
            values = _get(host, key)
            if not isinstance(values, list):
                return []
            return [{"value": v} for v in values] if wrap else values

        return lambda resource: any(
            isinstance(entry, dict) and inner(entry) for entry in entries(resource)
        )

    def _hint(self, node: FilterNode) -> tuple[str, str] | None:
        """A top-level `eq` (alone or ANDed) on an indexed attribute or `id`: the store looks it
        up instead of scanning every resource."""
        if isinstance(node, LogicalExpr) and node.op == LogicalOperator.and_:
            for term in node.terms:
                hint = self._hint(term)
                if hint is not None:
                    return hint
            return None
        if isinstance(node, ValuePath):
            attr_path = self.alias(node.attr_path)
            if attr_path.uri is not None:
                return None
            terms = (
                node.val_filter.terms
                if isinstance(node.val_filter, LogicalExpr)
                and node.val_filter.op == LogicalOperator.and_
                else (node.val_filter,)
            )
            for term in terms:
                if (
                    isinstance(term, Comparison)
                    and term.op == CompareOperator.eq
                    and term.attr_path.sub_attr is None
                    and isinstance(term.value, str)
                ):
                    hint = self._index(
                        AttrPath(attr=attr_path.attr, sub_attr=term.attr_path.attr), term.value
                    )
                    if hint is not None:
                        return hint
            return None
        if (
            isinstance(node, Comparison)
            and node.op == CompareOperator.eq
            and isinstance(node.value, str)
        ):
            return self._index(self.alias(node.attr_path), node.value)
        return None

    def _index(self, attr_path: AttrPath, value: str) -> tuple[str, str] | None:
        if attr_path.uri is not None and attr_path.uri.lower() != self.schema.core_urn.lower():
            return None
        name = (
            attr_path.attr
            if attr_path.sub_attr is None
            else f"{attr_path.attr}.{attr_path.sub_attr}"
        )
        if name.lower() == "id":
            return ("id", value)
        path = self.indexes.get(name.lower())
        if path is None and "." not in name:
            # `emails eq "x"` compares emails.value (RFC 7643 §2.4).
            path = self.indexes.get(f"{name}.value".lower())
        if path is None:
            return None
        info = index_attribute(self.schema, path)
        return (path, info.comparable(value))


# `attr[.sub] op "string"`, the filter Entra sends for every match (RFC 7644 §3.4.2.2's ABNF for
# one comparison with a JSON string, as scim2-models' grammar reads it): read here without the
# LALR parser, which costs more than the rest of a filtered GET.
SIMPLE_COMPARISON = re.compile(
    r"\s*(?P<attr>[A-Za-z][\w$-]*)(?:\.(?P<sub>[A-Za-z][\w$-]*))?\s+"
    r"(?P<op>eq|ne|co|sw|ew|gt|lt|ge|le)\s+"
    r'(?P<value>"(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9A-Fa-f]{4})*")\s*',
    re.IGNORECASE | re.ASCII,
)
KEYWORDS = {"and", "or", "not", "pr", "eq", "ne", "co", "sw", "ew", "gt", "lt", "ge", "le"}


def _simple_comparison(text: str) -> Comparison | None:
    match = SIMPLE_COMPARISON.fullmatch(text)
    if match is None or match["attr"].lower() in KEYWORDS:
        return None
    return Comparison(
        AttrPath(attr=match["attr"], sub_attr=match["sub"]),
        CompareOperator(match["op"].lower()),
        json.loads(match["value"]),
    )


def index_attribute(schema: ResourceSchema, path: str) -> AttributeInfo:
    """The attribute an index path ("emails.value") names."""
    head, _, sub = path.partition(".")
    info = schema.core[head.lower()]
    return info.sub_attributes[sub.lower()] if sub else info


def _reader(urn: str | None, head: AttributeInfo, sub: AttributeInfo | None) -> Reader:
    head_key = head.name
    sub_key = sub.name if sub is not None else None

    def read(resource: dict[str, Any]) -> list[Any]:
        host = resource if urn is None else _get(resource, urn)
        value = _get(host, head_key)
        if value is None:
            return []
        if sub_key is None:
            return value if isinstance(value, list) else [value]
        if isinstance(value, list):
            return [_get(entry, sub_key) for entry in value]
        return [_get(value, sub_key)]

    return read


def _is_present(value: Any) -> bool:
    """RFC 7644 §3.4.2.2 pr: a non-empty value, or a complex one with a non-empty sub-attribute."""
    if value is None:
        return False
    if isinstance(value, str):
        return value != ""
    if isinstance(value, dict):
        return any(_is_present(item) for item in value.values())
    if isinstance(value, list):
        return any(_is_present(item) for item in value)
    return True


def parse_datetime(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _comparator(
    info: AttributeInfo, op: CompareOperator, expected: Any, text: str
) -> Callable[[Any], bool]:
    """One comparison of RFC 7644 §3.4.2.2 for the attribute's type, its operand prepared once."""
    kind = info.type
    if kind in ("boolean", "binary") and op in ORDERING:
        # "Boolean and Binary attributes SHALL cause a failed response (HTTP 400 and scimType of
        # invalidFilter)" for gt, ge, lt, le.
        raise invalid(f"{info.name} is {kind}: it cannot be ordered", text)
    if op in SUBSTRING and kind not in STRING_TYPES:
        raise invalid(f"{op.value} applies to strings; {info.name} is {kind}", text)
    if expected is None:
        if op == CompareOperator.eq:
            return lambda actual: actual is None
        if op == CompareOperator.ne:
            return lambda actual: actual is not None
        raise invalid(f"null can only be compared with eq or ne, not {op.value}", text)
    prepare: Callable[[Any], Any]
    if kind in STRING_TYPES:
        if not isinstance(expected, str):
            raise invalid(f"{info.name} is a string: compare it with a string", text)
        prepare = info.comparable
    elif kind == "dateTime":
        if not isinstance(expected, str):
            raise invalid(f"{info.name} is a dateTime: compare it with a quoted date", text)
        prepare = parse_datetime
    elif kind == "boolean":
        if not isinstance(expected, bool):
            raise invalid(f"{info.name} is a boolean: compare it with true or false", text)

        def prepare(value: Any) -> Any:
            return value
    else:
        if isinstance(expected, bool) or not isinstance(expected, int | float):
            raise invalid(f"{info.name} is a number: compare it with a number", text)

        def prepare(value: Any) -> Any:
            return value

    try:
        right: Any = prepare(expected)
    except ValueError:
        raise invalid(f"{expected!r} is not a valid {kind}", text) from None

    def compare(actual: Any) -> bool:
        if actual is None:
            return op == CompareOperator.ne
        try:
            left: Any = prepare(actual)
            if op == CompareOperator.eq:
                return bool(left == right)
            if op == CompareOperator.ne:
                return bool(left != right)
            if op == CompareOperator.co:
                return bool(right in left)
            if op == CompareOperator.sw:
                return bool(left.startswith(right))
            if op == CompareOperator.ew:
                return bool(left.endswith(right))
            if op == CompareOperator.gt:
                return bool(left > right)
            if op == CompareOperator.ge:
                return bool(left >= right)
            if op == CompareOperator.lt:
                return bool(left < right)
            return bool(left <= right)
        except (TypeError, ValueError, AttributeError):
            return False

    return compare


def sort_key(
    schema: ResourceSchema, compiler: FilterCompiler, sort_by: str
) -> Callable[[dict[str, Any]], tuple[int, Any]]:
    """RFC 7644 §3.4.2.3: order by the attribute (a multi-valued one by its primary value, else
    its first), strings case-insensitively unless caseExact; resources without it sort last."""
    try:
        tree = ScimFilter(f"{sort_by} pr").ast
    except InvalidFilterException:
        raise invalid(f"cannot sort by {sort_by!r}", sort_by) from None
    assert isinstance(tree, Present)
    resolved = compiler.resolve(tree.attr_path, None, sort_by, for_comparison=True)
    info = resolved.info
    attr_path = compiler.alias(tree.attr_path)
    found = schema.attribute(attr_path.uri, attr_path.attr)
    assert found is not None
    urn, head = found
    head_key = head.name
    sub_key = info.name if info is not head else None

    def value_of(resource: dict[str, Any]) -> Any:
        host = resource if urn is None else _get(resource, urn)
        value = _get(host, head_key)
        if isinstance(value, list):
            entries = [entry for entry in value if entry is not None]
            value = next(
                (e for e in entries if isinstance(e, dict) and e.get("primary")),
                entries[0] if entries else None,
            )
        if sub_key is not None:
            value = _get(value, sub_key)
        return value

    def key(resource: dict[str, Any]) -> tuple[int, Any]:
        value = value_of(resource)
        if value is None or isinstance(value, dict | list):
            return (1, "")
        if isinstance(value, str):
            if info.type == "dateTime":
                try:
                    return (0, parse_datetime(value))
                except ValueError:
                    return (1, "")
            return (0, info.comparable(value))
        return (0, value)

    return key
