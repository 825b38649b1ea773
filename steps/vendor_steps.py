"""Steps that configure a vendor through its console API and check what the vendor saw."""

from __future__ import annotations

import json
from typing import Any

from pytest_bdd import given, parsers, then, when

from harness.clients.session import Harness
from harness.clients.vendor_setup import configure_vendor_sso, create_vendor_user

from .world import Scenario


@given(parsers.parse("{app} is given the App Federation Metadata"))
def upload_app_metadata(harness: Harness, scenario_state: Scenario, app: str) -> None:
    """Tutorial 000: copy the App Federation Metadata Url, download it, upload it at the vendor."""
    metadata = harness.admin.app_federation_metadata(scenario_state.app(app))
    harness.console(app).upload_idp_metadata(scenario_state.regions[app], metadata)
    scenario_state.notes["metadata"] = metadata


@given(parsers.parse('{app} maps the email attribute to "{claim}"'))
def map_email_attribute(harness: Harness, scenario_state: Scenario, app: str, claim: str) -> None:
    harness.console(app).save_sso_settings(scenario_state.regions[app], email_attribute=claim)


@given(parsers.parse("{app} has SSO enabled, allowing SSO or {vendor} credentials"))
def enable_sso(harness: Harness, scenario_state: Scenario, app: str, vendor: str) -> None:
    harness.console(app).save_sso_settings(
        scenario_state.regions[app], sso_enabled=True, allow_password_login=True
    )


@given(parsers.parse('the {app} organization is named "{organization}"'))
def organization_name(scenario_state: Scenario, app: str, organization: str) -> None:
    scenario_state.notes["organization"] = organization


@given(parsers.parse("{app} is configured as its tutorial says"))
def configure_as_tutorial(harness: Harness, scenario_state: Scenario, app: str) -> None:
    configure_vendor_sso(
        harness,
        app,
        scenario_state.regions[app],
        scenario_state.app(app),
        organization=scenario_state.notes.get("organization"),
    )


@given(parsers.parse('{name} exists and is active in {app} as "{email}"'))
def vendor_user_as(
    harness: Harness, scenario_state: Scenario, name: str, app: str, email: str
) -> None:
    person = scenario_state.person(name)
    harness.console(app).create_user(
        scenario_state.regions[app], email, person.properties["displayName"], active=True
    )


# No quotes in the app's name: the step above, `… as "{email}"`, must not match this one too.
@given(parsers.re(r'(?P<name>[^"]+) exists and is active in (?P<app>[^"]+)'))
def vendor_user(harness: Harness, scenario_state: Scenario, name: str, app: str) -> None:
    create_vendor_user(harness, app, scenario_state.regions[app], scenario_state.person(name))


def region_host(harness: Harness, scenario_state: Scenario, app: str) -> str:
    """The host of the vendor deployment (region) this scenario configured."""
    return harness.gallery_app(app).sso.region(scenario_state.regions[app]).host


def saml_session(page: Any) -> dict[str, Any]:
    """The vendor page's machine-readable block: who is signed in, with which attributes."""
    return json.loads(page.locator("#saml-session").text_content())


@then(parsers.parse('{app} shows her signed in as "{email}"'))
def shows_signed_in(
    entra_page: Any, harness: Harness, scenario_state: Scenario, app: str, email: str
) -> None:
    entra_page.wait_for_url(f"https://{region_host(harness, scenario_state, app)}/app")
    assert entra_page.locator("#signed-in-user").text_content() == email
    session = saml_session(entra_page)
    assert session["signed_in"] is True
    assert session["user"] == email


@then(parsers.parse("{app} received her email in the mapped attribute"))
def received_email_attribute(
    entra_page: Any, harness: Harness, scenario_state: Scenario, app: str
) -> None:
    settings = harness.console(app).sso_settings(scenario_state.regions[app])
    attributes = saml_session(entra_page)["attributes"]
    person = next(iter(scenario_state.people.values()))
    assert attributes[settings["email_attribute"]] == [person.email]


@then(parsers.parse('{app} received the claim "{claim}" with "{value}"'))
def received_claim(entra_page: Any, app: str, claim: str, value: str) -> None:
    assert saml_session(entra_page)["attributes"].get(claim) == [value]


@then(parsers.parse("{app} refuses the sign-in because the {check} check failed"))
def refuses(
    entra_page: Any, harness: Harness, scenario_state: Scenario, app: str, check: str
) -> None:
    host = region_host(harness, scenario_state, app)
    entra_page.wait_for_url(f"https://{host}/**")
    entra_page.wait_for_selector("#saml-session", state="attached")
    session = saml_session(entra_page)
    assert not session["signed_in"], (
        f"{app} signed {session['user']} in instead of refusing the Response "
        f"(expected its {check} check to fail)"
    )
    assert session["check"] == check, f"{app} refused, but by its {session['check']} check"
    events = harness.acs_log(app)[scenario_state.regions[app]]
    assert events and events[-1]["accepted"] is False and events[-1]["check"] == check


@then(parsers.parse("she is not signed in to {app}"))
def not_signed_in(entra_page: Any, harness: Harness, scenario_state: Scenario, app: str) -> None:
    assert saml_session(entra_page)["signed_in"] is False
    # A fresh tab of the same browser: no vendor session cookie was ever set.
    probe = entra_page.context.new_page()
    landing = probe.goto(f"https://{region_host(harness, scenario_state, app)}/app")
    assert landing is not None and landing.status == 401
    probe.close()
    events = harness.acs_log(app)[scenario_state.regions[app]]
    assert not any(event["accepted"] for event in events)


@given(parsers.parse("{app} is given the App Federation Metadata again"))
@when(parsers.parse("{app} is given the App Federation Metadata again"))
def upload_again(harness: Harness, scenario_state: Scenario, app: str) -> None:
    upload_app_metadata(harness, scenario_state, app)


@then(parsers.parse("{app} signs her in"))
def signs_her_in(entra_page: Any, harness: Harness, scenario_state: Scenario, app: str) -> None:
    person = next(iter(scenario_state.people.values()))
    shows_signed_in(entra_page, harness, scenario_state, app, person.email.lower())


@given(parsers.parse('the Relying Party Identifier at {app} is "{value}"'))
def relying_party_identifier(
    harness: Harness, scenario_state: Scenario, app: str, value: str
) -> None:
    harness.console(app).save_sso_settings(
        scenario_state.regions[app], relying_party_identifier=value
    )


@then(parsers.parse("the Response answered {app}'s AuthnRequest"))
def answered_request(entra_page: Any, harness: Harness, app: str) -> None:
    """SP-initiated: InResponseTo names the request the SP sent, which the tenant logged."""
    session = saml_session(entra_page)
    requests = [m for m in harness.saml_log() if m["kind"] == "AuthnRequest"]
    assert session["in_response_to"] and requests
    assert f'ID="{session["in_response_to"]}"' in requests[-1]["xml"]
