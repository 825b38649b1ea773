"""entra.microsoft.com: the admin center's JSON API for what only the portal sets (SAML signing,
Attributes & Claims, certificates, metadata upload, properties); the same admin functions as Graph."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, cast
from urllib.parse import unquote

from cryptography import x509
from flask import Flask, jsonify, make_response, render_template, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from .. import admin
from ..admin import AdminError
from ..certificates import SigningCertificate
from ..claims import NAMEID_FORMATS, ClaimError, ClaimRule, NameIdRule, Transformation
from ..enterprise_apps import EnterpriseApp, ReplyUrl, SigningAlgorithm, SigningOption
from ..errors import AppNotFound
from ..federation_metadata import build_metadata, serialize_metadata
from ..tenant import Tenant
from ..xml_signing import load_key
from . import flask_app
from .admin_bodies import (
    BasicSamlChange,
    ClaimBody,
    EncryptionChange,
    GroupsClaimChange,
    NameIdChange,
    PropertiesChange,
    SigningChange,
)
from .admin_pages import register_admin_pages
from .admin_provisioning import register_provisioning_pages
from .admin_provisioning_logs import register_provisioning_log_pages
from .graph import certificate_json, graph_error, register_graph_errors
from .graph_bodies import Body, invalid_property_message

log = logging.getLogger(__name__)

SIGNING_OPTIONS = {"assertion", "response", "both"}
SIGNING_ALGORITHMS = {"sha256", "sha1"}
GROUP_CLAIM_KINDS = {None, "SecurityGroup", "All", "ApplicationGroup"}


def claim_json(rule: ClaimRule) -> dict[str, Any]:
    return {
        "claimType": rule.claim_type,
        "name": rule.name,
        "namespace": rule.namespace,
        "source": None if rule.constant else rule.source,
        "constant": rule.source if rule.constant else None,
        "transformations": [
            {"method": t.method, "parameters": t.parameters} for t in rule.transformations
        ],
    }


def claim_from_json(data: ClaimBody) -> ClaimRule:
    constant, source = data.constant, data.source
    if (constant is None) == (source is None):
        raise ClaimError("Give exactly one of 'source' (a user attribute) or 'constant'.")
    return ClaimRule(
        name=data.name,
        source=str(constant if constant is not None else source),
        namespace=data.namespace or None,
        constant=constant is not None,
        transformations=[
            Transformation(t.method, dict(t.parameters)) for t in data.transformations
        ],
    )


def saml_json(tenant: Tenant, app: EnterpriseApp) -> dict[str, Any]:
    """The "Set up Single Sign-On with SAML" page, as data."""
    return {
        "appId": app.app_id,
        "objectId": app.object_id,
        "displayName": app.display_name,
        "basicSamlConfiguration": {
            "identifiers": app.identifiers,
            "replyUrls": [
                {"url": r.url, "index": r.index, "isDefault": r.is_default} for r in app.reply_urls
            ],
            "signOnUrl": app.sign_on_url,
            "relayState": app.relay_state,
            "logoutUrl": app.logout_url,
        },
        "attributesAndClaims": {
            "nameId": {"source": app.claims.name_id.source, "format": app.claims.name_id.format},
            "claims": [claim_json(r) for r in app.claims.rules],
            "groups": app.claims.groups,
            "managedByPolicy": app.claims_mapping_policy_id,
        },
        "samlSigningCertificate": {
            "signingOption": app.signing_option,
            "signingAlgorithm": app.signing_algorithm,
            "appFederationMetadataUrl": tenant.app_metadata_url(app),
            "certificates": [{**certificate_json(c), "active": c.active} for c in app.certificates],
        },
        "setUp": {
            "loginUrl": tenant.login_url,
            "microsoftEntraIdentifier": tenant.issuer,
            "logoutUrl": tenant.login_url,
        },
        "tokenEncryption": {"active": app.encryption_certificate_pem is not None},
        "properties": {
            "assignmentRequired": app.assignment_required,
            "visibleToUsers": app.visible_to_users,
        },
        "userAccessUrl": tenant.user_access_url(app),
    }


def certificate_file(
    tenant: Tenant, app: EnterpriseApp, chosen: SigningCertificate, kind: str
) -> Response:
    """SAML Certificates downloads: Certificate (Base64), Certificate (Raw), Federation
    Metadata XML, named after the app as the portal names them."""
    name = app.display_name.replace(" ", "")
    if kind == "base64":
        body, content_type, filename = (
            chosen.download_base64().encode(),
            "application/x-x509-ca-cert",
            f"{name}.cer",
        )
    elif kind == "raw":
        body, content_type, filename = chosen.der, "application/pkix-cert", f"{name}.cer"
    elif kind == "metadata":
        root = build_metadata(
            tenant.tenant_id,
            tenant.issuer,
            tenant.login_base,
            [chosen],
            load_key(chosen.private_key_pem, chosen.pem),
        )
        body, content_type, filename = (
            serialize_metadata(root, True),
            "application/xml",
            f"{name}.xml",
        )
    else:
        raise admin.not_found(kind)
    return Response(
        body,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def register_admin_center_errors(app: Flask) -> None:
    """The one place the admin center's errors meet the wire: the JSON API (/api/) in Graph's
    shape (graph.register_graph_errors), its pages as the portal's error page; each logged."""
    register_graph_errors(app)
    api_errors = dict(app.error_handler_spec[None][None])

    def on_page(error: Exception, status: int, message: str) -> Response:
        log.info("admin center %s %s: %s %s", request.method, request.path, status, message)
        page_error = AdminError("BadRequest", message, status)
        return make_response(render_template("admin/error.html", error=page_error), status)

    def either(kind: type[Exception], page: Callable[[Any], Response]) -> None:
        api = api_errors[kind]

        @app.errorhandler(kind)
        def mapped(error: Any) -> Response:
            if request.path.startswith("/api/"):
                return cast(Response, api(error))
            return page(error)

    either(AdminError, lambda e: on_page(e, e.status, e.message))
    either(ValidationError, lambda e: on_page(e, 400, invalid_property_message(e)))
    either(HTTPException, lambda e: on_page(e, e.code or 500, e.description or e.name))

    @app.errorhandler(ClaimError)
    def claim_error(error: ClaimError) -> Response:
        log.info("admin center %s %s: claim refused: %s", request.method, request.path, error)
        if request.path.startswith("/api/"):
            return graph_error("InvalidClaim", str(error), 400)
        return on_page(error, 400, str(error))


