"""A provisioning job survives kill -9 of `up --state DIR` in the middle of a cycle: after the
restart the job goes on with an incremental cycle (its watermark kept), matches the users the
killed cycle had created at the vendor instead of creating them again, and keeps its logs."""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from harness.clients.provisioning_admin import JobHandle, ProvisioningAdmin
from tests.state.up_state import RunningUp, up_with_state

FIRST_USERS = 5
ADDED_USERS = 60
VENDOR = "https://platform.ringcentral.com"


def _add_users(running: RunningUp, app: Any, first: int, count: int) -> None:
    for number in range(first, first + count):
        upn = f"person{number}@contoso.com"
        user = running.admin.create_user(
            "Passw0rd!1",
            userPrincipalName=upn,
            displayName=f"Person {number}",
            mail=upn,
            givenName="Person",
            surname=str(number),
        )
        running.admin.assign(app, user["id"])


def _vendor_user_names(client: httpx.Client) -> list[str]:
    stored = client.get(f"{VENDOR}/_mock/scim/User").json()
    return [user["userName"] for user in stored["Resources"]]


def _run_job(provisioning: ProvisioningAdmin, job: JobHandle) -> dict[str, Any]:
    cycles = provisioning._control("POST", "/run-due", json={"jobId": job.job_id})["cycles"]
    assert len(cycles) == 1
    return dict(cycles[0])


def test_a_restart_mid_cycle_resumes_incrementally_without_duplicate_creates(
    tmp_path: Path,
) -> None:
    with up_with_state(tmp_path, "--empty") as running:
        provisioning = ProvisioningAdmin(running.client, running.admin.headers)
        app = running.admin.add_gallery_app("RingCentral")
        _add_users(running, app, 0, FIRST_USERS)
        job = provisioning.create_job(app)
        info = running.info
        provisioning.save_credentials(
            job,
            info["scim_tenant_urls"]["ringcentral"],
            info["credentials"]["scim_tokens"]["ringcentral"],
        )
        provisioning.start(job)
        assert _run_job(provisioning, job)["kind"] == "Initial"
        assert len(_vendor_user_names(running.client)) == FIRST_USERS
        logs_before = len(provisioning.logs(job))

        _add_users(running, app, FIRST_USERS, ADDED_USERS)

        def run_until_killed() -> None:
            with contextlib.suppress(httpx.HTTPError):  # the kill: this cycle never answers
                _run_job(provisioning, job)

        cycle = threading.Thread(target=run_until_killed, daemon=True)
        cycle.start()
        deadline = time.monotonic() + 60
        while len(_vendor_user_names(running.client)) < FIRST_USERS + 10:
            assert time.monotonic() < deadline, "the cycle did not get going"
            time.sleep(0.02)
        running.kill_9()  # mid-cycle: some added users are at the vendor, not all
        cycle.join(timeout=30)

    with up_with_state(tmp_path) as restarted:
        provisioning = ProvisioningAdmin(restarted.client, restarted.admin.headers)
        state = restarted.info["state"]
        assert state["restored"] is True
        at_vendor = set(_vendor_user_names(restarted.client))
        assert FIRST_USERS + 10 <= len(at_vendor) < FIRST_USERS + ADDED_USERS, "killed mid-cycle"
        assert len(provisioning.logs(job)) >= logs_before, "the provisioning logs are kept"

        resumed = _run_job(provisioning, job)
        assert resumed["kind"] == "Incremental", "the watermark survived the restart"
        assert resumed["state"] == "Succeeded"
        requests = restarted.client.get(f"{VENDOR}/_mock/requests").json()["requests"]
        created = [
            r["request"]["body"]["userName"]
            for r in requests
            if r["method"] == "POST" and r["url"].rstrip("/").endswith("/Users")
        ]
        assert set(created).isdisjoint(at_vendor), "a user already at the vendor was created again"
        assert len(created) == FIRST_USERS + ADDED_USERS - len(at_vendor)
        names = _vendor_user_names(restarted.client)
        assert len(names) == len(set(names)) == FIRST_USERS + ADDED_USERS
        print(
            f"killed with {len(at_vendor)} of {FIRST_USERS + ADDED_USERS} at the vendor; the "
            f"resumed cycle created {len(created)}; restart took {restarted.started_in:.1f} s, of "
            f"which loading the tenant {state['load_ms']} ms"
        )
