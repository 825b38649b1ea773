"""A deliberately vulnerable SAML SP: the strict ACS of mock_sp.acs with one flaw switched on."""

# Each flaw is a mistake of a kind SAML SPs have shipped, made by overriding one rule of ResponseValidator
# (or by a policy an SP could really choose), never by a switch in mock_sp itself. The SP serves
# its metadata's ACS and a sign-on URL on 127.0.0.1 over HTTP, so check-sp reaches it as it
# reaches a vendor's staging SP.

from __future__ import annotations

import base64
import contextlib
import dataclasses
import html
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import xmlsec
from flask import Flask, redirect, request
from lxml import etree

from harness.serving.servers import ServedApp
from mock_kernel.clock import Clock
from mock_sp.acs import (
    DS,
    SAML,
    SIGNATURE_METHODS,
    AcsPolicy,
    AcsRefusal,
    ReplayCache,
    ResponseValidator,
)
from mock_sp.idp_settings import IdpSettings, parse_idp_metadata
from mock_sp.saml_messages import authn_request, redirect_url, request_id

ENTITY_ID = "https://vulnerable-sp.example/saml"
# The victim and the attacker: both ordinary accounts of the SP (check-sp --attacker-user).
USERS = ("b.simon@contoso.com", "attacker@contoso.com")
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"


class SignatureOptional(ResponseValidator):
    """Verifies the signatures it finds but accepts a message that has none."""

    def check_required_signature(self, signed: list[str]) -> None:
        if signed:
            super().check_required_signature(signed)


class ExtraAssertionsIgnored(ResponseValidator):
    """Reads the first Assertion and ignores any other."""

    def the_assertion(self, response: etree._Element) -> etree._Element:
        assertion = response.find(f"{{{SAML}}}Assertion")
        if assertion is None:
            raise AcsRefusal("assertion", "no Assertion")
        return assertion


class ReadsFirstAssertion(ResponseValidator):
    """Signature wrapping: verifies the message's first signature wherever it is, against the
    element its Reference names, then reads the first Assertion in document order; the element
    verified and the element read are not bound to each other."""

    def signed_assertion(
        self, document: bytes, response: etree._Element
    ) -> tuple[etree._Element, list[str], str]:
        signature = next(response.iter(f"{{{DS}}}Signature"), None)
        if signature is None:
            raise AcsRefusal("signature", "the message is not signed")
        reference = signature.find(f"{{{DS}}}SignedInfo/{{{DS}}}Reference")
        uri = reference.get("URI", "") if reference is not None else ""
        signed = next(
            (e for e in response.iter() if e.get("ID") and uri == f"#{e.get('ID')}"), None
        )
        if reference is None or signed is None:
            raise AcsRefusal("signature", "the signature references nothing")
        self.check_transforms(
            [t.get("Algorithm") or "" for t in reference.iter(f"{{{DS}}}Transform")]
        )
        method = signature.find(f"{{{DS}}}SignedInfo/{{{DS}}}SignatureMethod")
        algorithm = SIGNATURE_METHODS.get(method.get("Algorithm", "") if method is not None else "")
        if algorithm not in self.policy.allowed_algorithms or not self.verify(
            document, signed, signature
        ):
            raise AcsRefusal("signature", "the signature does not verify")
        kind = "assertion" if signed.tag == f"{{{SAML}}}Assertion" else "response"
        self.check_required_signature([kind])
        assertion = next(response.iter(f"{{{SAML}}}Assertion"), None)
        if assertion is None:
            raise AcsRefusal("assertion", "no Assertion")
        return assertion, [kind], algorithm


class ReadsTheSignedAssertion(ResponseValidator):
    """Not a flaw: tolerates extra Assertions (as samlify 2.10 does) but reads only the one
    whose own signature references it; a wrapped evil copy is never the identity signed in."""

    def the_assertion(self, response: etree._Element) -> etree._Element:
        for assertion in response.findall(f"{{{SAML}}}Assertion"):
            reference = assertion.find(f"{{{DS}}}Signature/{{{DS}}}SignedInfo/{{{DS}}}Reference")
            if reference is not None and reference.get("URI") == "#" + assertion.get("ID", ""):
                return assertion
        raise AcsRefusal("assertion", "no signed Assertion")


