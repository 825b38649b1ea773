"""The thin Flask app of a SCIM endpoint: parse, call the protocol once, serialise; errors mapped here."""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Flask, Response, request
from scim2_models import NotFoundException, SCIMException
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from harness.clock import saml_instant

from .errors import MethodNotAllowedException, error_response
from .requests import ScimRequest, ScimResponse
from .target import ScimTarget

SCIM_JSON = "application/scim+json"
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
log = logging.getLogger(__name__)


def _wire(response: ScimResponse) -> Response:
    """RFC 7644 §3.1: every body is application/scim+json (an empty 200/204/304 has none)."""
    body = b"" if response.body is None else json.dumps(response.body).encode()
    wire = Response(body, status=response.status, headers=response.headers)
    if response.body is not None:
        wire.content_type = SCIM_JSON
    return wire


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


def create_scim_app(target: ScimTarget) -> Flask:
    """https://<vendor SCIM host>/<tenant URL path>/…: the endpoint of mock_scim.service."""
    app = Flask(f"{target.key}-scim")
    base = target.base_path

    @app.route(f"{base}", defaults={"rest": ""}, methods=METHODS)
    @app.route(f"{base}/<path:rest>", methods=METHODS)
    def scim(rest: str) -> Response:
        scim_request = ScimRequest(
            method=request.method,
            path="/" + rest,
            base_url=f"{request.scheme}://{request.host}{base}",
            query=request.args.to_dict(flat=True),
            headers=_headers(request.environ),
            body=request.get_data(),
        )
        return _wire(target.service.handle(scim_request))

    @app.errorhandler(SCIMException)
    def scim_error(error: SCIMException) -> Response:
        log.info(
            "SCIM %s %s: %s %s %s",
            request.method,
            request.path,
            error.status,
            error.scim_type or "-",
            error.detail,
        )
        return _wire(error_response(error))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        if isinstance(error, MethodNotAllowed):
            return _wire(error_response(MethodNotAllowedException()))
        if error.code == 404:
            return _wire(
                error_response(NotFoundException(detail=f"no SCIM endpoint {request.path}"))
            )
        failure = SCIMException(detail=error.description)
        failure.status = error.code or 500
        return _wire(error_response(failure))

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        log.exception("SCIM %s %s failed", request.method, request.path)
        failure = SCIMException(detail=f"internal error: {type(error).__name__}: {error}")
        failure.status = 500
        return _wire(error_response(failure))

    @app.after_request
    def record(response: Response) -> Response:
        environ = request.environ
        query = environ.get("QUERY_STRING")
        # The URL as the client sent it (its query string undecoded).
        url = f"{request.scheme}://{request.host}{environ.get('SCRIPT_NAME', '')}{request.path}"
        target.log.record(
            saml_instant(target.clock.now()),
            request.method,
            f"{url}?{query}" if query else url,
            tuple(request.headers.items()),
            request.get_data(),
            response.status_code,
            tuple(response.headers.items()),
            response.get_data(),
        )
        return response

    return app
