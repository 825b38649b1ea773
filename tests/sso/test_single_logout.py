"""Single sign-out over HTTP with the 8x8 mock: SP-initiated Sign Out with Entra's
LogoutResponse issuer quirk, and Entra's LogoutRequest ending the 8x8 session (§6)."""

from __future__ import annotations

import pytest
from lxml import etree

from harness.clients.http_browser import HttpBrowser, forms_of
from harness.clients.people import b_simon
from harness.clients.session import Harness
from harness.clients.vendor_setup import configure_vendor_sso, create_vendor_user
from harness.serving.stack import DEMO_PASSWORD

SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
ENTITY = "https://sso.8x8.com/saml2"


@pytest.fixture
def browser(harness: Harness) -> HttpBrowser:
    """B.Simon signed in to 8x8 SP-initiated; 8x8's Logout Url set in Basic SAML Configuration."""
    person = b_simon(DEMO_PASSWORD)
    user = harness.admin.create_user(person.password, **person.properties)
    app = harness.admin.add_gallery_app("8x8")
    harness.admin.configure_saml(
        app, [ENTITY], [ENTITY], logout_url="https://sso.8x8.com/saml2/logout"
    )
    harness.admin_center.set_basic(app, signOnUrl="https://sso.8x8.com")
    harness.admin.assign(app, user["id"])
    configure_vendor_sso(harness, "8x8", "global", app)
    create_vendor_user(harness, "8x8", "global", person)
    http = HttpBrowser(harness.stack.http_client())
    page = http.sign_in(http.get("https://sso.8x8.com/"), person.upn, person.password)
    landing = http.post_autopost(page)
    assert "Signed in as" in landing.text
    yield http
    http.close()


def logged(harness: Harness, kind: str) -> list[dict]:  # type: ignore[type-arg]
    return [m for m in harness.saml_log() if m["kind"] == kind]


def test_sign_out_at_8x8_ends_both_sessions(harness: Harness, browser: HttpBrowser) -> None:
    page = browser.get("https://sso.8x8.com/logout")
    assert "You are signed out" in page.text
    request = etree.fromstring(logged(harness, "LogoutRequest")[-1]["xml"].encode())
    response = etree.fromstring(logged(harness, "LogoutResponse")[-1]["xml"].encode())
    assert response.get("InResponseTo") == request.get("ID")
    assert response.findtext(f"{{{SAML}}}Issuer") == (
        f"https://login.microsoftonline.com/{harness.tenant_id}/"
    )
    events = harness.acs_log("8x8")["global"]
    assert events[-1]["kind"] == "LogoutResponse" and events[-1]["accepted"]
    again = browser.get("https://sso.8x8.com/")
    assert any("loginfmt" in f.fields for f in forms_of(again)), "Entra's session ended too"


def test_signing_out_at_entra_ends_the_8x8_session(harness: Harness, browser: HttpBrowser) -> None:
    page = browser.get(f"https://login.microsoftonline.com/{harness.tenant_id}/oauth2/logout")
    assert "You signed out of your account" in page.text
    sent = logged(harness, "LogoutRequest")
    assert (
        sent
        and sent[-1]["direction"] == "out"
        and sent[-1]["endpoint"] == ("https://sso.8x8.com/saml2/logout")
    )
    events = harness.acs_log("8x8")["global"]
    assert events[-1]["kind"] == "LogoutRequest" and events[-1]["accepted"]
    assert browser.get("https://sso.8x8.com/app").status_code == 401


def test_a_logout_request_from_an_unknown_issuer_is_refused(
    harness: Harness, browser: HttpBrowser
) -> None:
    from mock_sp.saml_messages import logout_request, redirect_url

    message = logout_request(
        "idlogout",
        "https://unknown.example",
        f"https://login.microsoftonline.com/{harness.tenant_id}/saml2",
        "B.Simon@contoso.com",
        None,
        None,
        harness.stack.clock.now(),
    )
    page = browser.get(
        redirect_url(
            f"https://login.microsoftonline.com/{harness.tenant_id}/saml2", "SAMLRequest", message
        )
    )
    assert 'data-aadsts="50061"' in page.text
