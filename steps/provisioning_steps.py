"""Provisioning steps, written once for every gallery app: the vendor named in a step is data."""
# Tutorials 001 / 003 (set-up, mappings, scope, cycles, logs, progress, quarantine) and
# ENTRA-BEHAVIOUR §8 (what goes on the wire) / §9 (what each vendor's endpoint keeps).

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import pytest
from lxml import html
from pytest_bdd import given, parsers, then, when

from harness.clients.http_browser import HttpBrowser, forms_of
from harness.clients.people import b_simon, faker_people
from harness.clients.provisioning_admin import JobHandle, ProvisioningAdmin
from harness.clients.scim_paths import kept_by, read_target, written_values
from harness.clients.scim_view import ScimView
from harness.clients.session import DEMO_PASSWORD, Harness
from mock_idp.provisioning.service import ProvisioningService

from .world import Scenario

DEFAULT_ACCESS = "Default Access"
JOIN = re.compile(r'Join\("([^"]*)",\s*((?:\[\w+\],?\s*)+)\)')
# Graph user properties a mapping's source attribute is read from, where the names differ.
GRAPH_PROPERTY = {"mobile": "mobilePhone", "facsimileTelephoneNumber": "faxNumber"}
# The two Default Access rules of ENTRA-BEHAVIOUR §8, as the job setting names them.
DEFAULT_ACCESS_RULES = {"2019": "not_entitled", "current": "entitled"}


@dataclass
class ProvisioningWorld:
    """One scenario's provisioning jobs (by app name) and what the steps observed."""

    admin: ProvisioningAdmin
    jobs: dict[str, JobHandle] = field(default_factory=dict)
    generated: list[str] = field(default_factory=list)
    # Per app: the vendor's request log position before the last cycles ran.
    marks: dict[str, int] = field(default_factory=dict)
    cycles: list[dict[str, Any]] = field(default_factory=list)
    connection: httpx.Response | None = None
    progress_seen: list[dict[str, Any]] = field(default_factory=list)
    landing: httpx.Response | None = None

    def job(self, app: str) -> JobHandle:
        try:
            return self.jobs[app]
        except KeyError:
            raise LookupError(f"{app} is not set up for provisioning in this scenario") from None


@pytest.fixture
def provisioning(harness: Harness) -> ProvisioningWorld:
    return ProvisioningWorld(ProvisioningAdmin(harness.http, harness.admin.headers))


def scim(harness: Harness, app: str) -> ScimView:
    profile = harness.gallery_app(app).scim_profile
    if profile is None:
        raise LookupError(f"{app}'s gallery entry has no SCIM endpoint")
    return ScimView(harness.http, profile.host)


def graph(harness: Harness, method: str, path: str, body: Any = None) -> Any:
    """A Graph call of the tenant's admin that must succeed (users, assignments, app roles)."""
    return ProvisioningAdmin(harness.http, harness.admin.headers).call(method, path, body)


def graph_user(harness: Harness, user_id: str) -> dict[str, Any]:
    return dict(graph(harness, "GET", f"/users/{user_id}"))


def mark(harness: Harness, world: ProvisioningWorld) -> None:
    """Remember where each vendor's request log stands, so Then steps read what came after."""
    for app in world.jobs:
        requests = scim(harness, app).requests()
        world.marks[app] = requests[-1]["seq"] if requests else 0


def since_mark(harness: Harness, world: ProvisioningWorld, app: str) -> list[dict[str, Any]]:
    return scim(harness, app).requests(world.marks.get(app, 0))


def writes(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in requests if r["method"] in ("POST", "PUT", "PATCH", "DELETE")]


def run_cycles(harness: Harness, world: ProvisioningWorld) -> list[dict[str, Any]]:
    mark(harness, world)
    world.cycles = world.admin.run_due()
    return world.cycles


def person_id(scenario_state: Scenario, name: str) -> str:
    try:
        return scenario_state.user_ids[name]
    except KeyError:
        raise LookupError(f"no user {name!r} in this scenario") from None


def vendor_user(harness: Harness, scenario_state: Scenario, app: str, name: str) -> Any:
    return scim(harness, app).user(scenario_state.person(name).upn)


def assignments_of(harness: Harness, scenario_state: Scenario, app: str) -> list[dict[str, Any]]:
    sp = scenario_state.app(app).service_principal_id
    return list(graph(harness, "GET", f"/servicePrincipals/{sp}/appRoleAssignedTo")["value"])


