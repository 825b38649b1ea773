"""check-sp against a careless SP fails with the attacks that fool it, through the command too
(the vendors passing, and each flaw caught alone: tests/test_check_sp_flaws.py)."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, request
from lxml import etree

from harness.checks.sp.attacks import DS, SAML
from harness.checks.sp.run import CheckSpOptions, run_check_sp
from harness.clients.session import Harness
from harness.serving.servers import ServedApp


def careless_sp() -> Flask:
    """Verifies any signature with the certificate in the message, reads the first NameID."""
    import xmlsec

    app = Flask("careless-sp")

    @app.post("/acs")
    def acs() -> tuple[str, int]:
        root = etree.fromstring(base64.b64decode(request.form["SAMLResponse"]))
        signature = next(root.iter(f"{{{DS}}}Signature"), None)
        if signature is None:
            return "no signature", 403
        pem = (
            "-----BEGIN CERTIFICATE-----\n"
            + signature.findtext(f".//{{{DS}}}X509Certificate", "")
            + "\n-----END CERTIFICATE-----\n"
        )
        context = xmlsec.SignatureContext()
        for element in root.iter():
            if element.get("ID"):
                context.register_id(element, "ID")
        context.key = xmlsec.Key.from_memory(pem.encode(), xmlsec.constants.KeyDataFormatCertPem)
        try:
            context.verify(signature)
        except xmlsec.Error:
            return "bad signature", 403
        return f"Welcome {next(root.iter(f'{{{SAML}}}NameID')).text}", 200

    return app


@pytest.fixture
def careless(tmp_path: Path) -> Any:
    server = ServedApp("careless-sp", careless_sp(), None).start()
    acs = f"http://127.0.0.1:{server.port}/acs"
    metadata = tmp_path / "careless.xml"
    metadata.write_text(
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
        'entityID="https://careless.example/sp"><md:SPSSODescriptor '
        'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        '<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
        f'Location="{acs}" index="0"/></md:SPSSODescriptor></md:EntityDescriptor>'
    )
    yield metadata
    server.stop()


def test_a_careless_sp_fails_the_attacks_that_fool_it(
    harness: Harness, entra_browser: Any, careless: Path, tmp_path: Path
) -> None:
    options = CheckSpOptions(
        str(careless), success_text="Welcome {user}", report_dir=tmp_path / "r"
    )
    run = run_check_sp(harness.stack, options, browser=entra_browser)
    failed = {r.name for r in run.failed}
    assert {"embedded-certificate", "replay", "expired", "audience-mismatch"} <= failed
    assert "signature-stripped" not in failed  # it does refuse an unsigned Response
    assert "idp-initiated sign-in" not in failed


def test_the_command_exits_non_zero_and_keeps_its_key(careless: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    command = [
        sys.executable,
        "-m",
        "harness.cli",
        "check-sp",
        "--metadata",
        str(careless),
        "--success-text",
        "Welcome {user}",
        "--report-dir",
        str(tmp_path / "r"),
        "--state-dir",
        str(tmp_path / "state"),
    ]
    first = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert first.returncode == 1, first.stdout + first.stderr
    assert re.search(r"FAIL +security +embedded-certificate", first.stdout), first.stdout
    assert "forged Response:" in first.stdout  # the summary says where the evidence is
    key = (tmp_path / "state" / "check-sp" / "signing-cert.pem").read_text()
    metadata = (tmp_path / "r" / "idp-metadata.xml").read_bytes()
    assert metadata.startswith(b"\xef\xbb\xbf") and b"X509Certificate" in metadata
    second = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert second.returncode == 1
    assert (tmp_path / "state" / "check-sp" / "signing-cert.pem").read_text() == key
