"""Who the SP signed in after an exchange: read from a whoami URL or from the success page
templated on the user, never from a status code (issue 15, Deliver 1)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

ENTRA_HOST = "login.microsoftonline.com"
# Keys a whoami answer may name the user by, tried in this order (JSON objects).
IDENTITY_KEYS = ("user", "upn", "email", "mail", "nameid", "name_id", "username", "name", "sub")


@dataclass
class Answer:
    """What the SP answered: final status and URL, who is signed in (None: nobody, or not
    visible), an excerpt of the page, or the error that stopped the exchange."""

    status: int | None = None
    url: str = ""
    signed_in: bool = False
    identity: str | None = None
    excerpt: str = ""
    error: str | None = None

    @property
    def refused_by_server_error(self) -> bool:
        """A refusal answered 5xx (a library's refusal thrown to the framework's default
        handler, as in an Express app without an error handler) with nobody signed in. The
        security checks count it as a refusal; each forgery then requires a legitimate sign-in
        to work again, so an SP that fails everything stays an error."""
        return (
            self.error is not None
            and self.status is not None
            and self.status >= 500
            and not self.signed_in
        )

    @property
    def refused_or_error(self) -> str | None:
        """ "error" when the answer says nothing of a refusal (connection, timeout, or a 5xx
        that is not a refusal), else None."""
        return "error" if self.error and not self.refused_by_server_error else None

    def describe(self) -> str:
        if self.refused_by_server_error:
            return f"{self.error}: refused with a server error (nobody signed in; answer 4xx)"
        if self.error:
            return self.error
        who = (
            f"signed in as {self.identity}"
            if self.identity
            else ("signed in (identity not visible)" if self.signed_in else "nobody signed in")
        )
        return f"{self.status} at {self.url}: {who}"


def mentions(text: str, template: str, user: str) -> bool:
    """The success text rendered for `user` is on the page, and not merely the start of a longer
    name (b.simon@contoso.com must not match b.simon@contoso.com.evil.example)."""
    rendered = re.escape(template.replace("{user}", user))
    return re.search(rendered + r"(?![\w.@+-])", text, re.IGNORECASE) is not None


def identity_from_whoami(body: str) -> str | None:
    """The identity a whoami URL answers: a JSON object's user/upn/email/… or plain text."""
    text = body.strip()
    try:
        data = json.loads(text)
    except ValueError:
        data = text
    if isinstance(data, dict):
        return identity_in(data)
    if isinstance(data, str) and data and len(data) < 320 and "<" not in data:
        return data
    return None


def identity_in(data: dict[str, object], depth: int = 0) -> str | None:
    """A user name among the keys of a JSON object, or of an object nested in it (a common
    shape: {"authenticated": true, "user": {"email": …}})."""
    lowered = {str(k).lower(): v for k, v in data.items()}
    for key in IDENTITY_KEYS:
        value = lowered.get(key)
        if isinstance(value, str) and value:
            return value
    if depth < 3:
        for value in lowered.values():
            if isinstance(value, dict):
                found = identity_in(value, depth + 1)
                if found:
                    return found
    return None


@dataclass
class IdentityRule:
    """How this SP shows who is signed in (the options), and the two accounts to tell apart."""

    users: tuple[str, ...]
    success_url: str | None = None
    success_text: str | None = None
    whoami_url: str | None = None

    @property
    def sees_identity(self) -> bool:
        return bool(self.whoami_url) or "{user}" in (self.success_text or "")

    def from_page(self, status: int, url: str, text: str) -> tuple[bool, str | None]:
        """(signed in, who) from the final page alone (whoami is read by the caller)."""
        if self.success_text and "{user}" in self.success_text:
            for user in self.users:
                if mentions(text, self.success_text, user):
                    return True, user
            return False, None
        if self.success_text:
            return self.success_text in text, None
        if self.success_url:
            return re.search(self.success_url, url) is not None, None
        return status < 400 and urlsplit(url).hostname != ENTRA_HOST, None
