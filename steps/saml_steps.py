"""Steps that check the SAML messages themselves, independently of the SP that received them."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from lxml import etree
from pytest_bdd import parsers, then

from harness.clients.session import Harness

from .world import Scenario

SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"
ALGORITHMS = {
    "RSA-SHA256": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    "RSA-SHA1": "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
}


def xmlsec1_verifies(xml: str, certificate_base64: str, node: str) -> bool:
    """The `xmlsec1` program, not the binding the tenant signs with, checks the signature."""
    with tempfile.TemporaryDirectory() as directory:
        cert = Path(directory, "cert.pem")
        cert.write_text(
            f"-----BEGIN CERTIFICATE-----\n{certificate_base64}\n-----END CERTIFICATE-----\n"
        )
        message = Path(directory, "message.xml")
        message.write_text(xml)
        result = subprocess.run(
            [
                "xmlsec1",
                "--verify",
                "--pubkey-cert-pem",
                str(cert),
                "--id-attr:ID",
                node,
                "--enabled-reference-uris",
                "same-doc",
                str(message),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        return result.returncode == 0


@then(
    parsers.parse(
        "the Response was signed over the assertion with {algorithm} by the "
        "{app} app's own certificate"
    )
)
def response_signed(harness: Harness, scenario_state: Scenario, algorithm: str, app: str) -> None:
    responses = [m for m in harness.saml_log() if m["kind"] == "Response"]
    assert len(responses) == 1, f"expected one Response, the tenant sent {len(responses)}"
    root = etree.fromstring(responses[0]["xml"].encode())
    assertion = root.find(f"{{{SAML}}}Assertion")
    assert root.find(f"{{{DS}}}Signature") is None, "Entra's default signs the assertion only"
    signature = assertion.find(f"{{{DS}}}Signature")
    assert signature is not None, "the assertion is not signed"
    assert signature.getprevious().tag == f"{{{SAML}}}Issuer", "Signature must follow Issuer"
    method = signature.find(f"{{{DS}}}SignedInfo/{{{DS}}}SignatureMethod").get("Algorithm")
    assert method == ALGORITHMS[algorithm]
    embedded = signature.findtext(f".//{{{DS}}}X509Certificate")
    service_principal = harness.admin.service_principal(scenario_state.app(app))
    active = next(
        k
        for k in service_principal["keyCredentials"]
        if k["thumbprint"] == service_principal["preferredTokenSigningKeyThumbprint"]
    )
    assert embedded == active["key"], "signed with a certificate other than the app's active one"
    assert xmlsec1_verifies(
        responses[0]["xml"], active["key"], "urn:oasis:names:tc:SAML:2.0:assertion:Assertion"
    )


@then(parsers.parse("{app} verified it with the certificate from the metadata it was given"))
def vendor_verified(harness: Harness, scenario_state: Scenario, app: str) -> None:
    region = scenario_state.regions[app]
    settings = harness.console(app).sso_settings(region)
    metadata = etree.fromstring(scenario_state.notes["metadata"].removeprefix(b"\xef\xbb\xbf"))
    offered = {"".join((c.text or "").split()) for c in metadata.iter(f"{{{DS}}}X509Certificate")}
    assert set(settings["idp"]["certificates"]) <= offered
    events = harness.acs_log(app)[region]
    assert events[-1]["accepted"] is True
