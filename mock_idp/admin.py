"""Administration of the tenant (users, gallery apps, SAML settings, assignments); no Flask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .certificates import DEFAULT_LIFETIME, SigningCertificate
from .directory import User
from .enterprise_apps import Assignment, EnterpriseApp, ReplyUrl
from .tenant import Tenant


@dataclass
class AdminError(Exception):
    """A refused admin operation, with the Graph error code it maps to."""

    code: str
    message: str
    status: int = 400


def create_user(tenant: Tenant, **properties: object) -> User:
    with tenant.lock:
        try:
            return tenant.directory.add_user(User(**properties))  # type: ignore[arg-type]
        except ValueError as error:
            raise AdminError("Request_BadRequest", str(error)) from None


def add_gallery_app(tenant: Tenant, template_id: str, display_name: str | None) -> EnterpriseApp:
    """Enterprise applications > New application > (gallery app) > Create.

    Docs (8x8, Genesys tutorials): an app whose identifier is a fixed string can be added once per
    tenant, because a second one could not have a distinct Identifier.
    """
    template = next((g for g in tenant.gallery.values() if g.template_id == template_id), None)
    if template is None:
        raise AdminError(
            "Request_ResourceNotFound", f"Resource '{template_id}' does not exist.", 404
        )
    with tenant.lock:
        if template.sso.fixed_identifier and any(
            a.gallery_key == template.key for a in tenant.apps.values()
        ):
            raise AdminError(
                "Request_BadRequest",
                f"The application '{template.name}' is already added to this tenant; "
                "it has a fixed identifier and can be added only once.",
            )
        app = EnterpriseApp(display_name=display_name or template.name, gallery_key=template.key)
        tenant.apps[app.object_id] = app
        return app


def set_basic_saml_configuration(
    app: EnterpriseApp,
    identifiers: list[str] | None = None,
    reply_urls: list[str] | None = None,
    default_reply_url: str | None = None,
    sign_on_url: str | None = None,
    relay_state: str | None = None,
    logout_url: str | None = None,
) -> None:
    """Basic SAML Configuration: each argument left None keeps its current value."""
    if identifiers is not None:
        app.identifiers = list(dict.fromkeys(identifiers))
    if reply_urls is not None:
        single = len(reply_urls) == 1
        app.reply_urls = [
            ReplyUrl(url, index, is_default=single or url == default_reply_url)
            for index, url in enumerate(reply_urls)
        ]
    if sign_on_url is not None:
        app.sign_on_url = sign_on_url or None
    if relay_state is not None:
        app.relay_state = relay_state or None
    if logout_url is not None:
        app.logout_url = logout_url or None


def add_signing_certificate(
    tenant: Tenant, app: EnterpriseApp, end: datetime | None = None
) -> SigningCertificate:
    """SAML Certificates > Add certificate (Graph addTokenSigningCertificate)."""
    with tenant.lock:
        now = tenant.clock.now()
        lifetime = (end - now) if end else DEFAULT_LIFETIME
        certificate = SigningCertificate.create(tenant.keys.take(), now, lifetime)
        app.add_certificate(certificate)
        return certificate


def assign(tenant: Tenant, app: EnterpriseApp, principal_id: str, app_role_id: str) -> Assignment:
    """Users and groups > Add user/group > Select a role > Assign."""
    with tenant.lock:
        if principal_id not in tenant.directory.users:
            raise AdminError(
                "Request_ResourceNotFound", f"Resource '{principal_id}' does not exist.", 404
            )
        try:
            app.role(app_role_id)
        except KeyError:
            raise AdminError(
                "Request_BadRequest",
                f"Permission being assigned was not found on application '{app.app_id}'.",
            ) from None
        assignment = Assignment(principal_id, app_role_id)
        app.assignments.append(assignment)
        return assignment
