"""Browser tests share one context (harness/pytest_plugin.py) yet each starts clean."""

from __future__ import annotations

from tests.child_pytest import run_pytest


def test_a_browser_test_leaves_nothing_to_the_next() -> None:
    run = run_pytest("-p", "no:randomly", "tests/browser_isolation/check_two_tests.py")
    assert "2 passed" in run.stdout, run.stdout[-3000:] + run.stderr[-2000:]
