"""Administration of the tenant (users, gallery apps, SAML settings, assignments); no Flask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from .certificates import SigningCertificate
from .claims import ClaimRule
from .directory import DirectoryConflict, Group, GroupNotFound, User, UserNotFound
from .enterprise_apps import AppRole, Assignment, EnterpriseApp, ReplyUrl
from .errors import TenantError
from .sp_metadata import SpMetadata, SpMetadataError, parse_sp_metadata
from .tenant import Tenant


@dataclass
class AdminError(TenantError):
    """A refused admin operation, with the Graph error code it maps to."""

    code: str
    message: str
    status: int = 400


def not_found(object_id: str) -> AdminError:
    return AdminError(
        "Request_ResourceNotFound",
        f"Resource '{object_id}' does not exist or one of its queried reference-property "
        "objects are not present.",
        404,
    )


def create_user(tenant: Tenant, **properties: object) -> User:
    with tenant.lock:
        try:
            return tenant.directory.add_user(User(**properties))  # type: ignore[arg-type]
        except DirectoryConflict as error:
            raise AdminError("Request_BadRequest", str(error)) from None


def update_user(tenant: Tenant, id_or_upn: str, **properties: object) -> User:
    with tenant.lock:
        user = find_user(tenant, id_or_upn)
        upn = properties.get("user_principal_name")
        if isinstance(upn, str):
            other = tenant.directory.find_by_upn(upn, include_deleted=True)
            if other is not None and other is not user:
                raise AdminError(
                    "Request_BadRequest",
                    "Another object with the same value for "
                    f"property userPrincipalName already exists: {upn}",
                )
        for name, value in properties.items():
            setattr(user, name, value)
        return user


def find_user(tenant: Tenant, id_or_upn: str, include_deleted: bool = False) -> User:
    try:
        return tenant.directory.find(id_or_upn, include_deleted)
    except UserNotFound:
        raise not_found(id_or_upn) from None


def delete_user(tenant: Tenant, id_or_upn: str) -> User:
    """Users > Delete: a soft delete; the user can be restored for 30 days."""
    with tenant.lock:
        user = find_user(tenant, id_or_upn)
        return tenant.directory.soft_delete_user(user.id, tenant.clock.now())


def restore_user(tenant: Tenant, user_id: str) -> User:
    with tenant.lock:
        user = find_user(tenant, user_id, include_deleted=True)
        if user.deleted_at is None:
            raise not_found(user_id)
        return tenant.directory.restore_user(user.id)


def hard_delete_user(tenant: Tenant, user_id: str) -> User:
    """Deleted users > Delete permanently: the user and their app assignments are gone."""
    with tenant.lock:
        user = find_user(tenant, user_id, include_deleted=True)
        if user.deleted_at is None:
            raise not_found(user_id)
        for app in tenant.apps.values():
            app.assignments = [a for a in app.assignments if a.principal_id != user.id]
        return tenant.directory.hard_delete_user(user.id)


def create_group(tenant: Tenant, display_name: str, **properties: object) -> Group:
    with tenant.lock:
        return tenant.directory.add_group(Group(display_name, **properties))  # type: ignore[arg-type]


def find_group(tenant: Tenant, group_id: str) -> Group:
    try:
        return tenant.directory.group(group_id)
    except GroupNotFound:
        raise not_found(group_id) from None


def add_member(tenant: Tenant, group_id: str, member_id: str) -> None:
    with tenant.lock:
        find_group(tenant, group_id)
        try:
            tenant.directory.add_member(group_id, member_id)
        except UserNotFound:
            raise not_found(member_id) from None
        except DirectoryConflict as error:
            raise AdminError("Request_BadRequest", str(error)) from None


def remove_member(tenant: Tenant, group_id: str, member_id: str) -> None:
    with tenant.lock:
        find_group(tenant, group_id)
        try:
            tenant.directory.remove_member(group_id, member_id)
        except UserNotFound:
            raise not_found(member_id) from None


def delete_group(tenant: Tenant, group_id: str) -> None:
    with tenant.lock:
        find_group(tenant, group_id).deleted_at = tenant.clock.now()


# Graph's template id for "Create your own application" > non-gallery (docs "Automate SAML-based
# SSO app configuration with Microsoft Graph API").
NON_GALLERY_TEMPLATE_ID = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621"


def add_custom_app(tenant: Tenant, display_name: str) -> EnterpriseApp:
    """Integrate any other application you don't find in the gallery (Non-gallery)."""
    with tenant.lock:
        app = EnterpriseApp(display_name=display_name)
        tenant.apps[app.object_id] = app
        return app


def add_gallery_app(tenant: Tenant, template_id: str, display_name: str | None) -> EnterpriseApp:
    """Enterprise applications > New application > (gallery app) > Create.

    Docs (8x8, Genesys tutorials): an app whose identifier is a fixed string can be added once per
    tenant, because a second one could not have a distinct Identifier.
    """
    if template_id == NON_GALLERY_TEMPLATE_ID:
        return add_custom_app(tenant, display_name or "Custom SAML app")
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
        # Tutorial 004: the gallery entry pre-populates the claims the vendor expects.
        for claim in template.sso.claims:
            constant = claim.get("constant")
            app.claims.add(
                ClaimRule(
                    claim["name"],
                    constant or claim["source"],
                    claim.get("namespace"),
                    constant=constant is not None,
                )
            )
        tenant.apps[app.object_id] = app
        return app