# --- people -------------------------------------------------------------------------------


@given(parsers.parse("the tenant has the user B.Simon with this profile:"))
def b_simon_with_profile(
    harness: Harness, scenario_state: Scenario, datatable: list[list[str]]
) -> None:
    """B.Simon with the attributes tutorial 001's mapping table reads (Graph property names)."""
    person = b_simon(DEMO_PASSWORD)
    for name, value in datatable:
        person.properties[name] = [value] if name == "businessPhones" else value
    created = harness.admin.create_user(person.password, **person.properties)
    scenario_state.people[person.key] = person
    scenario_state.user_ids[person.key] = created["id"]


@given(parsers.parse("the tenant has {count:d} generated people"))
def generated_people(
    harness: Harness, scenario_state: Scenario, provisioning: ProvisioningWorld, count: int
) -> None:
    """Seeded Faker people: the same names, departments and titles on every run."""
    for person in faker_people(count):
        created = harness.admin.create_user(person.password, **person.properties)
        scenario_state.people[person.key] = person
        scenario_state.user_ids[person.key] = created["id"]
        provisioning.generated.append(person.key)


@given(parsers.parse("{name} reports to the first generated person"))
def reports_to(
    harness: Harness, scenario_state: Scenario, provisioning: ProvisioningWorld, name: str
) -> None:
    manager = person_id(scenario_state, provisioning.generated[0])
    graph(
        harness,
        "PUT",
        f"/users/{person_id(scenario_state, name)}/manager/$ref",
        {"@odata.id": f"https://graph.microsoft.com/v1.0/users/{manager}"},
    )


# --- the app and its provisioning job ---------------------------------------------------------


def ensure_app(harness: Harness, scenario_state: Scenario, app: str) -> None:
    if app not in scenario_state.apps:
        scenario_state.apps[app] = harness.admin.add_gallery_app(app)


def vendor_credentials(harness: Harness, app: str) -> tuple[str, str]:
    """The tenant URL the tutorial gives and the secret token the vendor's support hands out."""
    vendor = harness.stack.vendors[harness.gallery_app(app).key]
    if vendor.scim is None:
        raise LookupError(f"{app} has no SCIM endpoint")
    return vendor.scim.base_url, vendor.scim.token


@given(parsers.parse("{app} is added from the gallery for provisioning"))
def added_for_provisioning(
    harness: Harness, scenario_state: Scenario, provisioning: ProvisioningWorld, app: str
) -> None:
    """Tutorial 001 steps 3-4: the gallery app, Provisioning Mode Automatic."""
    ensure_app(harness, scenario_state, app)
    provisioning.jobs[app] = provisioning.admin.create_job(scenario_state.app(app))


def set_up(
    harness: Harness,
    scenario_state: Scenario,
    provisioning: ProvisioningWorld,
    app: str,
    flag: bool = False,
    email: str | None = None,
) -> None:
    """Tutorial 001 steps 3-13: Automatic, Admin Credentials, notification email, Status On."""
    added_for_provisioning(harness, scenario_state, provisioning, app)
    job = provisioning.jobs[app]
    url, token = vendor_credentials(harness, app)
    provisioning.admin.save_credentials(job, url + ("?aadOptscim062020" if flag else ""), token)
    if email:
        provisioning.admin.save_notification(job, email)
    provisioning.admin.start(job)


@given(parsers.parse("{app} is set up for automatic provisioning"))
def set_up_default(
    harness: Harness, scenario_state: Scenario, provisioning: ProvisioningWorld, app: str
) -> None:
    set_up(harness, scenario_state, provisioning, app)


@given(
    parsers.parse(
        "{app} is set up for automatic provisioning with the tenant URL flag aadOptscim062020"
    )
)
def set_up_flag(
    harness: Harness, scenario_state: Scenario, provisioning: ProvisioningWorld, app: str
) -> None:
    set_up(harness, scenario_state, provisioning, app, flag=True)


@given(
    parsers.parse(
        '{app} is set up for automatic provisioning with the notification email "{email}"'
    )
)
def set_up_notified(
    harness: Harness,
    scenario_state: Scenario,
    provisioning: ProvisioningWorld,
    app: str,
    email: str,
) -> None:
    set_up(harness, scenario_state, provisioning, app, email=email)


