"""`entra-harness check-sp`: point the simulated tenant at any SAML service provider by its
metadata, check that both test accounts sign in (in Chromium and over HTTP), then post each
forged Response of harness.checks.sp.attacks to its ACS and judge it by who got signed in
(issues 8 and 15)."""

from __future__ import annotations

import base64
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from harness.checks.sp import report
from harness.checks.sp.attacks import CATALOGUE, DOCS, Material, forge
from harness.checks.sp.identity import Answer, IdentityRule, identity_from_whoami
from harness.checks.sp.report import SpCheckResult
from harness.clients.entra_pages import sign_in_on_entra
from harness.clients.http_browser import HttpBrowser, forms_of
from harness.clients.session import Harness
from harness.clients.tenant_admin import AppHandle
from harness.serving.hostmap import HostMapTransport
from harness.serving.stack import CHROMIUM, DEMO_PASSWORD, Stack
from mock_idp.admin import NON_GALLERY_TEMPLATE_ID
from mock_idp.certificates import SigningCertificate
from mock_idp.sp_metadata import SpMetadata, SpMetadataError, parse_sp_metadata
from mock_idp.xml_signing import load_key

WANT_ASSERTIONS_SIGNED = re.compile(rb'WantAssertionsSigned\s*=\s*["\']true["\']')
# SAML V2.0 Metadata Profile for Algorithm Support: <alg:SigningMethod Algorithm="…"/>.
SIGNING_METHOD = re.compile(rb'SigningMethod\b[^>]*\bAlgorithm\s*=\s*["\']([^"\']+)["\']')
RSA_SHA1 = b"http://www.w3.org/2000/09/xmldsig#rsa-sha1"
FORGERIES_AT_ONCE = 4
ENTRA_HOST = "login.microsoftonline.com"


class SpInputError(ValueError):
    """A mistake in what check-sp was given: one line and exit code 2 (issue 15, Deliver 6)."""


@dataclass
class CheckSpOptions:
    metadata: str  # a file path or an https URL
    sign_on_url: str | None = None
    user: str = "B.Simon@contoso.com"  # the victim: an account at the SP
    password: str = DEMO_PASSWORD
    # The attacker: an ordinary second account at the SP (default attacker@<the user's domain>).
    attacker_user: str | None = None
    attacker_password: str | None = None
    success_url: str | None = None  # a regular expression the final URL must match
    success_text: str | None = None  # text the final page contains; "{user}" is the user
    whoami_url: str | None = None  # answers the signed-in identity (JSON or plain text)
    report_dir: Path = Path("reports/check-sp")
    key_dir: Path | None = None  # keeps the IdP signing key so the SP is configured once
    # The SP answers only its own AuthnRequests: forged Responses answer one (from the sign-on
    # URL) and an unsolicited Response must be refused.
    sp_initiated_only: bool = False
    require_sha256: bool = False  # also when the metadata's alg:SigningMethod omit RSA-SHA1
    timeout: float = 10.0  # seconds per request to the SP: a hung SP is an error, not a pass

    @property
    def attacker(self) -> str:
        return self.attacker_user or "attacker@" + (self.user.partition("@")[2] or "contoso.com")

    def identity_rule(self) -> IdentityRule:
        return IdentityRule(
            (self.user, self.attacker), self.success_url, self.success_text, self.whoami_url
        )


@dataclass
class CheckSpRun:
    sp_entity_id: str
    idp_metadata_path: str
    results: list[SpCheckResult] = field(default_factory=list)
    problem: str | None = None  # why the security checks did not run, in one sentence
    seconds: float = 0.0

    @property
    def failed(self) -> list[SpCheckResult]:
        return [r for r in self.results if not r.passed]


