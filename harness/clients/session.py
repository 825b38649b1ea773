"""What a test holds: the stack's clients (Graph admin, vendor consoles) and its /_mock controls."""

from __future__ import annotations

from typing import Any

import httpx

from gallery import GalleryApp
from harness.clients.tenant_admin import AdminCenter, TenantAdmin
from harness.clients.vendor_console import ConsoleSignIn, VendorConsole
from harness.serving.stack import DEMO_PASSWORD, Stack

__all__ = ["DEMO_PASSWORD", "Harness"]

TENANT_CONTROL = "https://login.microsoftonline.com/_mock"


class Harness:
    def __init__(self, stack: Stack, client: httpx.Client) -> None:
        self.stack = stack
        self.http = client
        self.tenant_id = stack.tenant.tenant_id
        self.admin = TenantAdmin(client, stack.tenant.admin_token, self.tenant_id)
        self.admin_center = AdminCenter(client, stack.tenant.admin_token)

    def gallery_app(self, name: str) -> GalleryApp:
        for vendor in self.stack.vendors.values():
            if vendor.app.name.lower() == name.lower() or vendor.app.key == name.lower():
                return vendor.app
        raise LookupError(f"no gallery app {name!r}")

    def console(self, name: str) -> VendorConsole:
        app = self.gallery_app(name)
        return VendorConsole(self.http, app, self.stack.vendors[app.key].console_token)

    def console_admin(self, name: str) -> ConsoleSignIn:
        """The credentials of the vendor console's administrator (for its pages)."""
        admin = self.stack.vendors[self.gallery_app(name).key].console_admin
        return ConsoleSignIn(admin.email, admin.password)

    def _control(self, url: str, body: Any = None) -> Any:
        response = self.http.post(url, json=body) if body is not None else self.http.get(url)
        response.raise_for_status()
        return response.json()

    def saml_log(self, since: int = 0) -> list[dict[str, Any]]:
        """Every SAML message the tenant sent or received, decoded (oldest first)."""
        return self._control(f"{TENANT_CONTROL}/saml-log?since={since}")["messages"]

    def next_response(self, **overrides: Any) -> None:
        """Change only the tenant's next Response (navikt's enqueueCallback)."""
        self._control(f"{TENANT_CONTROL}/next-response", overrides)

    def acs_log(self, name: str) -> dict[str, list[dict[str, Any]]]:
        """What the vendor's ACS accepted or refused, per region."""
        host = self.gallery_app(name).sso.regions[0].host
        return self._control(f"https://{host}/_mock/acs-log")

    def clock(self, **change: Any) -> dict[str, Any]:
        if change:
            return self._control(f"{TENANT_CONTROL}/clock", change)
        return self._control(f"{TENANT_CONTROL}/clock")
