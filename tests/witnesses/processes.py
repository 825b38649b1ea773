"""The witnesses' own processes: Debian's Apache (and shibd) started by the test on 127.0.0.1,
each with a config directory of its own, stopped by pid; never a system service."""

from __future__ import annotations

import os
import pwd
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

APACHE = Path("/usr/sbin/apache2")
MODULES = Path("/usr/lib/apache2/modules")
# Apache's children drop root for this user (Apache refuses to serve as root).
WORKER_USER = "www-data"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited {process.returncode}: {tail(log)}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"port {port} not open after {seconds} s: {tail(log)}")


def wait_for_socket(
    path: Path, process: subprocess.Popen[bytes], log: Path, seconds: float
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited {process.returncode}: {tail(log)}")
        if path.exists():
            return
        time.sleep(0.05)
    raise RuntimeError(f"no socket {path} after {seconds} s: {tail(log)}")


def tail(path: Path, lines: int = 30) -> str:
    return (
        "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""
    )


def running_as_root() -> bool:
    return os.geteuid() == 0


def fresh_logs(directory: Path, *names: str) -> None:
    """Each test's logs only: the SP's error_log() then tells what this test's sign-in did."""
    for name in names:
        (directory / name).unlink(missing_ok=True)


def share_with_workers(directory: Path) -> None:
    """Started by root, Apache's children run as www-data: they read the config and write
    sessions here (started by anyone else, they keep that user)."""
    if not running_as_root():
        return
    user = pwd.getpwnam(WORKER_USER)
    for path in [directory, *directory.rglob("*")]:
        os.chown(path, user.pw_uid, user.pw_gid)


class Process:
    """One child process, logged to a file, stopped by its own pid."""

    def __init__(self, argv: Sequence[str], log: Path, env: dict[str, str] | None = None) -> None:
        self.log = log
        with log.open("ab") as out:
            self.popen = subprocess.Popen(
                list(argv),
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, **(env or {})},
                start_new_session=True,
            )

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


def apache_config(directory: Path, port: int, modules: dict[str, str], body: str) -> Path:
    """A whole httpd.conf: prefork MPM, CGI for the page that shows what the SP received, the
    SP's `modules` (module symbol: file name), then `body` (the SP's own directives)."""
    common = [
        "mpm_prefork",
        "authn_core",
        "authz_core",
        "authz_user",
        "alias",
        "mime",
        "cgi",
        "env",
    ]
    every = {f"{name}_module": f"mod_{name}.so" for name in common} | modules
    loads = "\n".join(f"LoadModule {symbol} {MODULES / file}" for symbol, file in every.items())
    config = directory / "httpd.conf"
    user = f"User {WORKER_USER}\nGroup {WORKER_USER}" if running_as_root() else ""
    config.write_text(
        f"""ServerRoot {directory}
ServerName localhost
Listen 127.0.0.1:{port}
PidFile {directory}/httpd.pid
ErrorLog {directory}/error.log
LogLevel warn
{user}
StartServers 1
MinSpareServers 1
MaxSpareServers 2
TypesConfig /etc/mime.types
{loads}
DocumentRoot {directory}/htdocs
ScriptAlias /cgi/ {directory}/cgi/
<Directory {directory}/cgi>
    Options +ExecCGI
</Directory>
{body}
"""
    )
    return config


ATTRIBUTES_CGI = """#!/bin/sh
# What the SP handed the application: its environment, one variable a line.
printf 'Content-Type: text/plain; charset=utf-8\\r\\n\\r\\n'
printf 'REMOTE_USER=%s\\n' "$REMOTE_USER"
env | sort
"""


def write_attributes_page(directory: Path) -> None:
    """/cgi/attributes (the protected page) and /signed-out.txt (a public page)."""
    (directory / "htdocs").mkdir(exist_ok=True)
    (directory / "htdocs" / "signed-out.txt").write_text("signed out\n")
    cgi = directory / "cgi"
    cgi.mkdir(exist_ok=True)
    page = cgi / "attributes"
    page.write_text(ATTRIBUTES_CGI)
    page.chmod(0o755)


def start_apache(directory: Path, port: int) -> Process:
    share_with_workers(directory)
    log = directory / "apache.out"
    process = Process([str(APACHE), "-f", str(directory / "httpd.conf"), "-DFOREGROUND"], log)
    wait_for_port(port, process.popen, log, 15)
    return process
