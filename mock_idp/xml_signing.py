"""Enveloped XML signatures with the xmlsec binding (libxmlsec1), keys loaded once per certificate."""

from __future__ import annotations

import copy
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
# For each key load_key made: the same private key without its certificate, and the certificate
# as KeyInfo shows it. xmlsec signs about 70 µs faster with a bare key (it neither copies nor
# writes the X509 data; measured with bench/run.py's IdP section), and the certificate text is
# the same for every signature, outside what SignedInfo covers.
_bare_keys: dict[int, tuple[xmlsec.Key, str]] = {}


def load_key(private_key_pem: bytes, certificate_pem: str) -> xmlsec.Key:
    """An xmlsec key with its certificate attached, parsed once and reused for every signature."""
    cache_key = hash((private_key_pem, certificate_pem))
    with _key_lock:
        key = _key_cache.get(cache_key)
        if key is None:
            key = xmlsec.Key.from_memory(private_key_pem, xmlsec.KeyFormat.PEM)
            key.load_cert_from_memory(certificate_pem.encode(), xmlsec.KeyFormat.CERT_PEM)
            _key_cache[cache_key] = key
            bare = xmlsec.Key.from_memory(private_key_pem, xmlsec.KeyFormat.PEM)
            _bare_keys[id(key)] = (bare, _certificate_text(certificate_pem))
        return key


def _certificate_text(certificate_pem: str) -> str:
    """The base64 DER of a PEM certificate on one line, as X509Certificate holds it."""
    lines = certificate_pem.strip().splitlines()
    return "".join(line.strip() for line in lines if not line.startswith("-----"))


_templates: dict[SigningAlgorithm, etree._Element] = {}


def _template(algorithm: SigningAlgorithm) -> etree._Element:
    """A copy of the empty Signature for `algorithm` (exc-c14n, one Reference with the enveloped
    and exc-c14n transforms, KeyInfo/X509Data/X509Certificate), built once with xmlsec.template
    and without whitespace, as Entra writes it (capture)."""
    with _key_lock:
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
    signature = _template(algorithm)
    if insert_after is None:
        element.insert(0, signature)
    else:
        insert_after.addnext(signature)
    signature.find(f"{{{DS}}}SignedInfo/{{{DS}}}Reference").set("URI", "#" + element.get("ID", ""))
    bare = _bare_keys.get(id(key))
    context = xmlsec.SignatureContext()
    context.register_id(element, "ID")
    context.key = key if bare is None else bare[0]
    context.sign(signature)
    for node in signature.iter(f"{{{DS}}}SignatureValue", f"{{{DS}}}X509Certificate"):
        node.text = "".join((node.text or "").split())  # one line; not covered by SignedInfo
    if bare is not None:
        certificate = signature.find(f"{{{DS}}}KeyInfo/{{{DS}}}X509Data/{{{DS}}}X509Certificate")
        certificate.text = bare[1]
    return signature
