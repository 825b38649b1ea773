"""The admin center pages the tutorials walk through, driven in Chromium by their labels."""

from __future__ import annotations

from typing import Any

from harness.clients.entra_pages import sign_in_on_entra
from harness.clients.session import Harness

CLOUD_APP_ADMIN = "158c047a-c907-4556-b7ef-446551a6b5f7"
USER_ADMIN = "fe930be7-5e62-47db-91af-98c3a49a38b1"
ADMIN_PASSWORD = "Admin-Passw0rd!"


def sign_in_as_admin(page: Any, harness: Harness, roles: list[str]) -> None:
    user = harness.admin.create_user(
        ADMIN_PASSWORD, userPrincipalName="admin@contoso.com", displayName="Contoso Admin"
    )
    for role in roles:
        harness.http.post(
            "https://graph.microsoft.com/v1.0/roleManagement/directory/roleAssignments",
            headers=harness.admin.headers,
            json={"principalId": user["id"], "roleDefinitionId": role, "directoryScopeId": "/"},
        ).raise_for_status()
    page.goto("https://entra.microsoft.com/")
    sign_in_on_entra(page, "admin@contoso.com", ADMIN_PASSWORD)
    page.wait_for_url("https://entra.microsoft.com/**")


def test_tutorial_000_tenant_side_through_the_pages(entra_page: Any, harness: Harness) -> None:
    page = entra_page
    sign_in_as_admin(page, harness, [CLOUD_APP_ADMIN, USER_ADMIN])
    # Create a Microsoft Entra test user
    page.goto("https://entra.microsoft.com/users")
    page.get_by_role("link", name="New user").click()
    page.get_by_label("Display name").fill("B.Simon")
    page.get_by_label("User principal name").fill("B.Simon@contoso.com")
    page.get_by_label("Show password").check()
    password = page.get_by_label("Password", exact=True).input_value()
    page.get_by_role("button", name="Review + create").click()
    page.get_by_role("button", name="Create").click()
    assert "B.Simon@contoso.com" in page.locator("#users").text_content()
    # Add RingCentral from the gallery
    page.goto("https://entra.microsoft.com/enterprise-apps")
    page.get_by_role("link", name="New application").click()
    page.get_by_label("Search application").fill("RingCentral")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="RingCentral").click()
    page.get_by_role("button", name="Create").click()
    app_id = page.locator("#application-id").text_content()
    # Single sign-on > SAML > Basic SAML Configuration
    page.get_by_role("link", name="Single sign-on").click()
    page.get_by_role("button", name="SAML").click()
    page.get_by_role("link", name="Edit Basic SAML Configuration").click()
    page.get_by_label("Identifier (Entity ID) 1").fill("https://sso.ringcentral.com")
    page.get_by_label("Reply URL (Assertion Consumer Service URL) 1").fill(
        "https://sso.ringcentral.com/sp/ACS.saml2"
    )
    page.get_by_role("button", name="Save").click()
    metadata_url = page.get_by_label("App Federation Metadata Url").input_value()
    assert metadata_url.endswith(f"federationmetadata.xml?appid={app_id}")
    # Assign the test user
    page.get_by_role("link", name="Users and groups").click()
    page.get_by_role("link", name="Add user/group").click()
    page.get_by_label("B.Simon (B.Simon@contoso.com)").check()
    assert page.get_by_label("Select a role").input_value()  # "Default Access"
    page.get_by_role("button", name="Assign").click()
    assert "Default Access" in page.locator("#assignments").text_content()
    # The pages changed the same state the APIs read.
    assert password
    from harness.clients.tenant_admin import AppHandle

    saml = harness.admin_center.saml(AppHandle("RingCentral", app_id, "", ""))
    basic = saml["basicSamlConfiguration"]
    assert basic["identifiers"] == ["https://sso.ringcentral.com"]
    assert basic["replyUrls"][0] == {
        "url": "https://sso.ringcentral.com/sp/ACS.saml2",
        "index": 0,
        "isDefault": True,
    }
    assert [c["active"] for c in saml["samlSigningCertificate"]["certificates"]] == [True]


def test_an_admin_without_the_role_is_refused(entra_page: Any, harness: Harness) -> None:
    sign_in_as_admin(entra_page, harness, [USER_ADMIN])
    response = entra_page.goto("https://entra.microsoft.com/enterprise-apps")
    assert response is not None and response.status == 403
    assert "Cloud Application Administrator" in entra_page.locator("#forbidden").text_content()
