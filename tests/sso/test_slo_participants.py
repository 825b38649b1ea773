"""Single sign-out (ENTRA-BEHAVIOUR §6) over HTTP with the test as the browser and as two SPs:
the LogoutRequest from one participant, Entra's LogoutRequest to the other through a redirect,
its LogoutResponse back, then Entra's LogoutResponse (issuer quirk) to the initiator; the
session ends; each AADSTS error on Entra's error page."""

from __future__ import annotations

import base64
import re
import zlib
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from lxml import etree, html

from harness.clients.people import b_simon
from harness.clients.session import Harness
from harness.clients.tenant_admin import AppHandle
from harness.serving.stack import DEMO_PASSWORD
from mock_kernel.clock import saml_instant

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
A = "https://a.example.com"
B = "https://b.example.com"
C = "https://c.example.com"


class World:
    """The tenant with three SAML apps, A and B with a Logout Url, and B.Simon assigned to all."""

    def __init__(self, harness: Harness) -> None:
        self.harness = harness
        person = b_simon(DEMO_PASSWORD)
        user = harness.admin.create_user(person.password, **person.properties)
        self.apps: dict[str, AppHandle] = {}
        for base, logout in ((A, f"{A}/slo"), (B, f"{B}/slo"), (C, None)):
            app = harness.admin.add_gallery_app("RingCentral", display_name=base)
            harness.admin.configure_saml(app, [f"{base}/sp"], [f"{base}/acs"], logout_url=logout)
            harness.admin.assign(app, user["id"])
            self.apps[base] = app

    @property
    def saml2(self) -> str:
        return f"https://login.microsoftonline.com/{self.harness.tenant_id}/saml2"

    def settings(self, base: str) -> Any:
        """python3-saml settings of the SP at `base`, Entra as its IdP."""
        from onelogin.saml2.settings import OneLogin_Saml2_Settings

        saml = self.harness.admin_center.saml(self.apps[base])
        certificate = next(c for c in saml["samlSigningCertificate"]["certificates"] if c["active"])
        return OneLogin_Saml2_Settings(
            {
                "strict": True,
                "sp": {
                    "entityId": f"{base}/sp",
                    "assertionConsumerService": {"url": f"{base}/acs"},
                    "singleLogoutService": {"url": f"{base}/slo"},
                },
                "idp": {
                    "entityId": saml["setUp"]["microsoftEntraIdentifier"],
                    "singleSignOnService": {"url": saml["setUp"]["loginUrl"]},
                    "singleLogoutService": {"url": saml["setUp"]["logoutUrl"]},
                    "x509cert": certificate["key"],
                },
            }
        )


@pytest.fixture
def world(harness: Harness) -> World:
    return World(harness)


@pytest.fixture
def browser(harness: Harness) -> Iterator[httpx.Client]:
    """A cookie-keeping client that does not follow redirects: each hop is asserted."""
    with harness.stack.http_client(follow_redirects=False) as client:
        yield client


def deflate(xml: bytes) -> str:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return base64.b64encode(compressor.compress(xml) + compressor.flush()).decode()


def inflate(value: str) -> etree._Element:
    return etree.fromstring(zlib.decompress(base64.b64decode(value), -15))


def authn_request(base: str, request_id: str) -> str:
    root = etree.Element(f"{{{SAMLP}}}AuthnRequest", nsmap={"samlp": SAMLP, "saml": SAML})
    for name, value in (
        ("ID", request_id),
        ("Version", "2.0"),
        ("IssueInstant", "2026-11-23T12:00:00Z"),
    ):
        root.set(name, value)
    etree.SubElement(root, f"{{{SAML}}}Issuer").text = f"{base}/sp"
    return deflate(etree.tostring(root))


def sp_initiated(world: World, browser: httpx.Client, base: str, request_id: str) -> httpx.Response:
    query = urlencode({"SAMLRequest": authn_request(base, request_id)})
    return browser.get(f"{world.saml2}?{query}")


def sign_in(world: World, browser: httpx.Client, base: str) -> None:
    """SP-initiated sign-in to `base` through Entra's login pages (email, password, KMSI)."""
    page = sp_initiated(world, browser, base, "_signin")
    ctx = parse_qs(urlsplit(page.headers["location"]).query)["ctx"][0]
    login = f"https://login.microsoftonline.com/{world.harness.tenant_id}/login"
    browser.post(login, data={"ctx": ctx, "loginfmt": "B.Simon@contoso.com"})
    browser.post(
        login, data={"ctx": ctx, "loginfmt": "B.Simon@contoso.com", "passwd": DEMO_PASSWORD}
    )
    done = browser.post(
        f"https://login.microsoftonline.com/{world.harness.tenant_id}/kmsi",
        data={"ctx": ctx, "kmsi": "false"},
    )
    assert 'name="SAMLResponse"' in done.text


def signed_in_silently(world: World, browser: httpx.Client, base: str) -> bool:
    page = sp_initiated(world, browser, base, "_again")
    if page.status_code == 302:
        assert "/login?ctx=" in page.headers["location"]
        return False
    assert 'name="SAMLResponse"' in page.text
    return True


