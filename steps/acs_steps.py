"""Fast ACS steps: a plain HTTP browser signs B.Simon in while the tenant's one-shot overrides
break one check of the vendor's strict ACS at a time (issue 4, docs/writing-scenarios.md)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from lxml import etree, html
from pytest_bdd import given, parsers, then, when

from harness.clients.http_browser import Form, HttpBrowser, forms_of
from harness.clients.people import b_simon
from harness.clients.session import DEMO_PASSWORD, Harness
from harness.clients.vendor_setup import configure_vendor_sso, create_vendor_user
from mock_kernel.clock import parse_instant

from .tenant_steps import add_app
from .world import Scenario

ORGANIZATION = "Contoso"
SKEW = 300  # seconds: every vendor ACS allows 5 minutes of clock skew (mock_sp.acs.AcsPolicy)
LIFETIME = 3600  # Entra's assertions end an hour after issue (ENTRA-BEHAVIOUR §4)
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
STRANGER = "https://sts.windows.net/00000000-0000-0000-0000-000000000000/"

# What the tenant does wrong in its next Response, in words, as /_mock/next-response overrides.
FAULTS: dict[str, dict[str, Any]] = {
    "is signed by another key": {"signing": "other_key"},
    "is unsigned": {"signing": "unsigned"},
    "names another issuer": {"issuer": STRANGER},
    "names another audience": {"audience": "https://evil.example.com/saml"},
    "names another Recipient": {"recipient": "https://evil.example.com/acs"},
    "names another Destination": {"destination": "https://evil.example.com/acs"},
    "expired 6 minutes ago": {"age_seconds": LIFETIME + SKEW + 60},
    "expired 4 minutes ago": {"age_seconds": LIFETIME + SKEW - 60},
    "is valid only from 6 minutes from now": {"not_before_seconds": SKEW + 60},
    "is valid only from 4 minutes from now": {"not_before_seconds": SKEW - 60},
    "answers another request": {"in_response_to": "_6f1b0c0e-0000-4000-8000-000000000000"},
    "has the status RequestDenied": {
        "status": "urn:oasis:names:tc:SAML:2.0:status:RequestDenied",
        "status_message": "AADSTS50105: the signed in user is not assigned to a role.",
    },
}


@pytest.fixture
def http_browser(harness: Harness) -> Iterator[HttpBrowser]:
    """B.Simon's browser without a window: cookies, redirects and forms over host-mapped HTTPS."""
    browser = HttpBrowser(harness.stack.http_client())
    yield browser
    browser.close()


@given(parsers.parse("{app} and the tenant are set up for {mode} sign-on as its tutorial says"))
def set_up_both_sides(harness: Harness, scenario_state: Scenario, app: str, mode: str) -> None:
    """B.Simon in the tenant and assigned; the app for the gallery's first region (SP-initiated:
    with the Sign-on URL); the organization's name in OrganizationName where the vendor wants
    it; the vendor configured. B.Simon at the vendor is up to the scenario."""
    gallery = harness.gallery_app(app)
    sp_initiated = {"SP-initiated": True, "IdP-initiated": False}[mode]
    if sp_initiated and "sp" not in gallery.sso.modes:
        raise ValueError(f"{app} does not support SP-initiated sign-on (tutorial)")
    person = b_simon(DEMO_PASSWORD)
    created = harness.admin.create_user(person.password, **person.properties)
    scenario_state.people[person.key] = person
    scenario_state.user_ids[person.key] = created["id"]
    region = gallery.sso.regions[0]
    sign_on = region.sign_on_url if sp_initiated else None
    add_app(harness, scenario_state, app, region.identifier, region.reply_url, sign_on)
    handle = scenario_state.app(app)
    if gallery.sso.organization_claim:
        claim = gallery.sso.organization_claim
        harness.admin_center.edit_claim(handle, claim, name=claim, constant=ORGANIZATION)
    harness.admin.assign(handle, created["id"])
    configure_vendor_sso(harness, app, region.key, handle, organization=ORGANIZATION)
    scenario_state.notes["mode"] = mode


@given(parsers.parse("{name} exists in {app} but is not active"))
def inactive_vendor_user(harness: Harness, scenario_state: Scenario, name: str, app: str) -> None:
    create_vendor_user(
        harness, app, scenario_state.regions[app], scenario_state.person(name), active=False
    )


# The app's name may have spaces ("Genesys Cloud for Azure"): the fault is one of FAULTS' words.
FAULT_STEP = "the tenant's next Response to (?P<app>.+) (?P<fault>{})".format(
    "|".join(re.escape(fault) for fault in FAULTS)
)


@given(parsers.re(FAULT_STEP))
def next_response_fault(harness: Harness, app: str, fault: str) -> None:
    harness.next_response(**FAULTS[fault])


def autopost_form(page: httpx.Response) -> Form:
    form = next((f for f in forms_of(page) if "SAMLResponse" in f.fields), None)
    if form is None:
        raise AssertionError(
            f"the tenant posted no SAML Response (at {page.url}, status {page.status_code}): "
            f"{error_text(page)}"
        )
    return form


