"""The demo report: per scenario its steps, a screenshot after each browser step, and the SAML
messages and SCIM exchanges of the step, decoded and explained (enabled by --demo-report PATH)."""

from __future__ import annotations

import base64
import html
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from harness.clients.scim_view import ScimView
from harness.report import scim_explain

SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"


# The scenario's browser page, stashed on its test item by the plugin's page fixture (its screenshots).
PAGE_KEY = pytest.StashKey[Any]()


@dataclass
class StepRecord:
    text: str
    status: str = "passed"
    screenshot: bytes | None = None
    messages: list[dict[str, Any]] = field(default_factory=list)
    # {"vendor", "sentence", "decoded"} for each SCIM request a vendor received during the step.
    scim: list[dict[str, str]] = field(default_factory=list)
    error: str | None = None
    # The step's docstring or data table, as the feature file shows it.
    argument: str | None = None


def step_argument(step: Any) -> str | None:
    if getattr(step, "docstring", None):
        return str(step.docstring)
    table = getattr(step, "datatable", None)
    if table is None:
        return None
    rows = [[str(cell) for cell in row] for row in table.raw()]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |"
        for row in rows
    )


@dataclass
class ScenarioRecord:
    feature: str
    name: str
    tags: list[str]
    steps: list[StepRecord] = field(default_factory=list)
    status: str = "passed"
    seconds: float = 0.0


def explain(message: dict[str, Any]) -> str:
    """One sentence for a reader who has never seen SAML."""
    try:
        root = etree.fromstring(message["xml"].encode())
    except etree.XMLSyntaxError:
        return f"{message['kind']} (not parseable XML)"
    if message["kind"] == "Response":
        name_id = root.findtext(f".//{{{SAML}}}NameID") or "?"
        signed = [
            ("the whole response" if s.getparent() is root else "the assertion")
            for s in root.iter(f"{{{DS}}}Signature")
        ]
        method = root.find(f".//{{{DS}}}SignatureMethod")
        algorithm = method.get("Algorithm", "").rsplit("#", 1)[-1] if method is not None else ""
        claims = len(root.findall(f".//{{{SAML}}}Attribute"))
        signature = f"signed ({' and '.join(signed)}, {algorithm})" if signed else "NOT signed"
        return (
            f"Entra tells {message['endpoint']} that the user is {name_id}: "
            f"{claims} claims, {signature}."
        )
    return f"{message['kind']} {message['direction']} via {message['endpoint']}"


