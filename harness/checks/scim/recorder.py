"""Runs check-scim's checks in order: skipped by option, blocked by a failed prerequisite, timed."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

from harness.checks.results import CheckResult
from harness.checks.scim.probe import CheckFailed

LOG = logging.getLogger(__name__)


class Recorder:
    """Results of one series of checks. `suffix` names the wire ("" or " (aadOptscim062020)");
    `skip` holds base check names and why they do not apply to this target."""

    def __init__(self, skip: dict[str, str], suffix: str = "") -> None:
        self.skip = skip
        self.suffix = suffix
        self.results: list[CheckResult] = []
        self.outcome: dict[str, str] = {}  # base name -> pass, fail, skip, blocked

    def passed(self, name: str) -> bool:
        return self.outcome.get(name) == "pass"

    def run(
        self,
        name: str,
        kind: str,
        expected: str,
        action: Callable[[], str],
        needs: Iterable[str] = (),
    ) -> bool:
        """Run `action` (it returns what it observed, or raises CheckFailed); True if it passed."""
        shown = name + self.suffix
        if name in self.skip:
            self.outcome[name] = "skip"
            self.results.append(
                CheckResult(
                    shown, kind, True, expected, f"skipped: {self.skip[name]}", skipped=True
                )
            )
            return False
        missing = [n for n in needs if self.outcome.get(n) != "pass"]
        if missing:
            self.outcome[name] = "blocked"
            why = ", ".join(f"{n} {self.outcome.get(n, 'not run')}" for n in missing)
            self.results.append(
                CheckResult(shown, kind, False, expected, f"not run: {why}", blocked_by=missing[0])
            )
            return False
        started = time.perf_counter()
        try:
            observed, ok = action(), True
        except CheckFailed as failure:
            observed, ok = str(failure), False
        except Exception as error:  # a target's oddity must give a result, not a crash
            LOG.exception("check %s", shown)
            observed, ok = f"{type(error).__name__}: {error}", False
        self.outcome[name] = "pass" if ok else "fail"
        self.results.append(
            CheckResult(shown, kind, ok, expected, observed, time.perf_counter() - started)
        )
        return ok


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)
