"""Runs check-scim against every red-team server and records what each run found (the FINDINGS matrix)."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from harness.checks.scim.run import CheckScimOptions, run_check_scim
from tests.checks.scim_redteam.entra_ready import RedteamEndpoint
from tests.checks.scim_redteam.flaws import BY_NAME, PLANTED, Planted

FLAG = " (aadOptscim062020)"


def run_one(planted: Planted, wire: str, throughput_seconds: float = 1.0) -> dict[str, Any]:
    """check-scim against one server: each check that did not pass, and the time taken."""
    endpoint = RedteamEndpoint(planted.make, planted.name)
    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory() as reports:
            options = CheckScimOptions(
                endpoint.url,
                endpoint.token,
                wire=wire,
                report_dir=Path(reports),
                throughput_seconds=throughput_seconds,
            )
            run = run_check_scim(options)
    except Exception as error:  # a stop (exit 2) is a finding too
        return {"stopped": f"{type(error).__name__}: {error}", "seconds": 0.0}
    finally:
        endpoint.close()
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "failed": {
            r.name: r.microsoft for r in run.results if r.label == "FAIL" and not r.blocked_by
        },
        "warned": {
            r.name: r.microsoft for r in run.results if r.label == "WARN" and not r.blocked_by
        },
        "blocked": sorted(r.name for r in run.results if r.blocked_by),
        "observed": {r.name: r.observed[:300] for r in run.results if not r.passed},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help="servers to run (default: all)")
    parser.add_argument("--wire", default="both")
    parser.add_argument("--out", type=Path, default=Path("reports/scim-redteam.json"))
    args = parser.parse_args()
    chosen = [BY_NAME[n] for n in args.names] if args.names else list(PLANTED)
    found = json.loads(args.out.read_text()) if args.out.is_file() else {}
    for planted in chosen:
        found[planted.name] = run_one(planted, args.wire)
        print(planted.name, json.dumps(found[planted.name])[:400], file=sys.stderr, flush=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(found, indent=1))


if __name__ == "__main__":
    main()
