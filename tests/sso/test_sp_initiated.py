"""SP-initiated sign-in over HTTP, the test acting as the browser (no redirects followed):
the AuthnRequest rules of ENTRA-BEHAVIOUR §3 not covered by test_authn_requests.py (missing ID,
hardened parsing, both bindings, accepted NameID formats, signed requests, assignment), the
Response's Destination / Recipient / Audience / InResponseTo (§4) and the SAML log."""

from __future__ import annotations

import base64
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import httpx
import pytest
import xmlsec
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree, html

from harness.clients.people import b_simon
from harness.clients.session import Harness
from harness.clients.tenant_admin import AppHandle
from harness.serving.stack import DEMO_PASSWORD
from mock_sp.idp_settings import self_signed_key_pair

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"
REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
ENTITY = "https://sp.example.com/saml/metadata"
ACS = "https://sp.example.com/saml/acs"
SECOND_ACS = "https://sp.example.com/saml/acs2"


@dataclass
class Tenant:
    """What a test needs to talk to the tenant: its ids and an app configured for SAML."""

    harness: Harness
    app: AppHandle
    user_id: str

    @property
    def login_url(self) -> str:
        return f"https://login.microsoftonline.com/{self.harness.tenant_id}/saml2"

    @property
    def issuer(self) -> str:
        return f"https://sts.windows.net/{self.harness.tenant_id}/"


@pytest.fixture
def tenant(harness: Harness) -> Tenant:
    """B.Simon assigned to a RingCentral app (Identifier ENTITY, Reply URLs ACS and SECOND_ACS)."""
    person = b_simon(DEMO_PASSWORD)
    user = harness.admin.create_user(person.password, **person.properties)
    app = harness.admin.add_gallery_app("RingCentral")
    harness.admin.configure_saml(app, [ENTITY, "ringcentral-sp"], [ACS, SECOND_ACS])
    harness.admin.assign(app, user["id"])
    return Tenant(harness, app, user["id"])


@pytest.fixture
def browser(harness: Harness) -> Iterator[httpx.Client]:
    """A cookie-keeping client that does not follow redirects: each hop is asserted."""
    with harness.stack.http_client(follow_redirects=False) as client:
        yield client


def authn_request(
    request_id: str | None = "_req1",
    issuer: str = ENTITY,
    acs: str | None = ACS,
    **attributes: str,
) -> etree._Element:
    root = etree.Element(f"{{{SAMLP}}}AuthnRequest", nsmap={"samlp": SAMLP, "saml": SAML})
    if request_id is not None:
        root.set("ID", request_id)
    root.set("Version", "2.0")
    root.set("IssueInstant", "2026-11-23T12:00:00Z")
    if acs is not None:
        root.set("AssertionConsumerServiceURL", acs)
    for name, value in attributes.items():
        root.set(name, value)
    etree.SubElement(root, f"{{{SAML}}}Issuer").text = issuer
    return root


def deflate(xml: bytes) -> str:
    """HTTP-Redirect binding encoding: raw DEFLATE, then base64 (SAML Bindings §3.4.4.1)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return base64.b64encode(compressor.compress(xml) + compressor.flush()).decode()


def send_redirect(
    browser: httpx.Client, tenant: Tenant, message: etree._Element | bytes, relay_state: str = ""
) -> httpx.Response:
    xml = message if isinstance(message, bytes) else etree.tostring(message)
    query = {"SAMLRequest": deflate(xml), **({"RelayState": relay_state} if relay_state else {})}
    return browser.get(f"{tenant.login_url}?{urlencode(query)}")


def send_post(
    browser: httpx.Client, tenant: Tenant, message: etree._Element | bytes, relay_state: str = ""
) -> httpx.Response:
    xml = message if isinstance(message, bytes) else etree.tostring(message)
    data = {"SAMLRequest": base64.b64encode(xml).decode()}
    if relay_state:
        data["RelayState"] = relay_state
    return browser.post(tenant.login_url, data=data)


def form_fields(page: httpx.Response) -> tuple[str, dict[str, str]]:
    """The first form's action and inputs."""
    form = next(html.fromstring(page.text).iter("form"))
    fields = {i.get("name"): i.get("value", "") for i in form.iter("input") if i.get("name")}
    return str(form.get("action")), fields


