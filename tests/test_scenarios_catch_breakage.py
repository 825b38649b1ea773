"""A scenario fails, with a readable reason, when the behaviour it checks is broken: the
foreign-key scenario run against an ACS whose signature check was switched off."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = "test_ringcentral_refuses_a_response_signed_with_a_different_key"


def run(*plugins: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        f"tests/test_features.py::{SCENARIO}",
    ]
    for plugin in plugins:
        command[4:4] = ["-p", plugin]
    return subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )


def test_the_scenario_passes_then_fails_when_the_acs_stops_checking_signatures() -> None:
    assert run().returncode == 0
    broken = run("tests.breakers.trusting_acs")
    assert broken.returncode == 1
    assert "1 failed" in broken.stdout
    # The reason says what the vendor did instead of refusing.
    assert "RingCentral signed b.simon@contoso.com in instead of refusing the Response" in (
        broken.stdout
    )