@given(parsers.parse('the Tenant URL of {app} was saved as "{url}"'))
def mistyped_url(provisioning: ProvisioningWorld, app: str, url: str) -> None:
    provisioning.admin.save_secrets(provisioning.job(app), BaseAddress=url)


@given(parsers.parse('the Secret Token of {app} was saved as "{token}"'))
def wrong_token(provisioning: ProvisioningWorld, app: str, token: str) -> None:
    provisioning.admin.save_secrets(provisioning.job(app), SecretToken=token)


@given(parsers.parse('{app} has the app role "{role}"'))
def app_role(harness: Harness, scenario_state: Scenario, app: str, role: str) -> None:
    """App registration > App roles (tutorial 001: "update the application manifest")."""
    handle = scenario_state.app(app)
    roles = harness.admin.service_principal(handle)["appRoles"]
    roles.append({"displayName": role, "value": role.lower().replace(" ", "_")})
    graph(harness, "PATCH", f"/applications/{handle.application_id}", {"appRoles": roles})


@given(parsers.parse('the admin assigns {name} to {app} with the role "{role}"'))
def assign_with_role(
    harness: Harness, scenario_state: Scenario, name: str, app: str, role: str
) -> None:
    handle = scenario_state.app(app)
    roles = harness.admin.service_principal(handle)["appRoles"]
    chosen = next((r for r in roles if r["displayName"] == role), None)
    assert chosen is not None, (
        f"{app} has no app role {role!r}: {[r['displayName'] for r in roles]}"
    )
    harness.admin.assign(handle, person_id(scenario_state, name), chosen["id"])


@given(parsers.parse("{name} and the generated people are assigned to {app}"))
def assign_with_generated(
    harness: Harness,
    scenario_state: Scenario,
    provisioning: ProvisioningWorld,
    name: str,
    app: str,
) -> None:
    harness.admin.assign(scenario_state.app(app), person_id(scenario_state, name))
    assign_generated(harness, scenario_state, provisioning, app)


@given(parsers.parse("the generated people are assigned to {app}"))
def assign_generated(
    harness: Harness, scenario_state: Scenario, provisioning: ProvisioningWorld, app: str
) -> None:
    for key in provisioning.generated:
        harness.admin.assign(scenario_state.app(app), person_id(scenario_state, key))


@given(parsers.parse("the provisioning job of {app} follows the {rule} Default Access rule"))
def default_access_rule(provisioning: ProvisioningWorld, app: str, rule: str) -> None:
    provisioning.admin.settings(provisioning.job(app), default_access=DEFAULT_ACCESS_RULES[rule])


@given(parsers.parse('the user scoping filter of {app} is "{attribute} {operator} {value}"'))
def scoping_filter(
    provisioning: ProvisioningWorld, app: str, attribute: str, operator: str, value: str
) -> None:
    """Mappings > Users > Source Object Scope: one filter of one clause."""
    job = provisioning.job(app)
    mapping = provisioning.admin.user_mapping(job)
    clause = {
        "sourceOperandName": attribute,
        "operatorName": operator,
        "targetOperand": {"values": [value]},
    }
    mapping["scope"]["groups"] = [{"name": f"{attribute} {operator} {value}", "clauses": [clause]}]
    provisioning.admin.save_user_mapping(job, mapping)


@given(parsers.parse("{app}'s usage-plan rate limits are enforced"))
def rate_limits_on(harness: Harness, app: str) -> None:
    assert scim(harness, app).rate_limits(True)["enforced"] is True


# --- running ------------------------------------------------------------------------------------


@given("the initial provisioning cycle has run")
def initial_cycle_ran(harness: Harness, provisioning: ProvisioningWorld) -> None:
    cycles = run_cycles(harness, provisioning)
    assert cycles and all(c["kind"] == "Initial" for c in cycles), cycles
    assert all(c["state"] == "Succeeded" for c in cycles), cycles


@when("the provisioning cycle runs")
def cycle_runs(harness: Harness, provisioning: ProvisioningWorld) -> None:
    run_cycles(harness, provisioning)


@when(parsers.parse("{minutes:d} minutes pass"))
def minutes_pass(harness: Harness, provisioning: ProvisioningWorld, minutes: int) -> None:
    """The harness clock moves on; the service runs whatever cycles fell due meanwhile."""
    mark(harness, provisioning)
    harness.clock(advance_seconds=minutes * 60)
    provisioning.cycles = provisioning.admin.run_due()


