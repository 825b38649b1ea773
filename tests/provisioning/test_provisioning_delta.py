"""Incremental cycles evaluate only what changed since the watermark, and miss no kind of change."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from unittest.mock import ANY

import pytest

from mock_idp.provisioning import source
from mock_idp.provisioning.engine import ProvisioningEngine
from mock_idp.provisioning.source import import_source
from tests.provisioning.test_provisioning_targets import ProvisioningWorld, RecordingScimTarget

ACTIVE_FALSE = {"op": "Replace", "path": "active", "value": "False"}
ACTIVE_TRUE = {"op": "Replace", "path": "active", "value": "True"}


@pytest.fixture
def target() -> Iterator[RecordingScimTarget]:
    recording = RecordingScimTarget()
    yield recording
    recording.close()


class Counted:
    """Which users the engine planned (a plan kept from the last cycle included), evaluated
    (scope decided and fingerprint computed anew) and the import copied, cycle by cycle."""

    def __init__(self) -> None:
        self.planned: list[str] = []
        self.evaluated: list[str] = []
        self.copied: list[str] = []

    def clear(self) -> None:
        self.planned.clear()
        self.evaluated.clear()
        self.copied.clear()


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Counted:
    counts = Counted()
    plan, decide, copy = ProvisioningEngine._plan, ProvisioningEngine._decision, source._user

    def counting_plan(
        self: ProvisioningEngine, kind: Any, source_id: str, *a: Any, **k: Any
    ) -> Any:
        if kind == "User":
            counts.planned.append(source_id)
        return plan(self, kind, source_id, *a, **k)

    def counting_decision(self: ProvisioningEngine, kind: Any, object_: Any) -> Any:
        if kind == "User":
            counts.evaluated.append(object_.id)
        return decide(self, kind, object_)

    def counting_copy(app: Any, index: Any, user: Any) -> Any:
        counts.copied.append(user.id)
        return copy(app, index, user)

    monkeypatch.setattr(ProvisioningEngine, "_plan", counting_plan)
    monkeypatch.setattr(ProvisioningEngine, "_decision", counting_decision)
    monkeypatch.setattr(source, "_user", counting_copy)
    return counts


def world(target: RecordingScimTarget, users: int = 6) -> tuple[ProvisioningWorld, list[Any]]:
    w = ProvisioningWorld(target.url, target.token)
    people = [w.user(f"user{n}", department="Sales") for n in range(users)]
    summary = w.start()
    assert summary.kind == "Initial" and summary.counts["create"] == users
    return w, people


def writes_after(target: RecordingScimTarget, start: int) -> list[tuple[str, str, Any]]:
    return [(r.method, r.path, r.body) for r in target.requests[start:] if r.method != "GET"]


def active_patch(
    w: ProvisioningWorld, user: Any, operation: dict[str, Any]
) -> tuple[str, str, Any]:
    body = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [operation]}
    return ("PATCH", f"/Users/{w.link(user)}", body)


def assert_nothing_left(w: ProvisioningWorld) -> None:
    """What the cycle left is what a walk over every user finds: no object's state differs from
    the watermark's, so the delta missed nothing."""
    engine = w.service.engine(w.job)
    now = w.clock.now()
    snapshot = import_source(w.tenant.directory, engine.app, now, w.job.settings.hard_delete_after)
    users = engine._plans("User", snapshot.users)
    groups = engine._plans("Group", snapshot.groups) if w.job.groups.enabled else {}
    assert [p.display for p in engine._selected(users, False, now)] == []
    assert [p.display for p in engine._selected(groups, False, now)] == []


def test_an_incremental_cycle_without_changes_evaluates_no_user(
    target: RecordingScimTarget, counted: Counted
) -> None:
    w, _ = world(target)
    counted.clear()
    start = len(target.requests)
    summary = w.later()
    assert summary.kind == "Incremental" and summary.total == 0
    assert counted.planned == [] and counted.evaluated == [] and counted.copied == []
    assert target.requests[start:] == []