def sign_in(browser: httpx.Client, page: httpx.Response, upn: str = "B.Simon@contoso.com") -> Any:
    """Entra's login pages after a redirect to /{tid}/login: email, password, "Stay signed in?"."""
    assert page.status_code == 302 and "/login?ctx=" in page.headers["location"], page.text
    ctx = parse_qs(urlsplit(page.headers["location"]).query)["ctx"][0]
    tid = urlsplit(page.headers["location"]).path.split("/")[1]
    login = f"https://login.microsoftonline.com/{tid}/login"
    password_page = browser.post(login, data={"ctx": ctx, "loginfmt": upn})
    assert 'name="passwd"' in password_page.text
    kmsi = browser.post(login, data={"ctx": ctx, "loginfmt": upn, "passwd": DEMO_PASSWORD})
    assert kmsi.status_code == 200 and "ESTSAUTH" in kmsi.headers.get("set-cookie", "")
    return browser.post(
        f"https://login.microsoftonline.com/{tid}/kmsi", data={"ctx": ctx, "kmsi": "false"}
    )


def posted_response(page: httpx.Response) -> tuple[str, etree._Element, dict[str, str]]:
    """The auto-post form's target, decoded SAMLResponse and fields."""
    assert page.status_code == 200, page.text
    action, fields = form_fields(page)
    assert "SAMLResponse" in fields, page.text
    return action, etree.fromstring(base64.b64decode(fields["SAMLResponse"])), fields


def error_code(page: httpx.Response) -> int:
    """Entra's error page (§3): "AADSTSnnnnn: message", Request Id, Correlation Id, Timestamp;
    and no form posts anything to the SP."""
    assert page.status_code == 400, page.text
    document = html.fromstring(page.text)
    message = document.get_element_by_id("errorMessage").text_content()
    match = re.fullmatch(r"AADSTS(\d+): .+", message, re.S)
    assert match, message
    for id_ in ("requestId", "correlationId", "timestamp"):
        assert document.get_element_by_id(id_).text_content().strip()
    for label in ("Request Id", "Correlation Id", "Timestamp"):
        assert label in page.text
    assert "Sorry, but we're having trouble signing you in." in page.text
    assert not list(document.iter("form")), "nothing is posted to the SP"
    return int(match.group(1))


def logged_requests(harness: Harness) -> list[dict[str, Any]]:
    return [m for m in harness.saml_log() if m["kind"] == "AuthnRequest"]


# --- the happy path, python3-saml as the SP -------------------------------------------------


def python3_saml_settings(tenant: Tenant, acs: str) -> Any:
    from onelogin.saml2.settings import OneLogin_Saml2_Settings

    saml = tenant.harness.admin_center.saml(tenant.app)
    certificate = next(c for c in saml["samlSigningCertificate"]["certificates"] if c["active"])
    return OneLogin_Saml2_Settings(
        {
            "strict": True,
            "sp": {"entityId": ENTITY, "assertionConsumerService": {"url": acs}},
            "idp": {
                "entityId": saml["setUp"]["microsoftEntraIdentifier"],
                "singleSignOnService": {"url": saml["setUp"]["loginUrl"]},
                "x509cert": certificate["key"],
            },
            "security": {"wantAssertionsSigned": True},
        }
    )


def test_python3_saml_request_to_a_second_reply_url(tenant: Tenant, browser: httpx.Client) -> None:
    """The request's AssertionConsumerServiceURL is honoured (§3): Destination and Recipient are
    that URL, Audience the matched Identifier, InResponseTo the request ID in both places (§4);
    python3-saml in strict mode accepts it with the request ID expected."""
    from onelogin.saml2.authn_request import OneLogin_Saml2_Authn_Request
    from onelogin.saml2.response import OneLogin_Saml2_Response

    settings = python3_saml_settings(tenant, SECOND_ACS)
    request = OneLogin_Saml2_Authn_Request(settings)
    query = urlencode(
        {"SAMLRequest": request.get_request(deflate=True), "RelayState": "/after?x=1&y=é"}
    )
    page = sign_in(browser, browser.get(f"{tenant.login_url}?{query}"))
    action, response, fields = posted_response(page)
    assert action == SECOND_ACS
    assert fields["RelayState"] == "/after?x=1&y=é"
    assert response.get("Destination") == SECOND_ACS
    assert response.get("InResponseTo") == request.get_id()
    data = response.find(f".//{{{SAML}}}SubjectConfirmationData")
    assert data is not None
    assert data.get("InResponseTo") == request.get_id()
    assert data.get("Recipient") == SECOND_ACS
    assert response.findtext(f".//{{{SAML}}}Audience") == ENTITY
    assert response.findtext(f"{{{SAML}}}Issuer") == tenant.issuer
    checked = OneLogin_Saml2_Response(settings, fields["SAMLResponse"])
    request_data = {"https": "on", "http_host": "sp.example.com", "script_name": "/saml/acs2"}
    assert checked.is_valid(request_data, request_id=request.get_id(), raise_exceptions=True)
    assert checked.get_nameid() == "B.Simon@contoso.com"


