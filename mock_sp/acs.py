"""A strict SP's Assertion Consumer Service check of a SAML Response (no Flask).

Signatures are verified by pysaml2's xmlsec1 backend (the `xmlsec1` program, independent of the
tenant's signer) with the certificates the vendor was configured with, never one in the message.
"""

from __future__ import annotations

import base64
import binascii
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import xmlsec
from lxml import etree
from saml2.sigver import CryptoBackendXmlSec1, SignatureError, XmlsecError

from harness.clock import parse_instant

from .idp_settings import IdpSettings

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"
XENC = "http://www.w3.org/2001/04/xmlenc#"
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
SIGNATURE_METHODS = {
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": "sha256",
    "http://www.w3.org/2000/09/xmldsig#rsa-sha1": "sha1",
}


class AcsRefusal(Exception):
    """The Response was refused; `check` names the rule that failed, for the vendor's error page."""

    def __init__(self, check: str, detail: str) -> None:
        super().__init__(f"{check}: {detail}")
        self.check = check
        self.detail = detail


@dataclass
class AcsPolicy:
    """What this SP requires of a Response."""

    entity_id: str
    acs_url: str
    idp: IdpSettings
    # Other names the SP answers to in Audience (Genesys: spn:<Relying Party Identifier>).
    extra_audiences: tuple[str, ...] = ()
    allow_unsolicited: bool = True
    # Which signatures satisfy the SP: the assertion's, the Response's, or either.
    required_signature: str = "either"
    allowed_algorithms: frozenset[str] = frozenset({"sha256", "sha1"})
    # The SP's private key for EncryptedAssertion (token encryption); None: it cannot decrypt.
    decryption_key_pem: bytes | None = None
    clock_skew: timedelta = timedelta(minutes=5)


@dataclass
class SignedInAssertion:
    name_id: str
    name_id_format: str | None
    attributes: dict[str, list[str]]
    assertion_id: str
    session_index: str | None
    in_response_to: str | None
    signed: list[str] = field(default_factory=list)  # "assertion" and/or "response"
    algorithm: str = ""


class ReplayCache:
    """Assertion IDs already consumed, each kept until its assertion expires."""

    def __init__(self) -> None:
        self._seen: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def check_and_add(self, assertion_id: str, expires: datetime, now: datetime) -> None:
        with self._lock:
            self._seen = {k: v for k, v in self._seen.items() if v > now}
            if assertion_id in self._seen:
                raise AcsRefusal("replay", f"assertion {assertion_id} was already used")
            self._seen[assertion_id] = expires

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()


class SignatureVerifier:
    """xmlsec1 (through pysaml2) with the configured certificates written to files once."""

    def __init__(self) -> None:
        self.backend = CryptoBackendXmlSec1("/usr/bin/xmlsec1")
        self._files: dict[str, Path] = {}
        self._directory = Path(tempfile.mkdtemp(prefix="mock-sp-certs-"))
        self._lock = threading.Lock()

    def _file(self, pem: str) -> Path:
        with self._lock:
            path = self._files.get(pem)
            if path is None:
                path = self._directory / f"cert-{len(self._files)}.pem"
                path.write_text(pem)
                self._files[pem] = path
            return path

    def verify(self, document: bytes, node_name: str, node_id: str, pems: Iterable[str]) -> bool:
        for pem in pems:
            try:
                if self.backend.validate_signature(
                    document, str(self._file(pem)), "pem", node_name, node_id
                ):
                    return True
            except (SignatureError, XmlsecError):
                continue
        return False


_verifier = SignatureVerifier()


def _parse(saml_response: str) -> tuple[bytes, etree._Element]:
    try:
        document = base64.b64decode(saml_response, validate=False)
    except (binascii.Error, ValueError):
        raise AcsRefusal("malformed", "SAMLResponse is not base64") from None
    if b"<!DOCTYPE" in document.upper():
        raise AcsRefusal("malformed", "DTDs are not allowed in a SAML message")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(document, parser)
    except etree.XMLSyntaxError as error:
        raise AcsRefusal("malformed", f"SAMLResponse is not XML: {error}") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:  # any encoding, e.g. UTF-16
        raise AcsRefusal("malformed", "DTDs are not allowed in a SAML message")
    if root.tag != f"{{{SAMLP}}}Response" or root.get("Version") != "2.0":
        raise AcsRefusal("malformed", "not a SAML 2.0 Response")
    return document, root


