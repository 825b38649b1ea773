"""`entra-harness up --print-urls json` run as a user runs it: a real process, ended by Ctrl-C."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from harness.serving.hostmap import HostMap, http_client
from harness.serving.tls import TestCertificateAuthority


@contextmanager
def harness_up(state_dir: Path, *options: str) -> Iterator[tuple[dict[str, Any], httpx.Client]]:
    """The process's JSON line and a client routed to its hosts through its CA; the process
    must then stop cleanly on SIGINT."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "harness.cli",
            "up",
            "--print-urls",
            "json",
            "--state-dir",
            str(state_dir),
            *options,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Started ignoring SIGINT, as from a pytest-xdist worker sometimes: Ctrl-C must still
        # stop it (it did not, when `up` relied on Python's default KeyboardInterrupt).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        assert process.stdout is not None
        info = json.loads(process.stdout.readline())
        host_map = HostMap({h: int(a.rsplit(":", 1)[1]) for h, a in info["hosts"].items()})
        ca = TestCertificateAuthority(list(info["hosts"]), Path(info["ca_certificate"]).parent)
        with http_client(host_map, ca.client_context()) as client:
            yield info, client
    finally:
        process.send_signal(signal.SIGINT)
        try:
            code = process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGUSR1)  # its threads' stacks, to say where it hangs
            time.sleep(1)
            process.kill()
            _, stacks = process.communicate()
            raise AssertionError(f"no exit 15 s after Ctrl-C; its threads:\n{stacks}") from None
        assert code == 0
