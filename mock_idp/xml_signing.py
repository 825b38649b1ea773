"""Enveloped XML signatures: exclusive c14n by lxml, RSA by cryptography, keys loaded once."""

from __future__ import annotations

import base64
import copy
import hashlib
import threading
from dataclasses import dataclass
from typing import Literal

import xmlsec
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree

SigningAlgorithm = Literal["sha256", "sha1"]
DS = "http://www.w3.org/2000/09/xmldsig#"

# SAML Response captures: rsa-sha256 + sha256 digest by default, rsa-sha1 + sha1 when the
# app's Signing Algorithm is SHA-1; exc-c14n; algorithm URIs with http:// as Entra writes them.
_TRANSFORMS = {
    "sha256": (xmlsec.Transform.RSA_SHA256, xmlsec.Transform.SHA256),
    "sha1": (xmlsec.Transform.RSA_SHA1, xmlsec.Transform.SHA1),
}
_HASHES: dict[SigningAlgorithm, type[hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha1": hashes.SHA1,
}


@dataclass(frozen=True, eq=False)
class SigningKey:
    """An RSA private key and the certificate its signatures show in KeyInfo."""

    private_key: rsa.RSAPrivateKey
    private_key_pem: bytes
    certificate_pem: str
    certificate_text: str  # base64 DER on one line, as X509Certificate holds it

    def xmlsec_key(self) -> xmlsec.Key:
        """The same key for libxmlsec1, for signatures this module does not make (an XSLT
        Transform in a forgery) and for tests that compare both signers."""
        key = xmlsec.Key.from_memory(self.private_key_pem, xmlsec.KeyFormat.PEM)
        key.load_cert_from_memory(self.certificate_pem.encode(), xmlsec.KeyFormat.CERT_PEM)
        return key


_key_cache: dict[tuple[bytes, str], SigningKey] = {}
_lock = threading.Lock()


def load_key(private_key_pem: bytes, certificate_pem: str) -> SigningKey:
    """The signing key of a PEM key and certificate, parsed once and reused for every signature."""
    with _lock:
        key = _key_cache.get((private_key_pem, certificate_pem))
        if key is None:
            private_key = serialization.load_pem_private_key(private_key_pem, password=None)
            if not isinstance(private_key, rsa.RSAPrivateKey):
                raise ValueError("SAML signing keys are RSA keys")
            lines = certificate_pem.strip().splitlines()
            text = "".join(line.strip() for line in lines if not line.startswith("-----"))
            key = SigningKey(private_key, private_key_pem, certificate_pem, text)
            _key_cache[(private_key_pem, certificate_pem)] = key
        return key


_templates: dict[SigningAlgorithm, etree._Element] = {}


def _template(algorithm: SigningAlgorithm) -> etree._Element:
    """A copy of the empty Signature for `algorithm` (exc-c14n, one Reference with the enveloped
    and exc-c14n transforms, KeyInfo/X509Data/X509Certificate), built once with xmlsec.template
    and without whitespace, as Entra writes it (capture)."""
    with _lock:
        template = _templates.get(algorithm)
        if template is None:
            sign_method, digest_method = _TRANSFORMS[algorithm]
            template = xmlsec.template.create(
                etree.Element("holder"), xmlsec.Transform.EXCL_C14N, sign_method
            )
            reference = xmlsec.template.add_reference(template, digest_method, uri="#")
            xmlsec.template.add_transform(reference, xmlsec.Transform.ENVELOPED)
            xmlsec.template.add_transform(reference, xmlsec.Transform.EXCL_C14N)
            key_info = xmlsec.template.ensure_key_info(template)
            x509_data = xmlsec.template.add_x509_data(key_info)
            xmlsec.template.x509_data_add_certificate(x509_data)
            for node in template.iter():
                if node.text is not None and not node.text.strip():
                    node.text = None
                if node is not template:
                    node.tail = None
            _templates[algorithm] = template
    return copy.deepcopy(template)


def _exc_c14n(element: etree._Element) -> bytes:
    # http://www.w3.org/2001/10/xml-exc-c14n# is the form without comments.
    return etree.tostring(element, method="c14n", exclusive=True, with_comments=False)


def sign_enveloped(
    element: etree._Element,
    key: SigningKey,
    algorithm: SigningAlgorithm = "sha256",
    insert_after: etree._Element | None = None,
) -> etree._Element:
    """Sign `element` (which has an ID attribute) with a Signature placed after `insert_after`.

    SAML Core §5.4.2: enveloped signature, exclusive c14n, Reference URI "#ID". Entra writes the
    Signature in the default namespace (xmlns="http://www.w3.org/2000/09/xmldsig#"). The digest
    is taken before the Signature is inserted, which is what the enveloped-signature transform
    leaves of the element (XML-DSig §6.6.4); tests/test_xml_signing.py checks every byte against
    libxmlsec1 signing the same element.
    """
    digest = hashlib.new(algorithm, _exc_c14n(element)).digest()
    signature = _template(algorithm)
    if insert_after is None:
        element.insert(0, signature)
    else:
        insert_after.addnext(signature)
    signed_info = signature[0]
    reference = signed_info.find(f"{{{DS}}}Reference")
    reference.set("URI", "#" + element.get("ID", ""))
    reference.find(f"{{{DS}}}DigestValue").text = base64.b64encode(digest).decode()
    value = key.private_key.sign(_exc_c14n(signed_info), padding.PKCS1v15(), _HASHES[algorithm]())
    signature.find(f"{{{DS}}}SignatureValue").text = base64.b64encode(value).decode()
    certificate = signature.find(f"{{{DS}}}KeyInfo/{{{DS}}}X509Data/{{{DS}}}X509Certificate")
    certificate.text = key.certificate_text
    return signature
