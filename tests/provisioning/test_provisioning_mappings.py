"""Attribute mappings (types, defaults, apply modes, validation) and scoping (operators, Default Access)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from mock_idp.enterprise_apps import DEFAULT_ACCESS_ROLE_ID
from mock_idp.provisioning.mappings import (
    AttributeMapping,
    MappingError,
    ObjectMapping,
    attribute_mapping_from_json,
    attribute_mapping_json,
    evaluate_mapping,
    object_mapping_from_data,
    values_of,
)
from mock_idp.provisioning.scim_requests import (
    Change,
    parse_path,
    patch_request,
    read_path,
    user_resource,
)
from mock_idp.provisioning.scoping import (
    ScopingClause,
    ScopingError,
    ScopingFilter,
    clause_matches,
    decide_scope,
    passes_filters,
)

NOW = datetime(2026, 1, 1, tzinfo=UTC)
SOURCE = {
    "userPrincipalName": "ada@contoso.com",
    "department": "Sales",
    "employeeId": "1500000",
    "jobTitle": None,
    "accountEnabled": "True",
    "IsSoftDeleted": "False",
    "city": "",
}


def flow(mapping: AttributeMapping, on_create: bool = True) -> tuple[bool, Any]:
    mapping.validate((*SOURCE, "mail", "mailNickname"))
    return evaluate_mapping(mapping, SOURCE, on_create=on_create, now=NOW)


def test_mapping_types() -> None:
    assert flow(AttributeMapping("userName", "Direct", "userPrincipalName")) == (
        True,
        "ada@contoso.com",
    )
    assert flow(AttributeMapping("locale", "Constant", "en-US")) == (True, "en-US")
    assert flow(AttributeMapping("nickName", "Expression", "ToUpper([department])")) == (
        True,
        "SALES",
    )
    assert flow(AttributeMapping("profileUrl", "None", default_value="https://x")) == (
        True,
        "https://x",
    )
    assert flow(
        AttributeMapping("profileUrl", "None", default_value="https://x"), on_create=False
    ) == (
        False,
        None,
    )


def test_nulls_are_never_sent_and_defaults_apply_on_create_only() -> None:
    assert flow(AttributeMapping("title", "Direct", "jobTitle")) == (False, None)
    assert flow(AttributeMapping("locality", "Direct", "city")) == (False, None)
    titled = AttributeMapping("title", "Direct", "jobTitle", default_value="Staff")
    assert flow(titled, on_create=True) == (True, "Staff")
    assert flow(titled, on_create=False) == (False, None)


def test_apply_only_during_creation() -> None:
    once = AttributeMapping("externalId", "Direct", "userPrincipalName", apply="ObjectAddOnly")
    assert flow(once, on_create=True) == (True, "ada@contoso.com")
    assert flow(once, on_create=False) == (False, None)


def test_boolean_targets_are_typed() -> None:
    active = AttributeMapping(
        "active", "Expression", 'Switch([IsSoftDeleted], , "False", "True", "True", "False")'
    )
    assert flow(active) == (True, True)


def test_save_refuses_bad_mappings_with_the_expression_position() -> None:
    mapping = ObjectMapping(
        "Provision users",
        "User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
        mappings=[
            AttributeMapping("userName", "Direct", "userPrincipalName", matching_precedence=1),
            AttributeMapping("displayName", "Expression", 'Join(" ", [givenName] [surname])'),
        ],
    )
    with pytest.raises(MappingError) as refused:
        mapping.validate()
    assert refused.value.target == "displayName" and refused.value.position == 22
    assert "position 22" in str(refused.value)

    mapping.mappings[1] = AttributeMapping("displayName", "Direct", "noSuchAttribute")
    with pytest.raises(MappingError, match="Unknown source attribute"):
        mapping.validate()
    mapping.mappings[1] = AttributeMapping("userName", "Direct", "mail")
    with pytest.raises(MappingError, match="mapped twice"):
        mapping.validate()
    mapping.mappings = [AttributeMapping("userName", "Direct", "userPrincipalName")]
    with pytest.raises(MappingError, match="matching attribute"):
        mapping.validate()


def test_default_scim_mappings_match_entra_behaviour_section_8() -> None:
    users = object_mapping_from_data({}, "User", "Custom")
    assert [(m.target, m.type, m.source) for m in users.mappings][:3] == [
        ("userName", "Direct", "userPrincipalName"),
        ("externalId", "Direct", "mailNickname"),
        ("active", "Expression", 'Switch([IsSoftDeleted], , "False", "True", "True", "False")'),
    ]
    assert [m.target for m in users.matching()] == ["userName"]
    groups = object_mapping_from_data({}, "Group", "Custom")
    assert [(m.target, m.source) for m in groups.mappings] == [
        ("displayName", "displayName"),
        ("externalId", "objectId"),
        ("members", "members"),
    ]


def test_graph_attribute_mapping_round_trip() -> None:
    for mapping in (
        AttributeMapping("userName", "Direct", "userPrincipalName", matching_precedence=1),
        AttributeMapping("locale", "Constant", 'say "hi"'),
        AttributeMapping("active", "Expression", "Not([accountEnabled])", apply="ObjectAddOnly"),
        AttributeMapping("profileUrl", "None", default_value="x"),
    ):
        data = attribute_mapping_json(mapping)
        back = attribute_mapping_from_json(data)
        assert (back.target, back.type, back.source, back.apply, back.default_value) == (
            mapping.target,
            mapping.type,
            mapping.source,
            mapping.apply,
            mapping.default_value,
        )
    assert attribute_mapping_json(
        AttributeMapping("userName", "Direct", "userPrincipalName", matching_precedence=1)
    )["source"] == {
        "expression": "[userPrincipalName]",
        "name": "userPrincipalName",
        "parameters": [],
        "type": "Attribute",
    }


# --- scoping -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attribute", "operator", "value", "expected"),
    [
        ("department", "EQUALS", "Sales", True),
        ("department", "EQUALS", "sales", False),  # docs: case sensitive
        ("department", "NOT EQUALS", "HR", True),
        ("accountEnabled", "IS TRUE", None, True),
        ("accountEnabled", "IS FALSE", None, False),
        ("jobTitle", "IS NULL", None, True),
        ("city", "IS NULL", None, True),
        ("department", "IS NOT NULL", None, True),
        ("jobTitle", "IS NOT NULL", None, False),
        ("userPrincipalName", "REGEX MATCH", r".*\@contoso.com", True),
        ("userPrincipalName", "NOT REGEX MATCH", r".*\@contoso.com", False),
        ("jobTitle", "NOT REGEX MATCH", "x", False),  # docs: false when null / empty
        ("jobTitle", "NOT EQUALS", "x", False),  # docs: scoping filters are false on null
        ("employeeId", "Greater_Than", "1000000", True),
        ("employeeId", "Greater_Than_OR_EQUALS", "1500000", True),
        ("employeeId", "Greater_Than", "2000000", False),
        ("department", "Includes", "ale", True),
        ("userPrincipalName", "ENDS_WITH", "@contoso.com", True),
        ("department", "&", "Sales,HR", True),
        ("department", "!&", "Sales,HR", False),
    ],
)
def test_scoping_operators(
    attribute: str, operator: str, value: str | None, expected: bool
) -> None:
    assert clause_matches(ScopingClause(attribute, operator, value), SOURCE) is expected


def test_clauses_are_anded_and_filters_ored() -> None:
    sales_ny = ScopingFilter(
        "Sales in NY",
        [ScopingClause("department", "EQUALS", "Sales"), ScopingClause("city", "EQUALS", "NY")],
    )
    big_ids = ScopingFilter("Big ids", [ScopingClause("employeeId", "Greater_Than", "1000000")])
    assert passes_filters([sales_ny], SOURCE) is False
    assert passes_filters([sales_ny, big_ids], SOURCE) is True
    assert passes_filters([], SOURCE) is True


def test_bad_scoping_clauses_are_refused() -> None:
    with pytest.raises(ScopingError, match="Unknown scoping operator"):
        ScopingClause("department", "LIKE", "x")
    with pytest.raises(ScopingError, match="integer"):
        ScopingClause("employeeId", "Greater_Than", "ten")
    with pytest.raises(ScopingError, match="regular expression"):
        ScopingClause("department", "REGEX MATCH", "(")


def test_default_access_rule_is_a_setting() -> None:
    """2019 tutorials: Default Access only = not effectively entitled; now: like any role."""
    common: dict[str, Any] = {
        "sync_all": False,
        "default_access_role_id": DEFAULT_ACCESS_ROLE_ID,
        "filters": [],
        "attributes": SOURCE,
    }
    legacy = decide_scope(role_ids=[DEFAULT_ACCESS_ROLE_ID], rule="not_entitled", **common)
    assert (legacy.in_scope, legacy.reason) == (False, "NotEffectivelyEntitled")
    current = decide_scope(role_ids=[DEFAULT_ACCESS_ROLE_ID], rule="entitled", **common)
    assert current.in_scope is True
    with_role = decide_scope(
        role_ids=[DEFAULT_ACCESS_ROLE_ID, "admin"], rule="not_entitled", **common
    )
    assert with_role.in_scope is True
    unassigned = decide_scope(role_ids=[], rule="entitled", **common)
    assert (unassigned.in_scope, unassigned.reason) == (False, "NotAssigned")
    everyone = decide_scope(role_ids=[], rule="entitled", **{**common, "sync_all": True})
    assert everyone.in_scope is True


# --- wire helpers ------------------------------------------------------------------------------


def test_paths_read_and_write_like_scim() -> None:
    path = parse_path('emails[type eq "work"].value')
    assert (path.attribute, path.filter_key, path.filter_value, path.sub) == (
        "emails",
        "type",
        "work",
        "value",
    )
    enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    assert parse_path(f"{enterprise}:manager").schema == enterprise
    resource = user_resource(
        {
            "userName": "a@b.c",
            'emails[type eq "work"].value': "a@b.c",
            'addresses[type eq "work"].locality': "Lund",
            'addresses[type eq "work"].country': "SE",
            f"{enterprise}:department": "R&D",
        }
    )
    assert resource["addresses"] == [{"type": "work", "locality": "Lund", "country": "SE"}]
    assert read_path(resource, 'addresses[type eq "work"].country') == "SE"
    assert read_path(resource, f"{enterprise}:department") == "R&D"
    assert read_path({enterprise: {"manager": {"value": "m1"}}}, f"{enterprise}:manager") == "m1"
    assert read_path({"UserName": "x"}, "userName") == "x"  # RFC 7643 §2.1: case-insensitive


def test_a_single_replacement_keeps_its_path_with_the_flag() -> None:
    assert patch_request([Change("displayName", "X", add=False)], compliant=True)["Operations"] == [
        {"op": "replace", "path": "displayName", "value": "X"}
    ]


def test_values_of_gives_what_evaluate_mapping_gives_for_every_kind_of_row() -> None:

    now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    rows = [
        AttributeMapping("userName", source="userPrincipalName"),
        AttributeMapping("title", source="jobTitle"),  # empty: never flows
        AttributeMapping("nickName", source="missing"),  # null
        AttributeMapping("locale", source="missing", default_value="en-US"),  # on create only
        AttributeMapping("externalId", source="mailNickname", apply="ObjectAddOnly"),
        AttributeMapping("active", source="accountEnabled"),  # Boolean target
        AttributeMapping("profileUrl", source="count"),  # a number, as text
        AttributeMapping("preferredLanguage", source="languages"),  # first of a list
        AttributeMapping("userType", source="noList"),  # empty list: null
        AttributeMapping("roles", source="appRoleAssignments"),
        AttributeMapping("timezone", type="Constant", source="Europe/Paris"),
        AttributeMapping("displayName", type="Expression", source='Join(" ", [givenName], "X")'),
        AttributeMapping("name.formatted", type="None"),
    ]
    attributes = {
        "userPrincipalName": "ada@contoso.com",
        "jobTitle": "",
        "mailNickname": "ada",
        "accountEnabled": "True",
        "count": 7,
        "languages": ["fr", "en"],
        "noList": [],
        "givenName": "Ada",
        "appRoleAssignments": [{"id": "r", "value": "User", "displayName": "User"}],
    }
    for on_create in (True, False):
        expected = {}
        for row in rows:
            flows, value = evaluate_mapping(row, attributes, on_create=on_create, now=now)
            if flows:
                expected[row.target] = value
        got = values_of(rows, on_create)(attributes, now)
        assert got == expected and list(got) == list(expected), on_create
        assert type(got["active"]) is bool and got["profileUrl"] == "7"
    assert "locale" in values_of(rows, True)(attributes, now)
    assert "locale" not in values_of(rows, False)(attributes, now)