class AssertionsById(ResponseValidator):
    """Duplicate IDs: keeps Assertions in a dict by ID (the last of a duplicated ID wins) and
    verifies in-process the signature that references that ID, registering IDs itself and
    skipping a duplicate (the first wins) instead of refusing the message as xmlsec1 does."""

    def the_assertion(self, response: etree._Element) -> etree._Element:
        by_id = {a.get("ID", ""): a for a in response.iter(f"{{{SAML}}}Assertion")}
        if len(by_id) != 1:
            raise AcsRefusal("assertion", f"expected one Assertion, found {len(by_id)}")
        return next(iter(by_id.values()))

    def signature_of(self, element: etree._Element) -> etree._Element | None:
        wanted = "#" + element.get("ID", "")
        for signature in element.getroottree().iter(f"{{{DS}}}Signature"):
            reference = signature.find(f"{{{DS}}}SignedInfo/{{{DS}}}Reference")
            if reference is not None and reference.get("URI") == wanted:
                self.check_transforms(
                    [t.get("Algorithm") or "" for t in reference.iter(f"{{{DS}}}Transform")]
                )
                return signature
        return None

    def verify(self, document: bytes, element: etree._Element, signature: etree._Element) -> bool:
        context = xmlsec.SignatureContext()
        for node in element.getroottree().iter():
            if node.get("ID"):
                # The flaw: a second element with the same ID is skipped, not refused.
                with contextlib.suppress(xmlsec.Error):
                    context.register_id(node, "ID")
        for pem in self.policy.idp.certificate_pems():
            context.key = xmlsec.Key.from_memory(
                pem.encode(), xmlsec.constants.KeyDataFormatCertPem
            )
            try:
                context.verify(signature)
                return True
            except xmlsec.Error:
                continue
        return False


class TrustsEmbeddedCertificate(ResponseValidator):
    """Verifies with the certificate in the signature's KeyInfo, not the configured one."""

    def verify(self, document: bytes, element: etree._Element, signature: etree._Element) -> bool:
        embedded = "".join(signature.findtext(f".//{{{DS}}}X509Certificate", "").split())
        idp = dataclasses.replace(self.policy.idp, certificates=[embedded])
        self.policy = dataclasses.replace(self.policy, idp=idp)
        return super().verify(document, element, signature)


class NoExpiryCheck(ResponseValidator):
    def expired(self, not_on_or_after: datetime) -> bool:
        return False


class NoNotBeforeCheck(ResponseValidator):
    def not_yet_valid(self, not_before: datetime) -> bool:
        return False


class NoAudienceCheck(ResponseValidator):
    def check_audience(self, audiences: list[str]) -> None:
        pass


class NoRecipientCheck(ResponseValidator):
    def check_recipient(self, recipient: str | None) -> None:
        pass


class NoDestinationCheck(ResponseValidator):
    def check_destination(self, destination: str | None) -> None:
        pass


class NoInResponseToCheck(ResponseValidator):
    """Takes any InResponseTo as one of its requests (it keeps no list of what it sent)."""

    def check_in_response_to(
        self, in_response_to: str | None, data_in_response_to: str | None
    ) -> str | None:
        self.outstanding = self.outstanding | {
            i for i in (in_response_to, data_in_response_to) if i
        }
        return super().check_in_response_to(in_response_to, data_in_response_to)


class NoIssuerCheck(ResponseValidator):
    def check_issuer(self, issuer: str, what: str) -> None:
        pass


class StatusIgnored(ResponseValidator):
    def check_status(self, response: etree._Element) -> None:
        pass


