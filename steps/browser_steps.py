"""Steps a person takes in the browser: Entra's sign-in pages, My Apps, the app tiles."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from harness.session import Harness

from .world import Scenario


def sign_in_on_entra(page, upn: str, password: str, stay_signed_in: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Entra's own form: the selectors existing automation against Entra uses."""
    page.fill("input[name=loginfmt]", upn)
    page.click("#idSIButton9")
    page.fill("input[name=passwd]", password)
    page.click("#idSIButton9")
    page.click("#idSIButton9" if stay_signed_in else "#idBtn_Back")


@when(parsers.parse("{name} signs in to My Apps"))
def sign_in_to_my_apps(entra_page, scenario_state: Scenario, name: str) -> None:  # type: ignore[no-untyped-def]
    person = scenario_state.person(name)
    entra_page.goto("https://myapps.microsoft.com/")
    sign_in_on_entra(entra_page, person.upn, person.password)
    entra_page.wait_for_url("https://myapps.microsoft.com/")
    assert entra_page.locator("#signedInUser").text_content() == person.upn


@when(parsers.parse("she selects the {app} tile"))
def select_tile(entra_page, harness: Harness, scenario_state: Scenario, app: str) -> None:  # type: ignore[no-untyped-def]
    tile = entra_page.locator(f".tile[data-app-id='{scenario_state.app(app).app_id}']")
    tile.click()
    entra_page.wait_for_load_state("load")


@when(parsers.parse("she opens the {app} sign-on page"))
def open_sign_on_page(entra_page, harness: Harness, scenario_state: Scenario, app: str) -> None:  # type: ignore[no-untyped-def]
    """The vendor's Sign-on URL, or its site root where the tutorial gives none."""
    region = harness.gallery_app(app).sso.region(scenario_state.regions[app])
    entra_page.goto(region.sign_on_url or f"https://{region.host}/")


@then(parsers.parse('{app} says "{text}"'))
def vendor_says(entra_page, app: str, text: str) -> None:  # type: ignore[no-untyped-def]
    assert text in entra_page.locator("#message").text_content()
