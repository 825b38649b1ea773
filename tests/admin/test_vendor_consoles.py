"""Vendor console pages filled by the tutorials' labels in the browser, checked through the console API."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lxml import etree
from playwright.sync_api import expect

from harness.clients.entra_pages import sign_in_on_entra
from harness.clients.people import Person, b_simon
from harness.clients.session import Harness
from harness.clients.tenant_admin import AppHandle
from harness.clients.vendor_console import ConsoleSignIn
from harness.clients.vendor_console import open_console as open_console_page
from harness.serving.stack import DEMO_PASSWORD

EMAIL_CLAIM = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
MD = "urn:oasis:names:tc:SAML:2.0:metadata"


def entra_app(harness: Harness, name: str, region: str) -> tuple[AppHandle, Person]:
    """The tutorial's Entra side through Graph: add from the gallery, the region's Identifier and
    Reply URL, a signing certificate, and B.Simon assigned."""
    person = b_simon(DEMO_PASSWORD)
    user = harness.admin.create_user(person.password, **person.properties)
    chosen = harness.gallery_app(name).sso.region(region)
    app = harness.admin.add_gallery_app(name)
    harness.admin.configure_saml(app, [chosen.identifier], [chosen.reply_url])
    harness.admin.assign(app, user["id"])
    return app, person


def copied_from_entra(harness: Harness, app: AppHandle, tmp_path: Path) -> tuple[dict, Path]:
    """Set up <app>: Login URL, Microsoft Entra Identifier and Logout URL; the Certificate
    (Base64) downloaded to a file."""
    thumbprint = harness.admin_center.active_certificate(app)["thumbprint"]
    certificate = tmp_path / f"{app.display_name}.cer"
    certificate.write_bytes(harness.admin_center.download_certificate(app, thumbprint, "base64"))
    return harness.admin_center.saml(app)["setUp"], certificate


def console_home(page: Any, harness: Harness, host: str, path: str = "/") -> Any:
    """A console page as the console's administrator (the console asks them to sign in first)."""
    vendor = next(
        v
        for v in harness.stack.vendors.values()
        if host in {v.app.sso.console_host, *(c.host for c in v.app.sso.consoles)}
    )
    admin = ConsoleSignIn(vendor.console_admin.email, vendor.console_admin.password)
    return open_console_page(page, host, admin, path)


def open_console(page: Any, harness: Harness, host: str, path: str) -> None:
    """In a different browser window, the vendor's admin site, then the tutorial's clicks."""
    console_home(page, harness, host)
    for name in path.split(" > "):
        page.get_by_role("link", name=name, exact=True).click()


def signs_in_from_my_apps(page: Any, app: AppHandle, person: Person, host: str) -> None:
    """Test SSO: My Apps, the app's tile, the vendor's landing page names her."""
    page.goto("https://myapps.microsoft.com/")
    sign_in_on_entra(page, person.upn, person.password)
    page.wait_for_url("https://myapps.microsoft.com/")
    page.locator(f".tile[data-app-id='{app.app_id}']").click()
    page.wait_for_url(f"https://{host}/app")
    assert page.locator("#signed-in-user").text_content() == person.email.lower()


