"""The vendor console API: one set of checks for every setting and user it saves."""

from __future__ import annotations

from harness.session import Harness


def test_the_console_api_checks_what_the_pages_check(harness: Harness) -> None:
    """One set of checks behind both: SSO cannot be enabled before the IdP is set up; a user
    needs a name and an email; a second user with the same email is a conflict."""
    console = harness.console("RingCentral")
    headers = console.headers
    base = console.base
    enable = harness.http.put(
        f"{base}/sso/us/settings", json={"sso_enabled": True}, headers=headers
    )
    assert enable.status_code == 400
    assert enable.json() == {"error": "sso_enabled needs the identity provider set up first"}
    typo = harness.http.put(f"{base}/sso/us/settings", json={"sso_enable": True}, headers=headers)
    assert typo.status_code == 400
    nameless = harness.http.post(
        f"{base}/users/us", json={"email": "x@contoso.com"}, headers=headers
    )
    assert nameless.status_code == 400
    assert nameless.json() == {"error": "display_name is required"}
    console.create_user("us", "b.simon@contoso.com", "B.Simon")
    again = harness.http.post(
        f"{base}/users/us",
        json={"email": "B.Simon@contoso.com", "display_name": "B.Simon"},
        headers=headers,
    )
    assert again.status_code == 409
