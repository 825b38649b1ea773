"""The expression language: the reference page's examples, and refusals with their position."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mock_idp.provisioning.expressions import (
    IGNORE_FLOW,
    EvaluationContext,
    ExpressionError,
    parse_expression,
)
from mock_idp.provisioning.mappings import USER_SOURCE_ATTRIBUTES

ATTRIBUTES = {
    "userPrincipalName": "John.Doe@contoso.com",
    "givenName": "Zoë",
    "surname": "Ångström",
    "mail": None,
    "telephoneNumber": "+91 9998887777",
    "mobile": "+1 (999) 888-7777",
    "country": "USA",
    "state": "CA",
    "department": "Sales",
    "IsSoftDeleted": "False",
    "mailNickname": "john_doe72",
    "jobTitle": "Product Developer",
    "streetAddress": "545 Tremont Street",
    "city": None,
    "appRoleAssignments": [
        {"id": "r1", "value": "Admin", "displayName": "Administrator"},
        {"id": "r2", "value": "User", "displayName": "User"},
    ],
}


def evaluate(text: str, **overrides: object) -> object:
    context = EvaluationContext(
        {**ATTRIBUTES, **overrides}, datetime(2021, 7, 2, 15, 33, 38, tzinfo=UTC)
    )
    return parse_expression(text, USER_SOURCE_ATTRIBUTES).evaluate(context)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # ENTRA-BEHAVIOUR §8: the default `active` mapping.
        ('Switch([IsSoftDeleted], , "False", "True", "True", "False")', "True"),
        ('Append([userPrincipalName], ".test")', "John.Doe@contoso.com.test"),
        ("Coalesce([mail],[userPrincipalName])", "John.Doe@contoso.com"),
        ('Join(" ", [givenName], [surname])', "Zoë Ångström"),
        ("NormalizeDiacritics([givenName])", "Zoe"),
        ("NormalizeDiacritics([surname])", "Angstrom"),
        ('Left("John Doe", 3)', "Joh"),
        ("Left([city], 3)", ""),
        ("Mid([userPrincipalName], 1, 8)", "John.Doe"),
        ("Mid([userPrincipalName], 6, 100)", "Doe@contoso.com"),
        ('StripSpaces("a b  c")', "abc"),
        ("ToLower([userPrincipalName])", "john.doe@contoso.com"),
        ("ToUpper([country])", "USA"),
        ('Not("True")', "False"),
        ('Not("False")', "True"),
        ('IIF([country]="USA",[country],[department])', "USA"),
        ('IIF([country]<>"USA",[country],[department])', "Sales"),
        ('IIF([country]="USA",IIF([state]="CA","True","False"),"False")', "True"),
        # Docs IIF limitation: with a null source the condition check fails.
        ('IIF([city]="Paris","yes","no")', "no"),
        # Docs Switch: a null source matches the "" key.
        ('Switch([city], [city], "", "Other")', "Other"),
        ('Switch([department], "none", "Sales", "S", "HR", "H")', "S"),
        (
            'Replace([jobTitle], "Product Developer", , , "Software Engineer", , )',
            "Software Engineer",
        ),
        (
            'Replace([mailNickname], "<username>", , , , , "<username>@contoso.com")',
            "john_doe72@contoso.com",
        ),
        (
            r'Replace([telephoneNumber], , "\\+(?<isdCode>\\d* )(?<phoneNumber>\\d{10})", , "${phoneNumber}", , )',
            "9998887777",
        ),
        (r'Replace([mobile], , "[()\\s-]+", , "", , )', "+19998887777"),
        (
            r'Replace([streetAddress], ,"(?<streetNumber>^\\d*)","streetNumber", "888", , )',
            "888 Tremont Street",
        ),
        (r'Replace([userPrincipalName], , "(?<Suffix>@(.)*)", "Suffix", "", , )', "John.Doe"),
        (
            r'Replace([city], , "\\+(?<isdCode>\\d* )(?<phoneNumber>\\d{10})", "phoneNumber" , , [telephoneNumber], )',
            "9998887777",
        ),
        (r'Replace([mailNickname], , "[a-zA-Z_]*", , "", , )', "72"),
        ("SingleAppRoleAssignment([appRoleAssignments])", "Admin"),
        ('ConvertToBase64("Hello world!")', "SABlAGwAbABvACAAdwBvAHIAbABkACEA"),
        ('ConvertToUTF8Hex("Hello world!")', "48656C6C6F20776F726C6421"),
        ('InStr("The quick brown fox","quick")', "5"),
        ('InStr("repEated","e",3,vbBinaryCompare)', "7"),
        ("BitAnd(&HF, &HF7)", "7"),
        ('PCase("PINTO-DE\'SILVA", " \'-")', "Pinto-De'Silva"),
        ("Now()", "7/2/2021 3:33:38 PM"),
        ('"Company name: \\"Contoso\\""', 'Company name: "Contoso"'),
    ],
)
def test_reference_examples(expression: str, expected: str) -> None:
    assert evaluate(expression) == expected


def test_switch_on_soft_deleted_gives_the_disable_value() -> None:
    assert (
        evaluate(
            'Switch([IsSoftDeleted], , "False", "True", "True", "False")', IsSoftDeleted="True"
        )
        == "False"
    )


def test_app_role_assignments_complex_lists_every_role() -> None:
    assert evaluate("AppRoleAssignmentsComplex([appRoleAssignments])") == [
        {"id": "r1", "value": "Admin", "displayName": "Administrator"},
        {"id": "r2", "value": "User", "displayName": "User"},
    ]


def test_ignore_flow_if_null_or_empty_drops_the_attribute() -> None:
    assert evaluate("IgnoreFlowIfNullOrEmpty([city])") is IGNORE_FLOW
    assert evaluate("IgnoreFlowIfNullOrEmpty([country])") == "USA"


@pytest.mark.parametrize(
    ("expression", "position", "message"),
    [
        ('Switch([IsSoftDeleted], "x")', 0, "Switch takes at least 4 arguments"),
        ('Switch([IsSoftDeleted], "x", "a")', 0, "Switch takes at least 4"),
        ('Switch([IsSoftDeleted], , "False", "True", "True")', 0, "even number"),
        ('Append([userPrincipalName], ".test"', 35, "Expected ',' or ')'"),
        ('Join(" " [givenName])', 9, "Expected ',' or ')'"),
        ("ToLower([userPrincipalName]) [mail]", 29, "Expected the end of the expression"),
        ("Frobnicate([mail])", 0, "Unknown function 'Frobnicate'"),
        ('switch([mail], , "a", "b")', 0, "did you mean Switch?"),
        ('Append([userPrincipalname], "x")', 7, "did you mean [userPrincipalName]?"),
        ('Append([noSuchAttribute], "x")', 7, "Unknown source attribute [noSuchAttribute]"),
        ('Append([mail], "unterminated)', 15, "Unterminated string constant"),
        ('Append([mail, "x")', 7, "Unterminated attribute name"),
        ("", 0, "empty"),
        ("Left([mail], 3) & 4", 16, "Unexpected character"),
        ("mail", 0, "Unexpected name 'mail'"),
    ],
)
def test_bad_expressions_are_refused_with_a_position(
    expression: str, position: int, message: str
) -> None:
    with pytest.raises(ExpressionError) as refused:
        parse_expression(expression, USER_SOURCE_ATTRIBUTES)
    assert refused.value.position == position
    assert message in refused.value.message
    assert f"at position {position}" in str(refused.value)


def test_expressions_name_the_attributes_they_read() -> None:
    expression = parse_expression('Join(" ", [givenName], IIF([country]="USA", [surname], [mail]))')
    assert expression.attributes() == ["givenName", "country", "surname", "mail"]
