"""Steps the generated scenarios of imported tutorials add to the built-in ones (issue 18, Deliver 4)."""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, then

from harness.clients.scim_view import ScimView
from harness.clients.session import Harness
from harness.gallery_scenarios.claim_sources import graph_property

from .vendor_steps import saml_session
from .world import Scenario

# The labels of Basic SAML Configuration as the admin center shows them.
BASIC_LABELS = {
    "Identifier (Entity ID)": "identifier",
    "Reply URL": "reply_url",
    "Sign on URL": "sign_on_url",
    "Logout Url": "logout_url",
}


@given(parsers.parse("{app} is added from the gallery with this Basic SAML Configuration:"))
def added_with_basic(
    harness: Harness, scenario_state: Scenario, app: str, datatable: list[list[str]]
) -> None:
    """Enterprise applications > New application > the app > Create; Single sign-on > SAML; Basic
    SAML Configuration with the values the tutorial gives (placeholders filled)."""
    values = {BASIC_LABELS[label]: value for label, value in datatable}
    handle = harness.admin.add_gallery_app(app)
    harness.admin.configure_saml(
        handle, [values["identifier"]], [values["reply_url"]], values.get("logout_url")
    )
    if values.get("sign_on_url"):
        harness.admin_center.set_basic(handle, signOnUrl=values["sign_on_url"])
    scenario_state.apps[app] = handle
    scenario_state.notes["basic"] = values
    scenario_state.regions[app] = next(
        r.key for r in harness.gallery_app(app).sso.regions if r.reply_url == values["reply_url"]
    )


@then(parsers.parse("{app} has the Basic SAML Configuration of its tutorial"))
def has_basic(harness: Harness, scenario_state: Scenario, app: str) -> None:
    basic = harness.admin_center.saml(scenario_state.app(app))["basicSamlConfiguration"]
    region = harness.gallery_app(app).sso.region(scenario_state.regions[app])
    assert basic["identifiers"] == [region.identifier], basic
    assert [r["url"] for r in basic["replyUrls"]] == [region.reply_url], basic
    wanted = scenario_state.notes["basic"].get("sign_on_url")
    assert basic["signOnUrl"] == wanted, basic
    assert basic["logoutUrl"] == scenario_state.notes["basic"].get("logout_url"), basic


def _claim_type(claim: dict[str, str]) -> str:
    namespace = claim.get("namespace")
    return f"{namespace.rstrip('/')}/{claim['name']}" if namespace else claim["name"]


@then(parsers.parse("the Attributes & Claims of {app} have every claim of its tutorial"))
def has_claims(harness: Harness, scenario_state: Scenario, app: str) -> None:
    """The gallery entry pre-populates the claims the tutorial's table lists (name, source,
    namespace), as the tutorials say ("these attributes are also pre populated")."""
    has_basic(harness, scenario_state, app)
    page = harness.admin_center.saml(scenario_state.app(app))["attributesAndClaims"]["claims"]
    listed = {c["claimType"]: c for c in page}
    for claim in harness.gallery_app(app).sso.claims:
        found = listed.get(_claim_type(claim))
        assert found is not None, (
            f"{_claim_type(claim)} is not in Attributes & Claims: {list(listed)}"
        )
        assert (found["source"] or found["constant"]) == claim["source"], found


@then(parsers.parse("{app} received every claim of its tutorial with {name}'s values"))
def received_claims(
    entra_page: Any, harness: Harness, scenario_state: Scenario, app: str, name: str
) -> None:
    """Each claim of the tutorial's table at the vendor, with the value of the user's property the
    source names; a source that is no user property (a role, groups) must at least be there."""
    attributes = saml_session(entra_page)["attributes"]
    user = harness.admin._call("GET", f"/users/{scenario_state.user_ids[name]}")
    problems = []
    for claim in harness.gallery_app(app).sso.claims:
        claim_type = _claim_type(claim)
        values = attributes.get(claim_type)
        prop = graph_property(claim["source"])
        if prop is None:
            if not values:
                problems.append(f"{claim_type}: not sent")
            continue
        expected = user.get(prop)
        expected = expected[0] if isinstance(expected, list) else expected
        if values != [expected]:
            problems.append(
                f"{claim_type}: {values!r}, expected [{expected!r}] ({claim['source']})"
            )
    assert not problems, f"{app}:\n" + "\n".join(problems)


# --- groups (imported tutorials that provision groups) ------------------------------------------


@given(parsers.parse('the tenant has the group "{group}" with B.Simon and the generated people'))
def group_with_everyone(harness: Harness, scenario_state: Scenario, group: str) -> None:
    """Groups > New group (Security), every person of the scenario a member (Graph members/$ref)."""
    created = harness.admin._call(
        "POST", "/groups", {"displayName": group, "securityEnabled": True}
    )
    for user_id in scenario_state.user_ids.values():
        reference = {"@odata.id": f"https://graph.microsoft.com/v1.0/directoryObjects/{user_id}"}
        harness.admin._call("POST", f"/groups/{created['id']}/members/$ref", reference)
    scenario_state.notes.setdefault("groups", {})[group] = created["id"]


@given(parsers.parse('the admin assigns the group "{group}" to {app}'))
def group_assigned(harness: Harness, scenario_state: Scenario, group: str, app: str) -> None:
    harness.admin.assign(scenario_state.app(app), scenario_state.notes["groups"][group])


@then(parsers.parse('{app} holds the group "{group}" with its {count:d} members'))
def holds_group(
    harness: Harness, scenario_state: Scenario, app: str, group: str, count: int
) -> None:
    """The group at the vendor, its members the vendor's own ids of the tenant's members."""
    profile = harness.gallery_app(app).scim_profile
    assert profile is not None
    view = ScimView(harness.http, profile.host)
    groups = [g for g in view.stored("Group") if g.get("displayName") == group]
    assert len(groups) == 1, (
        f"{app} holds the groups {[g.get('displayName') for g in view.stored('Group')]}"
    )
    members = {m["value"] for m in groups[0].get("members", [])}
    users = {u["id"] for u in view.stored()}
    assert len(members) == count and members <= users, f"{app}: members {members}, users {users}"
