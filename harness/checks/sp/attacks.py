"""Forged SAML Responses a correct SP must refuse, and Entra quirks it must accept (issue 8):
each made from a Response the tenant really issued, changed the way the attack needs."""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

import xmlsec
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree

from mock_idp.certificates import SigningCertificate
from mock_idp.xml_signing import SigningKey, load_key, sign_enveloped
from mock_kernel.clock import parse_instant, saml_instant

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"
XSL = "http://www.w3.org/1999/XSL/Transform"


@dataclass
class Forgery:
    """One check: a Response to post to the ACS and what a correct SP does with it."""

    name: str
    description: str
    expect: str  # "refuse" or "accept"
    saml_response: str  # base64, as posted
    victim: str | None = None  # the user the attack tries to sign in as


@dataclass
class Material:
    """A Response as the tenant issued it for this SP, and the key that signed it."""

    xml: bytes
    idp_key: SigningKey
    algorithm: str = "sha256"


@cache
def attacker_certificate() -> SigningCertificate:
    """A certificate with Entra's subject that no SP was ever given."""
    from mock_kernel.clock import Clock

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return SigningCertificate.create(key, Clock().now())


def attacker_key() -> SigningKey:
    certificate = attacker_certificate()
    return load_key(certificate.private_key_pem, certificate.pem)


def encode(root: etree._Element | bytes) -> str:
    data = root if isinstance(root, bytes) else etree.tostring(root)
    return base64.b64encode(data).decode()


def parse(material: Material) -> etree._Element:
    return etree.fromstring(material.xml)


def assertion_of(root: etree._Element) -> etree._Element:
    found = root.find(f"{{{SAML}}}Assertion")
    if found is None:
        raise ValueError("the Response has no Assertion")
    return found


def strip_signatures(element: etree._Element) -> None:
    for signature in list(element.iter(f"{{{DS}}}Signature")):
        signature.getparent().remove(signature)


def resign_assertion(root: etree._Element, key: SigningKey, algorithm: str = "sha256") -> None:
    """Sign the (changed) assertion again, right after its Issuer, as Entra places it."""
    assertion = assertion_of(root)
    for signature in assertion.findall(f"{{{DS}}}Signature"):
        assertion.remove(signature)
    sign_enveloped(assertion, key, algorithm, insert_after=assertion[0])  # type: ignore[arg-type]


def name_id(root: etree._Element) -> etree._Element:
    found = root.find(f"{{{SAML}}}Assertion/{{{SAML}}}Subject/{{{SAML}}}NameID")
    if found is None:
        raise ValueError("the Assertion has no NameID")
    return found


def evil_copy(assertion: etree._Element, evil_user: str, new_id: bool = True) -> etree._Element:
    evil = copy.deepcopy(assertion)
    strip_signatures(evil)
    if new_id:
        evil.set("ID", "_evil" + assertion.get("ID", "")[1:])
    for node in evil.iter(f"{{{SAML}}}NameID"):
        node.text = evil_user
    for value in evil.iter(f"{{{SAML}}}AttributeValue"):
        if "@" in (value.text or ""):
            value.text = evil_user
    return evil


def shift_times(root: etree._Element, by: timedelta) -> None:
    for element in root.iter():
        for attribute in ("IssueInstant", "NotBefore", "NotOnOrAfter", "AuthnInstant"):
            if attribute in element.attrib:
                element.set(attribute, saml_instant(parse_instant(element.get(attribute, "")) + by))


def set_everywhere(root: etree._Element, attribute: str, value: str) -> None:
    for element in root.iter():
        if attribute in element.attrib:
            element.set(attribute, value)


Mutation = Callable[[Material, str], etree._Element | bytes]


def _signature_stripped(m: Material, evil: str) -> etree._Element:
    root = parse(m)
    strip_signatures(root)
    return root


def _response_only_signed(m: Material, evil: str) -> etree._Element:
    root = parse(m)
    strip_signatures(root)
    sign_enveloped(root, m.idp_key, m.algorithm, insert_after=root[0])  # type: ignore[arg-type]
    return root


