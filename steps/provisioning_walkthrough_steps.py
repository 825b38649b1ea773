"""Walkthrough steps of tutorials 001/003: RingCentral's Directory Integration, then the admin center's
Provisioning pages in Chromium, the cycle on the harness clock, the user at the vendor."""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, then, when

from harness.clients.people import Person, b_simon
from harness.clients.session import DEMO_PASSWORD, Harness
from harness.clients.vendor_console import open_console as open_console_page

from .world import Scenario

CENTER = "https://entra.microsoft.com"
RUN_DUE = "https://login.microsoftonline.com/_mock/provisioning/run-due"


def _no_error(page: Any) -> None:
    errors = page.locator("#error")
    assert errors.count() == 0, errors.first.text_content()


@given(
    parsers.parse(
        'the tenant has B.Simon with job title "{title}", department "{department}" '
        'and mobile "{mobile}"'
    )
)
def b_simon_with_job(
    harness: Harness, scenario_state: Scenario, title: str, department: str, mobile: str
) -> None:
    """The tutorials' test user, with attributes the mapping table sends (a prerequisite)."""
    person = b_simon(DEMO_PASSWORD)
    person.properties.update(jobTitle=title, department=department, mobilePhone=mobile)
    created = harness.admin.create_user(person.password, **person.properties)
    scenario_state.people[person.key] = person
    scenario_state.user_ids[person.key] = created["id"]


@given(parsers.parse('the tenant also has the user "{name}"'))
def another_user(harness: Harness, scenario_state: Scenario, name: str) -> None:
    upn = f"{name}@contoso.com"
    person = Person(
        name, DEMO_PASSWORD, {"displayName": name, "userPrincipalName": upn, "mail": upn}
    )
    created = harness.admin.create_user(person.password, **person.properties)
    scenario_state.people[name] = person
    scenario_state.user_ids[name] = created["id"]


# --- at the vendor: Directory Integration (tutorials 001/003 step 2) -------------------------


@when(parsers.parse('selects "{option}" under "{label}" and selects "{button}"'))
def choose_provider(entra_page: Any, option: str, label: str, button: str) -> None:
    entra_page.get_by_label(label).select_option(label=option)
    entra_page.get_by_role("button", name=button).click()
    entra_page.locator("#notice, #error").first.wait_for()
    _no_error(entra_page)


@when(parsers.parse("notes the {label} that {app} support provides"))
def note_token(
    entra_page: Any, harness: Harness, scenario_state: Scenario, label: str, app: str
) -> None:
    """The tutorial: contact RingCentral support for the token; the console shows what they send."""
    token = entra_page.get_by_label(label).input_value()
    assert token, f"{app} shows no {label}"
    scenario_state.notes["secret_token"] = token


@when(parsers.parse('the {app} application\'s manifest gets the app role "{role}"'))
def manifest_app_role(harness: Harness, scenario_state: Scenario, app: str, role: str) -> None:
    """Tutorial 001 step 4: "update the application manifest to add more roles" (the manifest
    editor writes the application's appRoles, as Graph does)."""
    handle = scenario_state.app(app)
    harness.http.patch(
        f"https://graph.microsoft.com/v1.0/applications/{handle.app_id}",
        headers=harness.admin.headers,
        json={"appRoles": [{"displayName": role, "value": role, "allowedMemberTypes": ["User"]}]},
    ).raise_for_status()


# --- in the admin center: Provisioning (step 5) -----------------------------------------------


@when(parsers.parse('opens Provisioning of "{app}" and selects Get started'))
def open_provisioning(entra_page: Any, scenario_state: Scenario, app: str) -> None:
    """Enterprise applications > All applications > <app> > Provisioning."""
    page = entra_page
    page.goto(f"{CENTER}/enterprise-apps")
    page.get_by_role("link", name=app, exact=True).first.click()
    page.get_by_role("link", name="Provisioning", exact=True).click()
    page.get_by_role("link", name="Get started").click()


@when(parsers.parse('sets Provisioning Mode to "{mode}"'))
def provisioning_mode(entra_page: Any, mode: str) -> None:
    entra_page.get_by_label("Provisioning Mode").select_option(mode)
    entra_page.get_by_role("region", name="Admin Credentials").wait_for()


