"""Sign-in protocol: authenticate, check assignment, issue and sign the Response (no Flask)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any

from .aadsts import AadstsError
from .access import effective_assignments, role_values
from .authn_request import AuthnRequest
from .certificates import SigningCertificate
from .claims import NAMEID_FORMATS, issued_claims, name_id_value
from .directory import User
from .enterprise_apps import EnterpriseApp
from .saml_response import ResponseSpec, build_response, encode_for_post, sign_response
from .tenant import LoginSession, Tenant
from .xml_signing import load_key

POST_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
REDIRECT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
BINDINGS = {"redirect": REDIRECT_BINDING, "post": POST_BINDING}
STATUS_REQUESTER = "urn:oasis:names:tc:SAML:2.0:status:Requester"
# Second-level status codes for AADSTS errors posted to the ACS (SAML Core §3.2.2.2); any
# other posted error is Requester / RequestUnsupported, the pair §3 gives as an example.
SUB_STATUS = {
    50058: "urn:oasis:names:tc:SAML:2.0:status:NoPassive",
    50105: "urn:oasis:names:tc:SAML:2.0:status:RequestDenied",
    75011: "urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext",
    75016: "urn:oasis:names:tc:SAML:2.0:status:InvalidNameIDPolicy",
    76021: "urn:oasis:names:tc:SAML:2.0:status:RequestDenied",
}
REQUEST_UNSUPPORTED = "urn:oasis:names:tc:SAML:2.0:status:RequestUnsupported"


@dataclass
class SamlPost:
    """What the browser auto-posts to the SP's ACS."""

    acs_url: str
    saml_response: str
    relay_state: str | None


def authenticate(tenant: Tenant, login: str, password: str) -> User:
    """Docs "AADSTS error codes": unknown user 50034, wrong password 50126, disabled 50057."""
    user = tenant.directory.find_by_upn(login)
    if user is None:
        raise AadstsError.of(50034, upn=login, tenant_id=tenant.tenant_id)
    if user.password != password:
        raise AadstsError.of(50126)
    if not user.account_enabled:
        raise AadstsError.of(50057)
    return user


def check_assignment(tenant: Tenant, app: EnterpriseApp, user: User) -> None:
    """ENTRA-BEHAVIOUR §7: with assignment required, the user needs an assignment of their own
    or of a group they are a direct member of (nested groups do not count)."""
    if app.assignment_required and not effective_assignments(tenant.directory, app, user):
        raise AadstsError.of(
            50105, app_name=app.display_name, app_id=app.app_id, upn=user.user_principal_name
        )


def claim_group_ids(tenant: Tenant, app: EnterpriseApp, user: User) -> list[str]:
    """The groups claim's values for the app's setting (docs "Configure group claims"):
    security groups or all groups the user is in, transitively; or only the user's groups
    that are assigned to the app ("Groups assigned to the application")."""
    kind = app.claims.groups
    if kind is None:
        return []
    groups = tenant.directory.transitive_groups(user.id)
    if kind == "SecurityGroup":
        return [g.id for g in groups if g.security_enabled]
    if kind == "ApplicationGroup":
        assigned = {a.principal_id for a in app.assignments}
        return [g.id for g in groups if g.id in assigned]
    return [g.id for g in groups]


