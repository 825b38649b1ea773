"""SP-initiated sign-in: decode and validate an AuthnRequest exactly as Entra does
(ENTRA-BEHAVIOUR §3; docs "Single sign-on SAML protocol"), answering each broken case with its
AADSTS code; no Flask."""

from __future__ import annotations

import base64
import binascii
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml import etree

from .aadsts import AadstsError
from .enterprise_apps import EnterpriseApp
from .tenant import Tenant

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"
# §3: omitted, persistent, emailAddress, unspecified, transient; anything else is AADSTS75016.
ACCEPTED_NAMEID_FORMATS = {
    "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
    "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
    "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
    "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
}
# Password sign-in satisfies these authentication context classes (§4: the Response says Password).
SATISFIABLE_CONTEXTS = {
    "urn:oasis:names:tc:SAML:2.0:ac:classes:Password",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified",
}


@dataclass
class AuthnRequest:
    """What Entra keeps of a valid AuthnRequest to answer it."""

    id: str
    issuer: str
    app: EnterpriseApp
    acs_url: str
    audience: str
    force_authn: bool
    is_passive: bool
    relay_state: str | None
    xml: str
    name_id_format: str | None = None  # NameIDPolicy/@Format, when the request gives one


# A SAML protocol message Entra reads is a few KB (an AuthnRequest with its signature ~5 KB); a
# bigger one is refused as malformed (AADSTS75005) before it is inflated or parsed whole, so a
# small deflated query cannot become hundreds of MB (issue 17: 518 KB inflated to 400 MB).
MAX_MESSAGE_BYTES = 256 * 1024
# The base64 text of a POST-bound message: the decoded limit plus base64's third.
MAX_ENCODED_CHARS = MAX_MESSAGE_BYTES * 4 // 3 + 4


def decode(saml_request: str | None, binding: str) -> bytes:
    """HTTP-Redirect: base64 of raw DEFLATE; HTTP-POST: base64 (SAML Bindings §3.4.4, §3.5.4).
    Strict: base64 with anything after its padding, or a DEFLATE stream with bytes after its end,
    is not a message (AADSTS75005); inflating stops at MAX_MESSAGE_BYTES."""
    if not saml_request:
        raise AadstsError.of(750054)
    if len(saml_request) > MAX_ENCODED_CHARS:
        raise AadstsError.of(75005)
    try:
        # Line breaks are allowed in base64 (some SPs wrap at 76); nothing else outside it is.
        compact = saml_request.encode("ascii").translate(None, b" \t\r\n")
        raw = base64.b64decode(compact, validate=True)
        return inflate(raw) if binding == "redirect" else raw
    except (binascii.Error, UnicodeEncodeError, ValueError, zlib.error):
        raise AadstsError.of(75005) from None


def inflate(raw: bytes) -> bytes:
    """Raw DEFLATE (RFC 1951), streamed with a bound: a stream inflating past MAX_MESSAGE_BYTES
    or not ending where the data ends raises ValueError."""
    inflater = zlib.decompressobj(-15)
    document = inflater.decompress(raw, MAX_MESSAGE_BYTES + 1)
    if len(document) > MAX_MESSAGE_BYTES or inflater.unconsumed_tail:
        raise ValueError("the message inflates past the limit")
    if not inflater.eof or inflater.unused_data:
        raise ValueError("the DEFLATE stream does not end where the data ends")
    return document


def parse_message(document: bytes) -> etree._Element:
    """A SAML protocol message; DTDs and entities are refused like any malformed message, in any
    encoding (a UTF-16 document hides `<!DOCTYPE` from a byte test: the parsed tree is checked)."""
    if len(document) > MAX_MESSAGE_BYTES or b"<!DOCTYPE" in document.upper():
        raise AadstsError.of(75005)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(document, parser)
    except (etree.XMLSyntaxError, ValueError):
        raise AadstsError.of(75005) from None
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise AadstsError.of(75005)
    return root


def find_app_by_issuer(tenant: Tenant, issuer: str) -> EnterpriseApp:
    """§3: the Issuer must exactly equal one of an app's Identifiers (a trailing slash counts);
    Entra also finds an app by its Application ID, a service principal name (Genesys sends it)."""
    for app in tenant.apps.values():
        if issuer in app.identifiers or issuer == app.app_id:
            return app
    raise AadstsError.of(700016, identifier=issuer, tenant_id=tenant.tenant_id)


