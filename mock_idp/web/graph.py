"""graph.microsoft.com: the Microsoft Graph calls of "Automate SAML-based SSO app configuration"."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask, Response, jsonify, request

from ..admin import (
    AdminError,
    add_gallery_app,
    add_signing_certificate,
    assign,
    create_user,
    set_basic_saml_configuration,
)
from ..certificates import SigningCertificate
from ..directory import User, UserNotFound
from ..enterprise_apps import EnterpriseApp
from ..ids import new_guid
from ..tenant import Tenant
from . import flask_app

# Graph user properties and the directory's field names.
USER_PROPERTIES = {
    "userPrincipalName": "user_principal_name",
    "displayName": "display_name",
    "givenName": "given_name",
    "surname": "surname",
    "mail": "mail",
    "jobTitle": "job_title",
    "department": "department",
    "mobilePhone": "mobile_phone",
    "streetAddress": "street_address",
    "city": "city",
    "state": "state",
    "postalCode": "postal_code",
    "country": "country",
    "employeeId": "employee_id",
    "accountEnabled": "account_enabled",
    "userType": "user_type",
}


def graph_error(code: str, message: str, status: int) -> Response:
    """Graph's error shape: {"error": {"code", "message", "innerError"}}."""
    body = {
        "error": {
            "code": code,
            "message": message,
            "innerError": {"request-id": new_guid(), "client-request-id": new_guid()},
        }
    }
    response = jsonify(body)
    response.status_code = status
    return response


def user_json(user: User) -> dict[str, Any]:
    body: dict[str, Any] = {"id": user.id}
    body.update({graph: getattr(user, field) for graph, field in USER_PROPERTIES.items()})
    body["businessPhones"] = [user.business_phone] if user.business_phone else []
    return body


def application_json(app: EnterpriseApp) -> dict[str, Any]:
    return {
        "id": app.application_object_id,
        "appId": app.app_id,
        "displayName": app.display_name,
        "identifierUris": app.identifiers,
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
        "startDateTime": certificate.not_before.isoformat().replace("+00:00", "Z"),
        "endDateTime": certificate.not_after.isoformat().replace("+00:00", "Z"),
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
        "samlSingleSignOnSettings": {"relayState": app.relay_state},
        "preferredTokenSigningKeyThumbprint": active.thumbprint if active else None,
        "appRoles": [
            {"id": r.id, "displayName": r.display_name, "value": r.value} for r in app.app_roles
        ],
        "keyCredentials": [certificate_json(c) for c in app.certificates],
        "tags": ["WindowsAzureActiveDirectoryIntegratedApp"],
    }


