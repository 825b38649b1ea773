"""The provisioning service's HTTP seam: kept-alive HTTP/1.1 connections, or an httpx client."""

# A cycle sends tens of thousands of requests from one process; httpx spent ~480 µs of CPU per
# request where http.client on a kept-alive TLS connection spends ~160 µs (measured against the
# same gunicorn SCIM endpoint), so the engine sends through this small client. httpx stays
# where a client must honour proxies and compression (check-scim against real endpoints).

from __future__ import annotations

import http.client
import json
import select
import ssl
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol, Self
from urllib.parse import quote, urlencode, urlsplit

import httpx

# Characters a request target keeps as they are (RFC 3986 pchar, "/" and existing escapes).
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"


class WireTimeout(Exception):
    """The target did not connect, accept or answer within the request's timeout."""


class WireError(Exception):
    """The request did not get an HTTP answer: refused, reset, TLS failure, malformed reply."""


@dataclass(frozen=True, slots=True)
class WireResponse:
    """An HTTP answer: status, headers (names lower-cased), the whole body."""

    status: int
    headers: Mapping[str, str]
    content: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def text(self) -> str:
        charset = "utf-8"
        for part in (self.header("content-type") or "").split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                charset = value.strip('"')
        try:
            return self.content.decode(charset, "replace")
        except LookupError:
            return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.content)


class ScimHttp(Protocol):
    """What the provisioning service needs from an HTTP client; usable by one thread or many."""

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float,
    ) -> WireResponse: ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...


class _Closing:
    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        raise NotImplementedError


class _RoutedHttps(http.client.HTTPSConnection):
    """TLS to `address`, with SNI and the certificate checked against `name` (the URL's host)."""

    def __init__(
        self, name: str, address: tuple[str, int], context: ssl.SSLContext, timeout: float
    ) -> None:
        super().__init__(address[0], address[1], timeout=timeout, context=context)
        self.name = name

    def connect(self) -> None:
        http.client.HTTPConnection.connect(self)  # TCP, with TCP_NODELAY
        self.sock = self._context.wrap_socket(  # type: ignore[attr-defined]
            self.sock, server_hostname=self.name
        )


Route = Callable[[str], tuple[str, int] | None]


class KeepAliveHttp(_Closing):
    """HTTP/1.1 over http.client with idle connections kept per origin for the next request.

    `route` sends a host name to another address (the harness's host map: the tutorials' URLs
    served on 127.0.0.1); the Host header, SNI and certificate check keep the URL's name."""

    def __init__(
        self,
        *,
        route: Route | None = None,
        ssl_context: ssl.SSLContext | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.route = route
        self.context = ssl_context or ssl.create_default_context()
        self.headers = dict(headers or {})
        self._idle: dict[tuple[str, str, int], list[http.client.HTTPConnection]] = {}
        self._lock = threading.Lock()
        self._closed = False

    def _connection(
        self, scheme: str, host: str, port: int, timeout: float
    ) -> http.client.HTTPConnection:
        with self._lock:
            idle = self._idle.get((scheme, host, port))
            while idle:
                connection = idle.pop()
                sock = connection.sock
                # An idle connection the server closed (or wrote to) is readable: not reusable.
                if sock is not None and not select.select([sock], [], [], 0)[0]:
                    return connection
                connection.close()
        address = (self.route(host) if self.route else None) or (host, port)
        if scheme == "https":
            return _RoutedHttps(host, address, self.context, timeout)
        return http.client.HTTPConnection(address[0], address[1], timeout=timeout)

    def _release(self, key: tuple[str, str, int], connection: http.client.HTTPConnection) -> None:
        with self._lock:
            if not self._closed:
                self._idle.setdefault(key, []).append(connection)
                return
        connection.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float,
    ) -> WireResponse:
        parts = urlsplit(url)
        scheme, host = parts.scheme.lower(), parts.hostname or ""
        if scheme not in ("http", "https") or not host:
            raise WireError(f"not an http(s) URL: {url}")
        default_port = 443 if scheme == "https" else 80
        try:
            port = parts.port or default_port
        except ValueError as error:
            raise WireError(str(error)) from None
        target = quote(parts.path or "/", safe=_PATH_SAFE)
        query = urlencode(params) if params else parts.query
        if query:
            target += "?" + query
        # As httpx sends it: the URL's host, with its port when not the scheme's default.
        sent = {"Host": host if port == default_port else f"{host}:{port}", **self.headers}
        sent.update(headers or {})
        connection = self._connection(scheme, host, port, timeout)
        try:
            if connection.sock is not None:
                connection.sock.settimeout(timeout)
            connection.timeout = timeout
            connection.request(method, target, body=content, headers=sent)
            answer = connection.getresponse()
            body = answer.read()
        except TimeoutError as error:
            connection.close()
            raise WireTimeout(str(error) or "timed out") from None
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            raise WireError(str(error) or type(error).__name__) from None
        except BaseException:
            connection.close()
            raise
        response = WireResponse(answer.status, {k.lower(): v for k, v in answer.getheaders()}, body)
        if answer.will_close:
            connection.close()
        else:
            self._release((scheme, host, port), connection)
        return response

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle = [c for connections in self._idle.values() for c in connections]
            self._idle.clear()
        for connection in idle:
            connection.close()


class HttpxWire(_Closing):
    """The seam over an httpx client (environment proxies, compressed answers)."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float,
    ) -> WireResponse:
        try:
            response = self.client.request(
                method,
                url,
                params=dict(params) if params else None,
                content=content,
                headers=dict(headers or {}),
                timeout=timeout,
            )
        except httpx.TimeoutException as error:
            raise WireTimeout(str(error) or "timed out") from None
        except httpx.TransportError as error:
            raise WireError(str(error) or type(error).__name__) from None
        return WireResponse(
            response.status_code,
            {k.lower(): v for k, v in response.headers.items()},
            response.content,
        )

    def close(self) -> None:
        self.client.close()