def test_one_changed_user_is_the_only_one_evaluated(
    target: RecordingScimTarget, counted: Counted
) -> None:
    w, people = world(target)
    w.admin.update_user(w.tenant, people[2].id, job_title="Lead")
    counted.clear()
    start = len(target.requests)
    summary = w.later()
    assert counted.planned == [people[2].id] and counted.copied == [people[2].id]
    assert summary.counts == {"update": 1, "exported": 1}
    assert [(m, p) for m, p, _ in writes_after(target, start)] == [
        ("PATCH", f"/Users/{w.link(people[2])}")
    ]
    assert target.user_named("user2@contoso.com")["title"] == "Lead"
    assert_nothing_left(w)


# Each change: the writes the next incremental cycle must send for it (ANY: a body not compared),
# and the users it must evaluate.
Writes = list[tuple[str, str, Any]]
Change = Callable[[ProvisioningWorld, list[Any]], tuple[Writes, list[str]]]


def _unassign(w: ProvisioningWorld, people: list[Any]) -> tuple[Writes, list[str]]:
    assignment = next(a for a in w.app.assignments if a.principal_id == people[1].id)
    w.admin.unassign(w.tenant, w.app, assignment.id)
    return [active_patch(w, people[1], ACTIVE_FALSE)], [people[1].id]


def _soft_delete(w: ProvisioningWorld, people: list[Any]) -> tuple[Writes, list[str]]:
    w.admin.delete_user(w.tenant, people[1].id)
    return [active_patch(w, people[1], ACTIVE_FALSE)], [people[1].id]


def _account_disabled(w: ProvisioningWorld, people: list[Any]) -> tuple[Writes, list[str]]:
    people[1].account_enabled = False  # any assignment counts, not only the admin functions
    return [active_patch(w, people[1], ACTIVE_FALSE)], [people[1].id]


def _purge(w: ProvisioningWorld, people: list[Any]) -> tuple[Writes, list[str]]:
    w.admin.delete_user(w.tenant, people[1].id)
    w.admin.hard_delete_user(w.tenant, people[1].id)
    return [("DELETE", f"/Users/{w.link(people[1])}", None)], [people[1].id]


def _purged_from_the_dict(w: ProvisioningWorld, people: list[Any]) -> tuple[Writes, list[str]]:
    del w.tenant.directory.users[people[1].id]
    return [("DELETE", f"/Users/{w.link(people[1])}", None)], [people[1].id]


def _new_user(w: ProvisioningWorld, people: list[Any]) -> tuple[Writes, list[str]]:
    newcomer = w.user("newcomer")
    return [("POST", "/Users", ANY)], [newcomer.id]


def _group_assigned(w: ProvisioningWorld, people: list[Any]) -> tuple[Writes, list[str]]:
    # An unassigned user joins a group that is then assigned: created through the group.
    loner = w.user("loner", assign=False)
    group = w.admin.create_group(w.tenant, "Team")
    w.admin.add_member(w.tenant, group.id, loner.id)
    w.admin.add_member(w.tenant, group.id, people[0].id)
    w.admin.assign(w.tenant, w.app, group.id, w.role)
    return [("POST", "/Users", ANY)], [loner.id, people[0].id]


def _assigned_again_through_a_group(
    w: ProvisioningWorld, people: list[Any]
) -> tuple[Writes, list[str]]:
    # A second path to the app for one user: its assignments change, nothing it sends does.
    group = w.admin.create_group(w.tenant, "Also")
    w.admin.add_member(w.tenant, group.id, people[1].id)
    w.admin.assign(w.tenant, w.app, group.id, w.role)
    return [], [people[1].id]


