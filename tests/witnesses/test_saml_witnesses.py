"""Real SPs, unmodified and configured as their vendors document, accept the tenant through a
real browser sign-in (issue 19): each witness x mode signs B.Simon in, and where the SP supports
it signs her out again over Entra's signed Redirect LogoutResponse. A refusal is a fidelity bug
or an interop quirk real Entra shares (docs/fidelity.md lists them with their sources)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from harness.clients.entra_pages import sign_in_on_entra
from harness.clients.people import b_simon
from harness.clients.session import Harness
from harness.clients.tenant_admin import AppHandle
from harness.serving.stack import DEMO_PASSWORD
from tests.witnesses.lasso_site import LassoSite
from tests.witnesses.library_sites import LIBRARY_UNSUPPORTED, LIBRARY_WITNESSES, LibrarySite
from tests.witnesses.mellon import MellonSite
from tests.witnesses.shibboleth import ShibbolethSite
from tests.witnesses.sites import WitnessSite

UPN = "B.Simon@contoso.com"


@dataclass(frozen=True)
class Mode:
    """How the tenant signs and sends: the admin center's SAML Signing Certificate options,
    token encryption, IdP- or SP-initiated, and whether single logout follows."""

    name: str
    idp_initiated: bool = False
    signing: str = "assertion"
    algorithm: str = "sha256"
    encrypted: bool = False
    logout: bool = False


MODES = [
    Mode("sp-initiated"),
    Mode("idp-initiated", idp_initiated=True),
    Mode("response-signed", signing="response"),
    Mode("both-signed", signing="both"),
    Mode("sha1", algorithm="sha1"),
    Mode("encrypted-assertion", encrypted=True),
    Mode("single-logout", logout=True),
]
WITNESSES: dict[str, Callable[[Path], Any]] = {
    "shibboleth": ShibbolethSite,
    "mellon": MellonSite,
    "lasso": LassoSite,
    **{library: partial(LibrarySite, library) for library in LIBRARY_WITNESSES},
}
# What a witness cannot do, known before it starts (a skip, with the reason, in the report).
UNSUPPORTED = {
    (library, mode): reason
    for library in LIBRARY_WITNESSES
    for mode, reason in LIBRARY_UNSUPPORTED.items()
}


class Witnesses:
    """Each witness made once per worker, on first use: its port, SP keys and metadata (key
    generation is most of a witness's cost: 4-7 s for mellon's and Shibboleth's 3072-bit
    keys); every test then starts and stops its servers with that test's IdP metadata."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.sites: dict[str, WitnessSite] = {}

    def get(self, witness: str) -> WitnessSite:
        if witness not in self.sites:
            directory = self.root / witness
            directory.mkdir(exist_ok=True)
            self.sites[witness] = WITNESSES[witness](directory)
        return self.sites[witness]

    def close(self) -> None:
        for site in self.sites.values():
            site.close()


@pytest.fixture(scope="module")
def witnesses() -> Iterator[Witnesses]:
    """In a directory Apache's www-data children can reach (pytest's tmp_path is root-only)."""
    root = Path(tempfile.mkdtemp(prefix="entra-witness-"))
    root.chmod(0o755)
    made = Witnesses(root)
    yield made
    made.close()
    shutil.rmtree(root, ignore_errors=True)


def configure_tenant(harness: Harness, site: WitnessSite, mode: Mode) -> AppHandle:
    """Enterprise applications > New > Create your own application; Basic SAML Configuration
    with the SP's entity ID, ACS and logout URL; B.Simon assigned; the mode's signing options."""
    person = b_simon(DEMO_PASSWORD)
    user = harness.admin.create_user(person.password, **person.properties)
    app = harness.admin.add_custom_app(f"{site.name} witness")
    harness.admin.configure_saml(app, [site.entity_id], [site.acs_url], logout_url=site.logout_url)
    harness.admin.assign(app, user["id"])
    harness.admin_center.set_signing(app, option=mode.signing, algorithm=mode.algorithm)
    if mode.encrypted:
        harness.admin_center.set_token_encryption(app, site.encryption_certificate_pem)
    return app


class Refused(AssertionError):
    """The SP did not let the browser through; the message holds the page and the SP's log."""


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def landed(page: Any, url: str, site: WitnessSite) -> str:
    """The page's text once the browser has come to rest at `url`'s origin and it is `url`;
    anywhere else there (an SP's error page) is a refusal, raised at once with what the SP
    logged. Redirects commit no page, so the first page loaded at that origin is the answer."""
    try:
        page.wait_for_url(lambda at: at.startswith(origin(url)), timeout=30_000)
        page.wait_for_load_state()
    except Exception as error:
        raise Refused(f"{site.name}: never reached {origin(url)}, at {page.url}") from error
    if not page.url.startswith(url):
        raise Refused(
            f"{site.name} refused: at {page.url}\n{page.inner_text('body')[:800]}\n"
            f"--- SP log ---\n{site.error_log()[-3000:]}"
        )
    return str(page.inner_text("body"))


def sign_in_and_out(
    harness: Harness, page: Any, site: WitnessSite, app: AppHandle, mode: Mode
) -> None:
    """B.Simon signs in (from the SP or from My Apps' launcher) and the SP shows her UPN as
    its user and as the name claim; in the logout mode she then signs out at the SP, Entra
    answers with its signed LogoutResponse, and both sessions are over."""
    if mode.idp_initiated:
        page.goto(f"https://launcher.myapps.microsoft.com/api/signin/{app.app_id}")
    else:
        page.goto(site.protected_url)
    landed(page, "https://login.microsoftonline.com/", site)
    sign_in_on_entra(page, UPN, DEMO_PASSWORD)
    text = landed(page, site.landing_url, site)
    for expected in site.signed_in_texts(UPN):
        if expected not in text:
            raise Refused(f"{site.name} refused: {text[:800]}\n--- SP log ---\n{site.error_log()}")
    if mode.logout:
        page.goto(site.logout_start_url())
        sent = [m for m in harness.saml_log() if m["kind"] == "LogoutResponse"]
        assert sent and sent[-1]["direction"] == "out", "Entra answered the LogoutRequest"
        landed(page, site.signed_out_url, site)
        page.goto(site.protected_url)
        page.wait_for_url("https://login.microsoftonline.com/**")


@pytest.mark.parametrize("mode", MODES, ids=[m.name for m in MODES])
@pytest.mark.parametrize("witness", list(WITNESSES))
def test_witness_accepts_the_tenant(
    harness: Harness,
    entra_page: Any,
    witnesses: Witnesses,
    witness: str,
    mode: Mode,
) -> None:
    reason = UNSUPPORTED.get((witness, mode.name))
    if reason:
        pytest.skip(reason)
    site = witnesses.get(witness)
    app = configure_tenant(harness, site, mode)
    site.start(harness.admin.app_federation_metadata(app))
    quirk = site.quirks.get(mode.name)
    try:
        if quirk is None:
            sign_in_and_out(harness, entra_page, site, app, mode)
            return
        # A refusal real Entra causes too (docs/fidelity.md): it must happen, and exactly so.
        with pytest.raises(Refused) as refused:
            sign_in_and_out(harness, entra_page, site, app, mode)
        assert quirk in str(refused.value), str(refused.value)
    finally:
        site.stop()
