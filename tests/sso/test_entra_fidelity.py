"""The last differences from real Entra (issue 19), each held byte-exact where a client sees the
bytes: start-tag attribute order, the metadata head and claim types, the certificate, the
validity window's base time, NameID for `unspecified` and the signed Redirect LogoutResponse."""

from __future__ import annotations

import base64
import re
import zlib
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, unquote_plus, urlsplit

import pytest
import xmlsec
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import NameOID
from lxml import etree

from harness.clients.http_browser import HttpBrowser, forms_of
from harness.clients.people import b_simon
from harness.clients.session import Harness
from harness.clients.tenant_admin import AppHandle
from harness.clients.vendor_setup import configure_vendor_sso, create_vendor_user
from harness.serving.stack import DEMO_PASSWORD
from mock_idp.certificates import SigningCertificate
from mock_idp.entra_xml import tostring
from mock_idp.saml_response import validity_base
from mock_idp.single_logout import entra_url_encode
from mock_kernel.clock import parse_instant

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
ENTITY = "https://sso.8x8.com/saml2"
UNSPECIFIED = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
# The capture's ClaimTypesOffered, in order (issue 19; docs/fidelity.md gives the source).
CAPTURED_CLAIM_TYPES = [
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
    "http://schemas.microsoft.com/identity/claims/displayname",
    "http://schemas.microsoft.com/identity/claims/nickname",
    "http://schemas.microsoft.com/ws/2008/06/identity/claims/authenticationinstant",
    "http://schemas.microsoft.com/ws/2008/06/identity/claims/authenticationmethod",
    "http://schemas.microsoft.com/identity/claims/objectidentifier",
    "http://schemas.microsoft.com/identity/claims/tenantid",
    "http://schemas.microsoft.com/identity/claims/identityprovider",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
    "http://schemas.microsoft.com/identity/claims/accesstoken",
    "http://schemas.microsoft.com/ws/2008/06/identity/claims/expiration",
    "http://schemas.microsoft.com/identity/claims/openid2_id",
    "http://schemas.microsoft.com/claims/groups.link",
    "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
    "http://schemas.microsoft.com/ws/2008/06/identity/claims/wids",
]


# --- the serializer ---------------------------------------------------------------------------


def test_namespace_declarations_follow_the_attributes_and_nothing_else_moves() -> None:
    root = etree.Element(f"{{{SAMLP}}}Response", nsmap={"samlp": SAMLP})
    for name, value in [("ID", "_1"), ("Version", "2.0"), ("Destination", 'a"<>&b')]:
        root.set(name, value)
    assertion = etree.SubElement(root, f"{{{SAML}}}Assertion", nsmap={None: SAML})
    assertion.set("ID", "_2")
    etree.SubElement(assertion, f"{{{SAML}}}Issuer").text = "x > y"
    assert tostring(root) == (
        b'<samlp:Response ID="_1" Version="2.0" Destination="a&quot;&lt;&gt;&amp;b" '
        b'xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><Assertion ID="_2" '
        b'xmlns="urn:oasis:names:tc:SAML:2.0:assertion"><Issuer>x &gt; y</Issuer></Assertion>'
        b"</samlp:Response>"
    )
    # The same infoset: a verifier that re-parses sees no difference.
    assert etree.tostring(etree.fromstring(tostring(root)), method="c14n") == etree.tostring(
        root, method="c14n"
    )


# --- the certificate --------------------------------------------------------------------------


def test_signing_certificates_have_the_real_serial_name_and_lifetime() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime(2024, 2, 29, 18, 26, 59, 512_000, tzinfo=UTC)
    for _ in range(64):  # a random serial: 64 draws catch a 17- or 20-byte generator
        certificate = SigningCertificate.create(key, now).certificate
        serial = certificate.serial_number
        assert (serial.bit_length() + 8) // 8 == 16, "DER INTEGER of 16 bytes, positive"
    (common_name,) = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    assert common_name.value == "Microsoft Azure Federated SSO Certificate"
    assert common_name._type == _ASN1Type.PrintableString
    assert certificate.issuer == certificate.subject
    assert certificate.version == x509.Version.v3 and len(certificate.extensions) == 0
    assert certificate.not_valid_before_utc == datetime(2024, 2, 29, 18, 26, 59, tzinfo=UTC)
    # Three calendar years (a 1,095-day lifetime would end 2027-02-28 or a day off elsewhere).
    assert certificate.not_valid_after_utc == datetime(2027, 2, 28, 18, 26, 59, tzinfo=UTC)
    later = SigningCertificate.create(key, datetime(2021, 3, 26, 18, 26, 59, tzinfo=UTC))
    assert later.not_after == datetime(2024, 3, 26, 18, 26, 59, tzinfo=UTC)  # the capture's pair


