"""Enveloped XML signatures with the xmlsec binding (libxmlsec1), keys loaded once per certificate."""

from __future__ import annotations

import threading
from typing import Literal

import xmlsec
from lxml import etree

SigningAlgorithm = Literal["sha256", "sha1"]
DS = "http://www.w3.org/2000/09/xmldsig#"

# SAML Response captures: rsa-sha256 + sha256 digest by default, rsa-sha1 + sha1 when the
# app's Signing Algorithm is SHA-1; exc-c14n; algorithm URIs with http:// as Entra writes them.
_TRANSFORMS = {
    "sha256": (xmlsec.Transform.RSA_SHA256, xmlsec.Transform.SHA256),
    "sha1": (xmlsec.Transform.RSA_SHA1, xmlsec.Transform.SHA1),
}

_key_cache: dict[int, xmlsec.Key] = {}
_key_lock = threading.Lock()


def load_key(private_key_pem: bytes, certificate_pem: str) -> xmlsec.Key:
    """An xmlsec key with its certificate attached, parsed once and reused for every signature."""
    cache_key = hash((private_key_pem, certificate_pem))
    with _key_lock:
        key = _key_cache.get(cache_key)
        if key is None:
            key = xmlsec.Key.from_memory(private_key_pem, xmlsec.KeyFormat.PEM)
            key.load_cert_from_memory(certificate_pem.encode(), xmlsec.KeyFormat.CERT_PEM)
            _key_cache[cache_key] = key
        return key


def sign_enveloped(
    element: etree._Element,
    key: xmlsec.Key,
    algorithm: SigningAlgorithm = "sha256",
    insert_after: etree._Element | None = None,
) -> etree._Element:
    """Sign `element` (which has an ID attribute) with a Signature placed after `insert_after`.

    SAML Core §5.4.2: enveloped signature, exclusive c14n, Reference URI "#ID". Entra writes the
    Signature in the default namespace (xmlns="http://www.w3.org/2000/09/xmldsig#").
    """
    sign_method, digest_method = _TRANSFORMS[algorithm]
    signature = xmlsec.template.create(element, xmlsec.Transform.EXCL_C14N, sign_method)
    if insert_after is None:
        element.insert(0, signature)
    else:
        insert_after.addnext(signature)
    reference = xmlsec.template.add_reference(
        signature, digest_method, uri="#" + element.get("ID", "")
    )
    xmlsec.template.add_transform(reference, xmlsec.Transform.ENVELOPED)
    xmlsec.template.add_transform(reference, xmlsec.Transform.EXCL_C14N)
    key_info = xmlsec.template.ensure_key_info(signature)
    x509_data = xmlsec.template.add_x509_data(key_info)
    xmlsec.template.x509_data_add_certificate(x509_data)
    for node in signature.iter():  # Entra writes the Signature without whitespace (capture)
        if node.text is not None and not node.text.strip():
            node.text = None
        if node is not signature:
            node.tail = None
    context = xmlsec.SignatureContext()
    context.register_id(element, "ID")
    context.key = key
    context.sign(signature)
    for node in signature.iter(f"{{{DS}}}SignatureValue", f"{{{DS}}}X509Certificate"):
        node.text = "".join((node.text or "").split())  # one line; not covered by SignedInfo
    return signature