@when(parsers.parse("a day passes"))
def a_day_passes(harness: Harness, provisioning: ProvisioningWorld) -> None:
    minutes_pass(harness, provisioning, 24 * 60)


@when(parsers.parse("the provisioning cycle runs while {app}'s usage plan holds it back"))
def cycle_held_back(harness: Harness, provisioning: ProvisioningWorld, app: str) -> None:
    """The vendor answers 429 with Retry-After; while the service waits (on the harness clock,
    not in real time) the admin looks at the job's progress on the Provisioning page."""
    job = provisioning.job(app)

    def wait(seconds: float) -> None:
        provisioning.progress_seen.append(provisioning.admin.job(job)["harness"]["progress"])
        harness.stack.clock.advance(timedelta(seconds=seconds))

    service = ProvisioningService(harness.stack.tenant, sleep=wait)
    mark(harness, provisioning)
    summary = service.run_cycle(service.job(job.job_id))
    assert summary is not None
    provisioning.cycles = [summary.as_json()]


@when(parsers.parse('{name}\'s {property} changes to "{value}" in the tenant'))
def property_changes(
    harness: Harness, scenario_state: Scenario, name: str, property: str, value: str
) -> None:
    graph(harness, "PATCH", f"/users/{person_id(scenario_state, name)}", {property: value})


@when(parsers.parse("{name} is unassigned from {app}"))
def unassigned(harness: Harness, scenario_state: Scenario, name: str, app: str) -> None:
    sp = scenario_state.app(app).service_principal_id
    user = person_id(scenario_state, name)
    for assignment in assignments_of(harness, scenario_state, app):
        if assignment["principalId"] == user:
            graph(
                harness, "DELETE", f"/servicePrincipals/{sp}/appRoleAssignedTo/{assignment['id']}"
            )


@when(parsers.parse("{name} is deleted from the tenant for good"))
def hard_deleted(harness: Harness, scenario_state: Scenario, name: str) -> None:
    """Delete, then Deleted users > Delete permanently (ENTRA-BEHAVIOUR §8: DELETE only then)."""
    user = person_id(scenario_state, name)
    graph(harness, "DELETE", f"/users/{user}")
    graph(harness, "DELETE", f"/directory/deletedItems/{user}")


@when(parsers.parse("the admin turns Provisioning Status Off for {app}"))
def provisioning_off(provisioning: ProvisioningWorld, app: str) -> None:
    provisioning.admin.pause(provisioning.job(app))


@when(parsers.parse("the admin tests the connection to {app} with its Tenant URL and Secret Token"))
def test_connection_good(harness: Harness, provisioning: ProvisioningWorld, app: str) -> None:
    mark(harness, provisioning)
    url, token = vendor_credentials(harness, app)
    provisioning.connection = provisioning.admin.test_connection(provisioning.job(app), url, token)


@when(parsers.parse('the admin tests the connection to {app} with the Secret Token "{token}"'))
def test_connection_token(
    harness: Harness, provisioning: ProvisioningWorld, app: str, token: str
) -> None:
    mark(harness, provisioning)
    url, _ = vendor_credentials(harness, app)
    provisioning.connection = provisioning.admin.test_connection(provisioning.job(app), url, token)


# --- Test Connection ---------------------------------------------------------------------------


@then(parsers.parse("Test Connection to {app} succeeds"))
def connection_succeeds(provisioning: ProvisioningWorld, app: str) -> None:
    response = provisioning.connection
    assert response is not None
    assert response.status_code == 204, f"Test Connection to {app} failed: {response.text}"


@then(parsers.parse('Test Connection to {app} fails with "{message}"'))
def connection_fails(provisioning: ProvisioningWorld, app: str, message: str) -> None:
    response = provisioning.connection
    assert response is not None
    assert response.status_code == 400, f"Test Connection to {app} answered {response.status_code}"
    shown = response.json()["error"]["message"]
    assert shown.startswith(message), f"the admin center shows {shown!r}"


@then(parsers.parse("{app} was only asked for objects that cannot exist"))
def only_random_queries(harness: Harness, provisioning: ProvisioningWorld, app: str) -> None:
    """The probe is a filter on a random GUID and must find nothing (ENTRA-BEHAVIOUR §8)."""
    received = since_mark(harness, provisioning, app)
    assert received, f"{app} received no request"
    for entry in received:
        query = httpx.URL(entry["url"]).params.get("filter", "")
        assert entry["method"] == "GET", f"{app} received {entry['method']} {entry['url']}"
        attribute, _, quoted = query.partition(" eq ")
        guid = quoted.strip('"')
        assert attribute in ("userName", "displayName") and len(guid) == 36 and guid.count("-") == 4
        assert entry["status"] == 200 and entry["response"]["body"]["totalResults"] == 0


