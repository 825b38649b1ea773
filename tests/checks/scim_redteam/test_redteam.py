"""check-scim against scim2-server with one planted flaw each: caught by exactly its checks; the variants pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.checks.scim.run import CheckScimOptions, CheckScimRun, run_check_scim
from tests.checks.scim_redteam.entra_ready import RedteamEndpoint
from tests.checks.scim_redteam.flaws import PLANTED, Planted
from tests.checks.test_check_scim import DIRECT, PER_WIRE

FLAG = " (aadOptscim062020)"
# Entra's two wires differ in PATCH shapes only; a flaw that shows in both runs in the default.
# The flaw -> the checks that fail or warn because of it (in the wire it runs in).
CAUGHT_BY: dict[str, set[str]] = {
    "username-filter-case-sensitive": {"rfc-filter"},
    "capitalised-ops-refused": {
        "user-update",
        "manager-set",
        "manager-change",
        "null-update",
        "group-update",
        "group-add-member",
        "pod-group",
        "group-restore",  # a warning: Restore_Group_Test is optional
        "user-disable",
        "user-reassign",
        "user-restore",
    },
    "pathless-patch-refused": {"user-update"},
    "member-filter-remove-refused": {"group-remove-member"},
    "value-list-remove-refused": {"group-remove-member"},
    "total-results-page-size": {"user-pagination", "group-pagination"},
    "start-index-zero-based": {"user-pagination", "group-pagination"},
    "list-without-schemas": {"user-pagination", "group-pagination"},
    "errors-text-plain": {"rfc-content-type"},
    "unknown-id-200-empty": {
        "rfc-error-body",
        "rfc-not-found",
        "group-restore",
        "group-delete",
        "user-delete",
    },
    "get-returns-other-id": {"rfc-attributes"},
    "user-delete-ignored": {"user-delete"},  # a warning: Delete_User_Test is optional
    "conflict-as-400": {"duplicate-409"},
    "externalid-dropped": {"rfc-attributes"},
    "group-rename-ignored": {"scim-group-update", "group-update"},
    "enterprise-extension-dropped": {"scim-user-update", "user-update"},
    "emails-primary-lost": {"user-update"},
    "unknown-attribute-500": {"rfc-bad-request"},
    "bearer-prefix-only": {"credentials"},
    "throttled-without-retry-after": {"throughput"},
    "slow-queries": {"throughput"},
    "active-false-ignored": {"user-disable", "user-reassign", "user-restore"},
    "member-add-replaces": {"group-add-member"},
    "if-match-required": {
        "scim-user-update",
        "scim-update-manager",
        "scim-group-update",
        "rfc-bad-request",
        "rfc-not-found",
        "user-update",
        "manager-set",
        "manager-change",
        "null-update",
        "group-update",
        "group-add-member",
        "pod-group",
        "group-restore",
        "group-delete",
        "user-disable",
        "user-reassign",
        "user-restore",
        "user-delete",
    },
    "excluded-members-ignored": {"pod-group"},
}
# What a caught check stands in front of is reported as blocked ("not run: …").
BLOCKED: dict[str, set[str]] = {
    "capitalised-ops-refused": {"group-remove-member", "manager-remove"},
    "member-add-replaces": {"group-remove-member"},
    "if-match-required": {"group-remove-member", "manager-remove"},
}
# Only Microsoft's optional tests (or RFC niceties) find these: warnings, the run passes.
WARNINGS = {"user-delete-ignored": {"user-delete"}, "create-200": {"rfc-created-201"}}
# The throughput flaws make every check wait (429s, 450 ms queries): only what they affect runs.
THROUGHPUT_ONLY = {"throttled-without-retry-after", "slow-queries"}


def wire_of(planted: Planted) -> str:
    return "flag" if planted.wires == "flag" else "default"


def named(name: str, wire: str) -> str:
    return name + FLAG if wire == "flag" and name in PER_WIRE else name


def check(planted: Planted, reports: Path) -> CheckScimRun:
    endpoint = RedteamEndpoint(planted.make, planted.name)
    wire = wire_of(planted)
    skip: list[str] = []
    if planted.name in THROUGHPUT_ONLY:
        skip = sorted((DIRECT | PER_WIRE) - {"throughput"})
    try:
        return run_check_scim(
            CheckScimOptions(
                endpoint.url,
                endpoint.token,
                wire=wire,
                skip=skip,
                report_dir=reports,
                throughput_seconds=1.0 if planted.name in THROUGHPUT_ONLY else 0,
            )
        )
    finally:
        endpoint.close()


@pytest.mark.parametrize("planted", [p for p in PLANTED if p.flawed], ids=lambda p: p.name)
def test_each_flaw_is_caught_by_its_checks(planted: Planted, tmp_path: Path) -> None:
    run = check(planted, tmp_path)
    wire = wire_of(planted)
    wrong = [r for r in run.results if not r.passed]
    caught = {r.name for r in wrong if r.blocked_by is None}
    assert caught == {named(n, wire) for n in CAUGHT_BY[planted.name]}, [
        f"{r.name}: {r.observed[:200]}" for r in wrong
    ]
    assert {r.name for r in wrong if r.blocked_by} == {
        named(n, wire) for n in BLOCKED.get(planted.name, set())
    }
    warned = {r.name for r in wrong if r.warning}
    assert bool(run.failed) is (caught != warned)
    for result in wrong:
        if result.blocked_by is None:
            assert {"request", "response", "fix"} <= set(result.details), result


@pytest.mark.parametrize("planted", [p for p in PLANTED if not p.flawed], ids=lambda p: p.name)
def test_each_legitimate_variant_passes(planted: Planted, tmp_path: Path) -> None:
    run = check(planted, tmp_path)
    assert run.failed == [], [f"{r.name}: {r.observed[:200]}" for r in run.failed]
    warned = {r.name for r in run.results if r.warning and not r.passed}
    assert warned == WARNINGS.get(planted.name, set())