@when(parsers.parse('enters the Tenant URL "{url}" and the noted token as Secret Token'))
def admin_credentials(entra_page: Any, scenario_state: Scenario, url: str) -> None:
    section = entra_page.get_by_role("region", name="Admin Credentials")
    section.get_by_label("Tenant URL").fill(url)
    section.get_by_label("Secret Token").fill(scenario_state.notes["secret_token"])


@when("selects Test Connection")
def test_connection(entra_page: Any) -> None:
    entra_page.get_by_role("button", name="Test Connection").click()
    entra_page.locator("#notice, #error").first.wait_for()


@then(parsers.parse('the Provisioning page reports "{text}"'))
def provisioning_reports(entra_page: Any, text: str) -> None:
    _no_error(entra_page)
    notice = entra_page.locator("#notice").text_content()
    assert text in notice, notice


@when(parsers.parse('enters "{email}" as Notification Email and checks "{label}"'))
def notification(entra_page: Any, email: str, label: str) -> None:
    entra_page.get_by_label("Notification Email").fill(email)
    entra_page.get_by_label(label).check()


@when("selects Save on the Provisioning page")
def save_provisioning(entra_page: Any) -> None:
    entra_page.get_by_role("button", name="Save").click()
    entra_page.locator("#notice, #error").first.wait_for()
    _no_error(entra_page)


@when(parsers.parse('under Mappings opens "{name}"'))
def open_mapping(entra_page: Any, name: str) -> None:
    entra_page.get_by_role("region", name="Mappings").get_by_role("link", name=name).click()


@then(
    parsers.parse('the Attribute Mapping page lists these attributes, "{target}" matching first:')
)
def mapping_table(entra_page: Any, target: str, datatable: list[list[str]]) -> None:
    """The tutorial's table (Attribute, Type) against the page's, row by row."""
    rows = entra_page.locator("#attribute-mappings tr[data-target]")
    shown = [
        [
            rows.nth(i).locator("td").nth(1).text_content(),
            rows.nth(i).locator("td").nth(2).text_content(),
        ]
        for i in range(rows.count())
    ]
    assert shown == datatable[1:], shown
    precedence = entra_page.locator("#matching-precedence").text_content()
    assert precedence.endswith(f": 1. {target}"), precedence


@when("saves the attribute mappings and returns to Provisioning")
def save_mappings(entra_page: Any) -> None:
    entra_page.get_by_role("button", name="Save").click()
    entra_page.locator("#notice").wait_for()
    entra_page.get_by_role("link", name="Back to Provisioning").click()


@when(parsers.parse('sets Provisioning Status to "{state}"'))
def provisioning_status(entra_page: Any, state: str) -> None:
    entra_page.get_by_role("group", name="Provisioning Status").get_by_label(state).check()


@when(parsers.parse('sets Scope to "{scope}"'))
def scope(entra_page: Any, scope: str) -> None:
    entra_page.get_by_label("Scope", exact=True).select_option(label=scope)


@when(parsers.parse('sets "{label}" to "{choice}"'))
def choose(entra_page: Any, label: str, choice: str) -> None:
    entra_page.get_by_label(label).select_option(label=choice)


@when("the provisioning service runs the cycle that is due")
def run_due_cycle(harness: Harness, scenario_state: Scenario) -> None:
    """Provisioning Status On made the initial cycle due now on the harness clock."""
    cycles = harness.http.post(RUN_DUE).json()["cycles"]
    assert len(cycles) == 1, cycles
    scenario_state.notes["cycle"] = cycles[0]


@then(
    parsers.parse(
        "the Provisioning overview shows the {kind} cycle completed, "
        "{processed:d} of {total:d} objects processed"
    )
)
def overview_shows(entra_page: Any, kind: str, processed: int, total: int) -> None:
    entra_page.get_by_role("link", name="Back to Overview").click()
    assert entra_page.locator("#cycle-status").text_content() == f"{kind} cycle completed."
    counts = entra_page.locator("#cycle-counts").text_content()
    assert counts == f"{processed} of {total} objects processed (100% complete)", counts
    assert entra_page.locator("#provisioning-status").text_content() == "On"


