"""Entra's sign-in page in Chromium: one page for user name and password (Next asks
GetCredentialType and shows the password pane in place), its refusals, and the same steps
posted without script."""

from __future__ import annotations

import time
from typing import Any

from playwright.sync_api import expect

from harness.clients.entra_pages import sign_in_on_entra
from harness.clients.http_browser import HttpBrowser, forms_of
from harness.clients.people import b_simon
from harness.clients.session import Harness
from harness.serving.stack import DEMO_PASSWORD

LOGIN = "https://login.microsoftonline.com"


def add_b_simon(harness: Harness, **properties: Any) -> None:
    person = b_simon(DEMO_PASSWORD)
    harness.admin.create_user(person.password, **{**person.properties, **properties})


def requests_of(page: Any) -> list[str]:
    """Method and path of every request the page makes from now on."""
    seen: list[str] = []
    page.on("request", lambda r: seen.append(f"{r.method} {r.url.split('?')[0]}"))
    return seen


def test_next_shows_the_password_pane_in_place_then_sign_in_posts_both(
    entra_page: Any, harness: Harness
) -> None:
    add_b_simon(harness)
    page = entra_page
    page.goto("https://myapps.microsoft.com/")
    seen = requests_of(page)
    page.fill("input[name=loginfmt]", "b.simon@contoso.com")
    page.click("#idSIButton9")
    expect(page.locator("#displayName")).to_have_text("b.simon@contoso.com")
    expect(page.locator("#idSIButton9")).to_have_value("Sign in")
    assert page.locator("#i0118").evaluate("e => e === document.activeElement")
    assert not page.locator("#i0116").is_visible()
    assert seen == [f"POST {LOGIN}/common/GetCredentialType"]  # no navigation
    page.fill("input[name=passwd]", DEMO_PASSWORD)
    page.click("#idSIButton9")
    expect(page.get_by_role("heading")).to_have_text("Stay signed in?")
    login_posts = [s for s in seen if s.startswith("POST") and s.endswith("/login")]
    assert len(login_posts) == 1
    page.click("#idBtn_Back")
    page.wait_for_url("https://myapps.microsoft.com/")
    # Typed in lower case; signed in as the directory spells her.
    assert page.locator("#signedInUser").text_content() == "B.Simon@contoso.com"


def test_an_unknown_user_name_is_refused_under_the_field_without_leaving_the_page(
    entra_page: Any, harness: Harness
) -> None:
    page = entra_page
    page.goto("https://myapps.microsoft.com/")
    url = page.url
    page.fill("input[name=loginfmt]", "nobody@contoso.com")
    page.click("#idSIButton9")
    error = page.get_by_role("alert")
    expect(error).to_have_text("This username may be incorrect. Make sure you typed it correctly.")
    assert error.get_attribute("data-aadsts") == "50034"
    assert page.url == url
    assert not page.locator("#i0118").is_visible()
    # Corrected, the same page goes on to the password pane.
    add_b_simon(harness)
    page.fill("input[name=loginfmt]", "B.Simon@contoso.com")
    page.click("#idSIButton9")
    expect(page.locator("#i0118")).to_be_visible()


def test_a_wrong_password_is_refused_with_50126_and_signs_nobody_in(
    entra_page: Any, harness: Harness
) -> None:
    add_b_simon(harness)
    page = entra_page
    page.goto("https://myapps.microsoft.com/")
    page.fill("input[name=loginfmt]", "B.Simon@contoso.com")
    page.click("#idSIButton9")
    page.fill("input[name=passwd]", "not-her-password")
    page.click("#idSIButton9")
    error = page.locator("#passwordError")
    expect(error).to_have_text(
        "Your account or password is incorrect. If you don't remember your password, reset it now."
    )
    assert error.get_attribute("data-aadsts") == "50126"
    assert page.locator("#displayName").text_content() == "B.Simon@contoso.com"
    assert not harness.stack.tenant.sessions
    # The right password from the refusal page signs her in.
    page.fill("input[name=passwd]", DEMO_PASSWORD)
    page.click("#idSIButton9")
    expect(page.get_by_role("heading")).to_have_text("Stay signed in?")


def test_a_disabled_account_gets_the_50057_error_page_after_its_password(
    entra_page: Any, harness: Harness
) -> None:
    add_b_simon(harness, accountEnabled=False)
    page = entra_page
    page.goto("https://myapps.microsoft.com/")
    page.fill("input[name=loginfmt]", "B.Simon@contoso.com")
    page.click("#idSIButton9")
    page.fill("input[name=passwd]", DEMO_PASSWORD)
    page.click("#idSIButton9")
    message = page.locator("#errorMessage")
    expect(message).to_have_attribute("data-aadsts", "50057")
    assert not harness.stack.tenant.sessions


def test_get_credential_type_says_which_accounts_exist(harness: Harness) -> None:
    add_b_simon(harness)

    def exists(body: Any) -> Any:
        answer = harness.http.post(f"{LOGIN}/common/GetCredentialType", json=body)
        assert answer.status_code == 200
        return answer.json()["IfExistsResult"]

    assert exists({"username": "b.simon@CONTOSO.com"}) == 0
    assert exists({"username": "nobody@contoso.com"}) == 1
    assert exists({"username": ""}) == 1
    assert exists(["not", "an", "object"]) == 1


def test_without_script_the_user_name_and_password_steps_are_posted_one_by_one(
    harness: Harness,
) -> None:
    add_b_simon(harness)
    browser = HttpBrowser(harness.http)
    page = browser.get("https://myapps.microsoft.com/")
    (form,) = forms_of(page)
    assert set(form.fields) == {"ctx", "loginfmt"}  # the disabled password is not posted
    refused = browser.submit(form, loginfmt="nobody@contoso.com")
    assert 'id="usernameError" role="alert" data-aadsts="50034"' in refused.text
    password_step = browser.submit(form, loginfmt="B.Simon@contoso.com")
    (form,) = forms_of(password_step)
    assert set(form.fields) == {"ctx", "loginfmt", "passwd"}
    kmsi = browser.submit(form, passwd=DEMO_PASSWORD)
    assert "Stay signed in?" in kmsi.text


def test_stay_signed_in_yes_keeps_a_persistent_session_cookie(
    entra_page: Any, harness: Harness
) -> None:
    """The helper's Yes on "Stay signed in?": ESTSAUTHPERSISTENT for 90 days; No keeps none."""
    add_b_simon(harness)
    page = entra_page
    page.goto("https://myapps.microsoft.com/")
    sign_in_on_entra(page, "B.Simon@contoso.com", DEMO_PASSWORD, stay_signed_in=True)
    page.wait_for_url("https://myapps.microsoft.com/")
    cookies = {c["name"]: c for c in page.context.cookies(LOGIN)}
    assert cookies["ESTSAUTHPERSISTENT"]["expires"] > time.time() + 89 * 24 * 3600
    page.context.clear_cookies()
    page.goto("https://myapps.microsoft.com/")
    sign_in_on_entra(page, "B.Simon@contoso.com", DEMO_PASSWORD)
    page.wait_for_url("https://myapps.microsoft.com/")
    assert "ESTSAUTHPERSISTENT" not in {c["name"] for c in page.context.cookies(LOGIN)}
    assert "ESTSAUTH" in {c["name"] for c in page.context.cookies(LOGIN)}
