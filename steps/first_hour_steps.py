"""The first hour of a person in the admin center: the administrator `entra-harness up` shows,
Entra's account manager, the tutorials' "Browse to" navigation, RingCentral's Browse and Save."""

from __future__ import annotations

import re
from typing import Any

from pytest_bdd import given, parsers, then, when

from harness.clients.demo_setup import create_administrator
from harness.clients.entra_pages import sign_in_on_entra
from harness.clients.session import Harness

from .world import Scenario

ADMIN_CENTER = "https://entra.microsoft.com/"
ADMINISTRATOR = "the administrator"


@given("the administrator entra-harness up creates")
def up_administrator(harness: Harness, scenario_state: Scenario) -> None:
    scenario_state.people[ADMINISTRATOR] = create_administrator(harness)


@when("the administrator signs in to the admin center with the password entra-harness up shows")
def administrator_signs_in(entra_page: Any, scenario_state: Scenario) -> None:
    person = scenario_state.person(ADMINISTRATOR)
    entra_page.goto(ADMIN_CENTER)
    sign_in_on_entra(entra_page, person.upn, person.password)
    entra_page.wait_for_url(f"{ADMIN_CENTER}**")


def open_account_menu(page: Any) -> Any:
    menu = page.locator("#account-menu")
    if menu.get_attribute("open") is None:
        menu.locator("summary").click()
    return menu


@then(parsers.parse('the account manager shows "{name}" signed in as "{upn}"'))
def account_manager_shows(entra_page: Any, name: str, upn: str) -> None:
    menu = open_account_menu(entra_page)
    assert menu.locator("#account-name").inner_text() == name
    assert menu.locator("#account-upn").inner_text() == upn
    assert menu.get_by_role("menuitem").all_inner_texts() == [
        "Sign out",
        "Sign in with a different account",
    ]


@when(parsers.parse('{who} chooses "Sign in with a different account" and signs in as {name}'))
def switch_account(entra_page: Any, scenario_state: Scenario, who: str, name: str) -> None:
    open_account_menu(entra_page).get_by_role(
        "menuitem", name="Sign in with a different account"
    ).click()
    person = scenario_state.person(name)
    sign_in_on_entra(entra_page, person.upn, person.password)
    entra_page.wait_for_url(f"{ADMIN_CENTER}**")


@then(parsers.parse('the admin center refuses her: "{text}"'))
def admin_center_refuses(entra_page: Any, text: str) -> None:
    assert entra_page.locator("h1").inner_text() == "Access denied"
    assert text in entra_page.locator("#forbidden").inner_text()


@when(parsers.parse('{who} chooses "Sign out" in the account manager'))
def sign_out(entra_page: Any, who: str) -> None:
    open_account_menu(entra_page).get_by_role("menuitem", name="Sign out").click()


@then("Entra shows that she signed out, and the admin center asks who signs in")
def signed_out(entra_page: Any) -> None:
    entra_page.locator("#signedOut").wait_for()
    entra_page.goto(ADMIN_CENTER)
    entra_page.wait_for_url("https://login.microsoftonline.com/**")
    assert entra_page.locator("input[name=loginfmt]").is_visible()


@when(parsers.parse('the administrator browses to "{path}"'))
def browse_to(entra_page: Any, path: str) -> None:
    """The tutorials' "Browse to Identity > Applications > Enterprise applications": each
    menu group opened in the left navigation, then its link."""
    *groups, target = path.split(" > ")
    navigation = entra_page.get_by_role("complementary", name="Navigation")
    for group in groups:
        summary = navigation.locator("summary").filter(has_text=re.compile(f"^{group}$"))
        if summary.locator("xpath=..").get_attribute("open") is None:
            summary.click()
    navigation.get_by_role("link", name=target, exact=True).click()


@then(parsers.parse('the page "{title}" is shown under the breadcrumb "{crumbs}"'))
def page_and_breadcrumb(entra_page: Any, title: str, crumbs: str) -> None:
    assert entra_page.locator("main h1").inner_text() == title
    trail = entra_page.get_by_role("navigation", name="Breadcrumb").inner_text()
    assert " ".join(trail.split()) == crumbs


@when("in Step 1 selects Edit and chooses the metadata file with Browse, without uploading it")
def choose_metadata_file(entra_page: Any, scenario_state: Scenario) -> None:
    entra_page.get_by_role("link", name="Edit").click()
    entra_page.get_by_label("IdP metadata file").set_input_files(
        scenario_state.notes["metadata_file"]
    )


@then("RingCentral's SSO General Information shows the tenant's Entity ID and Sign-in URL")
def sso_general_information(entra_page: Any, harness: Harness) -> None:
    assert "Metadata uploaded" in entra_page.locator("#notice").inner_text()
    entra_page.reload()  # what was saved, not what the form still holds
    assert entra_page.locator("#idp-entity-id").inner_text() == (
        f"https://sts.windows.net/{harness.tenant_id}/"
    )
    assert entra_page.locator("#idp-sign-in-url").inner_text() == (
        f"https://login.microsoftonline.com/{harness.tenant_id}/saml2"
    )


@then(parsers.parse('RingCentral keeps "{claim}" as "{label}"'))
def mapping_kept(entra_page: Any, claim: str, label: str) -> None:
    assert entra_page.get_by_label(label).input_value() == claim
