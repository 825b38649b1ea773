"""login.microsoftonline.com's OAuth 2.0 client-credentials token endpoint, its discovery document and JWKS."""

# Docs "Microsoft identity platform and the OAuth 2.0 client credentials flow": POST
# /{tenant}/oauth2/v2.0/token with grant_type=client_credentials, client_id, client_secret and
# scope={resource}/.default; errors are {"error", "error_description", "error_codes",
# "timestamp", "trace_id", "correlation_id", "error_uri"} with "AADSTSnnnn: …" descriptions
# ending in the trace, correlation and time lines (docs "AADSTS error codes"). MSAL and
# azure-identity read /{tenant}/v2.0/.well-known/openid-configuration first.

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, request
from werkzeug.wrappers import Response

from ..access_tokens import (
    CLIENTS,
    GRAPH_APP_ID,
    GRAPH_RESOURCE,
    LIFETIME_SECONDS,
    issue_app_token,
    jwks,
)
from ..ids import new_guid
from ..tenant import Tenant

# (error, HTTP status, description) for each AADSTS code the endpoint answers.
TOKEN_ERRORS: dict[int, tuple[str, int, str]] = {
    900144: (
        "invalid_request",
        400,
        "The request body must contain the following parameter: '{parameter}'.",
    ),
    70003: (
        "unsupported_grant_type",
        400,
        "The app requested an unsupported grant type '{grant}'.",
    ),
    700016: (
        "unauthorized_client",
        400,
        "Application with identifier '{client_id}' was not found in the directory '{directory}'. "
        "This can happen if the application has not been installed by the administrator of the "
        "tenant or consented to by any user in the tenant. You may have sent your authentication "
        "request to the wrong tenant.",
    ),
    7000215: (
        "invalid_client",
        401,
        "Invalid client secret provided. Ensure the secret being sent in the request is the "
        "client secret value, not the client secret ID, for a secret added to app '{client_id}'.",
    ),
    7000216: (
        "invalid_client",
        401,
        "'client_assertion', 'client_secret' or 'request' is required for the "
        "'client_credentials' grant type.",
    ),
    1002012: (
        "invalid_scope",
        400,
        "The provided value for scope {scope} is not valid. Client credential flows must have a "
        "scope value with /.default suffixed to the resource identifier (application ID URI).",
    ),
    500011: (
        "invalid_resource",
        400,
        "The resource principal named {resource} was not found in the tenant named {directory}. This "
        "can happen if the application has not been installed by the administrator of the tenant "
        "or consented to by any user in the tenant. You might have sent your authentication "
        "request to the wrong tenant.",
    ),
}


def token_error(tenant: Tenant, code: int, **details: str) -> Response:
    error, status, text = TOKEN_ERRORS[code]
    moment = tenant.clock.now().strftime("%Y-%m-%d %H:%M:%SZ")
    trace, correlation = new_guid(), new_guid()
    description = (
        f"AADSTS{code}: {text.format(**details)} Trace ID: {trace} "
        f"Correlation ID: {correlation} Timestamp: {moment}"
    )
    response = jsonify(
        {
            "error": error,
            "error_description": description,
            "error_codes": [code],
            "timestamp": moment,
            "trace_id": trace,
            "correlation_id": correlation,
            "error_uri": f"{tenant.login_base}/error?code={code}",
        }
    )
    response.status_code = status
    # The token endpoint's answers are never cached (RFC 6749 §5.1).
    response.headers["Cache-Control"] = "no-store, no-cache"
    return response


def openid_configuration(tenant: Tenant) -> dict[str, Any]:
    """The tenant's v2.0 discovery document (the fields MSAL and azure-identity read, and the
    rest of Entra's document that describes this endpoint)."""
    base = f"{tenant.login_base}/{tenant.tenant_id}"
    return {
        "token_endpoint": f"{base}/oauth2/v2.0/token",
        "token_endpoint_auth_methods_supported": [
            "client_secret_post",
            "private_key_jwt",
            "client_secret_basic",
        ],
        "jwks_uri": f"{base}/discovery/v2.0/keys",
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": f"{base}/v2.0",
        "request_uri_parameter_supported": False,
        "userinfo_endpoint": "https://graph.microsoft.com/oidc/userinfo",
        "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
        "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
        "http_logout_supported": True,
        "frontchannel_logout_supported": True,
        "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce"],
        "kerberos_endpoint": f"{base}/kerberos",
        "tenant_region_scope": "NA",
        "cloud_instance_name": "microsoftonline.com",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": "graph.microsoft.com",
        "rbac_url": "https://pas.windows.net",
    }


def register_token_endpoint(app: Flask, tenant: Tenant) -> None:
    """Add the token endpoint, discovery document and JWKS to the login host's app."""
    tid = tenant.tenant_id

    @app.get(f"/{tid}/v2.0/.well-known/openid-configuration")
    def discovery() -> Response:
        return jsonify(openid_configuration(tenant))

    @app.get(f"/{tid}/discovery/v2.0/keys")
    def keys() -> Response:
        return jsonify(jwks(tenant))

    @app.post(f"/{tid}/oauth2/v2.0/token")
    def token() -> Response:
        form = request.form
        for parameter in ("grant_type", "client_id"):
            if not form.get(parameter):
                return token_error(tenant, 900144, parameter=parameter)
        grant = form["grant_type"]
        if grant != "client_credentials":
            return token_error(tenant, 70003, grant=grant)
        client_id = form["client_id"]
        if not form.get("scope"):
            return token_error(tenant, 900144, parameter="scope")
        client = CLIENTS.get(client_id)
        if client is None:
            return token_error(tenant, 700016, client_id=client_id, directory=tid)
        secret = form.get("client_secret")
        if not secret:
            return token_error(tenant, 7000216)
        if secret != client.secret:
            return token_error(tenant, 7000215, client_id=client_id)
        scope = form["scope"]
        resource = scope.removesuffix("/.default")
        if len(scope.split()) != 1 or resource == scope:
            return token_error(tenant, 1002012, scope=scope)
        if resource.rstrip("/") not in (GRAPH_RESOURCE, GRAPH_APP_ID):
            return token_error(tenant, 500011, resource=resource, directory=tid)
        response = jsonify(
            {
                "token_type": "Bearer",
                "expires_in": LIFETIME_SECONDS,
                "ext_expires_in": LIFETIME_SECONDS,
                "access_token": issue_app_token(tenant, client),
            }
        )
        response.headers["Cache-Control"] = "no-store, no-cache"
        return response