def test_ringcentral_single_sign_on_page_then_b_simon_signs_in(
    entra_page: Any, harness: Harness, tmp_path: Path
) -> None:
    """Tutorial 000, Configure RingCentral SSO and Create RingCentral test user, on the pages."""
    app, person = entra_app(harness, "RingCentral", "us")
    metadata = tmp_path / "RingCentral.xml"  # the App Federation Metadata Url, downloaded
    metadata.write_bytes(harness.admin.app_federation_metadata(app))
    page = entra_page
    open_console(page, harness, "service.ringcentral.com", "Tools > Single Sign-on")
    page.get_by_role("region", name="Step 1").get_by_role("link", name="Edit").click()
    # a. Browse to upload the metadata file; b. SSO General Information fills in.
    page.get_by_label("IdP metadata file").set_input_files(metadata)
    page.get_by_role("button", name="Browse").click()
    page.locator("#notice").wait_for()
    general = page.get_by_role("table", name="SSO General Information")
    assert (
        page.locator("#idp-entity-id").text_content()
        == f"https://sts.windows.net/{harness.tenant_id}/"
    )
    assert page.locator("#idp-sign-in-url").text_content().endswith("/saml2")
    thumbprint = harness.admin_center.active_certificate(app)["thumbprint"]
    assert general.locator(".thumbprint").text_content() == thumbprint
    # c-d. Attribute Mapping: Map Email Attribute to emailaddress, Save.
    mapping = page.locator("form", has=page.get_by_label("Map Email Attribute to"))
    page.get_by_label("Map Email Attribute to").select_option(EMAIL_CLAIM)
    mapping.get_by_role("button", name="Save").click()
    assert page.locator("#notice").text_content() == "Attribute Mapping saved."
    # e. From Step 2, Download the Service Provider metadata file.
    with page.expect_download() as download:
        page.get_by_role("region", name="Step 2").get_by_role("link", name="Download").click()
    assert download.value.suggested_filename == "ringcentral-us-sp-metadata.xml"
    sp_metadata = Path(download.value.path()).read_bytes()
    assert etree.fromstring(sp_metadata).get("entityID") == "https://sso.ringcentral.com"
    assert sp_metadata == harness.console("RingCentral").sp_metadata("us")
    # f. Enable SSO: both check boxes, Save.
    enable = page.get_by_role("region", name="Enable SSO")
    enable.get_by_label("Enable SSO Service").check()
    enable.get_by_label("Allow users to log in with SSO or RingCentral credential").check()
    enable.get_by_role("button", name="Save").click()
    assert page.locator("#notice").text_content() == "Single sign-on settings saved."

    settings = harness.console("RingCentral").sso_settings("us")
    assert settings["idp"]["entity_id"] == f"https://sts.windows.net/{harness.tenant_id}/"
    assert settings["email_attribute"] == EMAIL_CLAIM
    assert settings["sso_enabled"] is True and settings["allow_password_login"] is True
    assert harness.console("RingCentral").sso_settings("eu")["idp"] is None

    # Create RingCentral test user: support adds B.Simon, created and activated.
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Users").click()
    page.get_by_label("Full Name").fill("B.Simon")
    page.get_by_label("Email").fill("b.simon@contoso.com")
    assert page.get_by_label("Active").is_checked()
    page.get_by_role("button", name="Create").click()
    assert page.locator("#notice").text_content() == "B.Simon (b.simon@contoso.com) was created."
    assert (
        page.locator("#people").get_by_role("row", name="B.Simon b.simon@contoso.com yes").count()
    )
    users = harness.console("RingCentral").sso_settings("us")["users"]
    assert [(u["email"], u["display_name"], u["active"]) for u in users] == [
        ("b.simon@contoso.com", "B.Simon", True)
    ]

    signs_in_from_my_apps(page, app, person, "sso.ringcentral.com")


def test_ringcentral_region_selector_configures_the_europe_deployment(
    entra_page: Any, harness: Harness, tmp_path: Path
) -> None:
    """Identifier https://ssoeuro.ringcentral.com: the Europe region's own SSO Configuration."""
    app, _ = entra_app(harness, "RingCentral", "eu")
    metadata = tmp_path / "RingCentral.xml"
    metadata.write_bytes(harness.admin.app_federation_metadata(app))
    page = entra_page
    console_home(page, harness, "service.ringcentral.com")
    page.get_by_label("Region").select_option(label="Europe")
    page.get_by_role("button", name="Switch region").click()
    assert "Europe region" in page.get_by_role("main").text_content()
    for name in ("Tools", "Single Sign-on", "Edit"):
        page.get_by_role("link", name=name, exact=True).click()
    page.get_by_label("IdP metadata file").set_input_files(metadata)
    page.get_by_role("button", name="Browse").click()
    page.locator("#notice").wait_for()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download").click()
    entity_id = etree.fromstring(Path(download.value.path()).read_bytes()).get("entityID")
    assert entity_id == "https://ssoeuro.ringcentral.com"
    assert harness.console("RingCentral").sso_settings("eu")["idp"] is not None
    assert harness.console("RingCentral").sso_settings("us")["idp"] is None
    # The same page by query parameter.
    page.goto("https://service.ringcentral.com/console/sso_configuration?region=us")
    assert page.get_by_label("Region").input_value() == "us"
    assert "not set up" in page.get_by_role("region", name="Step 1").text_content()


