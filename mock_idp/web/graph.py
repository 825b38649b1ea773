"""graph.microsoft.com: the Microsoft Graph calls scripts make against Entra (users, groups,
gallery apps, SAML SSO settings, assignments, claims mapping policies), in Graph's JSON shapes."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from flask import Flask, jsonify, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from .. import admin
from ..access_tokens import TokenRejected, verify_graph_token
from ..admin import AdminError
from ..certificates import SigningCertificate
from ..claims import ClaimError, ClaimsPolicy
from ..claims_mapping_policy import policy_from_definition
from ..directory import DIRECTORY_ROLES, USER_PROPERTIES, Group, User
from ..enterprise_apps import AppRole, EnterpriseApp
from ..errors import AppNotFound, CertificateNotFound
from ..ids import new_guid
from ..tenant import Tenant
from . import flask_app
from .graph_bodies import (
    ApplicationChange,
    AppRoleAssignment,
    Body,
    Instantiate,
    NewClaimsMappingPolicy,
    NewGroup,
    NewUser,
    Reference,
    RoleAssignment,
    ServicePrincipalChange,
    TokenSigningCertificate,
    UserChange,
    invalid_property_message,
    model_dict,
)
from .provisioning_graph import register_provisioning_graph

log = logging.getLogger(__name__)

GRAPH_BASE = "https://graph.microsoft.com/v1.0"


def graph_error(code: str, message: str, status: int) -> Response:
    """Graph's error shape: {"error": {"code", "message", "innerError"}}."""
    inner = {"request-id": new_guid(), "client-request-id": new_guid()}
    response = jsonify({"error": {"code": code, "message": message, "innerError": inner}})
    response.status_code = status
    return response


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def user_json(user: User) -> dict[str, Any]:
    body: dict[str, Any] = {"id": user.id}
    body.update({graph: getattr(user, name) for graph, name in USER_PROPERTIES.items()})
    body["businessPhones"] = [user.business_phone] if user.business_phone else []
    body["manager"] = user.manager_id
    if user.deleted_at:
        body["deletedDateTime"] = iso(user.deleted_at)
    return body


def group_json(group: Group) -> dict[str, Any]:
    return {
        "id": group.id,
        "displayName": group.display_name,
        "description": group.description,
        "mailNickname": group.mail_nickname,
        "securityEnabled": group.security_enabled,
        "mailEnabled": False,
        "groupTypes": [],
    }


def role_json(role: AppRole) -> dict[str, Any]:
    return {
        "id": role.id,
        "displayName": role.display_name,
        "value": role.value,
        "allowedMemberTypes": ["User"],
        "isEnabled": True,
        "description": role.display_name,
    }


def application_json(app: EnterpriseApp) -> dict[str, Any]:
    return {
        "id": app.application_object_id,
        "appId": app.app_id,
        "displayName": app.display_name,
        "identifierUris": app.identifiers,
        "appRoles": [role_json(r) for r in app.app_roles],
        "web": {
            "redirectUris": [reply.url for reply in app.reply_urls],
            "redirectUriSettings": [{"uri": r.url, "index": r.index} for r in app.reply_urls],
            "logoutUrl": app.logout_url,
        },
    }


def certificate_json(certificate: SigningCertificate) -> dict[str, Any]:
    return {
        "customKeyIdentifier": certificate.thumbprint,
        "keyId": certificate.key_id,
        "displayName": "CN=" + certificate.certificate.subject.rfc4514_string().split("=", 1)[1],
        "startDateTime": iso(certificate.not_before),
        "endDateTime": iso(certificate.not_after),
        "type": "AsymmetricX509Cert",
        "usage": "Verify",
        "key": certificate.base64,
        "thumbprint": certificate.thumbprint,
    }


