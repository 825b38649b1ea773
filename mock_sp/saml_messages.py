"""SAML messages a vendor SP sends and reads besides the Response: AuthnRequest, LogoutRequest,
LogoutResponse, over the HTTP-Redirect binding (SAML Bindings §3.4); no Flask."""

from __future__ import annotations

import base64
import binascii
import uuid
import zlib
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from lxml import etree

from mock_kernel.clock import saml_instant
from mock_kernel.limits import inflate_raw

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
UNSPECIFIED = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"


def request_id() -> str:
    # SAML Core §1.3.4: an xs:ID, so it must not start with a digit (Entra AADSTS7500529).
    return "id" + uuid.uuid4().hex


def redirect_url(
    endpoint: str, parameter: str, message: etree._Element, relay_state: str | None = None
) -> str:
    """HTTP-Redirect binding: raw DEFLATE, base64, URL-encoded query parameter."""
    xml = etree.tostring(message, encoding="utf-8", xml_declaration=False)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    encoded = base64.b64encode(compressor.compress(xml) + compressor.flush()).decode()
    query = {parameter: encoded, **({"RelayState": relay_state} if relay_state else {})}
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}{urlencode(query)}"


def decode_redirect(value: str) -> etree._Element:
    """A Redirect-bound message (SAML Bindings §3.4.4.1); anything that is not one (bad base64,
    a broken or oversized DEFLATE stream, malformed XML, a DTD) raises ValueError."""
    try:
        raw = base64.b64decode(value.encode("ascii").translate(None, b" \t\r\n"), validate=True)
    except (UnicodeEncodeError, binascii.Error) as error:
        raise ValueError(f"not base64: {error}") from None
    xml = inflate_raw(raw)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as error:
        raise ValueError(f"not XML: {error}") from None
    if root.getroottree().docinfo.doctype:
        raise ValueError("a DTD is not allowed in a SAML message")
    return root


def _root(tag: str, identifier: str, now: datetime, destination: str) -> etree._Element:
    root = etree.Element(f"{{{SAMLP}}}{tag}", nsmap={"samlp": SAMLP, "saml": SAML})
    root.set("ID", identifier)
    root.set("Version", "2.0")
    root.set("IssueInstant", saml_instant(now))
    root.set("Destination", destination)
    return root


def authn_request(
    identifier: str,
    issuer: str,
    destination: str,
    acs_url: str,
    now: datetime,
    force_authn: bool = False,
) -> etree._Element:
    root = _root("AuthnRequest", identifier, now, destination)
    root.set("AssertionConsumerServiceURL", acs_url)
    root.set("ProtocolBinding", POST)
    if force_authn:
        root.set("ForceAuthn", "true")
    etree.SubElement(root, f"{{{SAML}}}Issuer").text = issuer
    etree.SubElement(root, f"{{{SAMLP}}}NameIDPolicy", Format=UNSPECIFIED, AllowCreate="true")
    return root


def logout_request(
    identifier: str,
    issuer: str,
    destination: str,
    name_id: str,
    name_id_format: str | None,
    session_index: str | None,
    now: datetime,
) -> etree._Element:
    root = _root("LogoutRequest", identifier, now, destination)
    etree.SubElement(root, f"{{{SAML}}}Issuer").text = issuer
    name = etree.SubElement(root, f"{{{SAML}}}NameID")
    name.text = name_id
    if name_id_format:
        name.set("Format", name_id_format)
    if session_index:
        etree.SubElement(root, f"{{{SAMLP}}}SessionIndex").text = session_index
    return root


def logout_response(
    identifier: str, issuer: str, destination: str, in_response_to: str, now: datetime
) -> etree._Element:
    root = _root("LogoutResponse", identifier, now, destination)
    root.set("InResponseTo", in_response_to)
    etree.SubElement(root, f"{{{SAML}}}Issuer").text = issuer
    status = etree.SubElement(root, f"{{{SAMLP}}}Status")
    etree.SubElement(status, f"{{{SAMLP}}}StatusCode", Value=SUCCESS)
    return root


@dataclass
class LogoutMessage:
    kind: str  # "LogoutRequest" or "LogoutResponse"
    id: str
    issuer: str
    in_response_to: str | None
    name_id: str | None
    session_index: str | None
    status: str | None


def read_logout(value: str) -> LogoutMessage:
    root = decode_redirect(value)
    kind = etree.QName(root).localname
    if kind not in ("LogoutRequest", "LogoutResponse"):
        raise ValueError(f"expected a logout message, got {kind}")
    status = root.find(f"{{{SAMLP}}}Status/{{{SAMLP}}}StatusCode")
    return LogoutMessage(
        kind=kind,
        id=root.get("ID", ""),
        issuer=(root.findtext(f"{{{SAML}}}Issuer") or "").strip(),
        in_response_to=root.get("InResponseTo"),
        name_id=root.findtext(f"{{{SAML}}}NameID"),
        session_index=root.findtext(f"{{{SAMLP}}}SessionIndex"),
        status=status.get("Value") if status is not None else None,
    )
