"""A provisioning scenario shows its SCIM exchanges in the demo report, readable by a newcomer,
and fails with a readable reason when the service's default wire mode is broken on purpose."""

from __future__ import annotations

import html
import re
import subprocess

import pytest

from harness.report.scim_explain import decoded, explain, learn_names
from tests.child_pytest import run_pytest

SCENARIO = (
    "tests/test_features.py::"
    "test_unassigned_from_app_bsimon_is_disabled_there_not_deleted_default_mode[RingCentral]"
)


@pytest.fixture(scope="module")
def report(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], str]:
    path = tmp_path_factory.mktemp("demo") / "demo.html"
    result = run_pytest(SCENARIO, "--demo-report", str(path))
    return result, path.read_text(encoding="utf-8") if path.exists() else ""


def steps_of(page: str) -> dict[str, list[str]]:
    """Each step's text and the SCIM sentences under it."""
    found: dict[str, list[str]] = {}
    for item in re.findall(r"<li class='\w+'>(.*?)</li>", page, re.S):
        step = html.unescape(re.search(r"<div class='step'>(.*?)</div>", item, re.S)[1])  # type: ignore[index]
        found[step] = [
            html.unescape(s)
            for s in re.findall(r"<div class='scim'><b>[^<]*</b>: (.*?)<details>", item, re.S)
        ]
    return found


def test_the_demo_report_shows_each_steps_scim_exchanges_in_words(
    report: tuple[subprocess.CompletedProcess[str], str],
) -> None:
    result, page = report
    assert result.returncode == 0, result.stdout[-2000:]
    steps = steps_of(page)
    assert steps["Given the tenant has the user B.Simon"] == []
    assert steps["And the initial provisioning cycle has run"] == [
        'Entra looks for the user B.Simon@contoso.com at RingCentral (userName eq "B.Simon@contoso.com"): '
        "none found. RingCentral answered 200 OK.",
        "Entra creates the user B.Simon@contoso.com at RingCentral with 6 attributes. "
        "RingCentral answered 201 Created.",
    ]
    assert steps["And 40 minutes pass"] == [
        "Entra changes the user B.Simon@contoso.com at RingCentral: disable the account "
        '(active = the string "False" (default mode)). RingCentral answered 200 OK.'
    ]
    # The decoded exchange: request line, the JSON body as sent, the answer; never the token.
    assert "&quot;op&quot;: &quot;Replace&quot;" in page and "→ 200 OK" in page
    assert "ringcentral-scim-token" not in page and "Bearer" not in page
    # The expected body the Then step compares with is shown under the step too.
    assert "<pre class='argument'>" in page


def test_the_scenario_fails_readably_when_default_mode_is_lost(
    report: tuple[subprocess.CompletedProcess[str], str],
) -> None:
    assert report[0].returncode == 0, "the scenario must pass before it is broken"
    broken = run_pytest("-p", "tests.breakers.scim_default_mode_lost", SCENARIO)
    assert broken.returncode == 1 and "1 failed" in broken.stdout
    # The reason names the vendor, what it received and what Entra sends.
    assert "RingCentral received" in broken.stdout
    assert '{"op": "replace", "path": "active", "value": false}' in broken.stdout
    assert "but Entra sends" in broken.stdout
    assert '{"op": "Replace", "path": "active", "value": "False"}' in broken.stdout


def exchange(method: str, url: str, body: object, status: int, answer: object = None) -> dict:  # type: ignore[type-arg]
    return {
        "seq": 1,
        "method": method,
        "url": url,
        "request": {"headers": {"Authorization": "Bearer secret"}, "body": body},
        "status": status,
        "response": {"headers": {"Retry-After": "60"}, "body": answer},
    }


BASE = "https://platform.8x8.com/udi/customers/c/scim/v2"


def test_sentences_for_each_kind_of_exchange() -> None:
    names: dict[str, str] = {}
    created = exchange(
        "POST",
        f"{BASE}/Users",
        {"schemas": [], "userName": "ada@contoso.com", "active": True},
        201,
        {"id": "u1", "userName": "ada@contoso.com"},
    )
    learn_names(created, names)
    assert explain("8x8", created, names) == (
        "Entra creates the user ada@contoso.com at 8x8 with 2 attributes. 8x8 answered 201 Created."
    )
    flag_disable = exchange(
        "PATCH",
        f"{BASE}/Users/u1",
        {"Operations": [{"op": "replace", "path": "active", "value": False}]},
        204,
    )
    assert explain("8x8", flag_disable, names) == (
        "Entra changes the user ada@contoso.com at 8x8: disable the account (active = a boolean). "
        "8x8 answered 204 No Content."
    )
    several = exchange(
        "PATCH",
        f"{BASE}/Users/u1",
        {"Operations": [{"op": "replace", "value": {"title": "x", "name.givenName": "y"}}]},
        200,
    )
    assert "replace title, name.givenName in one operation" in explain("8x8", several, names)
    probe = exchange(
        "GET",
        f'{BASE}/Users?filter=userName+eq+"0f8fad5b-d9cb-469f-a165-70867728950e"',
        None,
        200,
        {"totalResults": 0, "Resources": []},
    )
    assert explain("8x8", probe, names).startswith(
        "Test Connection: Entra asks 8x8 for a user that cannot exist"
    )
    throttled = exchange(
        "POST",
        f"{BASE}/Users",
        {"userName": "bob@contoso.com"},
        429,
        {"detail": "Request rate is higher than the limit"},
    )
    assert explain("8x8", throttled, names).endswith(
        "8x8 answered 429 Too Many Requests (Request rate is higher than the limit), wait 60 s."
    )
    assert explain("8x8", exchange("DELETE", f"{BASE}/Users/u1", None, 204), names) == (
        "Entra deletes the user ada@contoso.com at 8x8. 8x8 answered 204 No Content."
    )
    assert "Bearer" not in decoded(created) and '"userName": "ada@contoso.com"' in decoded(created)