def test_without_acs_the_default_reply_url_and_audience_spn(
    harness: Harness, browser: httpx.Client
) -> None:
    """No AssertionConsumerServiceURL: the Default reply URL; an Issuer that is not a URI gets
    the Audience spn:<Issuer> (§4)."""
    person = b_simon(DEMO_PASSWORD)
    user = harness.admin.create_user(person.password, **person.properties)
    app = harness.admin.add_gallery_app("RingCentral")
    harness.admin.configure_saml(app, ["ringcentral-sp"], [ACS])
    harness.admin.assign(app, user["id"])
    tenant = Tenant(harness, app, user["id"])
    page = sign_in(
        browser, send_redirect(browser, tenant, authn_request("_nouri", "ringcentral-sp", None))
    )
    action, response, _ = posted_response(page)
    assert action == ACS and response.get("Destination") == ACS
    assert response.findtext(f".//{{{SAML}}}Audience") == "spn:ringcentral-sp"
    assert response.get("InResponseTo") == "_nouri"


def test_pysaml2_post_binding_request(tenant: Tenant, browser: httpx.Client) -> None:
    """An AuthnRequest built by pysaml2, sent with the HTTP-POST binding."""
    from saml2.client_base import Base
    from saml2.config import SPConfig

    config = SPConfig().load(
        {
            "entityid": ENTITY,
            "service": {
                "sp": {
                    "endpoints": {"assertion_consumer_service": [(ACS, POST)]},
                    "allow_unsolicited": False,
                    "authn_requests_signed": False,
                }
            },
            "metadata": {},
        }
    )
    request_id, request = Base(config).create_authn_request(
        tenant.login_url, binding=POST, nameid_format=None
    )
    page = sign_in(browser, send_post(browser, tenant, str(request).encode(), "pysaml2-state"))
    action, response, fields = posted_response(page)
    assert action == ACS and fields["RelayState"] == "pysaml2-state"
    assert response.get("InResponseTo") == request_id
    logged = logged_requests(tenant.harness)[-1]
    assert logged["binding"] == POST and logged["direction"] == "in"
    assert logged["endpoint"] == tenant.login_url and logged["relay_state"] == "pysaml2-state"
    assert request_id in logged["xml"]


@pytest.mark.parametrize(
    "name_id_format",
    [
        "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
        "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
        "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
        "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
    ],
)
def test_accepted_name_id_policy_formats(
    tenant: Tenant, browser: httpx.Client, name_id_format: str
) -> None:
    request = authn_request("_fmt")
    etree.SubElement(request, f"{{{SAMLP}}}NameIDPolicy", Format=name_id_format)
    _, response, _ = posted_response(sign_in(browser, send_redirect(browser, tenant, request)))
    assert response.get("InResponseTo") == "_fmt"


def test_every_authn_request_is_logged(tenant: Tenant, browser: httpx.Client) -> None:
    send_redirect(browser, tenant, authn_request("_logged"), "state-1")
    send_redirect(browser, tenant, authn_request("_refused", issuer="https://unknown.example"))
    first, second = logged_requests(tenant.harness)[-2:]
    assert first["binding"] == REDIRECT and first["relay_state"] == "state-1"
    assert 'ID="_logged"' in first["xml"] and first["direction"] == "in"
    assert first["endpoint"] == tenant.login_url
    assert 'ID="_refused"' in second["xml"], "a refused request is logged as received"


# --- errors on Entra's error page ----------------------------------------------------------


def test_missing_id_is_7500529(tenant: Tenant, browser: httpx.Client) -> None:
    assert error_code(send_redirect(browser, tenant, authn_request(None))) == 7500529


def test_digit_id_is_7500529_over_post_too(tenant: Tenant, browser: httpx.Client) -> None:
    assert error_code(send_post(browser, tenant, authn_request("2abc"))) == 7500529


def test_missing_saml_request_over_post_is_750054(tenant: Tenant, browser: httpx.Client) -> None:
    assert error_code(browser.post(tenant.login_url, data={"RelayState": "x"})) == 750054


@pytest.mark.parametrize(
    "body",
    [
        b"this is not xml",
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "x">]><samlp:AuthnRequest '
        b'xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_a" Version="2.0">&e;'
        b"</samlp:AuthnRequest>",
        etree.tostring(authn_request("_v1", Version="1.1")),
    ],
    ids=["not xml", "DTD with an entity", "version 1.1"],
)
def test_malformed_requests_are_75005(tenant: Tenant, browser: httpx.Client, body: bytes) -> None:
    assert error_code(send_post(browser, tenant, body)) == 75005


