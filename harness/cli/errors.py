"""What a command says when it cannot go on: one line with a hint and exit code 2, no traceback."""

from __future__ import annotations

import errno
import socket
import sys
import traceback
from collections.abc import Callable, Iterable
from typing import TextIO

# Issue 20, Deliver 3: input mistakes and busy ports get one clear line with a hint and exit
# code 2 (argparse's own code for a usage error); `--debug` shows the traceback instead.
USAGE = 2
# Anything not foreseen below is still one line, but the harness's fault: exit 1, report it.
INTERNAL = 1
DEBUG_HINT = "--debug shows the traceback"


class CommandError(Exception):
    """A mistake the person can fix: the message says what, the hint how."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def busy_ports(bind: str, ports: Iterable[int]) -> list[int]:
    """The ports of `ports` that something already listens on at `bind` (tried before serving:
    cheroot reports a busy port as a bare socket.error whose errno is lost in its message)."""
    busy = []
    for port in ports:
        if port == 0:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            # The same option cheroot sets, so a port left in TIME_WAIT is not called busy.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((bind, port))
            except OSError as error:
                if error.errno in (errno.EADDRINUSE, errno.EACCES):
                    busy.append(port)
                else:
                    raise
    return busy


def check_ports_free(bind: str, ports: Iterable[int], option: str) -> None:
    busy = busy_ports(bind, ports)
    if busy:
        listed = ", ".join(str(p) for p in busy)
        raise CommandError(
            f"port {listed} on {bind} is already in use (or needs root)",
            f"stop what listens there, or choose other ports with {option}",
        )


def explain(error: BaseException) -> tuple[str, str, int]:
    """(message, hint, exit code) for an error that escaped a command."""
    if isinstance(error, CommandError):
        return error.message, error.hint, USAGE
    if isinstance(error, ModuleNotFoundError):
        return (
            f"the Python package {error.name!r} is not installed for {sys.executable}",
            "run `make setup` in the checkout and use .venv/bin/entra-harness "
            "(or `pip install entra-harness` into this interpreter's environment)",
            USAGE,
        )
    if isinstance(error, FileNotFoundError):
        return f"no such file or directory: {error.filename}", "check the path given", USAGE
    if isinstance(error, PermissionError):
        return (
            f"permission denied: {error.filename or error}",
            "choose a directory or port you may use",
            USAGE,
        )
    if isinstance(error, socket.gaierror):
        return f"cannot resolve the address: {error}", "check --bind or the URL given", USAGE
    if isinstance(error, OSError):
        if error.errno == errno.EADDRINUSE or "already in use" in str(error):
            return (
                f"a port is already in use: {error}",
                "stop what listens there, or choose another port",
                USAGE,
            )
        return f"{error}", "check the address, path or port given", USAGE
    if isinstance(error, ValueError):
        return str(error), "check the values given (--help lists them)", USAGE
    name = type(error).__name__
    if name.endswith(("ConnectError", "ConnectTimeout", "ReadTimeout", "TimeoutException")):
        return (
            f"cannot reach the endpoint: {error or name}",
            "check the URL and that the service is up",
            USAGE,
        )
    return f"unexpected {name}: {error}", f"this is a harness bug; {DEBUG_HINT}", INTERNAL


def run_reporting_errors(
    command: str, run: Callable[[], int], debug: bool, stream: TextIO | None = None
) -> int:
    """Run one command; on failure print `entra-harness COMMAND: message (hint: …)` and return
    its exit code, or the whole traceback with --debug."""
    out = stream if stream is not None else sys.stderr
    try:
        return run()
    except KeyboardInterrupt:
        return 130  # the shell's code for "ended by Ctrl-C"
    except Exception as error:
        message, hint, code = explain(error)
        if debug:
            traceback.print_exc(file=out)
        print(f"entra-harness {command}: {message} (hint: {hint})", file=out)
        return code
