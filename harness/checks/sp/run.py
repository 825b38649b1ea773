"""`entra-harness check-sp`: point the simulated tenant at any SAML service provider by its
metadata, sign in through it in Chromium, then post each forged Response of
harness.checks.sp.attacks to its ACS; report conformance and security results (issue 8)."""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from harness.checks import results as reports
from harness.checks.results import CheckResult
from harness.checks.sp.attacks import CATALOGUE, Material, forge
from harness.clients.entra_pages import sign_in_on_entra
from harness.clients.http_browser import HttpBrowser, forms_of
from harness.clients.session import Harness
from harness.clients.tenant_admin import AppHandle
from harness.serving.hostmap import http_client
from harness.serving.stack import CHROMIUM, DEMO_PASSWORD, Stack
from mock_idp.admin import NON_GALLERY_TEMPLATE_ID
from mock_idp.certificates import SigningCertificate
from mock_idp.sp_metadata import parse_sp_metadata
from mock_idp.xml_signing import load_key

WANT_ASSERTIONS_SIGNED = re.compile(rb'WantAssertionsSigned\s*=\s*["\']true["\']')
# SAML V2.0 Metadata Profile for Algorithm Support: <alg:SigningMethod Algorithm="…"/>.
SIGNING_METHOD = re.compile(rb'SigningMethod\b[^>]*\bAlgorithm\s*=\s*["\']([^"\']+)["\']')
RSA_SHA1 = b"http://www.w3.org/2000/09/xmldsig#rsa-sha1"
FORGERIES_AT_ONCE = 4


@dataclass
class CheckSpOptions:
    metadata: str  # a file path or an https URL
    sign_on_url: str | None = None
    user: str = "B.Simon@contoso.com"
    password: str = DEMO_PASSWORD
    success_url: str | None = None  # a regular expression the final URL must match
    success_text: str | None = None  # text the final page must contain
    report_dir: Path = Path("reports/check-sp")
    key_dir: Path | None = None  # keeps the IdP signing key so the SP is configured once
    # The SP answers only its own AuthnRequests: forged Responses answer one (from the sign-on
    # URL) and an unsolicited Response must be refused.
    sp_initiated_only: bool = False
    require_sha256: bool = False  # also when the metadata's alg:SigningMethod omit RSA-SHA1


@dataclass
class CheckSpRun:
    sp_entity_id: str
    idp_metadata_path: str
    results: list[CheckResult] = field(default_factory=list)

    @property
    def failed(self) -> list[CheckResult]:
        return reports.failed(self.results)


def read_metadata(location: str, client: httpx.Client) -> bytes:
    if location.startswith(("https://", "http://")):
        response = client.get(location)
        response.raise_for_status()
        return response.content
    return Path(location).read_bytes()


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


