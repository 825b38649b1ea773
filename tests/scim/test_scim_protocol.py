"""The generic (strict RFC 7643 / 7644) SCIM profile: check_server, then each rule Entra relies on."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from scim2_client.engines.wsgi import WSGISCIMClient
from scim2_models import Context, EnterpriseUser, Group, SCIMException, User
from scim2_models.base import BaseModel
from scim2_tester import check_server
from scim2_tester.utils import Status
from werkzeug.test import Client, TestResponse

from gallery import ScimProfile
from mock_kernel.clock import Clock
from mock_kernel.control import create_control_app
from mock_scim.control import add_scim_controls
from mock_scim.patching import ENTRA_POLICY
from mock_scim.target import ScimTarget
from mock_scim.validation import read_request
from mock_scim.web import create_scim_app

ROOT, PREFIX = "https://scim.example.test", "/scim/v2"
BASE = ROOT + PREFIX
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
ADSCIM_GROUP = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


class Scim:
    """A SCIM client of the in-process endpoint that checks every response's media type."""

    def __init__(self, target: ScimTarget) -> None:
        self.target = target
        self.http = Client(create_scim_app(target))
        self.headers = {"Authorization": f"Bearer {target.token}"}

    def __call__(self, method: str, path: str, body: Any = None, **headers: str) -> TestResponse:
        response = self.http.open(
            PREFIX + path,
            base_url=ROOT,
            method=method,
            data=None if body is None else json.dumps(body),
            headers={**self.headers, "Content-Type": "application/scim+json", **headers},
        )
        if response.data:
            assert response.content_type == "application/scim+json", response.data
        return response

    def create_user(self, user_name: str, **attributes: Any) -> dict[str, Any]:
        body = {"schemas": [USER, ENTERPRISE], "userName": user_name, **attributes}
        response = self("POST", "/Users", body)
        assert response.status_code == 201, response.json
        return response.json  # type: ignore[no-any-return]

    def patch(self, path: str, *operations: dict[str, Any], **headers: str) -> TestResponse:
        return self(
            "PATCH", path, {"schemas": [PATCH_OP], "Operations": list(operations)}, **headers
        )

    def filter(self, text: str, path: str = "/Users", **query: str) -> dict[str, Any]:
        response = self.http.get(
            PREFIX + path,
            base_url=ROOT,
            query_string={"filter": text, **query},
            headers=self.headers,
        )
        assert response.status_code == 200, response.json
        return response.json  # type: ignore[no-any-return]


@pytest.fixture
def scim() -> Iterator[Scim]:
    target = ScimTarget("generic", ScimProfile(), Clock())
    yield Scim(target)
    target.close()


def bjensen(scim: Scim, **overrides: Any) -> dict[str, Any]:
    """RFC 7643 §8.2's full user, as Entra would send it (work email primary, enterprise)."""
    attributes = {
        "externalId": "bjensen",
        "name": {
            "givenName": "Barbara",
            "familyName": "Jensen",
            "formatted": "Ms. Barbara J Jensen",
        },
        "displayName": "Babs Jensen",
        "title": "Tour Guide",
        "active": True,
        "emails": [
            {"value": "bjensen@example.com", "type": "work", "primary": True},
            {"value": "babs@jensen.org", "type": "home"},
        ],
        "phoneNumbers": [{"value": "555-555-8377", "type": "work"}],
        ENTERPRISE: {"employeeNumber": "701984", "department": "Tour Operations"},
        **overrides,
    }
    return scim.create_user("bjensen@example.com", **attributes)


def test_the_generic_profile_passes_scim2_testers_check_server() -> None:
    target = ScimTarget("generic", ScimProfile(), Clock())
    client = WSGISCIMClient(
        create_scim_app(target),
        base_url=BASE,
        headers={"Authorization": f"Bearer {target.token}"},
    )
    results = check_server(client)
    failures = [
        (r.status.name, r.title, r.resource_type, r.reason)
        for r in results
        if r.status in (Status.ERROR, Status.CRITICAL, Status.DEVIATION)
    ]
    assert failures == []
    counts = Counter(r.status for r in results)
    assert counts[Status.SUCCESS] >= 100, counts
    target.close()


