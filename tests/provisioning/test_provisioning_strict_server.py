"""Against scim2-server, a strict SCIM server in-process: which documented incompatibilities each mode hits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.provisioning.test_provisioning_targets import (
    ENTERPRISE,
    GROUP,
    ProvisioningWorld,
    StrictScimServer,
)

MANAGER = f"{ENTERPRISE}:manager"


@pytest.fixture
def strict() -> Iterator[StrictScimServer]:
    server = StrictScimServer()
    yield server
    server.close()


def refusals(world: ProvisioningWorld) -> dict[str, str]:
    """What the strict server refused, by request kind, with its detail."""
    refused: dict[str, str] = {}
    for traced in world.tenant.provisioning.trace:
        if traced.status is None or traced.status < 400:
            continue
        detail = str((traced.response or {}).get("detail", ""))
        body = traced.body or {}
        operations = body.get("Operations", [{}]) if isinstance(body, dict) else [{}]
        if traced.method == "POST" and traced.path == "/Groups":
            kind = "group schema"
        elif traced.method == "PATCH" and operations[0].get("path") == MANAGER:
            kind = "manager string"
        elif traced.method == "PATCH" and str(operations[0].get("op", "")).lower() == "remove":
            kind = "remove with value"
        else:
            kind = f"{traced.method} {traced.path}"
        refused[kind] = detail
    return refused


@pytest.mark.parametrize("flag", [False, True], ids=["default", "aadOptscim062020"])
def test_strict_server_sees_the_documented_incompatibilities(
    strict: StrictScimServer, flag: bool
) -> None:
    w = ProvisioningWorld(strict.url, strict.token, flag=flag)
    # A group the target already has (matched by displayName, so memberships flow) and one it
    # does not (so the group POST goes out).
    created = httpx.post(
        strict.url + "/Groups",
        json={"schemas": [GROUP], "displayName": "Team"},
        headers={"Authorization": f"Bearer {strict.token}"},
    )
    assert created.status_code == 201
    boss = w.user("boss")
    ada = w.user("ada", manager_id=boss.id)
    team = w.group("Team", [ada, boss])
    w.group("Fresh", [ada])

    first = w.start()

    assert sorted(u["userName"] for u in strict.get("/Users")["Resources"]) == [
        "ada@contoso.com",
        "boss@contoso.com",
    ]
    assert w.job.links[team.id].target_id == created.json()["id"]
    members = strict.get(f"/Groups/{created.json()['id']}")["members"]
    assert sorted(m["value"] for m in members) == sorted([w.link(ada), w.link(boss)])
    assert first.counts["failed"] == 2 and first.counts["create"] == 2  # manager, group "Fresh"

    w.admin.remove_member(w.tenant, team.id, boss.id)
    w.admin.update_user(w.tenant, ada.id, account_enabled=False)
    w.later(minutes=40)

    seen = refusals(w)
    # The manager goes as a plain string id and the group POST names the ADSCIM schema in both
    # modes: the flag switches four request types only (ENTRA-BEHAVIOUR §8 table).
    assert "Input should be a valid dictionary or instance of Manager" in seen.pop("manager string")
    assert "Unknown extension schemas" in seen.pop("group schema")
    if flag:
        assert seen == {}
        assert strict.get(f"/Groups/{created.json()['id']}")["members"] == [{"value": w.link(ada)}]
    else:
        # Default mode: a Remove with the members as value, which RFC 7644 §3.5.2.2 forbids.
        assert seen == {
            "remove with value": "a remove operation carries no value, a filter in the path selects what to remove"
        }
    # The string boolean of default mode: on the wire, and tolerated by this server's lax parsing.
    disable = next(
        t.body
        for t in w.tenant.provisioning.trace
        if t.method == "PATCH"
        and t.path.startswith("/Users/")
        and t.body["Operations"][0]["path"] == "active"
    )
    assert disable["Operations"] == [
        {"op": "replace", "path": "active", "value": False}
        if flag
        else {"op": "Replace", "path": "active", "value": "False"}
    ]
    ada_now: dict[str, Any] = strict.get(f"/Users/{w.link(ada)}")
    assert ada_now["active"] is False
