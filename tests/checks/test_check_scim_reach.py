"""check-scim reaches staging endpoints (CA file, --resolve, OAuth) as Entra would, or stops at once."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from harness.checks.scim.reach import Resolve, TargetUnreachable, http_factory
from harness.checks.scim.run import CheckScimOptions, CheckScimRun, run_check_scim
from mock_idp.provisioning.wire import KeepAliveHttp
from tests.checks.scim_flaws import OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, FlawedEndpoint

STAGING = "scim.staging.test"  # a name no DNS knows: reached only through --resolve


def check(url: str, token: str, tmp_path: Path, **options: Any) -> CheckScimRun:
    return run_check_scim(
        CheckScimOptions(
            url, token, wire="default", report_dir=tmp_path / "r", throughput_seconds=0, **options
        )
    )


@pytest.fixture(scope="module")
def staging_tls(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A private CA and a certificate for STAGING: (ca.pem, cert.pem, key.pem)."""
    directory = tmp_path_factory.mktemp("private-ca")
    ca = trustme.CA()
    leaf = ca.issue_cert(STAGING)
    paths = directory / "ca.pem", directory / "cert.pem", directory / "key.pem"
    ca.cert_pem.write_to_path(str(paths[0]))
    leaf.cert_chain_pems[0].write_to_path(str(paths[1]))
    leaf.private_key_pem.write_to_path(str(paths[2]))
    return paths


@pytest.fixture
def staging(staging_tls: tuple[Path, Path, Path]) -> Iterator[FlawedEndpoint]:
    _, cert, key = staging_tls
    endpoint = FlawedEndpoint(tls=(cert, key), host=STAGING)
    yield endpoint
    endpoint.close()


