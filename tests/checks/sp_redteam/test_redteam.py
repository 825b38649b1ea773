"""check-sp against the red-team apps (issue 15, measured independently): each vulnerable
version flagged by its CVE's check, each fixed version by nothing but its library's known gaps,
no error and nothing left unrun; an app check-sp cannot yet judge is a strict xfail naming why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.clients.session import Harness
from tests.checks.sp_redteam.catalogue import APPS, App
from tests.checks.sp_redteam.matrix import cve_checks, expected, modes
from tests.checks.sp_redteam.running import VICTIM, check

RUNS = [
    pytest.param(
        app,
        version,
        sp_only,
        id=f"{app.name}-{version}-{'sp' if sp_only else 'idp'}",
        marks=[pytest.mark.xfail(strict=True, reason=app.check_sp_gap)] if app.check_sp_gap else [],
    )
    for app in APPS
    for version in app.versions
    for sp_only in modes(app)
]


@pytest.mark.parametrize(("app", "version", "sp_only"), RUNS)
def test_check_sp_flags_exactly_the_cves_and_known_gaps(
    harness: Harness, tmp_path: Path, app: App, version: str, sp_only: bool
) -> None:
    run = check(harness.stack, app, version, sp_only, tmp_path)
    observed = {r.name: r.observed for r in run.results if not r.passed}
    assert run.problem is None, run.problem
    assert not [r.name for r in run.results if r.outcome], observed  # no error, no "not run"
    assert set(observed) == expected(app, version), observed
    for name in cve_checks(app, version):
        # The CVE's finding is the victim signed in through a Response issued to the attacker.
        assert observed[name].lower().startswith(f"accepted: signed in {VICTIM.lower()}")


BROWSER_APPS = ["py3saml-email-attr-200", "py3saml-relaystate-csrf"]


@pytest.mark.parametrize("name", BROWSER_APPS)
def test_the_victim_signs_in_through_chromium(
    harness: Harness, entra_browser: Any, tmp_path: Path, name: str
) -> None:
    """In a real browser: from My Apps when the app takes IdP-initiated sign-in, and from its
    sign-on URL (RelayState and the app's cookies as Chromium really carries them)."""
    app = next(a for a in APPS if a.name == name)
    run = check(
        harness.stack, app, app.versions[-1], app.sp_initiated_only, tmp_path, entra_browser
    )
    flows = {r.name: r for r in run.results if r.name.endswith(" sign-in")}
    wanted = {"sp-initiated sign-in"} | (
        set() if app.sp_initiated_only else {"idp-initiated sign-in"}
    )
    assert set(flows) == wanted
    for result in flows.values():
        assert result.passed, result.observed
        assert (result.evidence.get("identity seen") or "").lower() == VICTIM.lower()
