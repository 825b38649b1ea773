"""Microsoft's 25 gallery SCIM validation tests, the checks that stand for each, and its summary."""

# Source: AzureAD/SCIMReferenceCode, Microsoft.SCIM.LogicAppValidationTemplate/StandardLogicApp/
# SCIM-Validation-Test-Overview.md (v5, 25 tests) and learn.microsoft.com "Validate user
# provisioning for Microsoft Entra App Gallery": each result is {testName, testResult ("success",
# "FAILED - …", "WARNING - …", "skipped"), provisioningErrorDetails, recommendationUrl, message};
# optional tests warn instead of failing; overallResult "Succeeded" needs every mandatory test
# passed or skipped and one authentication test (Validate_Credentials or Federated_Identity) passed.

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from harness.checks.results import CheckResult

RECOMMENDATION = (
    "https://learn.microsoft.com/entra/identity/app-provisioning/"
    "use-scim-to-provision-users-and-groups"
)
AUTH_TESTS = ("Validate_Credentials_Test", "Federated_Identity_Test")


@dataclass(frozen=True)
class MicrosoftTest:
    name: str
    optional: bool  # a failure is a WARNING and does not block
    checks: tuple[str, ...]  # ours, without the wire suffix
    sends: str  # what our checks send for it


TESTS: tuple[MicrosoftTest, ...] = (
    MicrosoftTest(
        "Create_User_Test",
        False,
        ("user-create",),
        "engine cycle: GET /Users?filter=userName eq, POST /Users (core + enterprise)",
    ),
    MicrosoftTest(
        "Update_User_Test",
        False,
        ("user-update",),
        'engine cycle: PATCH of every mapped attribute (emails[type eq "work"].value, '
        "addresses, phoneNumbers, name, title, enterprise)",
    ),
    MicrosoftTest(
        "Disable_User_Test", False, ("user-disable",), "engine cycle: PATCH active false"
    ),
    MicrosoftTest(
        "Delete_User_Test", True, ("user-delete",), "engine cycle after a purge: DELETE /Users/{id}"
    ),
    MicrosoftTest(
        "User_Update_Manager_Test",
        False,
        ("manager-set", "manager-change", "manager-remove"),
        "engine cycles: manager Add (plain id), changed, removed",
    ),
    MicrosoftTest(
        "Restore_User_Test",
        False,
        ("user-restore", "user-reassign"),
        "engine cycles: soft delete + restore (SoftDeleteRestore); unassign + reassign "
        "(UnassignReassign): PATCH active false, then true",
    ),
    MicrosoftTest(
        "POD_User_Test",
        False,
        ("pod-user",),
        "provisionOnDemand of a new user: filter, POST",
    ),
    MicrosoftTest(
        "Create_Group_Test",
        False,
        ("group-create", "group-match"),
        "engine cycle: GET /Groups?excludedAttributes=members&filter=displayName eq, POST "
        "(core + ADSCIM schema)",
    ),
    MicrosoftTest("Update_Group_Test", False, ("group-update",), "engine cycle: PATCH displayName"),
    MicrosoftTest(
        "Delete_Group_Test", True, ("group-delete",), "engine cycle: DELETE /Groups/{id}"
    ),
    MicrosoftTest(
        "Group_Update_Add_Member_Test",
        False,
        ("group-add-member",),
        "engine cycle: PATCH Add members [{$ref: null, value}]",
    ),
    MicrosoftTest(
        "Group_Update_Remove_Member_Test",
        False,
        ("group-remove-member",),
        "engine cycle: PATCH Remove members (value list, or members[value eq] with the flag)",
    ),
    MicrosoftTest(
        "POD_Group_Test",
        False,
        ("pod-group",),
        "provisionOnDemand of a group with 2 members: group, members, membership PATCH",
    ),
    MicrosoftTest(
        "Restore_Group_Test",
        True,
        ("group-restore",),
        "engine cycles: group unassigned (DELETE), reassigned (POST again)",
    ),
    MicrosoftTest(
        "Schema_Discoverability_Test",
        False,
        ("schema-discovery",),
        "GET /Schemas, /ResourceTypes: every mapped attribute discoverable",
    ),
    MicrosoftTest(
        "SCIM_Null_Update_Test",
        False,
        ("null-update",),
        'PATCH title and department with "" then null; GET',
    ),
    MicrosoftTest(
        "SCIM_User_Create_Test",
        False,
        ("scim-user-create",),
        "POST /Users: 200 or 201, id, userName round-trip",
    ),
    MicrosoftTest(
        "SCIM_User_Update_Test",
        False,
        ("scim-user-update",),
        "PATCH every single-valued string attribute of /Schemas' User; GET",
    ),
    MicrosoftTest(
        "SCIM_Group_Create_Test",
        False,
        ("scim-group-create",),
        "POST /Groups: 200 or 201, id, displayName round-trip",
    ),
    MicrosoftTest(
        "SCIM_Group_Update_Test",
        False,
        ("scim-group-update",),
        "PATCH displayName and externalId of a group; GET",
    ),
    MicrosoftTest(
        "Validate_Credentials_Test",
        False,
        ("oauth-client-credentials",),
        "OAuth 2.0 client credentials at --token-url (lifetime 60-360 min), then GET /Users "
        "with the token",
    ),
    MicrosoftTest(
        "Federated_Identity_Test",
        False,
        ("federated-identity",),
        "not applicable offline: needs an Entra-issued token exchanged at the vendor",
    ),
    MicrosoftTest(
        "SCIM_User_Pagination_Test",
        False,
        ("user-pagination",),
        "at least 11 users, GET /Users?startIndex=N&count=5 over every page",
    ),
    MicrosoftTest(
        "SCIM_Group_Pagination_Test",
        True,
        ("group-pagination",),
        "at least 11 groups, GET /Groups?startIndex=N&count=5 over every page",
    ),
    MicrosoftTest(
        "SCIM_Update_Manager_Test",
        False,
        ("scim-update-manager",),
        "PATCH manager Add, Replace, Replace with empty; GET after each",
    ),
)
TEST_OF: dict[str, MicrosoftTest] = {check: test for test in TESTS for check in test.checks}
# Ours, beyond the 25: an RFC 7644 "SHALL" that Entra and Microsoft's validation do not enforce.
WARNING_ONLY = {"rfc-created-201"}


