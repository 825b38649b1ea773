"""One HTTP/1.1 client connection (RFC 9112): a request written whole, the response read back."""

# Written on the socket rather than through http.client: its email-package header parsing and
# per-header calls cost about as much CPU as the TLS exchange itself (measured 70 µs against
# 145 µs a request to the same gunicorn endpoint), and a cycle sends two requests a user.

from __future__ import annotations

import select
import socket
import ssl
from dataclasses import dataclass
from typing import BinaryIO

MAX_LINE = 65536  # as http.client: a longer status or header line is refused
MAX_HEADERS = 100
_BODYLESS_METHODS = {"HEAD"}
_BODY_METHODS = {"POST", "PUT", "PATCH"}  # send Content-Length: 0 without content, as browsers do


class ProtocolError(Exception):
    """The server's answer is not HTTP/1.x, or the connection ended in the middle of it."""


@dataclass(slots=True)
class Answer:
    """Status, headers (lower-case names, repeated ones joined by ", "), body, and whether the
    connection may carry another request."""

    status: int
    headers: dict[str, str]
    body: bytes
    reusable: bool


def _has_token(value: str | None, token: str) -> bool:
    return value is not None and token in (t.strip().lower() for t in value.split(","))


class Connection:
    """A TCP (and TLS) connection to `address`; with TLS, SNI and the certificate check use
    `server_name` (the URL's host, also when the host map sends it to 127.0.0.1)."""

    def __init__(
        self,
        address: tuple[str, int],
        timeout: float,
        context: ssl.SSLContext | None = None,
        server_name: str | None = None,
    ) -> None:
        raw = socket.create_connection(address, timeout)
        try:
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.sock: socket.socket = (
                context.wrap_socket(raw, server_hostname=server_name) if context else raw
            )
        except BaseException:
            raw.close()
            raise
        self.reader: BinaryIO = self.sock.makefile("rb")

    def idle_and_open(self) -> bool:
        """Whether the connection can take a request: a kept-alive connection that the server
        closed (or wrote to unasked) reads as ready, and is not reused."""
        if isinstance(self.sock, ssl.SSLSocket) and self.sock.pending():
            return False
        return not select.select([self.sock], [], [], 0)[0]

    def close(self) -> None:
        self.reader.close()
        self.sock.close()

    def exchange(
        self,
        method: str,
        target: str,
        headers: list[tuple[str, str]],
        content: bytes | None,
        timeout: float,
    ) -> Answer:
        self.sock.settimeout(timeout)
        lines = [f"{method} {target} HTTP/1.1"]
        for name, value in headers:
            if "\r" in value or "\n" in value or "\r" in name or "\n" in name or ":" in name:
                raise ValueError(f"invalid header {name!r}")  # no header injection
            lines.append(f"{name}: {value}")
        if content is not None:
            lines.append(f"Content-Length: {len(content)}")
        elif method in _BODY_METHODS:
            lines.append("Content-Length: 0")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.sock.sendall(head + content if content else head)
        return self._read_answer(method)

    def _line(self) -> bytes:
        line = self.reader.readline(MAX_LINE + 1)
        if len(line) > MAX_LINE:
            raise ProtocolError("a line of the answer is too long")
        return line

    def _read_answer(self, method: str) -> Answer:
        while True:
            status_line = self._line()
            if not status_line:
                raise ProtocolError("the server closed the connection without an answer")
            version, _, rest = status_line.decode("latin-1").partition(" ")
            code = rest[:3]
            if not version.startswith("HTTP/1.") or not code.isdigit():
                raise ProtocolError(f"not an HTTP/1.x status line: {status_line[:80]!r}")
            status = int(code)
            headers = self._read_headers()
            if not 100 <= status < 200 or status == 101:
                break  # an interim 1xx answer is followed by the final one
        if method in _BODYLESS_METHODS or status in (204, 304) or 100 <= status < 200:
            body, until_close = b"", False
        elif _has_token(headers.get("transfer-encoding"), "chunked"):
            body, until_close = self._read_chunked(), False
        elif (length := headers.get("content-length")) is not None:
            if not length.strip().isdigit():
                raise ProtocolError(f"Content-Length {length!r}")
            body, until_close = self._read_exactly(int(length)), False
        else:
            body, until_close = self.reader.read(), True
        keep = (
            not _has_token(headers.get("connection"), "close")
            if version == "HTTP/1.1"
            else _has_token(headers.get("connection"), "keep-alive")
        )
        return Answer(status, headers, body, keep and not until_close)

    def _read_headers(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        last: str | None = None
        for _ in range(MAX_HEADERS + 1):
            line = self._line()
            if line in (b"\r\n", b"\n"):
                return headers
            if not line:
                raise ProtocolError("the connection ended within the headers")
            text = line.decode("latin-1").rstrip("\r\n")
            if text[:1] in (" ", "\t") and last is not None:  # obsolete line folding
                headers[last] += " " + text.strip()
                continue
            name, colon, value = text.partition(":")
            if not colon:
                raise ProtocolError(f"not a header line: {text[:80]!r}")
            last = name.strip().lower()
            value = value.strip()
            headers[last] = f"{headers[last]}, {value}" if last in headers else value
        raise ProtocolError(f"more than {MAX_HEADERS} headers")

    def _read_exactly(self, length: int) -> bytes:
        data = self.reader.read(length)
        if len(data) != length:
            raise ProtocolError(f"the body ended after {len(data)} of {length} bytes")
        return data

    def _read_chunked(self) -> bytes:
        chunks = []
        while True:
            size_text = self._line().split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise ProtocolError(f"chunk size {size_text[:20]!r}") from None
            if size == 0:
                break
            chunks.append(self._read_exactly(size))
            self._read_exactly(2)  # the CRLF after the chunk
        while self._line() not in (b"\r\n", b"\n", b""):  # trailer fields, unused
            pass
        return b"".join(chunks)
