"""The copied Signature template and the certificate-less signing key give byte-for-byte the
signature xmlsec's own template functions and the certificate-carrying key give."""

from __future__ import annotations

import pytest
import xmlsec
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree

from harness.clock import Clock
from mock_idp.xml_signing import DS, SigningAlgorithm, _certificate_text, load_key, sign_enveloped

SAML = "urn:oasis:names:tc:SAML:2.0:assertion"


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


def assertion() -> etree._Element:
    root = etree.Element(f"{{{SAML}}}Assertion", nsmap={None: SAML}, ID="_a1b2", Version="2.0")
    etree.SubElement(root, f"{{{SAML}}}Issuer").text = "https://sts.windows.net/t/"
    etree.SubElement(root, f"{{{SAML}}}Subject").text = "B.Simon@contoso.com"
    return root


def reference_signature(element: etree._Element, key: xmlsec.Key, algorithm: str) -> None:
    """The signature as xmlsec's template functions build it, the key carrying its certificate."""
    methods = {
        "sha256": (xmlsec.Transform.RSA_SHA256, xmlsec.Transform.SHA256),
        "sha1": (xmlsec.Transform.RSA_SHA1, xmlsec.Transform.SHA1),
    }[algorithm]
    signature = xmlsec.template.create(element, xmlsec.Transform.EXCL_C14N, methods[0])
    element[0].addnext(signature)
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
    context.key = key
    context.sign(signature)
    for node in signature.iter(f"{{{DS}}}SignatureValue", f"{{{DS}}}X509Certificate"):
        node.text = "".join((node.text or "").split())


@pytest.mark.parametrize("algorithm", ["sha256", "sha1"])
def test_fast_signature_equals_xmlsecs_own(algorithm: SigningAlgorithm) -> None:
    private_pem, certificate_pem = key_pair()
    key = load_key(private_pem, certificate_pem)
    fast, reference = assertion(), assertion()
    sign_enveloped(fast, key, algorithm, insert_after=fast[0])
    sign_enveloped(fast_again := assertion(), key, algorithm, insert_after=fast_again[0])
    reference_signature(reference, key, algorithm)
    assert etree.tostring(fast) == etree.tostring(reference) == etree.tostring(fast_again)
    shown = fast.find(f"{{{DS}}}Signature/{{{DS}}}KeyInfo/{{{DS}}}X509Data/{{{DS}}}X509Certificate")
    assert shown is not None and shown.text == _certificate_text(certificate_pem)


def test_a_key_made_elsewhere_still_signs_with_its_certificate() -> None:
    private_pem, certificate_pem = key_pair()
    key = xmlsec.Key.from_memory(private_pem, xmlsec.KeyFormat.PEM)
    key.load_cert_from_memory(certificate_pem.encode(), xmlsec.KeyFormat.CERT_PEM)
    signed = assertion()
    sign_enveloped(signed, key, "sha256", insert_after=signed[0])
    reference = assertion()
    reference_signature(reference, key, "sha256")
    assert etree.tostring(signed) == etree.tostring(reference)
