"""Provisioning to the vendors' own SCIM endpoints (mock_scim) at the tutorials' tenant URLs over HTTPS."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from harness.clients.session import Harness
from mock_idp.provisioning.service import ProvisioningService

GRAPH = "https://graph.microsoft.com/v1.0"
RUN_DUE = "https://login.microsoftonline.com/_mock/provisioning/run-due"
NAMES = {"ringcentral": "RingCentral", "8x8": "8x8", "genesys_cloud": "Genesys Cloud for Azure"}


def graph(harness: Harness, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return harness.http.request(method, GRAPH + path, headers=harness.admin.headers, **kwargs)


class VendorJob:
    """A gallery app provisioning to its vendor's SCIM endpoint, set up through Graph."""

    def __init__(self, harness: Harness, key: str, flag: bool = False) -> None:
        self.harness = harness
        self.vendor = harness.stack.vendors[key]
        assert self.vendor.scim is not None
        self.scim = self.vendor.scim
        self.app = harness.admin.add_gallery_app(NAMES[key])
        self.sp = self.app.service_principal_id
        self.job_id = graph(
            harness, "POST", f"/servicePrincipals/{self.sp}/synchronization/jobs"
        ).json()["id"]
        url = self.scim.base_url + ("?aadOptscim062020" if flag else "")
        secrets = [
            {"key": "BaseAddress", "value": url},
            {"key": "SecretToken", "value": self.vendor.scim_token},
        ]
        graph(
            harness,
            "PUT",
            f"/servicePrincipals/{self.sp}/synchronization/secrets",
            json={"value": secrets},
        )
        self.base = f"/servicePrincipals/{self.sp}/synchronization/jobs/{self.job_id}"
        self.host = httpx.URL(self.scim.base_url).host

    def test_connection(self) -> httpx.Response:
        return graph(self.harness, "POST", f"{self.base}/validateCredentials", json={})

    def user(self, name: str, assign: bool = True, **properties: Any) -> dict[str, Any]:
        upn = f"{name}@contoso.com"
        created = self.harness.admin.create_user(
            "Passw0rd!",
            userPrincipalName=upn,
            displayName=name.capitalize(),
            mail=upn,
            givenName=name.capitalize(),
            surname="Tester",
            **properties,
        )
        if assign:
            self.harness.admin.assign(self.app, created["id"])
        return created

    def start(self) -> dict[str, Any]:
        assert graph(self.harness, "POST", f"{self.base}/start").status_code == 204
        return self.run_due()

    def run_due(self) -> dict[str, Any]:
        cycles = self.harness.http.post(RUN_DUE).json()["cycles"]
        assert len(cycles) == 1, cycles
        return dict(cycles[0])

    def later(self, minutes: float = 40) -> dict[str, Any]:
        self.harness.clock(advance_seconds=minutes * 60)
        return self.run_due()

    def stored(self, resource_type: str = "User") -> dict[str, dict[str, Any]]:
        found = self.harness.http.get(f"https://{self.host}/_mock/scim/{resource_type}").json()
        key = "userName" if resource_type == "User" else "displayName"
        return {r[key]: r for r in found["Resources"]}

    def received(self, method: str) -> list[dict[str, Any]]:
        log = self.harness.http.get(f"https://{self.host}/_mock/requests").json()["requests"]
        return [entry for entry in log if entry["method"] == method]


@pytest.mark.parametrize("flag", [False, True], ids=["default", "aadOptscim062020"])
def test_ringcentral_as_tutorial_001_configures_it(harness: Harness, flag: bool) -> None:
    harness.clock(freeze=True)
    job = VendorJob(harness, "ringcentral", flag)
    assert job.test_connection().status_code == 204
    ada = job.user("ada", jobTitle="Engineer", department="R&D", mobilePhone="+1 555 0100")
    bob = job.user("bob")

    first = job.start()

    assert first["counts"]["create"] == 2 and first["state"] == "Succeeded"
    stored = job.stored()
    assert stored["ada@contoso.com"]["active"] is True
    assert stored["ada@contoso.com"]["title"] == "Engineer"
    assert stored["ada@contoso.com"][
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    ] == {"department": "R&D"}
    assert stored["ada@contoso.com"]["phoneNumbers"] == [{"type": "mobile", "value": "+1 555 0100"}]

    graph(harness, "PATCH", f"/users/{ada['id']}", json={"jobTitle": "Lead"})
    assignment = next(
        a
        for a in graph(harness, "GET", f"/servicePrincipals/{job.sp}/appRoleAssignedTo").json()[
            "value"
        ]
        if a["principalId"] == bob["id"]
    )
    graph(harness, "DELETE", f"/servicePrincipals/{job.sp}/appRoleAssignedTo/{assignment['id']}")
    second = job.later()

    assert second["counts"] == {"update": 1, "disable": 1, "exported": 2}
    stored = job.stored()
    assert stored["ada@contoso.com"]["title"] == "Lead"
    assert stored["bob@contoso.com"]["active"] is False
    patches = [entry["request"]["body"] for entry in job.received("PATCH")]
    disable = (
        {"op": "replace", "path": "active", "value": False}
        if flag
        else {
            "op": "Replace",
            "path": "active",
            "value": "False",
        }
    )
    assert {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [disable],
    } in patches


