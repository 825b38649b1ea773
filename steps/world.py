"""Per-scenario state the steps share through fixtures: people and apps by the names steps use."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from harness.clients.people import Person
from harness.clients.tenant_admin import AppHandle


@dataclass
class Scenario:
    people: dict[str, Person] = field(default_factory=dict)
    user_ids: dict[str, str] = field(default_factory=dict)
    apps: dict[str, AppHandle] = field(default_factory=dict)
    regions: dict[str, str] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)

    def person(self, name: str) -> Person:
        try:
            return self.people[name]
        except KeyError:
            raise LookupError(
                f"no person {name!r} in this scenario; known: {list(self.people)}"
            ) from None

    def app(self, name: str) -> AppHandle:
        try:
            return self.apps[name]
        except KeyError:
            raise LookupError(f"{name} was not added to the tenant in this scenario") from None


@pytest.fixture
def scenario_state() -> Scenario:
    return Scenario()
