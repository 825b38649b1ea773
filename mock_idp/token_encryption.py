"""SAML token encryption (Enterprise app > Token encryption): the signed Assertion becomes an
EncryptedAssertion for the certificate the admin uploaded (AES-256-CBC, key by RSA-OAEP)."""

from __future__ import annotations

import xmlsec
from lxml import etree

from .entra_xml import tostring

SAML = "urn:oasis:names:tc:SAML:2.0:assertion"


def encrypt_assertion(response: etree._Element, certificate_pem: str) -> None:
    """Replace the Response's Assertion by an EncryptedAssertion (SAML Core §2.3.4; docs
    "Configure Microsoft Entra SAML token encryption": AES-256, the SP's public key)."""
    assertion = response.find(f"{{{SAML}}}Assertion")
    if assertion is None:
        return
    # The plaintext is the Assertion serialized on its own, with its namespace declaration, so it
    # decrypts into whatever context the SP parses it in (Entra's plaintext carries xmlns too).
    plaintext = tostring(assertion)  # Entra's attribute order (entra_xml)
    encrypted_assertion = etree.Element(f"{{{SAML}}}EncryptedAssertion", nsmap={None: SAML})
    assertion.getparent().replace(assertion, encrypted_assertion)
    template = xmlsec.template.encrypted_data_create(
        encrypted_assertion,
        xmlsec.constants.TransformAes256Cbc,
        type=xmlsec.constants.TypeEncElement,
        ns="xenc",
    )
    xmlsec.template.encrypted_data_ensure_cipher_value(template)
    key_info = xmlsec.template.encrypted_data_ensure_key_info(template, ns="dsig")
    encrypted_key = xmlsec.template.add_encrypted_key(key_info, xmlsec.constants.TransformRsaOaep)
    xmlsec.template.encrypted_data_ensure_cipher_value(encrypted_key)
    manager = xmlsec.KeysManager()
    manager.add_key(
        xmlsec.Key.from_memory(certificate_pem.encode(), xmlsec.constants.KeyDataFormatCertPem)
    )
    context = xmlsec.EncryptionContext(manager)
    context.key = xmlsec.Key.generate(
        xmlsec.constants.KeyDataAes, 256, xmlsec.constants.KeyDataTypeSession
    )
    encrypted_assertion.append(template)
    context.encrypt_binary(template, plaintext)
