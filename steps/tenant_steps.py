"""Steps that set up the simulated tenant through its Graph API, as an admin script would."""

from __future__ import annotations

from pytest_bdd import given, parsers

from harness.people import b_simon
from harness.session import Harness
from harness.stack import DEMO_PASSWORD

from .world import Scenario


@given("the tenant has the user B.Simon")
def tenant_has_b_simon(harness: Harness, scenario_state: Scenario) -> None:
    person = b_simon(DEMO_PASSWORD)
    created = harness.admin.create_user(person.password, **person.properties)
    scenario_state.people[person.key] = person
    scenario_state.user_ids[person.key] = created["id"]


@given(
    parsers.parse(
        '{app} is added from the gallery with Identifier "{identifier}" and Reply URL "{reply_url}"'
    )
)
def add_gallery_app(
    harness: Harness, scenario_state: Scenario, app: str, identifier: str, reply_url: str
) -> None:
    handle = harness.admin.add_gallery_app(app)
    harness.admin.configure_saml(handle, [identifier], [reply_url])
    scenario_state.apps[app] = handle
    scenario_state.regions[app] = next(
        region.key
        for region in harness.gallery_app(app).sso.regions
        if region.identifier == identifier
    )


@given(parsers.parse("{name} is assigned to {app}"))
def assign(harness: Harness, scenario_state: Scenario, name: str, app: str) -> None:
    harness.admin.assign(scenario_state.app(app), scenario_state.user_ids[name])


@given("the tenant's next Response is signed with a different key")
def next_response_other_key(harness: Harness) -> None:
    harness.next_response(signing="other_key")
