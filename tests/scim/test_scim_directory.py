"""The SCIM store is the vendor SP's directory; restart, kill -9 and concurrent creates on SQLite."""

# A user SCIM creates active signs in, one it deactivates is refused; regions other than the first
# keep their own users; concurrent creates of one userName give exactly one 201.

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from scim2_models import NotFoundException

from harness.clients.http_browser import HttpBrowser, forms_of
from harness.clients.people import b_simon
from harness.clients.session import Harness
from harness.clients.tenant_admin import AppHandle
from harness.clients.vendor_setup import configure_vendor_sso
from harness.serving.stack import DEMO_PASSWORD, Stack
from mock_scim.sqlite import SqliteStore
from mock_scim.testing import run_together

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
RINGCENTRAL_SCIM = "https://platform.ringcentral.com/scim/v2"
US_ACS = "https://sso.ringcentral.com/sp/ACS.saml2"
TOKEN = {"Authorization": "Bearer ringcentral-scim-token"}


def scim_user(email: str, active: bool = True) -> dict[str, Any]:
    """What Entra's provisioning service POSTs (ENTRA-BEHAVIOUR §8)."""
    return {
        "schemas": [USER],
        "externalId": email.split("@")[0],
        "userName": email,
        "active": active,
        "emails": [{"primary": True, "type": "work", "value": email}],
        "name": {"givenName": "B", "familyName": "Simon"},
    }


@pytest.fixture
def ringcentral_sso(harness: Harness) -> AppHandle:
    """Tutorial 000 done on both sides (US region), B.Simon assigned, not at RingCentral yet."""
    person = b_simon(DEMO_PASSWORD)
    user = harness.admin.create_user(person.password, **person.properties)
    app = harness.admin.add_gallery_app("RingCentral")
    harness.admin.configure_saml(app, ["https://sso.ringcentral.com"], [US_ACS])
    harness.admin.assign(app, user["id"])
    configure_vendor_sso(harness, "RingCentral", "us", app)
    return app


def sign_in(harness: Harness, app: AppHandle) -> str:
    """IdP-initiated sign-in through the user access URL; the vendor page's text."""
    tenant = harness.stack.tenant
    browser = HttpBrowser(harness.stack.http_client())
    try:
        page = browser.get(tenant.user_access_url(tenant.find_app(app.app_id)))
        page = browser.sign_in(page, "B.Simon@contoso.com", DEMO_PASSWORD)
        form = next(f for f in forms_of(page) if "SAMLResponse" in f.fields)
        return browser.submit(form).text
    finally:
        browser.close()


def test_a_user_scim_creates_active_signs_in_and_a_deactivated_one_is_refused(
    harness: Harness, ringcentral_sso: AppHandle
) -> None:
    assert "no RingCentral user" in sign_in(harness, ringcentral_sso)
    created = harness.http.post(
        f"{RINGCENTRAL_SCIM}/Users", json=scim_user("b.simon@contoso.com"), headers=TOKEN
    )
    assert created.status_code == 201
    assert "Signed in as" in sign_in(harness, ringcentral_sso)
    disabled = harness.http.patch(
        f"{RINGCENTRAL_SCIM}/Users/{created.json()['id']}",
        json={
            "schemas": [PATCH_OP],
            "Operations": [{"op": "Replace", "path": "active", "value": "False"}],
        },
        headers=TOKEN,
    )
    assert disabled.status_code == 200
    page = sign_in(harness, ringcentral_sso)
    assert "Signed in as" not in page and "is not active" in page


def test_the_scim_store_is_the_first_regions_directory(harness: Harness) -> None:
    """SCIM has one endpoint per vendor; its users are the first region's (RingCentral US).
    Users the console adds there are SCIM users too; the EU region keeps its own."""
    vendor = harness.stack.vendors["ringcentral"]
    created = harness.http.post(
        f"{RINGCENTRAL_SCIM}/Users", json=scim_user("b.simon@contoso.com"), headers=TOKEN
    ).json()
    us, eu = vendor.sp("us").directory, vendor.sp("eu").directory
    found = us.find_by_email("B.Simon@contoso.com")
    assert found is not None and (found.id, found.active) == (created["id"], True)
    assert eu.find_by_email("b.simon@contoso.com") is None
    console = harness.console("RingCentral")
    console.create_user("us", "jane@contoso.com", "Jane Doe")
    listed = harness.http.get(
        f"{RINGCENTRAL_SCIM}/Users",
        params={"filter": 'userName eq "jane@contoso.com"'},
        headers=TOKEN,
    ).json()
    assert listed["Resources"][0]["emails"][0]["value"] == "jane@contoso.com"
    console.create_user("eu", "erik@contoso.com", "Erik")
    assert us.find_by_email("erik@contoso.com") is None
    assert [u.email for u in us.users.values()] == ["b.simon@contoso.com", "jane@contoso.com"]


