"""pysaml2 as an independent SP accepts every signing option x algorithm, IdP- and SP-initiated,
with and without token encryption, from the tenant's real Response; a tampered copy is refused."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path

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


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
@pytest.mark.parametrize(
    "in_response_to",
    [None, "id6c1c178c166d486687be4aaf5e482730"],
    ids=["idp-initiated", "sp-initiated"],
)
@pytest.mark.parametrize("algorithm", ["sha256", "sha1"])
@pytest.mark.parametrize("option", ["assertion", "response", "both"])
def test_pysaml2_accepts(
    option: str,
    algorithm: str,
    in_response_to: str | None,
    encrypted: bool,
    encryption: tuple[Path, Path, str],
) -> None:
    tenant, app, user = tenant_with_8x8()
    app.signing_option, app.signing_algorithm = option, algorithm  # type: ignore[attr-defined]
    if encrypted:
        app.encryption_certificate_pem = encryption[2]  # type: ignore[attr-defined]
    session = LoginSession(user.id, datetime.now(UTC))  # type: ignore[attr-defined]
    post = issue_response(tenant, app, user, session, ACS, ACS, in_response_to, None)  # type: ignore[arg-type]
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
