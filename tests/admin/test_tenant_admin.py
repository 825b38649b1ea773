"""The tenant's Graph API and admin center API over HTTPS: what scripts and the portal change."""

from __future__ import annotations

import json

import pytest
from cryptography import x509

from harness.clients.session import Harness
from harness.clients.tenant_admin import GraphError

ADMIN_CENTER = "https://entra.microsoft.com/api/enterpriseApps"
XMLSOAP = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims"


def admin_center(harness: Harness, method: str, path: str, **kwargs: object):  # type: ignore[no-untyped-def]
    return harness.http.request(
        method, ADMIN_CENTER + path, headers=harness.admin.headers, **kwargs
    )  # type: ignore[arg-type]


def graph(harness: Harness, method: str, path: str, **kwargs: object):  # type: ignore[no-untyped-def]
    return harness.http.request(
        method, "https://graph.microsoft.com/v1.0" + path, headers=harness.admin.headers, **kwargs
    )  # type: ignore[arg-type]


def test_graph_refuses_a_missing_or_wrong_token(harness: Harness) -> None:
    assert harness.http.get("https://graph.microsoft.com/v1.0/users").status_code == 401
    response = harness.http.get(
        "https://graph.microsoft.com/v1.0/users", headers={"Authorization": "Bearer nope"}
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "InvalidAuthenticationToken"


def test_duplicate_upn_is_refused_in_graphs_error_shape(harness: Harness) -> None:
    harness.admin.create_user("pw", userPrincipalName="a@contoso.com", displayName="A")
    with pytest.raises(GraphError) as refused:
        harness.admin.create_user("pw", userPrincipalName="A@CONTOSO.com", displayName="A")
    assert refused.value.status == 400 and refused.value.code == "Request_BadRequest"


def test_soft_delete_restore_and_purge(harness: Harness) -> None:
    user = harness.admin.create_user("pw", userPrincipalName="d@contoso.com", displayName="D")
    assert graph(harness, "DELETE", f"/users/{user['id']}").status_code == 204
    assert graph(harness, "GET", f"/users/{user['id']}").status_code == 404
    deleted = graph(harness, "GET", "/directory/deletedItems/microsoft.graph.user").json()
    assert [u["id"] for u in deleted["value"]] == [user["id"]]
    restored = graph(harness, "POST", f"/directory/deletedItems/{user['id']}/restore")
    assert restored.status_code == 200
    assert graph(harness, "GET", f"/users/{user['id']}").status_code == 200
    graph(harness, "DELETE", f"/users/{user['id']}")
    assert graph(harness, "DELETE", f"/directory/deletedItems/{user['id']}").status_code == 204
    assert (
        graph(harness, "POST", f"/directory/deletedItems/{user['id']}/restore").status_code == 404
    )


def test_groups_with_members_and_group_assignment(harness: Harness) -> None:
    user = harness.admin.create_user("pw", userPrincipalName="g@contoso.com", displayName="G")
    group = graph(
        harness, "POST", "/groups", json={"displayName": "Sales", "securityEnabled": True}
    ).json()
    ref = {"@odata.id": f"https://graph.microsoft.com/v1.0/directoryObjects/{user['id']}"}
    assert (
        graph(harness, "POST", f"/groups/{group['id']}/members/$ref", json=ref).status_code == 204
    )
    again = graph(harness, "POST", f"/groups/{group['id']}/members/$ref", json=ref)
    assert again.status_code == 400
    members = graph(harness, "GET", f"/groups/{group['id']}/members").json()["value"]
    assert [m["id"] for m in members] == [user["id"]]
    app = harness.admin.add_gallery_app("RingCentral")
    harness.admin.assign(app, group["id"])
    assignments = graph(
        harness, "GET", f"/servicePrincipals/{app.service_principal_id}/appRoleAssignedTo"
    ).json()
    assert assignments["value"][0]["principalType"] == "Group"
    assert assignments["value"][0]["principalDisplayName"] == "Sales"


def test_an_identifier_belongs_to_one_app_only(harness: Harness) -> None:
    first = harness.admin.add_gallery_app("RingCentral")
    harness.admin.configure_saml(
        first, ["https://sso.ringcentral.com"], ["https://sso.ringcentral.com/sp/ACS.saml2"]
    )
    second = harness.admin.add_gallery_app("RingCentral", "RingCentral 2")
    with pytest.raises(GraphError, match="identifierUris already exists"):
        harness.admin.configure_saml(
            second, ["https://sso.ringcentral.com"], ["https://sso.ringcentral.com/sp/ACS.saml2"]
        )


def test_metadata_upload_fills_identifier_and_reply_url(harness: Harness) -> None:
    """Tutorial 000: RingCentral's SP metadata, uploaded into Basic SAML Configuration."""
    app = harness.admin.add_gallery_app("RingCentral")
    sp_metadata = harness.console("RingCentral").sp_metadata("eu")
    response = admin_center(
        harness, "POST", f"/{app.app_id}/saml/basic/metadata", content=sp_metadata
    )
    basic = response.json()["basicSamlConfiguration"]
    assert basic["identifiers"] == ["https://ssoeuro.ringcentral.com"]
    assert basic["replyUrls"] == [
        {"url": "https://ssoeuro.ringcentral.com/sp/ACS.saml2", "index": 0, "isDefault": True}
    ]
    bad = admin_center(harness, "POST", f"/{app.app_id}/saml/basic/metadata", content=b"<x/>")
    assert bad.status_code == 400


def test_certificate_rollover_and_downloads(harness: Harness) -> None:
    app = harness.admin.add_gallery_app("RingCentral")
    first = harness.admin.configure_saml(
        app, ["https://sso.ringcentral.com"], ["https://sso.ringcentral.com/sp/ACS.saml2"]
    )
    created = admin_center(harness, "POST", f"/{app.app_id}/saml/certificates")
    assert created.status_code == 201 and created.json()["active"] is False
    metadata = harness.admin.app_federation_metadata(app)
    assert metadata.count(first["key"].encode()) >= 1
    assert metadata.count(created.json()["key"].encode()) >= 1, "rollover lists both"
    raw = admin_center(harness, "GET", f"/{app.app_id}/saml/certificates/{first['thumbprint']}/raw")
    certificate = x509.load_der_x509_certificate(raw.content)
    assert certificate.subject.rfc4514_string() == "CN=Microsoft Azure Federated SSO Certificate"
    assert certificate.public_key().key_size == 2048
    lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
    assert 3 * 365 - 1 <= lifetime.days <= 3 * 366
    pem = admin_center(
        harness, "GET", f"/{app.app_id}/saml/certificates/{first['thumbprint']}/base64"
    ).content
    assert pem.startswith(b"-----BEGIN CERTIFICATE-----\r\n")
    activated = admin_center(
        harness, "POST", f"/{app.app_id}/saml/certificates/{created.json()['thumbprint']}/activate"
    ).json()
    active = [c for c in activated["samlSigningCertificate"]["certificates"] if c["active"]]
    assert [c["thumbprint"] for c in active] == [created.json()["thumbprint"]]


def test_claims_are_edited_and_restricted_claims_refused(harness: Harness) -> None:
    app = harness.admin.add_gallery_app("RingCentral")
    added = admin_center(
        harness,
        "POST",
        f"/{app.app_id}/saml/claims",
        json={"name": "OrganizationName", "constant": "Contoso"},
    )
    assert added.status_code == 201 and added.json()["claimType"] == "OrganizationName"
    duplicate = admin_center(
        harness,
        "POST",
        f"/{app.app_id}/saml/claims",
        json={"name": "OrganizationName", "constant": "Contoso"},
    )
    assert duplicate.status_code == 400
    restricted = admin_center(
        harness,
        "POST",
        f"/{app.app_id}/saml/claims",
        json={
            "name": "role",
            "namespace": "http://schemas.microsoft.com/ws/2008/06/identity/claims",
            "source": "user.department",
        },
    )
    assert restricted.status_code == 400 and "restricted" in restricted.json()["error"]["message"]
    edited = admin_center(
        harness,
        "PUT",
        f"/{app.app_id}/saml/claims/{XMLSOAP}/givenname",
        json={
            "name": "givenname",
            "namespace": XMLSOAP,
            "source": "user.givenname",
            "transformations": [{"method": "ToUppercase"}],
        },
    )
    assert edited.status_code == 200
    removed = admin_center(harness, "DELETE", f"/{app.app_id}/saml/claims/{XMLSOAP}/surname")
    assert removed.status_code == 204
    claims = admin_center(harness, "GET", f"/{app.app_id}/saml").json()["attributesAndClaims"]
    assert [c["claimType"] for c in claims["claims"]] == [
        f"{XMLSOAP}/givenname",
        f"{XMLSOAP}/emailaddress",
        f"{XMLSOAP}/name",
        "OrganizationName",
    ]


def test_claims_mapping_policy_through_graph(harness: Harness) -> None:
    app = harness.admin.add_gallery_app("RingCentral")
    definition = json.dumps(
        {
            "ClaimsMappingPolicy": {
                "Version": 1,
                "IncludeBasicClaimSet": "false",
                "ClaimsSchema": [
                    {
                        "Source": "user",
                        "ID": "employeeid",
                        "SamlClaimType": "http://contoso.com/employeeid",
                    }
                ],
            }
        }
    )
    policy = graph(
        harness,
        "POST",
        "/policies/claimsMappingPolicies",
        json={"definition": [definition], "displayName": "EmployeeId"},
    ).json()
    ref = {
        "@odata.id": f"https://graph.microsoft.com/v1.0/policies/claimsMappingPolicies/{policy['id']}"
    }
    assigned = graph(
        harness,
        "POST",
        f"/servicePrincipals/{app.service_principal_id}/claimsMappingPolicies/$ref",
        json=ref,
    )
    assert assigned.status_code == 204
    claims = admin_center(harness, "GET", f"/{app.app_id}/saml").json()["attributesAndClaims"]
    assert [c["claimType"] for c in claims["claims"]] == ["http://contoso.com/employeeid"]
    bad = graph(
        harness,
        "POST",
        "/policies/claimsMappingPolicies",
        json={"definition": ["{not json"], "displayName": "Bad"},
    )
    assert bad.status_code == 400