def test_ringcentral_refuses_what_is_not_metadata_and_sso_without_it(
    entra_page: Any, harness: Harness, tmp_path: Path
) -> None:
    page = entra_page
    not_metadata = tmp_path / "notes.txt"
    not_metadata.write_text("App Federation Metadata Url: copy it from Entra")
    open_console(page, harness, "service.ringcentral.com", "Tools > Single Sign-on > Edit")
    page.get_by_role("button", name="Browse").click()
    assert page.locator("#error").text_content() == "Choose the IdP metadata file first."
    page.get_by_label("IdP metadata file").set_input_files(not_metadata)
    page.get_by_role("button", name="Browse").click()
    # Each refusal replaces the page's alert: retry until the new page's is read.
    expect(page.get_by_role("alert")).to_have_text(
        re.compile(r"^The metadata file was not accepted: the file is not XML")
    )
    # Enable SSO before Step 1 is refused in plain words; nothing changes.
    enable = page.get_by_role("region", name="Enable SSO")
    enable.get_by_label("Enable SSO Service").check()
    enable.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Not saved: Enable SSO Service needs the identity provider set up first. Edit Step 1 first."
    )
    settings = harness.console("RingCentral").sso_settings("us")
    assert settings["idp"] is None and settings["sso_enabled"] is False
    # An unknown region is a plain 404.
    response = page.goto("https://service.ringcentral.com/?region=apac")
    assert response is not None and response.status == 404
    assert page.locator("#message").text_content() == "RingCentral has no region 'apac'."


def test_8x8_admin_console_saves_the_settings_then_b_simon_signs_in(
    entra_page: Any, harness: Harness, tmp_path: Path
) -> None:
    """Tutorial 002, Configure 8x8 Admin Console steps 2-4 and Create 8x8 test user."""
    app, person = entra_app(harness, "8x8", "global")
    set_up, certificate = copied_from_entra(harness, app, tmp_path)
    page = entra_page
    path = "Identity Management > Single Sign On (SSO) > Microsoft Entra ID"
    open_console(page, harness, "admin.8x8.com", path)
    form = page.get_by_role("form", name="Microsoft Entra SAML Settings")
    form.get_by_label("IDP Login URL", exact=True).fill(set_up["loginUrl"])
    form.get_by_label("IDP Issuer URL/URN", exact=True).fill(set_up["microsoftEntraIdentifier"])
    form.get_by_label("IDP Logout URL", exact=True).fill(set_up["logoutUrl"])
    form.get_by_label("Certificate", exact=True).set_input_files(certificate)
    form.get_by_role("button", name="Save").click()
    notice = page.get_by_role("status").text_content()
    assert notice == "Saved. Single sign-on with Microsoft Entra ID is on."
    thumbprint = harness.admin_center.active_certificate(app)["thumbprint"]
    assert thumbprint in page.locator("#certificate-on-file").text_content()

    settings = harness.console("8x8").sso_settings("global")
    assert settings["idp"]["sso_url"] == set_up["loginUrl"]
    assert settings["idp"]["entity_id"] == set_up["microsoftEntraIdentifier"]
    assert settings["idp"]["slo_url"] == set_up["logoutUrl"]
    assert len(settings["idp"]["certificates"]) == 1 and settings["sso_enabled"] is True

    # Create 8x8 test user: the User Name is what the NameID carries (the UPN).
    page.get_by_role("link", name="Users", exact=True).click()
    page.get_by_label("Full Name").fill("B.Simon")
    page.get_by_label("Email").fill("b.simon@contoso.com")
    page.get_by_label("User Name").fill(person.upn)
    page.get_by_role("button", name="Create").click()
    page.locator("#notice").wait_for()
    users = harness.console("8x8").sso_settings("global")["users"]
    assert [(u["email"], u["display_name"], u["active"]) for u in users] == [
        ("b.simon@contoso.com", "B.Simon", True)
    ]

    signs_in_from_my_apps(page, app, person, "sso.8x8.com")


def test_8x8_account_manager_writes_the_same_settings(
    entra_page: Any, harness: Harness, tmp_path: Path
) -> None:
    """Tutorial 002, Configure 8x8 Account Manager: the SAML Single Sign on section."""
    app, _ = entra_app(harness, "8x8", "global")
    set_up, certificate = copied_from_entra(harness, app, tmp_path)
    page = entra_page
    path = "Virtual Office Account Mgr > Sign In > ACCOUNTS > Single Sign On > SAML"
    open_console(page, harness, "vo.8x8.com", path)
    form = page.get_by_role("form", name="SAML Single Sign on")
    form.get_by_label("Sign In URL").fill(set_up["loginUrl"])
    form.get_by_label("Sign Out URL").fill(set_up["logoutUrl"])
    form.get_by_label("Issuer URL").fill(set_up["microsoftEntraIdentifier"])
    form.get_by_label("Certificate").set_input_files(certificate)
    form.get_by_role("button", name="Save").click()
    page.locator("#notice").wait_for()
    idp = harness.console("8x8").sso_settings("global")["idp"]
    assert (idp["sso_url"], idp["slo_url"], idp["entity_id"]) == (
        set_up["loginUrl"],
        set_up["logoutUrl"],
        set_up["microsoftEntraIdentifier"],
    )
    # The Admin Console shows what the Account Manager saved: one SSO setting for 8x8.
    open_console(page, harness, "admin.8x8.com", "Identity Management > Single Sign On (SSO)")
    page.get_by_role("link", name="Microsoft Entra ID").click()
    assert page.get_by_label("IDP Login URL").input_value() == set_up["loginUrl"]
    assert page.get_by_label("IDP Issuer URL/URN").input_value() == idp["entity_id"]


