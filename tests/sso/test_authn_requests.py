"""SP-initiated sign-in over HTTP: each AuthnRequest rule of ENTRA-BEHAVIOUR §3 with its exact
AADSTS code on Entra's error page, and the happy path accepted by python3-saml in strict mode."""

from __future__ import annotations

import base64
import re
import zlib
from typing import Any
from urllib.parse import urlencode

import pytest
from lxml import etree

from harness.clients.http_browser import HttpBrowser, forms_of
from harness.clients.people import b_simon
from harness.clients.session import Harness
from harness.clients.tenant_admin import AppHandle
from harness.serving.stack import DEMO_PASSWORD

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
ENTITY = "https://sso.8x8.com/saml2"


@pytest.fixture
def app(harness: Harness) -> AppHandle:
    person = b_simon(DEMO_PASSWORD)
    user = harness.admin.create_user(person.password, **person.properties)
    handle = harness.admin.add_gallery_app("8x8")
    harness.admin.configure_saml(handle, [ENTITY], [ENTITY])
    harness.admin.assign(handle, user["id"])
    return handle


def authn_request(
    request_id: str = "id1234", issuer: str = ENTITY, acs: str | None = ENTITY, **attributes: str
) -> etree._Element:
    root = etree.Element(
        f"{{{SAMLP}}}AuthnRequest",
        nsmap={"samlp": SAMLP, "saml": SAML},
        ID=request_id,
        Version="2.0",
        IssueInstant="2026-11-23T12:00:00Z",
    )
    if acs:
        root.set("AssertionConsumerServiceURL", acs)
    for name, value in attributes.items():
        root.set(name, value)
    etree.SubElement(root, f"{{{SAML}}}Issuer").text = issuer
    return root


def redirect_url(harness: Harness, message: etree._Element | bytes, relay_state: str = "") -> str:
    xml = message if isinstance(message, bytes) else etree.tostring(message)
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    encoded = base64.b64encode(deflater.compress(xml) + deflater.flush()).decode()
    query = {"SAMLRequest": encoded, **({"RelayState": relay_state} if relay_state else {})}
    return f"https://login.microsoftonline.com/{harness.tenant_id}/saml2?{urlencode(query)}"


def aadsts(page: Any) -> int | None:
    match = re.search(r'id="errorMessage" data-aadsts="(\d+)">AADSTS\1: ', page.text)
    if match and all(k in page.text for k in ("Request Id", "Correlation Id", "Timestamp")):
        return int(match.group(1))
    return None


def browser(harness: Harness) -> HttpBrowser:
    return HttpBrowser(harness.stack.http_client())


def with_child(root: etree._Element, tag: str, **attributes: str) -> etree._Element:
    etree.SubElement(root, tag, attributes)
    return root


CASES = [
    ("no SAMLRequest", None, 750054),
    ("not deflated", b"not-deflate", 75005),
    ("not an AuthnRequest", etree.Element(f"{{{SAMLP}}}ArtifactResolve"), 75005),
    ("ID starting with a digit", authn_request("1abc"), 7500529),
    ("unknown Issuer", authn_request(issuer="https://sso.8x8.com/saml2/"), 700016),
    ("Reply URL not registered", authn_request(acs="https://sso.8x8.com/other"), 50011),
    (
        "NameIDPolicy format",
        with_child(
            authn_request(),
            f"{{{SAMLP}}}NameIDPolicy",
            Format="urn:oasis:names:tc:SAML:2.0:nameid-format:kerberos",
        ),
        75016,
    ),
    ("Subject present", with_child(authn_request(), f"{{{SAML}}}Subject"), 900236),
]


@pytest.mark.parametrize(("case", "message", "code"), CASES, ids=[c[0] for c in CASES])
def test_broken_requests_get_their_aadsts_code(
    harness: Harness, app: AppHandle, case: str, message: Any, code: int
) -> None:
    if message is None:
        url = f"https://login.microsoftonline.com/{harness.tenant_id}/saml2"
    elif isinstance(message, bytes):
        url = (
            f"https://login.microsoftonline.com/{harness.tenant_id}/saml2?SAMLRequest="
            + base64.b64encode(message).decode()
        )
    else:
        url = redirect_url(harness, message)
    page = browser(harness).get(url)
    assert page.status_code == 400
    assert aadsts(page) == code


