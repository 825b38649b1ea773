"""Cycles against a recording SCIM target, each request body asserted per ENTRA-BEHAVIOUR §8, both modes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from tests.provisioning.test_provisioning_targets import (
    ENTERPRISE,
    GROUP,
    USER,
    ProvisioningWorld,
    RecordingScimTarget,
)

PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ADSCIM = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"
MANAGER = f"{ENTERPRISE}:manager"


@pytest.fixture
def target() -> Iterator[RecordingScimTarget]:
    recording = RecordingScimTarget()
    yield recording
    recording.close()


@pytest.fixture(params=["default", "aadOptscim062020"])
def flag(request: pytest.FixtureRequest) -> bool:
    return bool(request.param == "aadOptscim062020")


def world(target: RecordingScimTarget, flag: bool = False, **options: Any) -> ProvisioningWorld:
    return ProvisioningWorld(target.url, target.token, flag=flag, **options)


def patch(*operations: dict[str, Any]) -> dict[str, Any]:
    return {"schemas": [PATCH_OP], "Operations": list(operations)}


def op(name: str, flag: bool) -> str:
    """Default mode capitalises op names; the flag sends them as RFC 7644 writes them."""
    return name.lower() if flag else name.capitalize()


def requests_after(target: RecordingScimTarget, start: int) -> list[tuple[str, str, Any]]:
    return [(r.method, r.path, r.body) for r in target.requests[start:]]


def test_initial_cycle_creates_users_then_manager_then_groups_and_members(
    target: RecordingScimTarget, flag: bool
) -> None:
    w = world(target, flag)
    boss = w.user("boss", job_title="CEO", department="Board", employee_id="1")
    ada = w.user("ada", manager_id=boss.id, mobile_phone="+46 70 123", city="Lund", assign=False)
    team = w.group("Team", [ada, boss])

    summary = w.start()

    assert summary.kind == "Initial" and summary.state == "Succeeded"
    assert summary.counts == {"create": 3, "exported": 5, "references": 2}
    calls = [(r.method, r.path, r.query) for r in target.requests]
    # ENTRA-BEHAVIOUR §8: match by GET filter, then POST; users first, then the manager
    # reference, then the group (created empty), then its members.
    assert calls[:4] == [
        ("GET", "/Users", {"filter": 'userName eq "ada@contoso.com"'}),
        ("POST", "/Users", {}),
        ("GET", "/Users", {"filter": 'userName eq "boss@contoso.com"'}),
        ("POST", "/Users", {}),
    ] or calls[:4] == [
        ("GET", "/Users", {"filter": 'userName eq "boss@contoso.com"'}),
        ("POST", "/Users", {}),
        ("GET", "/Users", {"filter": 'userName eq "ada@contoso.com"'}),
        ("POST", "/Users", {}),
    ]
    assert [c[:2] for c in calls[4:]] == [
        ("PATCH", f"/Users/{w.link(ada)}"),
        ("GET", "/Groups"),
        ("POST", "/Groups"),
        ("PATCH", f"/Groups/{w.job.links[team.id].target_id}"),
    ]
    assert calls[5][2] == {"excludedAttributes": "members", "filter": 'displayName eq "Team"'}

    assert target.bodies("POST", "^/Users$")[
        0 if calls[0][2]["filter"].startswith('userName eq "ada') else 1
    ] == {
        "schemas": [USER, ENTERPRISE],
        "userName": "ada@contoso.com",
        "externalId": "ada",
        "active": True,
        "displayName": "Ada",
        "emails": [{"primary": True, "type": "work", "value": "ada@contoso.com"}],
        "name": {"givenName": "Ada", "familyName": "Tester"},
        "phoneNumbers": [{"type": "mobile", "value": "+46 70 123"}],
        "addresses": [{"type": "work", "locality": "Lund"}],
        "meta": {"resourceType": "User"},
    }
    boss_body = next(
        b for b in target.bodies("POST", "^/Users$") if b["userName"].startswith("boss")
    )
    assert boss_body["title"] == "CEO"
    assert boss_body[ENTERPRISE] == {"department": "Board", "employeeNumber": "1"}
    # The manager: a later pass, a plain string id, `Add` (`add` with the flag).
    assert target.bodies("PATCH", "^/Users/")[0] == patch(
        {"op": op("add", flag), "path": MANAGER, "value": w.link(boss)}
    )
    assert target.bodies("POST", "^/Groups$")[0] == {
        "schemas": [GROUP, ADSCIM],
        "displayName": "Team",
        "externalId": team.id,
        "meta": {"resourceType": "Group"},
    }
    assert target.bodies("PATCH", "^/Groups/")[0] == patch(
        {
            "op": op("add", flag),
            "path": "members",
            "value": [{"$ref": None, "value": i} for i in sorted([w.link(ada), w.link(boss)])],
        }
    )
    assert target.user_named("ada@contoso.com")[ENTERPRISE]["manager"] == {"value": w.link(boss)}


def test_update_patches_only_what_changed(target: RecordingScimTarget, flag: bool) -> None:
    w = world(target, flag)
    ada = w.user("ada", department="R&D", employee_id="7")
    w.start()
    w.admin.update_user(
        w.tenant,
        ada.id,
        given_name="Adelaide",
        surname="Lovelace",
        mail="adelaide@contoso.com",
        job_title="Engineer",
        employee_id="8",
    )
    start = len(target.requests)

    summary = w.later(minutes=40)

    assert summary.kind == "Incremental" and summary.counts == {"update": 1, "exported": 1}
    calls = requests_after(target, start)
    assert [c[:2] for c in calls] == [
        ("GET", f"/Users/{w.link(ada)}"),
        ("PATCH", f"/Users/{w.link(ada)}"),
    ]
    employee = f"{ENTERPRISE}:employeeNumber"
    if not flag:
        # One op per path, capitalised; Add where the target had no value yet.
        assert calls[1][2] == patch(
            {"op": "Add", "path": "title", "value": "Engineer"},
            {
                "op": "Replace",
                "path": 'emails[type eq "work"].value',
                "value": "adelaide@contoso.com",
            },
            {"op": "Replace", "path": "name.givenName", "value": "Adelaide"},
            {"op": "Replace", "path": "name.familyName", "value": "Lovelace"},
            {"op": "Replace", "path": employee, "value": "8"},
        )
    else:
        # The flag: filtered paths keep their op, the rest travel in one path-less replace.
        assert calls[1][2] == patch(
            {"op": "add", "path": "title", "value": "Engineer"},
            {
                "op": "replace",
                "path": 'emails[type eq "work"].value',
                "value": "adelaide@contoso.com",
            },
            {
                "op": "replace",
                "value": {
                    "name.givenName": "Adelaide",
                    "name.familyName": "Lovelace",
                    employee: "8",
                },
            },
        )
    stored = target.user_named("ada@contoso.com")
    assert stored["name"] == {"givenName": "Adelaide", "familyName": "Lovelace"}
    assert stored["title"] == "Engineer"


def test_nothing_changed_nothing_sent(target: RecordingScimTarget) -> None:
    w = world(target)
    w.user("ada")
    w.start()
    start = len(target.requests)
    summary = w.later(minutes=40)
    assert summary.kind == "Incremental" and summary.total == 0
    assert target.requests[start:] == []


@pytest.mark.parametrize("how", ["unassign", "soft_delete", "account_disabled", "scoped_out"])
def test_disable_sends_active_false(target: RecordingScimTarget, flag: bool, how: str) -> None:
    w = world(target, flag)
    ada = w.user("ada", department="Sales")
    w.start()
    if how == "unassign":
        w.admin.unassign(w.tenant, w.app, w.app.assignments[0].id)
    elif how == "soft_delete":
        w.admin.delete_user(w.tenant, ada.id)
    elif how == "account_disabled":
        w.admin.update_user(w.tenant, ada.id, account_enabled=False)
    else:
        from mock_idp.provisioning.mappings import clone
        from mock_idp.provisioning.scoping import ScopingClause, ScopingFilter

        users = clone(w.job.users)
        users.scoping_filters = [
            ScopingFilter("Sales only", [ScopingClause("department", "EQUALS", "Sales")])
        ]
        w.service.update_mappings(w.job, users, None)
        w.admin.update_user(w.tenant, ada.id, department="HR")
    start = len(target.requests)

    summary = w.later(minutes=40)

    assert summary.counts.get("disable") == 1
    calls = requests_after(target, start)
    disable = patch(
        {"op": "replace", "path": "active", "value": False}
        if flag
        else {"op": "Replace", "path": "active", "value": "False"}
    )
    assert calls == [("PATCH", f"/Users/{w.link(ada)}", disable)]
    assert target.user_named("ada@contoso.com")["active"] is False
    assert w.logs()[-1]["provisioningAction"] == "disable"


def test_reenabling_a_disabled_user_replaces_active_true(
    target: RecordingScimTarget, flag: bool
) -> None:
    w = world(target, flag)
    ada = w.user("ada")
    w.start()
    w.admin.update_user(w.tenant, ada.id, account_enabled=False)
    w.later(minutes=40)
    w.admin.update_user(w.tenant, ada.id, account_enabled=True)
    start = len(target.requests)
    w.later(minutes=40)
    assert requests_after(target, start)[-1][2] == patch(
        {"op": "replace", "path": "active", "value": True}
        if flag
        else {"op": "Replace", "path": "active", "value": "True"}
    )


def test_hard_delete_sends_delete(target: RecordingScimTarget) -> None:
    """Soft delete disables; the purge (or 30 days later) deletes (ENTRA-BEHAVIOUR §8)."""
    w = world(target)
    ada, bob = w.user("ada"), w.user("bob")
    w.start()
    ada_id, bob_id = w.link(ada), w.link(bob)
    w.admin.delete_user(w.tenant, ada.id)
    w.admin.delete_user(w.tenant, bob.id)
    w.later(minutes=40)
    w.admin.hard_delete_user(w.tenant, ada.id)
    start = len(target.requests)

    w.later(minutes=40)
    assert requests_after(target, start) == [("DELETE", f"/Users/{ada_id}", None)]
    assert ada.id not in w.job.links

    start = len(target.requests)
    w.later(days=30)
    assert requests_after(target, start) == [("DELETE", f"/Users/{bob_id}", None)]
    assert [e["provisioningAction"] for e in w.logs()[-1:]] == ["delete"]
    assert target.users == {}


def test_group_membership_removal_and_group_unassignment(
    target: RecordingScimTarget, flag: bool
) -> None:
    w = world(target, flag)
    ada, bob = w.user("ada"), w.user("bob")
    team = w.group("Team", [ada, bob])
    w.start()
    group_id = w.job.links[team.id].target_id
    w.admin.remove_member(w.tenant, team.id, bob.id)
    start = len(target.requests)

    w.later(minutes=40)

    removal = (
        {"op": "remove", "path": f'members[value eq "{w.link(bob)}"]'}
        if flag
        else {"op": "Remove", "path": "members", "value": [{"value": w.link(bob)}]}
    )
    # The changed group is read first (members excluded), then its membership is patched.
    assert requests_after(target, start) == [
        ("GET", f"/Groups/{group_id}", None),
        ("PATCH", f"/Groups/{group_id}", patch(removal)),
    ]
    assert target.requests[start].query == {"excludedAttributes": "members"}
    assert target.groups[group_id]["members"] == [{"value": w.link(ada)}]

    group_assignment = next(a for a in w.app.assignments if a.principal_id == team.id)
    w.admin.unassign(w.tenant, w.app, group_assignment.id)
    start = len(target.requests)
    w.later(minutes=40)
    assert ("DELETE", f"/Groups/{group_id}", None) in requests_after(target, start)
    assert group_id not in target.groups


def test_a_matched_user_is_updated_not_created(target: RecordingScimTarget) -> None:
    w = world(target)
    target.users["existing"] = {
        "id": "existing",
        "schemas": [USER],
        "userName": "ada@contoso.com",
        "active": False,
        "displayName": "Old",
    }
    ada = w.user("ada")
    w.start()
    assert w.link(ada) == "existing"
    assert target.bodies("POST", "^/Users$") == []
    body = target.bodies("PATCH", "^/Users/existing")[0]
    replaced = {o["path"]: o["value"] for o in body["Operations"]}
    assert replaced["active"] == "True" and replaced["displayName"] == "Ada"
    assert w.logs()[-1]["provisioningAction"] == "update"


def test_two_matches_are_duplicate_target_entries(target: RecordingScimTarget) -> None:
    w = world(target)
    for index in (1, 2):
        target.users[f"dup{index}"] = {"id": f"dup{index}", "userName": "ada@contoso.com"}
    w.user("ada")
    summary = w.start()
    assert summary.counts == {"failed": 1}
    entry = w.logs()[-1]
    assert (
        entry["provisioningStatusInfo"]["errorInformation"]["errorCode"] == "DuplicateTargetEntries"
    )
    assert target.bodies("POST", "^/Users$") == []


def test_matching_attributes_are_tried_in_precedence_order(target: RecordingScimTarget) -> None:
    from mock_idp.provisioning.mappings import clone

    w = world(target)
    users = clone(w.job.users)
    users.mapping_for("externalId").matching_precedence = 2  # type: ignore[union-attr]
    w.service.update_mappings(w.job, users, None)
    target.users["by-external"] = {"id": "by-external", "userName": "other", "externalId": "ada"}
    ada = w.user("ada")
    w.start()
    queries = [r.query["filter"] for r in target.requests if r.method == "GET"]
    assert queries == ['userName eq "ada@contoso.com"', 'externalId eq "ada"']
    assert w.link(ada) == "by-external"


def test_progress_and_cycle_summary(target: RecordingScimTarget) -> None:
    w = world(target)
    for name in ("ada", "bob", "cy"):
        w.user(name)
    summary = w.start()
    assert (summary.processed, summary.total) == (3, 3)
    assert w.job.progress is None and w.job.history[-1] is summary
    assert w.job.next_run == summary.ended + timedelta(minutes=40)
    assert w.job.watermark is not None and w.job.watermark.taken_at == summary.ended


def test_sync_all_users_and_groups_needs_no_assignment(target: RecordingScimTarget) -> None:
    w = world(target)
    w.service.configure(w.job, sync_all=True)
    ada = w.user("ada", assign=False)
    team = w.group("Team", [ada], assign=False)
    summary = w.start()
    assert summary.counts["create"] == 2
    assert w.link(ada) and w.job.links[team.id]
    w.service.configure(w.job, sync_all=False)
    assert w.job.watermark is None, "a scope change starts a new initial cycle"
    w.run_due()
    assert target.user_named("ada@contoso.com")["active"] is False


def test_mapping_options_on_the_wire(target: RecordingScimTarget) -> None:
    """Constant and Expression mappings, "default value if null" on create only, "apply this
    mapping: only during object creation", and nulls never sent."""
    from mock_idp.provisioning.mappings import AttributeMapping, clone

    w = world(target)
    users = clone(w.job.users)
    users.mapping_for("externalId").apply = "ObjectAddOnly"  # type: ignore[union-attr]
    users.mapping_for("title").default_value = "Staff"  # type: ignore[union-attr]
    users.mappings.append(AttributeMapping("preferredLanguage", "Constant", "sv-SE"))
    users.mappings.append(AttributeMapping("nickName", "Expression", "ToLower([givenName])"))
    w.service.update_mappings(w.job, users, None)
    ada = w.user("ada", job_title=None, city=None)
    w.start()
    created = target.bodies("POST", "^/Users$")[0]
    assert created["title"] == "Staff" and created["externalId"] == "ada"
    assert created["preferredLanguage"] == "sv-SE" and created["nickName"] == "ada"
    assert "addresses" not in created and "phoneNumbers" not in created
    w.admin.update_user(
        w.tenant, ada.id, user_principal_name="ada.l@contoso.com", given_name="Adde"
    )
    w.later(minutes=40)
    update = target.bodies("PATCH", "^/Users/")[-1]
    assert {o["path"] for o in update["Operations"]} == {"userName", "name.givenName", "nickName"}