def _signature_of(element: etree._Element) -> etree._Element | None:
    """The element's own enveloped signature: a direct ds:Signature child whose single Reference
    points at this element's ID (SAML Core §5.4.2); anything else is not its signature."""
    signatures = element.findall(f"{{{DS}}}Signature")
    if not signatures:
        return None
    if len(signatures) > 1:
        raise AcsRefusal("signature", f"{etree.QName(element).localname} has several signatures")
    references = signatures[0].findall(f"{{{DS}}}SignedInfo/{{{DS}}}Reference")
    element_id = element.get("ID", "")
    if len(references) != 1 or references[0].get("URI") != f"#{element_id}" or not element_id:
        raise AcsRefusal("signature", "the signature does not reference the element it is in")
    transforms = [t.get("Algorithm") for t in references[0].iter(f"{{{DS}}}Transform")]
    if ENVELOPED not in transforms or any("xslt" in (t or "").lower() for t in transforms):
        raise AcsRefusal("signature", f"unexpected signature transforms {transforms}")
    return signatures[0]


def _check_signed(
    document: bytes, element: etree._Element, policy: AcsPolicy, what: str
) -> str | None:
    """Verify the element's signature if it has one; return its algorithm name."""
    signature = _signature_of(element)
    if signature is None:
        return None
    method = signature.find(f"{{{DS}}}SignedInfo/{{{DS}}}SignatureMethod")
    algorithm = SIGNATURE_METHODS.get(method.get("Algorithm", "") if method is not None else "")
    if algorithm not in policy.allowed_algorithms:
        raise AcsRefusal("signature", f"the {what} is signed with an algorithm this SP refuses")
    node_name = f"{etree.QName(element).namespace}:{etree.QName(element).localname}"
    if not _verifier.verify(
        document, node_name, element.get("ID", ""), policy.idp.certificate_pems()
    ):
        raise AcsRefusal(
            "signature",
            f"the {what} signature does not verify with the IdP certificate configured here",
        )
    return algorithm


def _decrypt(holder: etree._Element, key_pem: bytes) -> None:
    """EncryptedAssertion > EncryptedData, decrypted in place with the SP's private key."""
    data = holder.find(f"{{{XENC}}}EncryptedData")
    if data is None:
        raise AcsRefusal("decryption", "EncryptedAssertion without EncryptedData")
    manager = xmlsec.KeysManager()
    manager.add_key(xmlsec.Key.from_memory(key_pem, xmlsec.constants.KeyDataFormatPem))
    try:
        xmlsec.EncryptionContext(manager).decrypt(data)
    except xmlsec.Error as error:
        raise AcsRefusal(
            "decryption", f"the assertion does not decrypt with this SP's key: {error}"
        ) from None


def _instant(element: etree._Element, attribute: str) -> datetime | None:
    value = element.get(attribute)
    if value is None:
        return None
    try:
        return parse_instant(value)
    except ValueError:
        raise AcsRefusal("malformed", f"{attribute}={value!r} is not a dateTime") from None


