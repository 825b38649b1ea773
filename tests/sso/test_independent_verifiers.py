"""Three independent verifiers (pysaml2, python3-saml strict, the xmlsec1 program) accept every
signing option x algorithm, IdP- and SP-initiated, with and without token encryption."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from saml2 import BINDING_HTTP_POST
from saml2.client import Saml2Client
from saml2.config import SPConfig

from mock_idp.admin import (
    add_gallery_app,
    add_signing_certificate,
    assign,
    create_user,
    set_basic_saml_configuration,
)
from mock_idp.federation_metadata import build_metadata, serialize_metadata
from mock_idp.sign_in import issue_response
from mock_idp.tenant import LoginSession, Tenant
from mock_idp.xml_signing import load_key
from mock_sp.idp_settings import self_signed_key_pair

ACS = "https://sso.8x8.com/saml2"


@pytest.fixture(scope="module")
def encryption(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    key, certificate = self_signed_key_pair("pysaml2 SP")
    directory = tmp_path_factory.mktemp("sp")
    (directory / "key.pem").write_bytes(key)
    (directory / "cert.pem").write_text(certificate)
    return directory / "key.pem", directory / "cert.pem", certificate


def tenant_with_8x8() -> tuple[Tenant, object, object]:
    tenant = Tenant()
    user = create_user(
        tenant,
        user_principal_name="B.Simon@contoso.com",
        display_name="B.Simon",
        password="pw",
        mail="B.Simon@contoso.com",
    )
    app = add_gallery_app(tenant, tenant.gallery["8x8"].template_id, "8x8")
    set_basic_saml_configuration(tenant, app, identifiers=[ACS], reply_urls=[ACS])
    add_signing_certificate(tenant, app)
    assign(tenant, app, user.id, app.app_roles[0].id)
    return tenant, app, user


def every_combination(test: Any) -> Any:
    """Signing option x algorithm x IdP- or SP-initiated x token encryption: 24 cases."""
    for name, values, ids in [
        ("option", ["assertion", "response", "both"], None),
        ("algorithm", ["sha256", "sha1"], None),
        (
            "in_response_to",
            [None, "id6c1c178c166d486687be4aaf5e482730"],
            ["idp-initiated", "sp-initiated"],
        ),
        ("encrypted", [False, True], ["plain", "encrypted"]),
    ]:
        test = pytest.mark.parametrize(name, values, ids=ids)(test)
    return test


def issued(
    option: str, algorithm: str, in_response_to: str | None, encryption_certificate: str | None
) -> tuple[Tenant, Any, Any]:
    """The tenant's real Response for B.Simon at 8x8 with these settings."""
    tenant, app, user = tenant_with_8x8()
    app.signing_option, app.signing_algorithm = option, algorithm  # type: ignore[attr-defined]
    app.encryption_certificate_pem = encryption_certificate  # type: ignore[attr-defined]
    session = LoginSession(user.id, datetime.now(UTC))  # type: ignore[attr-defined]
    post = issue_response(tenant, app, user, session, ACS, ACS, in_response_to, None)  # type: ignore[arg-type]
    return tenant, app, post


def sp_client(
    tenant: Tenant, app: object, signing_option: str, encryption: tuple[Path, Path, str] | None
) -> Saml2Client:
    certificate = app.active_certificate  # type: ignore[attr-defined]
    metadata = serialize_metadata(
        build_metadata(
            tenant.tenant_id,
            tenant.issuer,
            tenant.login_base,
            [certificate],
            load_key(certificate.private_key_pem, certificate.pem),
        ),
        with_bom=False,
    ).decode()
    sp: dict[str, object] = {
        "endpoints": {"assertion_consumer_service": [(ACS, BINDING_HTTP_POST)]},
        "allow_unsolicited": True,
        "want_assertions_signed": signing_option in ("assertion", "both"),
        "want_response_signed": signing_option in ("response", "both"),
    }
    config: dict[str, object] = {
        "entityid": ACS,
        "service": {"sp": sp},
        "metadata": {"inline": [metadata]},
        "xmlsec_binary": "/usr/bin/xmlsec1",
        "accepted_time_diff": 300,
        "allow_unknown_attributes": True,
    }
    if encryption is not None:
        key, cert, _ = encryption
        config["encryption_keypairs"] = [{"key_file": str(key), "cert_file": str(cert)}]
        config["key_file"], config["cert_file"] = str(key), str(cert)
    sp_config = SPConfig()
    sp_config.load(config)
    return Saml2Client(config=sp_config)


@every_combination
def test_pysaml2_accepts(
    option: str,
    algorithm: str,
    in_response_to: str | None,
    encrypted: bool,
    encryption: tuple[Path, Path, str],
) -> None:
    tenant, app, post = issued(
        option, algorithm, in_response_to, encryption[2] if encrypted else None
    )
    client = sp_client(tenant, app, option, encryption if encrypted else None)
    outstanding = {in_response_to: "/"} if in_response_to else None
    # pysaml2 finds the decryption key by the Response's InResponseTo (None when unsolicited).
    keys = {in_response_to: {"key": encryption[0].read_text()}} if encrypted else None
    parsed = client.parse_authn_request_response(
        post.saml_response, BINDING_HTTP_POST, outstanding=outstanding, outstanding_certs=keys
    )
    assert parsed is not None
    assert parsed.name_id.text == "B.Simon@contoso.com"
    assert (
        parsed.assertion.subject.subject_confirmation[0].subject_confirmation_data.recipient == ACS
    )

    tampered = base64.b64decode(post.saml_response).replace(
        b"B.Simon@contoso.com", b"Mallory@contoso.com"
    )
    if not encrypted:  # an encrypted assertion cannot be edited in place
        with pytest.raises(Exception):  # noqa: B017 - pysaml2 raises several kinds
            client.parse_authn_request_response(
                base64.b64encode(tampered).decode(), BINDING_HTTP_POST, outstanding=outstanding
            )


