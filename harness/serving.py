"""Serving mocks over HTTPS on local ports in threads, each dispatching by Host header."""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class HostDispatcher:
    """Routes a request to the app of its Host; /healthz and /_mock/ go to the control app."""

    def __init__(
        self, by_host: dict[str, WSGIApp], control: WSGIApp, default: WSGIApp | None = None
    ):
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


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:  # request logs are the mocks' job
        pass


class ServedApp:
    """One WSGI app on 127.0.0.1 (port 0 picks a free port), served by a daemon thread."""

    def __init__(
        self,
        name: str,
        app: WSGIApp,
        ssl_context: ssl.SSLContext | None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.name = name
        self.server: BaseWSGIServer = make_server(
            host,
            port,
            app,
            threaded=True,
            ssl_context=ssl_context,
            request_handler=_QuietHandler,
        )
        self.thread = threading.Thread(
            target=self.server.serve_forever, name=f"serve-{name}", daemon=True
        )

    @property
    def port(self) -> int:
        return self.server.server_port

    def start(self) -> ServedApp:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
