"""Breaks the sign-on modes: every vendor's ACS accepts an unsolicited (IdP-initiated) Response,
even an app whose tutorial supports SP-initiated sign-on only."""

import dataclasses

from mock_sp.acs import AcsPolicy
from mock_sp.service_provider import ServiceProvider


def pytest_configure() -> None:
    original = ServiceProvider.policy

    def policy(self: ServiceProvider) -> AcsPolicy:
        return dataclasses.replace(original(self), allow_unsolicited=True)

    ServiceProvider.policy = policy  # type: ignore[method-assign]
