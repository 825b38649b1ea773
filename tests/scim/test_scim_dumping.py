"""mock_scim.dumping writes every resource exactly as scim2-models' model_dump(Context.DEFAULT)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from scim2_models import Context, Resource, SCIMException, ScimPolicy
from scim2_models.base import _keeping_empty_values

from gallery import ScimProfile, gallery_app, parse_scim_profile
from mock_kernel.clock import Clock
from mock_scim import dumping
from mock_scim.dumping import dump_resource
from mock_scim.memory import MemoryStore
from mock_scim.patching import apply_patch
from mock_scim.requests import ScimRequest
from mock_scim.service import ScimService

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
SITE_8X8 = "urn:ietf:params:scim:schemas:extension:8x8:1.1:User"
ADSCIM_GROUP = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def user(key: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "schemas": [USER, ENTERPRISE],
        "externalId": key,
        "userName": f"{key}@contoso.com",
        "active": True,
        "displayName": f"User {key}",
        "emails": [{"primary": True, "type": "work", "value": f"{key}@contoso.com"}],
        "name": {"formatted": f"U {key}", "familyName": key, "givenName": "U"},
        "title": "Engineer",
        ENTERPRISE: {"department": "Sales"},
    }
    body.update(extra)
    return body


USERS = [
    user("plain"),
    user("upper", emails=[{"primary": True, "type": "work", "value": "Upper@Contoso.COM"}]),
    user("cased", emails=[{"primary": True, "type": "Work", "value": "c@contoso.com"}]),
    user(
        "contact",
        phoneNumbers=[{"type": "mobile", "value": "+1 555"}, {"type": "work", "value": "+1 6"}],
        addresses=[{"type": "work", "locality": "Paris", "country": "FR", "primary": False}],
        ims=[{"value": "im", "type": "skype"}],
        photos=[{"value": "https://photos.test/p.png", "type": "photo"}],
        profileUrl="https://profiles.test/contact",
    ),
    user(
        "enterprise",
        **{
            ENTERPRISE: {
                "department": "X",
                "manager": "manager-id",
                "employeeNumber": "42",
                "division": "D",
                "costCenter": "C",
                "organization": "O",
            }
        },
    ),
    user("read-only", id="client-id", meta={"resourceType": "User"}, groups=[{"value": "g"}]),
    user("empties", emails=[], roles=[], entitlements=[], name={}, **{ENTERPRISE: {}}),
    user("nulls", active=None, title=None, nickName=None),
    user("only-core", schemas=[USER]),
    user("adscim", schemas=[USER, ENTERPRISE, ADSCIM_GROUP]),
    user("site", schemas=[USER, ENTERPRISE, SITE_8X8], **{SITE_8X8: {"site": {"id": "s"}}}),
    user("unicode", userName="ÄÖ@contoso.com", displayName="Ünïcode 名"),
    user("password", password="Secret123!", userType="Employee", locale="en-US"),
    user("roles", roles=[{"value": "admin", "primary": True}, {"value": "user"}]),
    user("certificate", x509Certificates=[{"value": "TUlJQg=="}]),
    {"schemas": [USER], "userName": "minimal@contoso.com"},
]
GROUPS = [
    {"schemas": [GROUP], "displayName": "Sales"},
    {"schemas": [GROUP, ADSCIM_GROUP], "displayName": "Ops", "externalId": "ops"},
    {"schemas": [GROUP], "displayName": "Team", "members": [{"value": "a"}, {"value": "b"}]},
    {"schemas": [GROUP], "displayName": "Empty", "members": []},
]


def _services() -> list[ScimService]:
    profiles: list[ScimProfile | None] = [
        parse_scim_profile({"tenant_url": "https://scim.example.test/scim/v2"})
    ]
    profiles += [gallery_app(key).scim_profile for key in ("8x8", "genesys_cloud", "ringcentral")]
    return [ScimService(p, MemoryStore(), Clock(), "t") for p in profiles if p is not None]


def _resources() -> list[Resource[Any]]:
    """Every body each profile's validation accepts (those it refuses have no dump)."""
    resources = []
    for service in _services():
        for schema in service.schemas.values():
            for body in GROUPS if schema.name == "Group" else USERS:
                request = ScimRequest("POST", "/", "https://h/scim", body=json.dumps(body).encode())
                try:
                    resources.append(
                        service.validate(schema, service.read_resource(request, schema))
                    )
                except SCIMException:
                    continue
    return resources


