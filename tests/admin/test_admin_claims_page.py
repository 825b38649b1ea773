"""Attributes & Claims and Set additional URLs in the admin center pages, in Chromium, checked
against the same app state the Graph-compatible API reads and the Response the tenant issues."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from harness.clients.session import Harness
from harness.clients.tenant_admin import AppHandle
from tests.admin.test_admin_pages import CLOUD_APP_ADMIN, sign_in_as_admin


def genesys_saml_page(page: Any, harness: Harness) -> AppHandle:
    """Genesys Cloud for Azure added through Graph, its SAML page open in the admin center."""
    sign_in_as_admin(page, harness, [CLOUD_APP_ADMIN])
    app = harness.admin.add_gallery_app("Genesys Cloud for Azure")
    harness.admin.configure_saml(
        app, ["https://login.mypurecloud.com/saml"], ["https://login.mypurecloud.com/saml"]
    )
    page.goto(f"https://entra.microsoft.com/enterprise-apps/{app.app_id}/single-sign-on")
    return app


def claims_table(page: Any) -> dict[str, str]:
    # A click that navigates returns once the new page commits, maybe before it is parsed;
    # .all() does not wait, so wait for the table first (an empty read once failed in CI).
    page.locator("#claims").wait_for()
    rows = page.locator("#claims tr").all()[1:]
    return {cells[0]: cells[2] for cells in (row.locator("td").all_text_contents() for row in rows)}


def fill_claim(page: Any, name: str, kind: str, value: str) -> None:
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Source", exact=True).select_option(label=kind)
    page.get_by_label("Source attribute").fill(value)
    page.get_by_role("button", name="Save").click()


def test_claims_are_added_edited_and_refused_through_the_page(
    entra_page: Any, harness: Harness
) -> None:
    page = entra_page
    app = genesys_saml_page(page, harness)
    page.get_by_role("link", name="Edit Attributes & Claims").click()
    # Tutorial 004: the gallery entry pre-populates Email and OrganizationName (after the
    # default claims).
    before = claims_table(page)
    assert before["Email"] == "user.userprincipalname"
    assert before["OrganizationName"] == '"Your organization name"'
    # Edit OrganizationName to the organization's own name (a constant).
    page.get_by_role("link", name="Edit OrganizationName", exact=True).click()
    assert page.get_by_label("Source", exact=True).input_value() == "constant"
    fill_claim(page, "OrganizationName", "Constant", "Contoso")
    # Add new claim: an attribute, then a constant.
    page.get_by_role("link", name="Add new claim").click()
    fill_claim(page, "department", "Attribute", "user.department")
    page.get_by_role("link", name="Add new claim").click()
    fill_claim(page, "Tier", "Constant", "gold")
    assert claims_table(page) == {
        **before,
        "OrganizationName": '"Contoso"',
        "department": "user.department",
        "Tier": '"gold"',
    }
    # A second claim with a name in use, and an unknown attribute, are refused and not saved.
    page.get_by_role("link", name="Add new claim").click()
    fill_claim(page, "Email", "Attribute", "user.mail")
    assert page.get_by_role("alert").text_content() == "A claim named 'Email' already exists."
    fill_claim(page, "Nickname", "Attribute", "user.favouritecolour")
    # The page before already shows an #error: retry until the new one is read.
    expect(page.locator("#error")).to_contain_text(
        "Unknown source attribute 'user.favouritecolour'"
    )
    # The API reads what the page saved.
    claims = harness.admin_center.saml(app)["attributesAndClaims"]["claims"]
    by_name = {c["name"]: c for c in claims}
    assert set(by_name) == {c.rsplit("/", 1)[-1] for c in before} | {"department", "Tier"}
    assert (by_name["OrganizationName"]["constant"], by_name["OrganizationName"]["source"]) == (
        "Contoso",
        None,
    )
    assert by_name["department"]["source"] == "user.department"


def test_set_additional_urls_saves_the_sign_on_url_and_switches_to_sp_initiated(
    entra_page: Any, harness: Harness
) -> None:
    page = entra_page
    app = genesys_saml_page(page, harness)
    page.get_by_role("link", name="Edit Basic SAML Configuration").click()
    page.get_by_text("Set additional URLs").wait_for()  # parsed: is_visible does not wait
    assert not page.get_by_label("Sign on URL").is_visible()  # behind Set additional URLs
    page.get_by_text("Set additional URLs").click()
    page.get_by_label("Sign on URL").fill("https://login.mypurecloud.com")
    page.get_by_role("button", name="Save").click()
    page.locator("#notice").wait_for()
    basic = harness.admin_center.saml(app)["basicSamlConfiguration"]
    assert basic["signOnUrl"] == "https://login.mypurecloud.com"
    # Test single sign-on now starts at the vendor (ENTRA-BEHAVIOUR §1: SP-initiated).
    test = page.get_by_role("region", name="Test single sign-on").get_by_role("link")
    assert test.get_attribute("href") == "https://login.mypurecloud.com"
    # Set additional URLs stays open once one of them is set.
    page.get_by_role("link", name="Edit Basic SAML Configuration").click()
    assert page.get_by_label("Sign on URL").input_value() == "https://login.mypurecloud.com"
    assert page.get_by_label("Sign on URL").is_visible()
