"""Steps that set up the simulated tenant through its Graph and admin center APIs."""

from __future__ import annotations

import pytest
from pytest_bdd import given, parsers, then, when

from harness.clients.people import b_simon
from harness.clients.session import DEMO_PASSWORD, Harness
from harness.clients.tenant_admin import GraphError

from .world import Scenario


@given("the tenant has the user B.Simon")
def tenant_has_b_simon(harness: Harness, scenario_state: Scenario) -> None:
    person = b_simon(DEMO_PASSWORD)
    created = harness.admin.create_user(person.password, **person.properties)
    scenario_state.people[person.key] = person
    scenario_state.user_ids[person.key] = created["id"]


def add_app(
    harness: Harness,
    scenario_state: Scenario,
    app: str,
    identifier: str,
    reply_url: str,
    sign_on_url: str | None = None,
) -> None:
    handle = harness.admin.add_gallery_app(app)
    harness.admin.configure_saml(handle, [identifier], [reply_url])
    if sign_on_url:
        harness.admin_center.set_basic(handle, signOnUrl=sign_on_url)
    scenario_state.apps[app] = handle
    scenario_state.regions[app] = next(
        region.key
        for region in harness.gallery_app(app).sso.regions
        if region.identifier == identifier
    )


@given(
    parsers.parse(
        '{app} is added from the gallery with Identifier "{identifier}" and Reply URL "{reply_url}"'
    )
)
def add_gallery_app(
    harness: Harness, scenario_state: Scenario, app: str, identifier: str, reply_url: str
) -> None:
    add_app(harness, scenario_state, app, identifier, reply_url)


@given(parsers.parse('{app} is added from the gallery for its "{region}" region'))
def add_gallery_app_for_region(
    harness: Harness, scenario_state: Scenario, app: str, region: str
) -> None:
    """IdP-initiated mode: Identifier and Reply URL from the tutorial's table for the region."""
    chosen = harness.gallery_app(app).sso.region(region)
    add_app(harness, scenario_state, app, chosen.identifier, chosen.reply_url)


@given(parsers.parse('{app} is added from the gallery in SP mode for its "{region}" region'))
def add_gallery_app_sp_mode(
    harness: Harness, scenario_state: Scenario, app: str, region: str
) -> None:
    """SP-initiated mode: the tutorial's "Set additional URLs" adds the Sign-on URL."""
    chosen = harness.gallery_app(app).sso.region(region)
    add_app(harness, scenario_state, app, chosen.identifier, chosen.reply_url, chosen.sign_on_url)


@when(
    parsers.parse("the admin adds {app} from the gallery a second time"), target_fixture="refusal"
)
def add_second_time(harness: Harness, app: str) -> GraphError:
    with pytest.raises(GraphError) as refused:
        harness.admin.add_gallery_app(app, f"{app} (2)")
    return refused.value


@then(parsers.parse('the tenant refuses with "{text}"'))
def tenant_refuses(refusal: GraphError, text: str) -> None:
    assert refusal.status == 400 and text in str(refusal)


@given(parsers.parse("{name} is assigned to {app}"))
def assign(harness: Harness, scenario_state: Scenario, name: str, app: str) -> None:
    harness.admin.assign(scenario_state.app(app), scenario_state.user_ids[name])


@given("the tenant's next Response is signed with a different key")
def next_response_other_key(harness: Harness) -> None:
    harness.next_response(signing="other_key")


@given(parsers.parse('the {claim} claim of {app} is the constant "{value}"'))
def claim_constant(
    harness: Harness, scenario_state: Scenario, claim: str, app: str, value: str
) -> None:
    harness.admin_center.edit_claim(scenario_state.app(app), claim, name=claim, constant=value)


SIGNING_OPTIONS = {
    "Sign SAML assertion": "assertion",
    "Sign SAML response": "response",
    "Sign SAML response and assertion": "both",
}
SIGNING_ALGORITHMS = {"SHA-256": "sha256", "SHA-1": "sha1"}


@given(parsers.parse('the SAML signing of {app} is "{option}" with {algorithm}'))
def signing(
    harness: Harness, scenario_state: Scenario, app: str, option: str, algorithm: str
) -> None:
    """SAML Certificates > Edit: Signing Option and Signing Algorithm."""
    harness.admin_center.set_signing(
        scenario_state.app(app), SIGNING_OPTIONS[option], SIGNING_ALGORITHMS[algorithm]
    )


@given(parsers.parse("a new SAML signing certificate of {app} is made active"))
def rollover(harness: Harness, scenario_state: Scenario, app: str) -> None:
    handle = scenario_state.app(app)
    created = harness.admin_center.add_certificate(handle)
    harness.admin_center.activate_certificate(handle, created["thumbprint"])


@given(parsers.parse('the Logout Url of {app} is "{url}"'))
def logout_url(harness: Harness, scenario_state: Scenario, app: str, url: str) -> None:
    harness.admin_center.set_basic(scenario_state.app(app), logoutUrl=url)


@then("Entra answered with a LogoutResponse from its login host")
def logout_response_issuer(harness: Harness) -> None:
    """§6: the LogoutResponse Issuer is https://login.microsoftonline.com/{tid}/."""
    from lxml import etree

    responses = [m for m in harness.saml_log() if m["kind"] == "LogoutResponse"]
    assert responses, [m["kind"] for m in harness.saml_log()]
    issuer = etree.fromstring(responses[-1]["xml"].encode()).findtext(
        "{urn:oasis:names:tc:SAML:2.0:assertion}Issuer"
    )
    assert issuer == f"https://login.microsoftonline.com/{harness.tenant_id}/"
