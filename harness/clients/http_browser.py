"""A browser without a screen for fast scenarios: cookies, redirects, Entra's sign-in form and
auto-posting forms, over the same host-mapped HTTPS as Chromium (no JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

import httpx
from lxml import html


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str]


def forms_of(response: httpx.Response) -> list[Form]:
    if not response.content:
        return []
    document = html.fromstring(response.content)
    found = []
    for form in document.iter("form"):
        fields = {
            field.get("name", ""): field.get("value", "")
            for field in form.iter("input")
            # Disabled fields are not posted (HTML, "constructing the entry list").
            if field.get("name")
            and field.get("type", "text") != "submit"
            and field.get("disabled") is None
        }
        action = urljoin(str(response.url), form.get("action") or str(response.url))
        found.append(Form(action, (form.get("method") or "GET").upper(), fields))
    return found


class HttpBrowser:
    """One person's browser: a cookie jar that follows redirects and submits forms."""

    def __init__(self, client: httpx.Client, max_redirects: int = 20) -> None:
        self.client = client
        self.max_redirects = max_redirects
        self.history: list[httpx.Response] = []

    def _follow(self, response: httpx.Response) -> httpx.Response:
        for _ in range(self.max_redirects):
            self.history.append(response)
            if not response.is_redirect:
                return response
            target = urljoin(str(response.url), response.headers["location"])
            response = self.client.get(target)
        raise RuntimeError(f"more than {self.max_redirects} redirects from {response.url}")

    def get(self, url: str) -> httpx.Response:
        return self._follow(self.client.get(url))

    def submit(self, form: Form, **values: str) -> httpx.Response:
        data = {**form.fields, **values}
        if form.method == "POST":
            return self._follow(self.client.post(form.action, data=data))
        return self._follow(self.client.get(form.action, params=data))

    def sign_in(
        self, page: httpx.Response, upn: str, password: str, stay_signed_in: bool = False
    ) -> httpx.Response:
        """Entra's email page, password page and "Stay signed in?" (loginfmt, passwd, kmsi)."""
        page = self.submit(forms_of(page)[0], loginfmt=upn)
        if not forms_of(page) or "passwd" not in forms_of(page)[0].fields:
            return page  # refused at the email step
        page = self.submit(forms_of(page)[0], passwd=password)
        kmsi = next((f for f in forms_of(page) if f.action.endswith("/kmsi")), None)
        if kmsi is None:
            return page  # refused at the password step
        return self.submit(kmsi, kmsi="true" if stay_signed_in else "false")

    def post_autopost(self, page: httpx.Response) -> httpx.Response:
        """What the hidden form's script does: POST SAMLResponse/RelayState to the SP."""
        form = next(
            (f for f in forms_of(page) if "SAMLResponse" in f.fields or "SAMLRequest" in f.fields),
            None,
        )
        if form is None:
            raise AssertionError(f"no SAML form on {page.url}")
        return self.submit(form)

    def close(self) -> None:
        self.client.close()
