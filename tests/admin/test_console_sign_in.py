"""Issue 17 F4: the vendor consoles' pages ask for the console's administrator first, as the real
consoles do; the console API keeps its bearer token."""

from __future__ import annotations

from harness.clients.session import Harness

CONSOLE = "https://service.ringcentral.com"


def people_key(harness: Harness) -> str:
    consoles = harness.gallery_app("RingCentral").sso.consoles
    return next(c.key for c in consoles if c.page == "people")


def test_console_pages_redirect_to_sign_in_and_create_nothing(harness: Harness) -> None:
    """Anyone could create RingCentral users over HTTP through the people page (F4)."""
    home = harness.http.get(f"{CONSOLE}/")
    assert home.status_code == 302
    assert home.headers["location"] == "/signin?next=%2F"
    form = {"email": "mallory@evil.example", "display_name": "Mallory", "active": "on"}
    created = harness.http.post(f"{CONSOLE}/console/{people_key(harness)}", data=form)
    assert created.status_code == 302 and created.headers["location"].startswith("/signin")
    users = harness.console("RingCentral").client.get(
        f"{CONSOLE}/api/users/us", headers=harness.console("RingCentral").headers
    )
    assert "mallory@evil.example" not in users.text


def test_the_administrator_signs_in_and_a_wrong_password_is_refused(harness: Harness) -> None:
    admin = harness.console_admin("RingCentral")
    wrong = harness.http.post(
        f"{CONSOLE}/signin", data={"email": admin.email, "password": "guess", "next": "/"}
    )
    assert wrong.status_code == 401 and "incorrect" in wrong.text
    assert "console_session" not in wrong.cookies
    right = harness.http.post(
        f"{CONSOLE}/signin",
        data={"email": admin.email, "password": admin.password, "next": "https://evil.example/"},
    )
    assert right.status_code == 302
    assert right.headers["location"] == "/"  # never another site
    session = right.cookies["console_session"]
    home = harness.http.get(f"{CONSOLE}/", headers={"Cookie": f"console_session={session}"})
    assert home.status_code == 200 and "signed in as an administrator" in home.text


def test_the_console_api_still_takes_its_token(harness: Harness) -> None:
    assert harness.http.get(f"{CONSOLE}/api/sso/us").status_code == 401
    assert harness.console("RingCentral").sso_settings("us")["idp"] is None
