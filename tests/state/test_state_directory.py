"""The state directory itself: background cycles are saved without any request after them, a
directory is one process's, and a store of another layout is refused (issue 22)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.clients.demo_setup import restore_ringcentral_vendor, set_up_ringcentral_tutorial
from harness.clients.http_browser import HttpBrowser
from harness.clients.provisioning_admin import ProvisioningAdmin
from harness.clients.session import Harness
from harness.serving.stack import DEMO_PASSWORD, Stack
from mock_idp.directory import User
from mock_idp.snapshot.store import DATABASE, StateDirectoryError, TenantStore, read_state
from mock_idp.tenant import Tenant

SCHEDULER = "https://login.microsoftonline.com/_mock/provisioning/scheduler"


@pytest.fixture
def stack_with_state(tmp_path: Path) -> Iterator[Stack]:
    stack = Stack(state_directory=tmp_path / "state", scim_store="memory").start()
    try:
        yield stack
    finally:
        stack.stop()


def _saved_job(directory: Path) -> dict[str, object]:
    found = read_state(directory)
    assert found is not None
    (job,) = found["provisioningJobs"]
    return job


def test_a_background_cycle_is_saved_with_no_request_after_it(
    stack_with_state: Stack, tmp_path: Path
) -> None:
    stack = stack_with_state
    with stack.http_client() as client:
        harness = Harness(stack, client)
        provisioning = ProvisioningAdmin(client, harness.admin.headers)
        user = harness.admin.create_user(
            "Passw0rd!1",
            userPrincipalName="ada@contoso.com",
            displayName="Ada",
            mail="ada@contoso.com",
        )
        app = harness.admin.add_gallery_app("RingCentral")
        harness.admin.assign(app, user["id"])
        job = provisioning.create_job(app)
        scim = stack.vendors["ringcentral"].scim
        assert scim is not None
        provisioning.save_credentials(job, scim.base_url, scim.token)
        provisioning.start(job)
        assert _saved_job(tmp_path / "state")["watermark"] is None
        client.post(SCHEDULER, json={"running": True, "poll_seconds": 0.05}).raise_for_status()
    try:
        # Watched in memory, not over HTTP: a request would save the tenant itself.
        jobs = stack.tenant.provisioning.jobs
        deadline = time.monotonic() + 30
        while not jobs[job.job_id].history:
            assert time.monotonic() < deadline, "the scheduler ran no cycle"
            time.sleep(0.05)
        while _saved_job(tmp_path / "state")["watermark"] is None:
            assert time.monotonic() < deadline, "the background cycle was not saved"
            time.sleep(0.05)
    finally:
        with stack.http_client() as client:
            client.post(SCHEDULER, json={"running": False}).raise_for_status()
    saved = _saved_job(tmp_path / "state")
    assert [cycle["kind"] for cycle in saved["history"]] == ["Initial"]  # type: ignore[union-attr]


def test_a_state_directory_is_one_process_s(tmp_path: Path) -> None:
    first = TenantStore(tmp_path)
    try:
        with pytest.raises(StateDirectoryError, match="in use by another entra-harness process"):
            TenantStore(tmp_path)
    finally:
        first.close()
    TenantStore(tmp_path).close()  # free again once the first is closed


def test_a_store_of_another_layout_is_refused(tmp_path: Path) -> None:
    TenantStore(tmp_path).close()
    with sqlite3.connect(tmp_path / DATABASE) as connection:
        connection.execute("PRAGMA user_version = 99")
    with pytest.raises(StateDirectoryError, match="layout version 99; this entra-harness reads"):
        TenantStore(tmp_path)
    with pytest.raises(StateDirectoryError, match="layout version 99"):
        TenantStore(tmp_path)  # refused again, not "in use": the first refusal let go


def test_a_restored_tutorial_tenant_signs_b_simon_in_again(tmp_path: Path) -> None:
    """`up --state` restores tutorial 000's tenant; the vendor's SSO settings, in memory, are
    set up again, and B.Simon, in its SQLite user directory (DIR/scim), is found there."""
    first = Stack(state_directory=tmp_path / "state").start()
    try:
        with first.http_client() as client:
            set_up_ringcentral_tutorial(Harness(first, client))
    finally:
        first.stop()
    again = Stack(state_directory=tmp_path / "state").start()
    try:
        assert again.tenant_state is not None and again.tenant_state.restored
        with again.http_client() as client:
            links = restore_ringcentral_vendor(Harness(again, client))
        http = HttpBrowser(again.http_client())
        try:
            page = http.get(links["RingCentral user access URL"])
            page = http.sign_in(page, "B.Simon@contoso.com", DEMO_PASSWORD)
            landed = http.post_autopost(page)
        finally:
            http.close()
        assert 'id="signed-in-user">b.simon@contoso.com<' in landed.text.lower()
    finally:
        again.stop()


def test_a_save_writes_only_the_entities_whose_json_changed(tmp_path: Path) -> None:
    tenant = Tenant()
    for number in range(50):
        upn = f"user{number}@contoso.com"
        tenant.directory.add_user(User(upn, f"User {number}", "Passw0rd!1", mail=upn))
    store = TenantStore(tmp_path)
    try:
        assert store.save(tenant) == 50 + 2  # the users, the tenant's and provisioning settings
        assert store.save(tenant) == 0
        tenant.directory.users[next(iter(tenant.directory.users))].job_title = "Analyst"
        assert store.save(tenant) == 1
        user = tenant.directory.find_by_upn("user7@contoso.com")
        assert user is not None
        tenant.directory.hard_delete_user(user.id)
        assert store.save(tenant) == 1
        found = read_state(tmp_path)
        assert found is not None and len(found["users"]) == 49
        assert found["users"][0]["jobTitle"] == "Analyst", "a row keeps its place when updated"
    finally:
        store.close()