def set_basic_saml_configuration(
    tenant: Tenant,
    app: EnterpriseApp,
    identifiers: list[str] | None = None,
    reply_urls: list[str] | list[ReplyUrl] | None = None,
    default_reply_url: str | None = None,
    sign_on_url: str | None = None,
    relay_state: str | None = None,
    logout_url: str | None = None,
) -> None:
    """Basic SAML Configuration: each argument left None keeps its current value.

    An Identifier may belong to one app only in a tenant (Graph: "Another object with the same
    value for property identifierUris already exists"), which is also why a gallery app with a
    fixed identifier can be added once.
    """
    if identifiers is not None:
        wanted = list(dict.fromkeys(identifiers))
        for other in tenant.apps.values():
            taken = set(wanted) & set(other.identifiers)
            if other is not app and taken:
                raise AdminError(
                    "Request_BadRequest",
                    "Another object with the same value for "
                    f"property identifierUris already exists: {sorted(taken)[0]}",
                )
        app.identifiers = wanted
    if reply_urls is not None:
        entries = [
            r if isinstance(r, ReplyUrl) else ReplyUrl(str(r), i) for i, r in enumerate(reply_urls)
        ]
        if default_reply_url is not None or len(entries) == 1:
            for entry in entries:
                entry.is_default = len(entries) == 1 or entry.url == default_reply_url
        app.reply_urls = entries
    if sign_on_url is not None:
        app.sign_on_url = sign_on_url or None
    if relay_state is not None:
        app.relay_state = relay_state or None
    if logout_url is not None:
        app.logout_url = logout_url or None


def select_saml_in_portal(tenant: Tenant, app: EnterpriseApp) -> None:
    """Single sign-on > SAML: the portal creates the app's first signing certificate with it.
    Graph's PATCH preferredSingleSignOnMode does not: Microsoft's Graph walkthrough ("Automate
    SAML-based SSO app configuration with Microsoft Graph API") adds it with
    addTokenSigningCertificate, so doing it here too would leave two certificates there."""
    with tenant.lock:
        app.preferred_sso_mode = "saml"
        if not app.certificates:
            add_signing_certificate(tenant, app)


def add_signing_certificate(
    tenant: Tenant, app: EnterpriseApp, end: datetime | None = None
) -> SigningCertificate:
    """SAML Certificates > Add certificate (Graph addTokenSigningCertificate)."""
    with tenant.lock:
        certificate = SigningCertificate.create(tenant.keys.take(), tenant.clock.now(), end)
        app.add_certificate(certificate)
        return certificate


def assign(tenant: Tenant, app: EnterpriseApp, principal_id: str, app_role_id: str) -> Assignment:
    """Users and groups > Add user/group > Select a role > Assign."""
    with tenant.lock:
        directory = tenant.directory
        if principal_id in directory.users and directory.users[principal_id].deleted_at is None:
            principal_type: Literal["User", "Group"] = "User"
        elif principal_id in directory.groups and directory.groups[principal_id].deleted_at is None:
            principal_type = "Group"
        else:
            raise not_found(principal_id)
        if (principal_id, app_role_id) in _assigned_pairs(app):
            raise AdminError(
                "Request_BadRequest", "Permission being assigned already exists on the object"
            )
        try:
            app.role(app_role_id)
        except KeyError:
            raise AdminError(
                "Request_BadRequest",
                f"Permission being assigned was not found on application '{app.app_id}'.",
            ) from None
        assignment = Assignment(principal_id, app_role_id, principal_type=principal_type)
        app.assignments.append(assignment)
        return assignment


def _assigned_pairs(app: EnterpriseApp) -> set[tuple[str, str]]:
    """The (principal, app role) pairs of app.assignments, kept beside the list: a scan of the
    list on every assign made assigning 100,000 users quadratic (2 ms an assign at 8,000;
    bench/scale.py, issue 21). The list is only appended to (assign) or replaced (unassign, a
    purge), so a cache of the same list needs only the items added since; another list, or a
    shorter one, is read whole."""
    assignments = app.assignments
    cached = app.__dict__.get("_assigned_pairs")
    if cached is None or cached[0] is not assignments or cached[1] > len(assignments):
        seen, pairs = 0, set()
    else:
        _, seen, pairs = cached
    pairs.update((a.principal_id, a.app_role_id) for a in assignments[seen:])
    app.__dict__["_assigned_pairs"] = (assignments, len(assignments), pairs)
    return pairs


def unassign(tenant: Tenant, app: EnterpriseApp, assignment_id: str) -> None:
    with tenant.lock:
        kept = [a for a in app.assignments if a.id != assignment_id]
        if len(kept) == len(app.assignments):
            raise not_found(assignment_id)
        app.assignments = kept


def set_app_roles(app: EnterpriseApp, roles: list[AppRole]) -> None:
    """App registration > App roles. Gallery SAML apps keep "Default Access" (msiam_access)."""
    values = [r.value for r in roles if r.value]
    if len(values) != len(set(values)):
        raise AdminError("Request_BadRequest", "App role values must be unique.")
    default = [r for r in app.app_roles if r.value is None]
    app.app_roles = default + [r for r in roles if r.value is not None]


def upload_sp_metadata(tenant: Tenant, app: EnterpriseApp, document: bytes) -> SpMetadata:
    """Basic SAML Configuration > Upload metadata file: adds the Identifier and Reply URLs."""
    try:
        metadata = parse_sp_metadata(document)
    except SpMetadataError as error:
        raise AdminError("Request_BadRequest", str(error)) from None
    with tenant.lock:
        known = {r.url for r in app.reply_urls}
        replies = app.reply_urls + [r for r in metadata.reply_urls if r.url not in known]
        default = next((r.url for r in metadata.reply_urls if r.is_default), None)
        set_basic_saml_configuration(
            tenant,
            app,
            identifiers=[*app.identifiers, metadata.entity_id],
            reply_urls=replies,
            default_reply_url=default,
            logout_url=metadata.logout_url,
        )
    return metadata
