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

from mock_kernel.clock import parse_instant

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


class ResponseValidator:
    """SAML Profiles §4.1.4.3 and §4.1.4.5 for one Response, one method per rule, called in the
    order a careful SP checks them (a rule can be read, or in a test switched off, on its own)."""

    def __init__(
        self,
        policy: AcsPolicy,
        now: datetime,
        replay_cache: ReplayCache,
        outstanding: set[str] | None = None,
    ) -> None:
        self.policy = policy
        self.now = now
        self.replay_cache = replay_cache
        self.outstanding = outstanding or set()

    def validate(self, saml_response: str) -> SignedInAssertion:
        document, response = self.parse(saml_response)
        self.check_status(response)
        self.check_destination(response.get("Destination"))
        response_issuer = response.findtext(f"{{{SAML}}}Issuer")
        if response_issuer is not None:
            self.check_issuer(response_issuer, "Response")
        assertion, signed, algorithm = self.signed_assertion(document, response)
        self.check_issuer(assertion.findtext(f"{{{SAML}}}Issuer") or "", "Assertion")
        name_id, request_id = self.check_subject(response, assertion)
        not_on_or_after = self.check_conditions(assertion)
        assertion_id = assertion.get("ID", "")
        self.replay_cache.check_and_add(
            assertion_id, (not_on_or_after or self.now) + self.policy.clock_skew, self.now
        )
        attributes: dict[str, list[str]] = {}
        for attribute in assertion.iterfind(f"{{{SAML}}}AttributeStatement/{{{SAML}}}Attribute"):
            values = [self.text_of(v) for v in attribute.findall(f"{{{SAML}}}AttributeValue")]
            attributes.setdefault(attribute.get("Name", ""), []).extend(values)
        authn = assertion.find(f"{{{SAML}}}AuthnStatement")
        return SignedInAssertion(
            name_id=self.text_of(name_id).strip(),
            name_id_format=name_id.get("Format"),
            attributes=attributes,
            assertion_id=assertion_id,
            session_index=authn.get("SessionIndex") if authn is not None else None,
            in_response_to=request_id,
            signed=signed,
            algorithm=algorithm,
        )

    # the message
    def parse(self, saml_response: str) -> tuple[bytes, etree._Element]:
        try:
            document = base64.b64decode(saml_response, validate=False)
        except (binascii.Error, ValueError):
            raise AcsRefusal("malformed", "SAMLResponse is not base64") from None
        if b"<!DOCTYPE" in document.upper():
            raise AcsRefusal("malformed", "DTDs are not allowed in a SAML message")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        root = self.parse_xml(document, parser)
        docinfo = root.getroottree().docinfo
        if docinfo.doctype or docinfo.internalDTD is not None:  # any encoding, e.g. UTF-16
            raise AcsRefusal("malformed", "DTDs are not allowed in a SAML message")
        return document, root

    def parse_xml(self, document: bytes, parser: etree.XMLParser) -> etree._Element:
        try:
            root = etree.fromstring(document, parser)
        except etree.XMLSyntaxError as error:
            raise AcsRefusal("malformed", f"SAMLResponse is not XML: {error}") from None
        if root.tag != f"{{{SAMLP}}}Response" or root.get("Version") != "2.0":
            raise AcsRefusal("malformed", "not a SAML 2.0 Response")
        return root

    def check_status(self, response: etree._Element) -> None:
        status = response.find(f"{{{SAMLP}}}Status/{{{SAMLP}}}StatusCode")
        if status is None or status.get("Value") != SUCCESS:
            message = response.findtext(f"{{{SAMLP}}}Status/{{{SAMLP}}}StatusMessage") or ""
            nested = status.find(f"{{{SAMLP}}}StatusCode") if status is not None else None
            code = nested if nested is not None else status
            value = code.get("Value") if code is not None else "no status"
            raise AcsRefusal("status", f"the IdP answered {value} {message}".strip())

    def check_destination(self, destination: str | None) -> None:
        if destination is not None and destination != self.policy.acs_url:
            raise AcsRefusal(
                "destination", f"Destination {destination} is not this ACS ({self.policy.acs_url})"
            )

    def check_issuer(self, issuer: str, what: str) -> None:
        if issuer.strip() != self.policy.idp.entity_id:
            raise AcsRefusal("issuer", f"{what} Issuer {issuer} is not the configured IdP")

    # signatures and the assertion they cover
    def signed_assertion(
        self, document: bytes, response: etree._Element
    ) -> tuple[etree._Element, list[str], str]:
        """The one Assertion, which signatures cover it ("response", "assertion") and the
        algorithm of the signature that counts."""
        # The Response's own signature covers what was sent, so it is checked before decryption.
        response_algorithm = self.check_signed(document, response, "Response")
        encrypted = response.findall(f"{{{SAML}}}EncryptedAssertion")
        if encrypted:
            if self.policy.decryption_key_pem is None:
                raise AcsRefusal("assertion", "encrypted assertions are not configured for this SP")
            for holder in encrypted:
                _decrypt(holder, self.policy.decryption_key_pem)
            # Signatures are checked on the decrypted document (SAML Core §6.2: sign, then encrypt).
            document = etree.tostring(response)
        assertion = self.the_assertion(response)
        signed: list[str] = ["response"] if response_algorithm else []
        assertion_algorithm = self.check_signed(document, assertion, "Assertion")
        if assertion_algorithm:
            signed.append("assertion")
        self.check_required_signature(signed)
        return assertion, signed, assertion_algorithm or response_algorithm or ""

    def the_assertion(self, response: etree._Element) -> etree._Element:
        """Exactly one Assertion, anywhere in the message (a second one is what wrapping needs)."""
        assertions = response.findall(f"{{{SAML}}}Assertion") + [
            a
            for holder in response.findall(f"{{{SAML}}}EncryptedAssertion")
            for a in holder.findall(f"{{{SAML}}}Assertion")
        ]
        if len(assertions) != 1 or len(response.findall(f".//{{{SAML}}}Assertion")) != 1:
            raise AcsRefusal(
                "assertion", f"expected exactly one Assertion, found {len(assertions)}"
            )
        return assertions[0]

    def check_required_signature(self, signed: list[str]) -> None:
        wanted = self.policy.required_signature
        if not signed or (wanted in ("assertion", "response") and wanted not in signed):
            raise AcsRefusal(
                "signature",
                f"the {'Assertion' if wanted != 'response' else 'Response'} is not signed",
            )

    def signature_of(self, element: etree._Element) -> etree._Element | None:
        """The element's own enveloped signature: a direct ds:Signature child whose single
        Reference points at this element's ID (SAML Core §5.4.2); anything else is not its
        signature."""
        signatures = element.findall(f"{{{DS}}}Signature")
        if not signatures:
            return None
        if len(signatures) > 1:
            raise AcsRefusal(
                "signature", f"{etree.QName(element).localname} has several signatures"
            )
        references = signatures[0].findall(f"{{{DS}}}SignedInfo/{{{DS}}}Reference")
        element_id = element.get("ID", "")
        if len(references) != 1 or references[0].get("URI") != f"#{element_id}" or not element_id:
            raise AcsRefusal("signature", "the signature does not reference the element it is in")
        self.check_transforms(
            [t.get("Algorithm") or "" for t in references[0].iter(f"{{{DS}}}Transform")]
        )
        return signatures[0]

    def check_transforms(self, transforms: list[str]) -> None:
        if ENVELOPED not in transforms or any("xslt" in t.lower() for t in transforms):
            raise AcsRefusal("signature", f"unexpected signature transforms {transforms}")

    def check_signed(self, document: bytes, element: etree._Element, what: str) -> str | None:
        """Verify the element's signature if it has one; return its algorithm name."""
        signature = self.signature_of(element)
        if signature is None:
            return None
        method = signature.find(f"{{{DS}}}SignedInfo/{{{DS}}}SignatureMethod")
        algorithm = SIGNATURE_METHODS.get(method.get("Algorithm", "") if method is not None else "")
        if algorithm not in self.policy.allowed_algorithms:
            raise AcsRefusal("signature", f"the {what} is signed with an algorithm this SP refuses")
        if not self.verify(document, element, signature):
            raise AcsRefusal(
                "signature",
                f"the {what} signature does not verify with the IdP certificate configured here",
            )
        return algorithm

    def verify(self, document: bytes, element: etree._Element, signature: etree._Element) -> bool:
        """xmlsec1 with only the configured certificates, never one in the message."""
        node_name = f"{etree.QName(element).namespace}:{etree.QName(element).localname}"
        return _verifier.verify(
            document, node_name, element.get("ID", ""), self.policy.idp.certificate_pems()
        )

    # the subject and the conditions
    def check_subject(
        self, response: etree._Element, assertion: etree._Element
    ) -> tuple[etree._Element, str | None]:
        """The NameID and the request this answers (None: unsolicited)."""
        subject = assertion.find(f"{{{SAML}}}Subject")
        name_id = subject.find(f"{{{SAML}}}NameID") if subject is not None else None
        if subject is None or name_id is None:
            raise AcsRefusal("subject", "the Assertion has no NameID")
        confirmations = [
            c.find(f"{{{SAML}}}SubjectConfirmationData")
            for c in subject.findall(f"{{{SAML}}}SubjectConfirmation")
            if c.get("Method") == BEARER
        ]
        data = next((c for c in confirmations if c is not None), None)
        if data is None:
            raise AcsRefusal("subject", "no bearer SubjectConfirmationData")
        self.check_recipient(data.get("Recipient"))
        confirmation_end = _instant(data, "NotOnOrAfter")
        if confirmation_end is None or self.expired(confirmation_end):
            raise AcsRefusal("expired", "the subject confirmation has expired")
        return name_id, self.check_in_response_to(
            response.get("InResponseTo"), data.get("InResponseTo")
        )

    def check_recipient(self, recipient: str | None) -> None:
        if recipient != self.policy.acs_url:
            raise AcsRefusal("recipient", f"Recipient {recipient} is not this ACS")

    def expired(self, not_on_or_after: datetime) -> bool:
        return self.now >= not_on_or_after + self.policy.clock_skew

    def not_yet_valid(self, not_before: datetime) -> bool:
        return self.now + self.policy.clock_skew < not_before

    def check_in_response_to(
        self, in_response_to: str | None, data_in_response_to: str | None
    ) -> str | None:
        if in_response_to != data_in_response_to and in_response_to is not None:
            raise AcsRefusal(
                "in_response_to", "Response and SubjectConfirmationData disagree on InResponseTo"
            )
        request_id = data_in_response_to or in_response_to
        if request_id is None and not self.policy.allow_unsolicited:
            raise AcsRefusal("unsolicited", "this SP accepts only responses to its own requests")
        if request_id is not None and request_id not in self.outstanding:
            raise AcsRefusal(
                "in_response_to", f"InResponseTo {request_id} is not a request this SP sent"
            )
        return request_id

    def check_conditions(self, assertion: etree._Element) -> datetime | None:
        """Validity window and audience; returns NotOnOrAfter (how long to remember the ID)."""
        conditions = assertion.find(f"{{{SAML}}}Conditions")
        if conditions is None:
            raise AcsRefusal("conditions", "the Assertion has no Conditions")
        not_before = _instant(conditions, "NotBefore")
        not_on_or_after = _instant(conditions, "NotOnOrAfter")
        if not_before is not None and self.not_yet_valid(not_before):
            raise AcsRefusal(
                "not_yet_valid", f"the Assertion is not valid before {conditions.get('NotBefore')}"
            )
        if not_on_or_after is not None and self.expired(not_on_or_after):
            raise AcsRefusal(
                "expired", f"the Assertion expired at {conditions.get('NotOnOrAfter')}"
            )
        self.check_audience(
            [
                (a.text or "").strip()
                for a in conditions.iterfind(f"{{{SAML}}}AudienceRestriction/{{{SAML}}}Audience")
            ]
        )
        return not_on_or_after

    def check_audience(self, audiences: list[str]) -> None:
        if not {self.policy.entity_id, *self.policy.extra_audiences} & set(audiences):
            raise AcsRefusal(
                "audience", f"Audience {audiences} does not name this SP ({self.policy.entity_id})"
            )

    def text_of(self, element: etree._Element) -> str:
        """The whole text: itertext joins text split by comments (CVE-2017-11427)."""
        return "".join(element.itertext())


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
    """The strict ACS check of one Response (ResponseValidator)."""
    return ResponseValidator(policy, now, replay_cache, outstanding).validate(saml_response)
