"""The fast ACS scenarios fail, each with a readable reason, when a vendor's ACS stops checking
signatures (tests/breakers/trusting_acs.py): the unsigned ones still pass, as they should."""

from __future__ import annotations

from tests.child_pytest import run_pytest


def test_the_signature_outline_fails_per_vendor_against_a_trusting_acs() -> None:
    broken = run_pytest(
        "-p",
        "tests.breakers.trusting_acs",
        "tests/test_features.py",
        "-k",
        "refuses_a_response_that and (key or unsigned)",
    )
    assert broken.returncode == 1, broken.stdout[-2000:]
    assert "3 failed, 3 passed" in broken.stdout, broken.stdout[-2000:]
    for vendor in ("RingCentral", "8x8", "Genesys Cloud for Azure"):
        reason = (
            f"{vendor} signed b.simon@contoso.com in instead of refusing (expected its signature "
            "check to fail)"
        )
        assert reason in broken.stdout, broken.stdout[-2000:]
