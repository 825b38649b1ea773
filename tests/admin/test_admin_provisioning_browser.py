"""The Provisioning pages' key flows in Chromium, driven by their labels: the mode reveals the sections,
Test Connection's messages, one mapping edited, provision on demand, the logs downloaded; and
RingCentral's Directory Integration."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from harness.clients.session import Harness
from harness.clients.tenant_admin import AppHandle
from harness.clients.vendor_console import open_console
from tests.admin.test_admin_pages import CLOUD_APP_ADMIN, sign_in_as_admin

TENANT_URL = "https://platform.ringcentral.com/scim/v2"


def open_provisioning(page: Any, harness: Harness) -> AppHandle:
    app = harness.admin.add_gallery_app("RingCentral")
    page.goto(f"https://entra.microsoft.com/enterprise-apps/{app.app_id}")
    page.get_by_role("link", name="Provisioning", exact=True).click()
    page.get_by_role("link", name="Get started").click()
    return app


def test_mode_test_connection_mapping_edit_on_demand_and_logs(
    entra_page: Any, harness: Harness, tmp_path: Path
) -> None:
    page = entra_page
    sign_in_as_admin(page, harness, [CLOUD_APP_ADMIN])
    simon = harness.admin.create_user(
        "Passw0rd!1",
        userPrincipalName="B.Simon@contoso.com",
        displayName="B.Simon",
        mail="B.Simon@contoso.com",
        givenName="Britta",
        surname="Simon",
        jobTitle="Engineer",
    )
    app = open_provisioning(page, harness)
    # Manual hides Admin Credentials; Automatic shows them (tutorial step 4).
    credentials = page.get_by_role("region", name="Admin Credentials")
    assert not credentials.is_visible()
    page.get_by_label("Provisioning Mode").select_option("Automatic")
    assert credentials.is_visible()
    credentials.get_by_label("Tenant URL").fill(TENANT_URL)
    credentials.get_by_label("Secret Token").fill("not-the-token")
    page.get_by_role("button", name="Test Connection").click()
    assert "You appear to have entered invalid credentials" in page.locator("#error").text_content()
    token = harness.stack.vendors["ringcentral"].scim_token
    page.get_by_label("Secret Token").fill(str(token))
    page.get_by_role("button", name="Test Connection").click()
    assert "The supplied credentials are authorized" in page.locator("#notice").text_content()
    page.get_by_role("button", name="Save").click()
    # The page before shows a notice too: retry until the saved page's is read.
    expect(page.locator("#notice")).to_have_text(re.compile(r"^Provisioning configuration saved\."))

    # Mappings > the title row > Edit: an expression error names its position; then a good one.
    page.get_by_role("link", name="Synchronize Azure Active Directory Users to RingCentral").click()
    page.get_by_role("link", name="Edit title").click()
    page.get_by_label("Mapping type").select_option("Expression")
    page.get_by_label("Expression").fill("ToUpper([jobTitle]")
    page.get_by_role("button", name="Ok").click()
    assert "at position 18" in page.locator("#error").text_content()
    page.get_by_label("Expression").fill("ToUpper([jobTitle])")
    page.get_by_role("button", name="Ok").click()
    row = page.locator('#attribute-mappings tr[data-target="title"] td')
    assert row.first.text_content() == "ToUpper([jobTitle])"

    # Provision on demand: B.Simon (not assigned: out of scope) then assigned: created.
    page.get_by_role("link", name="Back to Provisioning").click()
    page.get_by_role("link", name="Back to Overview").click()
    page.get_by_role("link", name="Provision on demand").click()
    page.get_by_label("Select a user or group").select_option(label="B.Simon (B.Simon@contoso.com)")
    page.get_by_role("button", name="Provision").click()
    skipped = page.locator(".on-demand-result h2").text_content()
    assert "(skipped)" in skipped, skipped
    harness.admin.assign(app, simon["id"])
    page.get_by_label("Select a user or group").select_option(label="B.Simon (B.Simon@contoso.com)")
    page.get_by_role("button", name="Provision").click()
    result = page.locator(".on-demand-result")
    assert "create (success)" in result.locator("h2").text_content()
    assert "ENGINEER" in result.text_content()  # the edited mapping flowed

    # Provisioning logs: both on-demand entries; Download logs (JSON).
    page.get_by_role("link", name="Provisioning logs", exact=True).click()
    expect(page.locator("#provisioning-logs tr[data-status]")).to_have_count(2)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download logs (JSON)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    entries = json.loads(saved.read_text())
    entries = entries.get("value", entries) if isinstance(entries, dict) else entries
    assert sorted(e["provisioningAction"] for e in entries) == ["create", "other"]


def test_ringcentral_directory_integration_shows_the_token_once_scim_is_on(
    entra_page: Any, harness: Harness
) -> None:
    page = entra_page
    open_console(page, "service.ringcentral.com", harness.console_admin("RingCentral"))
    for name in ("Tools", "Directory Integration"):
        page.get_by_role("link", name=name, exact=True).click()
    assert page.locator("#scim-status").text_content() == "The SCIM service is off."
    assert page.get_by_label("SCIM authentication token").count() == 0
    page.get_by_role("button", name="Enable SCIM Service").click()
    assert page.locator("#error").text_content() == "Choose SCIM under Select Directory Provider."
    page.get_by_label("Select Directory Provider").select_option(label="SCIM")
    page.get_by_role("button", name="Enable SCIM Service").click()
    assert page.locator("#notice").text_content() == "The SCIM service is enabled."
    token = page.get_by_label("SCIM authentication token").input_value()
    assert token == harness.stack.vendors["ringcentral"].scim_token
    assert page.get_by_label("SCIM base URL").input_value() == TENANT_URL
