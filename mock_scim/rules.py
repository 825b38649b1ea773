"""Vendor rules a written User must satisfy: named ones (gallery `[scim] rules`) and data ones."""

# The data ones: required attributes, allowed types and most values per attribute.

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scim2_models import InvalidValueException

from gallery import ScimProfile

Rule = Callable[[dict[str, Any]], None]


def work_email(user: dict[str, Any]) -> str | None:
    """The work email: the one typed work, else the primary one, else the first."""
    emails = [e for e in user.get("emails") or [] if isinstance(e, dict) and e.get("value")]
    for email in emails:
        if str(email.get("type", "")).lower() == "work":
            return str(email["value"])
    primary = next((e for e in emails if e.get("primary")), emails[0] if emails else None)
    return str(primary["value"]) if primary else None


def user_name_is_work_email(user: dict[str, Any]) -> None:
    """RingCentral (ENTRA-BEHAVIOUR §9): userName must equal the work email."""
    email = work_email(user)
    user_name = str(user.get("userName", ""))
    if email is None or email.lower() != user_name.lower():
        raise InvalidValueException(
            detail=f"userName {user_name!r} must equal the work email ({email or 'none given'})"
        )


RULES: dict[str, Rule] = {
    "user_name_is_work_email": user_name_is_work_email,
}


def profile_rules(profile: ScimProfile) -> list[Rule]:
    """Every check a User written to this profile goes through (400 invalidValue each)."""
    rules: list[Rule] = [RULES[name] for name in profile.rules]
    for path in profile.required_attributes:
        rules.append(_required(path))
    for attribute, types in profile.allowed_types.items():
        rules.append(_allowed_types(attribute, types))
    for attribute, most in profile.max_values.items():
        rules.append(_max_values(attribute, most))
    return rules


def _value(user: dict[str, Any], path: str) -> Any:
    head, _, sub = path.partition(".")
    value = user.get(head)
    if sub and isinstance(value, dict):
        return value.get(sub)
    return None if sub else value


def _required(path: str) -> Rule:
    def check(user: dict[str, Any]) -> None:
        if _value(user, path) in (None, "", []):
            raise InvalidValueException(detail=f"{path} is required")

    return check


def _allowed_types(attribute: str, types: tuple[str, ...]) -> Rule:
    allowed = {t.lower() for t in types}

    def check(user: dict[str, Any]) -> None:
        for entry in user.get(attribute) or []:
            kind = entry.get("type") if isinstance(entry, dict) else None
            if kind is not None and str(kind).lower() not in allowed:
                raise InvalidValueException(
                    detail=f"{attribute} of type {kind!r} are not supported; only {', '.join(types)}"
                )

    return check


def _max_values(attribute: str, most: int) -> Rule:
    def check(user: dict[str, Any]) -> None:
        if len(user.get(attribute) or []) > most:
            raise InvalidValueException(detail=f"at most {most} {attribute} are supported")

    return check
