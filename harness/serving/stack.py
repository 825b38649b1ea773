"""The whole simulated world: the tenant and every gallery vendor, served over HTTPS locally."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from gallery import load_gallery
from gallery.generic import imported_gallery, tutorials_from_environment
from harness.serving.hostmap import HostMap, http_client
from harness.serving.persisting import SaveAfterEachRequest, TenantState
from harness.serving.servers import HostDispatcher, ServedApp, ServicesByHost
from harness.serving.tls import TestCertificateAuthority
from mock_idp.access_tokens import AUTOMATION_CLIENT
from mock_idp.provisioning.wire import KeepAliveHttp
from mock_idp.tenant import Tenant
from mock_idp.web import create_tenant_web
from mock_kernel.clock import Clock
from mock_scim.target import open_store
from mock_sp.vendor import Vendor
from mock_sp.web import create_vendor_web


def _chromium() -> str:
    """Debian's chromium-headless-shell when installed: the same Chromium build without the
    desktop browser around it, which is what Playwright itself runs for headless Chromium; a
    sign-in through Entra's form takes ~470 ms in it against ~640 ms in /usr/bin/chromium
    (bench/run.py's browser section). ENTRA_HARNESS_CHROMIUM names another executable."""
    chosen = os.environ.get("ENTRA_HARNESS_CHROMIUM")
    if chosen:
        return chosen
    shell = "/usr/bin/chromium-headless-shell"
    return shell if os.path.exists(shell) else "/usr/bin/chromium"


CHROMIUM = _chromium()
# Chromium flags this machine needs (no sandbox as root, no network beyond the mocks).
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    # One renderer per context rather than one per site: a sign-in crosses three sites
    # (microsoft.com, microsoftonline.com, the vendor's), and each new renderer process cost
    # more than any server step (bench/run.py browser section). The browser only visits the
    # mocks and an SP under test.
    "--disable-site-isolation-trials",
    "--disable-features=IsolateOrigins,site-per-process",
    # The pages of one context share its renderer: a test's new page starts in ~60 ms instead
    # of ~300 ms for a process of its own (harness/pytest_plugin.py reuses one context).
    "--renderer-process-limit=1",
]


# The vendors' SCIM stores: "sqlite" (the default: a restarted server keeps its users) or
# "memory"; SQLite files go to ENTRA_HARNESS_SCIM_DIR, else to a temporary directory.
SCIM_STORE_VARIABLE = "ENTRA_HARNESS_SCIM_STORE"
SCIM_DIRECTORY_VARIABLE = "ENTRA_HARNESS_SCIM_DIR"