def read_metadata(location: str, client: httpx.Client | None) -> bytes:
    """The SP's metadata bytes; any input mistake as one SpInputError line."""
    if location.startswith(("https://", "http://")):
        assert client is not None
        try:
            response = client.get(location)
        except httpx.HTTPError as error:
            raise SpInputError(
                f"cannot reach the SP metadata at {location} ({type(error).__name__}: {error}); "
                "check the URL and that the SP is up"
            ) from None
        if response.status_code != 200:
            raise SpInputError(
                f"the SP metadata URL {location} answered {response.status_code}, not the "
                "metadata; check the URL (often …/saml/metadata)"
            )
        return response.content
    path = Path(location)
    if not path.is_file():
        raise SpInputError(
            f"no metadata file {location}; give the SP's metadata as a file or an https URL"
        )
    return path.read_bytes()


def parse_metadata(document: bytes, location: str) -> SpMetadata:
    head = document.lstrip(b"\xef\xbb\xbf \t\r\n")[:200].lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise SpInputError(
            f"{location} is an HTML page, not SAML metadata; give the URL of the SP's metadata XML"
        )
    try:
        return parse_sp_metadata(document)
    except SpMetadataError as error:
        raise SpInputError(f"{location}: {error}") from None


def requires_sha256(metadata: bytes) -> bool:
    """The SP's metadata lists the signing methods it accepts, and RSA-SHA1 is not one."""
    methods = SIGNING_METHOD.findall(metadata)
    return bool(methods) and RSA_SHA1 not in methods


def persistent_certificate(directory: Path) -> SigningCertificate:
    """The IdP signing certificate kept in `directory`, made on the first run, so the SP under
    test trusts the same key every run (the SP is configured once with idp-metadata.xml)."""
    key_path, cert_path = directory / "signing-key.pem", directory / "signing-cert.pem"
    if key_path.exists() and cert_path.exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return SigningCertificate(
            key, x509.load_pem_x509_certificate(cert_path.read_bytes()), active=True
        )
    from mock_kernel.clock import Clock

    directory.mkdir(parents=True, exist_ok=True)
    certificate = SigningCertificate.create(
        rsa.generate_private_key(public_exponent=65537, key_size=2048), Clock().now()
    )
    certificate.active = True
    key_path.write_bytes(certificate.private_key_pem)
    cert_path.write_text(certificate.pem)
    return certificate


class Aborted(Exception):
    """The SP stopped answering: the checks left are not run."""


