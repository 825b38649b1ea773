"""What a vendor's SCIM endpoint holds and received, read through its /_mock controls."""

from __future__ import annotations

from typing import Any

import httpx


class ScimView:
    """One vendor's SCIM host: its stored users and groups and its request log."""

    def __init__(self, client: httpx.Client, host: str) -> None:
        self.client = client
        self.host = host

    def _get(self, path: str, **params: Any) -> Any:
        response = self.client.get(f"https://{self.host}/_mock{path}", params=params)
        response.raise_for_status()
        return response.json()

    def stored(self, resource_type: str = "User") -> list[dict[str, Any]]:
        """The resources of a type as the endpoint itself would return them."""
        return list(self._get(f"/scim/{resource_type}")["Resources"])

    def user(self, user_name: str) -> dict[str, Any] | None:
        """The stored user with this userName (SCIM compares userName case-insensitively)."""
        wanted = user_name.lower()
        return next((u for u in self.stored() if u["userName"].lower() == wanted), None)

    def requests(self, since: int = 0) -> list[dict[str, Any]]:
        """Every request the endpoint received and what it answered, oldest first."""
        return list(self._get("/requests", since=since)["requests"])

    def rate_limits(self, enforced: bool) -> dict[str, Any]:
        """Switch the vendor's usage-plan limits on or off."""
        response = self.client.post(
            f"https://{self.host}/_mock/scim/rate-limits", json={"enforced": enforced}
        )
        response.raise_for_status()
        return dict(response.json())