# --- the validity window ----------------------------------------------------------------------


def test_the_validity_base_is_93_to_240_ms_before_issue_instant() -> None:
    issued = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    leads = {issued - validity_base(issued, f"_{n:08x}") for n in range(2000)}
    assert min(leads) == timedelta(milliseconds=93)
    assert max(leads) == timedelta(milliseconds=240)
    assert validity_base(issued, "_same") == validity_base(issued, "_same")


# --- over the wire ----------------------------------------------------------------------------


@pytest.fixture
def app(harness: Harness) -> AppHandle:
    person = b_simon(DEMO_PASSWORD)
    user = harness.admin.create_user(person.password, **person.properties)
    handle = harness.admin.add_gallery_app("8x8")
    harness.admin.configure_saml(
        handle, [ENTITY], [ENTITY], logout_url="https://sso.8x8.com/saml2/logout"
    )
    harness.admin_center.set_basic(handle, signOnUrl="https://sso.8x8.com")
    harness.admin.assign(handle, user["id"])
    return handle


def metadata_bytes(harness: Harness, app_id: str | None) -> bytes:
    url = (
        f"https://login.microsoftonline.com/{harness.tenant_id}/federationmetadata/2007-06/"
        "federationmetadata.xml" + (f"?appid={app_id}" if app_id else "")
    )
    with harness.stack.http_client() as client:
        response = client.get(url)
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize("per_app", [True, False])
def test_metadata_bytes_begin_as_entra_writes_them(
    harness: Harness, app: AppHandle, per_app: bool
) -> None:
    body = metadata_bytes(harness, app.app_id if per_app else None)
    head = re.escape(f'entityID="https://sts.windows.net/{harness.tenant_id}/"')
    assert re.match(
        ("\ufeff" if per_app else "").encode()
        + rb'<\?xml version="1\.0" encoding="utf-8"\?><EntityDescriptor ID="_[0-9a-f-]{36}" '
        + head.encode()
        + rb' xmlns="urn:oasis:names:tc:SAML:2\.0:metadata"><Signature xmlns="http://www\.w3\.org'
        rb'/2000/09/xmldsig#"><SignedInfo><CanonicalizationMethod Algorithm="[^"]+" />',
        body,
    ), body[:300]
    assert b"\n" not in body
    assert (
        b'<RoleDescriptor xsi:type="fed:SecurityTokenServiceType" protocolSupportEnumeration='
        b'"http://docs.oasis-open.org/wsfed/federation/200706" xmlns:xsi="http://www.w3.org/2001/'
        b'XMLSchema-instance" xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706">'
    ) in body
    assert re.search(rb'<SingleSignOnService Binding="[^"]+HTTP-POST" Location="[^"]+" />', body)


def test_metadata_offers_the_captured_claim_types_and_still_verifies(
    harness: Harness, app: AppHandle
) -> None:
    body = metadata_bytes(harness, app.app_id)
    root = etree.fromstring(body.removeprefix("\ufeff".encode()))
    offered = root.findall(".//{http://docs.oasis-open.org/wsfed/authorization/200706}ClaimType")
    assert [c.get("Uri") for c in offered] == CAPTURED_CLAIM_TYPES
    # The reordered bytes still carry a valid enveloped signature (libxmlsec1 checks them).
    signature = root.find(f"{{{DS}}}Signature")
    assert signature is not None
    pem = signature.findtext(f".//{{{DS}}}X509Certificate") or ""
    der = base64.b64decode(pem)
    context = xmlsec.SignatureContext()
    context.key = xmlsec.Key.from_memory(der, xmlsec.KeyFormat.CERT_DER)
    xmlsec.tree.add_ids(root, ["ID"])
    context.verify(signature)


