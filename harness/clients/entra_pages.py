"""Entra's own pages in Playwright (sign-in, Stay signed in?, My Apps), by the selectors existing
automation against Entra uses."""

from __future__ import annotations

from typing import Any


def click_on_entra(page: Any, selector: str) -> None:
    """A real mouse click on one of the tenant's pages, without Playwright's wait for the
    element to be "stable" (the same box over two animation frames, ~30 ms a click here):
    these pages have no animation or transition to wait out. The browser still hit-tests the
    click, so a control that is covered or not shown does not receive it."""
    page.click(selector, force=True)


def sign_in_on_entra(page: Any, upn: str, password: str, stay_signed_in: bool = False) -> None:
    """User name, Next, password, Sign in, then "Stay signed in?" Yes or No."""
    page.fill("input[name=loginfmt]", upn)
    click_on_entra(page, "#idSIButton9")
    page.fill("input[name=passwd]", password)  # waits for the password pane to be shown
    click_on_entra(page, "#idSIButton9")
    click_on_entra(page, "#idSIButton9" if stay_signed_in else "#idBtn_Back")
