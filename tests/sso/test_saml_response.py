"""The built and signed SAML Response has Entra's exact shape (ENTRA-BEHAVIOUR §4) and verifies."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree
from onelogin.saml2.response import OneLogin_Saml2_Response
from onelogin.saml2.settings import OneLogin_Saml2_Settings

from mock_kernel.clock import parse_instant
from tests.saml_fixtures import (
    ACS,
    ACS_PATH,
    ALGORITHMS,
    AUDIENCE,
    CLAIMS,
    DS,
    ISSUER,
    OPTIONS,
    REQUEST_ID,
    SAML,
    SAMLP,
    SP_HOST,
    SSO_URL,
    UPN,
    XSI,
    Signer,
    decode,
    make_spec,
    new_signer,
    signed_post,
    xmlsec1_verify,
)

SAML_ID = re.compile(r"^_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SIGNATURE_METHODS = {
    "sha256": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    "sha1": "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
}
DIGEST_METHODS = {
    "sha256": "http://www.w3.org/2001/04/xmlenc#sha256",
    "sha1": "http://www.w3.org/2000/09/xmldsig#sha1",
}
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
every_combination = pytest.mark.parametrize(
    ("option", "algorithm"), [(o, a) for o in OPTIONS for a in ALGORITHMS]
)


@pytest.fixture(scope="module")
def signer() -> Signer:
    return new_signer(rsa.generate_private_key(public_exponent=65537, key_size=2048))


def issued(signer: Signer, option: str, algorithm: str, **changes: object) -> etree._Element:
    """What the ACS receives: the posted Response, decoded and parsed again."""
    spec = make_spec(datetime.now(UTC), **changes)
    return decode(signed_post(spec, signer, option, algorithm))


def the_assertion(root: etree._Element) -> etree._Element:
    assertion = root.find(f"{{{SAML}}}Assertion")
    assert assertion is not None
    return assertion


def local_names(element: etree._Element) -> list[str]:
    return [etree.QName(child).localname for child in element]


@every_combination
def test_response_has_entra_shape(signer: Signer, option: str, algorithm: str) -> None:
    root = issued(signer, option, algorithm)

    assert root.tag == f"{{{SAMLP}}}Response"
    assert root.prefix == "samlp"
    assert list(root.attrib) == ["ID", "Version", "IssueInstant", "Destination", "InResponseTo"]
    assert "Consent" not in root.attrib
    assert SAML_ID.match(root.get("ID", ""))
    assert root.get("Version") == "2.0"
    assert root.get("Destination") == ACS
    assert root.get("InResponseTo") == REQUEST_ID

    issuer = root[0]
    assert issuer.tag == f"{{{SAML}}}Issuer"
    assert issuer.prefix is None  # <Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">
    assert issuer.text == ISSUER
    status = root.find(f"{{{SAMLP}}}Status")
    assert status is not None
    assert [c.tag for c in status] == [f"{{{SAMLP}}}StatusCode"]
    assert status[0].get("Value") == SUCCESS

    assertion = the_assertion(root)
    assert assertion.prefix is None
    assert assertion.nsmap.get(None) == SAML
    assert list(assertion.attrib) == ["ID", "IssueInstant", "Version"]
    assertion_id = assertion.get("ID", "")
    assert SAML_ID.match(assertion_id)
    assert assertion_id != root.get("ID")
    assert assertion.get("IssueInstant") == root.get("IssueInstant")
    expected_children = ["Issuer", "Subject", "Conditions", "AttributeStatement", "AuthnStatement"]
    if option in ("assertion", "both"):
        expected_children.insert(1, "Signature")
    assert local_names(assertion) == expected_children
    assert assertion.findtext(f"{{{SAML}}}Issuer") == ISSUER

    name_id = assertion.find(f"{{{SAML}}}Subject/{{{SAML}}}NameID")
    assert name_id is not None
    assert name_id.text == UPN
    assert name_id.get("Format") == "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
    confirmation = assertion.find(f"{{{SAML}}}Subject/{{{SAML}}}SubjectConfirmation")
    assert confirmation is not None
    assert confirmation.get("Method") == "urn:oasis:names:tc:SAML:2.0:cm:bearer"
    data = confirmation.find(f"{{{SAML}}}SubjectConfirmationData")
    assert data is not None
    assert data.get("InResponseTo") == REQUEST_ID
    assert data.get("Recipient") == root.get("Destination")

    issue_instant = parse_instant(root.get("IssueInstant", ""))
    conditions = assertion.find(f"{{{SAML}}}Conditions")
    assert conditions is not None
    # Captures: the window counts from a base 93-240 ms before IssueInstant (issue 19).
    base = parse_instant(conditions.get("NotBefore", "")) + timedelta(minutes=5)
    assert timedelta(milliseconds=93) <= issue_instant - base <= timedelta(milliseconds=240)
    assert parse_instant(conditions.get("NotOnOrAfter", "")) == base + timedelta(minutes=60)
    assert parse_instant(data.get("NotOnOrAfter", "")) == base + timedelta(minutes=60)
    audiences = conditions.findall(f"{{{SAML}}}AudienceRestriction/{{{SAML}}}Audience")
    assert [a.text for a in audiences] == [AUDIENCE]

    attributes = assertion.findall(f"{{{SAML}}}AttributeStatement/{{{SAML}}}Attribute")
    assert [(a.get("Name"), [v.text for v in a]) for a in attributes] == CLAIMS
    for attribute in attributes:
        assert list(attribute.attrib) == ["Name"]  # no NameFormat
        for value in attribute:
            assert value.tag == f"{{{SAML}}}AttributeValue"
            assert f"{{{XSI}}}type" not in value.attrib
    assert XSI not in etree.tostring(root).decode()

    authn = assertion.find(f"{{{SAML}}}AuthnStatement")
    assert authn is not None
    assert authn.get("SessionIndex") == assertion_id
    assert (
        authn.findtext(f"{{{SAML}}}AuthnContext/{{{SAML}}}AuthnContextClassRef")
        == "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"
    )


@every_combination
def test_signatures_follow_the_issuer_with_entra_algorithms(
    signer: Signer, option: str, algorithm: str
) -> None:
    root = issued(signer, option, algorithm)
    assertion = the_assertion(root)

    expected: list[etree._Element] = []
    if option in ("response", "both"):
        assert local_names(root)[:3] == ["Issuer", "Signature", "Status"]
        expected.append(root)
    else:
        assert root.find(f"{{{DS}}}Signature") is None
    if option in ("assertion", "both"):
        assert local_names(assertion)[:2] == ["Issuer", "Signature"]
        expected.append(assertion)
    else:
        assert assertion.find(f"{{{DS}}}Signature") is None
    assert len(list(root.iter(f"{{{DS}}}Signature"))) == len(expected)

    for element in expected:
        signature = element[1]
        assert signature.tag == f"{{{DS}}}Signature"
        assert signature.prefix is None  # <Signature xmlns="http://www.w3.org/2000/09/xmldsig#">
        signed_info = signature.find(f"{{{DS}}}SignedInfo")
        assert signed_info is not None
        assert local_names(signature) == ["SignedInfo", "SignatureValue", "KeyInfo"]
        method = signed_info.find(f"{{{DS}}}CanonicalizationMethod")
        assert method is not None and method.get("Algorithm") == EXC_C14N
        method = signed_info.find(f"{{{DS}}}SignatureMethod")
        assert method is not None and method.get("Algorithm") == SIGNATURE_METHODS[algorithm]
        references = signed_info.findall(f"{{{DS}}}Reference")
        assert len(references) == 1
        assert references[0].get("URI") == "#" + element.get("ID", "")
        transforms = references[0].findall(f"{{{DS}}}Transforms/{{{DS}}}Transform")
        assert [t.get("Algorithm") for t in transforms] == [ENVELOPED, EXC_C14N]
        digest = references[0].find(f"{{{DS}}}DigestMethod")
        assert digest is not None and digest.get("Algorithm") == DIGEST_METHODS[algorithm]
        certificate = signature.findtext(
            f"{{{DS}}}KeyInfo/{{{DS}}}X509Data/{{{DS}}}X509Certificate"
        )
        assert certificate == signer.certificate.base64


@pytest.mark.parametrize("option", OPTIONS)
def test_idp_initiated_response_has_no_in_response_to(signer: Signer, option: str) -> None:
    root = issued(signer, option, "sha256", in_response_to=None)
    assert list(root.attrib) == ["ID", "Version", "IssueInstant", "Destination"]
    assert root.xpath("//@InResponseTo") == []
    assert b"InResponseTo" not in etree.tostring(root)


@every_combination
def test_xmlsec1_verifies_each_signature_and_refuses_a_tampered_copy(
    signer: Signer, option: str, algorithm: str, tmp_path: Path
) -> None:
    root = issued(signer, option, algorithm)
    assertion = the_assertion(root)
    signed = {"assertion": [assertion], "response": [root], "both": [root, assertion]}[option]
    document = etree.tostring(root)
    for element in signed:
        name, node_id = etree.QName(element).localname, element.get("ID", "")
        assert xmlsec1_verify(document, name, node_id, signer.certificate.pem, tmp_path), name

    name_id = assertion.find(f"{{{SAML}}}Subject/{{{SAML}}}NameID")
    assert name_id is not None
    name_id.text = "Mallory@contoso.com"
    tampered = etree.tostring(root)
    for element in signed:
        name, node_id = etree.QName(element).localname, element.get("ID", "")
        assert not xmlsec1_verify(tampered, name, node_id, signer.certificate.pem, tmp_path), name


@every_combination
@pytest.mark.filterwarnings("ignore:The server_port key:DeprecationWarning")
def test_python3_saml_accepts_in_strict_mode(signer: Signer, option: str, algorithm: str) -> None:
    settings = OneLogin_Saml2_Settings(
        {
            "strict": True,
            "sp": {"entityId": AUDIENCE, "assertionConsumerService": {"url": ACS}},
            "idp": {
                "entityId": ISSUER,
                "singleSignOnService": {"url": SSO_URL},
                "x509cert": signer.certificate.base64,
            },
            "security": {
                "wantAssertionsSigned": option in ("assertion", "both"),
                "wantMessagesSigned": option in ("response", "both"),
                "rejectDeprecatedAlgorithm": algorithm != "sha1",
            },
        }
    )
    root = issued(signer, option, algorithm)
    saml_response = base64.b64encode(etree.tostring(root)).decode()
    request_data = {
        "https": "on",
        "http_host": SP_HOST,
        "script_name": ACS_PATH,
        "server_port": "443",
    }
    response = OneLogin_Saml2_Response(settings, saml_response)
    assert response.is_valid(request_data, request_id=REQUEST_ID, raise_exceptions=True)
    assert response.get_nameid() == UPN
    assert response.get_session_index() == the_assertion(root).get("ID")


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"in_response_to": None},
        {"not_before": datetime(2026, 1, 1, 11, 58, tzinfo=UTC), "recipient": "https://x/acs"},
        {"status_code": "urn:oasis:names:tc:SAML:2.0:status:Requester", "include_assertion": False},
    ],
)
def test_a_response_copied_from_its_shape_equals_one_built_afresh(changes: dict) -> None:
    """build_response reuses the shape of earlier Responses with the same content: every byte
    of a second Response (other IDs, other instants) is what building it from nothing gives."""
    from mock_idp.saml_response import _build_response, build_response

    first = datetime(2026, 1, 1, 12, 0, 0, 123000, tzinfo=UTC)
    build_response(make_spec(first, **changes))  # makes the shape
    later = make_spec(
        first + timedelta(minutes=7, milliseconds=5),
        authn_instant=first + timedelta(minutes=6),
        **changes,
    )
    assert etree.tostring(build_response(later)) == etree.tostring(_build_response(later))


def test_a_changed_claim_is_not_served_from_an_earlier_shape() -> None:
    from mock_idp.saml_response import build_response

    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    build_response(make_spec(now))
    changed = make_spec(now, claims=[("http://x/claims/role", ["Admin"])])
    values = build_response(changed).findall(f".//{{{SAML}}}AttributeValue")
    assert [v.text for v in values] == ["Admin"]