def _unsigned_second_assertion(m: Material, evil: str) -> etree._Element:
    root = parse(m)
    assertion_of(root).addnext(evil_copy(assertion_of(root), evil))
    return root


def _xsw(variant: int) -> Mutation:
    """Signature wrapping (XSW1-8, the SAML Raider catalogue): the signed original stays where
    the signature's Reference finds it, an evil copy sits where a naive SP reads."""

    def mutate(m: Material, evil: str) -> etree._Element:
        root = parse(m)
        original = assertion_of(root)
        signature = original.find(f"{{{DS}}}Signature")
        if variant in (1, 2):
            # Response-level wrapping: an evil Response whose signed original hides in the
            # Signature (1) or before it (2); needs a Response signature to wrap.
            strip_signatures(root)
            sign_enveloped(root, m.idp_key, m.algorithm, insert_after=root[0])  # type: ignore[arg-type]
            wrapper = copy.deepcopy(root)
            response_signature = wrapper.find(f"{{{DS}}}Signature")
            wrapper.set("ID", "_evil" + root.get("ID", "")[1:])
            evil_assertion = evil_copy(assertion_of(wrapper), evil, new_id=False)
            assertion_of(wrapper).getparent().replace(assertion_of(wrapper), evil_assertion)
            if variant == 1:
                holder = etree.SubElement(response_signature, f"{{{DS}}}Object")
                holder.append(root)
            else:
                response_signature.addprevious(root)
            return wrapper
        evil_assertion = evil_copy(original, evil, new_id=variant not in (5, 6, 8))
        if variant == 3:
            original.addprevious(evil_assertion)
        elif variant == 4:
            original.getparent().replace(original, evil_assertion)
            evil_assertion.append(original)
        elif variant == 5:
            # The evil copy keeps the original ID and the original signature; the untouched
            # original moves to the end of the Response.
            evil_assertion.insert(1, copy.deepcopy(signature))
            original.getparent().replace(original, evil_assertion)
            root.append(original)
            strip_signatures(original)
            original.insert(1, signature)
        elif variant == 6:
            moved_signature = copy.deepcopy(signature)
            evil_assertion.insert(1, moved_signature)
            original.getparent().replace(original, evil_assertion)
            holder = etree.SubElement(moved_signature, f"{{{DS}}}Object")
            holder.append(original)
        elif variant == 7:
            extensions = etree.Element(f"{{{SAMLP}}}Extensions")
            root.insert(1, extensions)
            original.getparent().replace(original, evil_assertion)
            extensions.append(original)
        else:  # 8
            moved_signature = copy.deepcopy(signature)
            evil_assertion.insert(1, moved_signature)
            original.getparent().replace(original, evil_assertion)
            holder = etree.SubElement(moved_signature, f"{{{DS}}}Object")
            strip_signatures(original)
            holder.append(original)
        return root

    return mutate


def _other_key(m: Material, evil: str) -> etree._Element:
    """Signed with a key the SP was never given, the real certificate left in KeyInfo."""
    root = parse(m)
    real = root.findtext(f".//{{{DS}}}X509Certificate")
    resign_assertion(root, attacker_key(), m.algorithm)
    for node in root.iter(f"{{{DS}}}X509Certificate"):
        node.text = real
    return root


def _embedded_certificate(m: Material, evil: str) -> etree._Element:
    """Signed by the attacker, whose certificate is in the message: an SP that verifies with
    the KeyInfo certificate instead of its configured one accepts it."""
    root = parse(m)
    name_id(root).text = evil
    resign_assertion(root, attacker_key(), m.algorithm)
    return root


def _resigned(change: Callable[[etree._Element], None]) -> Mutation:
    """Changed, then signed again with the IdP's real key: only the SP's own checks catch it."""

    def mutate(m: Material, evil: str) -> etree._Element:
        root = parse(m)
        change(root)
        resign_assertion(root, m.idp_key, m.algorithm)
        return root

    return mutate