def service_principal_json(app: EnterpriseApp) -> dict[str, Any]:
    active = app.active_certificate
    return {
        "id": app.object_id,
        "appId": app.app_id,
        "displayName": app.display_name,
        "preferredSingleSignOnMode": app.preferred_sso_mode,
        "appRoleAssignmentRequired": app.assignment_required,
        "loginUrl": app.sign_on_url,
        "logoutUrl": app.logout_url,
        "replyUrls": [r.url for r in app.reply_urls],
        "servicePrincipalNames": [app.app_id, *app.identifiers],
        "samlSingleSignOnSettings": {"relayState": app.relay_state},
        "preferredTokenSigningKeyThumbprint": active.thumbprint if active else None,
        "appRoles": [role_json(r) for r in app.app_roles],
        "keyCredentials": [certificate_json(c) for c in app.certificates],
        "tags": ["WindowsAzureActiveDirectoryIntegratedApp"]
        + ([] if app.visible_to_users else ["HideApp"]),
    }


def assignment_json(app: EnterpriseApp, tenant: Tenant, assignment: Any) -> dict[str, Any]:
    directory = tenant.directory
    principal = directory.users.get(assignment.principal_id) or directory.groups.get(
        assignment.principal_id
    )
    return {
        "id": assignment.id,
        "principalId": assignment.principal_id,
        "principalType": assignment.principal_type,
        "principalDisplayName": getattr(principal, "display_name", None),
        "resourceId": app.object_id,
        "resourceDisplayName": app.display_name,
        "appRoleId": assignment.app_role_id,
    }


def collection(values: list[dict[str, Any]]) -> Response:
    return jsonify({"value": values})


def body(model: type[Body], optional: bool = False) -> Body:
    """The request body as `model`; not a JSON object: 400; a wrong type: pydantic's
    ValidationError, which the app's one error mapping answers in Graph's shape."""
    data = request.get_json(silent=True)
    if data is None and optional and not request.get_data():
        data = {}
    if not isinstance(data, dict):
        raise AdminError("BadRequest", "The request body must be a JSON object.")
    return model.model_validate(data)


def reference_id(reference: str) -> str:
    """`https://graph.microsoft.com/v1.0/directoryObjects/{id}` -> id."""
    return reference.rstrip("/").rsplit("/", 1)[-1]


def referenced() -> str:
    """The id of a `{"@odata.id": …}` body."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not data.get("@odata.id"):
        raise AdminError("Request_BadRequest", "Missing @odata.id.")
    return reference_id(Reference.model_validate(data).odata_id)


def register_graph_errors(app: Flask) -> None:
    """The one place Graph's errors meet the wire ({"error": {"code", "message"}}), each logged;
    the admin center's /api/ uses it too."""

    @app.errorhandler(AdminError)
    def admin_error(error: AdminError) -> Response:
        log.info("Graph %s %s: %s %s", request.method, request.path, error.code, error.message)
        return graph_error(error.code, error.message, error.status)

    @app.errorhandler(ClaimError)
    def claim_error(error: ClaimError) -> Response:
        log.info("Graph %s %s: claim refused: %s", request.method, request.path, error)
        return graph_error("Request_BadRequest", str(error), 400)

    @app.errorhandler(ValidationError)
    def invalid_body(error: ValidationError) -> Response:
        message = invalid_property_message(error)
        log.info("Graph %s %s: %s", request.method, request.path, message)
        return graph_error("BadRequest", message, 400)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        log.info("Graph %s %s: %s %s", request.method, request.path, status, error.name)
        if status == 404:
            return graph_error(
                "BadRequest",
                f"Resource not found for the segment '{request.path.rsplit('/', 1)[-1]}'.",
                400,
            )
        if status == 405:
            return graph_error("BadRequest", "The HTTP method is not supported here.", 405)
        if status == 413:
            return graph_error("RequestEntityTooLarge", "The request body is too large.", 413)
        return graph_error("BadRequest", error.description or error.name, status)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        log.exception("Graph %s %s failed", request.method, request.path)
        return graph_error("InternalServerError", f"{type(error).__name__}: {error}", 500)