def logout_request(
    world: World, base: str, request_id: str = "_lo1", **changes: Any
) -> etree._Element:
    """A LogoutRequest from the SP at `base`, issued now; a change of None removes that part."""
    root = etree.Element(f"{{{SAMLP}}}LogoutRequest", nsmap={"samlp": SAMLP, "saml": SAML})
    instant = changes.get("instant", world.harness.stack.clock.now())
    attributes = {
        "ID": request_id,
        "Version": "2.0",
        "IssueInstant": saml_instant(instant) if instant is not None else None,
    }
    for name, value in attributes.items():
        if value is not None:
            root.set(name, value)
    if changes.get("issuer", "") is not None:
        etree.SubElement(root, f"{{{SAML}}}Issuer").text = changes.get("issuer", f"{base}/sp")
    if changes.get("name_id", "") is not None:
        etree.SubElement(root, f"{{{SAML}}}NameID").text = changes.get("name_id", "anyone")
    return root


def send(
    world: World, browser: httpx.Client, parameter: str, xml: bytes, relay_state: str | None
) -> httpx.Response:
    query = {parameter: deflate(xml), **({"RelayState": relay_state} if relay_state else {})}
    return browser.get(f"{world.saml2}?{urlencode(query)}")


def redirected(page: httpx.Response, to: str) -> tuple[str, etree._Element, str | None]:
    """An HTTP-Redirect binding hop to `to`: the parameter name, the message and RelayState."""
    assert page.status_code == 302, page.text
    target = urlsplit(page.headers["location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == to
    query = parse_qs(target.query)
    parameter = "SAMLRequest" if "SAMLRequest" in query else "SAMLResponse"
    relay = query.get("RelayState", [None])[0]
    return parameter, inflate(query[parameter][0]), relay


def error_code(page: httpx.Response) -> int:
    """Entra's error page: "AADSTSnnnnn: message", Request Id, Correlation Id, Timestamp."""
    assert page.status_code == 400, page.text
    document = html.fromstring(page.text)
    match = re.fullmatch(
        r"AADSTS(\d+): .+", document.get_element_by_id("errorMessage").text_content()
    )
    assert match
    for id_ in ("requestId", "correlationId", "timestamp"):
        assert document.get_element_by_id(id_).text_content().strip()
    return int(match.group(1))


def cookies_cleared(page: httpx.Response) -> bool:
    cleared = [c for c in page.headers.get_list("set-cookie") if "Expires=Thu, 01 Jan 1970" in c]
    return any(c.startswith("ESTSAUTH=") for c in cleared) and any(
        c.startswith("ESTSAUTHPERSISTENT=") for c in cleared
    )


def logged(harness: Harness) -> list[tuple[str, str, str]]:
    return [
        (m["direction"], m["kind"], m["endpoint"])
        for m in harness.saml_log()
        if m["kind"].startswith("Logout")
    ]


def test_sign_out_at_a_reaches_b_then_answers_a(world: World, browser: httpx.Client) -> None:
    from onelogin.saml2.logout_request import OneLogin_Saml2_Logout_Request
    from onelogin.saml2.logout_response import OneLogin_Saml2_Logout_Response

    sign_in(world, browser, A)
    assert signed_in_silently(world, browser, B), "B joins the session by SSO"

    # A signs out with python3-saml's LogoutRequest (HTTP-Redirect).
    request = OneLogin_Saml2_Logout_Request(world.settings(A), name_id="B.Simon@contoso.com")
    query = urlencode({"SAMLRequest": request.get_request(deflate=True), "RelayState": "a-state"})
    hop = browser.get(f"{world.saml2}?{query}")
    assert cookies_cleared(hop), "Entra's session cookies are cleared"

    # Entra sends B a LogoutRequest through the browser.
    parameter, to_b, chain = redirected(hop, f"{B}/slo")
    assert parameter == "SAMLRequest" and to_b.tag == f"{{{SAMLP}}}LogoutRequest"
    assert to_b.get("Destination") == f"{B}/slo" and to_b.get("ID", "").startswith("_")
    assert (
        to_b.findtext(f"{{{SAML}}}Issuer") == f"https://sts.windows.net/{world.harness.tenant_id}/"
    )
    assert to_b.findtext(f"{{{SAML}}}NameID") == "B.Simon@contoso.com"

    # B answers with python3-saml's LogoutResponse; Entra carries on to A.
    answer = OneLogin_Saml2_Logout_Response(world.settings(B))
    answer.build(to_b.get("ID"))
    back = browser.get(
        f"{world.saml2}?{urlencode({'SAMLResponse': answer.get_response(deflate=True), 'RelayState': chain})}"
    )
    parameter, to_a, relay = redirected(back, f"{A}/slo")
    assert parameter == "SAMLResponse" and relay == "a-state"
    assert to_a.tag == f"{{{SAMLP}}}LogoutResponse"
    # §6: the LogoutResponse Issuer is login.microsoftonline.com, not sts.windows.net.
    assert to_a.findtext(f"{{{SAML}}}Issuer") == (
        f"https://login.microsoftonline.com/{world.harness.tenant_id}/"
    )
    assert to_a.get("InResponseTo") == request.id
    assert to_a.get("Destination") == f"{A}/slo"
    status = to_a.find(f"{{{SAMLP}}}Status/{{{SAMLP}}}StatusCode")
    assert status is not None and status.get("Value") == SUCCESS

    assert logged(world.harness) == [
        ("in", "LogoutRequest", world.saml2),
        ("out", "LogoutRequest", f"{B}/slo"),
        ("in", "LogoutResponse", world.saml2),
        ("out", "LogoutResponse", f"{A}/slo"),
    ]
    assert all(m["binding"] == REDIRECT for m in world.harness.saml_log() if "Logout" in m["kind"])
    assert not signed_in_silently(world, browser, A), "the next sign-in asks for the password"


def test_a_participant_that_drops_relay_state_still_continues_the_chain(
    world: World, browser: httpx.Client
) -> None:
    """The chain is found by the LogoutResponse's InResponseTo when RelayState is missing."""
    sign_in(world, browser, A)
    signed_in_silently(world, browser, B)
    hop = send(world, browser, "SAMLRequest", etree.tostring(logout_request(world, A)), None)
    _, to_b, _ = redirected(hop, f"{B}/slo")
    answer = etree.Element(f"{{{SAMLP}}}LogoutResponse", nsmap={"samlp": SAMLP, "saml": SAML})
    for name, value in (
        ("ID", "_b1"),
        ("Version", "2.0"),
        ("IssueInstant", "2026-11-23T12:00:00Z"),
        ("InResponseTo", to_b.get("ID", "")),
    ):
        answer.set(name, value)
    etree.SubElement(answer, f"{{{SAML}}}Issuer").text = f"{B}/sp"
    etree.SubElement(
        etree.SubElement(answer, f"{{{SAMLP}}}Status"), f"{{{SAMLP}}}StatusCode", Value=SUCCESS
    )
    _, to_a, relay = redirected(
        send(world, browser, "SAMLResponse", etree.tostring(answer), None), f"{A}/slo"
    )
    assert to_a.get("InResponseTo") == "_lo1" and relay is None


def test_signing_out_at_entra_sends_every_participant_a_logout_request(
    world: World, browser: httpx.Client
) -> None:
    sign_in(world, browser, A)
    signed_in_silently(world, browser, B)
    hop = browser.get(f"https://login.microsoftonline.com/{world.harness.tenant_id}/oauth2/logout")
    for base in (A, B):
        _, message, chain = redirected(hop, f"{base}/slo")
        answer = etree.Element(
            f"{{{SAMLP}}}LogoutResponse",
            nsmap={"samlp": SAMLP},
            ID="_r" + base[8],
            Version="2.0",
            InResponseTo=message.get("ID", ""),
        )
        hop = send(world, browser, "SAMLResponse", etree.tostring(answer), chain)
    assert hop.status_code == 200 and "You signed out of your account" in hop.text
    assert not signed_in_silently(world, browser, B)


def test_initiator_not_in_the_session_is_50068_and_the_session_survives(
    world: World, browser: httpx.Client
) -> None:
    sign_in(world, browser, A)
    page = send(world, browser, "SAMLRequest", etree.tostring(logout_request(world, C)), "x")
    assert error_code(page) == 50068
    assert signed_in_silently(world, browser, A), "a refused sign-out ends nothing"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"issuer": "https://unknown.example/sp"}, 50061),
        ({"issuer": None}, 50061),
        ({"name_id": None}, 50061),
        ({"expired": True}, 50071),
    ],
    ids=["unknown issuer", "no issuer", "no NameID", "expired"],
)
def test_invalid_logout_requests(
    world: World, browser: httpx.Client, changes: dict[str, Any], code: int
) -> None:
    sign_in(world, browser, A)
    now = world.harness.stack.clock.now()
    instant = now - timedelta(minutes=30) if changes.pop("expired", False) else now
    message = logout_request(world, A, instant=instant, **changes)
    assert error_code(send(world, browser, "SAMLRequest", etree.tostring(message), None)) == code
    assert ("in", "LogoutRequest", world.saml2) in logged(world.harness)
    assert signed_in_silently(world, browser, A)


def test_malformed_and_post_binding_logout_requests_are_75005(
    world: World, browser: httpx.Client
) -> None:
    garbage = browser.get(
        f"{world.saml2}?{urlencode({'SAMLRequest': base64.b64encode(b'junk').decode()})}"
    )
    assert error_code(garbage) == 75005
    message = etree.tostring(logout_request(world, A))
    posted = browser.post(world.saml2, data={"SAMLRequest": base64.b64encode(message).decode()})
    assert error_code(posted) == 75005, "§6: single sign-out is HTTP-Redirect only"
