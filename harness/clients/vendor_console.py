"""Client for a simulated vendor's console API: SSO settings and users, as an admin sets them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from gallery import GalleryApp


@dataclass(frozen=True)
class ConsoleSignIn:
    """The console administrator's credentials (the console pages ask for them first)."""

    email: str
    password: str


def open_console(page: Any, host: str, admin: ConsoleSignIn, path: str = "/") -> Any:
    """Open a console page in the browser as its administrator: the console's sign-in page comes
    first when the browser has no session on that host (issue 17). Returns the page's response."""
    response = page.goto(f"https://{host}{path}")
    if urlsplit(page.url).path != "/signin":
        return response
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(admin.password)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Sign in").click()
    return navigation.value


class VendorConsole:
    def __init__(self, client: httpx.Client, app: GalleryApp, token: str) -> None:
        self.client = client
        self.app = app
        self.base = f"https://{app.sso.console_host}/api"
        self.headers = {"Authorization": f"Bearer {token}"}

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        response = self.client.request(method, self.base + path, headers=headers, **kwargs)
        if response.status_code >= 400:
            raise RuntimeError(f"{self.app.name} console {response.status_code}: {response.text}")
        content_type = response.headers.get("content-type", "")
        return response.json() if "json" in content_type else response.content

    def upload_idp_metadata(self, region: str, metadata: bytes) -> dict[str, Any]:
        return self._call(
            "POST",
            f"/sso/{region}/idp-metadata",
            content=metadata,
            headers={"Content-Type": "application/xml"},
        )

    def load_idp_metadata_url(self, region: str, url: str) -> dict[str, Any]:
        """Paste the App Federation Metadata Url; the vendor downloads the metadata."""
        return self._call("PUT", f"/sso/{region}/idp-metadata-url", json={"url": url})

    def save_sso_settings(self, region: str, **settings: Any) -> dict[str, Any]:
        return self._call("PUT", f"/sso/{region}/settings", json=settings)

    def sso_settings(self, region: str) -> dict[str, Any]:
        return self._call("GET", f"/sso/{region}")

    def encryption_certificate(self, region: str) -> str:
        return self._call("GET", f"/sso/{region}/encryption-certificate").decode()

    def sp_metadata(self, region: str) -> bytes:
        return self._call("GET", f"/sso/{region}/sp-metadata")

    def save_idp(self, region: str, **idp: Any) -> dict[str, Any]:
        """Typed IdP settings: entity_id, sso_url, slo_url, certificate (PEM or base64)."""
        return self._call("PUT", f"/sso/{region}/idp", json=idp)

    def users(self, region: str) -> list[dict[str, Any]]:
        """The region's user directory (the console's users list)."""
        return list(self._call("GET", f"/users/{region}"))

    def create_user(
        self,
        region: str,
        email: str,
        display_name: str = "",
        active: bool = True,
        user_name: str | None = None,
    ) -> dict[str, Any]:
        body = {
            "email": email,
            "display_name": display_name,
            "active": active,
            "user_name": user_name,
        }
        return self._call("POST", f"/users/{region}", json=body)
