"""Issue 17 F2: wrong JSON types and 100,000-deep bodies answered 400 in each API's error shape
(Graph's OData error, the admin API's, the controls'), never 500."""

from __future__ import annotations

from typing import Any

import pytest

from harness.clients.session import Harness

GRAPH = "https://graph.microsoft.com/v1.0"
ADMIN_API = "https://entra.microsoft.com/api/enterpriseApps"
CONTROL = "https://login.microsoftonline.com/_mock"
DEEP = "[" * 100_000 + "]" * 100_000


def graph_headers(harness: Harness) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {harness.stack.tenant.admin_token}",
        "Content-Type": "application/json",
    }


def odata_error(response: Any, status: int = 400) -> dict[str, Any]:
    """The response is `{"error": {"code", "message"}}` with `status`."""
    assert response.status_code == status, (response.status_code, response.text[:300])
    error = response.json()["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    return error  # type: ignore[no-any-return]


@pytest.fixture
def ids(harness: Harness) -> dict[str, str]:
    user = harness.admin.create_user(
        "Passw0rd!x", userPrincipalName="t@contoso.example", displayName="T"
    )
    app = harness.admin.add_gallery_app("RingCentral")
    return {"user": user["id"], "sp": app.service_principal_id, "app": app.app_id}


def test_graph_wrong_types_are_400_in_odata_shape(harness: Harness, ids: dict[str, str]) -> None:
    headers = graph_headers(harness)
    cases = [
        ("POST", "/users", {"passwordProfile": "x"}),
        ("POST", "/users", {"userPrincipalName": 5, "displayName": "x"}),
        ("PATCH", f"/users/{ids['user']}", {"accountEnabled": "maybe"}),
        ("PATCH", f"/users/{ids['user']}", {"businessPhones": "555"}),
        ("PATCH", f"/users/{ids['user']}", {"passwordProfile": ["x"]}),
        ("POST", "/applicationTemplates/x/instantiate", [1]),
        ("POST", f"/servicePrincipals/{ids['sp']}/addTokenSigningCertificate", [1]),
        ("POST", f"/servicePrincipals/{ids['sp']}/addTokenSigningCertificate", {"endDateTime": 1}),
        ("PATCH", f"/servicePrincipals/{ids['sp']}", {"tags": 5}),
        ("POST", "/groups", {"displayName": "g", "members@odata.bind": "x"}),
    ]
    for method, path, body in cases:
        response = harness.http.request(method, GRAPH + path, headers=headers, json=body)
        error = odata_error(response)
        assert "Invalid value" in error["message"] or "JSON object" in error["message"], error


def test_graph_names_the_wrong_property(harness: Harness) -> None:
    response = harness.http.post(
        f"{GRAPH}/users", headers=graph_headers(harness), json={"passwordProfile": "x"}
    )
    assert odata_error(response)["message"].startswith(
        "Invalid value specified for property 'passwordProfile' of resource 'user'"
    )


def test_admin_api_wrong_types_are_400(harness: Harness, ids: dict[str, str]) -> None:
    headers = graph_headers(harness)
    basic = f"{ADMIN_API}/{ids['app']}/saml/basic"
    for body in (
        {"replyUrls": ["x"]},
        {"replyUrls": [{"url": "https://a.example/acs", "index": "first"}]},
        {"identifiers": 5},
        {"signOnUrl": ["x"]},
    ):
        odata_error(harness.http.patch(basic, headers=headers, json=body))
    claims = f"{ADMIN_API}/{ids['app']}/saml/claims"
    odata_error(harness.http.post(claims, headers=headers, json={"transformations": [1]}))
    properties = f"{ADMIN_API}/{ids['app']}/properties"
    odata_error(harness.http.patch(properties, headers=headers, json={"visibleToUsers": []}))


def test_100000_deep_json_is_400_everywhere(harness: Harness, ids: dict[str, str]) -> None:
    headers = graph_headers(harness)
    for method, url in (
        ("POST", f"{GRAPH}/users"),
        ("PATCH", f"{GRAPH}/users/{ids['user']}"),
        ("POST", f"{GRAPH}/groups"),
        ("PATCH", f"{ADMIN_API}/{ids['app']}/saml/basic"),
        ("POST", f"{CONTROL}/clock"),
        ("POST", f"{CONTROL}/next-response"),
    ):
        response = harness.http.request(method, url, headers=headers, content='{"a":' + DEEP + "}")
        odata_error(response)
    page = harness.http.post(
        "https://login.microsoftonline.com/common/GetCredentialType",
        headers={"Content-Type": "application/json"},
        content=DEEP,
    )
    assert page.status_code == 200
    assert page.json()["IfExistsResult"] == 1


@pytest.mark.parametrize(
    "body",
    [[1], {"set": "garbage"}, {"advance_seconds": "x"}, {"advance_seconds": 1e300}, {"set": 5}],
)
def test_the_clock_control_refuses_bad_bodies(harness: Harness, body: Any) -> None:
    before = harness.clock()
    odata_error(harness.http.post(f"{CONTROL}/clock", json=body))
    assert harness.clock()["frozen"] == before["frozen"]


def test_since_must_be_a_count(harness: Harness) -> None:
    odata_error(harness.http.get(f"{CONTROL}/saml-log?since=abc"))
    odata_error(harness.http.get(f"{CONTROL}/provisioning/requests?since=-1"))
    host = harness.gallery_app("RingCentral").sso.regions[0].host
    odata_error(harness.http.get(f"https://{host}/_mock/requests?since=abc"))


def test_a_body_over_the_limit_is_413_in_each_apis_shape(harness: Harness) -> None:
    """Deliver 1: bodies past 1 MB refused before they are read, in the API's error shape."""
    big = '{"displayName": "' + "x" * (2 << 20) + '"}'
    error = odata_error(
        harness.http.post(f"{GRAPH}/groups", headers=graph_headers(harness), content=big), 413
    )
    assert error["code"] == "RequestEntityTooLarge"
    json_type = {"Content-Type": "application/json"}
    odata_error(
        harness.http.post(f"{CONTROL}/next-response", headers=json_type, content=big * 9), 413
    )