@then(parsers.parse('{app}\'s users page lists "{email}" as active'))
def vendor_users_page(entra_page: Any, harness: Harness, app: str, email: str) -> None:
    host = harness.gallery_app(app).sso.console_host
    open_console_page(entra_page, host, harness.console_admin(app))
    entra_page.get_by_role("link", name="Users", exact=True).click()
    row = entra_page.locator("#people tr", has_text=email)
    assert row.count() == 1, entra_page.locator("#people").text_content()
    assert row.locator("td").last.text_content() == "yes"


@then(parsers.parse("{app}'s SCIM store holds {name} with these attributes:"))
def scim_store(
    harness: Harness, scenario_state: Scenario, app: str, name: str, datatable: list[list[str]]
) -> None:
    """What RingCentral stored from the POST, by SCIM path (tutorial 001's mapping table)."""
    host = harness.gallery_app(app).scim_profile
    assert host is not None
    stored = harness.http.get(f"https://{host.host}/_mock/scim/User").json()["Resources"]
    upn = scenario_state.person(name).upn
    user = next((u for u in stored if u["userName"].lower() == upn.lower()), None)
    assert user is not None, [u["userName"] for u in stored]
    for path, expected in datatable[1:]:
        assert _read(user, path) == expected, (path, user)


def _read(resource: dict[str, Any], path: str) -> str:
    """A SCIM path of the table: `name.givenName`, `emails[type eq "work"].value`, `urn:…:department`."""
    if path.startswith("urn:"):
        schema, _, attribute = path.rpartition(":")
        return str(resource.get(schema, {}).get(attribute))
    head, _, rest = path.partition(".")
    if "[" in head:
        attribute, _, condition = head.partition("[")
        wanted = condition.split('"')[1]
        typed: dict[str, Any] = next(
            (v for v in resource.get(attribute, []) if v.get("type") == wanted), {}
        )
        return str(typed.get(rest))
    value = resource.get(head)
    if rest:
        value = (value or {}).get(rest)
    return str(value)


@then(parsers.parse('the Provisioning logs page shows a successful {action} of "{identity}"'))
def logs_show_success(
    entra_page: Any, harness: Harness, scenario_state: Scenario, action: str, identity: str
) -> None:
    row = _log_row(entra_page, scenario_state, identity)
    assert row.get_attribute("data-action") == action
    assert row.get_attribute("data-status") == "success"
    row.get_by_role("link").click()
    steps = entra_page.get_by_role("region", name="Steps").locator("ol > li")
    assert steps.count() >= 3
    assert entra_page.locator("#action").text_content() == action
    assert "userName" in entra_page.get_by_role("region", name="Modified Properties").text_content()


@then(
    parsers.parse(
        'the Provisioning logs page shows "{identity}" skipped as not effectively entitled'
    )
)
def logs_show_skipped(entra_page: Any, scenario_state: Scenario, identity: str) -> None:
    row = _log_row(entra_page, scenario_state, identity)
    assert row.get_attribute("data-status") == "skipped"
    assert "not effectively entitled" in row.text_content()


def _log_row(page: Any, scenario_state: Scenario, identity: str) -> Any:
    app = next(iter(scenario_state.apps.values()))
    page.goto(f"{CENTER}/enterprise-apps/{app.app_id}")
    page.get_by_role("link", name="Provisioning logs", exact=True).click()
    rows = page.locator("#provisioning-logs tr[data-status]", has_text=identity)
    assert rows.count() == 1, page.locator("#provisioning-logs").text_content()
    return rows.first


@then(parsers.parse('{app}\'s SCIM store has no user "{user_name}"'))
def scim_store_lacks(harness: Harness, app: str, user_name: str) -> None:
    profile = harness.gallery_app(app).scim_profile
    assert profile is not None
    stored = harness.http.get(f"https://{profile.host}/_mock/scim/User").json()["Resources"]
    assert user_name.lower() not in [u["userName"].lower() for u in stored]
