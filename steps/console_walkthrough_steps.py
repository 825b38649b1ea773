"""More walkthrough clicks: Set additional URLs, Attributes & Claims, Properties in a second
window, form uploads without saving, Genesys' Add Person and 8x8's Account Manager."""

from __future__ import annotations

import json
from typing import Any

from pytest_bdd import given, parsers, then, when

from harness.clients.session import Harness
from harness.clients.vendor_console import open_console as open_console_page

from .world import Scenario


@given(parsers.parse('a {app} subscription for the organization "{organization}"'))
def vendor_subscription(
    harness: Harness, scenario_state: Scenario, app: str, organization: str
) -> None:
    """Prerequisites: an SSO-enabled subscription; the organization already has its name (which
    Genesys' OrganizationName claim must carry), in every region it could be deployed in."""
    console = harness.console(app)
    for region in harness.gallery_app(app).sso.regions:
        console.save_sso_settings(region.key, organization_name=organization)
    scenario_state.notes["organization"] = organization


@when(parsers.parse('selects Set additional URLs and enters the Sign on URL "{url}"'))
def set_sign_on_url(entra_page: Any, url: str) -> None:
    """Basic SAML Configuration > Edit > Set additional URLs: SP-initiated mode."""
    page = entra_page
    page.get_by_role("link", name="Single sign-on", exact=True).click()
    page.get_by_role("link", name="Edit Basic SAML Configuration").click()
    if not page.get_by_label("Sign on URL").is_visible():
        page.get_by_text("Set additional URLs").click()
    page.get_by_label("Sign on URL").fill(url)
    page.get_by_role("button", name="Save").click()
    page.locator("#notice").wait_for()


@when("in Attributes & Claims sets the additional claims")
def set_claims(entra_page: Any, datatable: list[list[str]]) -> None:
    """Attributes & Claims > Edit: each claim of the table (Name | Source | Value) is edited
    where the gallery entry pre-populated it, else added with "Add new claim"."""
    page = entra_page
    page.get_by_role("link", name="Single sign-on", exact=True).click()
    page.get_by_role("link", name="Edit Attributes & Claims").click()
    header, *rows = datatable
    for row in rows:
        claim = dict(zip(header, row, strict=True))
        # Wait for the claims table before counting: a count taken on the page still loading
        # would be 0 and add a duplicate of a pre-populated claim.
        page.locator("#claims").wait_for()
        edit = page.get_by_role("link", name=f"Edit {claim['Name']}", exact=True)
        if edit.count():
            edit.click()
        else:
            page.get_by_role("link", name="Add new claim").click()
        page.get_by_label("Name", exact=True).fill(claim["Name"])
        page.get_by_label("Source", exact=True).select_option(label=claim["Source"])
        page.get_by_label("Source attribute").fill(claim["Value"])
        page.get_by_role("button", name="Save").click()
        page.locator("#claims").wait_for()
        errors = page.locator("#error")
        assert errors.count() == 0, errors.text_content()
    shown = {
        cells[0]: cells[2]
        for cells in (
            r.locator("td").all_text_contents() for r in page.locator("#claims tr").all()[1:]
        )
    }
    for row in rows:
        claim = dict(zip(header, row, strict=True))
        value = f'"{claim["Value"]}"' if claim["Source"] == "Constant" else claim["Value"]
        assert shown.get(claim["Name"]) == value, shown
    page.get_by_role("link", name="Single sign-on", exact=True).click()


@when(parsers.parse("copies the Application ID from the Properties of {app}"))
def copy_application_id(entra_page: Any, scenario_state: Scenario, app: str) -> None:
    """Tutorial 004 step d: in the admin center (another window), the app's Properties tab."""
    window = entra_page.context.new_page()
    try:
        window.goto(f"https://entra.microsoft.com/enterprise-apps/{scenario_state.app(app).app_id}")
        window.get_by_role("link", name="Properties", exact=True).click()
        scenario_state.notes["Application ID"] = window.get_by_label("Application ID").input_value()
    finally:
        window.close()


@when(parsers.parse('uploads the {kind} into "{label}"'))
def upload_file(entra_page: Any, scenario_state: Scenario, kind: str, label: str) -> None:
    entra_page.get_by_label(label, exact=True).set_input_files(scenario_state.notes[kind])


@when("selects Save")
def select_save(entra_page: Any) -> None:
    entra_page.get_by_role("button", name="Save").click()
    entra_page.locator("#notice, #error").first.wait_for()
    errors = entra_page.locator("#error")
    assert errors.count() == 0, errors.text_content()


@when(parsers.parse('selects {action} and creates "{name}" with Email "{email}"'))
def add_person(entra_page: Any, action: str, name: str, email: str) -> None:
    """Genesys' People > Add Person: the "Add People to the Organization" dialog."""
    page = entra_page
    page.get_by_role("link", name=action, exact=True).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Full Name").fill(name)
    dialog.get_by_label("Email").fill(email)
    dialog.get_by_role("button", name="Create").click()
    page.locator("#notice").wait_for()
    page.locator("#people").get_by_text(email, exact=True).wait_for()


@when(parsers.parse("in {app}'s {console} opens {path}"))
def open_named_console(
    entra_page: Any, harness: Harness, app: str, console: str, path: str
) -> None:
    """A console other than the vendor's main one (8x8's Account Manager on Virtual Office):
    its own host from the gallery, then the tutorial's clicks."""
    consoles = harness.gallery_app(app).sso.consoles
    chosen = next((c for c in consoles if c.label.startswith(console)), None)
    assert chosen is not None, f"{app} has no console {console!r}: {[c.label for c in consoles]}"
    open_console_page(entra_page, chosen.host, harness.console_admin(app))
    for link in path.split(" > "):
        entra_page.get_by_role("link", name=link, exact=True).click()


@then(parsers.parse("{app} shows exactly these claims"))
def shows_claims(entra_page: Any, app: str, datatable: list[list[str]]) -> None:
    """The landing page's attribute table a person reads, and its machine-readable block: each
    claim of the table with exactly that one value."""
    header, *rows = datatable
    table = {
        cells[0]: cells[1]
        for cells in (
            r.locator("td").all_text_contents() for r in entra_page.locator("#attributes tr").all()
        )
        if len(cells) == 2
    }
    received = json.loads(entra_page.locator("#saml-session").text_content())["attributes"]
    for row in rows:
        claim = dict(zip(header, row, strict=True))
        assert table.get(claim["Name"]) == claim["Value"], table
        assert received.get(claim["Name"]) == [claim["Value"]], received


@then("the Response answered no AuthnRequest (IdP-initiated)")
def idp_initiated_response(entra_page: Any, harness: Harness) -> None:
    """IDP initiated (ENTRA-BEHAVIOUR §4): no InResponseTo, and the vendor sent no request."""
    session = json.loads(entra_page.locator("#saml-session").text_content())
    assert session["in_response_to"] is None, session["in_response_to"]
    kinds = [m["kind"] for m in harness.saml_log()]
    assert "AuthnRequest" not in kinds and "Response" in kinds, kinds
