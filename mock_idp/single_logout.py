"""Single sign-out (ENTRA-BEHAVIOUR §6; docs "Single sign-out SAML protocol"): LogoutRequests
in and out over HTTP-Redirect, the LogoutResponse with Entra's issuer quirk, and the chain
through the session's other participants; no Flask."""

from __future__ import annotations

import base64
import string
import zlib
from dataclasses import dataclass, field
from datetime import timedelta

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from lxml import etree

from mock_kernel.clock import parse_instant, saml_instant

from .aadsts import AadstsError
from .authn_request import SAML, SAMLP, find_app_by_issuer
from .claims import name_id_value
from .enterprise_apps import EnterpriseApp
from .entra_xml import tostring
from .ids import saml_id
from .tenant import LoginSession, Tenant
from .xml_signing import SigningKey, load_key

SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
# How old a LogoutRequest may be (an assumption: the docs give no number; AADSTS50071).
MAX_AGE = timedelta(minutes=10)
# Entra signs the messages it sends over HTTP-Redirect with RSA-SHA256 (SigAlg and Signature in
# the query: pysaml2 issue #957, ruby-saml PR #627, python3-saml README "lower-case
# url-encoding").
SIG_ALG = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
_URL_SAFE = frozenset((string.ascii_letters + string.digits + "-_.!*()").encode())


@dataclass
class LogoutChain:
    """A sign-out in progress: who asked, and which participants still need a LogoutRequest."""

    initiator: str | None  # app object id, None when the user signed out at Entra
    request_id: str | None
    relay_state: str | None
    remaining: list[str] = field(default_factory=list)
    sent: dict[str, str] = field(default_factory=dict)  # our LogoutRequest id -> app id


def entra_url_encode(value: str) -> str:
    """.NET's HttpUtility.UrlEncode, which Entra's query strings use: lower-case hex escapes
    (`%2f`, not `%2F`), space as `+`, only letters, digits and `-_.!*()` left as they are
    (`~` too is escaped). SPs that re-encode the decoded values to check the signature fail on
    it unless told (python3-saml `lowercase_urlencoding`, php-saml `lowercaseUrlencoding`,
    ruby-saml PR #627)."""
    return "".join(
        chr(byte) if byte in _URL_SAFE else "+" if byte == 0x20 else f"%{byte:02x}"
        for byte in value.encode()
    )


def redirect(
    endpoint: str,
    parameter: str,
    message: etree._Element,
    relay_state: str | None = None,
    key: SigningKey | None = None,
) -> str:
    """HTTP-Redirect binding: raw DEFLATE, base64, URL-encoded (SAML Bindings §3.4.4); with
    `key`, signed over `SAMLxxx=…&RelayState=…&SigAlg=…` exactly as the query carries them
    (§3.4.4.1), in Entra's encoding."""
    xml = tostring(message)
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    encoded = base64.b64encode(deflater.compress(xml) + deflater.flush()).decode()
    pairs = [(parameter, encoded)]
    if relay_state:
        pairs.append(("RelayState", relay_state))
    if key is not None:
        pairs.append(("SigAlg", SIG_ALG))
    query = "&".join(f"{name}={entra_url_encode(value)}" for name, value in pairs)
    if key is not None:
        signature = key.private_key.sign(query.encode(), padding.PKCS1v15(), hashes.SHA256())
        query += "&Signature=" + entra_url_encode(base64.b64encode(signature).decode())
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


def message_signing_key(app: EnterpriseApp) -> SigningKey | None:
    """The app's active SAML signing certificate signs its logout messages (what the SP was
    given in the metadata or the Base64 download); none when it has no active certificate."""
    certificate = app.active_certificate
    if certificate is None:
        return None
    return load_key(certificate.private_key_pem, certificate.pem)


def read_logout_request(tenant: Tenant, root: etree._Element) -> tuple[EnterpriseApp, str]:
    """§6: ID, Version, IssueInstant, an Issuer that is an app's identifier, a NameID."""
    if root.tag != f"{{{SAMLP}}}LogoutRequest" or root.get("Version") != "2.0":
        raise AadstsError.of(75005)
    request_id = root.get("ID", "")
    issuer = (root.findtext(f"{{{SAML}}}Issuer") or "").strip()
    if (
        not request_id
        or not root.get("IssueInstant")
        or not issuer
        or (root.find(f"{{{SAML}}}NameID") is None)
    ):
        raise AadstsError.of(50061)
    try:
        issued = parse_instant(root.get("IssueInstant", ""))
    except ValueError:
        raise AadstsError.of(75005) from None
    if tenant.clock.now() - issued > MAX_AGE:
        raise AadstsError.of(50071)
    try:
        app = find_app_by_issuer(tenant, issuer)
    except AadstsError:
        raise AadstsError.of(50061) from None
    return app, request_id


def _message(tag: str, destination: str, issuer: str, tenant: Tenant) -> etree._Element:
    root = etree.Element(f"{{{SAMLP}}}{tag}", nsmap={"samlp": SAMLP})
    root.set("ID", saml_id())
    root.set("Version", "2.0")
    root.set("IssueInstant", saml_instant(tenant.clock.now()))
    root.set("Destination", destination)
    etree.SubElement(root, f"{{{SAML}}}Issuer", nsmap={None: SAML}).text = issuer
    return root


def logout_response(tenant: Tenant, app: EnterpriseApp, in_response_to: str) -> etree._Element:
    """§6: the LogoutResponse Issuer is https://login.microsoftonline.com/{tid}/, not the
    sts.windows.net issuer of every other message."""
    root = _message("LogoutResponse", app.logout_url or "", tenant.logout_issuer, tenant)
    root.set("InResponseTo", in_response_to)
    status = etree.SubElement(root, f"{{{SAMLP}}}Status")
    etree.SubElement(status, f"{{{SAMLP}}}StatusCode", Value=SUCCESS)
    return root


def logout_request(tenant: Tenant, app: EnterpriseApp, session: LoginSession) -> etree._Element:
    """What Entra sends each other participant: their NameID for the user."""
    root = _message("LogoutRequest", app.logout_url or "", tenant.issuer, tenant)
    user = tenant.directory.get(session.user_id, include_deleted=True)
    name_id = etree.SubElement(root, f"{{{SAML}}}NameID", nsmap={None: SAML})
    name_id.text = name_id_value(user, app.claims)
    name_id.set("Format", app.claims.name_id.format)
    return root


def start_chain(
    tenant: Tenant,
    session: LoginSession | None,
    initiator: EnterpriseApp | None,
    request_id: str | None,
    relay_state: str | None,
) -> LogoutChain:
    """Every participant but the initiator that has a Logout Url gets a LogoutRequest (§6);
    the initiator must itself be a participant of the session (AADSTS50068)."""
    participants = list(session.participants) if session else []
    if session is not None and initiator is not None and initiator.app_id not in participants:
        raise AadstsError.of(50068)
    remaining = []
    for app_id in participants:
        try:
            app = tenant.find_app(app_id)
        except KeyError:
            continue
        if app is not initiator and app.logout_url:
            remaining.append(app.object_id)
    return LogoutChain(
        initiator.object_id if initiator else None, request_id, relay_state, remaining
    )