@pytest.mark.parametrize(
    "change",
    [
        _unassign,
        _soft_delete,
        _account_disabled,
        _purge,
        _purged_from_the_dict,
        _new_user,
        _group_assigned,
        _assigned_again_through_a_group,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_each_kind_of_change_reaches_the_target(
    target: RecordingScimTarget, counted: Counted, change: Change
) -> None:
    w, people = world(target)
    expected, evaluated = change(w, people)
    start = len(target.requests)
    counted.clear()
    summary = w.later()
    assert summary.kind == "Incremental"
    assert sorted(counted.planned) == sorted(evaluated)
    sent = writes_after(target, start)
    assert [write for write in sent if write[1].startswith("/Users")] == expected
    assert_nothing_left(w)


def test_membership_changes_of_an_assigned_group_reach_its_members(
    target: RecordingScimTarget, counted: Counted
) -> None:
    w = ProvisioningWorld(target.url, target.token)
    ada, bob, cy = (w.user(n, assign=False) for n in ("ada", "bob", "cy"))
    team = w.group("Team", [ada, bob])
    w.start()
    assert set(w.job.links) >= {ada.id, bob.id} and cy.id not in w.job.links

    w.admin.add_member(w.tenant, team.id, cy.id)  # cy comes into scope through the group
    w.admin.remove_member(w.tenant, team.id, bob.id)  # bob leaves it
    counted.clear()
    start = len(target.requests)
    summary = w.later()
    assert sorted(counted.evaluated) == sorted([cy.id, bob.id])
    assert summary.counts.get("create") == 1 and summary.counts.get("disable") == 1
    assert active_patch(w, bob, ACTIVE_FALSE) in writes_after(target, start)
    assert target.user_named("cy@contoso.com")["active"] is True
    assert_nothing_left(w)

    w.admin.delete_group(w.tenant, team.id)  # a deleted group assigns no one
    start = len(target.requests)
    w.later()
    sent = writes_after(target, start)
    assert active_patch(w, ada, ACTIVE_FALSE) in sent and active_patch(w, cy, ACTIVE_FALSE) in sent
    assert_nothing_left(w)


def test_the_group_assignment_removed_disables_its_members(
    target: RecordingScimTarget, counted: Counted
) -> None:
    w = ProvisioningWorld(target.url, target.token)
    ada = w.user("ada", assign=False)
    team = w.group("Team", [ada])
    w.user("bob")
    w.start()
    assignment = next(a for a in w.app.assignments if a.principal_id == team.id)
    w.admin.unassign(w.tenant, w.app, assignment.id)
    counted.clear()
    start = len(target.requests)
    w.later()
    assert counted.planned == [ada.id]
    assert active_patch(w, ada, ACTIVE_FALSE) in writes_after(target, start)
    assert_nothing_left(w)


def test_soft_deleted_users_are_deleted_when_the_clock_passes_thirty_days(
    target: RecordingScimTarget, counted: Counted
) -> None:
    w, people = world(target)
    w.admin.delete_user(w.tenant, people[0].id)
    w.later()
    gone = w.link(people[0])
    counted.clear()
    start = len(target.requests)
    w.later(days=29)  # nothing changed in the directory, and not yet 30 days
    assert writes_after(target, start) == [] and counted.planned == []
    w.later(days=1)
    assert writes_after(target, start) == [("DELETE", f"/Users/{gone}", None)]
    assert people[0].id not in w.job.links
    assert_nothing_left(w)
    counted.clear()
    w.later()
    assert counted.planned == [], "a deleted user is not evaluated again"


def test_a_restored_user_is_enabled_again(target: RecordingScimTarget) -> None:
    w, people = world(target)
    w.admin.delete_user(w.tenant, people[3].id)
    w.later()
    w.admin.restore_user(w.tenant, people[3].id)
    start = len(target.requests)
    w.later()
    assert writes_after(target, start) == [active_patch(w, people[3], ACTIVE_TRUE)]
    assert_nothing_left(w)


def test_a_failed_export_is_retried_on_its_escrow_schedule(
    target: RecordingScimTarget, counted: Counted
) -> None:
    w, people = world(target)
    w.service.update_settings(w.job, {"retry_attempts": 0})
    w.admin.update_user(w.tenant, people[4].id, job_title="Lead")
    target.fail(400, times=1, method="PATCH")
    assert w.later().counts == {"failed": 1}
    start = len(target.requests)
    counted.clear()
    w.later()
    assert target.requests[start:] == [] and counted.planned == [], "not due yet"
    w.later(hours=6)
    assert counted.planned == [people[4].id]
    assert target.user_named("user4@contoso.com")["title"] == "Lead"
    assert not w.job.escrows
    assert_nothing_left(w)


def test_a_change_made_before_a_failed_cycle_is_sent_by_the_next(
    target: RecordingScimTarget,
) -> None:
    w, people = world(target)
    w.admin.update_user(w.tenant, people[5].id, job_title="Lead")
    target.fail(401, times=1)  # quarantine: the cycle fails and keeps the old watermark
    assert w.later().state == "Failed"
    w.later(days=1)
    assert target.user_named("user5@contoso.com")["title"] == "Lead"
    assert_nothing_left(w)


def test_a_change_made_during_a_cycle_is_found_by_the_next(target: RecordingScimTarget) -> None:
    w, people = world(target)
    w.admin.update_user(w.tenant, people[0].id, job_title="Lead")
    original = target.__call__

    def change_while_exporting(environ: dict[str, Any], start_response: Any) -> Any:
        if environ["REQUEST_METHOD"] == "PATCH" and people[1].job_title is None:
            people[1].job_title = "Changed meanwhile"  # after the import read the directory
        return original(environ, start_response)

    target.server.set_app(change_while_exporting)
    w.later()
    assert target.user_named("user0@contoso.com")["title"] == "Lead"
    w.later()
    assert target.user_named("user1@contoso.com")["title"] == "Changed meanwhile"
    assert_nothing_left(w)


def test_a_mapping_or_scoping_filter_edited_in_place_makes_a_full_walk(
    target: RecordingScimTarget, counted: Counted
) -> None:
    from mock_idp.provisioning.scoping import ScopingClause, ScopingFilter

    w, people = world(target)
    w.admin.update_user(w.tenant, people[0].id, department="HR")
    w.later()
    # Not through Save (which clears the watermark): the delta must notice by itself.
    w.job.users.scoping_filters = [
        ScopingFilter("Sales only", [ScopingClause("department", "EQUALS", "Sales")])
    ]
    counted.clear()
    start = len(target.requests)
    summary = w.later()
    assert summary.kind == "Incremental"
    assert sorted(counted.planned) == sorted(p.id for p in people)
    assert writes_after(target, start) == [active_patch(w, people[0], ACTIVE_FALSE)]
    assert_nothing_left(w)


def test_the_default_access_rule_changed_makes_a_full_walk(
    target: RecordingScimTarget, counted: Counted
) -> None:
    w, people = world(target)  # everyone has only Default Access
    w.service.update_settings(w.job, {"default_access": "not_entitled"})
    counted.clear()
    summary = w.later()
    assert sorted(counted.planned) == sorted(p.id for p in people)
    assert summary.total == len(people), "every user is no longer effectively entitled"
    assert_nothing_left(w)


def test_an_app_role_renamed_makes_a_full_walk(
    target: RecordingScimTarget, counted: Counted
) -> None:
    w, people = world(target)
    w.app.app_roles[0].display_name = "Renamed access"
    counted.clear()
    w.later()
    assert sorted(counted.planned) == sorted(p.id for p in people)
    assert_nothing_left(w)


def test_an_expression_calling_now_is_evaluated_for_every_user_each_cycle(
    target: RecordingScimTarget, counted: Counted
) -> None:
    from mock_idp.provisioning.mappings import AttributeMapping, clone

    w = ProvisioningWorld(target.url, target.token)
    users = clone(w.job.users)
    users.mappings.append(AttributeMapping("nickName", "Expression", "Now()"))
    w.service.update_mappings(w.job, users, None)
    people = [w.user(f"user{n}") for n in range(3)]
    w.start()
    counted.clear()
    start = len(target.requests)
    w.later()
    assert sorted(counted.planned) == sorted(p.id for p in people)
    patched = {p for m, p, _ in writes_after(target, start) if m == "PATCH"}
    assert patched == {f"/Users/{w.link(p)}" for p in people}, "each nickName moves with Now()"


def test_restart_runs_an_initial_cycle_over_every_user(
    target: RecordingScimTarget, counted: Counted
) -> None:
    w, people = world(target)
    w.service.restart(w.job)
    counted.clear()
    summary = w.run_due()
    assert summary.kind == "Initial" and summary.total == len(people)
    assert sorted(counted.planned) == sorted(p.id for p in people)


def test_provision_on_demand_then_a_cycle_sends_nothing_twice(
    target: RecordingScimTarget, counted: Counted
) -> None:
    w, people = world(target)
    w.admin.update_user(w.tenant, people[2].id, job_title="Lead")
    w.service.provision_on_demand(w.job, people[2].id, "User", [])
    assert target.user_named("user2@contoso.com")["title"] == "Lead"
    counted.clear()
    start = len(target.requests)
    w.later()
    assert counted.planned == [people[2].id] and writes_after(target, start) == []
    assert_nothing_left(w)


def test_escrows_or_links_cleared_make_a_full_walk(
    target: RecordingScimTarget, counted: Counted
) -> None:
    w, people = world(target)
    w.service.restart(w.job, "Escrows")
    assert w.job.watermark is not None
    counted.clear()
    assert w.later().kind == "Incremental"
    assert sorted(counted.planned) == sorted(p.id for p in people)
    counted.clear()
    w.later()
    assert counted.planned == []


def test_a_new_directory_makes_a_full_walk(target: RecordingScimTarget) -> None:
    """Change numbers of another directory mean nothing: its users are all evaluated."""
    from mock_idp.directory import Directory

    w, people = world(target)
    old = w.tenant.directory
    w.tenant.directory = Directory()
    for user in people[:-1]:
        w.tenant.directory.add_user(old.users[user.id])
    gone = w.link(people[-1])
    start = len(target.requests)
    w.later()
    assert writes_after(target, start) == [("DELETE", f"/Users/{gone}", None)]
    assert_nothing_left(w)


def test_the_change_log_names_users_changed_after_a_number() -> None:
    from mock_idp.directory import Directory, User

    directory = Directory()
    ada = directory.add_user(User("ada@contoso.com", "Ada", "pw"))
    bob = directory.add_user(User("bob@contoso.com", "Bob", "pw"))
    mark = directory.changes.mark()
    assert directory.changes.since(mark) == []
    bob.city = "Lund"
    ada.city = "Malmö"
    bob.city = "Ystad"
    assert directory.changes.since(mark) == [bob.id, ada.id]
    later = directory.changes.mark()
    directory.users.pop(ada.id)
    assert directory.changes.since(later) == [ada.id]
    detached = User("cy@contoso.com", "Cy", "pw")
    detached.city = "Lund"  # not in a directory: no log to record in
    assert directory.changes.since(later) == [ada.id]


def test_the_hard_delete_delay_changed_makes_a_full_walk(
    target: RecordingScimTarget, counted: Counted
) -> None:
    w, people = world(target)
    w.admin.delete_user(w.tenant, people[0].id)
    w.later()
    w.service.update_settings(w.job, {"hard_delete_after": 60})  # seconds
    gone = w.link(people[0])
    counted.clear()
    start = len(target.requests)
    w.later()
    assert sorted(counted.planned) == sorted(p.id for p in people)
    assert writes_after(target, start) == [("DELETE", f"/Users/{gone}", None)]