@then(parsers.parse("nothing was provisioned to {app}"))
def nothing_provisioned(harness: Harness, provisioning: ProvisioningWorld, app: str) -> None:
    view = scim(harness, app)
    assert view.stored() == [], f"{app} holds {[u['userName'] for u in view.stored()]}"
    written = writes(view.requests())
    assert not written, f"{app} received {[(w['method'], w['url']) for w in written]}"


# --- what the vendor holds ------------------------------------------------------------------


@then(parsers.parse("{app} holds {count:d} users"))
def holds_users(harness: Harness, app: str, count: int) -> None:
    stored = scim(harness, app).stored()
    assert len(stored) == count, f"{app} holds {sorted(u['userName'] for u in stored)}"


def expected_value(
    harness: Harness, app: str, user: dict[str, Any], mapping: dict[str, Any]
) -> Any:
    """What Entra should have written for one mapping, read from the tenant through Graph."""
    source = mapping["source"]
    if source["type"] == "Constant":
        return source["name"]
    if source["type"] == "Function":
        if mapping["targetAttributeName"] == "active":
            # Switch([IsSoftDeleted], , "False", "True", "True", "False"): enabled → true.
            return bool(user["accountEnabled"])
        joined = JOIN.fullmatch(source["expression"].strip())
        if joined:
            # Join(separator, [a], [b], …): the non-empty values joined (the default mapping of
            # name.formatted, which gallery tutorials list: issue 18).
            names = re.findall(r"\[(\w+)\]", joined.group(2))
            values = [user.get(GRAPH_PROPERTY.get(n, n)) for n in names]
            return joined.group(1).join(str(v) for v in values if v) or None
        raise NotImplementedError(f"no check for the expression {source['expression']}")
    name = source["name"]
    if name == "mailNickname":  # the admin center fills it with the UPN's prefix
        return user["userPrincipalName"].split("@", 1)[0]
    if name == "telephoneNumber":
        return (user.get("businessPhones") or [None])[0]
    if name == "manager":
        if not user.get("manager"):
            return None
        boss = graph_user(harness, user["manager"])
        found = scim(harness, app).user(boss["userPrincipalName"])
        assert found is not None, f"the manager {boss['userPrincipalName']} is not at {app}"
        return found["id"]
    return user.get(GRAPH_PROPERTY.get(name, name))


@then(parsers.parse("every attribute mapped to {app} arrived for each of them"))
def every_mapped_attribute(
    harness: Harness, scenario_state: Scenario, provisioning: ProvisioningWorld, app: str
) -> None:
    """Each mapping of the job's schema (the gallery's defaults), for each assigned person:
    a value at the vendor equal to the tenant's, or none when the tenant has none (nulls are
    never sent). An attribute the vendor's SCIM schema does not keep (§9) is checked on the
    wire instead."""
    mappings = [
        m
        for m in provisioning.admin.user_mapping(provisioning.job(app))["attributeMappings"]
        if m["source"]
    ]
    profile = harness.gallery_app(app).scim_profile
    assert profile is not None
    view = scim(harness, app)
    requests = view.requests()
    problems = []
    checked = 0
    for name, user_id in scenario_state.user_ids.items():
        user = graph_user(harness, user_id)
        stored = view.user(user["userPrincipalName"])
        assert stored is not None, f"{name} is not at {app}"
        for mapping in mappings:
            target = mapping["targetAttributeName"]
            expected = expected_value(harness, app, user, mapping)
            if kept_by(profile, target):
                actual = read_target(stored, target)
                where = "stored"
            else:
                sent = written_values(requests, stored["id"], user["userPrincipalName"], target)
                actual = sent[-1] if sent else None
                where = "sent (not kept by the vendor)"
            checked += 1
            if actual != expected:
                problems.append(f"{name}: {target} {where} {actual!r}, expected {expected!r}")
    assert not problems, f"{app}:\n" + "\n".join(problems)
    assert checked == len(mappings) * len(scenario_state.user_ids)


