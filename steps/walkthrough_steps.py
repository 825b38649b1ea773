"""Walkthrough steps: the tutorials' own clicks in the admin center and the vendor consoles."""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, when

from harness.clients.entra_pages import sign_in_on_entra
from harness.clients.people import Person
from harness.clients.session import Harness
from harness.clients.tenant_admin import AppHandle
from harness.clients.vendor_console import open_console as open_console_page

from .world import Scenario

ADMIN = "admin@contoso.com"
ADMIN_PASSWORD = "Admin-Passw0rd!"


@given(parsers.parse("an administrator who is a {first} and a {second}"))
def administrator(harness: Harness, first: str, second: str) -> None:
    user = harness.admin.create_user(
        ADMIN_PASSWORD, userPrincipalName=ADMIN, displayName="Contoso Admin"
    )
    for role in (first, second):
        harness.admin.assign_directory_role(user["id"], role)


@when("the administrator signs in to the Microsoft Entra admin center")
def admin_signs_in(entra_page: Any) -> None:
    entra_page.goto("https://entra.microsoft.com/")
    sign_in_on_entra(entra_page, ADMIN, ADMIN_PASSWORD)
    entra_page.wait_for_url("https://entra.microsoft.com/**")


@when(
    parsers.parse(
        'creates the test user "{name}" with User principal name "{upn}" and Email "{mail}"'
    )
)
def create_test_user(
    entra_page: Any, scenario_state: Scenario, name: str, upn: str, mail: str
) -> None:
    """Identity > Users > All users > New user > Create new user; Show password; Review +
    create; Create."""
    page = entra_page
    page.goto("https://entra.microsoft.com/users")
    page.get_by_role("link", name="New user").click()
    page.get_by_label("Display name").fill(name)
    page.get_by_label("User principal name").fill(upn)
    page.get_by_label("Email").fill(mail)
    page.get_by_label("Show password").check()
    password = page.get_by_label("Password", exact=True).input_value()
    page.get_by_role("button", name="Review + create").click()
    page.get_by_role("button", name="Create").click()
    page.locator("#users").get_by_text(upn).wait_for()
    scenario_state.people[name] = Person(
        name, password, {"displayName": name, "userPrincipalName": upn, "mail": mail}
    )


@when(parsers.parse('adds "{app}" from the gallery'))
def add_from_gallery(entra_page: Any, scenario_state: Scenario, app: str) -> None:
    """Identity > Applications > Enterprise applications > New application > search > Create."""
    page = entra_page
    page.goto("https://entra.microsoft.com/enterprise-apps")
    page.get_by_role("link", name="New application").click()
    page.get_by_label("Search application").fill(app)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=app, exact=True).click()
    page.get_by_role("button", name="Create").click()
    app_id = page.locator("#application-id").text_content()
    object_id = page.locator("#object-id").text_content()
    scenario_state.apps[app] = AppHandle(app, app_id, "", object_id)


@when(
    parsers.parse(
        'sets up SAML single sign-on for {app} with Identifier "{identifier}" and '
        'Reply URL "{reply_url}"'
    )
)
def set_up_saml(
    entra_page: Any,
    harness: Harness,
    scenario_state: Scenario,
    app: str,
    identifier: str,
    reply_url: str,
) -> None:
    """Single sign-on > SAML > Basic SAML Configuration > Edit."""
    page = entra_page
    page.get_by_role("link", name="Single sign-on").click()
    page.get_by_role("button", name="SAML").click()
    page.get_by_role("link", name="Edit Basic SAML Configuration").click()
    page.get_by_label("Identifier (Entity ID) 1").fill(identifier)
    page.get_by_label("Reply URL (Assertion Consumer Service URL) 1").fill(reply_url)
    page.get_by_role("button", name="Save").click()
    page.locator("#notice").wait_for()
    scenario_state.regions[app] = next(
        r.key for r in harness.gallery_app(app).sso.regions if r.identifier == identifier
    )


@when(parsers.parse('assigns "{name}" to "{app}" with the role "{role}"'))
def assign_in_portal(
    entra_page: Any, scenario_state: Scenario, name: str, app: str, role: str
) -> None:
    """Users and groups > Add user/group > Users and groups > Select > Select a role > Assign."""
    page = entra_page
    page.goto(f"https://entra.microsoft.com/enterprise-apps/{scenario_state.app(app).app_id}")
    page.get_by_role("link", name="Users and groups", exact=True).click()
    page.get_by_role("link", name="Add user/group").click()
    person = scenario_state.person(name)
    page.get_by_label(f"{name} ({person.upn})").check()
    page.get_by_label("Select a role").select_option(label=role)
    page.get_by_role("button", name="Assign").click()
    page.locator("#assignments").get_by_text(role).wait_for()


