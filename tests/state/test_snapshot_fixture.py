"""The documented way to use a snapshot in CI (docs/snapshots.md): tutorial 000 configured in
`entra-harness up --state DIR`, exported without keys to data/ringcentral-tutorial-000.json,
and loaded into the session's tenant before each test by the entra_snapshot marker."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest

from harness.clients.http_browser import HttpBrowser
from harness.clients.people import b_simon
from harness.clients.session import Harness
from harness.clients.tenant_admin import AppHandle
from harness.clients.vendor_setup import configure_vendor_sso, create_vendor_user
from harness.pytest_plugin.snapshots import load_snapshot
from harness.serving.stack import DEMO_PASSWORD

pytestmark = pytest.mark.entra_snapshot("data/ringcentral-tutorial-000.json")


def _ringcentral(harness: Harness) -> AppHandle:
    (app,) = harness.stack.tenant.apps.values()
    return AppHandle(app.display_name, app.app_id, app.application_object_id, app.object_id)


def test_the_snapshot_tenant_is_there_before_the_test(harness: Harness) -> None:
    app = _ringcentral(harness)
    basic = harness.admin_center.saml(app)["basicSamlConfiguration"]
    assert basic["identifiers"] == ["https://sso.ringcentral.com"]
    users = {u["userPrincipalName"] for u in harness.admin._call("GET", "/users")["value"]}
    assert users == {"admin@contoso.com", "B.Simon@contoso.com"}
    # What this test adds is gone before the next one: the snapshot is loaded again.
    harness.admin.create_user("Passw0rd!1", userPrincipalName="temp@contoso.com", displayName="T")


def test_b_simon_signs_in_to_ringcentral_from_my_apps(harness: Harness) -> None:
    """The tenant side comes from the snapshot; the vendor, reset before each test, is given the
    tenant's metadata by the test, as tutorial 000's "Configure RingCentral SSO" does."""
    app = _ringcentral(harness)
    person = b_simon(DEMO_PASSWORD)
    region = harness.gallery_app("RingCentral").sso.region("us")
    configure_vendor_sso(harness, "RingCentral", region.key, app)
    create_vendor_user(harness, "RingCentral", region.key, person)
    tenant = harness.stack.tenant
    http = HttpBrowser(harness.stack.http_client())
    try:
        page = http.get(tenant.user_access_url(tenant.find_app(app.app_id)))
        landed = http.post_autopost(http.sign_in(page, person.upn, person.password))
    finally:
        http.close()
    assert 'id="signed-in-user">b.simon@contoso.com<' in landed.text.lower()


def test_loading_the_snapshot_takes_well_under_a_second(
    harness: Harness, entra_snapshot: Path
) -> None:
    seconds = []
    for _ in range(20):
        started = time.perf_counter()
        load_snapshot(harness.stack.tenant, entra_snapshot)
        seconds.append(time.perf_counter() - started)
    print(
        f"snapshot load: median {statistics.median(seconds) * 1000:.1f} ms, "
        f"max {max(seconds) * 1000:.1f} ms over {len(seconds)} loads"
    )
    assert max(seconds) < 0.25
