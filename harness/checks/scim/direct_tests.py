"""Microsoft's direct SCIM tests: SCIM_User/Group_Create/Update_Test and SCIM_Update_Manager_Test."""

# SCIM-Validation-Test-Overview (AzureAD/SCIMReferenceCode): these bypass the engine. A create
# passes with 200 or 201, a non-empty id and the sent userName / displayName returned; an update
# PATCHes every eligible attribute (single-valued, string, not id/schemas/meta/active/groups/
# roles) and reads each back; the manager is set (Add), changed (Replace), removed (Replace with
# empty), each read back.

from __future__ import annotations

from typing import Any

from harness.checks.scim.probe import (
    ENTERPRISE,
    USER,
    CheckFailed,
    ScimProbe,
    Tracker,
    group_body,
    patch_body,
    read,
    user_body,
)
from harness.checks.scim.recorder import expect

# When /Schemas cannot be read (schema-discovery reports that), these are updated.
FALLBACK_USER_ATTRIBUTES = ("displayName", "nickName", "title", "name.givenName", "name.familyName")
NOT_UPDATED = {"id", "schemas", "meta", "active", "groups", "roles", "username", "password"}
# Values a validating server accepts for attributes with a format (RFC 7643 §4.1.1).
FORMATTED = {
    "preferredlanguage": "en-US",
    "locale": "en-US",
    "timezone": "America/Los_Angeles",
}


def eligible_user_attributes(schemas: list[dict[str, Any]]) -> list[str]:
    """Single-valued readWrite string attributes of the User and enterprise schemas, as PATCH
    paths (sub-attributes of single-valued complex ones dotted; the extension's by URN)."""
    paths: list[str] = []
    for schema in schemas:
        urn = str(schema.get("id"))
        if urn not in (USER, ENTERPRISE):
            continue
        for attribute in schema.get("attributes") or []:
            name = str(attribute.get("name"))
            if name.lower() in NOT_UPDATED or attribute.get("multiValued"):
                continue
            if attribute.get("mutability", "readWrite") != "readWrite":
                continue
            prefix = f"{ENTERPRISE}:" if urn == ENTERPRISE else ""
            if attribute.get("type") == "string" and not attribute.get("canonicalValues"):
                paths.append(prefix + name)
            elif attribute.get("type") == "complex" and name != "manager":
                for sub in attribute.get("subAttributes") or []:
                    if sub.get("type") == "string" and not sub.get("multiValued"):
                        paths.append(f"{prefix}{name}.{sub.get('name')}")
    return paths


def read_path(resource: dict[str, Any], path: str) -> Any:
    """A PATCH path read from a resource: `title`, `name.givenName`, `urn:…:User:department`."""
    if path.startswith(ENTERPRISE + ":"):
        return read(resource, "enterprise:" + path[len(ENTERPRISE) + 1 :])
    return read(resource, path)


