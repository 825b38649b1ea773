"""Issue 17 F7: `serve` listens on 127.0.0.1 with the /_mock controls off unless --control;
docker-compose passes both explicitly and publishes on 127.0.0.1; `up`'s page says controls are on."""

from __future__ import annotations

import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import yaml

from harness.cli.commands import SERVICES
from harness.serving.landing import create_landing_app

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def status(port: int, path: str) -> int:
    context = ssl._create_unverified_context()
    try:
        with urllib.request.urlopen(f"https://127.0.0.1:{port}{path}", context=context) as reply:
            return int(reply.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def serve(tmp_path: Path, *options: str) -> tuple[subprocess.Popen[str], int, str]:
    port = free_port()
    command = [sys.executable, "-m", "harness.cli", "serve", "ringcentral", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--ca-dir", str(tmp_path / "ca"), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        env={**os.environ, "ENTRA_HARNESS_SCIM_STORE": "memory"},
        start_new_session=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    return process, port, line


def stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_serve_listens_locally_with_controls_off_by_default(tmp_path: Path) -> None:
    process, port, line = serve(tmp_path)
    try:
        assert f"on 127.0.0.1:{port} (/_mock controls off)" in line, line
        listening = subprocess.run(["ss", "-Hltn", f"sport = :{port}"], capture_output=True)
        if listening.returncode == 0:  # iproute2 present: the socket's own address
            assert f"127.0.0.1:{port}" in listening.stdout.decode(), listening.stdout
        deadline = time.monotonic() + 10
        while status(port, "/healthz") != 200 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert status(port, "/healthz") == 200
        assert status(port, "/_mock/clock") == 404
        assert status(port, "/_mock/requests") == 404
    finally:
        stop(process)


def test_serve_with_control_has_the_controls(tmp_path: Path) -> None:
    process, port, line = serve(tmp_path, "--control")
    try:
        assert "(/_mock controls on)" in line, line
        assert status(port, "/_mock/clock") == 200
    finally:
        stop(process)


def test_compose_passes_bind_and_control_and_publishes_on_loopback() -> None:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    for name in SERVICES:
        command = services[name]["command"]
        assert command[command.index("--bind") + 1] == "0.0.0.0", command
        assert "--control" in command
        assert all(str(p).startswith("127.0.0.1:") for p in services[name]["ports"])


def test_up_landing_page_says_the_controls_are_on() -> None:
    info = {
        "tenant_id": "t",
        "ca_certificate": "ca.pem",
        "chromium_args": [],
        "credentials": {"graph_admin_token": "x", "vendor_console_tokens": {}},
        "hosts": {},
        "controls": {"enabled": True, "bind": "127.0.0.1", "path": "/_mock/"},
    }
    page = create_landing_app(info, {}).test_client().get("/").get_data(as_text=True)
    assert 'id="controls"' in page
    assert "<strong>on</strong>" in page and "<code>127.0.0.1</code> only" in page