class SpChecker:
    def __init__(self, stack: Stack, options: CheckSpOptions, client: httpx.Client) -> None:
        self.stack = stack
        self.options = options
        self.harness = Harness(stack, client)
        self.metadata = b""
        self.app: AppHandle | None = None
        self.sp_hosts: list[str] = []
        self.ssl_context = stack.ca.client_context()  # one per run: each client reuses it
        self.tenant_cookies = httpx.Cookies()  # the tenant's SSO session once signed in

    # set-up
    def set_up(self, configure_sp: Callable[[bytes, AppHandle], None] | None) -> CheckSpRun:
        options, admin = self.options, self.harness.admin
        self.metadata = read_metadata(options.metadata, self.harness.http)
        sp = parse_sp_metadata(self.metadata)
        self.sp_hosts = hosts_of([r.url for r in sp.reply_urls] + [options.sign_on_url or ""])
        local, _, _ = options.user.partition("@")
        user = admin.create_user(
            options.password, userPrincipalName=options.user, displayName=local, mail=options.user
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
        admin.assign(self.app, user["id"])
        idp_metadata = admin.app_federation_metadata(self.app)
        options.report_dir.mkdir(parents=True, exist_ok=True)
        metadata_path = options.report_dir / "idp-metadata.xml"
        metadata_path.write_bytes(idp_metadata)
        if configure_sp is not None:
            configure_sp(idp_metadata, self.app)
        return CheckSpRun(sp.entity_id, str(metadata_path))

    # outcome of one exchange with the SP
    def succeeded(self, status: int, url: str, text: str) -> bool:
        """The SP signed the user in: the final URL or page as the options say, else a page
        under 400 that is not Entra's (an error page or a refusal is not a sign-in)."""
        if self.options.success_url:
            return re.search(self.options.success_url, url) is not None
        if self.options.success_text:
            return self.options.success_text in text
        return status < 400 and urlsplit(url).hostname != "login.microsoftonline.com"

    def user_access_url(self) -> str:
        assert self.app is not None
        return self.stack.tenant.user_access_url(self.stack.tenant.find_app(self.app.app_id))

    # conformance in the browser
    def browser_checks(self, browser: Any = None) -> list[CheckResult]:
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
        results = []
        flows = (
            []
            if self.options.sp_initiated_only
            else [("idp-initiated sign-in", self.user_access_url())]
        )
        if self.options.sign_on_url:
            flows.append(("sp-initiated sign-in", self.options.sign_on_url))
        for name, start in flows:
            started = time.perf_counter()
            context = browser.new_context(ignore_https_errors=False)
            page = context.new_page()
            observed = ""
            statuses: list[int] = []

            def record(response: Any, seen: list[int] = statuses, tab: Any = page) -> None:
                if response.request.is_navigation_request() and response.frame == tab.main_frame:
                    seen.append(response.status)

            page.on("response", record)
            try:
                page.goto(start)
                sign_in_on_entra(page, self.options.user, self.options.password)
                page.wait_for_load_state("load")
                page.wait_for_timeout(300)
                observed = f"{statuses[-1] if statuses else '?'} at {page.url}"
                ok = self.succeeded(statuses[-1] if statuses else 0, page.url, page.content())
            except Exception as error:  # a broken SP must give a result, not a crash
                ok, observed = False, f"{type(error).__name__}: {error}"
            context.close()
            results.append(
                CheckResult(
                    name,
                    "conformance",
                    ok,
                    "signed in",
                    observed,
                    time.perf_counter() - started,
                )
            )
        return results

    # forged Responses over HTTP
    def client(self, cookies: httpx.Cookies | None = None) -> httpx.Client:
        return http_client(self.stack.host_map, self.ssl_context, cookies=cookies)

    def issue(self, solicited: bool) -> tuple[Material, httpx.Cookies]:
        """A Response the tenant really issues for this SP now (read from the auto-post form):
        IdP-initiated, or answering an AuthnRequest from the sign-on URL; with the browser's
        cookies, as an SP may keep its AuthnRequest in its session (a forgery arrives with them).
        The tenant's session is kept, so only the first one signs in."""
        assert self.app is not None
        browser = HttpBrowser(self.client(self.tenant_cookies))
        try:
            start = self.options.sign_on_url if solicited else self.user_access_url()
            assert start is not None
            page = browser.get(start)
            if not any("SAMLResponse" in f.fields for f in forms_of(page)):
                page = browser.sign_in(page, self.options.user, self.options.password)
                self.tenant_cookies = httpx.Cookies(browser.client.cookies)
            form = next(f for f in forms_of(page) if "SAMLResponse" in f.fields)
            cookies = httpx.Cookies(browser.client.cookies)
        finally:
            browser.close()
        certificate = self.stack.tenant.find_app(self.app.app_id).active_certificate
        assert certificate is not None
        material = Material(
            base64.b64decode(form.fields["SAMLResponse"]),
            load_key(certificate.private_key_pem, certificate.pem),
        )
        return material, cookies

    def post(
        self, saml_response: str, acs: str, cookies: httpx.Cookies | None = None
    ) -> tuple[bool, str]:
        """One POST to the ACS from a browser holding only `cookies` (never an SP session from
        an earlier check), following redirects to the page the user would see."""
        browser = HttpBrowser(self.client(cookies))
        try:
            response = browser._follow(
                browser.client.post(acs, data={"SAMLResponse": saml_response})
            )
            return self.succeeded(response.status_code, str(response.url), response.text), (
                f"{response.status_code} at {response.url}"
            )
        except httpx.HTTPError as error:
            return False, f"{type(error).__name__}: {error}"
        finally:
            browser.close()

    def security_checks(self) -> list[CheckResult]:
        solicited = self.options.sp_initiated_only
        material, cookies = self.issue(solicited)
        acs = re.search(rb'Destination="([^"]+)"', material.xml)
        assert acs is not None
        acs_url = acs.group(1).decode()
        results = []
        legit = base64.b64encode(material.xml).decode()
        first, first_seen = self.post(legit, acs_url, cookies)
        results.append(
            CheckResult(
                "entra-quirks-accepted",
                "quirk",
                first,
                "accepted: assertion-only signature, attributes without "
                "NameFormat, metadata with BOM",
                first_seen,
            )
        )
        again, again_seen = self.post(legit, acs_url, cookies)
        results.append(CheckResult("replay", "security", not again, "refused", again_seen))
        results.append(self.unsolicited_check(acs_url))
        # Each forgery is made from its own fresh Response, so none depends on another: a few
        # at a time (the SP's signature checks and the sign-ins overlap; results keep their order).
        with ThreadPoolExecutor(max_workers=FORGERIES_AT_ONCE) as pool:
            results.extend(pool.map(lambda name: self.forged(name, acs_url), sorted(CATALOGUE)))
        return results

    def forged(self, name: str, acs_url: str) -> CheckResult:
        """One forgery of the catalogue, made from a fresh Response and posted to the ACS."""
        started = time.perf_counter()
        material, cookies = self.issue(self.options.sp_initiated_only)
        forgery = forge(name, material)
        accepted, observed = self.post(forgery.saml_response, acs_url, cookies)
        wants_signed_assertions = bool(WANT_ASSERTIONS_SIGNED.search(self.metadata))
        wants_sha256 = self.options.require_sha256 or requires_sha256(self.metadata)
        informational = (forgery.expect == "refuse-if-sha256-required" and not wants_sha256) or (
            forgery.expect == "refuse-if-assertion-signature-required"
            and not wants_signed_assertions
        )
        return CheckResult(
            name,
            "security",
            informational or not accepted,
            "refused" if not informational else "either (informational)",
            ("accepted " if accepted else "refused ") + observed,
            time.perf_counter() - started,
        )

    def unsolicited_check(self, acs_url: str) -> CheckResult:
        """An SP that sends AuthnRequests only must refuse a Response answering none (SAML
        Profiles §4.1.5: unsolicited Responses are the IdP-initiated case the SP opted out of)."""
        name = "unsolicited-response"
        if not self.options.sp_initiated_only:
            return CheckResult(
                name,
                "security",
                True,
                "refused",
                "not run: the SP accepts IdP-initiated sign-in",
                skipped=True,
            )
        started = time.perf_counter()
        material, cookies = self.issue(solicited=False)
        accepted, observed = self.post(base64.b64encode(material.xml).decode(), acs_url, cookies)
        return CheckResult(
            name,
            "security",
            not accepted,
            "refused",
            ("accepted " if accepted else "refused ") + observed,
            time.perf_counter() - started,
        )


def run_check_sp(
    stack: Stack,
    options: CheckSpOptions,
    configure_sp: Callable[[bytes, AppHandle], None] | None = None,
    browser: Any = None,
) -> CheckSpRun:
    with stack.http_client() as client:
        checker = SpChecker(stack, options, client)
        run = checker.set_up(configure_sp)
        run.results.extend(checker.browser_checks(browser))
        run.results.extend(checker.security_checks())
    write_reports(run, options.report_dir)
    return run


def table(run: CheckSpRun) -> str:
    return reports.table(f"SP {run.sp_entity_id}", run.results)


def write_reports(run: CheckSpRun, directory: Path) -> None:
    reports.write_reports(
        directory,
        "check-sp",
        f"SP {run.sp_entity_id}",
        f"IdP metadata the SP must trust: {run.idp_metadata_path}",
        run.results,
        asdict(run),
    )


def hosts_of(urls: list[str]) -> list[str]:
    return sorted({urlsplit(u).hostname or "" for u in urls} - {""})
