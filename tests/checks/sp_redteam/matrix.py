"""The red-team matrix: check-sp against every app × version × mode, each check's verdict
(python -m tests.checks.sp_redteam.matrix [app ...] > matrix.json)."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from harness.serving.stack import Stack
from tests.checks.sp_redteam.catalogue import APPS, App, pin
from tests.checks.sp_redteam.running import check


def modes(app: App) -> list[bool]:
    """IdP-initiated for an app that takes unsolicited Responses; --sp-initiated-only (every
    forgery answering an AuthnRequest from the sign-on URL) for one that does not."""
    return ([False] if app.idp_initiated else []) + ([True] if app.sp_initiated_only else [])


def cve_checks(app: App, version: str) -> set[str]:
    return {n for names in pin(app.library, version).flagged_by.values() for n in names}


def expected(app: App, version: str) -> set[str]:
    """The checks that must fail: the version's CVEs, and the library's known gaps."""
    the_pin = pin(app.library, version)
    return cve_checks(app, version) | set(the_pin.gaps) | set(app.gaps.get(version, ()))


def run_one(
    stack: Stack, app: App, version: str, sp_only: bool, browser: Any = None
) -> dict[str, Any]:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        try:
            run = check(stack, app, version, sp_only, Path(folder), browser)
        except Exception as error:  # an input mistake or a crash: recorded, not hidden
            return {
                "app": app.name,
                "version": version,
                "mode": "sp" if sp_only else "idp",
                "crash": f"{type(error).__name__}: {error}"[:400],
                "seconds": round(time.perf_counter() - started, 1),
            }
    return {
        "app": app.name,
        "library": app.library,
        "version": version,
        "mode": "sp" if sp_only else "idp",
        "problem": run.problem,
        "verdicts": {
            r.name: (r.outcome or ("skip" if r.skipped else ("pass" if r.passed else "FAIL")))
            for r in run.results
        },
        "observed": {r.name: r.observed for r in run.results if not r.passed},
        "expected": sorted(expected(app, version)),
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(names: list[str]) -> None:
    stack = Stack().start()
    try:
        for app in APPS:
            if names and app.name not in names:
                continue
            for version in app.versions:
                for sp_only in modes(app):
                    print(json.dumps(run_one(stack, app, version, sp_only)), flush=True)
    finally:
        stack.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
