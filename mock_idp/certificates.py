"""Token-signing certificates as Entra creates them: self-signed, RSA-2048, SHA-256, three years."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import NameOID

from .ids import new_guid

# Docs "Manage certificates for federated single sign-on": subject and default lifetime.
ENTRA_CERT_SUBJECT = "Microsoft Azure Federated SSO Certificate"
DEFAULT_LIFETIME_YEARS = 3
# Real certificates (metadata captures 2021-2022, issue 19): X.509 v3 without extensions, a
# 16-byte positive serial, the CN as PrintableString, valid three calendar years to the second.
SERIAL_BYTES = 16


def entra_serial_number() -> int:
    """A random serial whose DER INTEGER is exactly 16 bytes: first byte 0x01-0x7f."""
    low, high = 1 << (8 * SERIAL_BYTES - 8), 1 << (8 * SERIAL_BYTES - 1)
    return low + secrets.randbelow(high - low)


def add_years(moment: datetime, years: int) -> datetime:
    """The same date and time `years` later (29 February becomes 28 February)."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


class KeyPool:
    """RSA-2048 keys made once per process and handed out in order again after each reset.

    Key generation costs ~50 ms; a scenario resets the tenant, so reusing keys keeps
    scenarios fast and runs deterministic within a process (navikt/mock-oauth2-server's fixed keys).
    """

    def __init__(self) -> None:
        self._keys: list[rsa.RSAPrivateKey] = []
        self._next = 0
        self._lock = threading.Lock()

    def take(self) -> rsa.RSAPrivateKey:
        with self._lock:
            if self._next == len(self._keys):
                self._keys.append(rsa.generate_private_key(public_exponent=65537, key_size=2048))
            key = self._keys[self._next]
            self._next += 1
            return key

    def rewind(self) -> None:
        with self._lock:
            self._next = 0


@dataclass
class SigningCertificate:
    """One certificate of an app's SAML Signing Certificate list."""

    private_key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    active: bool = False
    key_id: str = field(default_factory=new_guid)

    @classmethod
    def create(
        cls,
        key: rsa.RSAPrivateKey,
        now: datetime,
        not_after: datetime | None = None,
        subject: str = ENTRA_CERT_SUBJECT,
    ) -> SigningCertificate:
        """A certificate valid from `now` (to the second) to `not_after`, by default three
        calendar years later."""
        now = now.replace(microsecond=0)
        ends = add_years(now, DEFAULT_LIFETIME_YEARS) if not_after is None else not_after
        name = x509.Name(
            [x509.NameAttribute(NameOID.COMMON_NAME, subject, _type=_ASN1Type.PrintableString)]
        )
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(entra_serial_number())
            .not_valid_before(now)
            .not_valid_after(ends)
            .sign(key, hashes.SHA256())
        )
        return cls(private_key=key, certificate=certificate)

    @cached_property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @cached_property
    def pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()

    @cached_property
    def private_key_pem(self) -> bytes:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    @property
    def base64(self) -> str:
        """The certificate's DER as one base64 line, as in metadata and X509Certificate."""
        return base64.b64encode(self.der).decode()

    @property
    def thumbprint(self) -> str:
        """SHA-1 of the DER, upper-case hex: what the portal and Graph call the thumbprint."""
        return hashlib.sha1(self.der).hexdigest().upper()

    @property
    def not_after(self) -> datetime:
        return self.certificate.not_valid_after_utc

    @property
    def not_before(self) -> datetime:
        return self.certificate.not_valid_before_utc

    def download_base64(self) -> str:
        """Certificate (Base64): PEM armour around the base64 DER, CRLF line ends (portal download)."""
        lines = [self.base64[i : i + 64] for i in range(0, len(self.base64), 64)]
        body = "\r\n".join(["-----BEGIN CERTIFICATE-----", *lines, "-----END CERTIFICATE-----"])
        return body + "\r\n"