def test_test_connection_finds_nothing_with_200_and_an_empty_list(scim: Scim) -> None:
    """ENTRA-BEHAVIOUR §8: GET /Users?filter=userName eq "<guid>" must answer 200, empty."""
    body = scim.filter('userName eq "4b1c2f6e-9c63-4f0f-b1f5-0a1d2e3f4a5b"')
    assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:ListResponse"]
    assert (body["totalResults"], body["Resources"]) == (0, [])
    assert (
        scim.filter('displayName eq "Sales"', "/Groups", excludedAttributes="members")[
            "totalResults"
        ]
        == 0
    )


def test_create_answers_201_with_location_etag_and_the_resource(scim: Scim) -> None:
    response = scim(
        "POST",
        "/Users",
        {
            "schemas": [USER, ENTERPRISE],
            "externalId": "bsimon",
            "userName": "B.Simon@contoso.com",
            "active": True,
            "emails": [{"primary": True, "type": "work", "value": "B.Simon@contoso.com"}],
            "meta": {"resourceType": "User"},
            "name": {"formatted": "B Simon", "familyName": "Simon", "givenName": "B"},
            "password": "never returned",
        },
    )
    assert response.status_code == 201
    user = response.json
    assert response.headers["Location"] == f"{BASE}/Users/{user['id']}" == user["meta"]["location"]
    assert response.headers["ETag"] == user["meta"]["version"] == 'W/"1"'
    assert user["meta"]["resourceType"] == "User" and user["userName"] == "B.Simon@contoso.com"
    assert "password" not in user, "RFC 7643 §4.1.1: returned never"
    assert scim("GET", f"/Users/{user['id']}").json == user


def test_a_taken_username_is_409_uniqueness_whatever_its_case(scim: Scim) -> None:
    scim.create_user("bjensen@example.com")
    response = scim("POST", "/Users", {"schemas": [USER], "userName": "BJensen@Example.com"})
    assert response.status_code == 409
    assert response.json["scimType"] == "uniqueness"
    assert response.json["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert response.json["status"] == "409"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ('userName eq "BJENSEN@example.com"', True),
        ('userName ne "bjensen@example.com"', False),
        ('userName co "jensen"', True),
        ('userName sw "bjen"', True),
        ('userName ew "example.com"', True),
        ("title pr", True),
        ("nickName pr", False),
        ('meta.created gt "2000-01-01T00:00:00Z"', True),
        ('meta.lastModified ge "2000-01-01T00:00:00Z"', True),
        ('meta.created lt "2000-01-01T00:00:00Z"', False),
        ('meta.created le "2000-01-01T00:00:00Z"', False),
        ('title eq "Tour Guide" and active eq true', True),
        ('title eq "Nope" or userName sw "b"', True),
        ('not (title eq "Tour Guide")', False),
        ('(title eq "Nope" or title eq "Tour Guide") and not (active eq false)', True),
        ('emails[type eq "work"].value eq "bjensen@example.com"', True),
        ('emails[type eq "home" and value co "jensen.org"]', True),
        ('emails[type eq "work" and value eq "babs@jensen.org"]', False),
        ('emails co "babs@"', True),
        ('emails.type eq "home"', True),
        ('externalId eq "bjensen"', True),
        ('externalId eq "BJENSEN"', False),  # externalId is caseExact (RFC 7643 §3.1)
        (f'{ENTERPRISE}:employeeNumber eq "701984"', True),
        (f'{USER}:name.familyName eq "jensen"', True),
        ('name.givenName sw "Bar"', True),
    ],
)
def test_filters(scim: Scim, text: str, found: bool) -> None:
    """RFC 7644 §3.4.2.2 operators, grouping and value paths (Entra's `emails[…].value eq`)."""
    user = bjensen(scim)
    other = scim.create_user("someone@elsewhere.org", active=False)
    ids = [r["id"] for r in scim.filter(text)["Resources"]]
    assert (user["id"] in ids) is found, ids
    if "meta" not in text and "ne" not in text.split() and "not" not in text:
        assert other["id"] not in ids


