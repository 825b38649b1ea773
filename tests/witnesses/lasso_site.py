"""Lasso (Debian's python3-lasso, the library under mod_auth_mellon) behind lasso_app.py, run by
Debian's own Python; SP metadata written as Lasso's documentation describes, the IdP's from the
App Federation Metadata Url bytes."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from tests.witnesses.processes import Process, free_port, fresh_logs, wait_for_port
from tests.witnesses.shibboleth import entity_id_of
from tests.witnesses.sites import NAME_CLAIM

DEBIAN_PYTHON = "/usr/bin/python3"
APP = Path(__file__).with_name("lasso_app.py")


def sp_key_and_certificate(common_name: str) -> tuple[bytes, bytes]:
    """The SP's own RSA key and self-signed certificate (signing requests, decrypting)."""
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
        .not_valid_after(now + timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM)


class LassoSite:
    name = "Lasso"

    def __init__(self, directory: Path) -> None:
        # Entra's LogoutResponse Issuer is https://login.microsoftonline.com/{tid}/, not the
        # metadata's entityID (MicrosoftDocs/azure-docs #108484), which Lasso alone does not
        # know (mellon and Shibboleth show the refusal); this app registers the metadata under
        # that issuer too, so single logout checks Entra's Redirect signature end to end.
        self.quirks: dict[str, str] = {}
        self.directory = directory
        self.port = free_port()
        self.base = f"http://localhost:{self.port}"
        self.entity_id = f"{self.base}/lasso/metadata"
        self.acs_url = f"{self.base}/acs"
        self.logout_url = f"{self.base}/slo"
        self.protected_url = f"{self.base}/attributes"
        self.landing_url = self.protected_url
        self.signed_out_url = f"{self.base}/signed-out"
        directory.mkdir(parents=True, exist_ok=True)
        key, certificate = sp_key_and_certificate("localhost")
        (directory / "sp-key.pem").write_bytes(key)
        (directory / "sp-cert.pem").write_bytes(certificate)
        (directory / "sp-metadata.xml").write_text(self.sp_metadata(certificate))
        self.process: Process | None = None

    def sp_metadata(self, certificate_pem: bytes) -> str:
        der = x509.load_pem_x509_certificate(certificate_pem).public_bytes(
            serialization.Encoding.DER
        )
        key_info = (
            '<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data>'
            f"<ds:X509Certificate>{base64.b64encode(der).decode()}</ds:X509Certificate>"
            "</ds:X509Data></ds:KeyInfo>"
        )
        return f"""<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata"
    entityID="{self.entity_id}">
  <SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"
      AuthnRequestsSigned="false" WantAssertionsSigned="false">
    <KeyDescriptor use="signing">{key_info}</KeyDescriptor>
    <KeyDescriptor use="encryption">{key_info}</KeyDescriptor>
    <SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        Location="{self.logout_url}"/>
    <AssertionConsumerService index="0" isDefault="true"
        Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{self.acs_url}"/>
  </SPSSODescriptor>
</EntityDescriptor>
"""

    @property
    def encryption_certificate_pem(self) -> str:
        return (self.directory / "sp-cert.pem").read_text()

    def signed_in_texts(self, upn: str) -> list[str]:
        return [f"REMOTE_USER={upn}", f"NAME_CLAIM={upn}"]

    def logout_start_url(self) -> str:
        return f"{self.base}/logout"

    def start(self, idp_metadata: bytes) -> None:
        fresh_logs(self.directory, "lasso.log")
        directory = self.directory
        (directory / "idp-metadata.xml").write_bytes(idp_metadata)
        config = {
            "port": self.port,
            "sp_metadata": str(directory / "sp-metadata.xml"),
            "sp_key": str(directory / "sp-key.pem"),
            "sp_cert": str(directory / "sp-cert.pem"),
            "idp_metadata": str(directory / "idp-metadata.xml"),
            "idp_entity_id": entity_id_of(idp_metadata),
            "logout_issuer": entity_id_of(idp_metadata).replace(
                "https://sts.windows.net/", "https://login.microsoftonline.com/"
            ),
            "name_claim": NAME_CLAIM,
        }
        log = directory / "lasso.log"
        self.process = Process([DEBIAN_PYTHON, str(APP), json.dumps(config)], log)
        wait_for_port(self.port, self.process.popen, log, 15)

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
            self.process = None

    def close(self) -> None:
        self.stop()

    def error_log(self) -> str:
        path = self.directory / "lasso.log"
        return path.read_text(errors="replace") if path.exists() else ""
