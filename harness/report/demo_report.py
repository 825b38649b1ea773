"""The demo report: a tutorial x mode matrix, a table of contents by tutorial, then per scenario
its steps, a screenshot after each browser step (files beside the report), and the SAML messages
and SCIM exchanges of the step, decoded and explained (enabled by --demo-report PATH)."""

from __future__ import annotations

import html
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from harness.clients.scim_view import ScimView
from harness.report import scim_explain
from harness.report.scenario_index import MODES, OTHER_MODE, Row, TutorialIndex, modes_of

SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"


# The scenario's browser page, stashed on its test item by the plugin's page fixture (its screenshots).
PAGE_KEY = pytest.StashKey[Any]()
# The step library's browser without Chromium (steps/acs_steps.py): its pages' history.
HTTP_BROWSER = "http_browser"


@dataclass
class StepRecord:
    text: str
    status: str = "passed"
    # The screenshot's file name in the report's files folder.
    screenshot: str | None = None
    # Without a real browser: the last page the step's HTTP browser received (its file name,
    # and "status URL"), so a refusal shows the vendor's error page too.
    page_file: str | None = None
    page_caption: str = ""
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
    anchor: str = ""
    # What failed outside any step (an undefined step, a fixture, the teardown).
    error: str | None = None


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
    def __init__(self, path: Path, artifacts: Path | None = None) -> None:
        self.path = path
        # Screenshots as files beside the report, so that the HTML stays small (issue 20).
        self.files = path.with_name(f"{path.stem}-files")
        # Each run starts from nothing: no screenshot, report or failure artefact of an earlier
        # run beside this one's (a green report once sat beside an old reports/failures/). Only
        # beside it: a report written elsewhere (a test's) leaves the checkout's failures alone.
        beside = artifacts is not None and artifacts.resolve().is_relative_to(path.parent.resolve())
        for earlier in (self.files, artifacts if beside else None):
            if earlier is not None:
                shutil.rmtree(earlier, ignore_errors=True)
        path.unlink(missing_ok=True)
        self.files.mkdir(parents=True, exist_ok=True)
        self.scenarios: list[ScenarioRecord] = []
        self._current: dict[str, ScenarioRecord] = {}
        self._seen: dict[str, int] = {}
        self._started: dict[str, float] = {}
        # Per scenario: each SCIM host's last request seen, and the ids its answers named.
        self._scim_seen: dict[str, dict[str, int]] = {}
        self._scim_names: dict[str, dict[str, str]] = {}
        self._pages_seen: dict[str, int] = {}

    # pytest-bdd hooks
    def pytest_bdd_before_scenario(
        self, request: pytest.FixtureRequest, feature: Any, scenario: Any
    ) -> None:
        record = ScenarioRecord(
            feature.name,
            scenario.name,
            sorted(scenario.tags | feature.tags),
            anchor=f"s{len(self.scenarios) + 1}",
        )
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

    def pytest_bdd_step_func_lookup_error(
        self,
        request: pytest.FixtureRequest,
        feature: Any,
        scenario: Any,
        step: Any,
        exception: BaseException,
    ) -> None:
        """A step no definition matches (a misspelling): the scenario fails, with the error."""
        self._record(request, step, "failed", f"{type(exception).__name__}: {exception}")

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """pytest's verdict is the scenario's: a failure outside any step (a fixture, the
        teardown) fails it too, and a test that failed before its scenario began is listed."""
        if not report.failed:
            return
        record = self._current.get(report.nodeid)
        if record is None:
            record = ScenarioRecord(
                report.nodeid.split("::")[0],
                report.nodeid.split("::")[-1],
                [],
                anchor=f"s{len(self.scenarios) + 1}",
            )
            self._current[report.nodeid] = record
            self.scenarios.append(record)
        record.status = "failed"
        if not any(step.error for step in record.steps) and record.error is None:
            lines = report.longreprtext.strip().splitlines()
            record.error = f"{report.when}: " + "\n".join(lines[-12:])

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
            name = f"{record.anchor}-{len(record.steps) + 1:02d}.png"
            try:
                page.screenshot(path=str(self.files / name))
                entry.screenshot = name
            except Exception:  # a closed page must not break the report
                entry.screenshot = None
        elif HTTP_BROWSER in request.fixturenames:
            self._keep_http_page(request, record, entry)
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

    def _keep_http_page(
        self, request: pytest.FixtureRequest, record: ScenarioRecord, entry: StepRecord
    ) -> None:
        history = request.getfixturevalue(HTTP_BROWSER).history
        seen = self._pages_seen.get(request.node.nodeid, 0)
        self._pages_seen[request.node.nodeid] = len(history)
        if len(history) <= seen or "html" not in history[-1].headers.get("content-type", ""):
            return
        last = history[-1]
        name = f"{record.anchor}-{len(record.steps) + 1:02d}.html"
        (self.files / name).write_bytes(last.content)
        entry.page_file = name
        entry.page_caption = f"{last.status_code} {last.url}"

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
        index = TutorialIndex()
        for scenario in self.scenarios:
            index.learn(scenario.feature, set(scenario.tags))
        placed = [
            (scenario, index.rows(scenario.feature, set(scenario.tags), scenario.name))
            for scenario in self.scenarios
        ]
        groups: dict[Row, list[ScenarioRecord]] = {}
        # Each scenario listed under its first tutorial; walkthroughs first, then by feature.
        for scenario, rows in sorted(placed, key=lambda p: (p[1][0].key, *order(p[0]))):
            groups.setdefault(rows[0], []).append(scenario)
        parts = [
            HEAD,
            self.summary(),
            matrix(placed),
            CONTROLS,
            toc(groups),
            "<div id='scenarios'>",
        ]
        for row, scenarios in groups.items():
            parts.append(f"<h2 class='group' id='{row_id(row)}'>{html.escape(row.label)}</h2>")
            parts.extend(self.section(scenario) for scenario in scenarios)
        parts.append(f"</div>{LIGHTBOX}</body></html>")
        return "".join(parts)

    def summary(self) -> str:
        failed = [s for s in self.scenarios if s.status == "failed"]
        passed = len(self.scenarios) - len(failed)
        text = f"{passed} of {len(self.scenarios)} scenarios passed"
        if failed:
            text += f"; <b class='failed'>{len(failed)} failed</b>"
        return f"<p class='summary' id='summary'>{text}.</p>"

    def section(self, scenario: ScenarioRecord) -> str:
        parts = [
            f"<section id='{scenario.anchor}' class='scenario {scenario.status}'>"
            f"<h3>{html.escape(scenario.name)}</h3><p class='meta'>{html.escape(scenario.feature)}"
            f" &middot; {scenario.status}, {scenario.seconds:.2f} s, tags "
            f"{' '.join('@' + t for t in scenario.tags)}</p>"
        ]
        if scenario.error:
            parts.append(f"<pre class='error'>{html.escape(scenario.error)}</pre>")
        parts.append("<ol>")
        for step in scenario.steps:
            parts.append(self.step(step))
        parts.append("</ol></section>")
        return "".join(parts)

    def step(self, step: StepRecord) -> str:
        parts = [f"<li class='{step.status}'><div class='step'>{html.escape(step.text)}</div>"]
        if step.argument:
            parts.append(f"<pre class='argument'>{html.escape(step.argument)}</pre>")
        if step.error:
            parts.append(f"<pre class='error'>{html.escape(step.error)}</pre>")
        for message in step.messages:
            pretty = etree.tostring(etree.fromstring(message["xml"].encode()), pretty_print=True)
            parts.append(
                f"<div class='saml'><b>{html.escape(message['kind'])}</b> "
                f"({html.escape(message['binding'].rsplit(':', 1)[-1])}): "
                f"{html.escape(explain(message))}<details><summary>decoded XML</summary>"
                f"<pre>{html.escape(pretty.decode())}</pre></details></div>"
            )
        for exchange in step.scim:
            parts.append(
                f"<div class='scim'><b>SCIM to {html.escape(exchange['vendor'])}</b>: "
                f"{html.escape(exchange['sentence'])}<details><summary>request and "
                f"response</summary><pre>{html.escape(exchange['decoded'])}</pre>"
                "</details></div>"
            )
        if step.page_file:
            # Sandboxed: the page is shown, its scripts (an auto-posting form) do not run.
            parts.append(
                f"<div class='page'>The page the browser received: "
                f"{html.escape(step.page_caption)}<iframe loading='lazy' sandbox "
                f"src='{self.files.name}/{step.page_file}' title='the page received'></iframe></div>"
            )
        if step.screenshot:
            source = f"{self.files.name}/{step.screenshot}"
            parts.append(
                f"<a class='shot' href='{source}'><img loading='lazy' src='{source}' "
                "alt='the browser after this step' title='click to enlarge'></a>"
            )
        parts.append("</li>")
        return "".join(parts)


