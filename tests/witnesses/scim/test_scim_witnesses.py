"""Witness: the provisioning engine provisions into independent SCIM servers (scim2-server, SCIMMY), both wire modes."""

# Each server is strict in its own way and built by others: scim2-server (python-scim, PyPI) with
# its default schemas, and SCIMMY with scimmy-routers (npm) as its documentation assembles them.
# A user lifecycle runs against each in Entra's default wire and with `?aadOptscim062020`
# (ENTRA-BEHAVIOUR §8), through either HTTP seam of the engine (mock_idp/provisioning/wire.py):
# create with a manager, groups (one the server has, one it does not), an attribute change, a
# member removed, a user disabled, one deleted and purged. Every request a
# server refuses must be one of real Entra's documented incompatibilities ("Known issues and
# resolutions with SCIM 2.0 protocol compliance of the Microsoft Entra user provisioning
# service", §8's table), and each server must refuse exactly the ones its strictness meets.

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mock_idp.provisioning.wire import HttpxWire
from tests.provisioning.test_provisioning_targets import (
    ENTERPRISE,
    GROUP,
    ProvisioningWorld,
    StrictScimServer,
)
from tests.witnesses.node_packages import node_modules

MANAGER = f"{ENTERPRISE}:manager"
ADSCIM = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"
SCIMMY_SERVER = Path(__file__).with_name("scimmy_server.cjs")
SCIMMY_PACKAGES = ["express@5.3.0", "scimmy@1.3.5", "scimmy-routers@1.3.2"]
TOKEN = "witness-scim-token"