def test_a_private_ca_and_an_unresolvable_name_are_reached_with_ca_file_and_resolve(
    staging: FlawedEndpoint, staging_tls: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    resolve = f"{STAGING}:{staging.server.port}:127.0.0.1"
    run = check(
        staging.url, staging.token, tmp_path, ca_file=str(staging_tls[0]), resolve=[resolve]
    )
    assert staging.url.startswith(f"https://{STAGING}:")
    assert run.failed == [], [f"{r.name}: {r.observed}" for r in run.failed]
    assert staging.target.store.count("User") == 0


def test_without_the_ca_file_tls_fails_with_one_clear_message(
    staging: FlawedEndpoint, tmp_path: Path
) -> None:
    resolve = f"{STAGING}:{staging.server.port}:127.0.0.1"
    with pytest.raises(TargetUnreachable, match=r"CERTIFICATE_VERIFY_FAILED.*--ca-file"):
        check(staging.url, staging.token, tmp_path, resolve=[resolve])


def test_without_resolve_the_name_does_not_resolve(
    staging: FlawedEndpoint, staging_tls: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    with pytest.raises(TargetUnreachable, match=r"cannot reach.*--resolve"):
        check(staging.url, staging.token, tmp_path, ca_file=str(staging_tls[0]))


def test_resolve_follows_curls_convention() -> None:
    assert Resolve.parse("api.example.com:8443:10.0.0.5") == Resolve(
        "api.example.com", 8443, "10.0.0.5"
    )
    assert Resolve.parse("h:443:[::1]").address == "::1"
    with pytest.raises(ValueError, match="HOST:PORT:ADDR"):
        Resolve.parse("api.example.com:10.0.0.5")


def test_a_refused_token_stops_at_the_first_request(tmp_path: Path) -> None:
    endpoint = FlawedEndpoint()
    try:
        with pytest.raises(TargetUnreachable, match=r"refused the credentials.*401"):
            check(endpoint.url, "not-the-token", tmp_path)
    finally:
        endpoint.close()


def test_a_wrong_url_stops_at_the_first_request(tmp_path: Path) -> None:
    from harness.serving.servers import ServedApp

    def web_server(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("404 Not Found", [("Content-Type", "text/html")])
        return [b"<html><body>Not Found</body></html>"]

    server = ServedApp("not-scim", web_server, None).start()
    try:
        with pytest.raises(TargetUnreachable, match=r"no SCIM endpoint answers.*404.*--url"):
            check(f"http://127.0.0.1:{server.port}/api", "t", tmp_path)
    finally:
        server.stop()


def test_entra_sends_no_user_agent_so_an_endpoint_that_wants_one_is_refused(
    tmp_path: Path,
) -> None:
    endpoint = FlawedEndpoint("user-agent-required")
    try:
        with pytest.raises(TargetUnreachable, match=r"403.*User-Agent"):
            check(endpoint.url, endpoint.token, tmp_path)
    finally:
        endpoint.close()


def test_check_scim_sends_the_headers_the_engines_own_wire_sends() -> None:
    """The same header names as mock_idp/provisioning/wire.py's KeepAliveHttp (what the
    provisioning service sends): no User-Agent, no Connection."""
    seen: list[list[str]] = []

    def recording(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        names = sorted(k for k in environ if k.startswith("HTTP_") or k.startswith("CONTENT_"))
        seen.append([n for n in names if environ[n]])
        start_response("200 OK", [("Content-Type", "application/scim+json")])
        return [b"{}"]

    from harness.serving.servers import ServedApp

    server = ServedApp("headers", recording, None).start()
    url = f"http://127.0.0.1:{server.port}/scim/v2/Users"
    headers = {"Authorization": "Bearer t", "Accept": "application/scim+json"}
    try:
        with http_factory(5.0)() as client:
            client.get(url, headers=headers)
        with KeepAliveHttp() as wire:
            wire.request("GET", url, headers=headers, timeout=5.0)
    finally:
        server.stop()
    check_scim, engine = seen
    assert check_scim == engine
    assert "HTTP_USER_AGENT" not in check_scim


def test_oauth_client_credentials_run_as_entra_runs_them(tmp_path: Path) -> None:
    endpoint = FlawedEndpoint(token_lifetime=3600)
    try:
        run = check(
            endpoint.url,
            "",
            tmp_path,
            token_url=endpoint.token_url,
            client_id=OAUTH_CLIENT_ID,
            client_secret=OAUTH_CLIENT_SECRET,
        )
    finally:
        endpoint.close()
    assert run.failed == [], [f"{r.name}: {r.observed}" for r in run.failed]
    [oauth] = [r for r in run.results if r.name == "oauth-client-credentials"]
    assert oauth.passed and not oauth.skipped and "60 minutes" in oauth.observed
    # The engine itself authenticated with the token endpoint's tokens (no Secret Token).
    assert all(r.passed for r in run.results if r.name in ("user-create", "test-connection"))
    results = {e["testName"]: e["testResult"] for e in run.validation["testResults"]}
    assert results["Validate_Credentials_Test"] == "success"
    assert run.validation["overallResult"] == "Succeeded"


def test_a_token_outside_60_to_360_minutes_fails_validate_credentials(tmp_path: Path) -> None:
    endpoint = FlawedEndpoint(token_lifetime=600)
    try:
        run = check(
            endpoint.url,
            "",
            tmp_path,
            token_url=endpoint.token_url,
            client_id=OAUTH_CLIENT_ID,
            client_secret=OAUTH_CLIENT_SECRET,
            groups=False,
        )
    finally:
        endpoint.close()
    assert [r.name for r in run.failed] == ["oauth-client-credentials"]
    assert "10 minutes" in run.failed[0].observed
    assert run.failed[0].microsoft == "Validate_Credentials_Test"


def test_the_command_says_one_line_and_exits_2_when_nothing_answers(tmp_path: Path) -> None:
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "harness.cli",
            "check-scim",
            "--url",
            f"http://127.0.0.1:{port}/scim/v2",
            "--token",
            "t",
            "--report-dir",
            str(tmp_path / "r"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    # One message (the progress line above it is the command's spinner).
    lines = [line for line in result.stderr.splitlines() if "entra-harness check-scim:" in line]
    assert len(lines) == 1 and "cannot reach the SCIM endpoint" in lines[0], result.stderr
    assert "FAIL" not in result.stdout


def test_the_built_in_vendors_scim_urls_from_up_are_checked_like_a_staging_endpoint(
    entra_stack: Any, tmp_path: Path
) -> None:
    """`entra-harness up` serves https://platform.ringcentral.com/scim/v2 on a local port with
    its test CA: --resolve and --ca-file reach it (docs/external-targets.md)."""
    ringcentral = entra_stack.vendors["ringcentral"].scim
    host = "platform.ringcentral.com"
    port = entra_stack.host_map.ports[host]
    assert ringcentral.base_url == f"https://{host}/scim/v2"
    limits = ["schema-discovery", "scim-user-update", "scim-update-manager", "user-update"]
    limits += ["manager-set", "manager-change", "manager-remove"]  # test_check_scim.VENDORS
    run = check(
        f"https://{host}:{port}/scim/v2",
        ringcentral.token,
        tmp_path,
        app="ringcentral",
        groups=False,
        skip=limits,
        ca_file=str(entra_stack.ca.ca_path),
        resolve=[f"{host}:{port}:127.0.0.1"],
    )
    assert run.failed == [], [f"{r.name}: {r.observed}" for r in run.failed]
    assert {"user-create", "pod-user", "user-delete"} <= {r.name for r in run.results if r.passed}
