"""check-scim passes the generic profile and the vendors, and catches each flaw by exactly its checks."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from gallery import load_gallery
from harness.checks.scim.run import CheckScimOptions, CheckScimRun, run_check_scim
from tests.checks.scim_flaws import FLAWS, FlawedEndpoint

FLAG = " (aadOptscim062020)"
# Checks that run once (direct requests, the same in both wires) and those run per wire.
DIRECT = {
    "service-provider-config",
    "schema-discovery",
    "user-pagination",
    "group-pagination",
    "duplicate-409",
    "rfc-content-type",
    "rfc-error-body",
    "rfc-filter",
    "rfc-attributes",
    "rfc-not-found",
}
PER_WIRE = {
    "test-connection",
    "credentials",
    "user-create",
    "user-update",
    "manager-set",
    "manager-change",
    "manager-remove",
    "null-update",
    "group-create",
    "group-add-member",
    "group-remove-member",
    "group-update",
    "group-delete",
    "user-disable",
    "user-restore",
    "user-delete",
}


def both(*names: str) -> set[str]:
    return {*names, *(n + FLAG for n in names)}


# The flaw -> the checks that fail because of it (not counting those it blocks).
CAUGHT_BY: dict[str, set[str]] = {
    # Entra quarantines a job on a 404 to a query (ENTRA-BEHAVIOUR §8): the connection test and
    # the first create fail, every later lifecycle check is blocked.
    "query-404": {"rfc-filter", *both("test-connection", "user-create")},
    "no-409": {"duplicate-409"},
    # Only the default wire sends "False"/"True" strings; the restore check sees the soft-deleted
    # user still active.
    "string-booleans-ignored": {"user-disable", "user-restore"},
    "wrong-content-type": {"rfc-content-type"},
    "member-remove-ignored": both("group-remove-member"),
    "pagination-broken": {"user-pagination", "group-pagination"},
    # Both wires send the manager as a plain string; manager-remove is blocked.
    "manager-string-refused": both("manager-set", "manager-change"),
    "accepts-bad-token": both("credentials"),
    # The delete checks read the deleted object back and expect 404.
    "unknown-id-400": {"rfc-not-found", *both("user-delete", "group-delete")},
    "plain-errors": {"rfc-error-body", "duplicate-409"},
    "attributes-ignored": {"rfc-attributes"},
    "no-service-provider-config": {"service-provider-config"},
    "no-schemas": {"schema-discovery"},
}


# What a caught check stands in front of is blocked (reported as failing, "not run: …").
BLOCKED = {
    "query-404": both(*(PER_WIRE - {"test-connection", "credentials", "user-create"})),
    "manager-string-refused": both("manager-remove"),
}


def check(endpoint: FlawedEndpoint, tmp_path: Path, **options: Any) -> CheckScimRun:
    return run_check_scim(
        CheckScimOptions(endpoint.url, endpoint.token, report_dir=tmp_path / "r", **options)
    )


def failures(run: CheckScimRun) -> list[str]:
    return [f"{r.name}: {r.observed}" for r in run.failed]


@pytest.fixture
def generic() -> Iterator[FlawedEndpoint]:
    endpoint = FlawedEndpoint()
    yield endpoint
    endpoint.close()


def test_the_generic_profile_passes_every_check_in_both_wires(
    generic: FlawedEndpoint, tmp_path: Path
) -> None:
    run = check(generic, tmp_path, wire="both")
    assert run.failed == [], failures(run)
    assert {r.name for r in run.results} == DIRECT | PER_WIRE | {n + FLAG for n in PER_WIRE}
    assert not any(r.skipped for r in run.results)
    assert run.seconds < 60
    junit = etree.parse(str(tmp_path / "r" / "junit.xml")).getroot()
    assert junit.get("failures") == "0" and int(junit.get("tests", "0")) == len(run.results)
    assert (tmp_path / "r" / "check-scim.html").is_file()
    assert (tmp_path / "r" / "check-scim.json").is_file()
    # What the engine wrote was cleaned up: only what was there before remains (nothing).
    assert generic.target.store.count("User") == 0
    assert generic.target.store.count("Group") == 0


@pytest.mark.parametrize("flaw", FLAWS)
def test_each_flaw_is_caught_by_exactly_its_checks(flaw: str, tmp_path: Path) -> None:
    endpoint = FlawedEndpoint(flaw)
    try:
        run = check(endpoint, tmp_path, wire="both")
    finally:
        endpoint.close()
    caught = {r.name for r in run.failed if r.blocked_by is None}
    assert caught == CAUGHT_BY[flaw], failures(run)
    blocked = {r.name for r in run.failed if r.blocked_by is not None}
    assert blocked == BLOCKED.get(flaw, set())


# Each vendor's documented limits (ENTRA-BEHAVIOUR §9) as check-scim options.
VENDORS: dict[str, dict[str, Any]] = {
    # Users only; no /Schemas or /ResourceTypes; the gallery connector dropped manager in 2020
    # (and the enterprise extension keeps department only).
    "ringcentral": {
        "groups": False,
        "skip": ["schema-discovery", "manager-set", "manager-change", "manager-remove"],
    },
    # Users only; DELETE deactivates.
    "8x8": {"groups": False, "delete_deactivates": True},
    # Groups are made in Genesys Cloud, then read and patched only.
    "genesys_cloud": {"existing_group": "Support"},
}


@pytest.mark.parametrize("vendor", sorted(VENDORS))
def test_the_vendors_pass_every_applicable_check(vendor: str, tmp_path: Path) -> None:
    profile = load_gallery()[vendor].scim_profile
    endpoint = FlawedEndpoint(profile=profile, key=vendor)
    if vendor == "genesys_cloud":
        endpoint.add_groups("Support", "Sales", "Operations")
    try:
        run = check(endpoint, tmp_path, wire="both", **VENDORS[vendor])
    finally:
        endpoint.close()
    assert run.failed == [], failures(run)
    ran = {r.name for r in run.results if not r.skipped}
    assert both("user-create", "user-disable", "user-restore", "user-delete") <= ran
    if vendor == "genesys_cloud":
        assert both("group-match", "group-add-member", "group-remove-member", "group-update") <= ran
        assert {r.name for r in run.results if r.skipped} == both("group-create", "group-delete")


def test_a_vendor_limit_left_out_is_a_failure(tmp_path: Path) -> None:
    """Without --delete-deactivates, 8x8's deactivating DELETE fails user-delete: the options
    excuse documented limits, the checks do not."""
    endpoint = FlawedEndpoint(profile=load_gallery()["8x8"].scim_profile, key="8x8")
    try:
        run = check(endpoint, tmp_path, groups=False)
    finally:
        endpoint.close()
    assert [r.name for r in run.failed] == ["user-delete"]
    assert "active" in run.failed[0].observed or "200" in run.failed[0].observed


def test_the_command_prints_the_table_writes_reports_and_exits_non_zero(tmp_path: Path) -> None:
    endpoint = FlawedEndpoint("no-409")
    try:
        command = [
            sys.executable,
            "-m",
            "harness.cli",
            "check-scim",
            "--url",
            endpoint.url,
            "--token",
            endpoint.token,
            "--wire",
            "flag",
            "--report-dir",
            str(tmp_path / "r"),
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        passing = subprocess.run(
            [*command, "--skip", "duplicate-409"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        endpoint.close()
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAIL  gallery     duplicate-409" in result.stdout
    assert "PASS  gallery     user-create (aadOptscim062020)" in result.stdout
    assert passing.returncode == 0, passing.stdout
    assert "SKIP  gallery     duplicate-409" in passing.stdout
    for report in ("check-scim.json", "junit.xml", "check-scim.html"):
        assert (tmp_path / "r" / report).is_file()