def _audience(root: etree._Element) -> None:
    for audience in root.iter(f"{{{SAML}}}Audience"):
        audience.text = "https://attacker.example.com"


def _recipient(root: etree._Element) -> None:
    set_everywhere(root, "Recipient", "https://attacker.example.com/acs")


def _destination(root: etree._Element) -> None:
    root.set("Destination", "https://attacker.example.com/acs")


def _in_response_to(root: etree._Element) -> None:
    root.set("InResponseTo", "_never-requested")
    for data in root.iter(f"{{{SAML}}}SubjectConfirmationData"):
        data.set("InResponseTo", "_never-requested")


def _issuer(root: etree._Element) -> None:
    for issuer in root.iter(f"{{{SAML}}}Issuer"):
        issuer.text = "https://sts.windows.net/00000000-0000-0000-0000-000000000000/"


def _failure_status(root: etree._Element) -> None:
    code = root.find(f"{{{SAMLP}}}Status/{{{SAMLP}}}StatusCode")
    code.set("Value", "urn:oasis:names:tc:SAML:2.0:status:Requester")
    etree.SubElement(
        code,
        f"{{{SAMLP}}}StatusCode",
        Value="urn:oasis:names:tc:SAML:2.0:status:RequestDenied",
    )


def _comment_in_name_id(m: Material, evil: str) -> etree._Element:
    """CVE-2017-11427: the IdP signs the attacker's own account, victim@contoso.com.evil.example;
    the attacker inserts a comment, victim@contoso.com<!---->.evil.example, which exclusive c14n
    ignores, so the signature still verifies; an SP that reads only the first text node of the
    NameID or of an identity attribute signs in the victim."""
    root = parse(m)
    victim = (name_id(root).text or "").lower()
    for node in [name_id(root), *root.iter(f"{{{SAML}}}AttributeValue")]:
        if (node.text or "").lower() == victim:
            comment = etree.Comment("")
            comment.tail = ".evil.example"
            node.append(comment)
    resign_assertion(root, m.idp_key, m.algorithm)  # the IdP's signature over the attacker's name
    return root


def _dtd(m: Material, evil: str) -> bytes:
    """A DOCTYPE with an external entity (XXE); a SAML message never has a DTD."""
    body = m.xml.split(b"?>", 1)[-1] if m.xml.startswith(b"<?xml") else m.xml
    doctype = b'<!DOCTYPE Response [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>'
    return doctype + body


def _xslt(m: Material, evil: str) -> etree._Element:
    """The assertion signed again by the IdP's key with an XSLT Transform (an identity stylesheet)
    between the enveloped and exc-c14n ones, so the transform is the only fault: an SP that
    accepts it runs XSLT named by the message, and an attacker's stylesheet (file reads, SSRF)
    runs before any signature check can fail (W3C XML Signature Best Practices: avoid XSLT)."""
    root = parse(m)
    assertion = assertion_of(root)
    strip_signatures(assertion)
    sign_method, digest = {
        "sha256": (xmlsec.Transform.RSA_SHA256, xmlsec.Transform.SHA256),
        "sha1": (xmlsec.Transform.RSA_SHA1, xmlsec.Transform.SHA1),
    }[m.algorithm]
    signature = xmlsec.template.create(
        etree.Element("holder"), xmlsec.Transform.EXCL_C14N, sign_method
    )
    reference = xmlsec.template.add_reference(signature, digest, uri="#" + assertion.get("ID", ""))
    xmlsec.template.add_transform(reference, xmlsec.Transform.ENVELOPED)
    transform = xmlsec.template.add_transform(reference, xmlsec.Transform.XSLT)
    stylesheet = etree.SubElement(transform, f"{{{XSL}}}stylesheet", version="1.0")
    copy_all = etree.SubElement(stylesheet, f"{{{XSL}}}template", match="@*|node()")
    etree.SubElement(
        etree.SubElement(copy_all, f"{{{XSL}}}copy"),
        f"{{{XSL}}}apply-templates",
        select="@*|node()",
    )
    xmlsec.template.add_transform(reference, xmlsec.Transform.EXCL_C14N)
    key_info = xmlsec.template.ensure_key_info(signature)
    xmlsec.template.x509_data_add_certificate(xmlsec.template.add_x509_data(key_info))
    assertion[0].addnext(signature)  # after the Issuer, where Entra puts its signature
    context = xmlsec.SignatureContext()
    context.register_id(assertion, "ID")
    context.key = m.idp_key.xmlsec_key()
    context.sign(signature)
    return root


