"""The Response's exact bytes on the wire against golden files named after their source
(ENTRA-BEHAVIOUR §4, the real Entra captures): element order, attribute order with namespace
declarations last, namespaces, placement of signatures. Run with GOLDEN_UPDATE=1 to rewrite them
after a deliberate change, then review the diff."""

from __future__ import annotations

import base64
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree

from mock_idp.certificates import SigningCertificate
from mock_idp.claims import ClaimsPolicy, issued_claims
from mock_idp.directory import User
from mock_idp.saml_response import ResponseSpec, build_response, encode_for_post, sign_response
from mock_idp.xml_signing import load_key

GOLDEN = Path(__file__).parents[1] / "golden"
TENANT = "7c3e1d2a-5b4f-4e6a-9d8c-1f2e3a4b5c6d"
ISSUER = f"https://sts.windows.net/{TENANT}/"


@pytest.fixture(scope="module")
def key() -> SigningCertificate:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return SigningCertificate.create(private, datetime.now(UTC))


def normalise(xml: bytes) -> str:
    """Stable text of the wire bytes: ids numbered by first appearance, instants, digests and
    keys elided, a line break between tags (the wire has no whitespace there); start tags are
    kept byte for byte."""
    assert b">\n<" not in xml and b"> <" not in xml, "the wire is compact"
    text = xml.decode().replace("><", ">\n<") + "\n"
    ids: dict[str, str] = {}
    text = re.sub(
        r"_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        lambda m: ids.setdefault(m.group(0), f"_ID{len(ids) + 1}"),
        text,
    )
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", "INSTANT", text)
    return re.sub(r"(<(?:DigestValue|SignatureValue|X509Certificate)>)[^<]+", r"\1…", text)


def response(key: SigningCertificate, option: str, in_response_to: str | None) -> bytes:
    user = User(
        "B.Simon@contoso.com",
        "B.Simon",
        "pw",
        id="0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
        given_name="Britta",
        surname="Simon",
        mail="B.Simon@contoso.com",
    )
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    spec = ResponseSpec(
        issuer=ISSUER,
        destination="https://sso.8x8.com/saml2",
        audience="https://sso.8x8.com/saml2",
        name_id=user.user_principal_name,
        name_id_format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
        claims=issued_claims(TENANT, ISSUER, user, ClaimsPolicy()),
        issue_instant=now,
        authn_instant=now,
        in_response_to=in_response_to,
    )
    root = build_response(spec)
    sign_response(root, load_key(key.private_key_pem, key.pem), option, "sha256")  # type: ignore[arg-type]
    return base64.b64decode(encode_for_post(root))


@pytest.mark.parametrize(
    ("golden", "option", "in_response_to"),
    [
        ("entra-response-assertion-signed.xml", "assertion", None),
        ("entra-response-response-signed.xml", "response", None),
        ("entra-response-both-signed.xml", "both", None),
        ("entra-response-sp-initiated.xml", "assertion", "id6c1c178c166d486687be4aaf5e482730"),
    ],
)
def test_response_matches_the_capture_shape(
    key: SigningCertificate, golden: str, option: str, in_response_to: str | None
) -> None:
    actual = normalise(response(key, option, in_response_to))
    path = GOLDEN / golden
    if os.environ.get("GOLDEN_UPDATE"):
        path.write_text(actual)
    assert actual == path.read_text(), f"{golden} differs; see the diff above"


@pytest.fixture(scope="module")
def protocol_schema() -> etree.XMLSchema:
    """The OASIS SAML 2.0 protocol schema (with assertion, xmldsig, xenc), as python3-saml ships it."""
    import onelogin.saml2

    schemas = Path(onelogin.saml2.__file__).parent / "schemas"
    return etree.XMLSchema(etree.parse(str(schemas / "saml-schema-protocol-2.0.xsd")))


@pytest.mark.parametrize("option", ["assertion", "response", "both"])
@pytest.mark.parametrize("in_response_to", [None, "id6c1c178c166d486687be4aaf5e482730"])
def test_response_is_valid_against_the_oasis_schema(
    key: SigningCertificate,
    protocol_schema: etree.XMLSchema,
    option: str,
    in_response_to: str | None,
) -> None:
    document = etree.fromstring(response(key, option, in_response_to))
    assert protocol_schema.validate(document), protocol_schema.error_log


def test_encrypted_response_is_valid_against_the_oasis_schema(
    key: SigningCertificate, protocol_schema: etree.XMLSchema
) -> None:
    from mock_idp.token_encryption import encrypt_assertion

    document = etree.fromstring(response(key, "assertion", None))
    encrypt_assertion(document, key.pem)
    assert document.find("{urn:oasis:names:tc:SAML:2.0:assertion}EncryptedAssertion") is not None
    assert protocol_schema.validate(document), protocol_schema.error_log