def validate_response(
    saml_response: str,
    policy: AcsPolicy,
    now: datetime,
    replay_cache: ReplayCache,
    outstanding: set[str] | None = None,
) -> SignedInAssertion:
    """SAML Profiles §4.1.4.3 and §4.1.4.5, checked in the order a careful SP checks them."""
    document, response = _parse(saml_response)

    status = response.find(f"{{{SAMLP}}}Status/{{{SAMLP}}}StatusCode")
    if status is None or status.get("Value") != SUCCESS:
        message = response.findtext(f"{{{SAMLP}}}Status/{{{SAMLP}}}StatusMessage") or ""
        nested = status.find(f"{{{SAMLP}}}StatusCode") if status is not None else None
        code = nested if nested is not None else status
        raise AcsRefusal(
            "status",
            f"the IdP answered {code.get('Value') if code is not None else 'no status'} {message}".strip(),
        )

    destination = response.get("Destination")
    if destination is not None and destination != policy.acs_url:
        raise AcsRefusal(
            "destination", f"Destination {destination} is not this ACS ({policy.acs_url})"
        )

    response_issuer = response.findtext(f"{{{SAML}}}Issuer")
    if response_issuer is not None and response_issuer.strip() != policy.idp.entity_id:
        raise AcsRefusal("issuer", f"Response Issuer {response_issuer} is not the configured IdP")

    # The Response's own signature covers what was sent, so it is checked before decryption.
    response_algorithm = _check_signed(document, response, policy, "Response")
    encrypted = response.findall(f"{{{SAML}}}EncryptedAssertion")
    if encrypted:
        if policy.decryption_key_pem is None:
            raise AcsRefusal("assertion", "encrypted assertions are not configured for this SP")
        for holder in encrypted:
            _decrypt(holder, policy.decryption_key_pem)
        # Signatures are checked on the decrypted document (SAML Core §6.2: sign, then encrypt).
        document = etree.tostring(response)
    assertions = response.findall(f"{{{SAML}}}Assertion") + [
        a for holder in encrypted for a in holder.findall(f"{{{SAML}}}Assertion")
    ]
    if len(assertions) != 1 or len(response.findall(f".//{{{SAML}}}Assertion")) != 1:
        raise AcsRefusal("assertion", f"expected exactly one Assertion, found {len(assertions)}")
    assertion = assertions[0]

    signed: list[str] = ["response"] if response_algorithm else []
    assertion_algorithm = _check_signed(document, assertion, policy, "Assertion")
    if assertion_algorithm:
        signed.append("assertion")
    wanted = policy.required_signature
    if not signed or (wanted in ("assertion", "response") and wanted not in signed):
        raise AcsRefusal(
            "signature", f"the {'Assertion' if wanted != 'response' else 'Response'} is not signed"
        )

    if (assertion.findtext(f"{{{SAML}}}Issuer") or "").strip() != policy.idp.entity_id:
        raise AcsRefusal("issuer", "Assertion Issuer is not the configured IdP")

    skew = policy.clock_skew
    in_response_to = response.get("InResponseTo")
    subject = assertion.find(f"{{{SAML}}}Subject")
    name_id = subject.find(f"{{{SAML}}}NameID") if subject is not None else None
    if name_id is None:
        raise AcsRefusal("subject", "the Assertion has no NameID")
    confirmations = [
        c.find(f"{{{SAML}}}SubjectConfirmationData")
        for c in subject.findall(f"{{{SAML}}}SubjectConfirmation")
        if c.get("Method") == BEARER
    ]
    data = next((c for c in confirmations if c is not None), None)
    if data is None:
        raise AcsRefusal("subject", "no bearer SubjectConfirmationData")
    if data.get("Recipient") != policy.acs_url:
        raise AcsRefusal("recipient", f"Recipient {data.get('Recipient')} is not this ACS")
    confirmation_end = _instant(data, "NotOnOrAfter")
    if confirmation_end is None or now >= confirmation_end + skew:
        raise AcsRefusal("expired", "the subject confirmation has expired")
    data_in_response_to = data.get("InResponseTo")
    if in_response_to != data_in_response_to and in_response_to is not None:
        raise AcsRefusal(
            "in_response_to", "Response and SubjectConfirmationData disagree on InResponseTo"
        )
    request_id = data_in_response_to or in_response_to
    if request_id is None and not policy.allow_unsolicited:
        raise AcsRefusal("unsolicited", "this SP accepts only responses to its own requests")
    if request_id is not None and request_id not in (outstanding or set()):
        raise AcsRefusal(
            "in_response_to", f"InResponseTo {request_id} is not a request this SP sent"
        )

    conditions = assertion.find(f"{{{SAML}}}Conditions")
    if conditions is None:
        raise AcsRefusal("conditions", "the Assertion has no Conditions")
    not_before = _instant(conditions, "NotBefore")
    not_on_or_after = _instant(conditions, "NotOnOrAfter")
    if not_before is not None and now + skew < not_before:
        raise AcsRefusal(
            "not_yet_valid", f"the Assertion is not valid before {conditions.get('NotBefore')}"
        )
    if not_on_or_after is not None and now >= not_on_or_after + skew:
        raise AcsRefusal("expired", f"the Assertion expired at {conditions.get('NotOnOrAfter')}")
    audiences = [
        (a.text or "").strip()
        for a in conditions.iterfind(f"{{{SAML}}}AudienceRestriction/{{{SAML}}}Audience")
    ]
    if not {policy.entity_id, *policy.extra_audiences} & set(audiences):
        raise AcsRefusal(
            "audience", f"Audience {audiences} does not name this SP ({policy.entity_id})"
        )

    assertion_id = assertion.get("ID", "")
    replay_cache.check_and_add(assertion_id, (not_on_or_after or now) + skew, now)

    attributes: dict[str, list[str]] = {}
    for attribute in assertion.iterfind(f"{{{SAML}}}AttributeStatement/{{{SAML}}}Attribute"):
        values = ["".join(v.itertext()) for v in attribute.findall(f"{{{SAML}}}AttributeValue")]
        attributes.setdefault(attribute.get("Name", ""), []).extend(values)
    authn = assertion.find(f"{{{SAML}}}AuthnStatement")
    return SignedInAssertion(
        # itertext joins text split by comments (CVE-2017-11427): the SP reads the whole value.
        name_id="".join(name_id.itertext()).strip(),
        name_id_format=name_id.get("Format"),
        attributes=attributes,
        assertion_id=assertion_id,
        session_index=authn.get("SessionIndex") if authn is not None else None,
        in_response_to=request_id,
        signed=signed,
        algorithm=assertion_algorithm or response_algorithm or "",
    )
