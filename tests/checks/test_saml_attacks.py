"""Every forged Response of harness.checks.sp.attacks is refused by the strict vendor ACS, and the
forgeries are real: a naive SP that trusts what it reads accepts the ones aimed at it."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from lxml import etree

from harness.checks.sp.attacks import CATALOGUE, DS, SAML, Material, forge
from harness.clients.http_browser import HttpBrowser, forms_of
from harness.clients.people import Person, b_simon
from harness.clients.session import Harness
from harness.clients.vendor_setup import configure_vendor_sso, create_vendor_user
from harness.serving.stack import DEMO_PASSWORD
from mock_idp.xml_signing import load_key

ACS = "https://sso.8x8.com/saml2"


@pytest.fixture
def material(harness: Harness) -> Material:
    """8x8 set up as tutorial 002 says, with B.Simon (the victim) and an attacker, both users
    at 8x8; one real IdP-initiated Response for the attacker, as a real attack starts."""
    victim = b_simon(DEMO_PASSWORD)
    upn = "attacker@contoso.com"
    person = Person("attacker", DEMO_PASSWORD, {"userPrincipalName": upn, "mail": upn})
    person.properties["displayName"] = "attacker"
    app = harness.admin.add_gallery_app("8x8")
    harness.admin.configure_saml(app, [ACS], [ACS])
    configure_vendor_sso(harness, "8x8", "global", app)
    for someone in (victim, person):
        user = harness.admin.create_user(someone.password, **someone.properties)
        harness.admin.assign(app, user["id"])
        create_vendor_user(harness, "8x8", "global", someone)
    browser = HttpBrowser(harness.stack.http_client())
    page = browser.get(
        harness.stack.tenant.user_access_url(harness.stack.tenant.find_app(app.app_id))
    )
    page = browser.sign_in(page, person.upn, person.password)
    response = next(f for f in forms_of(page) if "SAMLResponse" in f.fields).fields["SAMLResponse"]
    certificate = harness.stack.tenant.find_app(app.app_id).active_certificate
    assert certificate is not None
    return Material(
        base64.b64decode(response), load_key(certificate.private_key_pem, certificate.pem)
    )


def post(harness: Harness, saml_response: str) -> Any:
    return harness.http.post(ACS, data={"SAMLResponse": saml_response})


def test_the_untouched_response_is_accepted_once_then_replay_is_refused(
    harness: Harness, material: Material
) -> None:
    legit = base64.b64encode(material.xml).decode()
    assert post(harness, legit).status_code == 302
    replay = post(harness, legit)
    assert replay.status_code == 403 and 'data-check="replay"' in replay.text


def expected_refusal(harness: Harness, expect: str) -> bool:
    """What 8x8's policy (gallery data) says a correct answer is."""
    sso = harness.gallery_app("8x8").sso
    if expect == "refuse-if-assertion-signature-required":
        return sso.required_signature == "assertion"
    if expect == "refuse-if-sha256-required":
        return "sha1" not in sso.signature_algorithms
    # doctype-accepted is informational: 8x8's parser refuses any DTD.
    return True


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_strict_acs_refuses(harness: Harness, material: Material, name: str) -> None:
    # Aimed at B.Simon, a user 8x8 knows: only the forgery's fault can refuse it.
    forgery = forge(name, material, "B.Simon@contoso.com")
    answer = post(harness, forgery.saml_response)
    refused = answer.status_code == 403
    assert refused == expected_refusal(harness, forgery.expect), (
        f"{name}: {forgery.description}: answered {answer.status_code}"
    )
    events = harness.acs_log("8x8")["global"]
    assert events[-1]["accepted"] is not refused


def naive_sp(saml_response: str) -> str | None:
    """What a careless SP does: verify whichever signature it finds with the certificate in the
    message, then read the first NameID's first text node. Returns who it would sign in."""
    import xmlsec

    root = etree.fromstring(base64.b64decode(saml_response))
    signature = next(root.iter(f"{{{DS}}}Signature"), None)
    if signature is None:
        return None
    pem = (
        "-----BEGIN CERTIFICATE-----\n"
        + signature.findtext(f".//{{{DS}}}X509Certificate", "")
        + "\n-----END CERTIFICATE-----\n"
    )
    context = xmlsec.SignatureContext()
    for element in root.iter(
        f"{{{SAML}}}Assertion", "{urn:oasis:names:tc:SAML:2.0:protocol}Response"
    ):
        context.register_id(element, "ID")
    context.key = xmlsec.Key.from_memory(pem.encode(), xmlsec.constants.KeyDataFormatCertPem)
    try:
        context.verify(signature)
    except xmlsec.Error:
        return None
    return next(root.iter(f"{{{SAML}}}NameID")).text


@pytest.mark.parametrize("name", ["embedded-certificate", "xsw3", "comment-in-nameid"])
def test_the_forgery_fools_a_naive_sp(material: Material, name: str) -> None:
    """Proof the checks can fail: each of these signs a naive SP in as someone it should not."""
    forgery = forge(name, material, "victim@contoso.com")
    assert naive_sp(forgery.saml_response) == forgery.victim
