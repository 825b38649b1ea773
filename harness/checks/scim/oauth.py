"""The OAuth 2.0 client credentials grant as Entra's provisioning service runs it (Validate_Credentials_Test)."""

# Same form as mock_idp/provisioning/scim_client.py's _fetch_token (RFC 6749 §4.4): POST
# grant_type, client_id, client_secret as application/x-www-form-urlencoded; the answer's
# access_token and expires_in (Microsoft's validation wants a lifetime of 60 to 360 minutes).

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import httpx

from harness.checks.scim.probe import CheckFailed, Exchange, ScimProbe


@dataclass(frozen=True)
class Token:
    value: str
    lifetime: float  # seconds


@dataclass(frozen=True)
class OAuthClient:
    token_url: str
    client_id: str
    client_secret: str

    def fetch(self, probe: ScimProbe) -> Token:
        form = {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
        }
        shown = {"grant_type": "client_credentials", "client_id": self.client_id}
        try:
            response = probe.http.post(
                self.token_url,
                content=urlencode(form).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
        except httpx.HTTPError as error:
            probe.exchanges.add(Exchange("POST", self.token_url, shown, None, str(error)))
            raise CheckFailed(f"POST {self.token_url}: {type(error).__name__}: {error}") from None
        probe.exchanges.add(
            Exchange("POST", self.token_url, shown, response.status_code, response.text)
        )
        if response.status_code != 200:
            raise CheckFailed(
                f"the token endpoint answered {response.status_code}: {response.text[:200]}"
            )
        try:
            data = response.json()
            return Token(str(data["access_token"]), float(data.get("expires_in", 3600)))
        except (ValueError, KeyError, TypeError):
            raise CheckFailed(
                f"the token endpoint's answer has no access_token: {response.text[:200]}"
            ) from None
