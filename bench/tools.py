"""What every bench section shares: the Figure row, free ports, granian and wrk."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LUA = Path(__file__).resolve().parent / "lua"


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    baseline_name: str
    baseline: float
    target: str
    met: bool
    notes: str = ""
    section: str = ""  # the bench/run.py section that measured it

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


@contextmanager
def granian(
    app: str,
    workers: int,
    env: dict[str, str] | None = None,
    tls: tuple[Path, Path] | None = None,
    timeout: float = 20.0,
) -> Iterator[int]:
    """`app` ("module:callable") served over HTTP/1.1 by granian's WSGI interface: one process
    per worker, one Python thread each (a request is CPU work under the GIL), HTTP parsed and
    connections kept alive in Rust. Measured here against gunicorn's gthread worker with the
    same apps: IdP launches 2,800-2,990/s against 2,070-2,430/s, SCIM creates 4,400-4,580/s
    against 2,900-3,160/s (gunicorn spends ~150 µs of CPU a request before the app runs).
    Over TLS with `tls` (certificate, key); `timeout` seconds for the workers to listen."""
    port = free_port()
    command = [
        str(BIN / "granian"),
        "--interface",
        "wsgi",
        "--http",
        "1",
        "--no-ws",
        "--workers",
        str(workers),
        "--blocking-threads",
        "1",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        *(["--ssl-certificate", str(tls[0]), "--ssl-keyfile", str(tls[1])] if tls else []),
        app,
    ]
    server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})})
    try:
        wait_for(port, timeout)
        if server.poll() is not None:
            raise RuntimeError(f"granian {app} exited with {server.returncode}")
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def rsa_sign_rate(cores: int) -> float:
    """`openssl speed rsa2048` on the same cores: the machine's RSA-2048 signing limit."""
    result = subprocess.run(
        ["openssl", "speed", "-seconds", "3", "-multi", str(cores), "rsa2048"],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in result.stdout.splitlines()[::-1] if x.strip().startswith("rsa"))
    numbers = [float(n) for n in re.findall(r"[\d.]+", line.split("bits", 1)[1])]
    return numbers[2]  # sign, verify, sign/s, verify/s


def parse_wrk(output: str) -> dict[str, float]:
    """Requests/s, p50 and p99 latency (ms) and the non-2xx/3xx count of `wrk --latency`."""

    def latency(percent: str) -> float:
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        if match is None:
            return float("nan")
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[match.group(2)]
        return float(match.group(1)) * scale

    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if rate is None:
        raise ValueError(f"not wrk output: {output[:200]!r}")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "rps": float(rate.group(1)),
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "non_2xx": float(errors.group(1)) if errors else 0.0,
        "socket_errors": float(sum(int(n) for n in socket_errors.groups()))
        if socket_errors
        else 0.0,
    }


def wrk(
    url: str,
    headers: Sequence[str] = (),
    seconds: int = 10,
    connections: int = 16,
    script: str | None = None,
    script_args: Sequence[str] = (),
    timeout: int = 2,
) -> dict[str, float]:
    """Drive `url` with wrk (2 threads); `script` is a file of bench/lua given `script_args`;
    a request unanswered after `timeout` seconds counts as a socket error (wrk's default 2)."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", f"--timeout={timeout}s"]
    command.append("--latency")
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", str(LUA / script)]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)