class ProcessesDtd(ResponseValidator):
    """Parses with DTDs loaded and entities resolved, as lxml's defaults of old did, and
    verifies the tree it parsed (entities expanded), as an SP verifying in-process does."""

    def parse(self, saml_response: str) -> tuple[bytes, etree._Element]:
        document = base64.b64decode(saml_response)
        parser = etree.XMLParser(load_dtd=True, resolve_entities=True, no_network=True)
        root = self.parse_xml(document, parser)
        return etree.tostring(root), root


class XsltAllowed(ResponseValidator):
    """Requires the enveloped transform but lets any other through, XSLT included."""

    def check_transforms(self, transforms: list[str]) -> None:
        super().check_transforms([t for t in transforms if "xslt" not in t.lower()])


class FirstTextNode(ResponseValidator):
    """Reads an element's first text node only (CVE-2017-11427: a comment cuts the value)."""

    def text_of(self, element: etree._Element) -> str:
        return element.text or ""


class NoReplayCache(ReplayCache):
    def check_and_add(self, assertion_id: str, expires: datetime, now: datetime) -> None:
        pass


@dataclass(frozen=True)
class Flaw:
    description: str
    validator: type[ResponseValidator] = ResponseValidator
    policy: dict[str, Any] = field(default_factory=dict)  # AcsPolicy fields this SP chose
    replay_cache: type[ReplayCache] = ReplayCache
    sp_initiated_only: bool = False


FLAWS: dict[str, Flaw] = {
    "signature-optional": Flaw("accepts a Response without any signature", SignatureOptional),
    # Its metadata says WantAssertionsSigned="true", yet a Response signature is enough.
    "response-signature-suffices": Flaw(
        "accepts a signed Response around an unsigned Assertion",
        policy={"required_signature": "either"},
    ),
    "extra-assertions-ignored": Flaw(
        "reads the first Assertion, ignores a second", ExtraAssertionsIgnored
    ),
    "signature-wrapping": Flaw(
        "verifies one element, reads another (the first Assertion)", ReadsFirstAssertion
    ),
    "duplicate-ids": Flaw("tolerates two elements with the same ID", AssertionsById),
    "extra-assertions-tolerated": Flaw(
        "(no flaw) accepts extra Assertions but signs in the signed one", ReadsTheSignedAssertion
    ),
    "trusts-embedded-certificate": Flaw(
        "verifies with the certificate in the message", TrustsEmbeddedCertificate
    ),
    "no-expiry-check": Flaw("ignores NotOnOrAfter", NoExpiryCheck),
    "no-not-before-check": Flaw("ignores NotBefore", NoNotBeforeCheck),
    "no-audience-check": Flaw("ignores the Audience", NoAudienceCheck),
    "no-recipient-check": Flaw("ignores the Recipient", NoRecipientCheck),
    "no-destination-check": Flaw("ignores the Destination", NoDestinationCheck),
    "no-in-response-to-check": Flaw("takes any InResponseTo as its own", NoInResponseToCheck),
    "no-issuer-check": Flaw("ignores the Issuer", NoIssuerCheck),
    "unsolicited-accepted": Flaw(
        "sends AuthnRequests only, yet accepts an unsolicited Response",
        policy={"allow_unsolicited": True},
        sp_initiated_only=True,
    ),
    "no-replay-cache": Flaw("forgets the assertions it consumed", replay_cache=NoReplayCache),
    "status-ignored": Flaw("ignores a failure status", StatusIgnored),
    "dtd-processed": Flaw("parses a DOCTYPE and its entities", ProcessesDtd),
    "xslt-allowed": Flaw("lets an XSLT Transform through", XsltAllowed),
    "nameid-first-text-node": Flaw("reads the NameID's first text node", FirstTextNode),
    # Its metadata lists RSA-SHA256 only as its alg:SigningMethod.
    "sha1-accepted": Flaw(
        "accepts RSA-SHA1", policy={"allowed_algorithms": frozenset({"sha256", "sha1"})}
    ),
}
STRICT = Flaw("none: the strict ACS")


def page(text: str) -> str:
    return f"<html><body><p>{html.escape(text)}</p></body></html>"


