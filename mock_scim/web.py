"""The thin WSGI app of a SCIM endpoint: parse, call the protocol once, serialise; errors mapped here."""

# A plain WSGI callable rather than a Flask app: the endpoint has one route and no templates, and
# Flask's request context, routing and response finalising cost more per request than the SCIM
# filter itself (bench/scim.py, pyinstrument: about 2/3 of a filter GET). Every other mock page
# stays Flask; this one is what load tests drive.

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

from scim2_models import NotFoundException, PayloadTooLargeException, SCIMException
from werkzeug.wsgi import get_input_stream

from mock_kernel.clock import saml_instant

from .errors import MethodNotAllowedException, error_response
from .requests import ScimRequest, ScimResponse
from .target import ScimTarget

SCIM_JSON = "application/scim+json"
# RFC 7644 §3.12: 413 when the payload is larger than the server accepts. Entra sends one
# resource a request (a few KB; a group PATCH adds members in batches), so 2 MB is ample.
MAX_BODY_BYTES = 2 * 1024 * 1024
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
ALLOW = ", ".join((*METHODS, "HEAD", "OPTIONS"))
DEFAULT_PORTS = {"http": "80", "https": "443"}
log = logging.getLogger(__name__)

Headers = tuple[tuple[str, str], ...]
StartResponse = Callable[..., Any]


def _text(value: str) -> str:
    """A WSGI string (PEP 3333: bytes as latin-1) as the UTF-8 text the client sent."""
    return value.encode("latin-1").decode("utf-8", "replace")


def _headers(environ: dict[str, Any]) -> dict[str, str]:
    """The request headers by lower-case name, read straight from the WSGI environ (PEP 3333)."""
    headers = {
        key[5:].replace("_", "-").lower(): value
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").lower()] = environ[key]
    return headers


def _logged_headers(headers: dict[str, str]) -> Headers:
    """Headers as the request log shows them: `Content-Type`, `Authorization`, …"""
    return tuple((name.title(), value) for name, value in headers.items())


def _query(environ: dict[str, Any]) -> dict[str, str]:
    """The query parameters, the first value of a repeated name winning."""
    query: dict[str, str] = {}
    for name, value in parse_qsl(_text(environ.get("QUERY_STRING", "")), keep_blank_values=True):
        query.setdefault(name, value)
    return query


def _host(environ: dict[str, Any]) -> str:
    """The Host the client named (RFC 9110 §7.2), without the scheme's default port."""
    scheme = environ.get("wsgi.url_scheme", "http")
    host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
    name, _, port = host.rpartition(":")
    if name and "]" not in port and port == DEFAULT_PORTS.get(scheme):
        return name
    return str(host)


def _read_body(environ: dict[str, Any], limit: int) -> tuple[bytes, bool]:
    """The body, unless it is longer than `limit`: then (what was read, True) and no more is read
    (a declared Content-Length is refused before reading, a chunked body after limit + 1 bytes)."""
    try:
        declared = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return b"", True
    body = get_input_stream(environ).read(limit + 1)
    return (body, False) if len(body) <= limit else (body[:limit], True)


def _wire(response: ScimResponse) -> tuple[str, list[tuple[str, str]], bytes]:
    """RFC 7644 §3.1: every body is application/scim+json (an empty 200/204/304 has none)."""
    body = b"" if response.body is None else json.dumps(response.body).encode()
    headers = list(response.headers.items())
    if response.body is not None:
        headers.append(("Content-Type", SCIM_JSON))
    headers.append(("Content-Length", str(len(body))))
    try:
        phrase = HTTPStatus(response.status).phrase
    except ValueError:
        phrase = ""
    return f"{response.status} {phrase}".rstrip(), headers, body


class ScimApp:
    """https://<vendor SCIM host>/<tenant URL path>/…: the endpoint of mock_scim.service."""

    def __init__(self, target: ScimTarget) -> None:
        self.target = target
        self.base = target.base_path

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        path = _text(environ.get("PATH_INFO", "")) or "/"
        headers = _headers(environ)
        body, too_large = _read_body(environ, MAX_BODY_BYTES)
        if too_large:
            log.info("SCIM %s %s: 413 body over %d bytes", method, path, MAX_BODY_BYTES)
            response = error_response(
                PayloadTooLargeException(detail=f"the body is larger than {MAX_BODY_BYTES} bytes")
            )
        else:
            response = self.respond(environ, method, path, headers, body)
        status, response_headers, content = _wire(response)
        self.record(
            environ, method, path, headers, body, response.status, response_headers, content
        )
        start_response(status, response_headers)
        # HEAD is GET without the body (RFC 9110 §9.3.2); Content-Length stays the GET's.
        return [b""] if method == "HEAD" else [content]

    def respond(
        self, environ: dict[str, Any], method: str, path: str, headers: dict[str, str], body: bytes
    ) -> ScimResponse:
        base = self.base
        if path != base and not path.startswith(base + "/"):
            return error_response(NotFoundException(detail=f"no SCIM endpoint {path}"))
        if method == "OPTIONS":
            return ScimResponse(200, headers={"Allow": ALLOW})
        try:
            if method not in METHODS and method != "HEAD":
                raise MethodNotAllowedException()
            scim_request = ScimRequest(
                method=method,
                path=path[len(base) :] or "/",
                base_url=f"{environ.get('wsgi.url_scheme', 'http')}://{_host(environ)}{base}",
                query=_query(environ),
                headers=headers,
                body=body,
            )
            return self.target.service.handle(scim_request)
        except SCIMException as error:
            log.info(
                "SCIM %s %s: %s %s %s",
                method,
                path,
                error.status,
                error.scim_type or "-",
                error.detail,
            )
            return error_response(error)
        except Exception as error:
            log.exception("SCIM %s %s failed", method, path)
            failure = SCIMException(detail=f"internal error: {type(error).__name__}: {error}")
            failure.status = 500
            return error_response(failure)

    def record(
        self,
        environ: dict[str, Any],
        method: str,
        path: str,
        headers: dict[str, str],
        body: bytes,
        status: int,
        response_headers: list[tuple[str, str]],
        content: bytes,
    ) -> None:
        target = self.target
        query = environ.get("QUERY_STRING")
        # The URL as the client sent it (its query string undecoded).
        script = _text(environ.get("SCRIPT_NAME", ""))
        url = f"{environ.get('wsgi.url_scheme', 'http')}://{_host(environ)}{script}{path}"
        target.log.record(
            saml_instant(target.clock.now()),
            method,
            f"{url}?{query}" if query else url,
            _logged_headers(headers),
            body,
            status,
            tuple(response_headers),
            content,
        )


def create_scim_app(target: ScimTarget) -> ScimApp:
    return ScimApp(target)
