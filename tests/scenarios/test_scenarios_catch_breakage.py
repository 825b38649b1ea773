"""A scenario fails, with a readable reason, when the behaviour it checks is broken: the
foreign-key scenario run against an ACS whose signature check was switched off."""

from __future__ import annotations

from tests.child_pytest import run_pytest

SCENARIO = "tests/test_features.py::test_ringcentral_refuses_a_response_signed_with_a_different_key"


def test_the_scenario_passes_then_fails_when_the_acs_stops_checking_signatures() -> None:
    assert run_pytest(SCENARIO).returncode == 0
    broken = run_pytest("-p", "tests.breakers.trusting_acs", SCENARIO)
    assert broken.returncode == 1
    assert "1 failed" in broken.stdout
    # The reason says what the vendor did instead of refusing.
    assert "RingCentral signed b.simon@contoso.com in instead of refusing the Response" in (
        broken.stdout
    )