class ScimmyServer:
    """SCIMMY behind scimmy-routers in Express, run by Node on a free port."""

    def __init__(self) -> None:
        modules = node_modules("scim-servers", SCIMMY_PACKAGES)
        self.token = TOKEN
        # Node's errors go to a file: a pipe nobody reads could fill and stall the server.
        self.errors = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed in close())
        self.process = subprocess.Popen(
            ["node", str(SCIMMY_SERVER)],
            env={**os.environ, "NODE_PATH": str(modules), "WITNESS_TOKEN": TOKEN},
            stdout=subprocess.PIPE,
            stderr=self.errors,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if not line.isdigit():
            self.errors.seek(0)
            reason = self.errors.read()[-2000:]
            self.close()
            raise RuntimeError(f"SCIMMY server did not start: {line} {reason}")
        self.port = int(line)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/scim/v2"

    def get(self, path: str) -> Any:
        response = httpx.get(self.url + path, headers={"Authorization": f"Bearer {self.token}"})
        response.raise_for_status()
        return response.json()

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.errors.close()


@pytest.fixture(params=["scim2-server", "scimmy"])
def server(request: pytest.FixtureRequest) -> Iterator[Any]:
    started: Any = StrictScimServer(TOKEN) if request.param == "scim2-server" else ScimmyServer()
    started.name = request.param
    yield started
    started.close()


def refusal_kind(method: str, path: str, body: Any) -> str:
    """Which documented Entra request shape a refused request is (§8), or its method and path."""
    operations = body.get("Operations", []) if isinstance(body, dict) else []
    first = operations[0] if operations else {}
    if method == "POST" and path == "/Groups" and ADSCIM in body.get("schemas", []):
        return "group POST names the ADSCIM extension schema"
    if method == "PATCH" and first.get("path") == MANAGER and isinstance(first.get("value"), str):
        return "manager as a plain string id"
    if method == "PATCH" and first.get("op") == "Remove" and first.get("path") == "members":
        return "Remove members with a value (default mode)"
    if method == "PATCH" and first.get("path") == "active" and first.get("value") == "False":
        return 'active "False" as a string (default mode)'
    if method == "PATCH" and "path" not in first and first.get("op") == "replace":
        return "path-less replace with dotted keys (aadOptscim062020)"
    return f"{method} {path} (undocumented)"


def refusals(world: ProvisioningWorld) -> dict[str, str]:
    refused: dict[str, str] = {}
    for traced in world.tenant.provisioning.trace:
        if traced.status is not None and traced.status >= 400:
            kind = refusal_kind(traced.method, traced.path, traced.body or {})
            refused[kind] = str((traced.response or {}).get("detail", ""))[:200]
    return refused


# What each server refuses, by mode: only documented shapes (refusal_kind), and for each server
# the ones its strictness meets. scim2-server validates the manager's type and the extension
# schemas it knows, and refuses a remove that carries a value (RFC 7644 §3.5.2.2) but coerces
# "False"; SCIMMY validates the manager's and active's types on PATCH but ignores an unknown
# schema URI and accepts a remove with a value. With the flag, only the two requests the flag
# does not change (§8: it switches four request types) are refused.
STRING_ACTIVE = 'active "False" as a string (default mode)'
GROUP_SCHEMA = "group POST names the ADSCIM extension schema"
EXPECTED = {
    ("scim2-server", False): {
        "manager as a plain string id",
        GROUP_SCHEMA,
        "Remove members with a value (default mode)",
    },
    ("scim2-server", True): {"manager as a plain string id", GROUP_SCHEMA},
    ("scimmy", False): {"manager as a plain string id", STRING_ACTIVE},
    ("scimmy", True): {"manager as a plain string id"},
}


@pytest.mark.parametrize("seam", ["keep-alive", "httpx"])
@pytest.mark.parametrize("flag", [False, True], ids=["default", "aadOptscim062020"])
def test_engine_provisions_into_an_independent_scim_server(
    server: Any, flag: bool, seam: str
) -> None:
    w = ProvisioningWorld(server.url, server.token, flag=flag)
    if seam == "httpx":
        # The engine's other HTTP seam (wire.py): the same requests through an httpx client.
        w.tenant.http_client_factory = lambda: HttpxWire(httpx.Client())
    created = httpx.post(
        server.url + "/Groups",
        json={"schemas": [GROUP], "displayName": "Team"},
        headers={"Authorization": f"Bearer {server.token}"},
    )
    assert created.status_code == 201, created.text
    team_id = created.json()["id"]
    boss = w.user("boss", job_title="Head")
    ada = w.user("ada", manager_id=boss.id, department="R&D", employee_id="42")
    carl = w.user("carl")
    dora = w.user("dora")
    team = w.group("Team", [ada, boss])
    w.group("Fresh", [ada])

    w.start()
    users = {u["userName"]: u for u in server.get("/Users")["Resources"]}
    assert sorted(users) == [
        "ada@contoso.com",
        "boss@contoso.com",
        "carl@contoso.com",
        "dora@contoso.com",
    ]
    dora_id = w.link(dora)
    assert users["ada@contoso.com"]["name"]["givenName"] == "Ada"
    assert w.job.links[team.id].target_id == team_id
    members = server.get(f"/Groups/{team_id}")["members"]
    assert sorted(m["value"] for m in members) == sorted([w.link(ada), w.link(boss)])

    w.admin.update_user(w.tenant, ada.id, job_title="Lead", given_name="Adaline")
    w.admin.remove_member(w.tenant, team.id, boss.id)
    w.admin.update_user(w.tenant, carl.id, account_enabled=False)
    w.admin.delete_user(w.tenant, dora.id)
    w.admin.hard_delete_user(w.tenant, dora.id)
    w.later(minutes=40)

    seen = refusals(w)
    expected = EXPECTED[(server.name, flag)]
    assert set(seen) == expected, seen
    # Everything else arrived: the changed attributes, the membership change, and each refusal's
    # documented consequence (a user not disabled, a group not created).
    ada_now = server.get(f"/Users/{w.link(ada)}")
    assert ada_now["title"] == "Lead" and ada_now["name"]["givenName"] == "Adaline"
    assert "manager" not in ada_now.get(ENTERPRISE, {})
    members = server.get(f"/Groups/{team_id}").get("members", [])
    removed = "Remove members with a value (default mode)" not in expected
    assert sorted(m["value"] for m in members) == sorted(
        [w.link(ada)] if removed else [w.link(ada), w.link(boss)]
    )
    carl_now = server.get(f"/Users/{w.link(carl)}")
    assert carl_now["active"] is (STRING_ACTIVE in expected)
    gone = httpx.get(
        f"{server.url}/Users/{dora_id}", headers={"Authorization": f"Bearer {server.token}"}
    )
    assert gone.status_code == 404
    groups = [g["displayName"] for g in server.get("/Groups")["Resources"]]
    assert sorted(groups) == (["Team"] if GROUP_SCHEMA in expected else ["Fresh", "Team"])
