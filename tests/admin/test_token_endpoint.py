"""The client-credentials token endpoint: Entra's token and error JSON, JWKS, and Graph accepting only good tokens."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from harness.clients.session import Harness
from mock_idp.access_tokens import AUTOMATION_CLIENT

GRAPH_SCOPE = "https://graph.microsoft.com/.default"


def token_url(harness: Harness) -> str:
    return f"https://login.microsoftonline.com/{harness.tenant_id}/oauth2/v2.0/token"


def request_token(harness: Harness, **form: str) -> Any:
    return harness.http.post(token_url(harness), data=form)


def good_form(**change: str) -> dict[str, str]:
    form = {
        "grant_type": "client_credentials",
        "client_id": AUTOMATION_CLIENT.client_id,
        "client_secret": AUTOMATION_CLIENT.secret,
        "scope": GRAPH_SCOPE,
    }
    return {k: v for k, v in {**form, **change}.items() if v}


def part(token: str, index: int) -> Any:
    text = token.split(".")[index]
    return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


def test_client_credentials_token_is_an_rs256_graph_token_signed_by_the_published_key(
    harness: Harness,
) -> None:
    response = request_token(harness, **good_form())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3599
    token = body["access_token"]
    header, claims = part(token, 0), part(token, 1)
    assert header["alg"] == "RS256" and header["kid"] == header["x5t"]
    assert claims["aud"] == "https://graph.microsoft.com"
    assert claims["iss"] == f"https://sts.windows.net/{harness.tenant_id}/"
    assert claims["appid"] == AUTOMATION_CLIENT.client_id and claims["idtyp"] == "app"
    assert "Synchronization.ReadWrite.All" in claims["roles"]
    assert claims["exp"] - claims["iat"] == 3599 + 300
    # Discovery names the JWKS; its key verifies the token's signature.
    base = f"https://login.microsoftonline.com/{harness.tenant_id}"
    discovery = harness.http.get(f"{base}/v2.0/.well-known/openid-configuration").json()
    assert discovery["token_endpoint"] == token_url(harness)
    keys = harness.http.get(discovery["jwks_uri"]).json()["keys"]
    key = next(k for k in keys if k["kid"] == header["kid"])
    public = x509.load_der_x509_certificate(base64.b64decode(key["x5c"][0])).public_key()
    assert isinstance(public, rsa.RSAPublicKey)
    signed, _, signature = token.rpartition(".")
    public.verify(
        base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)),
        signed.encode(),
        padding.PKCS1v15(),
        hashes.SHA256(),
    )
    me = harness.http.get(
        "https://graph.microsoft.com/v1.0/users", headers={"Authorization": f"Bearer {token}"}
    )
    assert me.status_code == 200 and "value" in me.json()


@pytest.mark.parametrize(
    ("change", "status", "error", "code"),
    [
        ({"client_secret": "wrong"}, 401, "invalid_client", 7000215),
        ({"client_id": "11111111-2222-3333-4444-555555555555"}, 400, "unauthorized_client", 700016),
        ({"client_secret": ""}, 401, "invalid_client", 7000216),
        ({"scope": ""}, 400, "invalid_request", 900144),
        ({"scope": "https://graph.microsoft.com/User.Read"}, 400, "invalid_scope", 1002012),
        ({"grant_type": "password"}, 400, "unsupported_grant_type", 70003),
    ],
    ids=["wrong-secret", "unknown-client", "no-secret", "no-scope", "not-default", "grant"],
)
def test_token_errors_in_entras_shape(
    harness: Harness, change: dict[str, str], status: int, error: str, code: int
) -> None:
    response = request_token(harness, **good_form(**change))
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {
        "error",
        "error_description",
        "error_codes",
        "timestamp",
        "trace_id",
        "correlation_id",
        "error_uri",
    }
    assert body["error"] == error and body["error_codes"] == [code]
    assert body["error_description"].startswith(f"AADSTS{code}: ")
    assert (
        f"Trace ID: {body['trace_id']} Correlation ID: {body['correlation_id']}"
        in (body["error_description"])
    )
    assert body["error_uri"] == f"https://login.microsoftonline.com/error?code={code}"
    if code == 700016:
        assert (
            "Application with identifier '11111111-2222-3333-4444-555555555555'"
            in (body["error_description"])
        )


def test_graph_refuses_forged_expired_and_foreign_tokens(harness: Harness) -> None:
    token = request_token(harness, **good_form()).json()["access_token"]
    header, _claims, signature = token.split(".")

    def with_claims(**change: Any) -> str:
        changed = {**part(token, 1), **change}
        text = base64.urlsafe_b64encode(json.dumps(changed).encode()).rstrip(b"=").decode()
        return f"{header}.{text}.{signature}"

    def graph(bearer: str) -> Any:
        return harness.http.get(
            "https://graph.microsoft.com/v1.0/users", headers={"Authorization": f"Bearer {bearer}"}
        )

    forged = graph(with_claims(roles=["Directory.ReadWrite.All", "Extra"]))
    assert forged.status_code == 401
    assert forged.json()["error"]["code"] == "InvalidAuthenticationToken"
    opaque = graph("not-a-jwt")
    assert opaque.status_code == 401
    assert opaque.json()["error"]["message"].startswith("IDX14100: JWT is not well formed")
    # Past exp plus the 5-minute skew, on the tenant's clock.
    harness.clock(advance_seconds=3599 + 301)
    expired = graph(token)
    assert expired.status_code == 401
    assert "expired" in expired.json()["error"]["message"]
    assert graph(harness.stack.tenant.admin_token).status_code == 200


def test_the_stack_describes_the_client_scripts_sign_in_with(harness: Harness) -> None:
    client = harness.stack.describe()["credentials"]["graph_client"]
    response = harness.http.post(
        client["token_endpoint"],
        data={
            "grant_type": "client_credentials",
            "client_id": client["client_id"],
            "client_secret": client["client_secret"],
            "scope": GRAPH_SCOPE,
        },
    )
    assert response.status_code == 200, response.text
    assert part(response.json()["access_token"], 1)["tid"] == client["tenant_id"]
