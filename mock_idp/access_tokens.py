"""App-only access tokens for Microsoft Graph: the client-credentials grant's RS256 JWTs and their check."""

# Graph accepts v1.0-format tokens from https://sts.windows.net/{tenant}/ with aud
# https://graph.microsoft.com and the app's granted application permissions in `roles` (docs
# "Microsoft identity platform access tokens", "Access token claims reference"; "OAuth 2.0
# client credentials flow"). They are signed by the tenant's signing key, the one its JWKS
# (`/discovery/v2.0/keys`) publishes with kid = x5t = the certificate's base64url SHA-1.

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .ids import new_guid

if TYPE_CHECKING:
    from .certificates import SigningCertificate
    from .tenant import Tenant

GRAPH_RESOURCE = "https://graph.microsoft.com"
# Graph's well-known application id: a token for it may name either as its audience.
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
# Entra issues client-credentials tokens for 3599 s and backdates iat/nbf by 5 minutes
# (captured token responses and tokens: "expires_in": 3599, nbf = iat = issue time - 300 s).
LIFETIME_SECONDS = 3599
BACKDATE = timedelta(minutes=5)
# The clock skew Graph tolerates on nbf/exp (Microsoft.IdentityModel's default ClockSkew).
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class ConfidentialClient:
    """An app registration with a client secret and admin-consented Graph application permissions."""

    client_id: str
    secret: str
    display_name: str
    roles: tuple[str, ...] = field(default_factory=tuple)


# The built-in automation client: what a tutorial's script registers to call Graph app-only,
# granted the permissions the SAML and provisioning Graph walkthroughs name.
AUTOMATION_CLIENT = ConfidentialClient(
    client_id="5f3c1e0a-7a0b-4d7e-9c1b-6f0e2a1d8b42",
    secret="harness-automation-secret",
    display_name="Harness Automation",
    roles=(
        "Application.ReadWrite.All",
        "AppRoleAssignment.ReadWrite.All",
        "AuditLog.Read.All",
        "Directory.ReadWrite.All",
        "Group.ReadWrite.All",
        "Policy.Read.All",
        "Policy.ReadWrite.ApplicationConfiguration",
        "Synchronization.ReadWrite.All",
        "User.ReadWrite.All",
    ),
)
CLIENTS = {AUTOMATION_CLIENT.client_id: AUTOMATION_CLIENT}


class TokenRejected(Exception):
    """Graph refuses the bearer token: `message` is Graph's InvalidAuthenticationToken text."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_id(certificate: SigningCertificate) -> str:
    """kid and x5t: the base64url SHA-1 of the certificate's DER (as in Entra's JWKS)."""
    return b64url(hashlib.sha1(certificate.der).digest())


def jwks(tenant: Tenant) -> dict[str, Any]:
    """The tenant's JWKS document: its signing key as an RSA JWK with the certificate in x5c."""
    certificate = tenant.tenant_certificate()
    public = certificate.private_key.public_key().public_numbers()
    kid = key_id(certificate)
    return {
        "keys": [
            {
                "kty": "RSA",
                "use": "sig",
                "kid": kid,
                "x5t": kid,
                "n": b64url(public.n.to_bytes((public.n.bit_length() + 7) // 8, "big")),
                "e": b64url(public.e.to_bytes(3, "big")),
                "x5c": [certificate.base64],
                "issuer": f"https://login.microsoftonline.com/{tenant.tenant_id}/v2.0",
            }
        ]
    }


def issue_app_token(tenant: Tenant, client: ConfidentialClient) -> str:
    """A signed app-only Graph access token for `client` (v1.0 format, as Graph receives)."""
    certificate = tenant.tenant_certificate()
    now = tenant.clock.now()
    issued = int((now - BACKDATE).timestamp())
    kid = key_id(certificate)
    header = {"typ": "JWT", "alg": "RS256", "x5t": kid, "kid": kid}
    claims = {
        "aud": GRAPH_RESOURCE,
        "iss": tenant.issuer,
        "iat": issued,
        "nbf": issued,
        "exp": int(now.timestamp()) + LIFETIME_SECONDS,
        "aio": b64url(new_guid().encode())[:40],
        "app_displayname": client.display_name,
        "appid": client.client_id,
        "appidacr": "1",  # authenticated with a client secret
        "idp": tenant.issuer,
        "idtyp": "app",
        "oid": client.client_id,
        "rh": "0.harness.",
        "roles": list(client.roles),
        "sub": client.client_id,
        "tid": tenant.tenant_id,
        "uti": b64url(new_guid().encode())[:22],
        "ver": "1.0",
    }
    signing_input = (
        b64url(json.dumps(header, separators=(",", ":")).encode())
        + "."
        + b64url(json.dumps(claims, separators=(",", ":")).encode())
    )
    signature = certificate.private_key.sign(
        signing_input.encode(), padding.PKCS1v15(), hashes.SHA256()
    )
    return signing_input + "." + b64url(signature)


def verify_graph_token(tenant: Tenant, token: str) -> dict[str, Any]:
    """The claims of a Graph access token this tenant issued; TokenRejected with Graph's
    message when it is malformed, not signed by the tenant's key, for another audience or
    issuer, or outside its lifetime."""
    parts = token.split(".")
    if len(parts) == 1:
        # What Graph answers to an opaque string (Microsoft.IdentityModel's IDX14100).
        raise TokenRejected(
            "IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be in "
            "JWS or JWE Compact Serialization Format. (JWS): "
            "'EncodedHeader.EndcodedPayload.EncodedSignature'. (JWE): "
            "'EncodedProtectedHeader.EncodedEncryptedKey.EncodedInitializationVector."
            "EncodedCiphertext.EncodedAuthenticationTag'."
        )
    if len(parts) != 3:
        raise TokenRejected(
            "Invalid JWT token. The token is not in JWS Compact Serialization Format."
        )
    try:
        header = json.loads(_b64url_decode(parts[0]))
        claims = json.loads(_b64url_decode(parts[1]))
        signature = _b64url_decode(parts[2])
    except (ValueError, UnicodeDecodeError):
        raise TokenRejected("Invalid JWT token. The token is malformed.") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise TokenRejected("Invalid JWT token. The token is malformed.")
    certificate = tenant.tenant_certificate()
    public = certificate.private_key.public_key()
    if header.get("alg") != "RS256" or header.get("kid") != key_id(certificate):
        raise TokenRejected("Access token validation failure.")
    assert isinstance(public, rsa.RSAPublicKey)
    try:
        public.verify(
            signature, f"{parts[0]}.{parts[1]}".encode(), padding.PKCS1v15(), hashes.SHA256()
        )
    except InvalidSignature:
        raise TokenRejected("Access token validation failure.") from None
    if claims.get("aud") not in (GRAPH_RESOURCE, GRAPH_RESOURCE + "/", GRAPH_APP_ID):
        raise TokenRejected("Access token validation failure. Invalid audience.")
    if claims.get("iss") != tenant.issuer:
        raise TokenRejected("Access token validation failure. Invalid issuer.")
    now = tenant.clock.now().timestamp()
    skew = CLOCK_SKEW.total_seconds()
    if not (float(claims.get("nbf", 0)) - skew <= now < float(claims.get("exp", 0)) + skew):
        raise TokenRejected("Lifetime validation failed, the token is expired.")
    return claims
