"""The generated scenarios of an imported tutorial pass against the generic vendor and fail, with a
readable reason, when the vendor stops doing what the tutorial says: an SP-initiated-only app
that lets a Response from My Apps in."""

from __future__ import annotations

from pathlib import Path

from gallery.generic import TUTORIALS_VARIABLE
from tests.child_pytest import run_pytest

TUTORIAL = (
    Path(__file__).resolve().parents[1] / "data" / "gallery_tutorials" / "contoso-notes-tutorial.md"
)
MODULE = "tests/gallery_scenarios/test_generated_scenarios.py"


def test_generated_scenarios_pass_then_fail_when_the_vendor_takes_idp_initiated_responses() -> None:
    env = {TUTORIALS_VARIABLE: str(TUTORIAL)}
    # The SP-only refusal (the other scenarios sign in and would pass either way).
    chosen = ("-k", "refused")
    passing = run_pytest(MODULE, *chosen, env=env)
    assert passing.returncode == 0, passing.stdout[-3000:]
    assert "1 passed" in passing.stdout
    broken = run_pytest("-p", "tests.breakers.idp_initiated_everywhere", MODULE, *chosen, env=env)
    assert broken.returncode == 1, broken.stdout[-3000:]
    assert "1 failed" in broken.stdout
    assert "Contoso Notes signed b.simon@contoso.com in instead of refusing the Response" in (
        broken.stdout
    )
