"""The mocks' TLS under concurrency: a client context many threads share, and a listen backlog
that takes a burst of simultaneous connections (the first failed a SCIM concurrency test in CI;
the second stalled such bursts for seconds)."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from harness.serving.servers import ServedApp
from harness.serving.tls import TestCertificateAuthority
from mock_scim.testing import run_together


def hello(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Length", "2")])
    return [b"ok"]


@pytest.fixture(scope="module")
def ca() -> Iterator[TestCertificateAuthority]:
    authority = TestCertificateAuthority(["sso.example.test"])
    yield authority
    authority.remove()


@pytest.fixture
def served(ca: TestCertificateAuthority) -> Iterator[ServedApp]:
    app = ServedApp("hello", hello, (ca.cert_path, ca.key_path)).start()
    yield app
    app.stop()


def handshake(port: int, context: ssl.SSLContext, timeout: float) -> str:
    """'handshake done', or the error's name."""
    try:
        with (
            socket.create_connection(("127.0.0.1", port), timeout=timeout) as raw,
            context.wrap_socket(raw, server_hostname="sso.example.test"),
        ):
            return "handshake done"
    except OSError as error:
        return type(error).__name__


def test_alpn_set_on_a_shared_context_during_handshakes_tears_no_client_hello(
    ca: TestCertificateAuthority, served: ServedApp
) -> None:
    """httpcore sets ALPN on the shared context before each connection; with a plain
    SSLContext 3 to 10 of these 600 handshakes fail (the server: BAD_EXTENSION)."""
    context = ca.client_context()
    done = threading.Event()

    def keep_setting() -> None:
        while not done.is_set():
            for _ in range(50):
                context.set_alpn_protocols(["http/1.1"])
            time.sleep(0)  # lets the handshaking threads have the GIL

    setters = [threading.Thread(target=keep_setting) for _ in range(2)]
    for setter in setters:
        setter.start()
    try:
        results = run_together(
            4, lambda _: [handshake(served.port, context, 5.0) for _ in range(150)]
        )
    finally:
        done.set()
        for setter in setters:
            setter.join()
    assert Counter(outcome for batch in results for outcome in batch) == Counter(
        {"handshake done": 600}
    )


def test_a_burst_of_simultaneous_connections_is_accepted_without_stalling(
    ca: TestCertificateAuthority, served: ServedApp
) -> None:
    """64 clients connecting at once each finish their handshake within 3 s (a listen
    backlog of 5 drops the rest's connections, which then stall for seconds)."""
    context = ca.client_context()
    results = run_together(64, lambda _: handshake(served.port, context, 3.0))
    assert Counter(results) == Counter({"handshake done": 64})