class DirectTests:
    def __init__(
        self, probe: ScimProbe, tracker: Tracker, run_id: str, domain: str, user_schemas: Any
    ) -> None:
        self.probe = probe
        self.tracker = tracker
        self.run_id = run_id
        self.domain = domain
        self.user_schemas = user_schemas  # () -> list of /Schemas resources, or None
        self.user: dict[str, Any] | None = None
        self.create_status = 0
        self.group: dict[str, Any] | None = None

    def user_name(self, name: str) -> str:
        return f"eh{self.run_id}-{name}@{self.domain}"

    def new_user(self, name: str) -> dict[str, Any]:
        user_name = self.user_name(name)
        return self.tracker.create(
            "/Users", user_body(user_name), user_name, ("userName", user_name)
        )

    # --- SCIM_User_Create_Test ---------------------------------------------------------------

    def user_create(self) -> str:
        user_name = self.user_name("probe")
        answer = self.probe.send("POST", "/Users", user_body(user_name))
        self.create_status = answer.status
        body = answer.body if isinstance(answer.body, dict) else {}
        if answer.status in (200, 201) and body.get("id"):
            self.tracker.made.append(("/Users", str(body["id"])))
        elif answer.status in (200, 201):
            self.tracker.forget_by_name("/Users", "userName", user_name)
        expect(
            answer.status in (200, 201), f"POST /Users answered {answer.describe()}, not 200/201"
        )
        expect(
            bool(body.get("id")),
            f"POST /Users answered {answer.status} without an id (Entra keeps the id and "
            "addresses the user by it from then on)",
        )
        expect(
            str(body.get("userName", "")).lower() == user_name.lower(),
            f"POST /Users returned userName {body.get('userName')!r}, sent {user_name!r}",
        )
        self.user = body
        return f"{answer.status} with id {body['id']}, userName round-trips"

    def created_201(self) -> str:
        expect(
            self.create_status == 201,
            f"POST /Users answered {self.create_status}; RFC 7644 §3.3 says 201 (Entra and "
            "Microsoft's validation accept 200)",
        )
        return "201 Created"

    # --- SCIM_User_Update_Test ---------------------------------------------------------------

    def user_update(self) -> str:
        assert self.user is not None
        schemas = self.user_schemas()
        paths = eligible_user_attributes(schemas) if schemas else []
        paths = paths or list(FALLBACK_USER_ATTRIBUTES)
        values = {
            p: FORMATTED.get(p.rsplit(":", 1)[-1].lower(), f"eh{self.run_id} {i}")
            for i, p in enumerate(paths)
        }
        operations = [{"op": "replace", "path": p, "value": v} for p, v in values.items()]
        user_id = str(self.user["id"])
        answer = self.probe.send("PATCH", f"/Users/{user_id}", patch_body(*operations))
        expect(
            answer.status in (200, 204),
            f"PATCH of {len(paths)} attributes answered {answer.describe()}",
        )
        resource = self.probe.get(f"/Users/{user_id}")
        wrong = {
            p: read_path(resource, p) for p, v in values.items() if read_path(resource, p) != v
        }
        expect(
            not wrong,
            "read back " + ", ".join(f"{p}={v!r} (sent {values[p]!r})" for p, v in wrong.items()),
        )
        return f"{len(paths)} attributes PATCHed and read back"

    # --- SCIM_Update_Manager_Test ------------------------------------------------------------

    def update_manager(self) -> str:
        assert self.user is not None
        user_id = str(self.user["id"])
        first, second = self.new_user("mgr1"), self.new_user("mgr2")
        path = f"{ENTERPRISE}:manager"
        for label, op, value, wanted in (
            ("set (Add)", "add", first["id"], first["id"]),
            ("change (Replace)", "replace", second["id"], second["id"]),
            ("remove (Replace with empty)", "replace", "", None),
        ):
            answer = self.probe.send(
                "PATCH", f"/Users/{user_id}", patch_body({"op": op, "path": path, "value": value})
            )
            expect(answer.status in (200, 204), f"manager {label} answered {answer.describe()}")
            actual = read(self.probe.get(f"/Users/{user_id}"), "enterprise:manager")
            ok = actual in (None, "") if wanted is None else actual == wanted
            expect(ok, f"after the manager {label}, manager reads back {actual!r}, not {wanted!r}")
        return "manager set, changed and removed"

    # --- SCIM_Group_Create_Test / SCIM_Group_Update_Test -------------------------------------

    def group_create(self) -> str:
        name = f"eh{self.run_id} direct"
        created = self.tracker.create("/Groups", group_body(name), name, ("displayName", name))
        expect(
            created.get("displayName") == name,
            f"POST /Groups returned displayName {created.get('displayName')!r}, sent {name!r}",
        )
        self.group = created
        return f"group {created['id']} created, displayName round-trips"

    def group_update(self) -> str:
        assert self.group is not None
        group_id = str(self.group["id"])
        values = {
            "displayName": f"eh{self.run_id} direct renamed",
            "externalId": f"eh{self.run_id}-g",
        }
        answer = self.probe.send(
            "PATCH",
            f"/Groups/{group_id}",
            patch_body(*({"op": "replace", "path": p, "value": v} for p, v in values.items())),
        )
        expect(answer.status in (200, 204), f"PATCH /Groups answered {answer.describe()}")
        resource = self.probe.get(f"/Groups/{group_id}")
        wrong = {p: resource.get(p) for p, v in values.items() if resource.get(p) != v}
        expect(not wrong, f"read back {wrong}, sent {values}")
        return "displayName and externalId PATCHed and read back"


def schema_list(probe: ScimProbe) -> list[dict[str, Any]] | None:
    """/Schemas' resources, or None when they cannot be read."""
    try:
        body = probe.get("/Schemas")
    except CheckFailed:
        return None
    resources = body.get("Resources")
    return [r for r in resources if isinstance(r, dict)] if isinstance(resources, list) else None
