"""check-scim's gallery checks driven through the provisioning engine, read back over SCIM."""

# The user and group tests of Microsoft's gallery SCIM validation (SCIMReferenceCode "SCIM
# Validation Test Overview": Create/Update/Disable/Delete/Manager/Restore user, Create/Update/
# Delete group, add and remove member), plus Test Connection and credentials: each changes the
# simulated tenant as an admin would, runs one cycle, then checks the provisioning log and what
# the target now answers.

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harness.checks.scim.probe import CheckFailed, ScimProbe, member_ids, patch_body, read
from harness.checks.scim.recorder import Recorder, expect
from harness.checks.scim.tenant import SimulatedTenant
from mock_idp import admin
from mock_idp.directory import Group, User
from mock_idp.provisioning.wire import ScimHttp

LOG = logging.getLogger(__name__)
GALLERY = "gallery"


@dataclass
class LifecycleOptions:
    url: str
    token: str
    flag: bool
    groups: bool
    run_id: str
    domain: str = "contoso.com"
    existing_group: str | None = None  # a target whose groups are made outside SCIM
    delete_deactivates: bool = False  # a target whose DELETE deactivates the user
    timeout: float = 10.0


class Lifecycle:
    """One wire mode's run: its own tenant, users and group, named after the run and the wire."""

    def __init__(
        self,
        options: LifecycleOptions,
        probe: ScimProbe,
        recorder: Recorder,
        http_factory: Callable[[], ScimHttp],
    ) -> None:
        self.o = options
        self.probe = probe
        self.r = recorder
        self.t = SimulatedTenant(
            options.url,
            options.token,
            flag=options.flag,
            groups=options.groups,
            http_factory=http_factory,
            timeout=options.timeout,
        )
        if options.existing_group:
            # Like Genesys Cloud's gallery job: groups are matched and updated, never created
            # or deleted (ENTRA-BEHAVIOUR §9).
            self.t.job.groups.actions = ["Update"]
        self.wire = "f" if options.flag else "d"
        self.users: dict[str, User] = {}
        self.group: Group | None = None

    def upn(self, name: str) -> str:
        return f"eh{self.o.run_id}{self.wire}-{name}@{self.o.domain}"

    # --- the sequence ------------------------------------------------------------------------

    def run(self) -> None:
        r = self.r
        r.run("test-connection", GALLERY, "Test Connection succeeds", self.test_connection)
        r.run(
            "credentials", GALLERY, "a wrong or missing token is refused with 401", self.credentials
        )
        r.run("user-create", GALLERY, "201 with an id; the user reads back", self.user_create)
        r.run(
            "user-update",
            GALLERY,
            "the changed attributes read back",
            self.user_update,
            ["user-create"],
        )
        r.run(
            "manager-set",
            GALLERY,
            "manager.value = the manager's id",
            self.manager_set,
            ["user-create"],
        )
        r.run(
            "manager-change",
            GALLERY,
            "manager.value = the new manager's id",
            self.manager_change,
            ["user-create"],
        )
        r.run(
            "manager-remove",
            GALLERY,
            "no manager after it is cleared",
            self.manager_remove,
            ["manager-change"],
        )
        self.settle_manager()
        r.run(
            "null-update",
            GALLERY,
            "empty and null values clear attributes",
            self.null_update,
            ["user-create"],
        )
        if self.o.existing_group:
            r.run(
                "group-create", GALLERY, "201 with an id; the group reads back", self.group_create
            )
            r.run(
                "group-match",
                GALLERY,
                "the existing group is matched by displayName",
                self.group_match,
                ["user-create"],
            )
            made = "group-match"
        else:
            r.run(
                "group-create",
                GALLERY,
                "201 with an id; the group reads back",
                self.group_create,
                ["user-create"],
            )
            made = "group-create"
        r.run("group-add-member", GALLERY, "the members read back", self.group_add_member, [made])
        r.run(
            "group-remove-member",
            GALLERY,
            "the removed member is gone",
            self.group_remove_member,
            ["group-add-member"],
        )
        r.run("group-update", GALLERY, "the new displayName reads back", self.group_update, [made])
        r.run("group-delete", GALLERY, "404 after the group is deleted", self.group_delete, [made])
        r.run(
            "user-disable",
            GALLERY,
            "active false; still found by GET and filter",
            self.user_disable,
            ["user-create"],
        )
        r.run(
            "user-restore",
            GALLERY,
            "disabled when deleted, active again when restored",
            self.user_restore,
            ["user-create"],
        )
        r.run(
            "user-delete",
            GALLERY,
            "404 after the user is purged",
            self.user_delete,
            ["user-create"],
        )
        self.clean_up()

    # --- helpers -----------------------------------------------------------------------------

    def cycle(self, source_id: str | None = None, action: str | None = None) -> None:
        """One cycle; fails the check if the job stopped or the object's export failed."""
        before = self.t.log_count
        summary = self.t.cycle()
        if summary.state == "Failed":
            error = summary.error or {}
            raise CheckFailed(
                f"the cycle failed and the job is in quarantine: {error.get('code')}: "
                f"{error.get('message')}"
            )
        if source_id is None:
            return
        entries = self.t.logs_since(before, source_id)
        for entry in entries:
            status = entry["provisioningStatusInfo"]
            if status["status"] == "failure":
                error = status["errorInformation"] or {}
                raise CheckFailed(
                    f"{entry['provisioningAction']} failed: {error.get('errorCode')}: "
                    f"{error.get('reason')}"
                )
        if action is not None and not any(
            e["provisioningAction"] == action and e["provisioningStatusInfo"]["status"] == "success"
            for e in entries
        ):
            seen = [
                f"{e['provisioningAction']} {e['provisioningStatusInfo']['status']}"
                for e in entries
            ]
            raise CheckFailed(f"no successful {action} in the provisioning logs (saw {seen})")

    def target(self, source_id: str) -> str:
        target_id = self.t.target_id(source_id)
        if target_id is None:
            raise CheckFailed("the engine has no target id for the object")
        return target_id

    def read_user(self, user: User) -> dict[str, Any]:
        return self.probe.get(f"/Users/{self.target(user.id)}")

    def read_group(self) -> dict[str, Any]:
        assert self.group is not None
        return self.probe.get(f"/Groups/{self.target(self.group.id)}")

    def same(self, resource: dict[str, Any], wanted: dict[str, Any]) -> None:
        wrong = {
            path: read(resource, path)
            for path, value in wanted.items()
            if read(resource, path) != value
        }
        if wrong:
            raise CheckFailed(
                "read back "
                + ", ".join(f"{p}={v!r} (sent {wanted[p]!r})" for p, v in wrong.items())
            )

    # --- connection --------------------------------------------------------------------------

    def test_connection(self) -> str:
        result = self.t.test_connection()
        expect(result.success, f"{result.code}: {result.message}")
        return "; ".join(result.details)

    def credentials(self) -> str:
        wrong = f"wrong-{uuid.uuid4().hex}"
        result = self.t.test_connection(token=wrong)
        expect(
            not result.success and result.code == "Unauthorized",
            f"Test Connection with a wrong token: {result.code or 'success'}: {result.message}",
        )
        seen = []
        for label, token in (("wrong token", wrong), ("no token", "")):
            answer = self.probe.send("GET", "/Users", params={"count": "1"}, token=token)
            expect(answer.status == 401, f"GET /Users with {label} answered {answer.describe()}")
            seen.append(f"{label} 401")
        return "Test Connection: invalid credentials; " + ", ".join(seen)

    # --- users -------------------------------------------------------------------------------

    def user_create(self) -> str:
        for name in ("ada", "boss", "cleo"):
            self.users[name] = self.t.user(
                self.upn(name), job_title="Engineer", department="Research"
            )
        before = self.t.log_count
        self.cycle()
        for user in self.users.values():
            entries = self.t.logs_since(before, user.id)
            expect(
                any(
                    e["provisioningAction"] == "create"
                    and e["provisioningStatusInfo"]["status"] == "success"
                    for e in entries
                ),
                f"{user.user_principal_name} was not created: "
                + "; ".join(
                    str((e["provisioningStatusInfo"]["errorInformation"] or {}).get("reason"))
                    for e in entries
                ),
            )
        ada = self.users["ada"]
        found = self.probe.query("/Users", f'userName eq "{ada.user_principal_name}"')
        expect(
            [u.get("id") for u in found] == [self.target(ada.id)],
            f"filter userName eq found {[u.get('id') for u in found]}, "
            f"not the created {self.target(ada.id)}",
        )
        resource = self.read_user(ada)
        self.same(
            resource,
            {
                "userName": ada.user_principal_name,
                "active": True,
                "name.givenName": ada.given_name,
                "name.familyName": ada.surname,
                "emails[work]": ada.mail,
                "title": "Engineer",
            },
        )
        return f"3 users created; {ada.user_principal_name} reads back"

    def user_update(self) -> str:
        ada = self.users["ada"]
        self.t.update(
            ada, given_name="Adah", surname="Lovelace", job_title="Lead", department="Platform"
        )
        self.cycle(ada.id, "update")
        self.same(
            self.read_user(ada),
            {
                "name.givenName": "Adah",
                "name.familyName": "Lovelace",
                "title": "Lead",
                "enterprise:department": "Platform",
            },
        )
        return "givenName, familyName, title, department read back"

    def _manager(self, manager: User | None) -> str:
        ada = self.users["ada"]
        self.t.update(ada, manager_id=manager.id if manager else None)
        self.cycle(ada.id, "update")
        wanted = self.target(manager.id) if manager else None
        actual = read(self.read_user(ada), "enterprise:manager")
        expect(
            actual in ((wanted,) if wanted else (None, "")),
            f"manager reads back {actual!r}, not {wanted!r}",
        )
        return f"manager {wanted or 'removed'}"

    def manager_set(self) -> str:
        return self._manager(self.users["boss"])

    def manager_change(self) -> str:
        return self._manager(self.users["cleo"])

    def manager_remove(self) -> str:
        return self._manager(None)

    def settle_manager(self) -> None:
        """Whatever the manager checks did, the user ends without a manager, so a manager
        update the target refused is not retried into the later checks' cycles."""
        ada = self.users.get("ada")
        if ada is not None and ada.manager_id is not None:
            self.t.update(ada, manager_id=None)

    def null_update(self) -> str:
        """SCIM_Null_Update_Test: a PATCH with empty strings, then one with nulls, on optional
        attributes; both answer 200/204 and leave the attributes empty. Sent directly (Entra
        never provisions nulls, ENTRA-BEHAVIOUR §8), with the op casing of this wire."""
        target_id = self.target(self.users["ada"].id)
        op = "replace" if self.o.flag else "Replace"
        department = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"
        for label, value in (("empty strings", ""), ("nulls", None)):
            body = patch_body(
                {"op": op, "path": "title", "value": value},
                {"op": op, "path": department, "value": value},
            )
            answer = self.probe.send("PATCH", f"/Users/{target_id}", body)
            expect(answer.status in (200, 204), f"PATCH with {label} answered {answer.describe()}")
            resource = self.probe.get(f"/Users/{target_id}")
            left = {p: read(resource, p) for p in ("title", "enterprise:department")}
            expect(
                all(v in (None, "", []) for v in left.values()),
                f"after the PATCH with {label}: {left}",
            )
        return "title and department empty after both PATCHes"

    def user_disable(self) -> str:
        ada = self.users["ada"]
        self.t.update(ada, account_enabled=False)
        self.cycle(ada.id, "disable")
        active = read(self.read_user(ada), "active")
        expect(active is False, f"GET answers active={active!r}")
        found = self.probe.query("/Users", f'userName eq "{ada.user_principal_name}"')
        expect(len(found) == 1, f"a filter on the disabled user found {len(found)}")
        expect(
            found[0].get("active") is False, f"the filter answers active={found[0].get('active')!r}"
        )
        return "active false by GET and by filter"

    def user_restore(self) -> str:
        cleo = self.users["cleo"]
        admin.delete_user(self.t.tenant, cleo.id)
        self.cycle(cleo.id, "disable")
        active = read(self.read_user(cleo), "active")
        expect(active is False, f"after the soft delete, GET answers active={active!r}")
        admin.restore_user(self.t.tenant, cleo.id)
        self.cycle(cleo.id, "update")
        active = read(self.read_user(cleo), "active")
        expect(active is True, f"after the restore, GET answers active={active!r}")
        return "disabled on soft delete, active after restore (SoftDeleteRestore)"

    def user_delete(self) -> str:
        boss = self.users["boss"]
        target_id = self.target(boss.id)
        admin.delete_user(self.t.tenant, boss.id)
        admin.hard_delete_user(self.t.tenant, boss.id)
        self.cycle(boss.id, "delete")
        del self.users["boss"]
        answer = self.probe.send("GET", f"/Users/{target_id}")
        if self.o.delete_deactivates:
            # A documented vendor limit (8x8, ENTRA-BEHAVIOUR §9): DELETE deactivates.
            active = answer.body.get("active") if isinstance(answer.body, dict) else None
            gone = answer.status == 404
            expect(
                gone or active is False,
                f"GET after the delete answered {answer.describe()}, active={active!r}",
            )
            return "DELETE, then " + ("404" if gone else "active false (deactivated)")
        expect(answer.status == 404, f"GET after the delete answered {answer.describe()}")
        found = self.probe.query("/Users", f'userName eq "{boss.user_principal_name}"')
        expect(not found, f"a filter still finds {len(found)}")
        return "DELETE, then 404 and an empty filter"

    # --- groups ------------------------------------------------------------------------------

    def group_create(self) -> str:
        self.group = self.t.group(f"eh{self.o.run_id}{self.wire} Team")
        self.cycle(self.group.id, "create")
        found = self.probe.query(
            "/Groups",
            f'displayName eq "{self.group.display_name}"',
            excludedAttributes="members",
        )
        expect(
            [g.get("id") for g in found] == [self.target(self.group.id)],
            f"filter displayName eq found {[g.get('id') for g in found]}",
        )
        self.same(self.read_group(), {"displayName": self.group.display_name})
        return f"group {self.group.display_name} created, found by filter"

    def group_match(self) -> str:
        assert self.o.existing_group is not None
        self.group = self.t.group(self.o.existing_group)
        self.cycle(self.group.id)
        self.same(self.read_group(), {"displayName": self.o.existing_group})
        return f"matched {self.o.existing_group} ({self.target(self.group.id)})"

    def group_add_member(self) -> str:
        assert self.group is not None
        for name in ("ada", "cleo"):
            admin.add_member(self.t.tenant, self.group.id, self.users[name].id)
        self.cycle(self.group.id)
        wanted = {self.target(self.users[n].id) for n in ("ada", "cleo")}
        members = member_ids(self.read_group())
        expect(wanted <= members, f"members read back {sorted(members)}, sent {sorted(wanted)}")
        return "2 members added"

    def group_remove_member(self) -> str:
        assert self.group is not None
        admin.remove_member(self.t.tenant, self.group.id, self.users["cleo"].id)
        self.cycle(self.group.id)
        members = member_ids(self.read_group())
        gone, kept = self.target(self.users["cleo"].id), self.target(self.users["ada"].id)
        expect(gone not in members, f"the removed member {gone} is still in {sorted(members)}")
        expect(kept in members, f"the other member {kept} was removed too")
        return "1 member removed, 1 kept"

    def group_update(self) -> str:
        assert self.group is not None
        original = self.group.display_name
        renamed = f"{original} renamed {self.wire}"
        self.group.display_name = renamed
        self.cycle(self.group.id, "update")
        self.same(self.read_group(), {"displayName": renamed})
        if self.o.existing_group:  # give the vendor's group its name back
            self.group.display_name = original
            self.cycle(self.group.id, "update")
        return f"displayName {renamed!r} reads back"

    def group_delete(self) -> str:
        assert self.group is not None
        if self.o.existing_group:
            raise CheckFailed("not run on an existing group")
        target_id = self.target(self.group.id)
        admin.delete_group(self.t.tenant, self.group.id)
        self.cycle(self.group.id, "delete")
        answer = self.probe.send("GET", f"/Groups/{target_id}")
        expect(answer.status == 404, f"GET after the delete answered {answer.describe()}")
        self.group = None
        return "DELETE, then 404"

    # --- clean-up ----------------------------------------------------------------------------

    def clean_up(self) -> None:
        """What the run made goes: memberships of an existing group, the group, the users
        (purged, so the engine deletes them). Failures are logged, not checks."""
        try:
            if self.group is not None and self.o.existing_group:
                for user in self.users.values():
                    if user.id in self.t.tenant.directory.group(self.group.id).members:
                        admin.remove_member(self.t.tenant, self.group.id, user.id)
            elif self.group is not None:
                admin.delete_group(self.t.tenant, self.group.id)
            for user in self.users.values():
                if user.id not in self.t.tenant.directory.users:
                    continue
                if user.deleted_at is None:
                    admin.delete_user(self.t.tenant, user.id)
                admin.hard_delete_user(self.t.tenant, user.id)
            self.t.cycle()
        except Exception:
            LOG.exception("check-scim clean-up")