@pytest.mark.parametrize(
    "text",
    [
        'userName eq "unterminated',
        'bogus eq "x"',
        "active gt true",  # §3.4.2.2: booleans cannot be ordered
        'name eq "x"',  # a complex attribute without `value`
        "userName eq 12",
    ],
)
def test_bad_filters_are_400_invalid_filter(scim: Scim, text: str) -> None:
    response = scim.http.get(
        PREFIX + "/Users", base_url=ROOT, query_string={"filter": text}, headers=scim.headers
    )
    assert response.status_code == 400
    assert response.json["scimType"] == "invalidFilter"


def test_entra_patch_requests_without_the_compliance_flag(scim: Scim) -> None:
    """ENTRA-BEHAVIOUR §8, default column: capitalised ops, "False" as a string, one Replace per
    value path, the manager as a plain id."""
    user = bjensen(scim)
    manager = scim.create_user("boss@example.com")
    path = f"/Users/{user['id']}"
    response = scim.patch(
        path,
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "b@example.org"},
        {"op": "Replace", "path": "name.givenName", "value": "Babs"},
        {"op": "Replace", "path": f"{ENTERPRISE}:employeeNumber", "value": "42"},
        {"op": "Add", "path": "nickName", "value": "Babs"},
        {"op": "Replace", "path": 'phoneNumbers[type eq "mobile"].value', "value": "+1 555"},
        {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": manager["id"]},
    )
    assert response.status_code == 200, response.json
    patched = response.json
    work = [e for e in patched["emails"] if e["type"] == "work"]
    assert [e["value"] for e in work] == ["b@example.org"]
    assert patched["name"]["givenName"] == "Babs" and patched["nickName"] == "Babs"
    assert {"value": "+1 555", "type": "mobile"} in patched["phoneNumbers"]
    assert patched[ENTERPRISE]["employeeNumber"] == "42"
    assert patched[ENTERPRISE]["manager"]["value"] == manager["id"]
    assert patched[ENTERPRISE]["manager"]["$ref"] == f"{BASE}/Users/{manager['id']}"
    assert patched["meta"]["version"] == 'W/"2"'
    disabled = scim.patch(path, {"op": "Replace", "path": "active", "value": "False"})
    assert disabled.status_code == 200 and disabled.json["active"] is False
    # "A disabled user must still be returned by GET and filter."
    assert scim.filter('userName eq "bjensen@example.com"')["totalResults"] == 1


def test_entra_patch_requests_with_the_compliance_flag(scim: Scim) -> None:
    """ENTRA-BEHAVIOUR §8, ?aadOptscim062020 column: lower-case ops, real booleans, a path-less
    replace whose value has dotted, URN and value-path keys."""
    user = bjensen(scim)
    path = f"/Users/{user['id']}"
    response = scim.patch(
        path,
        {
            "op": "replace",
            "value": {
                "name.givenName": "Barb",
                f"{ENTERPRISE}:department": "Sales",
                'emails[type eq "work"].value': "barb@example.com",
                "active": False,
            },
        },
    )
    assert response.status_code == 200, response.json
    patched = response.json
    assert patched["name"] == {**user["name"], "givenName": "Barb"}
    assert patched[ENTERPRISE]["department"] == "Sales"
    assert patched["active"] is False
    assert "barb@example.com" in [e["value"] for e in patched["emails"]]
    enabled = scim.patch(path, {"op": "replace", "path": "active", "value": True})
    assert enabled.json["active"] is True


def test_group_lifecycle_as_entra_drives_it(scim: Scim) -> None:
    """POST with the ADSCIM schema, members added by PATCH, removed by value or by filter."""
    first, second = bjensen(scim), scim.create_user("jsmith@example.com")
    created = scim(
        "POST",
        "/Groups",
        {"schemas": [GROUP, ADSCIM_GROUP], "displayName": "Sales", "externalId": "obj-1"},
    )
    assert created.status_code == 201, created.json
    path = f"/Groups/{created.json['id']}"
    added = scim.patch(
        path,
        {
            "op": "Add",
            "path": "members",
            "value": [{"$ref": None, "value": first["id"]}, {"value": second["id"]}],
        },
    )
    assert added.status_code in (200, 204)
    members = scim("GET", path).json["members"]
    assert sorted(m["value"] for m in members) == sorted([first["id"], second["id"]])
    scim.patch(path, {"op": "Remove", "path": "members", "value": [{"value": first["id"]}]})
    assert [m["value"] for m in scim("GET", path).json["members"]] == [second["id"]]
    scim.patch(path, {"op": "remove", "path": f'members[value eq "{second["id"]}"]'})
    assert "members" not in scim("GET", path).json
    found = scim.filter('displayName eq "sales"', "/Groups", excludedAttributes="members")
    assert [g["id"] for g in found["Resources"]] == [created.json["id"]]


