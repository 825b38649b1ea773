"""The tenant's /_mock controls: reset, clock, the SAML message log, one-shot Response overrides."""

from __future__ import annotations

from dataclasses import asdict

from flask import Flask, Response, jsonify

from mock_kernel.control import ControlError, create_control_app, json_object, since_parameter

from ..tenant import Tenant
from .provisioning_control import register_provisioning_control

# What a scenario may change in the next Response only (navikt's enqueueCallback). Each breaks
# one check of a strict ACS (mock_sp.acs; SAML Profiles §4.1.4.3, §4.1.4.5).
OVERRIDES = {
    "signing",  # "unsigned" | "other_key" (a key no SP was given)
    "age_seconds",  # issue the Response this many seconds in the past (expired when > 3600)
    "not_before_seconds",  # Conditions NotBefore this many seconds from now (Entra: -300)
    "audience",
    "issuer",  # the Issuer of both the Response and the assertion
    "destination",  # the Response's Destination only (the ACS it is posted to is unchanged)
    "recipient",  # SubjectConfirmationData Recipient only
    "in_response_to",  # InResponseTo (Response and SubjectConfirmationData) for SP-initiated
    "extra_claims",  # {name: value}
    "remove_claims",  # [name]
    "status",  # a second-level StatusCode URI; the top level becomes Requester
    "status_message",
}


def create_tenant_control_app(tenant: Tenant, enabled: bool = True) -> Flask:
    app = create_control_app("tenant", tenant.clock, tenant.reset, enabled)

    @app.get("/_mock/saml-log")
    def saml_log() -> Response:
        since = since_parameter()
        entries = list(tenant.saml_log)
        return jsonify({"count": len(entries), "messages": [asdict(e) for e in entries[since:]]})

    @app.post("/_mock/next-response")
    def next_response() -> Response | tuple[Response, int]:
        body = json_object()
        unknown = sorted(set(body) - OVERRIDES)
        if unknown:
            raise ControlError(
                "BadRequest", f"unknown overrides {unknown}; known: {sorted(OVERRIDES)}"
            )
        with tenant.lock:
            tenant.next_response_overrides = dict(body)
        return jsonify({"next_response": body})

    @app.get("/_mock/state")
    def state() -> Response:
        with tenant.lock:
            return jsonify(
                {
                    "tenant_id": tenant.tenant_id,
                    "users": [u.user_principal_name for u in tenant.directory.users.values()],
                    "apps": [
                        {"displayName": a.display_name, "appId": a.app_id, "objectId": a.object_id}
                        for a in tenant.apps.values()
                    ],
                }
            )

    register_provisioning_control(app, tenant)
    return app