def signed_in_browser(harness: Harness, app: AppHandle, relay_state: str = "") -> HttpBrowser:
    person = b_simon(DEMO_PASSWORD)
    configure_vendor_sso(harness, "8x8", "global", app)
    create_vendor_user(harness, "8x8", "global", person)
    http = HttpBrowser(harness.stack.http_client())
    page = http.sign_in(http.get("https://sso.8x8.com/"), person.upn, person.password)
    assert "Signed in as" in http.post_autopost(page).text
    return http


def app_certificate(harness: Harness, app: AppHandle) -> x509.Certificate:
    root = etree.fromstring(metadata_bytes(harness, app.app_id).removeprefix(b"\xef\xbb\xbf"))
    text = root.findtext(f"{{{MD}}}IDPSSODescriptor//{{{DS}}}X509Certificate") or ""
    return x509.load_der_x509_certificate(base64.b64decode(text))


def test_the_redirect_logout_response_is_signed_with_lower_case_escapes(
    harness: Harness, app: AppHandle
) -> None:
    http = signed_in_browser(harness, app)
    try:
        to_entra = http.client.get("https://sso.8x8.com/logout")
        back = http.client.get(to_entra.headers["location"])
    finally:
        http.close()
    location = back.headers["location"]
    assert location.startswith("https://sso.8x8.com/saml2/logout?SAMLResponse=")
    query = urlsplit(location).query
    names = [name for name, _ in parse_qsl(query)]
    assert names[0] == "SAMLResponse" and names[-2:] == ["SigAlg", "Signature"]
    assert "SigAlg=http%3a%2f%2fwww.w3.org%2f2001%2f04%2fxmldsig-more%23rsa-sha256&" in query
    assert re.findall(r"%[0-9a-fA-F]{2}", query) == re.findall(r"%[0-9a-f]{2}", query)
    signed, _, signature = query.partition("&Signature=")
    app_certificate(harness, app).public_key().verify(  # type: ignore[call-arg, union-attr]
        base64.b64decode(unquote_plus(signature)),
        signed.encode(),
        padding.PKCS1v15(),  # type: ignore[arg-type]
        hashes.SHA256(),  # type: ignore[arg-type]
    )
    # The message itself, byte for byte but IDs and instants: Entra's order, its issuer quirk.
    xml = zlib.decompress(base64.b64decode(dict(parse_qsl(query))["SAMLResponse"]), -15)
    assert re.fullmatch(
        rb'<samlp:LogoutResponse ID="_[0-9a-f-]{36}" Version="2\.0" IssueInstant="[0-9T:.-]+Z" '
        rb'Destination="https://sso\.8x8\.com/saml2/logout" InResponseTo="[^"]+" '
        rb'xmlns:samlp="urn:oasis:names:tc:SAML:2\.0:protocol">'
        rb'<Issuer xmlns="urn:oasis:names:tc:SAML:2\.0:assertion">https://login\.microsoftonline'
        rb"\.com/" + harness.tenant_id.encode() + rb"/</Issuer><samlp:Status><samlp:StatusCode "
        rb'Value="urn:oasis:names:tc:SAML:2\.0:status:Success"/></samlp:Status>'
        rb"</samlp:LogoutResponse>",
        xml,
    ), xml


def test_entra_url_encode_is_dotnet_url_encode() -> None:
    assert entra_url_encode("a+b/c=d e:f#g-h_i.j!k*l(m)n~o") == (
        "a%2bb%2fc%3dd+e%3af%23g-h_i.j!k*l(m)n%7eo"
    )


def test_unspecified_name_id_request_is_answered_unspecified_with_the_upn(
    harness: Harness, app: AppHandle
) -> None:
    from tests.sso.test_authn_requests import authn_request, redirect_url

    request = authn_request("idunspec")
    etree.SubElement(request, f"{{{SAMLP}}}NameIDPolicy", Format=UNSPECIFIED, AllowCreate="true")
    http = HttpBrowser(harness.stack.http_client())
    try:
        page = http.sign_in(
            http.get(redirect_url(harness, request)), b_simon(DEMO_PASSWORD).upn, DEMO_PASSWORD
        )
    finally:
        http.close()
    form = next(f for f in forms_of(page) if "SAMLResponse" in f.fields)
    response = etree.fromstring(base64.b64decode(form.fields["SAMLResponse"]))
    name_id = response.find(f".//{{{SAML}}}Subject/{{{SAML}}}NameID")
    assert name_id is not None
    assert (name_id.get("Format"), name_id.text) == (UNSPECIFIED, b_simon(DEMO_PASSWORD).upn)
    assert parse_instant(response.get("IssueInstant", ""))  # a well-formed answer