class SpChecker:
    def __init__(self, stack: Stack, options: CheckSpOptions, client: httpx.Client) -> None:
        self.stack = stack
        self.options = options
        self.harness = Harness(stack, client)
        self.metadata = b""
        self.app: AppHandle | None = None
        self.sp_hosts: list[str] = []
        self.ssl_context = stack.ca.client_context()  # one per run: each client reuses it
        self.rule = options.identity_rule()
        self.passwords = {
            options.user: options.password,
            options.attacker: options.attacker_password or options.password,
        }
        self.tenant_cookies: dict[str, httpx.Cookies] = {}  # each user's tenant SSO session
        self.relay_states: dict[int, str | None] = {}  # by id() of the Material issued
        self.stop = threading.Event()  # set when the SP stops answering
        self.evidence = options.report_dir / "evidence"

    # set-up
    def set_up(self, configure_sp: Callable[[bytes, AppHandle], None] | None) -> CheckSpRun:
        options, admin = self.options, self.harness.admin
        self.metadata = read_metadata(options.metadata, self.sp_client())
        sp = parse_metadata(self.metadata, options.metadata)
        self.sp_hosts = hosts_of([r.url for r in sp.reply_urls] + [options.sign_on_url or ""])
        users = []
        for upn in (options.user, options.attacker):
            local, _, _ = upn.partition("@")
            users.append(
                admin.create_user(
                    self.passwords[upn], userPrincipalName=upn, displayName=local, mail=upn
                )
            )
        created = self.harness.http.post(
            f"https://graph.microsoft.com/v1.0/applicationTemplates/{NON_GALLERY_TEMPLATE_ID}"
            "/instantiate",
            headers=admin.headers,
            json={"displayName": "SP under test"},
        )
        created.raise_for_status()
        body = created.json()
        self.app = AppHandle(
            body["application"]["displayName"],
            body["application"]["appId"],
            body["application"]["id"],
            body["servicePrincipal"]["id"],
        )
        admin.configure_saml(
            self.app, [sp.entity_id], [r.url for r in sp.reply_urls], logout_url=sp.logout_url
        )
        self.harness.admin_center.upload_sp_metadata(self.app, self.metadata)
        if options.key_dir is not None:
            tenant_app = self.stack.tenant.find_app(self.app.app_id)
            with self.stack.tenant.lock:
                tenant_app.certificates = [persistent_certificate(options.key_dir)]
        for user in users:
            admin.assign(self.app, user["id"])
        idp_metadata = admin.app_federation_metadata(self.app)
        options.report_dir.mkdir(parents=True, exist_ok=True)
        metadata_path = options.report_dir / "idp-metadata.xml"
        metadata_path.write_bytes(idp_metadata)
        if configure_sp is not None:
            configure_sp(idp_metadata, self.app)
        return CheckSpRun(sp.entity_id, str(metadata_path))

    def user_access_url(self) -> str:
        assert self.app is not None
        return self.stack.tenant.user_access_url(self.stack.tenant.find_app(self.app.app_id))

    # HTTP exchanges with the SP
    def sp_client(self, cookies: httpx.Cookies | None = None) -> httpx.Client:
        """Reaches the tenant's hosts locally and the SP as addressed, each request bounded by
        the timeout (a hung SP must end as an error, not hang the run)."""
        return httpx.Client(
            transport=HostMapTransport(self.stack.host_map, self.ssl_context),
            timeout=self.options.timeout,
            cookies=cookies,
        )

    def issue(self, user: str, solicited: bool) -> tuple[Material, httpx.Cookies]:
        """A Response the tenant really issues for `user` now (read from the auto-post form):
        IdP-initiated, or answering an AuthnRequest from the sign-on URL; with the browser's
        cookies, as an SP may keep its AuthnRequest in its session (a forgery arrives with them).
        Each user's tenant session is kept, so only the first Response signs in."""
        assert self.app is not None
        browser = HttpBrowser(self.sp_client(self.tenant_cookies.get(user)))
        try:
            start = self.options.sign_on_url if solicited else self.user_access_url()
            assert start is not None
            page = browser.get(start)
            if not any("SAMLResponse" in f.fields for f in forms_of(page)):
                page = browser.sign_in(page, user, self.passwords[user])
                # Only the tenant's cookies are the user's SSO session: an SP cookie set at the
                # sign-on URL (its AuthnRequest in its session) belongs to this attempt alone.
                self.tenant_cookies[user] = self.without_sp_cookies(browser.client.cookies)
            forms = [f for f in forms_of(page) if "SAMLResponse" in f.fields]
            if not forms:
                raise SpInputError(
                    f"the tenant issued no SAML Response for {user} (it answered "
                    f"{page.status_code} at {page.url}); check the user name and password"
                )
            cookies = httpx.Cookies(browser.client.cookies)
        finally:
            browser.close()
        certificate = self.stack.tenant.find_app(self.app.app_id).active_certificate
        assert certificate is not None
        material = Material(
            base64.b64decode(forms[0].fields["SAMLResponse"]),
            load_key(certificate.private_key_pem, certificate.pem),
        )
        # The RelayState goes back with the Response, as the browser's auto-post sends it (SAML
        # Bindings §3.5.3); an SP may check it against its state (CSRF), and an attacker
        # replays it too.
        self.relay_states[id(material)] = forms[0].fields.get("RelayState")
        return material, cookies

    def without_sp_cookies(self, cookies: httpx.Cookies) -> httpx.Cookies:
        kept = httpx.Cookies()
        for cookie in cookies.jar:
            if cookie.domain.lstrip(".") not in self.sp_hosts:
                kept.jar.set_cookie(cookie)
        return kept

    def relay_state(self, material: Material) -> str | None:
        return self.relay_states.pop(id(material), None)

    def post(
        self,
        saml_response: str,
        acs: str,
        cookies: httpx.Cookies | None = None,
        relay_state: str | None = None,
    ) -> Answer:
        """One POST to the ACS from a browser holding only `cookies` (never an SP session from
        an earlier check), following redirects and same-site meta refreshes to the page the
        user would see; then who is signed in. Connection errors, timeouts and 5xx are errors,
        never refusals."""
        browser = HttpBrowser(self.sp_client(cookies))
        data = {"SAMLResponse": saml_response}
        if relay_state is not None:
            data["RelayState"] = relay_state
        try:
            response = browser._follow(browser.client.post(acs, data=data))
            for _ in range(3):  # HTML §4.2.5.3: a browser follows <meta http-equiv=refresh>
                target = meta_refresh(response)
                if target is None or urlsplit(target).hostname != urlsplit(acs).hostname:
                    break
                response = browser.get(target)
            answer = Answer(response.status_code, str(response.url), excerpt=excerpt(response))
            if response.status_code >= 500:
                answer.error = f"the SP answered {response.status_code} at {response.url}"
                # Who is signed in still decides (a forgery refused with a 500 is a refusal, one
                # that signed the victim in before the page failed is not).
                if self.options.whoami_url:
                    who = identity_from_whoami(browser.client.get(self.options.whoami_url).text)
                    answer.signed_in, answer.identity = who is not None, who
                return answer
            answer.signed_in, answer.identity = self.rule.from_page(
                response.status_code, str(response.url), response.text
            )
            if self.options.whoami_url:
                whoami = browser.client.get(self.options.whoami_url)
                if whoami.status_code >= 500:
                    answer.error = f"the whoami URL answered {whoami.status_code}"
                    return answer
                who = identity_from_whoami(whoami.text) if whoami.status_code == 200 else None
                answer.signed_in, answer.identity = who is not None, who
            return answer
        except (httpx.HTTPError, RuntimeError) as error:
            return Answer(url=acs, error=f"{type(error).__name__}: {error or 'no answer'}")
        finally:
            browser.close()

    def legitimate(self, user: str, acs: str) -> Answer:
        material, cookies = self.issue(user, self.options.sp_initiated_only)
        return self.post(
            base64.b64encode(material.xml).decode(), acs, cookies, self.relay_state(material)
        )

    def acs_url(self) -> str:
        material, _ = self.issue(self.options.attacker, self.options.sp_initiated_only)
        self.relay_state(material)
        found = re.search(rb'Destination="([^"]+)"', material.xml)
        assert found is not None
        return found.group(1).decode()

    # prerequisites: both accounts sign in before any security check (Deliver 2)
    def prerequisites(self, acs: str) -> tuple[list[SpCheckResult], str | None]:
        results, problem = [], None
        for role, user in (("victim", self.options.user), ("attacker", self.options.attacker)):
            started = time.perf_counter()
            answer = self.legitimate(user, acs)
            ok = (
                answer.error is None
                and answer.signed_in
                and (answer.identity is None or answer.identity.lower() == user.lower())
            )
            result = SpCheckResult(
                f"sign-in-{role}",
                "conformance",
                ok,
                f"{user} signed in",
                answer.describe(),
                time.perf_counter() - started,
                outcome="error" if answer.error else None,
            )
            result.evidence.update(answer_evidence(answer))
            results.append(result)
            if ok or problem:
                continue
            configure = (
                f"configure the SP to trust {self.options.report_dir / 'idp-metadata.xml'} and "
                f"create both users {self.options.user} and {self.options.attacker} at the SP"
            )
            if answer.error and answer.status is None:
                problem = (
                    f"the SP does not answer at its ACS {acs} ({answer.error}): start it or "
                    "check the address in its metadata"
                )
            elif answer.error:
                problem = (
                    f"a legitimate sign-in of {user} failed ({answer.error}): {configure}; if it "
                    "is configured, its ACS fails on a valid Response"
                )
            elif answer.signed_in and answer.identity:
                problem = (
                    f"a legitimate sign-in of {user} signed in {answer.identity}: the SP must map "
                    "the NameID (the user's UPN) to its own account"
                )
            else:
                problem = (
                    f"a legitimate sign-in of {user} did not work ({answer.describe()}): "
                    f"{configure}; if the SP did sign in but shows it by script or elsewhere, "
                    "give --whoami-url"
                )
        return results, problem

    # conformance in the browser
    def browser_checks(self, browser: Any = None) -> list[SpCheckResult]:
        """In Chromium: the given browser (a test's), else one launched for the run."""
        if browser is None:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as playwright:
                launched = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=self.stack.chromium_args(self.sp_hosts)
                )
                try:
                    return self.browser_checks(launched)
                finally:
                    launched.close()
        flows = (
            []
            if self.options.sp_initiated_only
            else [("idp-initiated sign-in", self.user_access_url())]
        )
        if self.options.sign_on_url:
            flows.append(("sp-initiated sign-in", self.options.sign_on_url))
        return [self.browser_sign_in(browser, name, start) for name, start in flows]

    def browser_sign_in(self, browser: Any, name: str, start: str) -> SpCheckResult:
        """The victim signs in through the SP in a fresh browser context; the verdict is who the
        SP then shows (the success page, or its whoami URL in the same session)."""
        started = time.perf_counter()
        context = browser.new_context(ignore_https_errors=False)
        page = context.new_page()
        statuses: list[int] = []
        timeout_ms = self.options.timeout * 1000

        def record(response: Any) -> None:
            if response.request.is_navigation_request() and response.frame == page.main_frame:
                statuses.append(response.status)

        page.on("response", record)
        answer = Answer(url=start)
        try:
            page.goto(start, timeout=timeout_ms)
            sign_in_on_entra(page, self.options.user, self.options.password)
            # Wait for the page, not a fixed time: away from Entra, then loaded and settled.
            page.wait_for_url(lambda url: urlsplit(url).hostname != ENTRA_HOST, timeout=timeout_ms)
            text = settled_content(page, timeout_ms)
            status = statuses[-1] if statuses else 0
            answer = Answer(status, page.url, excerpt=visible_excerpt(text))
            if status >= 500:
                answer.error = f"the SP answered {status} at {page.url}"
            else:
                answer.signed_in, answer.identity = self.rule.from_page(status, page.url, text)
                if self.options.whoami_url:
                    whoami = context.request.get(self.options.whoami_url, timeout=timeout_ms)
                    who = identity_from_whoami(whoami.text()) if whoami.status == 200 else None
                    answer.signed_in, answer.identity = who is not None, who
        except Exception as error:  # a broken SP must give a result, not a crash
            answer = Answer(url=page.url, error=f"{type(error).__name__}: {error}".split("\n")[0])
        shot = self.evidence / f"{name.replace(' ', '-')}.png"
        try:
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot), timeout=timeout_ms)
        except Exception:  # no screenshot of a page that is gone; the answer says why
            shot = Path()
        context.close()
        user = self.options.user
        ok = (
            answer.error is None
            and answer.signed_in
            and (answer.identity is None or answer.identity.lower() == user.lower())
        )
        result = SpCheckResult(
            name,
            "conformance",
            ok,
            f"{user} signed in",
            answer.describe(),
            time.perf_counter() - started,
            outcome="error" if answer.error else None,
        )
        result.evidence.update(answer_evidence(answer))
        if shot != Path():
            result.evidence["screenshot"] = str(shot)
        return result

    # security checks over HTTP
    def security_checks(self, acs: str | None = None) -> list[SpCheckResult]:
        acs_url = acs or self.acs_url()
        attacker = self.options.attacker
        material, cookies = self.issue(attacker, self.options.sp_initiated_only)
        legit = base64.b64encode(material.xml).decode()
        relay = self.relay_state(material)
        first = self.post(legit, acs_url, cookies, relay)
        quirks = SpCheckResult(
            "entra-quirks-accepted",
            "quirk",
            first.error is None and first.signed_in,
            "accepted: assertion-only signature, attributes without NameFormat, metadata with BOM",
            first.describe(),
            outcome="error" if first.error else None,
        )
        again = self.post(legit, acs_url, cookies, relay)
        replay = SpCheckResult(
            "replay",
            "security",
            not again.refused_or_error and not again.signed_in,
            "refused",
            ("accepted twice: " if again.signed_in else "") + again.describe(),
            outcome=again.refused_or_error,
            attack="the attacker's own accepted Response posted a second time",
            why="a captured Response (browser history, a proxy log) signs in again",
            fix="keep the IDs of consumed assertions until they expire and refuse a second use",
            docs=DOCS + "replay",
        )
        results = [quirks, replay, self.unsolicited_check(acs_url)]
        # Each forgery is made from its own fresh Response, so none depends on another: a few
        # at a time (the SP's signature checks and the sign-ins overlap; results keep their order).
        with ThreadPoolExecutor(max_workers=FORGERIES_AT_ONCE) as pool:
            results.extend(pool.map(lambda name: self.forged(name, acs_url), sorted(CATALOGUE)))
        return results

    def forged(self, name: str, acs_url: str) -> SpCheckResult:
        """One forgery of the catalogue, made from a fresh Response for the attacker, posted to
        the ACS; then the SP must still answer a legitimate sign-in (Deliver 2)."""
        attack = CATALOGUE[name]
        result = SpCheckResult(
            name,
            "security",
            False,
            "refused",
            "",
            attack=attack.summary,
            cve=attack.cve,
            why=attack.why,
            fix=attack.fix,
            docs=DOCS + name,
        )
        if self.stop.is_set():
            result.outcome, result.observed = "not run", "not run: the SP stopped answering"
            return result
        started = time.perf_counter()
        material, cookies = self.issue(self.options.attacker, self.options.sp_initiated_only)
        relay = self.relay_state(material)
        forgery = forge(name, material, self.options.user)
        saved = self.evidence / f"{name}.xml"
        saved.parent.mkdir(parents=True, exist_ok=True)
        saved.write_bytes(forgery.document)
        result.evidence["forged Response"] = str(saved)
        answer = self.post(forgery.saml_response, acs_url, cookies, relay)
        result.evidence.update(answer_evidence(answer))
        wants_signed_assertions = bool(WANT_ASSERTIONS_SIGNED.search(self.metadata))
        wants_sha256 = self.options.require_sha256 or requires_sha256(self.metadata)
        informational = (
            forgery.expect == "informational"
            or (forgery.expect == "refuse-if-sha256-required" and not wants_sha256)
            or (
                forgery.expect == "refuse-if-assertion-signature-required"
                and not wants_signed_assertions
            )
        )
        victim = self.options.user.lower()
        took_victim = answer.signed_in and (
            answer.identity is None or answer.identity.lower() == victim
        )
        if informational:
            result.expected = "either (informational)"
        if answer.refused_or_error:
            result.outcome, result.observed = "error", answer.error or ""
        elif took_victim and not informational:
            who = answer.identity or "someone (identity not visible: give --whoami-url or "
            "--success-text with {user})"
            result.observed = f"accepted: signed in {who}; {answer.describe()}"
        else:
            result.passed = True
            result.observed = ("accepted " if answer.signed_in else "refused ") + answer.describe()
        alive = self.legitimate(self.options.attacker, acs_url)
        if alive.error or not alive.signed_in:
            self.stop.set()
            result.passed, result.outcome = False, "error"
            result.observed += (
                f"; afterwards a legitimate sign-in failed ({alive.describe()}): the SP stopped "
                "answering after this forgery"
            )
        result.seconds = time.perf_counter() - started
        return result

    def unsolicited_check(self, acs_url: str) -> SpCheckResult:
        """An SP that sends AuthnRequests only must refuse a Response answering none (SAML
        Profiles §4.1.5: unsolicited Responses are the IdP-initiated case the SP opted out of)."""
        name = "unsolicited-response"
        if not self.options.sp_initiated_only:
            return SpCheckResult(
                name,
                "security",
                True,
                "refused",
                "not run: the SP accepts IdP-initiated sign-in",
                skipped=True,
            )
        started = time.perf_counter()
        material, cookies = self.issue(self.options.attacker, solicited=False)
        answer = self.post(
            base64.b64encode(material.xml).decode(), acs_url, cookies, self.relay_state(material)
        )
        return SpCheckResult(
            name,
            "security",
            not answer.refused_or_error and not answer.signed_in,
            "refused",
            ("accepted " if answer.signed_in else "refused ") + answer.describe(),
            time.perf_counter() - started,
            outcome=answer.refused_or_error,
            attack="an IdP-initiated Response to an SP that only sends AuthnRequests",
            why="the SP opted out of IdP-initiated sign-in, which is open to login CSRF",
            fix="accept only Responses whose InResponseTo names a request this SP sent",
            docs=DOCS + name,
        )


