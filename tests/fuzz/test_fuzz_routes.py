"""The fuzz tier (issue 17): every route of every mock of the running stack, read from the apps'
route tables, gets bad and odd requests (hypothesis, bounded); none may answer 5xx, every error
is typed in its API's shape, and memory after the load stays within 50 MB of the start."""

from __future__ import annotations

import gc
import json
import resource
import time
from collections import Counter
from pathlib import Path
from typing import Any

import flask
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from werkzeug.test import Client, TestResponse

from harness.clients.demo_setup import create_administrator, set_up_ringcentral_tutorial
from harness.clients.session import Harness
from harness.serving.stack import Stack
from mock_idp.web.admin_pages import ADMIN_COOKIE
from mock_idp.web.login import SESSION_COOKIE
from mock_idp.web.myapps import MYAPPS_COOKIE
from mock_sp.web.console_sign_in import CONSOLE_COOKIE

from .requests import FuzzRequest, fill_path, fuzz_requests
from .routes import Route, path_values, stack_routes

SERVICES = ["tenant", "ringcentral", "8x8", "genesys_cloud"]
EXAMPLES_PER_ROUTE = 6
MEMORY_SLACK = 50 * 1024 * 1024
SCIM_ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
REPORT = Path(__file__).resolve().parents[2] / "reports" / "fuzz"


def rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


class Reached:
    """Which routes a request reached (Flask matched its rule and started its view)."""

    def __init__(self) -> None:
        self.rules: set[tuple[str, str]] = set()

    def __call__(self, sender: flask.Flask, **_: Any) -> None:
        rule = flask.request.url_rule
        if rule is not None:
            self.rules.add((sender.name, rule.rule))


def typed_error(route: Route, response: TestResponse) -> str | None:
    """None when an error answer has its API's shape, else what is wrong."""
    if response.status_code < 400:
        return None
    if route.json_api:
        try:
            body = json.loads(response.get_data())
        except ValueError:
            return f"not JSON: {response.get_data()[:120]!r}"
        if route.scim:
            return None if SCIM_ERROR in body.get("schemas", []) else f"not a SCIM error: {body}"
        if route.rule.startswith("/_mock/scim/") and SCIM_ERROR in body.get("schemas", []):
            return None  # seeding validates like a SCIM POST and answers its error
        if not isinstance(body, dict) or "error" not in body:
            return f"no error object: {str(body)[:120]}"
        return None
    if not response.mimetype.startswith("text/html"):
        return f"a page error that is not a page: {response.mimetype}"
    return None


