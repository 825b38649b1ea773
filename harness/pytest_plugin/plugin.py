"""Pytest fixtures of the harness, published through the `pytest11` entry point.

`entra_stack` (session): the tenant and vendors served once per session on port 0.
`harness` (function): the same stack reset before each test, with admin clients.
`entra_browser` (session) / `entra_page` (function): Debian's Chromium driven by Playwright,
routed to the mocks; a failed test keeps a screenshot and a Playwright trace.

Override in a conftest.py, as with pytest-playwright's `browser_type_launch_args`:
`entra_stack_options` (Stack's keyword arguments), `entra_browser_launch_args` (executable,
headless, arguments), `entra_browser_context_args` (viewport and other context options).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from harness.clients.session import Harness
from harness.pytest_plugin.snapshots import MARKER_HELP, chosen_snapshot, load_snapshot
from harness.report.demo_report import PAGE_KEY
from harness.serving.stack import CHROMIUM, Stack

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

# check-sp and check-scim as pytest options (--check-sp-…, --check-scim-…).
pytest_plugins = ["harness.pytest_plugin.checks"]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("entra-harness")
    group.addoption(
        "--entra-artifacts",
        default="reports/failures",
        help="where a failed browser test keeps its screenshot and trace",
    )
    group.addoption(
        "--demo-report",
        default=None,
        help="write the HTML demo report (steps, screenshots, SAML) to this path",
    )
    group.addoption(
        "--entra-browser-executable",
        default=CHROMIUM,
        help="the Chromium the browser fixtures launch (default: Debian's headless shell or chromium)",
    )
    group.addoption(
        "--entra-snapshot",
        default=None,
        help="load this tenant snapshot (entra-harness snapshot export) before each test",
    )
    group.addoption(
        "--entra-headed",
        action="store_true",
        help="show the browser window instead of running headless",
    )


# The tags of the packaged features, registered here so that another project running them
# (README "Use it in your own tests") gets no unknown-marker warning.
FEATURE_TAGS = {
    "vendor_ringcentral": "scenarios of the RingCentral gallery app",
    "vendor_8x8": "scenarios of the 8x8 gallery app",
    "vendor_genesys_cloud": "scenarios of the Genesys Cloud for Azure gallery app",
    "sso": "SAML single sign-on",
    "browser": "drives the real browser",
    "negative": "a refusal or error case",
    "provisioning": "SCIM user provisioning",
    "walkthrough": "follows a tutorial's own steps in the UI",
    "imported": "generated for an imported gallery tutorial (harness.gallery_scenarios)",
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER_HELP)
    for tag, meaning in FEATURE_TAGS.items():
        config.addinivalue_line("markers", f"{tag}: {meaning}")
    # Only the controller writes the report (a pytest-xdist worker has `workerinput`).
    if config.getoption("--demo-report", None) and not hasattr(config, "workerinput"):
        from harness.report.demo_report import DemoReport

        report = DemoReport(
            Path(config.getoption("--demo-report")), Path(config.getoption("--entra-artifacts"))
        )
        config.pluginmanager.register(report, "entra-demo-report")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"entra_report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def entra_stack_options() -> dict[str, Any]:
    """Keyword arguments of the session's Stack (scim_store, scim_directory, …); override to change."""
    return {}


@pytest.fixture(scope="session")
def entra_stack(entra_stack_options: dict[str, Any]) -> Iterator[Stack]:
    stack = Stack(**entra_stack_options).start()
    yield stack
    stack.stop()


@pytest.fixture
def entra_snapshot(request: pytest.FixtureRequest) -> Path | None:
    """The tenant snapshot `harness` loads after its reset: the `entra_snapshot(path)` marker's,
    else --entra-snapshot's (None: a fresh tenant). Override to choose another way."""
    return chosen_snapshot(request)


@pytest.fixture
def harness(entra_stack: Stack, entra_snapshot: Path | None) -> Iterator[Harness]:
    entra_stack.reset()
    if entra_snapshot is not None:
        load_snapshot(entra_stack.tenant, entra_snapshot)
    with entra_stack.http_client() as client:
        yield Harness(entra_stack, client)


@pytest.fixture(scope="session")
def entra_browser_launch_args(entra_stack: Stack, pytestconfig: pytest.Config) -> dict[str, Any]:
    """Playwright's launch options; the arguments route every mock's host to the stack."""
    return {
        "executable_path": pytestconfig.getoption("--entra-browser-executable", CHROMIUM),
        "headless": not pytestconfig.getoption("--entra-headed", False),
        "args": entra_stack.chromium_args(),
    }


@pytest.fixture(scope="session")
def entra_browser_context_args() -> dict[str, Any]:
    """Playwright's new_context options of the session's one context."""
    return {"viewport": {"width": 1100, "height": 760}}


@pytest.fixture(scope="session")
def entra_browser(entra_browser_launch_args: dict[str, Any]) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**entra_browser_launch_args)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def entra_context(
    entra_browser: Browser, entra_browser_context_args: dict[str, Any]
) -> Iterator[BrowserContext]:
    """The session's one browser context, emptied after each test (see entra_page). A fresh
    context per test costs a renderer process start, ~150 ms here against ~60 ms for a fresh
    page in this one (bench/run.py browser section); a blank page keeps its renderer alive."""
    context = entra_browser.new_context(**entra_browser_context_args)
    context.new_page()
    context.tracing.start(screenshots=True, snapshots=True)
    yield context
    context.tracing.stop()
    context.close()


@pytest.fixture
def entra_page(
    entra_context: BrowserContext, harness: Harness, request: pytest.FixtureRequest
) -> Iterator[Page]:
    """A new page (its own history and sessionStorage) in a context without cookies: what a
    test leaves (windows, cookies, granted permissions) is gone before the next one. This
    browser reaches only the mocks (host-resolver rules), and they keep nothing in localStorage
    or IndexedDB, so the context's web storage is not cleared (it would cost ~250 ms a test)."""
    context = entra_context
    context.tracing.start_chunk()
    page = context.new_page()
    request.node.stash[PAGE_KEY] = page
    yield page
    failed = getattr(request.node, "entra_report_call", None)
    if failed is not None and failed.failed:
        directory = Path(request.config.getoption("--entra-artifacts")) / _safe(request.node.nodeid)
        directory.mkdir(parents=True, exist_ok=True)
        if not page.is_closed():
            page.screenshot(path=str(directory / "screenshot.png"), full_page=True)
        context.tracing.stop_chunk(path=str(directory / "trace.zip"))
    else:
        context.tracing.stop_chunk()
    for opened in context.pages[1:]:
        opened.close()
    context.clear_cookies()
    context.clear_permissions()


def _safe(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid)[-150:]
