"""The SP libraries of tests/real_sps (issue 15) at their FIXED versions as witnesses: each app
is set up as its admin would from Entra's Federation Metadata XML (Identifier, Login URL, the
Base64 certificate typed into the library's settings), then signs B.Simon in."""

from __future__ import annotations

from pathlib import Path

from tests.real_sps import RunningSp, fixed, start

NO_DECRYPTION_KEY = "the app has no SP key to decrypt an EncryptedAssertion with"
NO_LOGOUT = "the app has no single logout"
# The libraries (names as tests/real_sps knows them) and the modes their apps lack.
LIBRARY_WITNESSES = ("python3-saml", "pysaml2", "node-saml", "samlify")
LIBRARY_UNSUPPORTED = {"encrypted-assertion": NO_DECRYPTION_KEY, "single-logout": NO_LOGOUT}
# The apps require a signed Assertion (each library's default, kept by tests/real_sps). Entra's
# "Sign SAML response" option signs the Response only (docs "SAML token signing certificate
# options": response, assertion, or both), so these refuse it exactly as they refuse real
# Entra set that way; samlify 2.10 accepts the signed Response.
LIBRARY_QUIRKS = {
    "python3-saml": {"response-signed": "The Assertion of the Response is not signed"},
    "pysaml2": {"response-signed": "Signature missing for assertion"},
    "node-saml": {"response-signed": "Invalid signature"},
}


class LibrarySite:
    """One of tests/real_sps' apps, started untrusted so the tenant can be given its entity
    ID and ACS first; start() then trusts the tenant's metadata."""

    logout_url: str | None = None

    def __init__(self, library: str, directory: Path) -> None:
        self.library = library
        self.version = fixed(library)
        self.name = f"{library} {self.version}"
        self.directory = directory
        self.quirks = LIBRARY_QUIRKS.get(library, {})
        self.app: RunningSp = start(library, self.version)
        self.entity_id = self.app.entity_id
        self.acs_url = self.app.acs_url
        self.protected_url = self.app.sign_on_url
        self.landing_url = f"{self.app.base_url}/"
        self.signed_out_url = ""

    @property
    def encryption_certificate_pem(self) -> str:
        raise LookupError(NO_DECRYPTION_KEY)

    def signed_in_texts(self, upn: str) -> list[str]:
        return [f"Signed in as {upn.lower()}"]

    def logout_start_url(self) -> str:
        raise LookupError(NO_LOGOUT)

    def start(self, idp_metadata: bytes) -> None:
        self.app.trust(idp_metadata)

    def stop(self) -> None:
        """The app keeps running for the next test (start() trusts that test's tenant); close()
        ends it."""

    def close(self) -> None:
        self.app.stop()

    def error_log(self) -> str:
        log = self.app.log
        return log.read_text(errors="replace") if log.exists() else ""