def test_8x8_finds_the_nameid_by_scim_username(harness: Harness) -> None:
    eight = harness.stack.vendors["8x8"]
    assert eight.scim is not None
    body = scim_user("b.simon@contoso.com") | {"userName": "B.Simon@contoso.onmicrosoft.com"}
    created = harness.http.post(
        eight.scim.base_url + "/Users",
        json=body,
        headers={"Authorization": f"Bearer {eight.scim.token}"},
    )
    assert created.status_code == 201, created.text
    user = eight.sp().directory.find_by_login("b.simon@contoso.onmicrosoft.com")
    assert user is not None and user.user_name == "B.Simon@contoso.onmicrosoft.com"


def post_users(
    client: httpx.Client, url: str, token: str, body: dict[str, Any], n: int
) -> Counter[Any]:
    results = run_together(
        n, lambda _: client.post(url, json=body, headers={"Authorization": f"Bearer {token}"})
    )
    return Counter(
        (r.status_code, r.json().get("scimType")) if isinstance(r, httpx.Response) else repr(r)
        for r in results
    )


def test_concurrent_creates_of_one_username_give_one_201_in_memory(harness: Harness) -> None:
    counts = post_users(
        harness.http,
        f"{RINGCENTRAL_SCIM}/Users",
        "ringcentral-scim-token",
        scim_user("same@contoso.com"),
        24,
    )
    assert counts == Counter({(201, None): 1, (409, "uniqueness"): 23})


@pytest.fixture
def sqlite_stack(tmp_path: Path) -> Iterator[Stack]:
    stack = Stack(scim_store="sqlite", scim_directory=tmp_path / "scim").start(only=["ringcentral"])
    yield stack
    stack.stop()


def test_concurrent_creates_of_one_username_give_one_201_on_sqlite(sqlite_stack: Stack) -> None:
    with sqlite_stack.http_client() as client:
        counts = post_users(
            client,
            f"{RINGCENTRAL_SCIM}/Users",
            "ringcentral-scim-token",
            scim_user("same@contoso.com"),
            24,
        )
    assert counts == Counter({(201, None): 1, (409, "uniqueness"): 23})


def test_a_restarted_server_keeps_its_users(tmp_path: Path) -> None:
    directory = tmp_path / "scim"
    first = Stack(scim_store="sqlite", scim_directory=directory).start(only=["ringcentral"])
    with first.http_client() as client:
        created = client.post(
            f"{RINGCENTRAL_SCIM}/Users", json=scim_user("b.simon@contoso.com"), headers=TOKEN
        ).json()
    first.stop()
    assert (directory / "ringcentral.sqlite3").exists()
    second = Stack(scim_store="sqlite", scim_directory=directory).start(only=["ringcentral"])
    try:
        with second.http_client() as client:
            fetched = client.get(f"{RINGCENTRAL_SCIM}/Users/{created['id']}", headers=TOKEN)
        assert fetched.status_code == 200 and fetched.json()["userName"] == "b.simon@contoso.com"
        user = second.vendors["ringcentral"].sp("us").directory.find_by_email("b.simon@contoso.com")
        assert user is not None and user.active
    finally:
        second.stop()


SERVER = """
import sys
from pathlib import Path
from cheroot import wsgi
from gallery import ScimProfile
from mock_kernel.clock import Clock
from mock_scim.sqlite import SqliteStore
from mock_scim.target import ScimTarget
from mock_scim.web import create_scim_app
target = ScimTarget("generic", ScimProfile(), Clock(), SqliteStore(Path(sys.argv[1])))
server = wsgi.Server(("127.0.0.1", 0), create_scim_app(target), numthreads=8)
server.prepare()
print(server.bind_addr[1], flush=True)
server.serve()
"""


def test_no_acknowledged_write_is_lost_when_the_process_is_killed(tmp_path: Path) -> None:
    """Writers keep creating users over HTTP until the server gets SIGKILL; every user it
    answered 201 for is in the database afterwards."""
    path = tmp_path / "scim.sqlite3"
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert server.stdout is not None
    port = int(server.stdout.readline())
    url = f"http://127.0.0.1:{port}/scim/v2/Users"
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def write(worker: int) -> None:
        with httpx.Client(timeout=5.0) as client:
            for i in range(100_000):
                if stop.is_set():
                    return
                try:
                    response = client.post(
                        url,
                        json=scim_user(f"w{worker}-{i}@contoso.com"),
                        headers={"Authorization": "Bearer generic-scim-token"},
                    )
                except httpx.HTTPError:
                    return
                if response.status_code == 201:
                    with lock:
                        acknowledged.append(response.json()["id"])

    writers = [threading.Thread(target=write, args=(w,)) for w in range(6)]
    for writer in writers:
        writer.start()
    deadline = time.monotonic() + 10
    while len(acknowledged) < 200 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(server.pid, signal.SIGKILL)
    server.wait()
    stop.set()
    for writer in writers:
        writer.join()
    assert len(acknowledged) >= 200
    store = SqliteStore(path)
    try:
        missing = [i for i in acknowledged if _absent(store, i)]
        assert missing == []
        assert store.count("User") >= len(acknowledged)
    finally:
        store.close()


def _absent(store: SqliteStore, resource_id: str) -> bool:
    try:
        store.get("User", resource_id)
    except NotFoundException:
        return True
    return False