def test_8x8_deactivates_on_delete(harness: Harness) -> None:
    harness.clock(freeze=True)
    job = VendorJob(harness, "8x8")
    assert job.scim.base_url == "https://platform.8x8.com/udi/customers/0012a00000HarnesS/scim/v2"
    ada = job.user("ada")
    job.start()
    graph(harness, "DELETE", f"/users/{ada['id']}")
    assert graph(harness, "DELETE", f"/directory/deletedItems/{ada['id']}").status_code == 204
    job.later()
    assert [entry["url"].rsplit("/", 2)[-2] for entry in job.received("DELETE")] == ["Users"]
    # "The SCIM DELETE operation will result in the user being deactivated."
    assert job.stored()["ada@contoso.com"]["active"] is False


def test_genesys_cloud_groups_are_matched_and_patched_never_created(harness: Harness) -> None:
    harness.clock(freeze=True)
    job = VendorJob(harness, "genesys_cloud")
    seeded = harness.http.post(
        f"https://{job.host}/_mock/scim/Group",
        json={"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Sales"},
    )
    assert seeded.status_code == 201, seeded.text
    ada, bob = job.user("ada", assign=False), job.user("bob", assign=False)
    sales = graph(harness, "POST", "/groups", json={"displayName": "Sales"}).json()
    other = graph(harness, "POST", "/groups", json={"displayName": "Not in Genesys"}).json()
    for group, members in ((sales, [ada, bob]), (other, [ada])):
        for member in members:
            ref = {"@odata.id": f"{GRAPH}/directoryObjects/{member['id']}"}
            graph(harness, "POST", f"/groups/{group['id']}/members/$ref", json=ref)
        harness.admin.assign(job.app, group["id"])

    first = job.start()

    assert job.received("POST") and all(e["url"].endswith("/Users") for e in job.received("POST"))
    group = job.stored("Group")["Sales"]
    users = job.stored()
    assert sorted(m["value"] for m in group["members"]) == sorted(
        users[u]["id"] for u in ("ada@contoso.com", "bob@contoso.com")
    )
    assert first["state"] == "Succeeded"
    logs = graph(harness, "GET", "/auditLogs/provisioning").json()["value"]
    missing = next(e for e in logs if e["sourceIdentity"]["displayName"] == "Not in Genesys")
    assert missing["provisioningStatusInfo"]["status"] == "skipped"
    skip = missing["provisioningSteps"][-1]
    assert skip["details"] == {"SkipReason": "CreateNotEnabled"}  # Create is not a target action

    ref = f"/groups/{sales['id']}/members/{bob['id']}/$ref"
    assert graph(harness, "DELETE", ref).status_code == 204
    job.later()
    assert [m["value"] for m in job.stored("Group")["Sales"]["members"]] == [
        users["ada@contoso.com"]["id"]
    ]


def test_ringcentral_usage_plan_429s_are_honoured_and_nobody_is_lost(harness: Harness) -> None:
    """Heavy plan: 10 writes a minute, then 429 with Retry-After for the 60 s penalty. The
    service waits the Retry-After (here on the harness clock) and carries on."""
    harness.clock(freeze=True)
    clock = harness.stack.clock
    job = VendorJob(harness, "ringcentral")
    limits = harness.http.post(
        f"https://{job.host}/_mock/scim/rate-limits", json={"enforced": True}
    )
    assert limits.json()["enforced"] is True
    names = [f"user{i:02}" for i in range(14)]
    for name in names:
        job.user(name)
    service = ProvisioningService(
        harness.stack.tenant,
        sleep=lambda seconds: clock.advance(timedelta(seconds=seconds)),
    )
    tenant_job = service.job(job.job_id)
    service.update_settings(tenant_job, {"max_parallel_requests": 1})
    service.start(tenant_job)

    summary = service.run_due()[0]

    assert summary.counts == {"create": 14, "exported": 14}
    assert sorted(job.stored()) == [f"{name}@contoso.com" for name in names]
    refused = [t for t in harness.stack.tenant.provisioning.trace if t.status == 429]
    assert refused and all(t.method == "POST" for t in refused)
    waits = [t.waited_seconds for t in harness.stack.tenant.provisioning.trace if t.waited_seconds]
    assert waits and all(0 < w <= 60 for w in waits)