def create_admin_center_app(tenant: Tenant) -> Flask:
    app = flask_app("entra.microsoft.com", tenant)

    register_admin_pages(app, tenant)
    register_provisioning_pages(app, tenant)
    register_provisioning_log_pages(app, tenant)

    @app.before_request
    def require_token() -> Response | None:
        if not request.path.startswith("/api/"):
            return None  # the pages sign the admin in through the tenant (admin_pages)
        if request.headers.get("Authorization", "") != f"Bearer {tenant.admin_token}":
            return graph_error(
                "InvalidAuthenticationToken", "Access token validation failure.", 401
            )
        return None

    register_admin_center_errors(app)

    def find(app_id: str) -> EnterpriseApp:
        try:
            return tenant.find_app(app_id)
        except AppNotFound:
            raise admin.not_found(app_id) from None

    def data(model: type[Body]) -> Body:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise AdminError("BadRequest", "The request body must be a JSON object.")
        return model.model_validate(body)

    base = "/api/enterpriseApps/<app_id>"

    @app.get(f"{base}/saml")
    def get_saml(app_id: str) -> Response:
        return jsonify(saml_json(tenant, find(app_id)))

    @app.patch(f"{base}/saml/basic")
    def patch_basic(app_id: str) -> Response:
        target, body = find(app_id), data(BasicSamlChange)
        replies = body.replyUrls
        with tenant.lock:
            admin.set_basic_saml_configuration(
                tenant,
                target,
                identifiers=body.identifiers,
                reply_urls=None
                if replies is None
                else [
                    ReplyUrl(r.url, i if r.index is None else r.index, r.isDefault)
                    for i, r in enumerate(replies)
                ],
                sign_on_url=body.signOnUrl,
                relay_state=body.relayState,
                logout_url=body.logoutUrl,
            )
        return jsonify(saml_json(tenant, target))

    @app.post(f"{base}/saml/basic/metadata")
    def upload_metadata(app_id: str) -> Response:
        target = find(app_id)
        admin.upload_sp_metadata(tenant, target, request.get_data())
        return jsonify(saml_json(tenant, target))

    @app.patch(f"{base}/saml/signing")
    def patch_signing(app_id: str) -> Response:
        target, body = find(app_id), data(SigningChange)
        given_option, given_algorithm = body.signingOption, body.signingAlgorithm
        option = target.signing_option if given_option is None else given_option
        algorithm = target.signing_algorithm if given_algorithm is None else given_algorithm
        if option not in SIGNING_OPTIONS or algorithm not in SIGNING_ALGORITHMS:
            raise AdminError(
                "BadRequest",
                f"signingOption must be one of {sorted(SIGNING_OPTIONS)}"
                f" and signingAlgorithm one of {sorted(SIGNING_ALGORITHMS)}",
            )
        with tenant.lock:
            target.signing_option = cast(SigningOption, option)
            target.signing_algorithm = cast(SigningAlgorithm, algorithm)
        return jsonify(saml_json(tenant, target))

    @app.post(f"{base}/saml/certificates")
    def new_certificate(app_id: str) -> tuple[Response, int]:
        certificate = admin.add_signing_certificate(tenant, find(app_id))
        return jsonify({**certificate_json(certificate), "active": certificate.active}), 201

    def certificate(target: EnterpriseApp, thumbprint: str) -> SigningCertificate:
        found = next((c for c in target.certificates if c.thumbprint == thumbprint.upper()), None)
        if found is None:
            raise admin.not_found(thumbprint)
        return found

    @app.post(f"{base}/saml/certificates/<thumbprint>/activate")
    def activate(app_id: str, thumbprint: str) -> Response:
        target = find(app_id)
        certificate(target, thumbprint)
        with tenant.lock:
            target.activate_certificate(thumbprint)
        return jsonify(saml_json(tenant, target))

    @app.get(f"{base}/saml/certificates/<thumbprint>/<kind>")
    def download(app_id: str, thumbprint: str, kind: str) -> Response:
        target = find(app_id)
        return certificate_file(tenant, target, certificate(target, thumbprint), kind)

    @app.put(f"{base}/saml/claims/nameid")
    def put_name_id(app_id: str) -> Response:
        target, body = find(app_id), data(NameIdChange)
        source = body.source
        fmt = NAMEID_FORMATS.get(body.format, body.format)
        if fmt not in NAMEID_FORMATS.values():
            raise ClaimError(f"Unknown name identifier format '{fmt}'.")
        ClaimRule("nameidentifier-check", source).validate()  # the source must be real
        with tenant.lock:
            target.claims.name_id = NameIdRule(source, fmt)
        return jsonify(saml_json(tenant, target))

    @app.put(f"{base}/saml/claims/groups")
    def put_groups(app_id: str) -> Response:
        target, body = find(app_id), data(GroupsClaimChange)
        kind = body.groups
        if kind not in GROUP_CLAIM_KINDS:
            raise ClaimError(
                f"groups must be one of {sorted(k for k in GROUP_CLAIM_KINDS if k)} or null"
            )
        with tenant.lock:
            target.claims.groups = kind
        return jsonify(saml_json(tenant, target))

    @app.post(f"{base}/saml/claims")
    def add_claim(app_id: str) -> tuple[Response, int]:
        target = find(app_id)
        rule = claim_from_json(data(ClaimBody))
        with tenant.lock:
            target.claims.add(rule)
        return jsonify(claim_json(rule)), 201

    @app.put(f"{base}/saml/claims/<path:claim_type>")
    def edit_claim(app_id: str, claim_type: str) -> Response:
        target = find(app_id)
        rule = claim_from_json(data(ClaimBody))
        with tenant.lock:
            target.claims.replace(unquote(claim_type), rule)
        return jsonify(claim_json(rule))

    @app.delete(f"{base}/saml/claims/<path:claim_type>")
    def remove_claim(app_id: str, claim_type: str) -> tuple[str, int]:
        target = find(app_id)
        with tenant.lock:
            target.claims.remove(unquote(claim_type))
        return "", 204

    @app.put(f"{base}/saml/encryption")
    def put_encryption(app_id: str) -> Response:
        """Token encryption > Import Certificate (and Activate); null removes it."""
        target, body = find(app_id), data(EncryptionChange)
        pem = body.certificate
        if pem is not None:
            try:
                x509.load_pem_x509_certificate(str(pem).encode())
            except ValueError as error:
                raise AdminError("BadRequest", f"The certificate is not valid: {error}") from None
        with tenant.lock:
            target.encryption_certificate_pem = pem
        return jsonify(saml_json(tenant, target))

    @app.patch(f"{base}/properties")
    def patch_properties(app_id: str) -> Response:
        target, body = find(app_id), data(PropertiesChange)
        with tenant.lock:
            if body.assignmentRequired is not None:
                target.assignment_required = body.assignmentRequired
            if body.visibleToUsers is not None:
                target.visible_to_users = body.visibleToUsers
        return jsonify(saml_json(tenant, target))

    return app
