"""check-sp's security checks catch each flaw of a vulnerable SP by exactly its checks, the
strict SP and the built-in vendors pass them all (issue 8: proof that the checks catch faults)."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from harness.checks.options import SP_OPTIONS, add_options, check_sp_options
from harness.checks.results import CheckResult
from harness.checks.sp.attacks import CATALOGUE
from harness.checks.sp.run import CheckSpOptions, SpChecker, requires_sha256, run_check_sp
from harness.clients.people import Person, b_simon
from harness.clients.session import Harness
from harness.clients.tenant_admin import AppHandle
from harness.clients.vendor_setup import configure_vendor_sso, create_vendor_user
from harness.serving.stack import DEMO_PASSWORD, Stack
from tests.checks.vulnerable_sp import FLAWS, USERS, VulnerableSp

SECURITY = {*CATALOGUE, "replay", "unsolicited-response"}
PREREQUISITES = {"sign-in-victim", "sign-in-attacker"}
VICTIM, ATTACKER = USERS
QUIRKS = {"entra-quirks-accepted"}
ORGANIZATION = "Contoso"  # Genesys: OrganizationName, the same at the vendor and in the claim

# The flaw -> the checks that fail because of it, and no other.
CAUGHT_BY: dict[str, set[str]] = {
    "signature-optional": {"signature-stripped"},
    "response-signature-suffices": {"response-signed-only"},
    # It reads the first Assertion: after the signed one, the evil copy is never read; before
    # it (XSW3), unsigned, it is refused. Judged by status code this was flagged; no one but
    # the attacker ever gets in, so it is no finding.
    "extra-assertions-ignored": set(),
    # The first signature verifies and the first Assertion is read: the evil copy before (XSW3)
    # or around (XSW4) the signed original, or the original inside the evil copy's Advice or
    # Evidence. Hidden in Extensions (XSW7) or after it, the original is read first: only the
    # attacker gets in, so those say nothing (they did when judged by status). XSW1/2 wrap a Response
    # signature, and this SP still wants the Assertion signed; XSW5/6/8 need two elements with
    # one ID, which xmlsec1 refuses; second-signed-info puts an element before SignedInfo,
    # which xmlsec1 refuses as a malformed Signature.
    "signature-wrapping": {"xsw3", "xsw4", "wrapped-in-advice", "wrapped-in-evidence"},
    # Accepting a Response with extra Assertions is no flaw when the signed one is read: every
    # forgery that tries it signs in the attacker, and check-sp says nothing (issue 15: no
    # false alarms; samlify 2.10's xsw3 and unsigned-second-assertion were flagged before).
    "extra-assertions-tolerated": set(),
    # Only the forgery whose copy shares the signed ID: the wrapping variants that also share it
    # (XSW5/6/8) put a copy of the signature in the evil element, which comes first, so the
    # signature found for the ID is that copy and the ID resolves to the evil element: no match.
    "duplicate-ids": {"duplicate-ids"},
    # other-key keeps the real certificate in KeyInfo: verifying with it still fails.
    "trusts-embedded-certificate": {"embedded-certificate"},
    "no-expiry-check": {"expired"},
    "no-not-before-check": {"not-yet-valid"},
    # An assertion for another application of the tenant names another Audience, Recipient and
    # Destination: any one of the three checks refuses it.
    "no-audience-check": {"audience-mismatch"},
    "no-recipient-check": {"recipient-mismatch"},
    "no-destination-check": {"destination-mismatch"},
    "no-in-response-to-check": {"in-response-to-mismatch"},
    "no-issuer-check": {"issuer-mismatch"},
    # Checked only for an SP that says it is SP-initiated only (--sp-initiated-only).
    "unsolicited-accepted": {"unsolicited-response"},
    "no-replay-cache": {"replay"},
    "status-ignored": {"failure-status"},
    # The DOCTYPE alone is informational; the entity that names the victim is the finding.
    "dtd-processed": {"entity-expansion"},
    # The forgery's XSLT is an identity stylesheet signed by the IdP, so only the transform is
    # wrong: an SP that runs it accepts the Response.
    "xslt-allowed": {"xslt-transform"},
    # The comment cuts b.simon@contoso.com<!---->.evil.example (the attacker's own account,
    # signed by the IdP) down to the victim's name.
    "nameid-first-text-node": {"comment-in-nameid"},
    # Its metadata lists RSA-SHA256 only (alg:SigningMethod), so SHA-1 is not informational.
    "sha1-accepted": {"sha1"},
}


def test_every_flaw_has_its_checks() -> None:
    assert set(CAUGHT_BY) == set(FLAWS)
    assert set().union(*CAUGHT_BY.values()) <= SECURITY


@pytest.fixture(scope="module")
def vulnerable(entra_stack: Stack) -> Iterator[VulnerableSp]:
    """One server for the module (stopping one takes half a second); each test switches it."""
    sp = VulnerableSp(entra_stack.clock)
    yield sp
    sp.close()


def security_checks(harness: Harness, sp: VulnerableSp, tmp_path: Path) -> list[CheckResult]:
    """check-sp's set-up and security checks over HTTP (no Chromium)."""
    options = CheckSpOptions(
        str(sp.write_metadata(tmp_path)),
        sign_on_url=sp.sign_on_url,
        user=VICTIM,
        attacker_user=ATTACKER,
        success_text="Welcome {user}",
        sp_initiated_only=sp.sp_initiated_only,
        report_dir=tmp_path / "r",
    )
    checker = SpChecker(harness.stack, options, harness.http)
    checker.set_up(sp.configure)
    return checker.security_checks()


def failures(results: list[CheckResult]) -> list[str]:
    return [f"{r.name}: {r.observed}" for r in results if not r.passed]