def test_the_logout_request_entra_sends_a_participant_is_signed_too(
    harness: Harness, app: AppHandle
) -> None:
    """Signing out at Entra: 8x8 gets a LogoutRequest over Redirect, signed like the response
    (pysaml2 issue #957, ruby-saml PR #627: Entra's LogoutRequests come signed, lower-case)."""
    http = signed_in_browser(harness, app)
    try:
        sign_out = http.client.get(
            f"https://login.microsoftonline.com/{harness.tenant_id}/oauth2/logout"
        )
    finally:
        http.close()
    location = sign_out.headers["location"]
    assert location.startswith("https://sso.8x8.com/saml2/logout?SAMLRequest=")
    query = urlsplit(location).query
    assert re.findall(r"%[0-9a-fA-F]{2}", query) == re.findall(r"%[0-9a-f]{2}", query)
    signed, _, signature = query.partition("&Signature=")
    assert "&SigAlg=http%3a%2f%2fwww.w3.org%2f2001%2f04%2fxmldsig-more%23rsa-sha256" in signed
    app_certificate(harness, app).public_key().verify(  # type: ignore[call-arg, union-attr]
        base64.b64decode(unquote_plus(signature)),
        signed.encode(),
        padding.PKCS1v15(),  # type: ignore[arg-type]
        hashes.SHA256(),  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("strict", "lowercase_urlencoding", "error", "reason"),
    [
        # python3-saml's README: "Some IdPs, notably Microsoft AD, use lower-case url-encoding,
        # which makes signature validation to fail" unless lowercase_urlencoding is set.
        (False, False, "invalid_logout_response_signature", None),
        (False, True, None, None),
        # Strict mode also compares the Issuer with the metadata's entityID: Entra's
        # LogoutResponse Issuer differs (docs/fidelity.md, Q1).
        (True, True, "invalid_logout_response", "Invalid issuer in the Logout Response"),
    ],
)
def test_python3_saml_meets_entras_logout_response_as_its_readme_says(
    harness: Harness,
    app: AppHandle,
    strict: bool,
    lowercase_urlencoding: bool,
    error: str | None,
    reason: str | None,
) -> None:
    from onelogin.saml2.auth import OneLogin_Saml2_Auth
    from onelogin.saml2.logout_response import OneLogin_Saml2_Logout_Response

    http = signed_in_browser(harness, app)
    try:
        to_entra = http.client.get("https://sso.8x8.com/logout")
        location = http.client.get(to_entra.headers["location"]).headers["location"]
    finally:
        http.close()
    certificate = app_certificate(harness, app)
    settings = {
        "strict": strict,
        "sp": {
            "entityId": ENTITY,
            "assertionConsumerService": {"url": ENTITY},
            "singleLogoutService": {"url": "https://sso.8x8.com/saml2/logout"},
        },
        "idp": {
            "entityId": f"https://sts.windows.net/{harness.tenant_id}/",
            "singleSignOnService": {
                "url": f"https://login.microsoftonline.com/{harness.tenant_id}/saml2"
            },
            "singleLogoutService": {
                "url": f"https://login.microsoftonline.com/{harness.tenant_id}/saml2"
            },
            "x509cert": base64.b64encode(certificate.public_bytes(Encoding.DER)).decode(),
        },
    }
    request = {
        "https": "on",
        "http_host": "sso.8x8.com",
        "script_name": "/saml2/logout",
        "get_data": dict(parse_qsl(urlsplit(location).query)),
        "lowercase_urlencoding": lowercase_urlencoding,
    }
    auth = OneLogin_Saml2_Auth(request, settings)
    auth.process_slo(keep_local_session=True)
    assert auth.get_errors()[:1] == ([error] if error else []), auth.get_errors()
    if reason is not None:  # the signature held; the response itself was refused, for this
        refused = OneLogin_Saml2_Logout_Response(
            auth.get_settings(), request["get_data"]["SAMLResponse"]
        )
        assert not refused.is_valid(request)
        assert reason in (refused.get_error() or "")