@then(parsers.parse("{name} is at {app}, {state}"))
def is_at(harness: Harness, scenario_state: Scenario, name: str, app: str, state: str) -> None:
    found = vendor_user(harness, scenario_state, app, name)
    assert found is not None, f"{name} is not at {app}"
    assert state in ("active", "inactive")
    assert found["active"] is (state == "active"), f"{name} at {app}: active={found['active']!r}"


@then(parsers.parse("{name} is not at {app}"))
def is_not_at(harness: Harness, scenario_state: Scenario, name: str, app: str) -> None:
    found = vendor_user(harness, scenario_state, app, name)
    assert found is None, f"{name} is at {app} (active={found['active']!r})"


@then(parsers.parse('exactly the generated people in department "{department}" are at {app}'))
def exactly_department(
    harness: Harness,
    scenario_state: Scenario,
    provisioning: ProvisioningWorld,
    department: str,
    app: str,
) -> None:
    wanted = {
        scenario_state.person(k).upn.lower()
        for k in provisioning.generated
        if scenario_state.person(k).properties.get("department") == department
    }
    assert wanted, f"no generated person is in {department}; the scenario proves nothing"
    stored = {u["userName"].lower() for u in scim(harness, app).stored()}
    assert stored == wanted


# --- what went on the wire ----------------------------------------------------------------


@then(parsers.parse("the cycle sent {app} one PATCH for {name}:"))
def one_patch(
    harness: Harness,
    scenario_state: Scenario,
    provisioning: ProvisioningWorld,
    app: str,
    name: str,
    docstring: str,
) -> None:
    expected = json.loads(docstring)
    found = vendor_user(harness, scenario_state, app, name)
    assert found is not None, f"{name} is not at {app}"
    sent = writes(since_mark(harness, provisioning, app))
    described = [(w["method"], w["url"].rsplit("/", 2)[-2:], w["request"]["body"]) for w in sent]
    assert len(sent) == 1, f"{app} received {len(sent)} writes: {described}"
    write = sent[0]
    assert (write["method"], write["url"].rsplit("/", 1)[-1]) == ("PATCH", found["id"]), described
    body = write["request"]["body"]
    assert body == expected, (
        f"{app} received\n{json.dumps(body)}\nbut Entra sends\n{json.dumps(expected)}"
    )
    assert write["status"] in (200, 204), f"{app} answered {write['status']}"


@then(parsers.parse("{app} received no DELETE"))
def no_delete(harness: Harness, app: str) -> None:
    deletes = [r["url"] for r in scim(harness, app).requests() if r["method"] == "DELETE"]
    assert not deletes, f"{app} received DELETE {deletes}"


@then(parsers.parse("the cycle sent {app} a DELETE for {name}, after which {name} is {outcome}"))
def deleted_per_gallery(
    harness: Harness,
    scenario_state: Scenario,
    provisioning: ProvisioningWorld,
    app: str,
    name: str,
    outcome: str,
) -> None:
    """DELETE on hard delete (§8); what it does is the vendor's (8x8 deactivates, §9)."""
    deletes = [r for r in since_mark(harness, provisioning, app) if r["method"] == "DELETE"]
    assert len(deletes) == 1 and deletes[0]["status"] == 204, deletes
    profile = harness.gallery_app(app).scim_profile
    assert profile is not None
    says = "kept, inactive" if profile.delete == "deactivate" else "gone"
    assert outcome == says, f"{app}'s gallery entry says a DELETE leaves the user {says}"
    found = vendor_user(harness, scenario_state, app, name)
    if outcome == "gone":
        assert found is None, f"{name} is still at {app}"
    else:
        assert found is not None and found["active"] is False, found


# --- logs, audit, quarantine, progress ------------------------------------------------------


def entries_for(
    provisioning: ProvisioningWorld, app: str, scenario_state: Scenario, name: str
) -> list[dict[str, Any]]:
    user = person_id(scenario_state, name)
    return [
        e
        for e in provisioning.admin.logs(provisioning.job(app))
        if e["sourceIdentity"]["id"] == user
    ]