@pytest.mark.parametrize("sp_initiated_only", [False, True], ids=["both-modes", "sp-only"])
def test_the_strict_sp_passes_every_security_and_quirk_check(
    harness: Harness, vulnerable: VulnerableSp, tmp_path: Path, sp_initiated_only: bool
) -> None:
    results = security_checks(harness, vulnerable.switch(None, sp_initiated_only), tmp_path)
    assert [r for r in results if not r.passed] == [], failures(results)
    assert {r.name for r in results} == SECURITY | QUIRKS
    skipped = {r.name for r in results if r.skipped}
    # An SP that also takes IdP-initiated sign-in has no unsolicited Response to refuse; the
    # SP-only one accepts the legitimate Response only because it answers its AuthnRequest.
    assert skipped == (set() if sp_initiated_only else {"unsolicited-response"})
    informational = {r.name for r in results if r.expected != "refused" and r.kind == "security"}
    # It wants signed assertions and SHA-256: all is enforced but the DOCTYPE, which only says
    # whether the parser takes a DTD (entity-expansion says whether that matters).
    assert informational == {"doctype-accepted"}


@pytest.mark.parametrize("flaw", sorted(FLAWS))
def test_each_flaw_is_caught_by_exactly_its_checks(
    harness: Harness, vulnerable: VulnerableSp, tmp_path: Path, flaw: str
) -> None:
    results = security_checks(harness, vulnerable.switch(flaw), tmp_path)
    caught = {r.name for r in results if not r.passed}
    assert caught == CAUGHT_BY[flaw], failures(results)
    for result in results:
        if not result.passed and result.name not in ("replay", "unsolicited-response"):
            # Judged by who got in: the victim, through the attacker's own signed Response.
            assert result.observed.startswith(f"accepted: signed in {VICTIM}"), result.observed
            assert (tmp_path / "r" / "evidence" / f"{result.name}.xml").is_file()


def attacker(password: str) -> Person:
    """check-sp's default attacker: an ordinary second account of the same domain."""
    upn = "attacker@contoso.com"
    properties = {"displayName": "attacker", "userPrincipalName": upn, "mail": upn}
    return Person("attacker", password, properties)


def vendor_set_up(harness: Harness, name: str, region: str) -> Callable[[bytes, AppHandle], None]:
    """The vendor's own console, as its tutorial says (metadata upload or typed URLs and the
    certificate), the claims it wants on the app check-sp made, and B.Simon at the vendor."""

    def configure(idp_metadata: bytes, app: AppHandle) -> None:
        gallery = harness.gallery_app(name)
        for claim in gallery.sso.claims:
            value = (
                {"constant": ORGANIZATION} if "constant" in claim else {"source": claim["source"]}
            )
            harness.admin_center.add_claim(app, name=claim["name"], **value)
        configure_vendor_sso(harness, name, region, app, organization=ORGANIZATION)
        create_vendor_user(harness, name, region, b_simon(DEMO_PASSWORD))
        create_vendor_user(harness, name, region, attacker(DEMO_PASSWORD))

    return configure


def test_the_built_in_vendors_pass_every_check(
    harness: Harness, entra_browser: Any, tmp_path: Path
) -> None:
    for name in ("RingCentral", "8x8", "Genesys Cloud for Azure"):
        harness.stack.reset()
        region = harness.gallery_app(name).sso.regions[0]
        metadata = tmp_path / f"{region.key}.xml"
        metadata.write_bytes(harness.console(name).sp_metadata(region.key))
        run = run_check_sp(
            harness.stack,
            CheckSpOptions(
                str(metadata), sign_on_url=region.sign_on_url, report_dir=tmp_path / name
            ),
            vendor_set_up(harness, name, region.key),
            entra_browser,
        )
        assert run.failed == [], (name, [f"{r.name}: {r.observed}" for r in run.failed])
        flows = {"idp-initiated sign-in"} | (
            {"sp-initiated sign-in"} if region.sign_on_url else set()
        )
        assert {r.name for r in run.results} == SECURITY | QUIRKS | flows | PREREQUISITES
        reports = tmp_path / name
        for report in ("check-sp.json", "junit.xml", "check-sp.html"):
            assert (reports / report).is_file()
        junit = etree.parse(str(reports / "junit.xml")).getroot()
        assert junit.get("failures") == "0" and int(junit.get("tests", "0")) == len(run.results)


def test_the_sp_declares_what_it_enforces_by_options_or_metadata(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    add_options(parser.add_argument, SP_OPTIONS)
    metadata = str(tmp_path / "sp.xml")
    Path(metadata).write_text(
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x">'
        '<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        '<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
        'Location="https://sp.example/acs" index="0"/></md:SPSSODescriptor></md:EntityDescriptor>'
    )
    with pytest.raises(ValueError, match="needs --sign-on-url"):
        check_sp_options(parser.parse_args(["--metadata", metadata, "--sp-initiated-only"]))
    options = check_sp_options(
        parser.parse_args(
            [
                *("--metadata", metadata, "--sign-on-url", "https://sp.example/login"),
                *("--sp-initiated-only", "--require-sha256"),
            ]
        )
    )
    assert options.sp_initiated_only and options.require_sha256
    listing = '<alg:SigningMethod Algorithm="http://www.w3.org/{}"/>'.format
    sha256 = listing("2001/04/xmldsig-more#rsa-sha256").encode()
    sha1 = listing("2000/09/xmldsig#rsa-sha1").encode()
    assert requires_sha256(b"<md:Extensions>" + sha256 + b"</md:Extensions>")
    assert not requires_sha256(sha256 + sha1)
    assert not requires_sha256(b"<md:SPSSODescriptor/>")  # says nothing: SHA-1 is informational