def order(scenario: ScenarioRecord) -> tuple[int, str]:
    return (0 if "walkthrough" in scenario.tags else 1, scenario.feature)


def row_id(row: Row) -> str:
    return "t-" + "".join(c if c.isalnum() else "-" for c in row.key)


def matrix(placed: list[tuple[ScenarioRecord, list[Row]]]) -> str:
    """The first screen: per tutorial and mode, a mark per scenario linking to it."""
    columns = [mode for mode, _, _ in MODES] + [OTHER_MODE]
    cells: dict[Row, dict[str, list[ScenarioRecord]]] = {}
    for scenario, rows in placed:
        for row in rows:
            for mode in modes_of(scenario.name, scenario.feature, set(scenario.tags)):
                cells.setdefault(row, {}).setdefault(mode, []).append(scenario)
    used = [c for c in columns if any(c in modes for modes in cells.values())]
    parts = [
        "<table class='matrix' id='matrix'><tr><th>Tutorial</th>",
        *(f"<th>{html.escape(c)}</th>" for c in used),
        "</tr>",
    ]
    for row in sorted(cells, key=lambda r: r.key):
        parts.append(f"<tr><th><a href='#{row_id(row)}'>{html.escape(row.label)}</a></th>")
        for column in used:
            scenarios = cells[row].get(column, [])
            failed = sum(1 for s in scenarios if s.status == "failed")
            state = "empty" if not scenarios else ("failed" if failed else "passed")
            marks = "".join(
                f"<a class='mark {s.status}' href='#{s.anchor}' title='{html.escape(s.name)}'>"
                f"{'✓' if s.status == 'passed' else '✗'}</a>"
                for s in scenarios
            )
            parts.append(f"<td class='{state}'>{marks}</td>")
        parts.append("</tr>")
    parts.append("</table>")
    return "".join(parts)


