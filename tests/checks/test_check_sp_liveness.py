"""check-sp is never green on a dead, hung or failing SP, says what to configure when nothing
signs in, and answers input mistakes with one line and exit code 2 (issue 15, Deliver 2 and 6)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from harness.checks.sp.run import CheckSpOptions, CheckSpRun, run_check_sp
from harness.clients.session import Harness
from harness.serving.servers import ServedApp
from tests.checks.vulnerable_sp import USERS, VulnerableSp

VICTIM, ATTACKER = USERS


def sp_metadata(acs: str) -> str:
    return (
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
        'entityID="https://broken.example/sp"><md:SPSSODescriptor '
        'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        '<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
        f'Location="{acs}" index="0"/></md:SPSSODescriptor></md:EntityDescriptor>'
    )


def broken_sp(behaviour: str) -> Flask:
    """An ACS that hangs, or answers 500, to every Response."""
    app = Flask(f"{behaviour}-sp")

    @app.post("/acs")
    def acs() -> tuple[str, int]:
        if behaviour == "hung":
            time.sleep(8)
        return "Internal Server Error", 500

    return app


@pytest.fixture
def broken(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    """Metadata of a dead SP (nothing listens), a hung one or one answering 500."""
    behaviour = request.param
    server = None
    if behaviour == "dead":
        from tests.real_sps.running import free_port

        acs = f"http://127.0.0.1:{free_port()}/acs"
    else:
        server = ServedApp(f"{behaviour}-sp", broken_sp(behaviour), None).start()
        acs = f"http://127.0.0.1:{server.port}/acs"
    metadata = tmp_path / "sp.xml"
    metadata.write_text(sp_metadata(acs))
    yield metadata
    if server is not None:
        server.stop()


def labels(run: CheckSpRun) -> dict[str, str]:
    return {r.name: r.label for r in run.results}


@pytest.mark.parametrize("broken", ["dead", "hung", "500"], indirect=True)
def test_a_dead_hung_or_failing_sp_gives_errors_and_runs_no_security_check(
    harness: Harness, broken: Path, tmp_path: Path
) -> None:
    started = time.perf_counter()
    options = CheckSpOptions(str(broken), timeout=2, report_dir=tmp_path / "r")
    run = run_check_sp(harness.stack, options, with_browser=False)
    seen = labels(run)
    assert seen["sign-in-victim"] == "ERROR", run.results[0]
    security = [r for r in run.results if r.kind == "security" and not r.skipped]
    assert security and all(r.label == "NOT RUN" and not r.passed for r in security)
    assert "PASS" not in {seen[r.name] for r in security}
    assert run.failed and run.problem
    assert time.perf_counter() - started < 30  # one timeout, not one per check
    html = (tmp_path / "r" / "check-sp.html").read_text()
    assert html.index("Security checks not run") < html.index("Every check")  # summary first


def test_an_sp_not_yet_configured_is_told_what_to_configure(
    harness: Harness, entra_stack: object, tmp_path: Path
) -> None:
    """The first run: the SP does not trust the IdP yet and answers 503 to everything."""
    sp = VulnerableSp(harness.stack.clock)
    try:
        options = CheckSpOptions(
            str(sp.write_metadata(tmp_path)),
            user=VICTIM,
            attacker_user=ATTACKER,
            success_text="Welcome {user}",
            report_dir=tmp_path / "r",
        )
        run = run_check_sp(harness.stack, options, configure_sp=None, with_browser=False)
    finally:
        sp.close()
    assert run.problem is not None
    assert "idp-metadata.xml" in run.problem and ATTACKER in run.problem
    assert {r.label for r in run.results if r.kind == "security" and not r.skipped} == {"NOT RUN"}


def test_a_missing_user_at_the_sp_stops_before_the_security_checks(
    harness: Harness, tmp_path: Path
) -> None:
    sp = VulnerableSp(harness.stack.clock)
    try:
        options = CheckSpOptions(
            str(sp.write_metadata(tmp_path)),
            user=VICTIM,
            attacker_user="nobody@contoso.com",  # not a user of that SP
            success_text="Welcome {user}",
            report_dir=tmp_path / "r",
        )
        run = run_check_sp(harness.stack, options, configure_sp=sp.configure, with_browser=False)
    finally:
        sp.close()
    seen = labels(run)
    assert seen["sign-in-victim"] == "PASS" and seen["sign-in-attacker"] == "FAIL"
    assert run.problem is not None and "nobody@contoso.com" in run.problem


def check_sp(*arguments: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "harness.cli", "check-sp", *arguments]
    command += ["--report-dir", str(tmp_path / "r"), "--state-dir", str(tmp_path / "s")]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_input_mistakes_are_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from harness.cli.commands import main
    from tests.real_sps.running import free_port

    html = tmp_path / "page.html"
    html.write_text("<!DOCTYPE html><html><body>Sign in</body></html>")
    no_acs = tmp_path / "no-acs.xml"
    no_acs.write_text(
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x">'
        '<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/>'
        "</md:EntityDescriptor>"
    )
    not_found = ServedApp("no-metadata", Flask("no-metadata"), None).start()  # 404 everywhere
    cases = {
        "missing file": ["--metadata", str(tmp_path / "nowhere.xml")],
        "HTML": ["--metadata", str(html)],
        "no ACS": ["--metadata", str(no_acs)],
        "unreachable": ["--metadata", f"http://127.0.0.1:{free_port()}/metadata"],
        "404": ["--metadata", f"http://127.0.0.1:{not_found.port}/saml/metadata"],
        "bad URL option": ["--metadata", str(no_acs), "--whoami-url", "whoami"],
    }
    try:
        for case, arguments in cases.items():
            code = main(["check-sp", *arguments, "--report-dir", str(tmp_path / "r")])
            errors = capsys.readouterr().err
            assert code == 2, (case, errors)
            lines = [line for line in errors.splitlines() if "entra-harness check-sp:" in line]
            assert len(lines) == 1 and "Traceback" not in errors, (case, errors)
    finally:
        not_found.stop()


def test_the_command_exits_non_zero_on_a_dead_sp(tmp_path: Path) -> None:
    from tests.real_sps.running import free_port

    metadata = tmp_path / "sp.xml"
    metadata.write_text(sp_metadata(f"http://127.0.0.1:{free_port()}/acs"))
    done = check_sp("--metadata", str(metadata), "--timeout", "2", tmp_path=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Security checks not run: the SP does not answer" in done.stdout
    assert "ERROR" in done.stdout and "PASS    security" not in done.stdout
