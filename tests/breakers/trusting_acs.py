"""Breaks every vendor's signature check: the ACS trusts any signature."""

from mock_sp import acs


def pytest_configure() -> None:
    acs._verifier.verify = lambda *args, **kwargs: True  # type: ignore[method-assign]