class Fuzzer:
    def __init__(self, stack: Stack, harness: Harness, service: str) -> None:
        self.stack, self.service = stack, service
        dispatchers = stack.services()
        self.client = Client(dispatchers[service], use_cookies=False)  # cookies: our headers
        self.routes = [r for r in stack_routes(stack) if r.service == service]
        self.values = path_values(stack)
        self.statuses: Counter[int] = Counter()
        self.by_host: Counter[str] = Counter()
        self.seconds: Counter[str] = Counter()
        self.failures: list[str] = []
        self.inputs = 0
        self.harness = harness

    def known(self) -> dict[str, list[str]]:
        known = {name: values() for name, values in self.values.items()}
        if self.service != "tenant" and self.stack.vendors[self.service].scim is not None:
            target = self.stack.vendors[self.service].scim
            assert target is not None
            known["id"] = [r.id for r in target.store.page("User", 0, 3)]
            known["id"] += [r.id for r in target.store.page("Group", 0, 3)]
        return known

    def credentials(self, route: Route) -> tuple[list[str], list[str]]:
        """Every token and cookie of the stack, the route's own first."""
        tenant = self.stack.tenant
        tokens = [tenant.admin_token]
        cookies: list[str] = []
        admin = tenant.directory.find_by_upn("admin@contoso.com")
        if admin is not None:
            with tenant.lock:
                session = tenant.new_session(admin.id)
            cookies.append(
                f"{ADMIN_COOKIE}={session}; {MYAPPS_COOKIE}={session}; {SESSION_COOKIE}={session}"
            )
        for vendor in self.stack.vendors.values():
            tokens.append(vendor.console_token)
            if vendor.scim is not None:
                tokens.append(vendor.scim.token)
            console = vendor.console_admin.sign_in(
                vendor.console_admin.email, vendor.console_admin.password
            )
            cookies.append(f"{CONSOLE_COOKIE}={console}")
        vendor = self.stack.vendors.get(self.service)
        if vendor is not None:  # a vendor's route: its SCIM or console credentials first
            own_token = vendor.scim.token if route.scim and vendor.scim else vendor.console_token
            tokens.insert(0, own_token)
            cookies.insert(
                0,
                cookies[
                    list(self.stack.vendors).index(self.service)
                    + len(cookies)
                    - len(self.stack.vendors)
                ],
            )
        return tokens, cookies

    def send(self, route: Route, request: FuzzRequest) -> None:
        self.inputs += 1
        data = request.body
        response = self.client.open(
            request.path,
            base_url=f"https://{route.host}",
            method=request.method,
            query_string=request.query,
            headers=request.headers,
            data=data,
        )
        response.close()
        self.statuses[response.status_code] += 1
        self.by_host[f"{route.host} {response.status_code}"] += 1
        where = f"{request.method} https://{route.host}{request.path} ({route.rule})"
        if response.status_code >= 500:
            self.failures.append(f"{response.status_code} {where}: {response.get_data()[:300]!r}")
        else:
            wrong = typed_error(route, response)
            if wrong:
                self.failures.append(f"untyped {response.status_code} {where}: {wrong}")

    def plain(self, route: Route) -> None:
        """One request with real values and no body, so that every route is reached."""
        known = self.known()
        values = {n: (known.get(n) or ["x"])[0] for n in route.arguments}
        tokens, cookies = self.credentials(route)
        headers = {"Authorization": f"Bearer {tokens[0]}", "Cookie": cookies[0] if cookies else ""}
        for method in route.methods:
            self.send(route, FuzzRequest(method, fill_path(route.rule, values), headers=headers))

    def fuzz(self, route: Route) -> None:
        issuers = [i for a in self.stack.tenant.apps.values() for i in a.identifiers]

        @settings(
            max_examples=EXAMPLES_PER_ROUTE,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(data=st.data())
        def one(data: st.DataObject) -> None:
            tokens, cookies = self.credentials(route)
            request = data.draw(fuzz_requests(route, self.known(), tokens, cookies, issuers))
            self.send(route, request)

        one()


def prepare(harness: Harness) -> None:
    """What `up` starts with: an administrator, tutorial 000 done (apps, users, SSO)."""
    create_administrator(harness)
    set_up_ringcentral_tutorial(harness)
    group = harness.admin._call("POST", "/groups", {"displayName": "Fuzz"})
    assert group["id"]


def test_the_fuzz_tier_knows_every_service_and_path_parameter(entra_stack: Stack) -> None:
    """A new mock, or a route with a path parameter the fuzzer has no values for, fails here."""
    assert sorted(entra_stack.services()) == sorted(SERVICES)
    values = path_values(entra_stack)
    unknown = {(r.rule, a) for r in stack_routes(entra_stack) for a in r.arguments}
    assert {(rule, a) for rule, a in unknown if a not in values} == set()


@pytest.mark.parametrize("service", SERVICES)
def test_no_route_answers_5xx_or_an_untyped_error(
    harness: Harness, entra_stack: Stack, service: str
) -> None:
    prepare(harness)
    fuzzer = Fuzzer(entra_stack, harness, service)
    reached = Reached()
    flask.request_started.connect(reached)
    try:
        for route in fuzzer.routes[:3]:  # warm-up: first-use imports and caches
            fuzzer.plain(route)
        gc.collect()
        start = rss_bytes()
        for route in fuzzer.routes:
            began = time.monotonic()
            fuzzer.plain(route)
            fuzzer.fuzz(route)
            fuzzer.seconds[f"{route.host} {route.rule}"] = time.monotonic() - began
        gc.collect()
        after = rss_bytes()
    finally:
        flask.request_started.disconnect(reached)
        entra_stack.tenant.clock.reset()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    summary = {
        "service": service,
        "routes": len(fuzzer.routes),
        "inputs": fuzzer.inputs,
        "5xx": sum(n for status, n in fuzzer.statuses.items() if status >= 500),
        "statuses": dict(sorted(fuzzer.statuses.items())),
        "by_host": dict(sorted(fuzzer.by_host.items())),
        "slowest_routes_s": {k: round(v, 2) for k, v in fuzzer.seconds.most_common(5)},
        "rss_start_mb": round(start / 2**20, 1),
        "rss_after_mb": round(after / 2**20, 1),
        "peak_rss_mb": round(peak / 2**20, 1),
    }
    REPORT.mkdir(parents=True, exist_ok=True)
    (REPORT / f"{service}.json").write_text(json.dumps(summary, indent=1))
    print(json.dumps(summary))
    assert fuzzer.failures == [], "\n".join(fuzzer.failures[:40])
    flask_routes = {(r.app_name, r.rule) for r in fuzzer.routes if not r.scim}
    assert flask_routes - reached.rules == set(), "routes the fuzzer never reached"
    assert after - start <= MEMORY_SLACK, summary