@then(parsers.parse("the provisioning logs of {app} show for {name}:"))
def logs_show(
    provisioning: ProvisioningWorld,
    scenario_state: Scenario,
    app: str,
    name: str,
    datatable: list[list[str]],
) -> None:
    """Rows: action, status, and the modified properties as `name: old → new` (old may be
    empty); only the properties named are checked."""
    header, *rows = datatable
    assert header == ["action", "status", "modified properties"], header
    entries = entries_for(provisioning, app, scenario_state, name)
    shown = [(e["provisioningAction"], e["provisioningStatusInfo"]["status"]) for e in entries]
    assert shown == [(r[0], r[1]) for r in rows], f"the logs show {shown}"
    for (_, _, wanted), entry in zip(rows, entries, strict=True):
        modified = {
            m["displayName"]: (m["oldValue"], m["newValue"]) for m in entry["modifiedProperties"]
        }
        for item in filter(None, (w.strip() for w in wanted.split(";"))):
            prop, _, change = item.partition(":")
            old, _, new = change.partition("→")
            expected = (old.strip() or None, new.strip())
            assert modified.get(prop.strip()) == expected, (
                f"{entry['provisioningAction']} of {name}: {prop.strip()} is "
                f"{modified.get(prop.strip())}, expected {expected}"
            )
        assert entry["targetIdentity"]["id"], "the entry does not name the vendor's id"


@then(parsers.parse("the provisioning logs of {app} show {name} skipped as {reason}"))
def logs_skipped(
    provisioning: ProvisioningWorld, scenario_state: Scenario, app: str, name: str, reason: str
) -> None:
    entries = entries_for(provisioning, app, scenario_state, name)
    assert entries, f"no provisioning log entry for {name}"
    status = entries[-1]["provisioningStatusInfo"]
    assert status["status"] == "skipped", status
    assert reason in status["errorInformation"]["reason"], status["errorInformation"]


@then(parsers.parse("the provisioning logs of {app} show the others skipped by the scoping filter"))
def others_out_of_scope(
    provisioning: ProvisioningWorld, scenario_state: Scenario, app: str
) -> None:
    logs = provisioning.admin.logs(provisioning.job(app))
    for key in provisioning.generated:
        person = scenario_state.person(key)
        if person.properties.get("department") == "Sales":
            continue
        entry = next(e for e in logs if e["sourceIdentity"]["id"] == scenario_state.user_ids[key])
        scoping = next(
            s for s in entry["provisioningSteps"] if s["provisioningStepType"] == "scoping"
        )
        assert entry["provisioningStatusInfo"]["status"] == "skipped", entry[
            "provisioningStatusInfo"
        ]
        assert scoping["details"]["ScopeEvaluationResult"] == "ScopingFilter", scoping


@then(parsers.parse('the audit log has "{activity}" for {app} with {change}'))
def audit_entry(
    provisioning: ProvisioningWorld, scenario_state: Scenario, activity: str, app: str, change: str
) -> None:
    """`change` is `Property: old → new`."""
    prop, _, values = change.partition(":")
    old, _, new = values.partition("→")
    sp = scenario_state.app(app).service_principal_id
    found = [
        a
        for a in provisioning.admin.audits()
        if a["activityDisplayName"] == activity
        and any(r.get("id") == sp for r in a["targetResources"])
    ]
    assert found, f"no audit entry {activity!r} for {app}"
    modified = {
        p["displayName"]: (p["oldValue"], p["newValue"])
        for r in found[-1]["targetResources"]
        for p in r.get("modifiedProperties", [])
    }
    assert modified.get(prop.strip()) == (old.strip(), new.strip()), modified


@then(parsers.parse('the provisioning job of {app} is in quarantine because of "{code}"'))
def in_quarantine(provisioning: ProvisioningWorld, app: str, code: str) -> None:
    status = provisioning.admin.job(provisioning.job(app))["status"]
    assert status["code"] == "Quarantine", f"the job's status is {status['code']}"
    assert status["quarantine"]["error"]["code"] == code, status["quarantine"]


@then(parsers.parse('one notification email about the quarantine went to "{email}"'))
def quarantine_mail(provisioning: ProvisioningWorld, email: str) -> None:
    mails = provisioning.admin.outbox()
    assert len(mails) == 1, f"the outbox holds {[m['subject'] for m in mails]}"
    assert mails[0]["to"] == [email] and "quarantine" in mails[0]["subject"].lower(), mails[0]


@then(parsers.parse("the provisioning job of {app} runs once a day"))
def runs_daily(harness: Harness, provisioning: ProvisioningWorld, app: str) -> None:
    job = provisioning.job(app)
    assert provisioning.admin.job(job)["schedule"]["interval"] == "P1D"
    harness.clock(advance_seconds=40 * 60)
    assert provisioning.admin.run_due() == [], "a cycle ran 40 minutes later"
    harness.clock(advance_seconds=24 * 3600 - 40 * 60)
    assert len(provisioning.admin.run_due()) == 1, "no cycle ran a day later"
    # Still failing, so still quarantined, and no second mail for the same reason.
    assert len(provisioning.admin.outbox()) == 1


