"""The signer (lxml's exclusive c14n, cryptography's RSA) gives byte for byte the signature
libxmlsec1 gives for the same element, key and placement, whatever the element holds."""

from __future__ import annotations

import copy

import pytest
import xmlsec
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree

from mock_idp.xml_signing import DS, SigningAlgorithm, SigningKey, load_key, sign_enveloped
from mock_kernel.clock import Clock

SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"


def key_pair() -> tuple[bytes, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [x509.NameAttribute(x509.NameOID.COMMON_NAME, "Microsoft Azure Federated SSO")]
    )
    now = Clock().now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(now)
        .not_valid_after(now.replace(year=now.year + 3))
        .sign(key, hashes.SHA256())
    )
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return private_pem, certificate.public_bytes(serialization.Encoding.PEM).decode()


def assertion(name: str = "B.Simon@contoso.com", comment: bool = False) -> etree._Element:
    root = etree.Element(f"{{{SAML}}}Assertion", nsmap={None: SAML}, ID="_a1b2", Version="2.0")
    etree.SubElement(root, f"{{{SAML}}}Issuer").text = "https://sts.windows.net/t/"
    subject = etree.SubElement(root, f"{{{SAML}}}Subject")
    name_id = etree.SubElement(subject, f"{{{SAML}}}NameID", Format='x&"<y>\t')
    name_id.text = name
    if comment:
        name_id.append(etree.Comment("a comment c14n leaves out"))
        name_id[-1].tail = ".evil"
    return root


def response(inner: etree._Element) -> etree._Element:
    """A samlp-prefixed Response around `inner`, as Entra nests its assertion."""
    root = etree.Element(f"{{{SAMLP}}}Response", nsmap={"samlp": SAMLP}, ID="_r1", Version="2.0")
    etree.SubElement(root, f"{{{SAML}}}Issuer", nsmap={None: SAML}).text = "https://sts/"
    root.append(inner)
    return root


def xmlsec_signature(element: etree._Element, key: SigningKey, algorithm: str, at: int) -> None:
    """The signature as libxmlsec1 makes it from xmlsec's own template functions."""
    methods = {
        "sha256": (xmlsec.Transform.RSA_SHA256, xmlsec.Transform.SHA256),
        "sha1": (xmlsec.Transform.RSA_SHA1, xmlsec.Transform.SHA1),
    }[algorithm]
    signature = xmlsec.template.create(element, xmlsec.Transform.EXCL_C14N, methods[0])
    element.insert(at, signature)
    reference = xmlsec.template.add_reference(signature, methods[1], uri="#" + element.get("ID"))
    xmlsec.template.add_transform(reference, xmlsec.Transform.ENVELOPED)
    xmlsec.template.add_transform(reference, xmlsec.Transform.EXCL_C14N)
    x509_data = xmlsec.template.add_x509_data(xmlsec.template.ensure_key_info(signature))
    xmlsec.template.x509_data_add_certificate(x509_data)
    for node in signature.iter():
        if node.text is not None and not node.text.strip():
            node.text = None
        if node is not signature:
            node.tail = None
    context = xmlsec.SignatureContext()
    context.register_id(element, "ID")
    context.key = key.xmlsec_key()
    context.sign(signature)
    for node in signature.iter(f"{{{DS}}}SignatureValue", f"{{{DS}}}X509Certificate"):
        node.text = "".join((node.text or "").split())


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return load_key(*key_pair())


@pytest.mark.parametrize("algorithm", ["sha256", "sha1"])
@pytest.mark.parametrize(
    "name",
    ["B.Simon@contoso.com", 'Ünïcødé & <markup> "quoted" \r\n\ttabs', "]]> &amp; done"],
)
def test_assertion_signature_equals_libxmlsec1s(
    key: SigningKey, algorithm: SigningAlgorithm, name: str
) -> None:
    ours, theirs = assertion(name), assertion(name)
    sign_enveloped(ours, key, algorithm, insert_after=ours[0])
    xmlsec_signature(theirs, key, algorithm, at=1)
    assert etree.tostring(ours) == etree.tostring(theirs)
    shown = ours.find(f"{{{DS}}}Signature/{{{DS}}}KeyInfo/{{{DS}}}X509Data/{{{DS}}}X509Certificate")
    assert shown is not None and shown.text == key.certificate_text


def test_comments_are_outside_the_digest_as_exc_c14n_says(key: SigningKey) -> None:
    ours, theirs = assertion(comment=True), assertion(comment=True)
    sign_enveloped(ours, key, "sha256", insert_after=ours[0])
    xmlsec_signature(theirs, key, "sha256", at=1)
    assert etree.tostring(ours) == etree.tostring(theirs)
    without = assertion(name="B.Simon@contoso.com.evil")
    sign_enveloped(without, key, "sha256", insert_after=without[0])
    digest = f".//{{{DS}}}DigestValue"
    assert ours.findtext(digest) == without.findtext(digest)


@pytest.mark.parametrize("algorithm", ["sha256", "sha1"])
def test_response_around_a_signed_assertion_equals_libxmlsec1s(
    key: SigningKey, algorithm: SigningAlgorithm
) -> None:
    """Signing "both": the Response digest covers the assertion's own Signature, and the
    assertion's c14n carries the namespace it inherits from the samlp-prefixed Response."""
    ours, theirs = response(assertion()), response(assertion())
    sign_enveloped(ours[1], key, algorithm, insert_after=ours[1][0])
    sign_enveloped(ours, key, algorithm, insert_after=ours[0])
    xmlsec_signature(theirs[1], key, algorithm, at=1)
    xmlsec_signature(theirs, key, algorithm, at=1)
    assert etree.tostring(ours) == etree.tostring(theirs)


def test_first_child_signature_verifies_with_libxmlsec1(key: SigningKey) -> None:
    """Metadata's Signature is the root's first child; libxmlsec1 verifies it with the
    certificate alone, and refuses it once a signed byte changes."""
    root = assertion()
    sign_enveloped(root, key, "sha256")
    assert root[0].tag == f"{{{DS}}}Signature"

    def verify(element: etree._Element) -> None:
        context = xmlsec.SignatureContext()
        context.register_id(element, "ID")
        context.key = xmlsec.Key.from_memory(key.certificate_pem, xmlsec.KeyFormat.CERT_PEM)
        context.verify(element[0])

    verify(copy.deepcopy(root))
    root.find(f".//{{{SAML}}}NameID").text = "someone.else@contoso.com"
    with pytest.raises(xmlsec.Error):
        verify(root)


def test_a_key_is_parsed_once(key: SigningKey) -> None:
    assert load_key(key.private_key_pem, key.certificate_pem) is key