def test_requested_authn_context_must_be_exact(harness: Harness, app: AppHandle) -> None:
    request = authn_request()
    context = etree.SubElement(request, f"{{{SAMLP}}}RequestedAuthnContext", Comparison="minimum")
    etree.SubElement(
        context, f"{{{SAML}}}AuthnContextClassRef"
    ).text = "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"
    assert aadsts(browser(harness).get(redirect_url(harness, request))) == 75011


def test_post_binding_and_relay_state(harness: Harness, app: AppHandle) -> None:
    http = browser(harness)
    page = http._follow(
        http.client.post(
            f"https://login.microsoftonline.com/{harness.tenant_id}/saml2",
            data={
                "SAMLRequest": base64.b64encode(etree.tostring(authn_request("idpost"))).decode(),
                "RelayState": "opaque/state?x=1",
            },
        )
    )
    page = http.sign_in(page, "B.Simon@contoso.com", DEMO_PASSWORD)
    form = next(f for f in forms_of(page) if "SAMLResponse" in f.fields)
    assert form.fields["RelayState"] == "opaque/state?x=1"
    response = etree.fromstring(base64.b64decode(form.fields["SAMLResponse"]))
    assert response.get("InResponseTo") == "idpost"
    data = response.find(f".//{{{SAML}}}SubjectConfirmationData")
    assert data is not None and data.get("InResponseTo") == "idpost"


def test_is_passive_without_session_is_posted_as_no_passive(
    harness: Harness, app: AppHandle
) -> None:
    page = browser(harness).get(redirect_url(harness, authn_request("idpassive", IsPassive="true")))
    form = next(f for f in forms_of(page) if "SAMLResponse" in f.fields)
    response = etree.fromstring(base64.b64decode(form.fields["SAMLResponse"]))
    codes = [c.get("Value") for c in response.iter(f"{{{SAMLP}}}StatusCode")]
    assert codes == [
        "urn:oasis:names:tc:SAML:2.0:status:Requester",
        "urn:oasis:names:tc:SAML:2.0:status:NoPassive",
    ]
    assert response.findtext(f".//{{{SAMLP}}}StatusMessage", "").startswith("AADSTS50058: ")
    assert response.find(f"{{{SAML}}}Assertion") is None


def test_session_gives_sso_and_force_authn_reprompts(harness: Harness, app: AppHandle) -> None:
    http = browser(harness)
    page = http.sign_in(
        http.get(redirect_url(harness, authn_request("idfirst"))),
        "B.Simon@contoso.com",
        DEMO_PASSWORD,
    )
    assert any("SAMLResponse" in f.fields for f in forms_of(page))
    again = http.get(redirect_url(harness, authn_request("idsecond")))
    assert any("SAMLResponse" in f.fields for f in forms_of(again)), "the session signs in"
    forced = http.get(redirect_url(harness, authn_request("idforced", ForceAuthn="true")))
    assert any("loginfmt" in f.fields for f in forms_of(forced)), "ForceAuthn shows the form"


def test_python3_saml_accepts_the_sp_initiated_response_in_strict_mode(
    harness: Harness, app: AppHandle
) -> None:
    from onelogin.saml2.authn_request import OneLogin_Saml2_Authn_Request
    from onelogin.saml2.response import OneLogin_Saml2_Response
    from onelogin.saml2.settings import OneLogin_Saml2_Settings

    saml = harness.admin_center.saml(app)
    certificate = next(c for c in saml["samlSigningCertificate"]["certificates"] if c["active"])
    settings = OneLogin_Saml2_Settings(
        {
            "strict": True,
            "sp": {"entityId": ENTITY, "assertionConsumerService": {"url": ENTITY}},
            "idp": {
                "entityId": saml["setUp"]["microsoftEntraIdentifier"],
                "singleSignOnService": {"url": saml["setUp"]["loginUrl"]},
                "x509cert": certificate["key"],
            },
            "security": {"wantAssertionsSigned": True},
        }
    )
    request = OneLogin_Saml2_Authn_Request(settings)
    http = browser(harness)
    url = f"{saml['setUp']['loginUrl']}?" + urlencode(
        {"SAMLRequest": request.get_request(deflate=True)}
    )
    page = http.sign_in(http.get(url), "B.Simon@contoso.com", DEMO_PASSWORD)
    form = next(f for f in forms_of(page) if "SAMLResponse" in f.fields)
    response = OneLogin_Saml2_Response(settings, form.fields["SAMLResponse"])
    request_data = {"https": "on", "http_host": "sso.8x8.com", "script_name": "/saml2"}
    assert response.is_valid(request_data, request_id=request.get_id(), raise_exceptions=True)
    assert response.get_nameid() == "B.Simon@contoso.com"