def create_graph_app(tenant: Tenant) -> Flask:
    app = flask_app("graph.microsoft.com", tenant)

    @app.before_request
    def require_token() -> Response | None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return graph_error("InvalidAuthenticationToken", "Access token is empty.", 401)
        if header.removeprefix("Bearer ").strip() != tenant.admin_token:
            return graph_error(
                "InvalidAuthenticationToken", "Access token validation failure.", 401
            )
        return None

    @app.errorhandler(AdminError)
    def admin_error(error: AdminError) -> Response:
        return graph_error(error.code, error.message, error.status)

    def find_app(object_id: str) -> EnterpriseApp:
        try:
            return tenant.find_app(object_id)
        except KeyError:
            raise AdminError(
                "Request_ResourceNotFound",
                f"Resource '{object_id}' does not exist or one of its queried "
                "reference-property objects are not present.",
                404,
            ) from None

    @app.post("/v1.0/users")
    def post_user() -> tuple[Response, int]:
        body = request.get_json(force=True)
        properties = {
            field: body[graph] for graph, field in USER_PROPERTIES.items() if graph in body
        }
        password = (body.get("passwordProfile") or {}).get("password")
        missing = [p for p in ("userPrincipalName", "displayName") if p not in body]
        if missing or not password:
            raise AdminError(
                "Request_BadRequest",
                "Property passwordProfile, userPrincipalName or displayName is missing.",
            )
        if body.get("businessPhones"):
            properties["business_phone"] = body["businessPhones"][0]
        user = create_user(tenant, password=password, **properties)
        return jsonify(user_json(user)), 201

    @app.get("/v1.0/users/<id_or_upn>")
    def get_user(id_or_upn: str) -> Response:
        try:
            return jsonify(user_json(tenant.directory.find(id_or_upn)))
        except UserNotFound:
            raise AdminError(
                "Request_ResourceNotFound", f"Resource '{id_or_upn}' does not exist.", 404
            ) from None

    @app.get("/v1.0/applicationTemplates")
    def list_templates() -> Response:
        return jsonify(
            {
                "value": [
                    {
                        "id": g.template_id,
                        "displayName": g.name,
                        "publisher": g.publisher,
                        "supportedSingleSignOnModes": ["saml"],
                        "categories": [],
                    }
                    for g in tenant.gallery.values()
                ]
            }
        )

    @app.post("/v1.0/applicationTemplates/<template_id>/instantiate")
    def instantiate(template_id: str) -> tuple[Response, int]:
        body = request.get_json(silent=True) or {}
        created = add_gallery_app(tenant, template_id, body.get("displayName"))
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
        body = request.get_json(force=True)
        web = body.get("web") or {}
        with tenant.lock:
            set_basic_saml_configuration(
                target,
                identifiers=body.get("identifierUris"),
                reply_urls=web.get("redirectUris"),
                logout_url=web.get("logoutUrl"),
            )
        return "", 204

    @app.get("/v1.0/servicePrincipals/<object_id>")
    def get_service_principal(object_id: str) -> Response:
        return jsonify(service_principal_json(find_app(object_id)))

    @app.patch("/v1.0/servicePrincipals/<object_id>")
    def patch_service_principal(object_id: str) -> tuple[str, int]:
        target = find_app(object_id)
        body = request.get_json(force=True)
        with tenant.lock:
            if "preferredSingleSignOnMode" in body:
                target.preferred_sso_mode = body["preferredSingleSignOnMode"]
            if "appRoleAssignmentRequired" in body:
                target.assignment_required = bool(body["appRoleAssignmentRequired"])
            if "samlSingleSignOnSettings" in body:
                relay_state = (body["samlSingleSignOnSettings"] or {}).get("relayState")
                set_basic_saml_configuration(target, relay_state=relay_state or "")
            if "loginUrl" in body:
                set_basic_saml_configuration(target, sign_on_url=body["loginUrl"] or "")
            if body.get("preferredTokenSigningKeyThumbprint"):
                try:
                    target.activate_certificate(body["preferredTokenSigningKeyThumbprint"])
                except KeyError as error:
                    raise AdminError("Request_BadRequest", str(error)) from None
        return "", 204

    @app.post("/v1.0/servicePrincipals/<object_id>/addTokenSigningCertificate")
    def add_token_signing_certificate(object_id: str) -> Response:
        target = find_app(object_id)
        body = request.get_json(silent=True) or {}
        end = body.get("endDateTime")
        certificate = add_signing_certificate(
            tenant, target, datetime.fromisoformat(end.replace("Z", "+00:00")) if end else None
        )
        return jsonify(certificate_json(certificate))

    @app.post("/v1.0/servicePrincipals/<object_id>/appRoleAssignedTo")
    def post_assignment(object_id: str) -> tuple[Response, int]:
        target = find_app(object_id)
        body = request.get_json(force=True)
        assignment = assign(tenant, target, body.get("principalId", ""), body.get("appRoleId", ""))
        return jsonify(
            {
                "id": assignment.id,
                "principalId": assignment.principal_id,
                "principalType": assignment.principal_type,
                "resourceId": target.object_id,
                "appRoleId": assignment.app_role_id,
            }
        ), 201

    return app
