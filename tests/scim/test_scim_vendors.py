"""Each vendor's SCIM endpoint differs from the generic profile only where documented (§9)."""

# Served by the stack at the tutorial URLs (ENTRA-BEHAVIOUR §9); one test per difference.

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
import pytest

from gallery import ScimProfile, load_gallery
from harness.clients.session import Harness

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
SITE = "urn:ietf:params:scim:schemas:extension:8x8:1.1:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

# Every field where a vendor's profile differs from the generic one, and why: the test below
# fails when a profile grows an undocumented difference.
DOCUMENTED = {
    "ringcentral": {
        "tenant_url": "tutorials 001/003",
        "resource_types": "OpenAPI: /Users only",
        "discovery": "OpenAPI: ServiceProviderConfig, no Schemas or ResourceTypes",
        "health_path": "OpenAPI: /scim/v2/health",
        "root_search": "OpenAPI: /Users/.search only",
        "filter_attributes": "OpenAPI: only 'userName' or 'email' filter expressions",
        "filter_aliases": "OpenAPI: 'email' filter expressions",
        "unique_attributes": "ENTRA-BEHAVIOUR §9: 409 = duplicate email",
        "defaults": "ENTRA-BEHAVIOUR §9: active defaults to false",
        "rules": "ENTRA-BEHAVIOUR §9: userName must equal the work email",
        "user_attributes": "OpenAPI user schema",
        "enterprise_attributes": "ENTRA-BEHAVIOUR §9: enterprise extension only department",
        "allowed_types": "ENTRA-BEHAVIOUR §9: email work, phone work/mobile/other, address work",
        "page_size": "OpenAPI: count defaults to 100",
        "rate_limits": "developers.ringcentral.com API Rate Limits",
    },
    "8x8": {
        "tenant_url": "8x8 SCIM API: /udi/customers/{id}/scim/v2",
        "customer_id": "8x8 SCIM API: the URL names the customer",
        "resource_types": "8x8 SCIM API: Users only",
        "delete": "8x8 SCIM API: DELETE deactivates",
        "max_values": "8x8 SCIM API: only one email address",
        "required_attributes": "8x8 SCIM API: first and last name mandatory",
        "single_write_client": "8x8 SCIM API: one client for POST/PATCH/PUT/DELETE",
        "user_extensions": "ENTRA-BEHAVIOUR §9: the site extension",
        "schemas": "ENTRA-BEHAVIOUR §9: the site extension, immutable after create",
    },
    "genesys_cloud": {
        "tenant_url": "Genesys Cloud SCIM: /api/v2/scim/v2",
        "methods": "ENTRA-BEHAVIOUR §9: groups can only be read and patched",
        "unfiltered_list": "ENTRA-BEHAVIOUR §9: an unfiltered list returns only active users",
        "version_mismatch": "ENTRA-BEHAVIOUR §9: ETag mismatch answers 400 invalidVers",
        "enterprise_attributes": "ENTRA-BEHAVIOUR §9: division, department, manager, employeeNumber",
    },
}


def test_vendor_profiles_differ_from_the_generic_one_only_where_documented() -> None:
    generic = ScimProfile()
    for key, app in load_gallery().items():
        profile = app.scim_profile
        assert profile is not None
        differing = {
            field.name
            for field in dataclasses.fields(ScimProfile)
            if getattr(profile, field.name) != getattr(generic, field.name)
        }
        assert differing == set(DOCUMENTED[key]), key


class VendorScim:
    """The vendor's SCIM endpoint over HTTPS at its tutorial URL (through the host map)."""

    def __init__(self, harness: Harness, key: str) -> None:
        self.harness = harness
        self.vendor = harness.stack.vendors[key]
        assert self.vendor.scim is not None
        self.base_url = harness.stack.describe()["scim_tenant_urls"][key]
        self.token = harness.stack.describe()["credentials"]["scim_tokens"][key]

    def __call__(self, method: str, path: str, body: Any = None, **headers: str) -> httpx.Response:
        response = self.harness.http.request(
            method,
            self.base_url + path,
            json=body,
            headers={"Authorization": f"Bearer {self.token}", **headers},
        )
        if response.content:
            assert response.headers["content-type"] == "application/scim+json", response.text
        return response

    def query(self, filter_text: str) -> httpx.Response:
        return self.harness.http.get(
            self.base_url + "/Users",
            params={"filter": filter_text},
            headers={"Authorization": f"Bearer {self.token}"},
        )

    def create(self, body: dict[str, Any], **headers: str) -> httpx.Response:
        return self("POST", "/Users", {"schemas": [USER, ENTERPRISE], **body}, **headers)

    def patch(self, path: str, *operations: dict[str, Any], **headers: str) -> httpx.Response:
        return self(
            "PATCH", path, {"schemas": [PATCH_OP], "Operations": list(operations)}, **headers
        )