@then(
    parsers.parse("the Provisioning page of {app} shows {processed:d} of {total:d} users processed")
)
def progress_after(provisioning: ProvisioningWorld, app: str, processed: int, total: int) -> None:
    job = provisioning.admin.job(provisioning.job(app))
    last = job["status"]["lastExecution"]
    assert (last["countImported"], last["countEntitled"]) == (processed, total), last
    assert job["harness"]["progress"] is None, "the cycle is still in progress"


@then(parsers.parse('the cycle summary of {app} says {count:d} created, "{state}"'))
def cycle_summary(provisioning: ProvisioningWorld, app: str, count: int, state: str) -> None:
    job = provisioning.admin.job(provisioning.job(app))
    last = job["harness"]["cycles"][-1]
    assert last["counts"].get("create", 0) == count and last["state"] == state, last
    assert job["status"]["lastExecution"]["countExported"] == count


@then(
    parsers.parse(
        "while it waited the Provisioning page showed part of the {total:d} users processed"
    )
)
def progress_during(provisioning: ProvisioningWorld, total: int) -> None:
    seen = [p for p in provisioning.progress_seen if p is not None]
    assert seen, "the cycle never waited, so nobody saw it in progress"
    assert all(p["total"] == total and 0 <= p["processed"] < total for p in seen), seen
    assert any(p["processed"] > 0 for p in seen), seen


# --- signing in after provisioning ----------------------------------------------------------


@when(parsers.parse("{name} signs in to {app} through Entra"))
def signs_in_through_entra(
    harness: Harness, scenario_state: Scenario, provisioning: ProvisioningWorld, name: str, app: str
) -> None:
    """The app's user access URL, Entra's sign-in form and the auto-posted Response, in the
    HTTP browser (no JavaScript needed)."""
    person = scenario_state.person(name)
    tenant = harness.stack.tenant
    url = tenant.user_access_url(tenant.find_app(scenario_state.app(app).app_id))
    browser = HttpBrowser(harness.stack.http_client())
    try:
        page = browser.sign_in(browser.get(url), person.upn, person.password)
        if any("SAMLResponse" in f.fields for f in forms_of(page)):
            page = browser.post_autopost(page)
        provisioning.landing = page
    finally:
        browser.close()


def landing_session(provisioning: ProvisioningWorld) -> dict[str, Any]:
    page = provisioning.landing
    assert page is not None
    found = html.fromstring(page.content).xpath("//*[@id='saml-session']")
    assert found, f"no vendor page after sign-in: {page.url} {page.text[:300]}"
    return dict(json.loads(found[0].text_content()))


@then(parsers.parse('{app} lets {name} in as "{email}"'))
def lets_in(provisioning: ProvisioningWorld, app: str, name: str, email: str) -> None:
    session = landing_session(provisioning)
    assert session["signed_in"] is True, f"{app} refused {name}: {session.get('detail')}"
    assert session["user"] == email


@then(parsers.parse('{app} turns {name} away because "{text}"'))
def turns_away(provisioning: ProvisioningWorld, app: str, name: str, text: str) -> None:
    session = landing_session(provisioning)
    assert session["signed_in"] is False, f"{app} signed {name} in as {session.get('user')}"
    assert text in session["detail"], session["detail"]


@then(parsers.parse("Entra stops {name} with AADSTS{code:d}"))
def entra_stops(provisioning: ProvisioningWorld, name: str, code: int) -> None:
    page = provisioning.landing
    assert page is not None
    message = html.fromstring(page.content).xpath("//*[@id='errorMessage']")
    assert message, f"Entra did not stop {name}: {page.url}"
    assert message[0].text_content().startswith(f"AADSTS{code}: ")


@given(parsers.parse('"Assignment required?" of {app} is No'))
def assignment_not_required(harness: Harness, scenario_state: Scenario, app: str) -> None:
    """Properties > Assignment required? No: Entra signs in anyone; deprovisioning at the
    vendor is then what keeps a leaver out."""
    harness.admin_center.set_properties(scenario_state.app(app), assignmentRequired=False)