class DemoReport:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.scenarios: list[ScenarioRecord] = []
        self._current: dict[str, ScenarioRecord] = {}
        self._seen: dict[str, int] = {}
        self._started: dict[str, float] = {}
        # Per scenario: each SCIM host's last request seen, and the ids its answers named.
        self._scim_seen: dict[str, dict[str, int]] = {}
        self._scim_names: dict[str, dict[str, str]] = {}

    # pytest-bdd hooks
    def pytest_bdd_before_scenario(
        self, request: pytest.FixtureRequest, feature: Any, scenario: Any
    ) -> None:
        record = ScenarioRecord(feature.name, scenario.name, sorted(scenario.tags | feature.tags))
        self._current[request.node.nodeid] = record
        self._seen[request.node.nodeid] = 0
        self._scim_seen[request.node.nodeid] = {}
        self._scim_names[request.node.nodeid] = {}
        self._started[request.node.nodeid] = time.monotonic()
        self.scenarios.append(record)

    def pytest_bdd_after_step(
        self,
        request: pytest.FixtureRequest,
        feature: Any,
        scenario: Any,
        step: Any,
        step_func: Any,
        step_func_args: Any,
    ) -> None:
        self._record(request, step, "passed", None)

    def pytest_bdd_step_error(
        self,
        request: pytest.FixtureRequest,
        feature: Any,
        scenario: Any,
        step: Any,
        step_func: Any,
        step_func_args: Any,
        exception: BaseException,
    ) -> None:
        self._record(request, step, "failed", f"{type(exception).__name__}: {exception}")

    def pytest_bdd_after_scenario(
        self, request: pytest.FixtureRequest, feature: Any, scenario: Any
    ) -> None:
        record = self._current.get(request.node.nodeid)
        if record is not None:
            record.seconds = time.monotonic() - self._started[request.node.nodeid]

    def _record(
        self, request: pytest.FixtureRequest, step: Any, status: str, error: str | None
    ) -> None:
        record = self._current.get(request.node.nodeid)
        if record is None:
            return
        entry = StepRecord(
            f"{step.keyword} {step.name}", status, error=error, argument=step_argument(step)
        )
        page = request.node.stash.get(PAGE_KEY, None)
        if page is not None and page.url != "about:blank":
            try:
                entry.screenshot = page.screenshot()
            except Exception:  # a closed page must not break the report
                entry.screenshot = None
        if "harness" in request.fixturenames:
            harness = request.getfixturevalue("harness")
            messages = harness.saml_log()
            seen = self._seen[request.node.nodeid]
            entry.messages = messages[seen:]
            self._seen[request.node.nodeid] = len(messages)
            entry.scim = self._scim_exchanges(request.node.nodeid, harness)
        if status == "failed":
            record.status = "failed"
        record.steps.append(entry)

    def _scim_exchanges(self, nodeid: str, harness: Any) -> list[dict[str, str]]:
        """What each vendor's SCIM endpoint received since the last step (its request log)."""
        seen = self._scim_seen[nodeid]
        names = self._scim_names[nodeid]
        found = []
        for vendor in harness.stack.vendors.values():
            profile = vendor.app.scim_profile
            if profile is None:
                continue
            for exchange in ScimView(harness.http, profile.host).requests(
                seen.get(profile.host, 0)
            ):
                seen[profile.host] = exchange["seq"]
                scim_explain.learn_names(exchange, names)
                found.append(
                    {
                        "vendor": vendor.app.name,
                        "sentence": scim_explain.explain(vendor.app.name, exchange, names),
                        "decoded": scim_explain.decoded(exchange),
                    }
                )
        return found

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(self.render(), encoding="utf-8")

    def render(self) -> str:
        parts = [HEAD]
        passed = sum(1 for s in self.scenarios if s.status == "passed")
        parts.append(f"<p class='summary'>{passed} of {len(self.scenarios)} scenarios passed.</p>")
        for scenario in self.scenarios:
            parts.append(
                f"<section class='{scenario.status}'><h2>{html.escape(scenario.feature)}: "
                f"{html.escape(scenario.name)}</h2><p class='meta'>{scenario.status}, "
                f"{scenario.seconds:.2f} s, tags {' '.join('@' + t for t in scenario.tags)}</p><ol>"
            )
            for step in scenario.steps:
                parts.append(
                    f"<li class='{step.status}'><div class='step'>{html.escape(step.text)}</div>"
                )
                if step.argument:
                    parts.append(f"<pre class='argument'>{html.escape(step.argument)}</pre>")
                if step.error:
                    parts.append(f"<pre class='error'>{html.escape(step.error)}</pre>")
                for message in step.messages:
                    pretty = etree.tostring(
                        etree.fromstring(message["xml"].encode()), pretty_print=True
                    ).decode()
                    parts.append(
                        f"<div class='saml'><b>{html.escape(message['kind'])}</b> "
                        f"({html.escape(message['binding'].rsplit(':', 1)[-1])}): "
                        f"{html.escape(explain(message))}<details><summary>decoded XML</summary>"
                        f"<pre>{html.escape(pretty)}</pre></details></div>"
                    )
                for exchange in step.scim:
                    parts.append(
                        f"<div class='scim'><b>SCIM to {html.escape(exchange['vendor'])}</b>: "
                        f"{html.escape(exchange['sentence'])}<details><summary>request and "
                        f"response</summary><pre>{html.escape(exchange['decoded'])}</pre>"
                        "</details></div>"
                    )
                if step.screenshot:
                    data = base64.b64encode(step.screenshot).decode()
                    parts.append(
                        f"<img alt='screenshot after this step' src='data:image/png;base64,{data}'>"
                    )
                parts.append("</li>")
            parts.append("</ol></section>")
        parts.append("</body></html>")
        return "".join(parts)


HEAD = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Entra harness demo report</title><style>
body{font-family:Arial,sans-serif;max-width:1100px;margin:24px auto;color:#222}
section{border:1px solid #ddd;margin:16px 0;padding:8px 16px}
section.failed{border-color:#c00} .meta{color:#666;font-size:13px}
li{margin:8px 0} li.failed .step{color:#c00} .step{font-weight:bold}
img{max-width:720px;border:1px solid #ccc;display:block;margin:6px 0}
.saml{background:#f4f8ff;padding:6px;margin:4px 0;font-size:14px}
.scim{background:#f4fff6;padding:6px;margin:4px 0;font-size:14px}
pre{white-space:pre-wrap;font-size:12px} .error{color:#c00} .argument{color:#555;margin:2px 0}
</style></head><body><h1>Entra harness demo report</h1>
<p>Each scenario follows a Microsoft Entra tutorial. Under each step: what the browser showed
after it, every SAML message the simulated tenant sent, and every SCIM request the vendors
received from Entra's provisioning service (SCIM is how Entra creates, changes and disables
accounts at the vendor), each explained in a sentence and decoded.</p>"""