def person(email: str, **extra: Any) -> dict[str, Any]:
    return {
        "userName": email,
        "emails": [{"value": email, "type": "work", "primary": True}],
        "name": {"givenName": "B", "familyName": "Simon"},
        **extra,
    }


@pytest.fixture
def ringcentral(harness: Harness) -> VendorScim:
    return VendorScim(harness, "ringcentral")


@pytest.fixture
def eight(harness: Harness) -> VendorScim:
    return VendorScim(harness, "8x8")


@pytest.fixture
def genesys(harness: Harness) -> VendorScim:
    return VendorScim(harness, "genesys_cloud")


def test_the_scim_hosts_are_served_with_tokens(harness: Harness) -> None:
    info = harness.stack.describe()
    assert info["scim_tenant_urls"]["ringcentral"] == "https://platform.ringcentral.com/scim/v2"
    assert info["scim_tenant_urls"]["genesys_cloud"] == "https://api.mypurecloud.com/api/v2/scim/v2"
    assert info["scim_tenant_urls"]["8x8"].startswith("https://platform.8x8.com/udi/customers/")
    for key, url in info["scim_tenant_urls"].items():
        token = info["credentials"]["scim_tokens"][key]
        ok = harness.http.get(f"{url}/Users", headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200, key
        refused = harness.http.get(f"{url}/Users", headers={"Authorization": "Bearer nope"})
        assert refused.status_code == 401 and refused.json()["status"] == "401"


# RingCentral
def test_ringcentral_serves_users_config_search_and_health_only(ringcentral: VendorScim) -> None:
    assert ringcentral("GET", "/ServiceProviderConfig").status_code == 200
    for path in ("/Groups", "/Schemas", "/ResourceTypes"):
        assert ringcentral("GET", path).status_code == 404, path
    assert ringcentral("POST", "/.search", {"filter": "userName pr"}).status_code == 404
    assert ringcentral("POST", "/Users/.search", {"filter": "userName pr"}).status_code == 200
    health = ringcentral.harness.http.get(ringcentral.base_url + "/health")
    assert (health.status_code, health.content) == (200, b"")


def test_ringcentral_filters_on_username_or_email_only(ringcentral: VendorScim) -> None:
    created = ringcentral.create(person("b.simon@contoso.com", active=True)).json()
    for text in (
        'userName eq "B.Simon@contoso.com"',
        'emails[type eq "work"].value eq "b.simon@contoso.com"',
        'email eq "b.simon@contoso.com"',
    ):
        found = ringcentral.query(text)
        assert [u["id"] for u in found.json()["Resources"]] == [created["id"]], text
    refused = ringcentral.query('externalId eq "bsimon"')
    assert refused.status_code == 400 and refused.json()["scimType"] == "invalidFilter"


def test_ringcentral_username_must_equal_the_work_email(ringcentral: VendorScim) -> None:
    refused = ringcentral.create(person("b.simon@contoso.com") | {"userName": "bsimon"})
    assert refused.status_code == 400 and refused.json()["scimType"] == "invalidValue"
    user = ringcentral.create(person("b.simon@contoso.com")).json()
    renamed = ringcentral.patch(
        f"/Users/{user['id']}", {"op": "Replace", "path": "userName", "value": "other@contoso.com"}
    )
    assert renamed.status_code == 400 and renamed.json()["scimType"] == "invalidValue"


def test_ringcentral_a_duplicate_email_is_409(ringcentral: VendorScim) -> None:
    ringcentral.create(person("b.simon@contoso.com"))
    again = ringcentral.create(person("B.Simon@Contoso.com"))
    assert again.status_code == 409 and again.json()["scimType"] == "uniqueness"


def test_ringcentral_active_defaults_to_false(ringcentral: VendorScim) -> None:
    assert ringcentral.create(person("a@contoso.com")).json()["active"] is False
    assert ringcentral.create(person("b@contoso.com", active=True)).json()["active"] is True


def test_ringcentral_keeps_only_its_schema(ringcentral: VendorScim) -> None:
    """Email types work only; displayName (dropped from the connector in 2020) and enterprise
    attributes other than department are not kept."""
    home = person("a@contoso.com")
    home["emails"].append({"value": "a@home.example", "type": "home"})
    refused = ringcentral.create(home)
    assert refused.status_code == 400 and refused.json()["scimType"] == "invalidValue"
    kept = ringcentral.create(
        person(
            "b@contoso.com",
            displayName="B Simon",
            title="Rep",
            **{ENTERPRISE: {"department": "Sales", "costCenter": "42"}},
        )
    ).json()
    assert "displayName" not in kept and kept["title"] == "Rep"
    assert kept[ENTERPRISE] == {"department": "Sales"}


def test_ringcentral_pages_by_100(ringcentral: VendorScim) -> None:
    store = ringcentral.vendor.scim.store  # type: ignore[union-attr]
    for i in range(101):
        store.create(
            "User", {"schemas": [USER], "userName": f"u{i}@contoso.com"}, [], "2026-01-01T00:00:00Z"
        )
    listed = ringcentral("GET", "/Users").json()
    assert (listed["totalResults"], listed["itemsPerPage"]) == (101, 100)


def test_ringcentral_usage_plan_limits_with_the_penalty_rule(ringcentral: VendorScim) -> None:
    """Heavy (writes) 10 a minute; the 11th gets 429 with Retry-After and starts a 60 s penalty
    during which every write is refused; reads (Light) count apart. Off until switched on."""
    harness = ringcentral.harness
    for i in range(12):
        assert ringcentral.create(person(f"free{i}@contoso.com")).status_code == 201
    switched = harness.http.post(
        "https://platform.ringcentral.com/_mock/scim/rate-limits", json={"enforced": True}
    )
    assert switched.json()["enforced"] is True
    harness.clock(freeze=True)
    statuses = [ringcentral.create(person(f"u{i}@contoso.com")).status_code for i in range(10)]
    assert statuses == [201] * 10
    limited = ringcentral.create(person("late@contoso.com"))
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "60"
    assert limited.headers["X-Rate-Limit-Group"] == "Heavy"
    assert limited.json()["status"] == "429"
    read = ringcentral("GET", "/Users?count=1")
    assert read.status_code == 200 and read.headers["X-Rate-Limit-Group"] == "Light"
    harness.clock(advance_seconds=45)
    penalised = ringcentral.create(person("still@contoso.com"))
    assert penalised.status_code == 429 and penalised.headers["Retry-After"] == "15"
    harness.clock(advance_seconds=15)
    assert ringcentral.create(person("again@contoso.com")).status_code == 201


# 8x8
def test_8x8_answers_only_for_its_customer(eight: VendorScim) -> None:
    assert "/udi/customers/0012a00000HarnesS/scim/v2" in eight.base_url
    other = eight.harness.http.get(
        "https://platform.8x8.com/udi/customers/someone-else/scim/v2/Users",
        headers={"Authorization": f"Bearer {eight.token}"},
    )
    assert other.status_code == 404 and other.json()["status"] == "404"
    assert eight("GET", "/Groups").status_code == 404


def test_8x8_delete_deactivates(eight: VendorScim) -> None:
    user = eight.create(person("b.simon@contoso.com", active=True)).json()
    assert eight("DELETE", f"/Users/{user['id']}").status_code == 204
    kept = eight("GET", f"/Users/{user['id']}")
    assert kept.status_code == 200 and kept.json()["active"] is False


def test_8x8_one_email_and_both_names(eight: VendorScim) -> None:
    two = person("a@contoso.com")
    two["emails"].append({"value": "a@home.example", "type": "home"})
    assert eight.create(two).json()["scimType"] == "invalidValue"
    nameless = eight.create({"userName": "b@contoso.com", "name": {"givenName": "B"}})
    assert nameless.status_code == 400 and "familyName" in nameless.json()["detail"]


def test_8x8_site_is_immutable_after_create(eight: VendorScim) -> None:
    body = person("b.simon@contoso.com", **{SITE: {"site": {"id": "s1", "name": "HQ"}}})
    response = eight("POST", "/Users", {"schemas": [USER, SITE], **body})
    assert response.status_code == 201, response.json()
    user = response.json()
    assert user[SITE] == {"site": {"id": "s1", "name": "HQ"}}
    moved = eight.patch(
        f"/Users/{user['id']}", {"op": "replace", "path": f"{SITE}:site.id", "value": "s2"}
    )
    assert moved.status_code == 400 and moved.json()["scimType"] == "mutability"
    replaced = eight(
        "PUT",
        f"/Users/{user['id']}",
        {"schemas": [USER, SITE], **body, SITE: {"site": {"id": "s2"}}},
    )
    assert replaced.status_code == 400 and replaced.json()["scimType"] == "mutability"
    schemas = [s["id"] for s in eight("GET", "/Schemas").json()["Resources"]]
    assert SITE in schemas


def test_8x8_one_client_writes(eight: VendorScim) -> None:
    entra = {"User-Agent": "Microsoft Entra provisioning"}
    other = {"User-Agent": "Okta SCIM client"}
    assert eight.create(person("a@contoso.com"), **entra).status_code == 201
    refused = eight.create(person("b@contoso.com"), **other)
    assert refused.status_code == 403 and refused.json()["status"] == "403"
    assert eight("GET", "/Users", **other).status_code == 200, "other clients may read"
    assert eight.create(person("c@contoso.com"), **entra).status_code == 201


# Genesys Cloud
def test_genesys_groups_are_read_and_patched_only(genesys: VendorScim) -> None:
    refused = genesys("POST", "/Groups", {"schemas": [GROUP], "displayName": "Sales"})
    assert refused.status_code == 405 and refused.json()["status"] == "405"
    seeded = genesys.harness.http.post(
        "https://api.mypurecloud.com/_mock/scim/Group",
        json={"schemas": [GROUP], "displayName": "Sales"},
    )
    assert seeded.status_code == 201, seeded.text
    group = seeded.json()
    user = genesys.create(person("b.simon@contoso.com")).json()
    added = genesys.patch(
        f"/Groups/{group['id']}", {"op": "Add", "path": "members", "value": [{"value": user["id"]}]}
    )
    assert added.status_code == 200
    assert genesys("GET", f"/Groups/{group['id']}").json()["members"][0]["value"] == user["id"]
    assert genesys("DELETE", f"/Groups/{group['id']}").status_code == 405
    assert (
        genesys(
            "PUT", f"/Groups/{group['id']}", {"schemas": [GROUP], "displayName": "x"}
        ).status_code
        == 405
    )


def test_genesys_unfiltered_lists_show_active_users_only(genesys: VendorScim) -> None:
    active = genesys.create(person("a@contoso.com", active=True)).json()
    inactive = genesys.create(person("b@contoso.com", active=False)).json()
    listed = genesys("GET", "/Users").json()
    assert [u["id"] for u in listed["Resources"]] == [active["id"]]
    filtered = genesys.query('userName eq "b@contoso.com"')
    assert [u["id"] for u in filtered.json()["Resources"]] == [inactive["id"]]


def test_genesys_a_stale_if_match_is_400_invalid_vers(genesys: VendorScim) -> None:
    user = genesys.create(person("a@contoso.com")).json()
    replace = {"op": "replace", "path": "title", "value": "Agent"}
    assert (
        genesys.patch(f"/Users/{user['id']}", replace, **{"If-Match": 'W/"1"'}).status_code == 200
    )
    stale = genesys.patch(f"/Users/{user['id']}", replace, **{"If-Match": 'W/"1"'})
    assert stale.status_code == 400 and stale.json()["scimType"] == "invalidVers"


def test_genesys_enterprise_extension_has_its_four_attributes(genesys: VendorScim) -> None:
    enterprise = {
        "division": "EMEA",
        "department": "Sales",
        "employeeNumber": "7",
        "costCenter": "42",
    }
    user = genesys.create(person("a@contoso.com", **{ENTERPRISE: enterprise})).json()
    assert user[ENTERPRISE] == {"division": "EMEA", "department": "Sales", "employeeNumber": "7"}
    schema = genesys("GET", f"/Schemas/{ENTERPRISE}").json()
    assert sorted(a["name"] for a in schema["attributes"]) == [
        "department",
        "division",
        "employeeNumber",
        "manager",
    ]


def test_reset_clears_every_vendors_scim_state(harness: Harness, ringcentral: VendorScim) -> None:
    ringcentral.create(person("a@contoso.com"))
    harness.http.post(
        "https://platform.ringcentral.com/_mock/scim/rate-limits", json={"enforced": True}
    )
    harness.stack.reset()
    assert ringcentral("GET", "/Users").json()["totalResults"] == 0
    log = harness.http.get("https://platform.ringcentral.com/_mock/requests").json()["requests"]
    assert [entry["url"] for entry in log] == [ringcentral.base_url + "/Users"]
    assert (
        harness.http.get("https://platform.ringcentral.com/_mock/scim").json()["rate_limits"][
            "enforced"
        ]
        is False
    )
