"""Web layer of the tenant: one thin Flask app per Microsoft host, all backed by one Tenant."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask

from ..tenant import Tenant

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def flask_app(name: str, tenant: Tenant) -> Flask:
    app = Flask(name, template_folder=str(TEMPLATES))
    app.config["TENANT"] = tenant
    return app


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
