"""Enterprise apps as Graph-shaped JSON: the application and its service principal, with SAML
settings, claims, signing certificates and assignments; and the tenant-wide settings."""

from __future__ import annotations

import base64
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ..certificates import SigningCertificate
from ..claims import ClaimRule, ClaimsPolicy, NameIdRule, Transformation
from ..enterprise_apps import AppRole, Assignment, EnterpriseApp, ReplyUrl
from .timestamps import when

NewKey = Callable[[], rsa.RSAPrivateKey]


@lru_cache(maxsize=256)
def _private_key(pem: str) -> rsa.RSAPrivateKey:
    """Parsed once per process: a fixture loading the same snapshot before every test would
    otherwise pay RSA's key checks each time. The keys are the tenant's own, written by it."""
    key = serialization.load_pem_private_key(
        pem.encode(), password=None, unsafe_skip_rsa_key_validation=True
    )
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def certificate_data(certificate: SigningCertificate, include_keys: bool) -> dict[str, Any]:
    """Graph keyCredential fields, plus `active` (the portal's Active/Inactive) and, only when
    asked, the private key: a snapshot is meant to be committed without secrets."""
    data: dict[str, Any] = {
        "keyId": certificate.key_id,
        "thumbprint": certificate.thumbprint,
        "startDateTime": when(certificate.not_before),
        "endDateTime": when(certificate.not_after),
        "key": certificate.base64,
        "active": certificate.active,
    }
    if include_keys:
        data["privateKey"] = certificate.private_key_pem.decode()
    return data


def certificate_from_data(data: dict[str, Any], new_key: NewKey) -> SigningCertificate:
    """With its private key, the same certificate; without, a new one like it (same start and
    default lifetime, subject, key id and Active mark): the SP must then get the new metadata."""
    certificate = x509.load_der_x509_certificate(base64.b64decode(data["key"]))
    if "privateKey" in data:
        loaded = SigningCertificate(_private_key(data["privateKey"]), certificate)
    else:
        subject = certificate.subject.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)
        loaded = SigningCertificate.create(
            new_key(), certificate.not_valid_before_utc, subject=str(subject[0].value)
        )
    loaded.active = bool(data.get("active"))
    loaded.key_id = data["keyId"]
    return loaded


def claims_data(policy: ClaimsPolicy) -> dict[str, Any]:
    """Attributes & Claims: the Unique User Identifier, the rows, the groups claim."""
    return {
        "nameId": {"source": policy.name_id.source, "format": policy.name_id.format},
        "claims": [
            {
                "name": rule.name,
                "namespace": rule.namespace,
                "source": rule.source,
                "constant": rule.constant,
                "transformations": [
                    {"method": t.method, "parameters": dict(t.parameters)}
                    for t in rule.transformations
                ],
            }
            for rule in policy.rules
        ],
        "groupMembershipClaims": policy.groups,
        "includeAttributeNameFormat": policy.include_attribute_name_format,
    }


def claims_from_data(data: dict[str, Any]) -> ClaimsPolicy:
    return ClaimsPolicy(
        rules=[
            ClaimRule(
                name=rule["name"],
                source=rule["source"],
                namespace=rule.get("namespace"),
                constant=bool(rule.get("constant")),
                transformations=[
                    Transformation(t["method"], dict(t.get("parameters", {})))
                    for t in rule.get("transformations", [])
                ],
            )
            for rule in data.get("claims", [])
        ],
        name_id=NameIdRule(**data["nameId"]),
        groups=data.get("groupMembershipClaims"),
        include_attribute_name_format=bool(data.get("includeAttributeNameFormat")),
    )


def app_data(app: EnterpriseApp, include_keys: bool) -> dict[str, Any]:
    """The application (id, appId, identifierUris, appRoles, web) and its service principal
    (servicePrincipalId, SSO mode, assignment required, SAML settings, keyCredentials)."""
    return {
        "id": app.application_object_id,
        "appId": app.app_id,
        "servicePrincipalId": app.object_id,
        "displayName": app.display_name,
        "galleryKey": app.gallery_key,
        "identifierUris": list(app.identifiers),
        "replyUrls": [
            {"uri": r.url, "index": r.index, "isDefault": r.is_default} for r in app.reply_urls
        ],
        "loginUrl": app.sign_on_url,
        "logoutUrl": app.logout_url,
        "samlSingleSignOnSettings": {"relayState": app.relay_state},
        "preferredSingleSignOnMode": app.preferred_sso_mode,
        "appRoleAssignmentRequired": app.assignment_required,
        "visibleToUsers": app.visible_to_users,
        "appRoles": [
            {"id": r.id, "displayName": r.display_name, "value": r.value} for r in app.app_roles
        ],
        "appRoleAssignedTo": [
            {
                "id": a.id,
                "principalId": a.principal_id,
                "principalType": a.principal_type,
                "appRoleId": a.app_role_id,
            }
            for a in app.assignments
        ],
        "keyCredentials": [certificate_data(c, include_keys) for c in app.certificates],
        "tokenSigning": {"option": app.signing_option, "algorithm": app.signing_algorithm},
        "claimsPolicy": claims_data(app.claims),
        "claimsMappingPolicyId": app.claims_mapping_policy_id,
        "requireSignedRequests": app.require_signed_requests,
        "tokenEncryptionCertificate": app.encryption_certificate_pem,
    }


def app_from_data(data: dict[str, Any], new_key: NewKey) -> EnterpriseApp:
    return EnterpriseApp(
        display_name=data["displayName"],
        gallery_key=data.get("galleryKey"),
        app_id=data["appId"],
        object_id=data["servicePrincipalId"],
        application_object_id=data["id"],
        identifiers=list(data.get("identifierUris", [])),
        reply_urls=[
            ReplyUrl(r["uri"], int(r.get("index", 0)), bool(r.get("isDefault")))
            for r in data.get("replyUrls", [])
        ],
        sign_on_url=data.get("loginUrl"),
        relay_state=(data.get("samlSingleSignOnSettings") or {}).get("relayState"),
        logout_url=data.get("logoutUrl"),
        preferred_sso_mode=data.get("preferredSingleSignOnMode"),
        assignment_required=bool(data.get("appRoleAssignmentRequired", True)),
        visible_to_users=bool(data.get("visibleToUsers", True)),
        app_roles=[AppRole(r["id"], r["displayName"], r.get("value")) for r in data["appRoles"]],
        assignments=[
            Assignment(a["principalId"], a["appRoleId"], a["id"], a.get("principalType", "User"))
            for a in data.get("appRoleAssignedTo", [])
        ],
        certificates=[certificate_from_data(c, new_key) for c in data.get("keyCredentials", [])],
        signing_option=data["tokenSigning"]["option"],
        signing_algorithm=data["tokenSigning"]["algorithm"],
        claims=claims_from_data(data["claimsPolicy"]),
        claims_mapping_policy_id=data.get("claimsMappingPolicyId"),
        require_signed_requests=bool(data.get("requireSignedRequests")),
        encryption_certificate_pem=data.get("tokenEncryptionCertificate"),
    )
