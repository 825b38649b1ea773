"""Builders shared by the SAML Response and ACS tests: one tenant, one SP, B.Simon's claims."""

from __future__ import annotations

import base64
import dataclasses
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import xmlsec
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree

from mock_idp.certificates import SigningCertificate
from mock_idp.claims import MS_IDENTITY, NAMEID_EMAIL, XMLSOAP
from mock_idp.saml_response import ResponseSpec, build_response, encode_for_post, sign_response
from mock_idp.xml_signing import load_key

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

TENANT_ID = "8eaef023-2b34-4da1-9baa-8bc8c9d6a490"
ISSUER = f"https://sts.windows.net/{TENANT_ID}/"
SSO_URL = f"https://login.microsoftonline.com/{TENANT_ID}/saml2"
SP_HOST = "sso.example.com"
ACS_PATH = "/saml2/acs"
ACS = f"https://{SP_HOST}{ACS_PATH}"
AUDIENCE = f"https://{SP_HOST}/saml2"
UPN = "B.Simon@contoso.com"
REQUEST_ID = "id6c1c178c166d486687be4aaf5e482730"
CLAIMS: list[tuple[str, list[str]]] = [
    (f"{MS_IDENTITY}/tenantid", [TENANT_ID]),
    (f"{MS_IDENTITY}/objectidentifier", ["2b1f6c1e-4c3a-4f0e-9d1c-0a4f5e6d7c8b"]),
    (f"{MS_IDENTITY}/displayname", ["B.Simon"]),
    (f"{MS_IDENTITY}/identityprovider", [ISSUER]),
    (f"{XMLSOAP}/givenname", ["B"]),
    (f"{XMLSOAP}/surname", ["Simon"]),
    (f"{XMLSOAP}/emailaddress", [UPN]),
    (f"{XMLSOAP}/name", [UPN]),
]
OPTIONS = ("assertion", "response", "both")
ALGORITHMS = ("sha256", "sha1")


@dataclass(frozen=True)
class Signer:
    """A token-signing certificate and the xmlsec key made from it."""

    certificate: SigningCertificate
    key: xmlsec.Key


def new_signer(private_key: rsa.RSAPrivateKey, subject: str | None = None) -> Signer:
    """A certificate valid from yesterday (xmlsec1 reads real time), as Entra creates it."""
    extra: dict[str, Any] = {"subject": subject} if subject else {}
    certificate = SigningCertificate.create(
        private_key, datetime.now(UTC) - timedelta(days=1), **extra
    )
    return Signer(certificate, load_key(certificate.private_key_pem, certificate.pem))


def make_spec(issue_instant: datetime, **changes: Any) -> ResponseSpec:
    """B.Simon's SP-initiated Response to the example SP; `changes` override any field."""
    spec = ResponseSpec(
        issuer=ISSUER,
        destination=ACS,
        audience=AUDIENCE,
        name_id=UPN,
        name_id_format=NAMEID_EMAIL,
        claims=[(name, list(values)) for name, values in CLAIMS],
        issue_instant=issue_instant,
        authn_instant=issue_instant - timedelta(seconds=3),
        in_response_to=REQUEST_ID,
    )
    return dataclasses.replace(spec, **changes)


def sign(
    response: etree._Element, signer: Signer, option: str = "assertion", algorithm: str = "sha256"
) -> etree._Element:
    sign_response(response, signer.key, option, algorithm)  # type: ignore[arg-type]
    return response


def signed_post(
    spec: ResponseSpec, signer: Signer, option: str = "assertion", algorithm: str = "sha256"
) -> str:
    """The SAMLResponse form value of a built and signed Response."""
    return encode_for_post(sign(build_response(spec), signer, option, algorithm))


def decode(saml_response: str) -> etree._Element:
    return etree.fromstring(base64.b64decode(saml_response))


def encode(root: etree._Element) -> str:
    return encode_for_post(root)


def xmlsec1_verify(
    document: bytes, element: str, node_id: str, cert_pem: str, directory: Path
) -> bool:
    """The xmlsec1 program on the signature of the `element` ("Response" or "Assertion") whose ID
    is `node_id`, trusting only `cert_pem`."""
    namespace = SAMLP if element == "Response" else SAML
    (directory / "cert.pem").write_text(cert_pem)
    (directory / "file.xml").write_bytes(document)
    result = subprocess.run(
        [
            "xmlsec1",
            "--verify",
            "--pubkey-cert-pem",
            str(directory / "cert.pem"),
            "--id-attr:ID",
            f"{namespace}:{element}",
            "--node-id",
            node_id,
            "--enabled-reference-uris",
            "same-doc",
            str(directory / "file.xml"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode == 0 and "OK" in result.stderr
