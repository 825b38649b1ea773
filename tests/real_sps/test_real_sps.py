"""check-sp against real SP libraries (issue 15, Deliver 7): each known-vulnerable pin is flagged
by the check of its CVE, each fixed pin by none of them, every other finding is one the library
is known for (catalogue.py says which and why); IdP- and SP-initiated; judged by who got in."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from harness.checks.sp.run import CheckSpOptions, CheckSpRun, run_check_sp
from harness.clients.session import Harness
from tests.real_sps import DEFAULT_USERS, LIBRARIES, start, vulnerable
from tests.real_sps.catalogue import Pin

VICTIM, ATTACKER = DEFAULT_USERS
PINS = [(library, version) for library, versions in LIBRARIES.items() for version in versions]


def check(
    harness: Harness, library: str, version: str, sp_only: bool, tmp: Path, browser: Any = None
) -> CheckSpRun:
    with start(library, version, sp_initiated_only=sp_only) as sp:
        metadata = tmp / "sp.xml"
        metadata.write_bytes(sp.metadata())
        options = CheckSpOptions(
            str(metadata),
            sign_on_url=sp.sign_on_url,
            user=VICTIM,
            attacker_user=ATTACKER,
            whoami_url=sp.whoami_url,
            sp_initiated_only=sp_only,
            report_dir=tmp / "report",
        )
        return run_check_sp(
            harness.stack,
            options,
            lambda idp_metadata, app: sp.trust(idp_metadata),
            browser=browser,
            with_browser=browser is not None,
        )


def expected_findings(pin: Pin) -> set[str]:
    return {name for names in pin.flagged_by.values() for name in names} | set(pin.gaps)


@pytest.mark.parametrize("sp_only", [False, True], ids=["idp-initiated", "sp-initiated-only"])
@pytest.mark.parametrize(("library", "version"), PINS, ids=[f"{name}-{v}" for name, v in PINS])
def test_each_pin_is_flagged_by_exactly_its_cves_and_known_gaps(
    harness: Harness, tmp_path: Path, library: str, version: str, sp_only: bool
) -> None:
    started = time.perf_counter()
    run = check(harness, library, version, sp_only, tmp_path)
    pin = LIBRARIES[library][version]
    failed = {r.name for r in run.results if not r.passed}
    details = {r.name: r.observed for r in run.results if not r.passed}
    assert run.problem is None, run.problem
    assert not [r for r in run.results if r.outcome], details  # no error, nothing left unrun
    assert failed == expected_findings(pin), details
    for name in expected_findings(pin):
        # Every finding is the victim signed in through the attacker's own Response.
        assert details[name].startswith(f"accepted: signed in {VICTIM}"), details[name]
    if not pin.flagged_by:
        cves = expected_findings(LIBRARIES[library][vulnerable(library)]) - set(pin.gaps)
        assert not failed & cves  # the fixed version: no check of its library's CVEs fires
    print(
        f"{library} {version} {'sp-only' if sp_only else 'idp'}: {sorted(failed)} "
        f"{time.perf_counter() - started:.1f} s"
    )


@pytest.mark.parametrize("library", sorted(LIBRARIES))
def test_the_fixed_pin_signs_the_victim_in_through_chromium(
    harness: Harness, entra_browser: Any, tmp_path: Path, library: str
) -> None:
    """IdP-initiated from My Apps and SP-initiated from the sign-on URL, in a real browser."""
    from tests.real_sps import fixed

    run = check(harness, library, fixed(library), False, tmp_path, entra_browser)
    flows = {r.name: r for r in run.results if r.name.endswith("sign-in") and " " in r.name}
    assert set(flows) == {"idp-initiated sign-in", "sp-initiated sign-in"}
    for result in flows.values():
        assert result.passed, result.observed
        assert result.evidence.get("identity seen") == VICTIM
