"""Every command misused once, as a person would: one line on stderr naming the mistake with a
hint, exit code 2, no traceback; `--debug` shows the traceback (issue 20, Deliver 3)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.cli.errors import busy_ports

ROOT = Path(__file__).resolve().parents[2]


def entra_harness(
    *arguments: str, cwd: Path = ROOT, python: str = sys.executable
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [python, "-m", "harness.cli", *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
        env=env,
    )


def one_clear_line(result: subprocess.CompletedProcess[str], command: str) -> str:
    assert result.returncode == 2, result.stdout[-1500:] + result.stderr[-1500:]
    assert "Traceback" not in result.stderr + result.stdout
    # The progress bar's spinner may come first; the error is the last line, and the only one.
    lines = [line for line in result.stderr.splitlines() if line.startswith("entra-harness")]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"entra-harness {command}: ") and "(hint: " in lines[0]
    return lines[0]


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port something listens on, whose port below is free (the landing page's, below)."""
    for _ in range(20):
        with socket.socket() as listener:
            listener.bind(("127.0.0.1", 0))
            port = listener.getsockname()[1]
            if busy_ports("127.0.0.1", [port - 1]):
                continue
            listener.listen()
            yield port
            return
    pytest.fail("no free pair of ports")


def test_up_on_a_busy_port(busy_port: int, tmp_path: Path) -> None:
    line = one_clear_line(
        entra_harness("up", "--base-port", str(busy_port), "--state-dir", str(tmp_path)), "up"
    )
    # (another port of the range may be busy too, on a machine running other tests)
    assert str(busy_port) in line and "already in use" in line and "--base-port" in line


def test_up_when_a_mocks_port_is_busy(busy_port: int, tmp_path: Path) -> None:
    # The landing page's port is free; the tenant's, the next one, is not.
    line = one_clear_line(
        entra_harness("up", "--base-port", str(busy_port - 1), "--state-dir", str(tmp_path)),
        "up",
    )
    assert f"port {busy_port} " in line


def test_up_with_a_base_port_out_of_range(tmp_path: Path) -> None:
    line = one_clear_line(entra_harness("up", "--base-port", "70000"), "up")
    assert "--base-port 70000" in line


def test_serve_on_a_busy_port(busy_port: int, tmp_path: Path) -> None:
    result = entra_harness(
        "serve", "tenant", "--port", str(busy_port), "--ca-dir", str(tmp_path / "ca")
    )
    assert "--port" in one_clear_line(result, "serve")


def test_demo_with_a_selection_that_matches_nothing(tmp_path: Path) -> None:
    result = entra_harness("demo", "--report", str(tmp_path / "demo.html"), "--", "-k", "nothing_x")
    assert "no scenario matched" in one_clear_line(result, "demo")


def test_check_sp_with_missing_metadata(tmp_path: Path) -> None:
    result = entra_harness(
        "check-sp", "--metadata", str(tmp_path / "none.xml"), "--report-dir", str(tmp_path)
    )
    assert "none.xml" in one_clear_line(result, "check-sp")


def test_check_scim_with_an_endpoint_that_does_not_answer(tmp_path: Path) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    result = entra_harness(
        "check-scim", "--url", f"http://127.0.0.1:{port}/scim/v2", "--token", "t",
        "--report-dir", str(tmp_path),
    )  # fmt: skip
    assert "Connection refused" in one_clear_line(result, "check-scim")


def test_bench_outside_the_checkout(tmp_path: Path) -> None:
    assert "needs the checkout" in one_clear_line(entra_harness("bench", cwd=tmp_path), "bench")


def test_snapshot_import_of_a_missing_file(tmp_path: Path) -> None:
    result = entra_harness(
        "snapshot", "import", str(tmp_path / "none.json"), "--state", str(tmp_path)
    )
    assert "none.json" in one_clear_line(result, "snapshot")


def test_import_of_a_missing_tutorial(tmp_path: Path) -> None:
    result = entra_harness("import", str(tmp_path / "none.md"))
    assert "none.md" in one_clear_line(result, "import")


def test_debug_shows_the_traceback(busy_port: int, tmp_path: Path) -> None:
    result = entra_harness(
        "up", "--base-port", str(busy_port), "--state-dir", str(tmp_path), "--debug"
    )
    assert result.returncode == 2
    assert "Traceback" in result.stderr and "CommandError" in result.stderr


def test_without_the_dependencies_the_missing_package_and_a_hint() -> None:
    """`python3 -m harness.cli up` with an interpreter outside the venv."""
    base = getattr(sys, "_base_executable", sys.executable)
    if base == sys.executable:
        pytest.skip("not run from a venv")
    result = entra_harness("up", python=base)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "is not installed for" in result.stderr and "make setup" in result.stderr
