"""Check results of check-sp and check-scim, and their table, JSON, JUnit XML and HTML reports."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape


@dataclass
class CheckResult:
    name: str
    kind: str  # check-sp: conformance, security, quirk; check-scim: gallery, rfc7644
    passed: bool
    expected: str
    observed: str
    seconds: float = 0.0
    # Not run: not applicable to this target (passed stays True), or a check it needs failed
    # (passed is False: the run still fails, but the reason points at the real culprit).
    skipped: bool = False
    blocked_by: str | None = None
    # check-scim: a failure Microsoft's validation reports as WARNING (an optional test) does not
    # fail the run; `microsoft` names the validation test the check stands for; `details` holds
    # the evidence of a failure (request sent, response, what Entra does in production, the fix).
    warning: bool = False
    microsoft: str = ""
    details: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        if self.skipped:
            return "SKIP"
        if self.passed:
            return "PASS"
        return "WARN" if self.warning else "FAIL"

    @property
    def reason(self) -> str:
        if self.skipped or self.blocked_by:
            return self.observed
        return f"expected {self.expected}; {self.observed}"


def failed(results: Sequence[CheckResult]) -> list[CheckResult]:
    return [r for r in results if not r.passed and not r.warning]


def table(heading: str, results: Sequence[CheckResult]) -> str:
    """One line per check: result, kind, name, reason; the heading counts what passed."""
    ran = [r for r in results if not r.skipped]
    lines = [
        f"{heading}: {len(ran) - len(failed(ran))} of {len(ran)} checks passed"
        + (f", {len(results) - len(ran)} skipped" if len(ran) < len(results) else "")
    ]
    width = max((len(r.name) for r in results), default=0)
    for r in results:
        lines.append(f"  {r.label}  {r.kind:<11} {r.name:<{width}}  {r.reason}")
        lines.extend(f"        {key}: {value}" for key, value in r.details.items())
    return "\n".join(lines)


def write_reports(
    directory: Path,
    stem: str,
    title: str,
    summary: str,
    results: Sequence[CheckResult],
    data: dict[str, Any],
) -> None:
    """`<stem>.json` (data), `junit.xml` (one testcase per check, skipped ones marked) and
    `<stem>.html` (the summary line, then the table)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{stem}.json").write_text(json.dumps(data, indent=2))
    cases = []
    for r in results:
        quote = {chr(34): "&quot;"}
        if r.skipped:
            inner = f'<skipped message="{escape(r.observed, quote)}"/>'
        elif not r.passed and not r.warning:
            evidence = "".join(f"\n{k}: {v}" for k, v in r.details.items())
            inner = (
                f'<failure message="{escape(r.observed, quote)}">expected '
                f"{escape(r.expected)}{escape(evidence)}</failure>"
            )
        elif not r.passed:
            inner = f"<system-out>WARNING: {escape(r.observed)}</system-out>"
        else:
            inner = ""
        cases.append(
            f'<testcase classname="{stem}.{escape(r.kind)}" name="{escape(r.name, quote)}" '
            f'time="{r.seconds:.3f}">{inner}</testcase>'
        )
    skipped = sum(1 for r in results if r.skipped)
    (directory / "junit.xml").write_text(
        f'<?xml version="1.0" encoding="utf-8"?><testsuite name="{stem}" '
        f'tests="{len(results)}" failures="{len(failed(results))}" skipped="{skipped}">'
        f"{''.join(cases)}</testsuite>"
    )
    rows = "".join(
        f"<tr class='{r.label.lower()}'><td>{r.label}</td><td>{html.escape(r.kind)}</td>"
        f"<td>{html.escape(r.name)}</td><td>{html.escape(r.expected)}</td>"
        f"<td>{html.escape(r.observed)}"
        + "".join(
            f"<br><b>{html.escape(k)}</b>: <code>{html.escape(v)}</code>"
            for k, v in r.details.items()
        )
        + "</td></tr>"
        for r in results
    )
    (directory / f"{stem}.html").write_text(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{stem}</title><style>"
        "body{font-family:Arial,sans-serif}td,th{border:1px solid #ddd;padding:4px}"
        ".fail{background:#fde7e9}.warn{background:#fff4ce}.skip{color:#777}table{border-collapse:collapse}</style>"
        f"</head><body><h1>{html.escape(title)}</h1><p>{len(failed(results))} failed of "
        f"{len(results)}. {html.escape(summary)}</p><table><tr><th></th><th>kind</th>"
        f"<th>check</th><th>expected</th><th>observed</th></tr>{rows}</table></body></html>"
    )