def test_issuer_that_is_only_similar_is_700016(tenant: Tenant, browser: httpx.Client) -> None:
    for issuer in (ENTITY + "/", ENTITY.upper(), "https://sp.example.com/saml"):
        assert error_code(send_redirect(browser, tenant, authn_request(issuer=issuer))) == 700016


def test_unmet_authn_context_is_75011(tenant: Tenant, browser: httpx.Client) -> None:
    request = authn_request()
    context = etree.SubElement(request, f"{{{SAMLP}}}RequestedAuthnContext", Comparison="exact")
    etree.SubElement(
        context, f"{{{SAML}}}AuthnContextClassRef"
    ).text = "urn:oasis:names:tc:SAML:2.0:ac:classes:X509"
    assert error_code(send_redirect(browser, tenant, request)) == 75011


def test_unassigned_user_is_50105_on_the_error_page(tenant: Tenant, browser: httpx.Client) -> None:
    """§3/§7: assignment is checked SP-initiated too; by default 50105 is shown, not posted."""
    tenant.harness.admin.create_user(
        DEMO_PASSWORD,
        displayName="Other",
        userPrincipalName="Other@contoso.com",
        mailNickname="other",
    )
    page = sign_in(browser, send_redirect(browser, tenant, authn_request()), "Other@contoso.com")
    assert error_code(page) == 50105


def test_posted_errors_are_a_tenant_setting(tenant: Tenant, browser: httpx.Client) -> None:
    """Which later errors are posted is an assumption (§3): with 50105 posted, the ACS gets a
    Requester / RequestDenied Response whose StatusMessage is the AADSTS text."""
    tenant.harness.stack.tenant.settings.posted_errors.add(50105)
    tenant.harness.admin.create_user(
        DEMO_PASSWORD,
        displayName="Other",
        userPrincipalName="Other@contoso.com",
        mailNickname="other",
    )
    page = sign_in(
        browser, send_redirect(browser, tenant, authn_request("_denied")), "Other@contoso.com"
    )
    action, response, _ = posted_response(page)
    assert action == ACS and response.get("InResponseTo") == "_denied"
    codes = [c.get("Value") for c in response.iter(f"{{{SAMLP}}}StatusCode")]
    assert codes == [
        "urn:oasis:names:tc:SAML:2.0:status:Requester",
        "urn:oasis:names:tc:SAML:2.0:status:RequestDenied",
    ]
    assert response.findtext(f".//{{{SAMLP}}}StatusMessage", "").startswith("AADSTS50105: ")
    assert response.find(f"{{{SAML}}}Assertion") is None


def test_is_passive_with_a_session_signs_in_silently(tenant: Tenant, browser: httpx.Client) -> None:
    sign_in(browser, send_redirect(browser, tenant, authn_request("_first")))
    page = send_redirect(browser, tenant, authn_request("_silent", IsPassive="true"))
    _, response, _ = posted_response(page)
    assert response.get("InResponseTo") == "_silent"
    codes = [c.get("Value") for c in response.iter(f"{{{SAMLP}}}StatusCode")]
    assert codes == ["urn:oasis:names:tc:SAML:2.0:status:Success"]


def test_force_authn_asks_for_the_password_again(tenant: Tenant, browser: httpx.Client) -> None:
    sign_in(browser, send_redirect(browser, tenant, authn_request("_first")))
    forced = send_redirect(browser, tenant, authn_request("_forced", ForceAuthn="true"))
    _, response, _ = posted_response(sign_in(browser, forced))
    assert response.get("InResponseTo") == "_forced"


# --- signed requests (§3: ignored unless the app requires them) -----------------------------


