"""Steps a person takes in the browser: Entra's sign-in pages, My Apps, the app tiles."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from harness.clients.entra_pages import click_on_entra, sign_in_on_entra
from harness.clients.session import Harness

from .world import Scenario


@when(parsers.parse("{name} signs in to My Apps"))
def sign_in_to_my_apps(entra_page, scenario_state: Scenario, name: str) -> None:  # type: ignore[no-untyped-def]
    person = scenario_state.person(name)
    entra_page.goto("https://myapps.microsoft.com/")
    sign_in_on_entra(entra_page, person.upn, person.password)
    entra_page.wait_for_url("https://myapps.microsoft.com/")
    assert entra_page.locator("#signedInUser").text_content() == person.upn


@when(parsers.parse("she selects the {app} tile"))
def select_tile(entra_page, harness: Harness, scenario_state: Scenario, app: str) -> None:  # type: ignore[no-untyped-def]
    click_on_entra(entra_page, f".tile[data-app-id='{scenario_state.app(app).app_id}']")
    entra_page.wait_for_load_state("load")


@when(parsers.parse("she opens the {app} sign-on page"))
def open_sign_on_page(entra_page, harness: Harness, scenario_state: Scenario, app: str) -> None:  # type: ignore[no-untyped-def]
    """The vendor's Sign-on URL, or its site root where the tutorial gives none."""
    region = harness.gallery_app(app).sso.region(scenario_state.regions[app])
    entra_page.goto(region.sign_on_url or f"https://{region.host}/")


@then(parsers.parse('{app} says "{text}"'))
def vendor_says(entra_page, app: str, text: str) -> None:  # type: ignore[no-untyped-def]
    assert text in entra_page.locator("#message").text_content()


@when(parsers.parse("she selects the {app} tile again"))
def select_tile_again(entra_page, harness: Harness, scenario_state: Scenario, app: str) -> None:  # type: ignore[no-untyped-def]
    entra_page.goto("https://myapps.microsoft.com/")
    select_tile(entra_page, harness, scenario_state, app)


@when(parsers.parse("{name} opens the {app} user access URL and signs in"))
def user_access_url(
    entra_page, harness: Harness, scenario_state: Scenario, name: str, app: str
) -> None:  # type: ignore[no-untyped-def]
    """Properties > User access URL: myapps.microsoft.com/signin/<app>/<app id>?tenantId=…"""
    person = scenario_state.person(name)
    tenant = harness.stack.tenant
    entra_page.goto(tenant.user_access_url(tenant.find_app(scenario_state.app(app).app_id)))
    sign_in_on_entra(entra_page, person.upn, person.password)


@then(parsers.parse("Entra shows the error AADSTS{code:d}"))
def entra_error(entra_page, code: int) -> None:  # type: ignore[no-untyped-def]
    """Entra's error page: the AADSTS line, then Request Id, Correlation Id and Timestamp."""
    message = entra_page.locator("#errorMessage")
    message.wait_for()
    assert message.text_content().startswith(f"AADSTS{code}: ")
    assert message.get_attribute("data-aadsts") == str(code)
    for detail in ("#requestId", "#correlationId", "#timestamp"):
        assert entra_page.locator(detail).text_content()


@when(parsers.parse("{name} signs in on the Microsoft sign-in page"))
def signs_in_on_microsoft_page(entra_page, scenario_state: Scenario, name: str) -> None:  # type: ignore[no-untyped-def]
    person = scenario_state.person(name)
    entra_page.wait_for_url("https://login.microsoftonline.com/**")
    sign_in_on_entra(entra_page, person.upn, person.password)


@when(parsers.parse("she signs out of {app}"))
def sign_out(entra_page, harness: Harness, scenario_state: Scenario, app: str) -> None:  # type: ignore[no-untyped-def]
    region = harness.gallery_app(app).sso.region(scenario_state.regions[app])
    entra_page.wait_for_url(f"https://{region.host}/app")  # signed in first
    entra_page.goto(f"https://{region.host}/logout")


@then("Entra asks her to sign in again")
def asked_to_sign_in(entra_page) -> None:  # type: ignore[no-untyped-def]
    entra_page.wait_for_selector("input[name=loginfmt]")