class Stack:
    """Tenant + vendors + the host map and test CA that let the tutorials' URLs work literally."""

    def __init__(
        self,
        ca_directory: Path | None = None,
        enable_control: bool = True,
        scim_store: str | None = None,
        scim_directory: Path | None = None,
        tutorials: list[Path] | None = None,
        state_directory: Path | None = None,
    ) -> None:
        self.clock = Clock()
        if state_directory is not None and scim_store is None:
            # `--state DIR` (issue 22): the vendors' SCIM stores live there too, so a restarted
            # stack finds at each vendor the users its provisioning jobs created before.
            scim_store, scim_directory = "sqlite", scim_directory or Path(state_directory) / "scim"
        # Imported tutorials (issue 18): their apps join the gallery and get a generic vendor.
        chosen = tutorials if tutorials is not None else tutorials_from_environment()
        self.imported = imported_gallery(chosen) if chosen else {}
        gallery = {**load_gallery(), **self.imported}
        # The provisioning service reaches the vendors' SCIM URLs through the same host map.
        self.tenant = Tenant(
            self.clock,
            http_client_factory=lambda: KeepAliveHttp(
                route=self.host_map.route, ssl_context=self.ca.client_context()
            ),
            gallery=gallery,
        )
        # The tenant's state directory, loaded now and saved after every request (None: the
        # tenant lives in memory, as in the test suite).
        self.tenant_state = (
            TenantState(self.tenant, state_directory) if state_directory is not None else None
        )
        self.scim_store = scim_store or os.environ.get(SCIM_STORE_VARIABLE) or "sqlite"
        configured = scim_directory or os.environ.get(SCIM_DIRECTORY_VARIABLE)
        self.scim_directory: Path | None = Path(configured) if configured else None
        self._temporary_scim_directory = self.scim_directory is None and self.scim_store != "memory"
        if self._temporary_scim_directory:
            self.scim_directory = Path(tempfile.mkdtemp(prefix="entra-harness-scim-"))
        self.vendors = {
            key: Vendor(
                app,
                self.clock,
                scim_store=open_store(self.scim_store, self.scim_directory, key),
                fetch=self.fetch,
            )
            for key, app in gallery.items()
        }
        self.tenant_web = create_tenant_web(self.tenant, enable_control=enable_control)
        self.vendor_webs = {
            key: create_vendor_web(v, enable_control) for key, v in self.vendors.items()
        }
        hosts = list(self.tenant_web.by_host)
        for web in self.vendor_webs.values():
            hosts.extend(web.by_host)
        self.ca = TestCertificateAuthority(hosts, ca_directory)
        self.host_map = HostMap()
        self.servers: dict[str, ServedApp] = {}

    def services(self) -> dict[str, HostDispatcher]:
        """One server per mock, as docker-compose runs them: 'tenant' and each vendor key."""
        tenant: Any = HostDispatcher(self.tenant_web.by_host, self.tenant_web.control)
        if self.tenant_state is not None:
            tenant = SaveAfterEachRequest(tenant, self.tenant)
        services: dict[str, Any] = {"tenant": tenant}
        imported = []
        for key, web in self.vendor_webs.items():
            dispatcher = HostDispatcher(web.by_host, web.control)
            if key in self.imported:
                imported.append(dispatcher)
            else:
                services[key] = dispatcher
        if imported:
            services[IMPORTED_SERVICE] = ServicesByHost(imported)
        return services

    def fetch(self, url: str) -> bytes:
        """A vendor downloading a URL (App Federation Metadata Url) through the host map."""
        with self.http_client() as client:
            response = client.get(url)
            response.raise_for_status()
            return response.content

    def start(
        self,
        ports: dict[str, int] | None = None,
        only: list[str] | None = None,
        bind: str = "127.0.0.1",
    ) -> Stack:
        """Serve each mock (or `only` those) on its port from `ports`, else a free one."""
        tls = (self.ca.cert_path, self.ca.key_path)
        for name, dispatcher in self.services().items():
            if only is not None and name not in only:
                continue
            port = (ports or {}).get(name, 0)
            server = ServedApp(name, dispatcher, tls, host=bind, port=port).start()
            self.servers[name] = server
            self.host_map.add(list(dispatcher.by_host), server.port)
        self.wait_healthy()
        return self

    def wait_healthy(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        with httpx.Client(verify=self.ca.client_context(), timeout=2.0) as client:
            for name, server in self.servers.items():
                while True:
                    try:
                        if (
                            client.get(f"https://127.0.0.1:{server.port}/healthz").status_code
                            == 200
                        ):
                            break
                    except httpx.HTTPError:
                        pass
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"{name} did not answer /healthz")
                    time.sleep(0.02)

    def stop(self) -> None:
        # Together, not one after another: a cheroot server takes ~0.5 s to stop (its serve
        # loop notices on a timer), and four in a row on a loaded machine once exceeded the
        # 15 s that `entra-harness up`'s test gives Ctrl-C.
        servers = list(self.servers.values())
        with ThreadPoolExecutor(max_workers=max(len(servers), 1)) as pool:
            list(pool.map(ServedApp.stop, servers))
        self.servers.clear()
        for vendor in self.vendors.values():
            vendor.close()
        if self._temporary_scim_directory and self.scim_directory is not None:
            shutil.rmtree(self.scim_directory, ignore_errors=True)
        if self.tenant_state is not None:
            self.tenant_state.close()
        self.ca.remove()

    def reset(self) -> None:
        """Before each scenario: fresh tenant, fresh vendors (SCIM stores emptied, request logs
        cleared), a running clock."""
        self.clock.reset()
        self.tenant.reset()
        for vendor in self.vendors.values():
            vendor.reset()

    def http_client(self, **kwargs: Any) -> httpx.Client:
        return http_client(self.host_map, self.ca.client_context(), **kwargs)

    def chromium_args(self, allow: list[str] | None = None) -> list[str]:
        return [
            *CHROMIUM_FLAGS,
            f"--host-resolver-rules={self.host_map.chromium_rules(allow)}",
            f"--ignore-certificate-errors-spki-list={self.ca.leaf_spki_sha256}",
        ]

    def describe(self) -> dict[str, Any]:
        """The one JSON line of `entra-harness up --print-urls json`."""
        return {
            "tenant_id": self.tenant.tenant_id,
            "ca_certificate": str(self.ca.ca_path.resolve()),
            "hosts": self.host_map.as_dict(),
            "services": {name: f"https://127.0.0.1:{s.port}" for name, s in self.servers.items()},
            "credentials": {
                "demo_user": {
                    "userPrincipalName": "B.Simon@contoso.com",
                    "password": DEMO_PASSWORD,
                },
                "graph_admin_token": self.tenant.admin_token,
                # The confidential client a script signs in with at the token endpoint
                # (client credentials) for app-only Graph tokens, as the Graph SDKs do.
                "graph_client": {
                    "tenant_id": self.tenant.tenant_id,
                    "client_id": AUTOMATION_CLIENT.client_id,
                    "client_secret": AUTOMATION_CLIENT.secret,
                    "token_endpoint": (
                        f"https://login.microsoftonline.com/{self.tenant.tenant_id}"
                        "/oauth2/v2.0/token"
                    ),
                },
                "vendor_console_tokens": {k: v.console_token for k, v in self.vendors.items()},
                "vendor_console_administrators": {
                    k: {"email": v.console_admin.email, "password": v.console_admin.password}
                    for k, v in self.vendors.items()
                },
                "scim_tokens": {k: v.scim.token for k, v in self.vendors.items() if v.scim},
            },
            "scim_tenant_urls": {k: v.scim.base_url for k, v in self.vendors.items() if v.scim},
            "chromium_args": self.chromium_args(),
        }


DEMO_PASSWORD = "Harness-Demo-Passw0rd!"
# The imported tutorials' vendors share one server under this service name.
IMPORTED_SERVICE = "gallery"