def error_text(page: httpx.Response) -> str:
    found = html.fromstring(page.content).xpath("//*[@id='errorMessage']") if page.content else []
    return found[0].text_content().strip() if found else page.text[:300]


@when(parsers.parse("{name} signs in to {app} from a plain HTTP browser"))
def sign_in_over_http(
    harness: Harness, scenario_state: Scenario, http_browser: HttpBrowser, name: str, app: str
) -> None:
    """SP-initiated: the vendor's Sign-on URL; IdP-initiated: the user access URL (My Apps).
    Entra's sign-in pages, then the auto-post form submitted as its script would."""
    person = scenario_state.person(name)
    if scenario_state.notes.get("mode") == "SP-initiated":
        region = harness.gallery_app(app).sso.region(scenario_state.regions[app])
        start = region.sign_on_url or f"https://{region.host}/"
    else:
        tenant = harness.stack.tenant
        start = tenant.user_access_url(tenant.find_app(scenario_state.app(app).app_id))
    page = http_browser.sign_in(http_browser.get(start), person.upn, person.password)
    form = autopost_form(page)
    scenario_state.notes["autopost"] = form
    scenario_state.notes["vendor_page"] = http_browser.submit(form)


@when(parsers.parse("the same Response is posted to {app} again"))
def post_again(scenario_state: Scenario, http_browser: HttpBrowser, app: str) -> None:
    """A replay: what an attacker who saw the first POST (or the browser's Back) sends."""
    scenario_state.notes["vendor_page"] = http_browser.submit(scenario_state.notes["autopost"])


def vendor_page(harness: Harness, scenario_state: Scenario, app: str) -> httpx.Response:
    page: httpx.Response = scenario_state.notes["vendor_page"]
    host = harness.gallery_app(app).sso.region(scenario_state.regions[app]).host
    assert page.url.host == host, f"expected a page of {host}, got {page.url}"
    return page


def session_block(page: httpx.Response) -> dict[str, Any]:
    found = html.fromstring(page.content).xpath("//script[@id='saml-session']")
    assert found, f"no #saml-session block on {page.url} (status {page.status_code})"
    return dict(json.loads(found[0].text))


@then(parsers.parse("the {app} error page says the {check} check failed"))
def error_page_names_check(
    harness: Harness, scenario_state: Scenario, app: str, check: str
) -> None:
    """The vendor-styled refusal: its own name and colours, the failed check and why, and the
    same decision in the vendor's ACS log."""
    page = vendor_page(harness, scenario_state, app)
    session = session_block(page)
    assert not session["signed_in"], (
        f"{app} signed {session.get('user')} in instead of refusing (expected its {check} check "
        "to fail)"
    )
    assert page.status_code == 403
    assert session["check"] == check, (
        f"{app} refused, but by its {session['check']} check: {session['detail']}"
    )
    document = html.fromstring(page.content)
    assert document.xpath("string(//*[@id='refusal-check'])") == check
    assert document.xpath("string(//header)").strip() == harness.gallery_app(app).name
    events = harness.acs_log(app)[scenario_state.regions[app]]
    assert events[-1]["accepted"] is False and events[-1]["check"] == check
    scenario_state.notes["refusal"] = document.xpath("string(//*[@id='refusal-reason'])")


@then(parsers.parse('its reason reads "{text}"'))
def refusal_reason(scenario_state: Scenario, text: str) -> None:
    reason = scenario_state.notes["refusal"]
    assert text in reason, f"the vendor's page says {reason!r}"


@then(parsers.parse("the {app} landing page shows her signed in"))
def landing_page_signed_in(harness: Harness, scenario_state: Scenario, app: str) -> None:
    page = vendor_page(harness, scenario_state, app)
    session = session_block(page)
    assert session["signed_in"], f"{app} refused by its {session['check']} check: {session}"
    person = next(iter(scenario_state.people.values()))
    assert session["user"] == person.email.lower()
    assert page.url.path == "/app"


@then(parsers.parse("by the clock the assertion she posted {state}"))
def assertion_out_of_time(harness: Harness, state: str) -> None:
    """The override really moved the times: accepted only thanks to the 5 minutes of skew."""
    response = [m for m in harness.saml_log() if m["kind"] == "Response"][-1]
    conditions = etree.fromstring(response["xml"].encode()).find(f".//{{{SAML}}}Conditions")
    now = harness.stack.tenant.clock.now()
    if state == "had expired":
        end = parse_instant(conditions.get("NotOnOrAfter"))
        assert end <= now < end + timedelta(seconds=SKEW), (end, now)
    elif state == "was not yet valid":
        start = parse_instant(conditions.get("NotBefore"))
        assert start - timedelta(seconds=SKEW) <= now < start, (start, now)
    else:
        raise LookupError(f"unknown state {state!r}")
