"""`make corpus`, second half: run every corpus tutorial's generated scenarios and print pass rates.

The scenarios run in a child pytest (the stack of that process serves the tutorials' apps); its
Cucumber JSON gives each feature's scenarios, one feature per imported app. A tutorial passes when
all its scenarios pass; the issue's bar is 95 % of the SSO and provisioning tutorials (issue 18).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from gallery.generic import TUTORIALS_VARIABLE, imported_gallery

CHECKOUT = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = CHECKOUT.parent / "shared" / "gallery-corpus"
SCENARIOS = CHECKOUT / "steps" / "imported_scenarios.py"
TARGET = 0.95


@dataclass
class TutorialResult:
    tutorial: str
    kind: str
    passed: int = 0
    total: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.total > 0 and self.passed == self.total


def run_scenarios(
    corpus: Path, cucumber: Path, extra: list[str] | None = None, timeout: float = 1200
) -> subprocess.CompletedProcess[str]:
    """A child pytest over the generated scenarios of every tutorial of `corpus`."""
    environment = {
        **os.environ,
        TUTORIALS_VARIABLE: str(corpus.resolve()),
        "ENTRA_HARNESS_SCIM_STORE": os.environ.get("ENTRA_HARNESS_SCIM_STORE", "memory"),
        "PYTHONPATH": str(CHECKOUT),
    }
    environment.pop("PYTEST_XDIST_WORKER", None)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(SCENARIOS),
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "--tb=line",
            f"--cucumberjson={cucumber}",
            *(extra or []),
        ],
        cwd=CHECKOUT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def results(corpus: Path, cucumber: Path) -> list[TutorialResult]:
    """Per tutorial: its kind and how many of its scenarios passed (Cucumber JSON by feature)."""
    apps = imported_gallery([corpus])
    by_key = {
        key: TutorialResult(app.tutorials[0] if app.tutorials else key, app.imported["kind"])
        for key, app in apps.items()
    }
    report = json.loads(cucumber.read_text(encoding="utf-8")) if cucumber.exists() else []
    for feature in report:
        entry = by_key.get(Path(feature["uri"]).stem)
        if entry is None:
            continue
        for element in feature.get("elements", []):
            entry.total += 1
            failed = [s for s in element.get("steps", []) if s["result"]["status"] != "passed"]
            if failed:
                entry.failures.append(
                    f"{element['name']}: {failed[0]['keyword']}{failed[0]['name']}"
                )
            else:
                entry.passed += 1
    return sorted(by_key.values(), key=lambda r: r.tutorial)


def table(entries: list[TutorialResult], show: Callable[[str], None] = print) -> float:
    """Print each tutorial's scenarios and the pass rate per kind; returns the overall rate."""
    for entry in entries:
        name = os.path.relpath(entry.tutorial, DEFAULT_CORPUS) if entry.tutorial else ""
        mark = "pass" if entry.ok else "FAIL"
        show(f"{mark}  {entry.passed:>2}/{entry.total:<2} {entry.kind:12} {name}")
        for failure in entry.failures:
            show(f"        {failure}")
    for kind in ("sso", "provisioning"):
        chosen = [e for e in entries if e.kind == kind]
        passing = sum(e.ok for e in chosen)
        if chosen:
            show(
                f"{kind:12} tutorials passing: {passing}/{len(chosen)} ({passing / len(chosen):.1%})"
            )
    passing = sum(e.ok for e in entries)
    rate = passing / len(entries) if entries else 1.0
    show(f"all          tutorials passing: {passing}/{len(entries)} ({rate:.1%}); target 95 %")
    return rate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("pytest_args", nargs="*", help="more pytest arguments (after --)")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"scenario run skipped: {args.corpus} is absent (the corpus lives in ../shared)")
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        cucumber = Path(scratch) / "cucumber.json"
        completed = run_scenarios(args.corpus, cucumber, args.pytest_args)
        if not cucumber.exists():
            print(completed.stdout[-4000:], completed.stderr[-4000:])
            return 2
        rate = table(results(args.corpus, cucumber))
    return 0 if rate >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