@cache
def _stranger_certificate() -> SigningCertificate:
    """A well-formed Entra-looking certificate that no SP was ever given (override 'other_key')."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    from mock_kernel.clock import Clock

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return SigningCertificate.create(key, Clock().now())


def issue_response(
    tenant: Tenant,
    app: EnterpriseApp,
    user: User,
    session: LoginSession,
    acs_url: str,
    audience: str,
    in_response_to: str | None,
    relay_state: str | None,
    requested_name_id_format: str | None = None,
) -> SamlPost:
    """Build, sign and log the Response for one sign-in, applying any one-shot test override."""
    with tenant.lock:
        overrides: dict[str, Any] = tenant.next_response_overrides
        tenant.next_response_overrides = {}
    certificate = app.active_certificate
    if certificate is None:
        raise AadstsError(
            500021, f"No active signing certificate is configured for application '{app.app_id}'."
        )
    now = tenant.clock.now()
    claims = issued_claims(
        tenant.tenant_id,
        tenant.issuer,
        user,
        app.claims,
        group_ids=claim_group_ids(tenant, app, user),
        roles=role_values(app, effective_assignments(tenant.directory, app, user)),
    )
    claims = [c for c in claims if c[0] not in overrides.get("remove_claims", [])]
    claims += [(name, [value]) for name, value in overrides.get("extra_claims", {}).items()]
    not_before = overrides.get("not_before_seconds")
    spec = ResponseSpec(
        issuer=overrides.get("issuer", tenant.issuer),
        destination=overrides.get("destination", acs_url),
        audience=overrides.get("audience", audience),
        name_id=name_id_value(user, app.claims),
        name_id_format=answered_name_id_format(app, requested_name_id_format),
        claims=claims,
        issue_instant=now - timedelta(seconds=overrides.get("age_seconds", 0)),
        authn_instant=session.authn_instant,
        in_response_to=overrides.get("in_response_to", in_response_to),
        recipient=overrides.get("recipient"),
        not_before=None if not_before is None else now + timedelta(seconds=not_before),
    )
    if "status" in overrides:
        # §3: a posted error nests its reason under Requester, with the AADSTS text as message.
        spec.status_code = STATUS_REQUESTER
        spec.sub_status_code = overrides["status"]
        spec.status_message = overrides.get("status_message")
    response = build_response(spec)
    signer = _stranger_certificate() if overrides.get("signing") == "other_key" else certificate
    key = (
        None
        if overrides.get("signing") == "unsigned"
        else load_key(signer.private_key_pem, signer.pem)
    )
    sign_response(
        response,
        key,
        app.signing_option,
        app.signing_algorithm,
        encrypt_for=app.encryption_certificate_pem,
    )
    if app.app_id not in session.participants:
        session.participants.append(app.app_id)
    encoded = encode_for_post(response)
    tenant.log_saml(
        direction="out",
        kind="Response",
        binding=POST_BINDING,
        endpoint=acs_url,
        xml=base64.b64decode(encoded).decode(),  # exactly what the SP receives
        relay_state=relay_state,
    )
    return SamlPost(acs_url, encoded, relay_state)


def idp_initiated(
    tenant: Tenant, app: EnterpriseApp, user: User, session: LoginSession, relay_state: str | None
) -> SamlPost:
    """ENTRA-BEHAVIOUR §4: no InResponseTo, the Default reply URL, the app's or the URL's RelayState."""
    check_assignment(tenant, app, user)
    acs_url = app.default_reply_url()
    if acs_url is None or not app.identifiers:
        raise AadstsError(
            50011,
            f"The reply URL is not configured for the application '{app.app_id}'. Configure a "
            "Default Reply URL in Basic SAML Configuration.",
        )
    return issue_response(
        tenant,
        app,
        user,
        session,
        acs_url,
        app.identifiers[0],
        None,
        relay_state if relay_state is not None else app.relay_state,
    )


def sp_initiated(
    tenant: Tenant, request: AuthnRequest, user: User, session: LoginSession
) -> SamlPost:
    """The Response to an AuthnRequest: InResponseTo its ID, to the ACS it named (or the Default
    reply URL), Audience the matched Identifier (or spn:<Issuer>); RelayState unchanged (§3, §4)."""
    check_assignment(tenant, request.app, user)
    return issue_response(
        tenant,
        request.app,
        user,
        session,
        request.acs_url,
        request.audience,
        request.id,
        request.relay_state,
        request.name_id_format,
    )


def answered_name_id_format(app: EnterpriseApp, requested: str | None) -> str:
    """The NameID Format of the Response: a request for 1.1 `unspecified` is answered with that
    Format (and the configured value, the UPN by default: capture, issue 19); otherwise the
    app's Name identifier format."""
    if requested == NAMEID_FORMATS["unspecified"]:
        return requested
    return app.claims.name_id.format


def failed_response(tenant: Tenant, request: AuthnRequest, error: AadstsError) -> SamlPost:
    """An error Entra posts to the ACS once it trusts the app: no assertion; the Status nests
    the reason under Requester and StatusMessage holds the AADSTS text (§3, an assumption)."""
    spec = ResponseSpec(
        issuer=tenant.issuer,
        destination=request.acs_url,
        audience=request.audience,
        name_id="",
        name_id_format="",
        claims=[],
        issue_instant=tenant.clock.now(),
        authn_instant=tenant.clock.now(),
        in_response_to=request.id,
        status_code=STATUS_REQUESTER,
        sub_status_code=SUB_STATUS.get(error.code, REQUEST_UNSUPPORTED),
        status_message=str(error),
        include_assertion=False,
    )
    response = build_response(spec)
    encoded = encode_for_post(response)
    tenant.log_saml(
        direction="out",
        kind="Response",
        binding=POST_BINDING,
        endpoint=request.acs_url,
        xml=base64.b64decode(encoded).decode(),
        relay_state=request.relay_state,
    )
    return SamlPost(request.acs_url, encoded, request.relay_state)
