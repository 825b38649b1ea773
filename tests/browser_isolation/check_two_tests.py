"""Two browser tests run in order by tests/test_browser_isolation.py: what the first leaves
behind (a signed-in session cookie, a second window, a granted permission) must not reach
the second, though both use the session's one browser context."""

from __future__ import annotations

from typing import Any

from harness.clients.demo_setup import set_up_ringcentral_tutorial
from harness.clients.session import Harness
from harness.serving.stack import DEMO_PASSWORD


def test_first_signs_in_and_leaves_things_behind(entra_page: Any, harness: Harness) -> None:
    set_up_ringcentral_tutorial(harness)  # B.Simon
    entra_page.goto("https://myapps.microsoft.com/")
    entra_page.fill("input[name=loginfmt]", "B.Simon@contoso.com")
    entra_page.click("#idSIButton9")
    entra_page.fill("input[name=passwd]", DEMO_PASSWORD)
    entra_page.click("#idSIButton9")
    entra_page.click("#idSIButton9")  # Stay signed in: a persistent cookie
    entra_page.wait_for_url("https://myapps.microsoft.com/")
    entra_page.evaluate("sessionStorage.setItem('left', 'behind')")
    entra_page.context.grant_permissions(["geolocation"], origin="https://myapps.microsoft.com")
    entra_page.context.new_page().goto("https://myapps.microsoft.com/healthz")
    assert entra_page.context.cookies(), "signing in set no cookie"


def test_second_starts_signed_out_in_one_window(entra_page: Any, harness: Harness) -> None:
    set_up_ringcentral_tutorial(harness)
    context = entra_page.context
    assert context.cookies() == []
    assert [p for p in context.pages if p.url != "about:blank"] == []
    entra_page.goto("https://myapps.microsoft.com/")
    assert entra_page.locator("input[name=loginfmt]").is_visible()  # the sign-in form again
    assert entra_page.evaluate("sessionStorage.getItem('left')") is None
    permission = entra_page.evaluate(
        "navigator.permissions.query({name: 'geolocation'}).then(p => p.state)"
    )
    assert permission != "granted"