def test_8x8_console_refuses_a_file_that_is_not_a_certificate_and_keeps_the_values(
    entra_page: Any, harness: Harness, tmp_path: Path
) -> None:
    app, _ = entra_app(harness, "8x8", "global")
    set_up, _certificate = copied_from_entra(harness, app, tmp_path)
    metadata = tmp_path / "federation-metadata.xml"  # the wrong download
    metadata.write_bytes(harness.admin.app_federation_metadata(app))
    page = entra_page
    open_console(page, harness, "admin.8x8.com", "Identity Management > Single Sign On (SSO)")
    page.get_by_role("link", name="Microsoft Entra ID").click()
    page.get_by_label("IDP Login URL").fill(set_up["loginUrl"])
    page.get_by_label("IDP Issuer URL/URN").fill(set_up["microsoftEntraIdentifier"])
    page.get_by_label("IDP Logout URL").fill("login.microsoftonline.com/common/wsfederation")
    page.get_by_label("Certificate", exact=True).set_input_files(metadata)
    page.get_by_role("button", name="Save").click()
    # Retrying assertions: a list read does not wait for the page the click loads.
    error = page.get_by_role("alert")
    expect(error.get_by_role("listitem")).to_have_text(
        [
            "IDP Logout URL is not a URL (https://…).",
            "Certificate is not a certificate file: upload the Certificate (Base64) or Certificate"
            " (Raw) downloaded from Microsoft Entra ID.",
        ]
    )
    certificate_field = page.get_by_label("Certificate", exact=True)
    assert certificate_field.get_attribute("aria-invalid") == "true"
    assert page.get_by_label("IDP Login URL").input_value() == set_up["loginUrl"]
    assert page.get_by_label("IDP Logout URL").input_value().startswith("login.microsoftonline")
    assert harness.console("8x8").sso_settings("global")["idp"] is None
    # Missing values are named by their labels.
    page.get_by_label("IDP Login URL").fill("")
    page.get_by_role("button", name="Save").click()
    expect(error.get_by_role("listitem")).to_contain_text(["IDP Login URL is required."])
    assert harness.console("8x8").sso_settings("global")["sso_enabled"] is False


def test_genesys_cloud_console_in_frankfurt_then_b_simon_signs_in(
    entra_page: Any, harness: Harness, tmp_path: Path
) -> None:
    """Tutorial 004, Configure Genesys Cloud for Azure SSO and Create ... test user, in the
    EMEA (Frankfurt) region; the organization is named as the OrganizationName claim says."""
    app, person = entra_app(harness, "Genesys Cloud for Azure", "de")
    harness.admin_center.edit_claim(
        app, "OrganizationName", name="OrganizationName", constant="Contoso"
    )
    set_up, certificate = copied_from_entra(harness, app, tmp_path)
    page = entra_page
    console_home(page, harness, "apps.mypurecloud.com")
    page.get_by_label("Region").select_option(label="EMEA (Frankfurt)")
    page.get_by_role("button", name="Switch region").click()
    # Admin at the top, then Single Sign-on under Integrations, the ADFS/Azure AD(Premium) tab.
    page.get_by_role("link", name="Admin", exact=True).click()
    integrations = page.get_by_role("region", name="Integrations")
    integrations.get_by_role("link", name="Single Sign-on").click()
    page.get_by_role("link", name="ADFS/Azure AD(Premium)").click()
    form = page.get_by_role("form", name="ADFS/Azure AD(Premium)")
    form.get_by_label("ADFS Certificate").set_input_files(certificate)
    form.get_by_label("ADFS Issuer URI").fill(set_up["microsoftEntraIdentifier"])
    form.get_by_label("Target URI").fill(set_up["loginUrl"])
    form.get_by_label("Relying Party Identifier").fill(app.app_id)  # Properties > Application ID
    form.get_by_role("button", name="Save").click()
    page.locator("#notice").wait_for()
    # The organization's own name.
    page.get_by_role("link", name="Admin", exact=True).click()
    settings_link = page.get_by_role("region", name="Account Settings")
    settings_link.get_by_role("link", name="Organization Settings").click()
    page.get_by_label("Organization Name").fill("Contoso")
    page.get_by_role("button", name="Save").click()
    assert page.locator("#notice").text_content() == "Saved."
    # Admin > People (under People & Permissions) > Add Person.
    page.get_by_role("link", name="Admin", exact=True).click()
    people = page.get_by_role("region", name="People & Permissions")
    people.get_by_role("link", name="People").click()
    page.get_by_role("link", name="Add Person").click()
    dialog = page.get_by_role("dialog", name="Add People to the Organization")
    dialog.get_by_label("Full Name").fill("B.Simon")
    dialog.get_by_label("Email").fill("b.simon@contoso.com")
    dialog.get_by_role("button", name="Create").click()
    assert page.get_by_role("dialog").count() == 0
    page.locator("#people").get_by_text("b.simon@contoso.com").wait_for()

    settings = harness.console("Genesys Cloud for Azure").sso_settings("de")
    assert settings["idp"]["entity_id"] == set_up["microsoftEntraIdentifier"]
    assert settings["idp"]["sso_url"] == set_up["loginUrl"]
    assert settings["relying_party_identifier"] == app.app_id
    assert settings["issuer"] == app.app_id  # its AuthnRequests name the Application ID
    assert settings["organization_name"] == "Contoso"
    assert [u["email"] for u in settings["users"]] == ["b.simon@contoso.com"]
    assert harness.console("Genesys Cloud for Azure").sso_settings("com")["idp"] is None

    signs_in_from_my_apps(page, app, person, "login.mypurecloud.de")