def test_a_deleted_user_is_404_and_leaves_its_groups(scim: Scim) -> None:
    user = bjensen(scim)
    group = scim(
        "POST",
        "/Groups",
        {"schemas": [GROUP], "displayName": "g", "members": [{"value": user["id"]}]},
    ).json
    assert scim("DELETE", f"/Users/{user['id']}").status_code == 204
    missing = scim("GET", f"/Users/{user['id']}")
    assert missing.status_code == 404 and missing.json["status"] == "404"
    assert "members" not in scim("GET", f"/Groups/{group['id']}").json
    assert scim("DELETE", f"/Users/{user['id']}").status_code == 404


def test_put_replaces_keeps_id_and_refuses_changing_an_immutable_value(scim: Scim) -> None:
    user = bjensen(scim)
    replaced = scim(
        "PUT", f"/Users/{user['id']}", {"schemas": [USER], "userName": "babs@example.com"}
    )
    assert replaced.status_code == 200, replaced.json
    assert replaced.json["id"] == user["id"] and "title" not in replaced.json
    assert replaced.json["meta"]["created"] == user["meta"]["created"]
    group = scim(
        "POST", "/Groups", {"schemas": [GROUP], "displayName": "g", "members": [{"value": "a"}]}
    )
    refused = scim(
        "PATCH",
        f"/Groups/{group.json['id']}",
        {
            "schemas": [PATCH_OP],
            "Operations": [{"op": "replace", "path": 'members[value eq "a"].value', "value": "b"}],
        },
    )
    assert refused.status_code == 400 and refused.json["scimType"] == "mutability"


def test_attributes_and_excluded_attributes(scim: Scim) -> None:
    """RFC 7644 §3.9: `attributes` keeps those named (and id, schemas); excluded removes."""
    user = bjensen(scim)
    only = scim(
        "GET", f"/Users/{user['id']}?attributes=userName,name.familyName,{ENTERPRISE}:department"
    ).json
    assert only == {
        "schemas": [USER, ENTERPRISE],
        "id": user["id"],
        "userName": "bjensen@example.com",
        "name": {"familyName": "Jensen"},
        ENTERPRISE: {"department": "Tour Operations"},
    }
    without = scim("GET", f"/Users/{user['id']}?excludedAttributes=emails,name.formatted,meta").json
    assert "emails" not in without and "meta" not in without
    assert without["name"] == {"givenName": "Barbara", "familyName": "Jensen"}
    listed = scim.filter("userName pr", attributes="displayName")
    assert listed["Resources"] == [
        {"schemas": [USER], "id": user["id"], "displayName": "Babs Jensen"}
    ]


def test_pagination_and_sorting(scim: Scim) -> None:
    """RFC 7644 §3.4.2.4 (1-based startIndex, count) and §3.4.2.3 (sortBy, sortOrder)."""
    for name in ["carol", "alice", "eve", "bob", "dave"]:
        scim.create_user(f"{name}@example.com", displayName=name.title())
    page = scim("GET", "/Users?startIndex=2&count=2").json
    assert (page["totalResults"], page["itemsPerPage"], page["startIndex"]) == (5, 2, 2)
    assert [u["userName"] for u in page["Resources"]] == ["alice@example.com", "eve@example.com"]
    assert scim("GET", "/Users?count=0").json["Resources"] == []
    assert scim("GET", "/Users?startIndex=-4&count=1").json["startIndex"] == 1
    ordered = scim("GET", "/Users?sortBy=displayName&sortOrder=descending&count=3").json
    assert [u["displayName"] for u in ordered["Resources"]] == ["Eve", "Dave", "Carol"]
    bad = scim("GET", "/Users?count=many")
    assert bad.status_code == 400 and bad.json["scimType"] == "invalidValue"