def create_graph_app(tenant: Tenant) -> Flask:
    app = flask_app("graph.microsoft.com", tenant)

    @app.before_request
    def require_token() -> Response | None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return graph_error("InvalidAuthenticationToken", "Access token is empty.", 401)
        token = header.removeprefix("Bearer ").strip()
        if token == tenant.admin_token:
            return None
        # Otherwise an app-only token from the client-credentials grant (token_endpoint.py).
        try:
            claims = verify_graph_token(tenant, token)
        except TokenRejected as rejected:
            return graph_error("InvalidAuthenticationToken", str(rejected), 401)
        if not claims.get("roles"):
            # An app-only token without application permissions (docs "Microsoft Graph error
            # responses": 403 Authorization_RequestDenied).
            return graph_error(
                "Authorization_RequestDenied",
                "Insufficient privileges to complete the operation.",
                403,
            )
        return None

    register_graph_errors(app)

    def find_app(object_id: str) -> EnterpriseApp:
        try:
            return tenant.find_app(object_id)
        except AppNotFound:
            raise admin.not_found(object_id) from None

    # users
    def user_properties(change: UserChange) -> dict[str, Any]:
        data = model_dict(change)
        properties = {name: data[g] for g, name in USER_PROPERTIES.items() if g in data}
        if change.businessPhones:
            properties["business_phone"] = change.businessPhones[0]
        return properties

    @app.post("/v1.0/users")
    def post_user() -> tuple[Response, int]:
        data = body(NewUser)
        password = data.passwordProfile.password if data.passwordProfile else None
        missing = [p for p in ("userPrincipalName", "displayName") if getattr(data, p) is None]
        if missing or not password:
            raise AdminError(
                "Request_BadRequest",
                "Property passwordProfile, userPrincipalName or displayName is missing.",
            )
        user = admin.create_user(tenant, password=password, **user_properties(data))
        return jsonify(user_json(user)), 201

    @app.get("/v1.0/users")
    def list_users() -> Response:
        return collection([user_json(u) for u in tenant.directory.active_users()])

    @app.get("/v1.0/users/<id_or_upn>")
    def get_user(id_or_upn: str) -> Response:
        return jsonify(user_json(admin.find_user(tenant, id_or_upn)))

    @app.patch("/v1.0/users/<id_or_upn>")
    def patch_user(id_or_upn: str) -> tuple[str, int]:
        data = body(UserChange)
        properties = user_properties(data)
        password = data.passwordProfile.password if data.passwordProfile else None
        if password:
            properties["password"] = password
        admin.update_user(tenant, id_or_upn, **properties)
        return "", 204

    @app.put("/v1.0/users/<id_or_upn>/manager/$ref")
    def set_manager(id_or_upn: str) -> tuple[str, int]:
        manager = admin.find_user(tenant, referenced())
        admin.update_user(tenant, id_or_upn, manager_id=manager.id)
        return "", 204

    @app.delete("/v1.0/users/<id_or_upn>/manager/$ref")
    def remove_manager(id_or_upn: str) -> tuple[str, int]:
        admin.update_user(tenant, id_or_upn, manager_id=None)
        return "", 204

    @app.delete("/v1.0/users/<id_or_upn>")
    def delete_user(id_or_upn: str) -> tuple[str, int]:
        admin.delete_user(tenant, id_or_upn)
        return "", 204

    @app.get("/v1.0/users/<id_or_upn>/memberOf")
    def member_of(id_or_upn: str) -> Response:
        user = admin.find_user(tenant, id_or_upn)
        return collection([group_json(g) for g in tenant.directory.direct_groups(user.id)])

    @app.get("/v1.0/directory/deletedItems/microsoft.graph.user")
    def deleted_users() -> Response:
        deleted = [u for u in tenant.directory.users.values() if u.deleted_at is not None]
        return collection([user_json(u) for u in deleted])

    @app.post("/v1.0/directory/deletedItems/<object_id>/restore")
    def restore(object_id: str) -> Response:
        return jsonify(user_json(admin.restore_user(tenant, object_id)))

    @app.delete("/v1.0/directory/deletedItems/<object_id>")
    def purge(object_id: str) -> tuple[str, int]:
        admin.hard_delete_user(tenant, object_id)
        return "", 204

    @app.post("/v1.0/roleManagement/directory/roleAssignments")
    def assign_directory_role() -> tuple[Response, int]:
        """Give a user a built-in directory role (e.g. Cloud Application Administrator)."""
        data = body(RoleAssignment)
        role = data.roleDefinitionId
        if role not in DIRECTORY_ROLES:
            raise admin.not_found(role)
        user = admin.find_user(tenant, data.principalId)
        with tenant.lock:
            if role not in user.directory_roles:
                user.directory_roles.append(role)
        return jsonify(
            {
                "id": new_guid(),
                "principalId": user.id,
                "roleDefinitionId": role,
                "directoryScopeId": data.directoryScopeId,
            }
        ), 201

    # groups
    @app.post("/v1.0/groups")
    def post_group() -> tuple[Response, int]:
        data = body(NewGroup)
        if not data.displayName:
            raise AdminError("Request_BadRequest", "Property displayName is required.")
        group = admin.create_group(
            tenant,
            data.displayName,
            description=data.description,
            mail_nickname=data.mailNickname,
            security_enabled=data.securityEnabled,
        )
        for reference in data.members:
            admin.add_member(tenant, group.id, reference_id(reference))
        return jsonify(group_json(group)), 201

    @app.get("/v1.0/groups")
    def list_groups() -> Response:
        groups = [g for g in tenant.directory.groups.values() if g.deleted_at is None]
        return collection([group_json(g) for g in groups])

    @app.get("/v1.0/groups/<group_id>")
    def get_group(group_id: str) -> Response:
        return jsonify(group_json(admin.find_group(tenant, group_id)))

    @app.delete("/v1.0/groups/<group_id>")
    def delete_group(group_id: str) -> tuple[str, int]:
        admin.delete_group(tenant, group_id)
        return "", 204

    @app.get("/v1.0/groups/<group_id>/members")
    def members(group_id: str) -> Response:
        group = admin.find_group(tenant, group_id)
        directory = tenant.directory
        return collection(
            [
                user_json(directory.users[m])
                if m in directory.users
                else group_json(directory.groups[m])
                for m in group.members
            ]
        )

    @app.post("/v1.0/groups/<group_id>/members/$ref")
    def add_member(group_id: str) -> tuple[str, int]:
        admin.add_member(tenant, group_id, referenced())
        return "", 204

    @app.delete("/v1.0/groups/<group_id>/members/<member_id>/$ref")
    def remove_member(group_id: str, member_id: str) -> tuple[str, int]:
        admin.remove_member(tenant, group_id, member_id)
        return "", 204

    # gallery and applications
    @app.get("/v1.0/applicationTemplates")
    def list_templates() -> Response:
        return collection(
            [
                {
                    "id": g.template_id,
                    "displayName": g.name,
                    "publisher": g.publisher,
                    "supportedSingleSignOnModes": ["saml"],
                    "supportedProvisioningTypes": ["sync"] if g.scim else [],
                    "categories": [],
                }
                for g in tenant.gallery.values()
            ]
        )

    @app.post("/v1.0/applicationTemplates/<template_id>/instantiate")
    def instantiate(template_id: str) -> tuple[Response, int]:
        data = body(Instantiate, optional=True)
        created = admin.add_gallery_app(tenant, template_id, data.displayName)
        return jsonify(
            {
                "application": application_json(created),
                "servicePrincipal": service_principal_json(created),
            }
        ), 201

    @app.get("/v1.0/applications/<object_id>")
    def get_application(object_id: str) -> Response:
        return jsonify(application_json(find_app(object_id)))

    @app.patch("/v1.0/applications/<object_id>")
    def patch_application(object_id: str) -> tuple[str, int]:
        target = find_app(object_id)
        data = body(ApplicationChange)
        web = data.web
        with tenant.lock:
            admin.set_basic_saml_configuration(
                tenant,
                target,
                identifiers=data.identifierUris,
                reply_urls=web.redirectUris if web else None,
                logout_url=web.logoutUrl if web else None,
            )
            if data.appRoles is not None:
                admin.set_app_roles(
                    target,
                    [AppRole(r.id or new_guid(), r.displayName, r.value) for r in data.appRoles],
                )
        return "", 204

    # service principals
    @app.get("/v1.0/servicePrincipals")
    def list_service_principals() -> Response:
        return collection([service_principal_json(a) for a in tenant.apps.values()])

    @app.get("/v1.0/servicePrincipals/<object_id>")
    def get_service_principal(object_id: str) -> Response:
        return jsonify(service_principal_json(find_app(object_id)))

    @app.patch("/v1.0/servicePrincipals/<object_id>")
    def patch_service_principal(object_id: str) -> tuple[str, int]:
        target = find_app(object_id)
        data = body(ServicePrincipalChange)
        given = data.model_fields_set
        with tenant.lock:
            if "preferredSingleSignOnMode" in given:
                target.preferred_sso_mode = data.preferredSingleSignOnMode
            if "appRoleAssignmentRequired" in given:
                target.assignment_required = bool(data.appRoleAssignmentRequired)
            if "tags" in given:
                target.visible_to_users = "HideApp" not in (data.tags or [])
            settings = data.samlSingleSignOnSettings
            admin.set_basic_saml_configuration(
                tenant,
                target,
                relay_state=None if settings is None else (settings.relayState or ""),
                sign_on_url=(data.loginUrl or "") if "loginUrl" in given else None,
                logout_url=(data.logoutUrl or "") if "logoutUrl" in given else None,
            )
            if data.preferredTokenSigningKeyThumbprint:
                try:
                    target.activate_certificate(data.preferredTokenSigningKeyThumbprint)
                except CertificateNotFound as error:
                    raise AdminError("Request_BadRequest", str(error)) from None
        return "", 204

    @app.post("/v1.0/servicePrincipals/<object_id>/addTokenSigningCertificate")
    def add_token_signing_certificate(object_id: str) -> Response:
        target = find_app(object_id)
        end = body(TokenSigningCertificate, optional=True).endDateTime
        if end is not None and end <= tenant.clock.now():
            raise AdminError("BadRequest", "endDateTime must be later than the current time.")
        certificate = admin.add_signing_certificate(tenant, target, end)
        return jsonify(certificate_json(certificate))

    @app.get("/v1.0/servicePrincipals/<object_id>/appRoleAssignedTo")
    def list_assignments(object_id: str) -> Response:
        target = find_app(object_id)
        return collection([assignment_json(target, tenant, a) for a in target.assignments])

    @app.post("/v1.0/servicePrincipals/<object_id>/appRoleAssignedTo")
    def post_assignment(object_id: str) -> tuple[Response, int]:
        target = find_app(object_id)
        data = body(AppRoleAssignment)
        assignment = admin.assign(tenant, target, data.principalId, data.appRoleId)
        return jsonify(assignment_json(target, tenant, assignment)), 201

    @app.delete("/v1.0/servicePrincipals/<object_id>/appRoleAssignedTo/<assignment_id>")
    def delete_assignment(object_id: str, assignment_id: str) -> tuple[str, int]:
        admin.unassign(tenant, find_app(object_id), assignment_id)
        return "", 204

    # claims mapping policies
    @app.post("/v1.0/policies/claimsMappingPolicies")
    def post_policy() -> tuple[Response, int]:
        data = body(NewClaimsMappingPolicy)
        definition = (data.definition or [""])[0]
        policy_from_definition(definition)  # refuse a bad definition at creation, as Graph does
        policy_id = new_guid()
        with tenant.lock:
            tenant.claims_mapping_policies[policy_id] = {
                "id": policy_id,
                "displayName": data.displayName,
                "definition": [definition],
                "isOrganizationDefault": False,
            }
        return jsonify(tenant.claims_mapping_policies[policy_id]), 201

    @app.post("/v1.0/servicePrincipals/<object_id>/claimsMappingPolicies/$ref")
    def assign_policy(object_id: str) -> tuple[str, int]:
        target = find_app(object_id)
        policy_id = referenced()
        policy = tenant.claims_mapping_policies.get(policy_id)
        if policy is None:
            raise admin.not_found(policy_id)
        parsed = policy_from_definition(policy["definition"][0])
        with tenant.lock:
            target.claims.rules = parsed.rules
            target.claims_mapping_policy_id = policy_id
        return "", 204

    @app.delete("/v1.0/servicePrincipals/<object_id>/claimsMappingPolicies/<policy_id>/$ref")
    def unassign_policy(object_id: str, policy_id: str) -> tuple[str, int]:
        target = find_app(object_id)
        if target.claims_mapping_policy_id != policy_id:
            raise admin.not_found(policy_id)
        with tenant.lock:
            target.claims.rules = ClaimsPolicy().rules
            target.claims_mapping_policy_id = None
        return "", 204

    register_provisioning_graph(app, tenant)
    return app
