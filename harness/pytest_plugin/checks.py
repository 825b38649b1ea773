"""`pytest --check-sp-metadata …` / `--check-scim-url …`: check-sp and check-scim as pytest items."""

# Issue 8 asks for both commands "and the same as pytest options": a vendor whose CI already
# runs pytest adds the options and gets one test per check in its own reports (JUnit XML,
# -x, -k …). The checks run once, while collecting (their names depend on the target: an SP
# without a sign-on URL has no SP-initiated check); each item then reports its result.

from __future__ import annotations

import warnings
from typing import Any

import pytest

from harness.checks.options import (
    SCIM_OPTIONS,
    SP_OPTIONS,
    add_options,
    check_scim_options,
    check_sp_options,
)
from harness.checks.results import CheckResult

SP_PREFIX, SCIM_PREFIX = "check-sp-", "check-scim-"


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser.getgroup("entra-harness check-sp").addoption, SP_OPTIONS, SP_PREFIX)
    add_options(parser.getgroup("entra-harness check-scim").addoption, SCIM_OPTIONS, SCIM_PREFIX)


class CheckFailed(Exception):
    """The target failed one check; the message is the check's reason."""


class CheckWarning(UserWarning):
    """A check whose failure Microsoft's validation reports as a WARNING (an optional test)."""


class CheckItem(pytest.Item):
    """One check of one run: passes, fails with the check's reason, or is skipped."""

    def __init__(self, *, result: CheckResult, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.result = result

    def runtest(self) -> None:
        if self.result.skipped:
            pytest.skip(self.result.observed)
        if not self.result.passed and self.result.warning:
            # Microsoft's optional tests warn (check-scim): the item passes with a warning.
            warnings.warn(f"{self.result.name}: {self.result.reason}", CheckWarning, stacklevel=1)
        elif not self.result.passed:
            raise CheckFailed(self.result.reason)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, CheckFailed):
            return f"{self.result.kind} check {self.result.name!r} failed: {excinfo.value}"
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return self.path, None, self.name


def run_checks(config: pytest.Config) -> dict[str, list[CheckResult]]:
    """Run the checks the options ask for: {tool: results}."""
    runs: dict[str, list[CheckResult]] = {}
    try:
        if config.option.check_sp_metadata:
            from harness.checks.sp.run import run_check_sp
            from harness.serving.stack import Stack

            sp_options = check_sp_options(config.option, SP_PREFIX)
            stack = Stack().start()
            try:
                runs["check-sp"] = list(run_check_sp(stack, sp_options).results)
            finally:
                stack.stop()
        if config.option.check_scim_url:
            from harness.checks.scim.run import run_check_scim

            # check_scim_options refuses a URL without --check-scim-token or --check-scim-token-url.
            scim_options = check_scim_options(config.option, SCIM_PREFIX)
            runs["check-scim"] = run_check_scim(scim_options).results
    except (ValueError, OSError) as error:
        raise pytest.UsageError(str(error)) from error
    return runs


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    for tool, results in run_checks(config).items():
        items.extend(
            CheckItem.from_parent(
                session, name=result.name, nodeid=f"{tool}::{result.name}", result=result
            )
            for result in results
        )
