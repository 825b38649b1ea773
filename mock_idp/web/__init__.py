"""Web layer of the tenant: one thin Flask app per Microsoft host, all backed by one Tenant."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, request
from markupsafe import escape
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from mock_kernel.limits import apply_request_limits

from ..tenant import Tenant

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
log = logging.getLogger(__name__)


def flask_app(name: str, tenant: Tenant) -> Flask:
    """A tenant host's app: bounded requests (mock_kernel.limits) and the pages' error mapping;
    an app answering JSON (Graph, the admin API) registers its own over it."""
    app = apply_request_limits(Flask(name, template_folder=str(TEMPLATES)))
    app.config["TENANT"] = tenant
    register_page_errors(app)
    return app


def register_page_errors(app: Flask) -> None:
    """The one place a page host's errors meet the wire: a short page with the status, each
    logged (the traceback for the unexpected)."""

    def page(status: int, title: str, text: str) -> Response:
        html = f"<!doctype html><title>{escape(title)}</title><h1>{escape(title)}</h1>"
        return Response(f"{html}<p>{escape(text)}</p>", status, content_type="text/html")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        log.info("%s %s %s: %s", app.name, request.method, request.path, status)
        return page(status, error.name, error.description or "")

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        log.exception("%s %s %s failed", app.name, request.method, request.path)
        return page(500, "Internal Server Error", f"{type(error).__name__}")


@dataclass
class TenantWeb:
    """The WSGI apps of the tenant by host name, plus its /_mock control app."""

    by_host: dict[str, Any]
    control: Any


def create_tenant_web(tenant: Tenant, enable_control: bool = True) -> TenantWeb:
    from .admin_center import create_admin_center_app
    from .control import create_tenant_control_app
    from .graph import create_graph_app
    from .login import create_login_app
    from .myapps import create_launcher_app, create_myapps_app

    return TenantWeb(
        by_host={
            "login.microsoftonline.com": create_login_app(tenant),
            "myapps.microsoft.com": create_myapps_app(tenant),
            "launcher.myapps.microsoft.com": create_launcher_app(tenant),
            "graph.microsoft.com": create_graph_app(tenant),
            "entra.microsoft.com": create_admin_center_app(tenant),
        },
        control=create_tenant_control_app(tenant, enabled=enable_control),
    )
