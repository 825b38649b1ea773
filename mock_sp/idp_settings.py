"""What a vendor knows about its IdP: read from uploaded federation metadata or typed in a console."""

from __future__ import annotations

import base64
import textwrap
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree

MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"


class MetadataError(ValueError):
    pass


@dataclass
class IdpSettings:
    """SSO General Information: IdP entity id, sign-in and sign-out URLs, signing certificates."""

    entity_id: str
    sso_url: str
    slo_url: str | None = None
    certificates: list[str] = field(default_factory=list)  # base64 DER, no armour

    def certificate_details(self) -> list[CertificateDetails]:
        return [certificate_details(c) for c in self.certificates]

    def certificate_pems(self) -> list[str]:
        return [
            "-----BEGIN CERTIFICATE-----\n"
            + "\n".join(textwrap.wrap(c, 64))
            + "\n-----END CERTIFICATE-----\n"
            for c in self.certificates
        ]


def parse_idp_metadata(document: bytes) -> IdpSettings:
    """Read an IdP EntityDescriptor. Tolerates the UTF-8 BOM Entra puts on the ?appid= variant."""
    document = document.removeprefix(b"\xef\xbb\xbf").strip()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(document, parser)
    except etree.XMLSyntaxError as error:
        raise MetadataError(f"the file is not XML: {error}") from None
    if root.tag != f"{{{MD}}}EntityDescriptor":
        raise MetadataError("the file is not SAML 2.0 metadata (no EntityDescriptor)")
    idp = root.find(f"{{{MD}}}IDPSSODescriptor")
    if idp is None:
        raise MetadataError("the metadata describes no identity provider (no IDPSSODescriptor)")
    sso = idp.find(f"{{{MD}}}SingleSignOnService[@Binding='{REDIRECT}']")
    if sso is None:
        sso = idp.find(f"{{{MD}}}SingleSignOnService")
    slo = idp.find(f"{{{MD}}}SingleLogoutService")
    certificates = [
        "".join((node.text or "").split())
        for node in idp.iterfind(
            f"{{{MD}}}KeyDescriptor/{{{DS}}}KeyInfo/{{{DS}}}X509Data/{{{DS}}}X509Certificate"
        )
        if node.getparent().getparent().getparent().get("use") in (None, "signing")
    ]
    if sso is None or not certificates:
        raise MetadataError("the metadata has no sign-on URL or no signing certificate")
    return IdpSettings(
        entity_id=root.get("entityID", ""),
        sso_url=sso.get("Location", ""),
        slo_url=slo.get("Location") if slo is not None else None,
        certificates=certificates,
    )


@dataclass(frozen=True)
class CertificateDetails:
    """What a console shows of a certificate on file: subject, thumbprint, expiry."""

    subject: str
    thumbprint: str  # SHA-1, upper-case hex, as the Entra admin center shows it
    not_after: datetime


def certificate_details(certificate: str) -> CertificateDetails:
    """A base64 DER certificate (IdpSettings.certificates) as a console lists it."""
    parsed = x509.load_der_x509_certificate(base64.b64decode(certificate))
    return CertificateDetails(
        subject=parsed.subject.rfc4514_string(),
        thumbprint=parsed.fingerprint(hashes.SHA1()).hex().upper(),
        not_after=parsed.not_valid_after_utc,
    )


def certificate_from_upload(upload: bytes) -> str:
    """A certificate file as the portal downloads it (Base64 PEM or Raw DER) -> base64 DER."""
    text = upload.removeprefix(b"\xef\xbb\xbf").strip()
    try:
        if text.startswith(b"-----BEGIN CERTIFICATE-----"):
            der = x509.load_pem_x509_certificate(text).public_bytes(serialization.Encoding.DER)
        else:
            der = x509.load_der_x509_certificate(text).public_bytes(serialization.Encoding.DER)
    except ValueError:
        raise ValueError("the file is not an X.509 certificate (Base64 or Raw)") from None
    return base64.b64encode(der).decode()


def self_signed_key_pair(common_name: str, days: int = 365) -> tuple[bytes, str]:
    """An RSA-2048 key (PKCS#8 PEM) and its self-signed certificate (PEM), for an SP's own use."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM).decode()
