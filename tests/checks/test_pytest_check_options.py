"""check-scim and check-sp as pytest options: one pytest item per check, failures with reasons."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from lxml import etree

from harness.checks.options import SP_OPTIONS
from harness.pytest_plugin.checks import run_checks
from tests.checks.scim_flaws import FlawedEndpoint


def run_pytest(tmp_path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """A vendor's own pytest run: an empty project with only the harness's options."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-rA", "-p", "no:cacheprovider", str(tmp_path), *options],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=180,
        check=False,
    )


def test_check_scim_options_give_one_passing_item_per_check(tmp_path: Path) -> None:
    endpoint = FlawedEndpoint()
    try:
        result = run_pytest(
            tmp_path,
            f"--check-scim-url={endpoint.url}",
            f"--check-scim-token={endpoint.token}",
            f"--check-scim-report-dir={tmp_path / 'r'}",
            f"--junitxml={tmp_path / 'junit.xml'}",
        )
    finally:
        endpoint.close()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASSED check-scim::duplicate-409" in result.stdout
    assert "PASSED check-scim::user-create" in result.stdout
    junit = etree.parse(str(tmp_path / "junit.xml")).getroot().find("testsuite")
    assert junit is not None and junit.get("failures") == "0"
    # The same checks as the command's own report: one pytest item each.
    command_junit = etree.parse(str(tmp_path / "r" / "junit.xml")).getroot()
    assert junit.get("tests") == command_junit.get("tests")


def test_a_flaw_fails_its_item_with_the_checks_reason(tmp_path: Path) -> None:
    endpoint = FlawedEndpoint("no-409")
    try:
        result = run_pytest(
            tmp_path,
            f"--check-scim-url={endpoint.url}",
            f"--check-scim-token={endpoint.token}",
            "--no-check-scim-groups",
            f"--check-scim-report-dir={tmp_path / 'r'}",
        )
    finally:
        endpoint.close()
    assert result.returncode == 1, result.stdout + result.stderr
    failed = [
        line.split(" - ")[0] for line in result.stdout.splitlines() if line.startswith("FAILED")
    ]
    assert failed == ["FAILED check-scim::duplicate-409"], result.stdout
    assert (
        "gallery check 'duplicate-409' failed: expected a second POST of a userName: 409"
        in result.stdout
    )
    assert "SKIPPED" in result.stdout  # the group checks, left out by --no-check-scim-groups


def test_a_warning_passes_its_item_with_a_warning(tmp_path: Path) -> None:
    """Microsoft's WARNING semantics (check-scim): a create answered 200 warns on
    rfc-created-201; the item passes and pytest shows the warning."""
    endpoint = FlawedEndpoint("create-200")
    try:
        result = run_pytest(
            tmp_path,
            f"--check-scim-url={endpoint.url}",
            f"--check-scim-token={endpoint.token}",
            "--no-check-scim-groups",
            "--check-scim-throughput-seconds=0",
            f"--check-scim-report-dir={tmp_path / 'r'}",
        )
    finally:
        endpoint.close()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASSED check-scim::rfc-created-201" in result.stdout
    assert "CheckWarning: rfc-created-201" in result.stdout


def test_conflicting_or_incomplete_options_are_usage_errors() -> None:
    config = SimpleNamespace(option=SimpleNamespace(check_sp_metadata=None, check_scim_url=None))
    assert run_checks(config) == {}  # type: ignore[arg-type]
    config.option.check_sp_metadata = "sp.xml"
    config.option.__dict__.update(
        {f"check_sp_{name.replace('-', '_')}": None for name, _ in SP_OPTIONS[1:]}
    )
    config.option.check_sp_success_url, config.option.check_sp_success_text = "x", "y"
    with pytest.raises(pytest.UsageError, match="exclude each other"):
        run_checks(config)  # type: ignore[arg-type]