def not_run(names: list[str], problem: str) -> list[SpCheckResult]:
    return [
        SpCheckResult(n, "security", False, "refused", f"not run: {problem}", outcome="not run")
        for n in names
    ]


def security_names(options: CheckSpOptions) -> list[str]:
    return ["entra-quirks-accepted", "replay", "unsolicited-response", *sorted(CATALOGUE)]


def run_check_sp(
    stack: Stack,
    options: CheckSpOptions,
    configure_sp: Callable[[bytes, AppHandle], None] | None = None,
    browser: Any = None,
    with_browser: bool = True,
) -> CheckSpRun:
    started = time.perf_counter()
    with stack.http_client() as client:
        checker = SpChecker(stack, options, client)
        run = checker.set_up(configure_sp)
        acs = checker.acs_url()
        prerequisites, run.problem = checker.prerequisites(acs)
        run.results.extend(prerequisites)
        if run.problem is None:
            if with_browser:
                run.results.extend(checker.browser_checks(browser))
            run.results.extend(checker.security_checks(acs))
        else:
            run.results.extend(not_run(security_names(options), run.problem))
    run.seconds = round(time.perf_counter() - started, 1)
    write_reports(run, options.report_dir)
    return run


def table(run: CheckSpRun) -> str:
    return report.table(run)


