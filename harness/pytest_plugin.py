"""Pytest fixtures of the harness, published through the `pytest11` entry point.

`entra_stack` (session): the tenant and vendors served once per session on port 0.
`harness` (function): the same stack reset before each test, with admin clients.
`entra_browser` (session) / `entra_page` (function): Debian's Chromium driven by Playwright,
routed to the mocks; a failed test keeps a screenshot and a Playwright trace.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .session import Harness
from .stack import CHROMIUM, Stack

# check-sp and check-scim as pytest options (--check-sp-…, --check-scim-…).
pytest_plugins = ["harness.pytest_checks"]


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


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--demo-report", None):
        from .demo_report import DemoReport

        config.pluginmanager.register(
            DemoReport(Path(config.getoption("--demo-report"))), "entra-demo-report"
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"entra_report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def entra_stack() -> Iterator[Stack]:
    stack = Stack().start()
    yield stack
    stack.stop()


@pytest.fixture
def harness(entra_stack: Stack) -> Iterator[Harness]:
    entra_stack.reset()
    with entra_stack.http_client() as client:
        yield Harness(entra_stack, client)


@pytest.fixture(scope="session")
def entra_browser(entra_stack: Stack) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=entra_stack.chromium_args()
        )
        yield browser
        browser.close()


@pytest.fixture
def entra_page(
    entra_browser: Any, harness: Harness, request: pytest.FixtureRequest
) -> Iterator[Any]:
    context = entra_browser.new_context(viewport={"width": 1100, "height": 760})
    context.tracing.start(screenshots=True, snapshots=True)
    page = context.new_page()
    request.node.stash[PAGE_KEY] = page
    yield page
    failed = getattr(request.node, "entra_report_call", None)
    if failed is not None and failed.failed:
        directory = Path(request.config.getoption("--entra-artifacts")) / _safe(request.node.nodeid)
        directory.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(directory / "screenshot.png"), full_page=True)
        context.tracing.stop(path=str(directory / "trace.zip"))
    else:
        context.tracing.stop()
    context.close()


PAGE_KEY = pytest.StashKey[Any]()


def _safe(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid)[-150:]
