"""check-sp's results and reports a vendor can act on: summary first, then per failed check the
attack, the forged Response saved beside the report, what the SP answered, why it matters and
how to fix it, with a link into docs/external-targets.md (issue 15, Deliver 5)."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.checks import results as reports
from harness.checks.results import CheckResult

if TYPE_CHECKING:
    from harness.checks.sp.run import CheckSpRun


@dataclass
class SpCheckResult(CheckResult):
    # "error": the SP did not answer (connection, timeout, 5xx): red, never a refusal.
    # "not run": a prerequisite failed, so the check says nothing about the SP.
    outcome: str | None = None
    attack: str = ""
    cve: str = ""
    why: str = ""
    fix: str = ""
    docs: str = ""
    evidence: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        if self.outcome:
            return self.outcome.upper()
        return super().label


def counts(run: CheckSpRun) -> str:
    ran = [r for r in run.results if not r.skipped and r.outcome != "not run"]
    passed = sum(1 for r in ran if r.passed)
    errors = sum(1 for r in ran if r.outcome == "error")
    failed = len(ran) - passed - errors
    not_run = sum(1 for r in run.results if r.outcome == "not run")
    parts = [f"{passed} of {len(ran)} checks passed"]
    if failed:
        parts.append(f"{failed} failed")
    if errors:
        parts.append(f"{errors} errors")
    if not_run:
        parts.append(f"{not_run} not run")
    return ", ".join(parts) + f" ({run.seconds} s)"


def table(run: CheckSpRun) -> str:
    """Summary first (what went wrong and what to do), then one line per check."""
    lines = [f"SP {run.sp_entity_id}: {counts(run)}"]
    if run.problem:
        lines.append(f"Security checks not run: {run.problem}")
    for r in run.results:
        if r.passed or r.outcome == "not run":
            continue
        lines.append(f"  {r.label} {r.name}: {r.observed}")
        for label, value in (("attack", r.attack), ("CVE", r.cve), ("why", r.why)):
            if value:
                lines.append(f"      {label}: {value}")
        if r.fix:
            lines.append(f"      fix: {r.fix} (see {r.docs})")
        if "forged Response" in r.evidence:
            lines.append(f"      forged Response: {r.evidence['forged Response']}")
    lines.append("")
    width = max((len(r.name) for r in run.results), default=0)
    for r in run.results:
        lines.append(f"  {r.label:<7} {r.kind:<11} {r.name:<{width}}  {r.reason}")
    return "\n".join(lines)


def write(run: CheckSpRun, directory: Path, data: dict[str, Any]) -> None:
    """check-sp.json, junit.xml (shared formats) and check-sp.html (summary first)."""
    reports.write_reports(
        directory,
        "check-sp",
        f"SP {run.sp_entity_id}",
        f"IdP metadata the SP must trust: {run.idp_metadata_path}",
        run.results,
        data,
    )
    (directory / "check-sp.html").write_text(page(run, directory))


def link(path: str, directory: Path) -> str:
    """A path relative to the report, as the browser opens it from there."""
    try:
        return str(Path(path).resolve().relative_to(directory.resolve()))
    except ValueError:
        return str(Path(path).resolve())


def page(run: CheckSpRun, directory: Path) -> str:
    esc = html.escape
    sections = []
    for r in run.results:
        if r.passed or r.outcome == "not run":
            continue
        rows = [f"<p><b>{esc(r.label)}</b> — {esc(r.observed)}</p>"]
        for label, value in (("Attack", r.attack), ("CVE", r.cve), ("Why it matters", r.why)):
            if value:
                rows.append(f"<p><b>{label}:</b> {esc(value)}</p>")
        if r.fix:
            docs = f"../../{r.docs}" if r.docs else ""
            rows.append(
                f"<p><b>Fix:</b> {esc(r.fix)} (<a href='{esc(docs)}'>{esc(r.docs)}</a>)</p>"
            )
        for key, value in r.evidence.items():
            if key == "screenshot":
                rows.append(f"<p><img src='{esc(link(value, directory))}' width='480'></p>")
            elif key == "forged Response":
                href = esc(link(value, directory))
                rows.append(f"<p><b>Forged Response:</b> <a href='{href}'>{href}</a></p>")
            else:
                rows.append(f"<p><b>{esc(key)}:</b> <code>{esc(value)}</code></p>")
        sections.append(
            f"<section id='{esc(r.name)}'><h3>{esc(r.name)}</h3>{''.join(rows)}</section>"
        )
    table_rows = "".join(
        f"<tr class='{r.label.lower().replace(' ', '-')}'><td>{esc(r.label)}</td>"
        f"<td>{esc(r.kind)}</td><td>{esc(r.name)}</td><td>{esc(r.expected)}</td>"
        f"<td>{esc(r.observed)}</td></tr>"
        for r in run.results
    )
    problem = (
        f"<p class='problem'>Security checks not run: {esc(run.problem)}</p>" if run.problem else ""
    )
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>check-sp</title><style>"
        "body{font-family:Arial,sans-serif}td,th{border:1px solid #ddd;padding:4px}"
        ".fail,.error{background:#fde7e9}.not-run,.skip{color:#777}table{border-collapse:collapse}"
        ".problem{background:#fde7e9;padding:8px}section{border-left:4px solid #c50f1f;"
        "padding-left:8px;margin:12px 0}</style></head><body>"
        f"<h1>SP {esc(run.sp_entity_id)}</h1><p><b>{esc(counts(run))}</b>. IdP metadata the SP "
        f"must trust: {esc(run.idp_metadata_path)}</p>{problem}{''.join(sections)}"
        "<h2>Every check</h2><table><tr><th></th><th>kind</th><th>check</th><th>expected</th>"
        f"<th>observed</th></tr>{table_rows}</table></body></html>"
    )
