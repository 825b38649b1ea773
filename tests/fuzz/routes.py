"""The fuzz tier's map of the running stack: every route of every mock's apps (their url_maps, and
the SCIM endpoints' own paths), with the values its path parameters can take (issue 17)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask
from werkzeug.routing import Rule

from harness.serving.stack import Stack

# The SCIM endpoint is a plain WSGI callable (mock_scim.web): its routes, relative to the base.
SCIM_ROUTES = (
    ("/Users", ("GET", "POST")),
    ("/Users/<id>", ("GET", "PUT", "PATCH", "DELETE")),
    ("/Groups", ("GET", "POST")),
    ("/Groups/<id>", ("GET", "PUT", "PATCH", "DELETE")),
    ("/.search", ("POST",)),
    ("/Users/.search", ("POST",)),
    ("/ServiceProviderConfig", ("GET",)),
    ("/ResourceTypes", ("GET",)),
    ("/Schemas", ("GET",)),
)


@dataclass(frozen=True)
class Route:
    """One route of one app: which server, which host to name, its rule and methods."""

    service: str
    host: str
    app_name: str
    rule: str
    methods: tuple[str, ...]
    arguments: tuple[str, ...]
    json_api: bool  # errors must be JSON (Graph, admin API, controls, console API, SCIM)
    scim: bool = False

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.service, self.app_name, self.rule)


def _json_api(host: str, rule: str, control: bool) -> bool:
    return (
        control
        or host == "graph.microsoft.com"
        or rule.startswith("/api/")
        or rule == "/common/GetCredentialType"
        # The OAuth token endpoint answers errors as JSON, as Entra's does (token_endpoint.py).
        or rule.endswith("/oauth2/v2.0/token")
    )


def stack_routes(stack: Stack) -> list[Route]:
    """Every route the stack serves, read from the apps' route tables."""
    webs: list[tuple[str, Any]] = [("tenant", stack.tenant_web), *stack.vendor_webs.items()]
    routes: list[Route] = []
    for service, web in webs:
        first_host = next(iter(web.by_host))
        seen: set[int] = set()
        apps = [(host, app, False) for host, app in web.by_host.items()]
        for host, app, control in [*apps, (first_host, web.control, True)]:
            if id(app) in seen:
                continue
            seen.add(id(app))
            if isinstance(app, Flask):
                routes += [
                    _flask_route(service, host, app, rule, control)
                    for rule in app.url_map.iter_rules()
                    if rule.endpoint != "static"
                ]
            else:  # the SCIM endpoint
                base = app.base
                routes += [
                    Route(
                        service,
                        host,
                        "scim",
                        base + path,
                        methods,
                        ("id",) * ("<id>" in path),
                        True,
                        scim=True,
                    )
                    for path, methods in SCIM_ROUTES
                ]
    return routes


def _flask_route(service: str, host: str, app: Flask, rule: Rule, control: bool) -> Route:
    methods = tuple(sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}))
    return Route(
        service,
        host,
        app.name,
        rule.rule,
        methods,
        tuple(sorted(rule.arguments)),
        _json_api(host, rule.rule, control),
    )


def path_values(stack: Stack) -> dict[str, Callable[[], list[str]]]:
    """The real values of each path parameter now (a new parameter name needs an entry here:
    the coverage test fails until it has one)."""
    tenant = stack.tenant

    def apps() -> list[Any]:
        return list(tenant.apps.values())

    def jobs() -> list[Any]:
        return list(tenant.provisioning.jobs.values())

    return {
        "app_id": lambda: [a.app_id for a in apps()],
        "object_id": lambda: (
            [a.object_id for a in apps()]
            + [a.application_object_id for a in apps()]
            + list(tenant.directory.users)
        ),
        "id_or_upn": lambda: (
            [u.user_principal_name for u in tenant.directory.users.values()]
            + list(tenant.directory.users)
        ),
        "group_id": lambda: list(tenant.directory.groups),
        "member_id": lambda: list(tenant.directory.users),
        "assignment_id": lambda: [x.id for a in apps() for x in a.assignments],
        "policy_id": lambda: list(tenant.claims_mapping_policies),
        "job_id": lambda: [j.id for j in jobs()],
        "entry_id": lambda: [str(e.get("id", "")) for e in list(tenant.provisioning.logs)[:5]],
        "template_id": lambda: [g.template_id for g in tenant.gallery.values()],
        "thumbprint": lambda: [c.thumbprint for a in apps() for c in a.certificates],
        "kind": lambda: ["base64", "raw", "metadata"],
        "claim_type": lambda: [r.claim_type for a in apps() for r in a.claims.rules][:5],
        "key": lambda: [c.key for v in stack.vendors.values() for c in v.app.sso.consoles],
        "depth": lambda: ["0", "1", "2"],
        "region": lambda: [r.key for v in stack.vendors.values() for r in v.app.sso.regions],
        "resource_type": lambda: ["User", "Group"],
        "name": lambda: [a.display_name for a in apps()],
        "id": lambda: [],  # SCIM ids: filled from the store by the driver
    }