def write_reports(run: CheckSpRun, directory: Path) -> None:
    report.write(run, directory, asdict(run))


def hosts_of(urls: list[str]) -> list[str]:
    return sorted({urlsplit(u).hostname or "" for u in urls} - {""})


def excerpt(response: httpx.Response) -> str:
    return visible_excerpt(response.text)


def visible_excerpt(text: str) -> str:
    """The page's words, short: what a person would read on it."""
    words = re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"(?s)<(script|style).*?</\1>", "", text))
    )
    return words.strip()[:200]


def settled_content(page: Any, timeout_ms: float) -> str:
    """The page's HTML once loaded; a page that navigates again (a script or meta refresh
    after the ACS) is waited for instead of read mid-navigation."""
    for _ in range(5):
        try:
            page.wait_for_load_state("load", timeout=timeout_ms)
            return str(page.content())
        except Exception as error:
            if "navigating" not in str(error):
                raise
    return str(page.content())


META_REFRESH = re.compile(
    r"""<meta[^>]+http-equiv=["']?refresh["']?[^>]*content=["']?\s*\d+\s*;\s*url=([^"'>]+)""",
    re.IGNORECASE,
)


def meta_refresh(response: httpx.Response) -> str | None:
    """The absolute URL a page's meta refresh sends the browser to, if any."""
    found = META_REFRESH.search(response.text) if response.status_code == 200 else None
    return urljoin(str(response.url), found.group(1).strip()) if found else None


def answer_evidence(answer: Answer) -> dict[str, str]:
    evidence = {"answer": answer.describe()}
    if answer.excerpt:
        evidence["page"] = answer.excerpt
    if answer.identity:
        evidence["identity seen"] = answer.identity
    return evidence
