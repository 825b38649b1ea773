"""The provisioning client's HTTP/1.1 framing against a server that answers with raw bytes."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from mock_idp.provisioning.wire import KeepAliveHttp, WireError

# path -> (raw answer, close the connection after writing it)
ANSWERS: dict[str, tuple[bytes, bool]] = {
    "/length": (b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", False),
    "/chunked": (
        b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"4;ext=1\r\nscim\r\n6\r\n+json!\r\n0\r\nX-Trailer: t\r\n\r\n",
        False,
    ),
    "/interim": (
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        False,
    ),
    "/headers": (
        b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nVary: a\r\nvary: b\r\n"
        b"X-Folded: one\r\n two\r\nContent-Length: 0\r\n\r\n",
        False,
    ),
    "/no-content": (b"HTTP/1.1 204 No Content\r\n\r\n", False),
    # Left open by the server: the client itself must not send on them again.
    "/close": (b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx", False),
    "/http10": (b"HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\ny", False),
    "/to-eof": (b"HTTP/1.1 200 OK\r\n\r\nuntil the end", True),
    "/short": (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", True),
    "/garbage": (b"SSH-2.0-OpenSSH\r\n\r\n", True),
    "/silent": (b"", True),
}


class RawServer:
    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self.heads: list[bytes] = []
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn: socket.socket) -> None:
        reader = conn.makefile("rb")
        with conn, reader:
            while True:
                head = b""
                while not head.endswith(b"\r\n\r\n"):
                    line = reader.readline()
                    if not line:
                        return
                    head += line
                self.heads.append(head)
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        reader.read(int(line.split(b":")[1]))
                path = head.split(b" ")[1].decode().split("?")[0]
                answer, close = ANSWERS[path]
                conn.sendall(answer)
                if close:
                    return


@pytest.fixture
def server() -> Iterator[RawServer]:
    served = RawServer()
    yield served
    served.listener.close()


def get(
    http: KeepAliveHttp, server: RawServer, path: str, method: str = "GET"
) -> tuple[int, bytes]:
    answer = http.request(method, f"http://127.0.0.1:{server.port}{path}", timeout=5)
    return answer.status, answer.content


def test_bodies_by_length_chunks_and_to_the_end(server: RawServer) -> None:
    with KeepAliveHttp() as http:
        assert get(http, server, "/length") == (200, b"hello")
        assert get(http, server, "/chunked") == (201, b"scim+json!")
        assert get(http, server, "/interim") == (200, b"ok")
        assert get(http, server, "/no-content") == (204, b"")
        assert server.connections == 1, "one kept-alive connection for all four"
        assert get(http, server, "/to-eof") == (200, b"until the end")
        assert get(http, server, "/length") == (200, b"hello")
    assert server.connections == 2, "an answer read to the end closes its connection"


def test_headers_are_case_insensitive_repeated_ones_joined(server: RawServer) -> None:
    with KeepAliveHttp() as http:
        answer = http.request("GET", f"http://127.0.0.1:{server.port}/headers", timeout=5)
    assert answer.status == 429 and answer.header("retry-after") == "7"
    assert answer.header("VARY") == "a, b" and answer.header("x-folded") == "one two"


def test_connection_close_and_http_1_0_are_not_reused(server: RawServer) -> None:
    with KeepAliveHttp() as http:
        for path in ["/close", "/http10", "/length"]:
            get(http, server, path)
    assert server.connections == 3


def test_the_request_is_written_as_sent(server: RawServer) -> None:
    with KeepAliveHttp(headers={"User-Agent": "probe"}) as http:
        http.request(
            "POST",
            f"http://127.0.0.1:{server.port}/length",
            params={"filter": 'userName eq "a b"'},
            content=b"{}",
            headers={"Content-Type": "application/scim+json"},
            timeout=5,
        )
        get(http, server, "/length", method="PATCH")
    post, patch = server.heads
    lines = post.decode().split("\r\n")
    assert lines[0] == "POST /length?filter=userName+eq+%22a+b%22 HTTP/1.1"
    assert f"Host: 127.0.0.1:{server.port}" in lines and "User-Agent: probe" in lines
    assert "Content-Type: application/scim+json" in lines and "Content-Length: 2" in lines
    assert "Content-Length: 0" in patch.decode().split("\r\n"), "a bodiless PATCH says so"


def test_broken_answers_and_header_injection_are_wire_errors(server: RawServer) -> None:
    with KeepAliveHttp() as http:
        for path in ["/short", "/garbage", "/silent"]:
            with pytest.raises(WireError):
                get(http, server, path)
        with pytest.raises(WireError):
            http.request(
                "GET",
                f"http://127.0.0.1:{server.port}/length",
                headers={"Authorization": "Bearer x\r\nX-Injected: 1"},
                timeout=5,
            )
        assert get(http, server, "/length") == (200, b"hello")
    assert not any(b"X-Injected" in head for head in server.heads)