def test_genesys_cloud_refuses_a_bad_certificate_and_a_person_without_an_email(
    entra_page: Any, harness: Harness, tmp_path: Path
) -> None:
    page = entra_page
    not_a_certificate = tmp_path / "certificate.cer"
    not_a_certificate.write_text(
        "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----"
    )
    open_console(
        page, harness, "apps.mypurecloud.com", "Admin > Single Sign-on > ADFS/Azure AD(Premium)"
    )
    page.get_by_label("ADFS Certificate").set_input_files(not_a_certificate)
    page.get_by_label("ADFS Issuer URI").fill("https://sts.windows.net/contoso/")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert").get_by_role("listitem")).to_have_text(
        [
            "ADFS Certificate is not a certificate file: upload the Certificate (Base64) or "
            "Certificate (Raw) downloaded from Microsoft Entra ID.",
            "Target URI is required.",
        ]
    )
    assert page.get_by_label("ADFS Issuer URI").input_value() == "https://sts.windows.net/contoso/"
    assert harness.console("Genesys Cloud for Azure").sso_settings("com")["idp"] is None
    # Add Person with a name that is not an email: the dialog stays open with what was typed.
    open_console(page, harness, "apps.mypurecloud.com", "Admin > People > Add Person")
    dialog = page.get_by_role("dialog", name="Add People to the Organization")
    dialog.get_by_label("Full Name").fill("B.Simon")
    dialog.get_by_label("Email").fill("b.simon")
    dialog.get_by_role("button", name="Create").click()
    dialog = page.get_by_role("dialog", name="Add People to the Organization")
    assert dialog.locator("#email-error").text_content() == "Email is not an email address."
    assert dialog.get_by_label("Full Name").input_value() == "B.Simon"
    assert harness.console("Genesys Cloud for Azure").sso_settings("com")["users"] == []


def test_the_console_api_checks_what_the_pages_check(harness: Harness) -> None:
    """One set of checks behind both: SSO cannot be enabled before the IdP is set up; a user
    needs a name and an email; a second user with the same email is a conflict."""
    console = harness.console("RingCentral")
    headers = console.headers
    base = console.base
    enable = harness.http.put(
        f"{base}/sso/us/settings", json={"sso_enabled": True}, headers=headers
    )
    assert enable.status_code == 400
    assert enable.json() == {"error": "sso_enabled needs the identity provider set up first"}
    typo = harness.http.put(f"{base}/sso/us/settings", json={"sso_enable": True}, headers=headers)
    assert typo.status_code == 400
    nameless = harness.http.post(
        f"{base}/users/us", json={"email": "x@contoso.com"}, headers=headers
    )
    assert nameless.status_code == 400
    assert nameless.json() == {"error": "display_name is required"}
    console.create_user("us", "b.simon@contoso.com", "B.Simon")
    again = harness.http.post(
        f"{base}/users/us",
        json={"email": "B.Simon@contoso.com", "display_name": "B.Simon"},
        headers=headers,
    )
    assert again.status_code == 409