@pytest.fixture
def sp_key() -> tuple[rsa.RSAPrivateKey, bytes, bytes]:
    """The SP's signing key, its PEM and a self-signed certificate PEM."""
    key_pem, certificate_pem = self_signed_key_pair("sp.example.com", days=30)
    key = serialization.load_pem_private_key(key_pem, password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key, key_pem, certificate_pem.encode()


def require_signed_requests(tenant: Tenant) -> None:
    """The app's "Require verification certificates" setting has no Graph or admin center
    surface in this mock yet, so the test sets the flag on the in-process tenant."""
    tenant.harness.stack.tenant.find_app(tenant.app.app_id).require_signed_requests = True


def test_signature_is_ignored_unless_required(tenant: Tenant, browser: httpx.Client) -> None:
    query = urlencode(
        {"SAMLRequest": deflate(etree.tostring(authn_request())), "SigAlg": RSA_SHA256}
    )
    page = browser.get(f"{tenant.login_url}?{query}&Signature=bm90LWEtc2lnbmF0dXJl")
    assert page.status_code == 302 and "/login?ctx=" in page.headers["location"]


def test_unsigned_request_when_signing_is_required_is_76021(
    tenant: Tenant, browser: httpx.Client
) -> None:
    require_signed_requests(tenant)
    assert error_code(send_redirect(browser, tenant, authn_request())) == 76021
    assert error_code(send_post(browser, tenant, authn_request())) == 76021


def test_signed_redirect_request_when_signing_is_required(
    tenant: Tenant, browser: httpx.Client, sp_key: tuple[rsa.RSAPrivateKey, bytes, bytes]
) -> None:
    """HTTP-Redirect: the signature is SigAlg + Signature over the query string (SAML Bindings
    §3.4.4.1)."""
    require_signed_requests(tenant)
    signed_part = (
        f"SAMLRequest={quote(deflate(etree.tostring(authn_request('_signed'))), safe='')}"
        f"&RelayState=rs&SigAlg={quote(RSA_SHA256, safe='')}"
    )
    signature = sp_key[0].sign(signed_part.encode(), padding.PKCS1v15(), hashes.SHA256())
    query = f"{signed_part}&Signature={quote(base64.b64encode(signature).decode(), safe='')}"
    page = sign_in(browser, browser.get(f"{tenant.login_url}?{query}"))
    _, response, fields = posted_response(page)
    assert response.get("InResponseTo") == "_signed" and fields["RelayState"] == "rs"


def test_signed_post_request_when_signing_is_required(
    tenant: Tenant, browser: httpx.Client, sp_key: tuple[rsa.RSAPrivateKey, bytes, bytes]
) -> None:
    """HTTP-POST: the signature is an enveloped ds:Signature inside the AuthnRequest, after the
    Issuer (SAML Core §5.4); there is no Signature form field."""
    require_signed_requests(tenant)
    request = authn_request("_signedpost")
    template = xmlsec.template.create(
        request, xmlsec.Transform.EXCL_C14N, xmlsec.Transform.RSA_SHA256, ns="ds"
    )
    request.insert(1, template)
    reference = xmlsec.template.add_reference(template, xmlsec.Transform.SHA256, uri="#_signedpost")
    xmlsec.template.add_transform(reference, xmlsec.Transform.ENVELOPED)
    xmlsec.template.add_transform(reference, xmlsec.Transform.EXCL_C14N)
    xmlsec.template.add_x509_data(xmlsec.template.ensure_key_info(template))
    xmlsec.tree.add_ids(request, ["ID"])
    context = xmlsec.SignatureContext()
    context.key = xmlsec.Key.from_memory(sp_key[1], xmlsec.KeyFormat.PEM)
    context.key.load_cert_from_memory(sp_key[2], xmlsec.KeyFormat.PEM)
    context.sign(template)
    assert request.find(f"{{{DS}}}Signature") is not None
    page = sign_in(browser, send_post(browser, tenant, request))
    _, response, _ = posted_response(page)
    assert response.get("InResponseTo") == "_signedpost"


def test_request_errors_after_the_app_is_trusted_follow_the_setting(
    tenant: Tenant, browser: httpx.Client
) -> None:
    """75016 is shown by default; posted when the tenant setting says so, with the nested
    status InvalidNameIDPolicy and InResponseTo the request."""
    request = authn_request("_kerberos")
    etree.SubElement(
        request,
        f"{{{SAMLP}}}NameIDPolicy",
        Format="urn:oasis:names:tc:SAML:2.0:nameid-format:kerberos",
    )
    assert error_code(send_redirect(browser, tenant, request)) == 75016
    tenant.harness.stack.tenant.settings.posted_errors.add(75016)
    action, response, _ = posted_response(send_redirect(browser, tenant, request))
    assert action == ACS and response.get("InResponseTo") == "_kerberos"
    codes = [c.get("Value") for c in response.iter(f"{{{SAMLP}}}StatusCode")]
    assert codes == [
        "urn:oasis:names:tc:SAML:2.0:status:Requester",
        "urn:oasis:names:tc:SAML:2.0:status:InvalidNameIDPolicy",
    ]
    assert response.findtext(f".//{{{SAMLP}}}StatusMessage", "").startswith("AADSTS75016: ")