def test_search_by_post(scim: Scim) -> None:
    """RFC 7644 §3.4.3: {endpoint}/.search and /.search over every resource type."""
    user = bjensen(scim)
    body = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
        "filter": 'userName sw "bjen"',
        "attributes": ["userName"],
    }
    found = scim("POST", "/Users/.search", body).json
    assert found["Resources"] == [
        {"schemas": [USER], "id": user["id"], "userName": "bjensen@example.com"}
    ]
    scim("POST", "/Groups", {"schemas": [GROUP], "displayName": "bjen's group"})
    everything = scim(
        "POST", "/.search", {"filter": 'userName sw "bjen" or displayName sw "bjen"'}
    ).json
    assert sorted(r["meta"]["resourceType"] for r in everything["Resources"]) == ["Group", "User"]


def test_etags(scim: Scim) -> None:
    """RFC 7644 §3.14: If-None-Match answers 304, a stale If-Match 412 Precondition Failed."""
    user = bjensen(scim)
    path = f"/Users/{user['id']}"
    assert scim("GET", path, **{"If-None-Match": 'W/"1"'}).status_code == 304
    replace = {"op": "replace", "path": "title", "value": "Boss"}
    assert scim.patch(path, replace, **{"If-Match": 'W/"1"'}).status_code == 200
    stale = scim.patch(path, replace, **{"If-Match": 'W/"1"'})
    assert stale.status_code == 412 and stale.json["status"] == "412"
    assert scim("DELETE", path, **{"If-Match": 'W/"1"'}).status_code == 412
    assert scim("DELETE", path, **{"If-Match": 'W/"2"'}).status_code == 204


def test_errors_are_scim_json_with_scim_types(scim: Scim) -> None:
    """RFC 7644 §3.12 for each failure; 401 without a valid bearer token (with a body too)."""
    unauthorised = scim("GET", "/Users", Authorization="Bearer wrong")
    assert unauthorised.status_code == 401 and unauthorised.json["status"] == "401"
    assert unauthorised.headers["WWW-Authenticate"].startswith("Bearer")
    assert scim("GET", "/Users", Authorization="").status_code == 401
    assert scim("GET", "/Nowhere").status_code == 404
    assert scim("DELETE", "/ServiceProviderConfig").status_code == 405
    assert scim("POST", "/Bulk", {}).status_code == 501
    bad_json = scim.http.post(PREFIX + "/Users", base_url=ROOT, data=b"{nope", headers=scim.headers)
    assert bad_json.status_code == 400 and bad_json.json["scimType"] == "invalidSyntax"
    no_user_name = scim("POST", "/Users", {"schemas": [USER], "displayName": "x"})
    assert no_user_name.status_code == 400 and no_user_name.json["scimType"] == "invalidValue"
    unknown = scim("POST", "/Users", {"schemas": [USER], "userName": "x", "favouriteColour": "red"})
    assert unknown.status_code == 400
    bad_op = scim.patch("/Users/nope", {"op": "Replace", "path": "title", "value": "x"})
    assert bad_op.status_code == 404


def test_discovery_endpoints(scim: Scim) -> None:
    config = scim("GET", "/ServiceProviderConfig").json
    assert config["patch"] == {"supported": True} and config["bulk"]["supported"] is False
    assert config["sort"] == {"supported": True} and config["etag"] == {"supported": True}
    assert config["authenticationSchemes"][0]["type"] == "oauthbearertoken"
    types = scim("GET", "/ResourceTypes").json["Resources"]
    assert [(t["id"], t["endpoint"]) for t in types] == [("User", "/Users"), ("Group", "/Groups")]
    schemas = [s["id"] for s in scim("GET", "/Schemas").json["Resources"]]
    assert schemas == [USER, ENTERPRISE, GROUP]
    assert scim("GET", f"/Schemas/{ENTERPRISE}").json["id"] == ENTERPRISE