def _sha1(m: Material, evil: str) -> etree._Element:
    root = parse(m)
    resign_assertion(root, m.idp_key, "sha1")
    return root


def _duplicate_ids(m: Material, evil: str) -> etree._Element:
    root = parse(m)
    assertion_of(root).addnext(evil_copy(assertion_of(root), evil, new_id=False))
    return root


# name -> (description, expectation, mutation). Replay is made by posting an accepted one twice.
CATALOGUE: dict[str, tuple[str, str, Mutation]] = {
    "signature-stripped": ("every Signature removed", "refuse", _signature_stripped),
    # Refused by an SP that wants signed assertions (metadata WantAssertionsSigned="true").
    "response-signed-only": (
        "only the Response signed, not the Assertion",
        "refuse-if-assertion-signature-required",
        _response_only_signed,
    ),
    "unsigned-second-assertion": (
        "an unsigned evil Assertion after the signed one",
        "refuse",
        _unsigned_second_assertion,
    ),
    **{f"xsw{i}": (f"signature wrapping XSW{i}", "refuse", _xsw(i)) for i in range(1, 9)},
    "other-key": ("signed with a key the SP was not given", "refuse", _other_key),
    "embedded-certificate": (
        "signed by the attacker whose certificate is in KeyInfo",
        "refuse",
        _embedded_certificate,
    ),
    "expired": (
        "issued 2 hours ago (beyond any skew)",
        "refuse",
        _resigned(lambda r: shift_times(r, timedelta(hours=-2))),
    ),
    "not-yet-valid": (
        "issued 15 minutes in the future (beyond 5 minutes of skew)",
        "refuse",
        _resigned(lambda r: shift_times(r, timedelta(minutes=15))),
    ),
    "audience-mismatch": ("Audience names another SP", "refuse", _resigned(_audience)),
    "recipient-mismatch": ("Recipient is another ACS", "refuse", _resigned(_recipient)),
    "destination-mismatch": ("Destination is another ACS", "refuse", _resigned(_destination)),
    "in-response-to-mismatch": (
        "InResponseTo names a request the SP never sent",
        "refuse",
        _resigned(_in_response_to),
    ),
    "issuer-mismatch": ("Issuer is another tenant", "refuse", _resigned(_issuer)),
    "failure-status": (
        "status Requester/RequestDenied with a signed Assertion",
        "refuse",
        _resigned(_failure_status),
    ),
    "dtd-xxe": ("a DOCTYPE with an external entity", "refuse", _dtd),
    "xslt-transform": (
        "an XSLT Transform in the signature (signed by the IdP)",
        "refuse",
        _xslt,
    ),
    "comment-in-nameid": (
        "a comment inside the NameID (CVE-2017-11427)",
        "refuse-victim",
        _comment_in_name_id,
    ),
    "sha1": ("signed with RSA-SHA1", "refuse-if-sha256-required", _sha1),
    "duplicate-ids": ("two Assertions with the same ID", "refuse", _duplicate_ids),
}


def forge(name: str, material: Material, evil_user: str = "attacker@evil.example") -> Forgery:
    description, expect, mutate = CATALOGUE[name]
    victim = name_id(parse(material)).text
    return Forgery(name, description, expect, encode(mutate(material, evil_user)), victim)