def toc(groups: dict[Row, list[ScenarioRecord]]) -> str:
    parts = ["<nav class='toc' id='toc'><h2>Contents</h2><div class='columns'>"]
    for row, scenarios in groups.items():
        parts.append(f"<h4><a href='#{row_id(row)}'>{html.escape(row.label)}</a></h4><ol>")
        parts.extend(
            f"<li class='entry {s.status}'><a href='#{s.anchor}'>{html.escape(s.name)}</a>"
            f"{' <b>failed</b>' if s.status == 'failed' else ''}</li>"
            for s in scenarios
        )
        parts.append("</ol>")
    parts.append("</div></nav>")
    return "".join(parts)


CONTROLS = """<p class='controls'><label><input type='checkbox' id='failures-first'
onchange="document.body.classList.toggle('failures-first', this.checked)"> Failures first
(and passed scenarios hidden)</label></p>"""

# Click a screenshot to see it full size; Escape or a click closes it.
LIGHTBOX = """<dialog id='lightbox' onclick='this.close()'><img alt='screenshot, full size'></dialog>
<script>document.addEventListener('click', function (event) {
  var shot = event.target.closest('a.shot');
  if (!shot) return;
  event.preventDefault();
  var box = document.getElementById('lightbox');
  box.querySelector('img').src = shot.getAttribute('href');
  box.showModal();
});</script>"""


HEAD = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Entra harness demo report</title><style>
body{font-family:Arial,sans-serif;max-width:1200px;margin:24px auto;color:#222}
section{border:1px solid #ddd;margin:16px 0;padding:8px 16px}
section.failed{border-color:#c00;border-width:2px} .meta{color:#666;font-size:13px}
li{margin:8px 0} li.failed .step{color:#c00} .step{font-weight:bold}
a.shot img{width:100%;max-width:1100px;border:1px solid #ccc;display:block;margin:6px 0;cursor:zoom-in}
.page iframe{width:100%;height:320px;border:1px solid #ccc;display:block;margin:6px 0;background:#fff}
.page{font-size:13px;color:#555} dialog#lightbox{padding:0;border:0;max-width:98vw;max-height:98vh;overflow:auto}
dialog#lightbox img{display:block} dialog::backdrop{background:rgba(0,0,0,.7)}
table.matrix{border-collapse:collapse;margin:8px 0 16px}
.matrix th,.matrix td{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:14px}
.matrix td.passed{background:#e7f6e7} .matrix td.failed{background:#fde7e9} .matrix td.empty{background:#f6f6f6}
a.mark{text-decoration:none;margin-right:2px} a.mark.passed{color:#107c10} a.mark.failed{color:#c00;font-weight:bold}
.toc .columns{columns:2}
.toc{font-size:13px;border:1px solid #ddd;padding:4px 16px} .toc h4{margin:8px 0 2px;break-after:avoid}
.toc ol{margin:0} .toc li.failed a{color:#c00} .failed{color:#c00}
h2.group{margin-top:32px;border-bottom:2px solid #0f6cbd}
#scenarios{display:flex;flex-direction:column}
body.failures-first #scenarios section.failed{order:-1} body.failures-first #scenarios section.passed,
body.failures-first #scenarios h2.group, body.failures-first .toc li.passed{display:none}
.saml{background:#f4f8ff;padding:6px;margin:4px 0;font-size:14px}
.scim{background:#f4fff6;padding:6px;margin:4px 0;font-size:14px}
pre{white-space:pre-wrap;font-size:12px} .error{color:#c00} .argument{color:#555;margin:2px 0}
</style></head><body><h1>Entra harness demo report</h1>
<p>Each scenario follows a Microsoft Entra tutorial. Under each step: what the browser showed
after it, every SAML message the simulated tenant sent, and every SCIM request the vendors
received from Entra's provisioning service (SCIM is how Entra creates, changes and disables
accounts at the vendor), each explained in a sentence and decoded.</p>"""