def test_the_request_log_is_on_the_control_app(scim: Scim) -> None:
    control = create_control_app("generic", Clock(), scim.target.reset)
    add_scim_controls(control, scim.target)
    client = Client(control)
    scim.create_user("a@example.com")
    scim("GET", "/Users?filter=userName%20eq%20%22a@example.com%22")
    log = client.get("/_mock/requests").json["requests"]
    assert [(e["method"], e["status"]) for e in log] == [("POST", 201), ("GET", 200)]
    assert log[0]["request"]["body"]["userName"] == "a@example.com"
    assert log[0]["response"]["body"]["userName"] == "a@example.com"
    assert log[1]["url"] == f"{BASE}/Users?filter=userName%20eq%20%22a@example.com%22"
    assert (
        client.get(f"/_mock/requests?since={log[0]['seq']}").json["requests"][0]["method"] == "GET"
    )
    client.post("/_mock/reset")
    assert client.get("/_mock/requests").json["requests"] == []
    assert scim.target.store.count("User") == 0


def test_the_generic_side_of_every_vendor_difference(scim: Scim) -> None:
    """What tests/test_scim_vendors.py shows a vendor changing is plain RFC 7644 here."""
    # RingCentral: active is left unset, userName need not be the email, emails may be shared,
    # of any type, and a filter may name any attribute.
    quiet = scim.create_user("bsimon", emails=[{"value": "team@example.com", "type": "home"}])
    assert "active" not in quiet
    inactive = scim.create_user("jdoe", active=False, emails=[{"value": "team@example.com"}])
    assert scim.filter("externalId pr or title pr or nickName pr")["totalResults"] == 0
    # Genesys Cloud: an unfiltered list has inactive users; groups are made and deleted by SCIM.
    assert [u["id"] for u in scim("GET", "/Users").json["Resources"]] == [
        quiet["id"],
        inactive["id"],
    ]
    group = scim("POST", "/Groups", {"schemas": [GROUP], "displayName": "Sales"})
    assert group.status_code == 201
    assert scim("DELETE", f"/Groups/{group.json['id']}").status_code == 204
    # 8x8: no names needed, several emails, any client writes, DELETE deletes.
    other_client = scim.create_user(
        "two@example.com", emails=[{"value": "a@x.org"}, {"value": "b@x.org"}]
    )
    assert (
        scim("DELETE", f"/Users/{other_client['id']}", **{"User-Agent": "another"}).status_code
        == 204
    )
    assert scim("GET", f"/Users/{other_client['id']}").status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"schemas": [USER], "userName": "a", "id": "mine", "meta": {"resourceType": "User"}},
        {"schemas": [USER], "userName": "a", "groups": [{"value": "g1", "display": "G"}]},
        {
            "schemas": [USER, ENTERPRISE],
            "userName": "a",
            "active": "False",
            "emails": [{"value": "a@x.org", "primary": True}, {"value": "b@x.org"}],
            ENTERPRISE: {
                "manager": {"value": "m", "$ref": "https://x/Users/m", "displayName": "M"}
            },
        },
        {"schemas": [USER], "displayName": "no userName"},
        {"schemas": [USER], "userName": "a", "emails": []},
        {"schemas": [USER], "userName": "a", "emails": [{"value": "a", "primary": True}] * 2},
        {"schemas": [USER, ENTERPRISE], "userName": "a", ENTERPRISE: {"manager": {"value": "m"}}},
        {"schemas": [USER], "userName": "a", "x509Certificates": [{"display": "no value"}]},
        {"schemas": [GROUP], "displayName": "g", "members": [{"value": "u", "display": "U"}]},
        {"schemas": [GROUP], "members": [{"value": "u"}]},
    ],
)
def test_the_fast_request_reading_agrees_with_scim2_models(body: dict[str, Any]) -> None:
    """mock_scim.validation reads POST/PUT bodies as scim2-models' request contexts do."""
    model: Any = Group if body["schemas"] == [GROUP] else User[EnterpriseUser]
    for context in (Context.RESOURCE_CREATION_REQUEST, Context.RESOURCE_REPLACEMENT_REQUEST):
        try:
            expected: BaseModel | None = model.model_validate(
                body, scim_ctx=context, scim_policy=ENTRA_POLICY
            )
        except Exception:
            expected = None
        try:
            actual: BaseModel | None = read_request(model, body, ENTRA_POLICY)
        except SCIMException:
            actual = None
        assert (actual is None) == (expected is None), (context, expected, actual)
        if actual is not None and expected is not None:
            assert actual.model_dump() == expected.model_dump()
