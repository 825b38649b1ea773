"""`entra-harness up --state DIR` as a real process, which a test may kill -9 and start again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from harness.clients.tenant_admin import TenantAdmin
from harness.serving.hostmap import HostMap, http_client
from harness.serving.tls import TestCertificateAuthority


@dataclass
class RunningUp:
    process: subprocess.Popen[str]
    info: dict[str, Any]
    client: httpx.Client
    started_in: float

    @property
    def admin(self) -> TenantAdmin:
        return TenantAdmin(
            self.client, self.info["credentials"]["graph_admin_token"], self.info["tenant_id"]
        )

    def kill_9(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@contextmanager
def up_with_state(home: Path, *options: str) -> Iterator[RunningUp]:
    """Serve with the tenant in home/state (the CA in home/ca); killed at the end if alive."""
    started = time.perf_counter()
    with open(home / "up.stderr", "a") as errors:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "harness.cli",
                "up",
                "--print-urls",
                "json",
                "--state-dir",
                str(home),
                "--state",
                str(home / "state"),
                "--provisioning-poll-seconds",
                "0",
                *options,
            ],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line, f"up did not start: {(home / 'up.stderr').read_text()[-3000:]}"
        info = json.loads(line)
        host_map = HostMap({h: int(a.rsplit(":", 1)[1]) for h, a in info["hosts"].items()})
        ca = TestCertificateAuthority(list(info["hosts"]), Path(info["ca_certificate"]).parent)
        with http_client(host_map, ca.client_context()) as client:
            yield RunningUp(process, info, client, time.perf_counter() - started)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
