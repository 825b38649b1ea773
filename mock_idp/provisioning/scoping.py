"""Who is in scope: assignment, the Default Access rule and attribute scoping filters."""
# Docs "Scoping users or groups to be provisioned with scoping filters", "How Application Provisioning works".

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .expressions import as_text, is_true

# The operators of the scoping filter editor, by their canonical (Graph-style) names; the portal
# labels ("IS TRUE", "NOT REGEX MATCH") are accepted too.
OPERATORS = (
    "EQUALS",
    "NOT_EQUALS",
    "IS_TRUE",
    "IS_FALSE",
    "IS_NULL",
    "IS_NOT_NULL",
    "REGEX_MATCH",
    "NOT_REGEX_MATCH",
    "Greater_Than",
    "Greater_Than_OR_EQUALS",
    "Includes",
    "ENDS_WITH",
    "&",
    "!&",
)
_BY_SPELLING = {name.upper().replace(" ", "_"): name for name in OPERATORS}


class ScopingError(ValueError):
    pass


def canonical_operator(name: str) -> str:
    canonical = _BY_SPELLING.get(name.strip().upper().replace(" ", "_"))
    if canonical is None:
        raise ScopingError(f"Unknown scoping operator '{name}'; known: {', '.join(OPERATORS)}")
    return canonical


@dataclass
class ScopingClause:
    """One condition on one source attribute."""

    attribute: str
    operator: str
    value: str | None = None

    def __post_init__(self) -> None:
        self.operator = canonical_operator(self.operator)
        if self.operator in ("REGEX_MATCH", "NOT_REGEX_MATCH"):
            try:
                re.compile(self.value or "")
            except re.error as error:
                raise ScopingError(f"Invalid regular expression {self.value!r}: {error}") from None
        if self.operator in ("Greater_Than", "Greater_Than_OR_EQUALS"):
            try:
                int(self.value or "")
            except ValueError:
                # Docs: "The value specified on the scoping filter must be an integer".
                raise ScopingError(
                    f"{self.operator} needs an integer value, not {self.value!r}"
                ) from None


@dataclass
class ScopingFilter:
    """Clauses ANDed; an object mapping's filters are ORed."""

    title: str
    clauses: list[ScopingClause] = field(default_factory=list)


def _integer(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _greater(value: str, wanted: str | None, or_equal: bool) -> bool:
    number, bound = _integer(value), _integer(wanted)
    if number is None or bound is None:
        return False
    return number >= bound if or_equal else number > bound


_TESTS: dict[str, Callable[[str, str | None], bool]] = {
    # Docs: EQUALS / NOT EQUALS / Includes / ENDS_WITH compare case-sensitively.
    "EQUALS": lambda value, wanted: value == (wanted or ""),
    "NOT_EQUALS": lambda value, wanted: value != (wanted or ""),
    "IS_TRUE": lambda value, wanted: is_true(value),
    "IS_FALSE": lambda value, wanted: value.strip().lower() == "false",
    "IS_NOT_NULL": lambda value, wanted: True,
    "REGEX_MATCH": lambda value, wanted: re.search(wanted or "", value) is not None,
    "NOT_REGEX_MATCH": lambda value, wanted: re.search(wanted or "", value) is None,
    "Greater_Than": lambda value, wanted: _greater(value, wanted, False),
    "Greater_Than_OR_EQUALS": lambda value, wanted: _greater(value, wanted, True),
    "Includes": lambda value, wanted: (wanted or "") in value,
    "ENDS_WITH": lambda value, wanted: value.endswith(wanted or ""),
    # Docs: "&" is true if the attribute's value exists in the input string; "!&" if it doesn't.
    "&": lambda value, wanted: value in (wanted or ""),
    "!&": lambda value, wanted: value not in (wanted or ""),
}


def clause_matches(clause: ScopingClause, attributes: Mapping[str, Any]) -> bool:
    raw = attributes.get(clause.attribute)
    if isinstance(raw, list):
        # Docs: "Filtering is not supported for multi-valued attributes."
        return False
    value = as_text(raw)
    if clause.operator == "IS_NULL":
        return not value
    # Docs: "Scoping filters will return false if the value is null / empty" (also NOT REGEX MATCH).
    if not value:
        return False
    return _TESTS[clause.operator](value, clause.value)


def passes_filters(filters: list[ScopingFilter], attributes: Mapping[str, Any]) -> bool:
    """No filter: everyone passes. Otherwise any filter whose clauses all hold."""
    if not filters:
        return True
    return any(all(clause_matches(c, attributes) for c in f.clauses) for f in filters)


# How a job treats users assigned only the "Default Access" role (ENTRA-BEHAVIOUR §8): the 2019
# tutorials (001, 003) exclude them and log them as not effectively entitled; configurations made
# after 2020-04-16 treat Default Access like any other role.
DefaultAccessRule = Literal["not_entitled", "entitled"]


@dataclass(frozen=True)
class ScopeDecision:
    """The scoping step of a provisioning log: why an object is or isn't provisioned."""

    in_scope: bool
    assigned: bool
    effectively_entitled: bool
    passes_filters: bool
    reason: str | None = None  # NotAssigned, NotEffectivelyEntitled, ScopingFilter

    def details(self) -> dict[str, str]:
        def text(flag: bool) -> str:
            return "True" if flag else "False"

        return {
            "Assigned": text(self.assigned),
            "IsEffectivelyEntitledForProvisioning": text(self.effectively_entitled),
            "IsInProvisioningScopeDisplayName": text(self.passes_filters),
            "ScopeEvaluationResult": self.reason or "InScope",
        }


def decide_scope(
    *,
    sync_all: bool,
    role_ids: list[str],
    default_access_role_id: str,
    rule: DefaultAccessRule,
    filters: list[ScopingFilter],
    attributes: Mapping[str, Any],
) -> ScopeDecision:
    """Scope = assignment (unless "Sync all") and effective entitlement, then scoping filters."""
    assigned = bool(role_ids)
    entitled = assigned and (
        rule == "entitled" or any(r != default_access_role_id for r in role_ids)
    )
    passes = passes_filters(filters, attributes)
    if sync_all:
        return ScopeDecision(passes, assigned, True, passes, None if passes else "ScopingFilter")
    if not assigned:
        return ScopeDecision(False, False, False, passes, "NotAssigned")
    if not entitled:
        return ScopeDecision(False, True, False, passes, "NotEffectivelyEntitled")
    return ScopeDecision(passes, True, True, passes, None if passes else "ScopingFilter")