def is_signed(root: etree._Element, binding: str, parameters: Mapping[str, str]) -> bool:
    """Whether the request carries its binding's signature: HTTP-Redirect signs the query string
    (SigAlg and Signature parameters, SAML Bindings §3.4.4.1); HTTP-POST signs the message
    itself (an enveloped ds:Signature child, SAML Core §5.4). §3: only its presence matters
    here; the app has no verification certificate to check it against."""
    if binding == "redirect":
        return bool(parameters.get("Signature")) and bool(parameters.get("SigAlg"))
    return root.find(f"{{{DS}}}Signature") is not None


def identify(tenant: Tenant, root: etree._Element, relay_state: str | None) -> AuthnRequest:
    """The checks before Entra trusts the app and the ACS (§3: their errors are shown on Entra's
    error page, never posted): an AuthnRequest, its ID, its Issuer, its ACS URL."""
    if root.tag != f"{{{SAMLP}}}AuthnRequest" or root.get("Version") != "2.0":
        raise AadstsError.of(75005)
    request_id = root.get("ID", "")
    if not request_id or request_id[0].isdigit():
        # xs:ID cannot start with a digit (SAML Core §1.3.4).
        raise AadstsError.of(7500529, request_id=request_id)
    issuer = (root.findtext(f"{{{SAML}}}Issuer") or "").strip()
    app = find_app_by_issuer(tenant, issuer)
    acs_url = root.get("AssertionConsumerServiceURL")
    if acs_url is not None:
        if acs_url not in {reply.url for reply in app.reply_urls}:
            raise AadstsError.of(50011, reply_url=acs_url, app_id=app.app_id)
    else:
        acs_url = app.default_reply_url()
        if acs_url is None:
            raise AadstsError.of(50011, reply_url="", app_id=app.app_id)
    # §4: an Issuer that is not a URI gets the Audience spn:<Issuer>.
    audience = issuer if urlsplit(issuer).scheme else f"spn:{issuer}"
    return AuthnRequest(
        id=request_id,
        issuer=issuer,
        app=app,
        acs_url=acs_url,
        audience=audience,
        force_authn=root.get("ForceAuthn", "false").lower() == "true",
        is_passive=root.get("IsPassive", "false").lower() == "true",
        relay_state=relay_state,
        xml=etree.tostring(root).decode(),
        name_id_format=_requested_name_id_format(root),
    )


def _requested_name_id_format(root: etree._Element) -> str | None:
    policy = root.find(f"{{{SAMLP}}}NameIDPolicy")
    return policy.get("Format") if policy is not None else None


def check_request(authn: AuthnRequest, root: etree._Element, signed: bool) -> None:
    """The checks once the app and ACS are trusted (§3); whether their errors are posted to the
    ACS or shown is the tenant setting `posted_errors` (an assumption)."""
    if authn.app.require_signed_requests and not signed:
        raise AadstsError.of(76021)
    if root.find(f"{{{SAML}}}Subject") is not None:
        raise AadstsError.of(900236)
    policy = root.find(f"{{{SAMLP}}}NameIDPolicy")
    requested_format = policy.get("Format") if policy is not None else None
    if requested_format is not None and requested_format not in ACCEPTED_NAMEID_FORMATS:
        raise AadstsError.of(75016, format=requested_format)
    context = root.find(f"{{{SAMLP}}}RequestedAuthnContext")
    if context is not None:
        classes = {(c.text or "").strip() for c in context.iter(f"{{{SAML}}}AuthnContextClassRef")}
        if context.get("Comparison", "exact") != "exact" or not classes & SATISFIABLE_CONTEXTS:
            raise AadstsError.of(75011, requested=", ".join(sorted(classes)))


def validate(
    tenant: Tenant, root: etree._Element, relay_state: str | None, signed: bool
) -> AuthnRequest:
    """Every rule of §3, in order; the first broken one raises its AADSTS error."""
    authn = identify(tenant, root, relay_state)
    check_request(authn, root, signed)
    return authn
