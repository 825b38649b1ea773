"""One SCIM request and its answer as plain values, and the WSGI glue that turns layers of them into an app."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl

from werkzeug.test import EnvironBuilder

SCIM_JSON = "application/scim+json"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # below the Tenant URL: /Users, /Users/{id}, /Groups?...
    query: str
    headers: dict[str, str]  # lower-case names
    body: bytes = b""

    def json(self) -> Any:
        """The body as JSON; None when there is none or it is malformed (the server refuses it)."""
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None

    def with_json(self, document: Any) -> Request:
        return replace(self, body=json.dumps(document).encode())

    @property
    def params(self) -> dict[str, str]:
        return dict(parse_qsl(self.query))

    @property
    def resource(self) -> str:
        """Users or Groups (or another endpoint name)."""
        return self.path.strip("/").split("/")[0]

    @property
    def resource_id(self) -> str | None:
        parts = self.path.strip("/").split("/")
        return parts[1] if len(parts) > 1 else None


@dataclass
class Reply:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    def with_json(self, document: Any) -> Reply:
        return Reply(self.status, json.dumps(document).encode(), dict(self.headers))


Handler = Callable[[Request], Reply]
# A layer sees each request with the handler below it: it may change the request, answer it
# itself, or change what comes back.
Layer = Callable[[Request, Handler], Reply]


def scim_error(status: int, detail: str, scim_type: str | None = None) -> Reply:
    body: dict[str, Any] = {"schemas": [ERROR_SCHEMA], "status": str(status), "detail": detail}
    if scim_type:
        body["scimType"] = scim_type
    return Reply(status, json.dumps(body).encode(), {"content-type": SCIM_JSON})


def wsgi_handler(app: Any) -> Handler:
    """Calls a WSGI app (mounted at the root) with a Request."""

    def handle(request: Request) -> Reply:
        builder = EnvironBuilder(
            path=request.path,
            method=request.method,
            query_string=request.query,
            headers=list(request.headers.items()),
            data=request.body,
        )
        captured: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], *_: Any) -> Any:
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        body = b"".join(app(builder.get_environ(), start_response))
        headers = {k.lower(): v for k, v in captured["headers"] if k.lower() != "content-length"}
        return Reply(int(captured["status"].split()[0]), body, headers)

    return handle


def stacked(handler: Handler, *layers: Layer) -> Handler:
    """The handler with layers around it, the first outermost."""
    for layer in reversed(layers):
        handler = (lambda inner, lay: lambda request: lay(request, inner))(handler, layer)
    return handler


def wsgi_app(handler: Handler, base_path: str) -> Callable[..., Iterable[bytes]]:
    """A WSGI app serving `handler` under base_path (the Tenant URL's path)."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(base_path):
            start_response("404 Not Found", [("Content-Type", "text/html")])
            return [b"<html><body>Not Found</body></html>"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        request = Request(
            environ["REQUEST_METHOD"],
            path[len(base_path) :] or "/",
            environ.get("QUERY_STRING", ""),
            headers,
            environ["wsgi.input"].read(length) if length else b"",
        )
        reply = handler(request)
        reason = {200: "OK", 201: "Created", 204: "No Content"}.get(reply.status, "Status")
        headers_out = [(k.title(), v) for k, v in reply.headers.items()]
        headers_out.append(("Content-Length", str(len(reply.body))))
        start_response(f"{reply.status} {reason}", headers_out)
        return [reply.body]

    return app
