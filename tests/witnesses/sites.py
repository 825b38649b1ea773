"""What every witness offers the test: its URLs, its metadata and key, start and stop."""

from __future__ import annotations

from typing import Protocol

# The default claim every witness maps to the variable NAME_CLAIM: user.userprincipalname.
NAME_CLAIM = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"


class WitnessSite(Protocol):
    """A real SP running as its vendor configures it."""

    name: str
    entity_id: str
    acs_url: str
    logout_url: str | None
    protected_url: str  # where the browser goes first for an SP-initiated sign-in
    landing_url: str  # where it lands signed in
    signed_out_url: str
    # Mode name -> the text of the SP's refusal in that mode, for interop quirks real Entra
    # shares (each documented with its source in docs/fidelity.md).
    quirks: dict[str, str]

    @property
    def encryption_certificate_pem(self) -> str: ...

    def signed_in_texts(self, upn: str) -> list[str]: ...

    def logout_start_url(self) -> str: ...

    def start(self, idp_metadata: bytes) -> None: ...

    def stop(self) -> None: ...

    def close(self) -> None: ...

    def error_log(self) -> str: ...