@every_combination
def test_python3_saml_and_xmlsec1_accept(
    option: str,
    algorithm: str,
    in_response_to: str | None,
    encrypted: bool,
    encryption: tuple[Path, Path, str],
    tmp_path: Path,
) -> None:
    """The two other independent verifiers: python3-saml in strict mode (deprecated algorithms
    allowed only for SHA-1) and the xmlsec1 program on each signature."""
    import subprocess

    from lxml import etree
    from onelogin.saml2.response import OneLogin_Saml2_Response
    from onelogin.saml2.settings import OneLogin_Saml2_Settings

    tenant, app, post = issued(
        option, algorithm, in_response_to, encryption[2] if encrypted else None
    )
    certificate = app.active_certificate  # type: ignore[attr-defined]
    sp: dict[str, object] = {"entityId": ACS, "assertionConsumerService": {"url": ACS}}
    if encrypted:
        sp["privateKey"] = encryption[0].read_text()
        sp["x509cert"] = encryption[2]
    settings = OneLogin_Saml2_Settings(
        {
            "strict": True,
            "sp": sp,
            "idp": {
                "entityId": tenant.issuer,
                "singleSignOnService": {"url": tenant.login_url},
                "x509cert": certificate.base64,
            },
            "security": {
                "wantAssertionsSigned": option in ("assertion", "both"),
                "wantMessagesSigned": option in ("response", "both"),
                "wantAssertionsEncrypted": encrypted,
                "rejectDeprecatedAlgorithm": algorithm != "sha1",
            },
        }
    )
    response = OneLogin_Saml2_Response(settings, post.saml_response)
    request = {"https": "on", "http_host": "sso.8x8.com", "script_name": "/saml2"}
    assert response.is_valid(request, request_id=in_response_to, raise_exceptions=True)
    assert response.get_nameid() == "B.Simon@contoso.com"
    if not encrypted:  # a tampered copy fails python3-saml as it fails pysaml2
        tampered = base64.b64encode(
            base64.b64decode(post.saml_response).replace(
                b"B.Simon@contoso.com", b"Mallory@contoso.com"
            )
        ).decode()
        assert not OneLogin_Saml2_Response(settings, tampered).is_valid(
            request, request_id=in_response_to
        )

    document = base64.b64decode(post.saml_response)
    if encrypted:  # xmlsec1 decrypts first, as an SP holding the key would
        (tmp_path / "enc.xml").write_bytes(document)
        document = subprocess.run(
            [
                "xmlsec1",
                "--decrypt",
                "--privkey-pem",
                str(encryption[0]),
                "--node-xpath",
                "//*[local-name()='EncryptedData']",
                str(tmp_path / "enc.xml"),
            ],
            capture_output=True,
            check=True,
        ).stdout
    (tmp_path / "cert.pem").write_text(certificate.pem)
    (tmp_path / "response.xml").write_bytes(document)
    root = etree.fromstring(document)
    signed = {
        "assertion": ["Assertion"],
        "response": ["Response"],
        "both": ["Response", "Assertion"],
    }[option]
    for element in signed:
        namespace = "protocol" if element == "Response" else "assertion"
        node = (
            root
            if element == "Response"
            else root.find(".//{urn:oasis:names:tc:SAML:2.0:assertion}Assertion")
        )
        assert node is not None
        result = subprocess.run(
            [
                "xmlsec1",
                "--verify",
                "--pubkey-cert-pem",
                str(tmp_path / "cert.pem"),
                "--id-attr:ID",
                f"urn:oasis:names:tc:SAML:2.0:{namespace}:{element}",
                "--node-id",
                node.get("ID", ""),
                "--enabled-reference-uris",
                "same-doc",
                str(tmp_path / "response.xml"),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if encrypted and element == "Response":  # the Response signs the ciphertext
            result = subprocess.run(
                [
                    "xmlsec1",
                    "--verify",
                    "--pubkey-cert-pem",
                    str(tmp_path / "cert.pem"),
                    "--id-attr:ID",
                    "urn:oasis:names:tc:SAML:2.0:protocol:Response",
                    "--enabled-reference-uris",
                    "same-doc",
                    str(tmp_path / "enc.xml"),
                ],
                capture_output=True,
                text=True,
                check=False,
            )
        assert result.returncode == 0, result.stderr
    if not encrypted:  # and the xmlsec1 program refuses the tampered copy
        (tmp_path / "tampered.xml").write_bytes(
            document.replace(b"B.Simon@contoso.com", b"Mallory@contoso.com")
        )
        tampered_result = subprocess.run(
            [
                "xmlsec1",
                "--verify",
                "--pubkey-cert-pem",
                str(tmp_path / "cert.pem"),
                "--id-attr:ID",
                f"urn:oasis:names:tc:SAML:2.0:{namespace}:{element}",
                "--enabled-reference-uris",
                "same-doc",
                str(tmp_path / "tampered.xml"),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert tampered_result.returncode != 0
