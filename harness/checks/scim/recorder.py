"""Runs check-scim's checks in order: skipped by option, blocked by a failed prerequisite, timed."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

from harness.checks.results import CheckResult
from harness.checks.scim import advice, microsoft
from harness.checks.scim.probe import CheckFailed, Exchanges

LOG = logging.getLogger(__name__)


class Recorder:
    """Results of one series of checks. `suffix` names the wire ("" or " (aadOptscim062020)");
    `skip` holds base check names and why they do not apply to this target."""

    def __init__(
        self, skip: dict[str, str], suffix: str = "", exchanges: Exchanges | None = None
    ) -> None:
        self.skip = skip
        self.suffix = suffix
        self.exchanges = exchanges or Exchanges()
        self.results: list[CheckResult] = []
        self.outcome: dict[str, str] = {}  # base name -> pass, fail, skip, blocked
        # Called after each check: brings in exchanges others sent (the engine's trace).
        self.collect: Callable[[], None] = lambda: None
        # Told of each result as it is recorded (the command line's progress bar).
        self.on_result: Callable[[CheckResult], None] = lambda result: None

    def _result(self, name: str, **fields: object) -> CheckResult:
        test = microsoft.TEST_OF.get(name)
        result = CheckResult(name + self.suffix, **fields)  # type: ignore[arg-type]
        result.microsoft = test.name if test else ""
        result.warning = microsoft.is_warning(name) and not result.passed
        self.results.append(result)
        self.on_result(result)
        return result

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
            self._result(
                name,
                kind=kind,
                passed=True,
                expected=expected,
                observed=f"skipped: {self.skip[name]}",
                skipped=True,
            )
            return False
        missing = [n for n in needs if self.outcome.get(n) != "pass"]
        if missing:
            self.outcome[name] = "blocked"
            why = ", ".join(f"{n} {self.outcome.get(n, 'not run')}" for n in missing)
            self._result(
                name,
                kind=kind,
                passed=False,
                expected=expected,
                observed=f"not run: {why}",
                blocked_by=missing[0],
            )
            return False
        started = time.perf_counter()
        mark = self.exchanges.mark()
        try:
            observed, ok = action(), True
        except CheckFailed as failure:
            observed, ok = str(failure), False
        except Exception as error:  # a target's oddity must give a result, not a crash
            LOG.exception("check %s", shown)
            observed, ok = f"{type(error).__name__}: {error}", False
        self.collect()
        self.outcome[name] = "pass" if ok else "fail"
        result = self._result(
            name,
            kind=kind,
            passed=ok,
            expected=expected,
            observed=observed,
            seconds=time.perf_counter() - started,
        )
        if not ok:
            result.details = advice.details(name, self.exchanges.since(mark))
        return ok


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)
