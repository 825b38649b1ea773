"""Serving mocks over HTTPS on local ports in threads, each dispatching by Host header.

cheroot (CherryPy's WSGI server) keeps connections alive over TLS; werkzeug's development
server closes every connection, which costs a TLS handshake per request (12 ms against 0.5 ms
here), on every redirect of every browser sign-in.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from cheroot import wsgi
from cheroot.ssl.builtin import BuiltinSSLAdapter

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class HostDispatcher:
    """Routes a request to the app of its Host; /healthz and /_mock/ go to the control app."""

    def __init__(
        self, by_host: dict[str, WSGIApp], control: WSGIApp, default: WSGIApp | None = None
    ) -> None:
        self.by_host = by_host
        self.control = control
        self.default = default

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/healthz" or path.startswith("/_mock/"):
            return self.control(environ, start_response)
        host = environ.get("HTTP_HOST", "").rsplit(":", 1)[0].lower()
        app = self.by_host.get(host) or self.default
        if app is None:
            if len(self.by_host) == 1:
                app = next(iter(self.by_host.values()))
            else:
                start_response("404 Not Found", [("Content-Type", "text/plain")])
                known = ", ".join(sorted(self.by_host))
                return [f"No site for host {host!r} here; this server serves {known}.\n".encode()]
        return app(environ, start_response)


class ServicesByHost:
    """Several mocks behind one server, each picked by Host with its own /_mock controls: the
    imported gallery apps (issue 18) share one port instead of one server each."""

    def __init__(self, services: list[HostDispatcher]) -> None:
        self.by_host = {host: service for service in services for host in service.by_host}

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        host = environ.get("HTTP_HOST", "").rsplit(":", 1)[0].lower()
        service = self.by_host.get(host)
        if service is not None:
            return service(environ, start_response)
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok\n"]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [f"No site for host {host!r} here.\n".encode()]


class ServedApp:
    """One WSGI app on 127.0.0.1 (port 0 picks a free port), served by a daemon thread."""

    def __init__(
        self,
        name: str,
        app: WSGIApp,
        tls: tuple[Path, Path] | None,
        host: str = "127.0.0.1",
        port: int = 0,
        threads: int = 16,
    ) -> None:
        self.name = name
        # cheroot's default listen backlog is 5: two dozen simultaneous connections overflow it
        # and the dropped ones stall in their TLS handshake for seconds (httpx's 5 s timeout).
        self.server = wsgi.Server(
            (host, port), app, numthreads=threads, server_name=name, request_queue_size=128
        )
        if tls is not None:
            certificate, key = tls
            self.server.ssl_adapter = BuiltinSSLAdapter(str(certificate), str(key))
        self.server.prepare()  # binds now, so the port is known before start()
        self.thread = threading.Thread(target=self.server.serve, name=f"serve-{name}", daemon=True)

    @property
    def port(self) -> int:
        return int(self.server.bind_addr[1])

    def start(self) -> ServedApp:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.stop()
        self.thread.join(timeout=5)
