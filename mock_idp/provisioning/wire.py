"""The provisioning service's HTTP seam: kept-alive HTTP/1.1 connections, or an httpx client."""

# A cycle sends tens of thousands of requests from one process; httpx spent ~480 µs of CPU per
# request where a kept-alive TLS connection written directly spends ~70 µs (http.client ~145;
# measured against the same gunicorn SCIM endpoint), so the engine sends through this small
# client. httpx stays where a client must honour proxies and compression (check-scim against
# real endpoints).

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol, Self
from urllib.parse import quote, urlencode, urlsplit

import httpx

from .http11 import Connection, ProtocolError

# Characters a request target keeps as they are (RFC 3986 pchar, "/" and existing escapes).
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


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


Route = Callable[[str], tuple[str, int] | None]
Origin = tuple[str, str, int]  # scheme, host, port


class KeepAliveHttp(_Closing):
    """HTTP/1.1 with idle connections kept per origin for the next request (http11.py).

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
        self.headers = list((headers or {}).items())
        self._idle: dict[Origin, list[Connection]] = {}
        self._lock = threading.Lock()
        self._closed = False

    def _connection(self, origin: Origin, timeout: float) -> Connection:
        with self._lock:
            idle = self._idle.get(origin)
            while idle:
                connection = idle.pop()
                if connection.idle_and_open():
                    return connection
                connection.close()
        scheme, host, port = origin
        address = (self.route(host) if self.route else None) or (host, port)
        if scheme == "https":
            return Connection(address, timeout, self.context, host)
        return Connection(address, timeout)

    def _release(self, origin: Origin, connection: Connection) -> None:
        with self._lock:
            if not self._closed:
                self._idle.setdefault(origin, []).append(connection)
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
        query = urlencode(params) if params else quote(parts.query, safe=_QUERY_SAFE)
        if query:
            target += "?" + query
        # As httpx sends it: the URL's host, with its port when not the scheme's default.
        name = f"[{host}]" if ":" in host else host
        sent = [("Host", name if port == default_port else f"{name}:{port}"), *self.headers]
        sent += (headers or {}).items()
        if not any(key.lower() == "accept-encoding" for key, _ in sent):
            sent.append(("Accept-Encoding", "identity"))  # nothing here decompresses
        origin = (scheme, host, port)
        connection: Connection | None = None
        try:
            connection = self._connection(origin, timeout)
            answer = connection.exchange(method, target, sent, content, timeout)
        except TimeoutError as error:
            if connection is not None:
                connection.close()
            raise WireTimeout(str(error) or "timed out") from None
        except (OSError, ValueError, ProtocolError) as error:
            if connection is not None:
                connection.close()
            raise WireError(str(error) or type(error).__name__) from None
        except BaseException:
            if connection is not None:
                connection.close()
            raise
        if answer.reusable:
            self._release(origin, connection)
        else:
            connection.close()
        return WireResponse(answer.status, answer.headers, answer.body)

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