@when(parsers.parse("in the {app} console opens {path}"))
def open_console(entra_page: Any, harness: Harness, app: str, path: str) -> None:
    """A different browser window, the vendor's admin site, the tutorial's navigation."""
    host = harness.gallery_app(app).sso.console_host
    open_console_page(entra_page, host, harness.console_admin(app))
    for link in path.split(" > "):
        entra_page.get_by_role("link", name=link, exact=True).click()


@when("in Step 1 selects Edit and uploads the metadata file")
def upload_in_step_1(entra_page: Any, scenario_state: Scenario) -> None:
    page = entra_page
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("IdP metadata file").set_input_files(scenario_state.notes["metadata_file"])
    page.get_by_role("button", name="Browse").click()
    page.locator("#notice").wait_for()


@when(parsers.parse('maps "{label}" to "{claim}" and saves'))
def map_attribute(entra_page: Any, label: str, claim: str) -> None:
    entra_page.get_by_label(label).select_option(claim)
    entra_page.get_by_label(label).locator("xpath=..").get_by_role("button", name="Save").click()
    entra_page.locator("#notice").wait_for()


@when(parsers.parse('selects "{first}" and "{second}" and saves'))
def enable_sso_in_console(entra_page: Any, first: str, second: str) -> None:
    section = entra_page.get_by_role("region", name="Enable SSO")
    section.get_by_label(first).check()
    section.get_by_label(second).check()
    section.get_by_role("button", name="Save").click()
    entra_page.locator("#notice").wait_for()


@when(parsers.parse('{app} support creates the user "{email}" named "{name}"'))
def vendor_creates_user(entra_page: Any, harness: Harness, app: str, email: str, name: str) -> None:
    """Create <vendor> test user: the vendor's people page (done by support in the tutorial)."""
    host = harness.gallery_app(app).sso.console_host
    open_console_page(entra_page, host, harness.console_admin(app))
    entra_page.get_by_role("link", name="Users").or_(
        entra_page.get_by_role("link", name="People")
    ).click()
    entra_page.get_by_label("Full Name").fill(name)
    entra_page.get_by_label("Email").fill(email)
    if entra_page.get_by_label("User Name").count():  # 8x8: userName is the federation id
        entra_page.get_by_label("User Name").fill(email)
    entra_page.get_by_role("button", name="Create").click()
    entra_page.locator("#people").get_by_text(email).first.wait_for()


@when("the administrator signs out")
def admin_signs_out(entra_page: Any, harness: Harness) -> None:
    entra_page.goto(f"https://login.microsoftonline.com/{harness.tenant_id}/oauth2/logout")
    entra_page.locator("#signedOut").wait_for()


SET_UP_FIELDS = {
    "Login URL": "login-url",
    "Microsoft Entra Identifier": "entra-identifier",
    "Logout URL": "logout-url",
}


@when("copies the Login URL, Microsoft Entra Identifier and Logout URL")
def copy_set_up_values(entra_page: Any, scenario_state: Scenario) -> None:
    """The "Set up <app>" section of the SAML page."""
    for label, element in SET_UP_FIELDS.items():
        scenario_state.notes[label] = entra_page.locator(f"#{element}").input_value()


@when(parsers.parse("downloads the {kind}"))
def download_certificate(
    entra_page: Any, scenario_state: Scenario, tmp_path: Any, kind: str
) -> None:
    """SAML Certificates: Certificate (Base64), Certificate (Raw), Federation Metadata XML."""
    with entra_page.expect_download() as download:
        entra_page.get_by_role("link", name=f"Download {kind}").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    scenario_state.notes[kind] = path
    if kind == "Federation Metadata XML":
        scenario_state.notes["metadata_file"] = path


@when(parsers.parse('pastes the {value} into "{label}"'))
def paste(entra_page: Any, scenario_state: Scenario, value: str, label: str) -> None:
    entra_page.get_by_label(label, exact=True).fill(scenario_state.notes[value])


@when(parsers.parse('uploads the {kind} as "{label}" and saves'))
def upload_and_save(entra_page: Any, scenario_state: Scenario, kind: str, label: str) -> None:
    entra_page.get_by_label(label, exact=True).set_input_files(scenario_state.notes[kind])
    entra_page.get_by_role("button", name="Save").click()
    entra_page.locator("#notice, #error").first.wait_for()
    errors = entra_page.locator("#error")
    assert errors.count() == 0, errors.text_content()