def is_warning(check: str) -> bool:
    """A failure of `check` is a WARNING (Microsoft's optional tests, and RFC-only niceties)."""
    test = TEST_OF.get(check)
    return check in WARNING_ONLY or (test is not None and test.optional)


def base_name(result: CheckResult, suffix: str) -> str:
    return result.name.removesuffix(suffix)


def validation_results(results: Sequence[CheckResult], suffix: str) -> dict[str, Any]:
    """Microsoft's Final_TestResults, one entry per test in its order, from our results."""
    entries = []
    outcome: dict[str, str] = {}
    for test in TESTS:
        mine = [r for r in results if base_name(r, suffix) in test.checks]
        ran = [r for r in mine if not r.skipped]
        bad = [r for r in ran if not r.passed]
        if not ran:
            status = "skipped"
            why = "; ".join(sorted({r.observed for r in mine})) or "no check ran"
            details = why
        elif bad:
            first = bad[0]
            status = (
                "WARNING" if test.optional else "FAILED"
            ) + f" - [{first.name}] {first.reason}"
            details = "; ".join(f"{k}: {v}" for k, v in first.details.items())
        else:
            status, details = "success", ""
        outcome[test.name] = status.split(" ")[0]
        entries.append(
            {
                "testName": test.name,
                "testResult": status,
                "testCategory": "optional" if test.optional else "mandatory",
                "provisioningErrorDetails": details if status != "success" else "",
                "recommendationUrl": RECOMMENDATION if bad else "",
                "message": "checks: " + ", ".join(r.name for r in mine),
            }
        )
    mandatory_failed = [t.name for t in TESTS if not t.optional and outcome[t.name] == "FAILED"]
    authenticated = any(outcome[name] == "success" for name in AUTH_TESTS)
    overall = "Succeeded" if not mandatory_failed and authenticated else "Failed"
    return {
        "overallResult": overall,
        "authenticationModel": "PASSED" if authenticated else "FAILED",
        "testResults": entries,
    }


def summary(validation: dict[str, Any]) -> str:
    """The validator's results as lines: one per test, its result, then the overall result."""
    entries = validation["testResults"]
    counts: dict[str, int] = {}
    for entry in entries:
        word = entry["testResult"].split(" ")[0]
        counts[word] = counts.get(word, 0) + 1
    width = max(len(e["testName"]) for e in entries)
    lines = [
        f"Microsoft's gallery SCIM validation ({len(entries)} tests): "
        + ", ".join(f"{n} {w}" for w, n in sorted(counts.items()))
    ]
    for entry in entries:
        lines.append(f"  {entry['testName']:<{width}}  {entry['testResult'][:150]}")
    overall = validation["overallResult"]
    line = f"overallResult: {overall}"
    if validation["authenticationModel"] == "FAILED":
        line += (
            " (no authentication test passed: Validate_Credentials_Test needs --token-url, "
            "--client-id, --client-secret; a static bearer token is accepted for a pilot only)"
        )
    lines.append(line)
    return "\n".join(lines)