def test_restart_full_forgets_the_links_and_matches_again(target: RecordingScimTarget) -> None:
    w = world(target)
    ada = w.user("ada")
    w.start()
    first_id = w.link(ada)
    w.service.restart(w.job, "Full")
    assert w.job.links == {} and w.job.watermark is None
    start = len(target.requests)
    w.run_due()
    assert [(r.method, r.path) for r in target.requests[start:]] == [("GET", "/Users")]
    assert w.link(ada) == first_id, "matched again by userName, not created twice"


def test_a_failed_manager_reference_waits_for_its_escrow_retry(target: RecordingScimTarget) -> None:
    w = world(target, settings={"retry_attempts": 0})
    boss = w.user("boss")
    ada = w.user("ada", manager_id=boss.id)
    target.fail(400, times=1, method="PATCH")
    first = w.start()
    assert first.counts["failed"] == 1 and w.job.escrows[ada.id].reference
    start = len(target.requests)
    w.later(minutes=40)
    assert target.requests[start:] == [], "no retry before the escrow is due"
    w.later(hours=6)
    assert target.bodies("PATCH", "^/Users/")[-1]["Operations"][0]["path"] == MANAGER
    assert target.user_named("ada@contoso.com")[ENTERPRISE]["manager"] == {"value": w.link(boss)}
    assert not w.job.escrows