class VulnerableSp:
    """An SP on 127.0.0.1: metadata, a sign-on URL (SP-initiated), an ACS that signs in the
    users of USERS; strict, or with one of FLAWS."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.lock = threading.Lock()
        self.server = ServedApp("vulnerable-sp", self.app(), None)
        self.base = f"http://127.0.0.1:{self.server.port}"
        self.acs_url = f"{self.base}/acs"
        self.sign_on_url = f"{self.base}/login"
        self.switch(None)
        self.server.start()

    def switch(self, flaw: str | None, sp_initiated_only: bool = False) -> VulnerableSp:
        """Forget everything (IdP, requests sent, assertions consumed); strict, or one flaw."""
        with self.lock:
            self.flaw = FLAWS[flaw] if flaw else STRICT
            self.sp_initiated_only = sp_initiated_only or self.flaw.sp_initiated_only
            self.idp: IdpSettings | None = None
            self.replay_cache = self.flaw.replay_cache()
            self.outstanding: set[str] = set()
        return self

    def close(self) -> None:
        self.server.stop()

    def metadata(self) -> bytes:
        """WantAssertionsSigned and RSA-SHA256 only: check-sp holds it to both."""
        return (
            f'<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
            f'xmlns:alg="urn:oasis:names:tc:SAML:metadata:algsupport" entityID="{ENTITY_ID}">'
            '<md:SPSSODescriptor AuthnRequestsSigned="false" WantAssertionsSigned="true" '
            'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
            f'<md:Extensions><alg:SigningMethod Algorithm="{RSA_SHA256}"/></md:Extensions>'
            '<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
            f'Location="{self.acs_url}" index="0" isDefault="true"/>'
            "</md:SPSSODescriptor></md:EntityDescriptor>"
        ).encode()

    def write_metadata(self, directory: Path) -> Path:
        path = directory / "vulnerable-sp.xml"
        path.write_bytes(self.metadata())
        return path

    def configure(self, idp_metadata: bytes, app: Any = None) -> None:
        """check-sp's configure_sp: the admin uploads the IdP's federation metadata."""
        self.idp = parse_idp_metadata(idp_metadata)

    def policy(self) -> AcsPolicy:
        assert self.idp is not None
        strict = AcsPolicy(
            entity_id=ENTITY_ID,
            acs_url=self.acs_url,
            idp=self.idp,
            allow_unsolicited=not self.sp_initiated_only,
            required_signature="assertion",
            allowed_algorithms=frozenset({"sha256"}),
        )
        return dataclasses.replace(strict, **self.flaw.policy)

    def consume(self, saml_response: str) -> str:
        with self.lock:  # check-sp posts a few forgeries at a time
            outstanding = set(self.outstanding)
        validator = self.flaw.validator(
            self.policy(), self.clock.now(), self.replay_cache, outstanding
        )
        assertion = validator.validate(saml_response)
        user = assertion.name_id.lower()
        if user not in USERS:
            raise AcsRefusal("unknown_user", f"no user {assertion.name_id}")
        with self.lock:
            self.outstanding.discard(assertion.in_response_to or "")
        return user

    def app(self) -> Flask:
        app = Flask("vulnerable-sp")

        @app.get("/login")
        def login() -> Any:
            if self.idp is None:
                return page("single sign-on is not configured"), 503
            identifier = request_id()
            message = authn_request(
                identifier, ENTITY_ID, self.idp.sso_url, self.acs_url, self.clock.now()
            )
            with self.lock:
                self.outstanding.add(identifier)
            return redirect(redirect_url(self.idp.sso_url, "SAMLRequest", message))

        @app.post("/acs")
        def acs() -> Any:
            if self.idp is None:
                return page("single sign-on is not configured"), 503
            try:
                user = self.consume(request.form.get("SAMLResponse", ""))
            except AcsRefusal as refusal:
                return page(f"Refused ({refusal.check}): {refusal.detail}"), 403
            except (etree.XMLSyntaxError, ValueError) as error:
                return page(f"Refused: {error}"), 400
            return page(f"Welcome {user}"), 200

        return app