def _text(data: dict[str, Any]) -> str:
    # json.dumps keeps key order, which the stored and returned JSON keep too.
    return json.dumps(data)


RESOURCES = _resources()


def test_every_profile_accepts_most_bodies() -> None:
    assert len(RESOURCES) >= 4 * len(USERS) - 8


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: type(r).__name__)
def test_dump_equals_model_dump(resource: Resource[Any]) -> None:
    assert _text(dump_resource(resource)) == _text(resource.model_dump(scim_ctx=Context.DEFAULT))


def test_dump_equals_model_dump_after_patch() -> None:
    service = _services()[0]
    schema = service.schemas["User"]
    body = user("patched", **{ENTERPRISE: {"manager": "m1", "department": "D"}})
    request = ScimRequest("POST", "/", "https://h/scim", body=json.dumps(body).encode())
    resource = service.validate(schema, service.read_resource(request, schema))
    operations = [
        {"op": "Replace", "path": "displayName", "value": "P"},
        {"op": "Add", "path": 'emails[type eq "work"].value', "value": "p@contoso.com"},
        {"op": "Add", "path": 'phoneNumbers[type eq "mobile"].value', "value": "+1 7"},
        {"op": "Replace", "path": f"{ENTERPRISE}:manager", "value": "m2"},
        {"op": "Remove", "path": "title"},
        {"op": "Replace", "value": {"active": False, "name.givenName": "Q"}},
    ]
    apply_patch(
        service.patch_classes["User"],
        resource,
        {"schemas": [PATCH_OP], "Operations": operations},
        "https://h/scim",
    )
    dumped = dump_resource(resource)
    assert _text(dumped) == _text(resource.model_dump(scim_ctx=Context.DEFAULT))
    assert dumped["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["manager"] == {
        "value": "m2",
        "$ref": "https://h/scim/Users/m2",
    }


def test_only_certificates_fall_back_to_model_dump() -> None:
    """The planned path writes every resource but those holding bytes (x509Certificates)."""
    for resource in RESOURCES:
        try:
            dumping._model(resource)
        except dumping._Fallback:
            assert getattr(resource, "x509_certificates", None), type(resource).__name__
        else:
            assert not getattr(resource, "x509_certificates", None)


def test_unknown_attributes_are_written_as_model_dump_does() -> None:
    service = _services()[0]
    model = service.schemas["User"].model
    tolerant = ScimPolicy(unknown=ScimPolicy.Unknown.keep)
    body = {**user("unknown"), "favouriteColour": "blue"}
    resource = model.model_validate(body, scim_ctx=Context.DEFAULT, scim_policy=tolerant)
    assert resource.unknown_attributes == {"favouriteColour": "blue"}
    with tolerant:
        assert _text(dump_resource(resource)) == _text(
            resource.model_dump(scim_ctx=Context.DEFAULT)
        )
    assert _text(dump_resource(resource)) == _text(resource.model_dump(scim_ctx=Context.DEFAULT))


def test_empty_values_kept_when_scim2_models_keeps_them() -> None:
    resource = next(r for r in RESOURCES if getattr(r, "user_name", "") == "empties@contoso.com")
    with _keeping_empty_values():
        assert _text(dump_resource(resource)) == _text(
            resource.model_dump(scim_ctx=Context.DEFAULT)
        )
