"""The provisioning service's HTTP client: host routing over TLS, kept-alive connections, failures."""

from __future__ import annotations

import json
import socket
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from harness.serving.hostmap import HostMap
from harness.serving.tls import TestCertificateAuthority
from mock_idp.provisioning.wire import KeepAliveHttp, WireError, WireTimeout

NAME = "scim.example.test"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.answer()

    def do_POST(self) -> None:
        self.answer()

    def answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode()
        if self.path.startswith("/slow"):
            self.server.release.wait(5)
        seen = {
            "host": self.headers["Host"],
            "path": self.path,
            "body": body,
            "connection": self.client_address[1],
        }
        data = json.dumps(seen).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        # Closes without saying so (no "Connection: close"), as a server's idle timeout does.
        self.close_connection = self.path.startswith("/drop")


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, context: ssl.SSLContext) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.context = context
        self.release = threading.Event()
        self.closed = threading.Event()

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, address = super().get_request()
        return self.context.wrap_socket(sock, server_side=True), address

    def shutdown_request(self, request: Any) -> None:
        super().shutdown_request(request)
        self.closed.set()


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> TestCertificateAuthority:
    return TestCertificateAuthority([NAME], Path(tmp_path_factory.mktemp("ca")))


@pytest.fixture
def server(ca: TestCertificateAuthority) -> Iterator[Server]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(ca.cert_path, ca.key_path)
    served = Server(context)
    thread = threading.Thread(target=served.serve_forever, daemon=True)
    thread.start()
    yield served
    served.release.set()
    served.shutdown()
    served.server_close()


def client(ca: TestCertificateAuthority, server: Server, *names: str) -> KeepAliveHttp:
    hosts = HostMap()
    hosts.add(list(names or [NAME]), server.server_address[1])
    return KeepAliveHttp(route=hosts.route, ssl_context=ca.client_context())


def test_a_mapped_host_is_reached_over_tls_under_its_own_name(
    ca: TestCertificateAuthority, server: Server
) -> None:
    with client(ca, server) as http:
        answer = http.request(
            "POST",
            f"https://{NAME}/scim/v2/Users",
            params={"filter": 'userName eq "ada@contoso.com"'},
            content=b'{"userName": "ada"}',
            headers={"Content-Type": "application/scim+json"},
            timeout=5,
        )
    seen = answer.json()
    assert (
        answer.status == 200 and answer.header("CONTENT-TYPE") == "application/json; charset=utf-8"
    )
    assert seen["host"] == NAME  # the Host header names the URL's host, not 127.0.0.1:port
    assert seen["path"] == "/scim/v2/Users?filter=userName+eq+%22ada%40contoso.com%22"
    assert seen["body"] == '{"userName": "ada"}'


def test_the_certificate_is_checked_against_the_urls_host(
    ca: TestCertificateAuthority, server: Server
) -> None:
    with client(ca, server, "impostor.example.test") as http, pytest.raises(WireError) as error:
        http.request("GET", "https://impostor.example.test/scim/v2/Users", timeout=5)
    assert "certificate" in str(error.value).lower()


def test_connections_are_kept_alive_and_a_closed_one_is_replaced(
    ca: TestCertificateAuthority, server: Server
) -> None:
    with client(ca, server) as http:
        first, second = (
            http.request("GET", f"https://{NAME}/keep", timeout=5).json()["connection"]
            for _ in range(2)
        )
        assert first == second
        http.request("GET", f"https://{NAME}/drop", timeout=5)
        assert server.closed.wait(5)
        after = http.request("GET", f"https://{NAME}/keep", timeout=5).json()["connection"]
    assert after != first


def test_a_slow_answer_is_a_timeout_and_a_refused_connection_an_error(
    ca: TestCertificateAuthority, server: Server
) -> None:
    with client(ca, server) as http:
        with pytest.raises(WireTimeout):
            http.request("GET", f"https://{NAME}/slow", timeout=0.2)
        server.release.set()
        # The timed-out connection was dropped; the next request has a fresh one.
        assert http.request("GET", f"https://{NAME}/keep", timeout=5).status == 200
    with KeepAliveHttp() as plain, pytest.raises(WireError):
        plain.request("GET", "http://127.0.0.1:9/scim", timeout=5)
