"""Breaks the provisioning service's default wire mode: every PATCH goes out as if the Tenant
URL had aadOptscim062020 (lower-case ops, boolean active), so the quirks vendors see are gone."""

from mock_idp.provisioning import exports

_patch_request = exports.patch_request


def pytest_configure() -> None:
    exports.patch_request = lambda changes, compliant: _patch_request(changes, True)  # type: ignore[assignment]
