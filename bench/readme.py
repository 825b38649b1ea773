"""The README's Performance table, rewritten from the newest bench/results/<date>.json."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bench.tools import ROOT

START = "<!-- bench:start -->"
END = "<!-- bench:end -->"


def _number(value: float, unit: str) -> str:
    if unit == "/s":
        return f"{value:,.0f}/s"
    if unit == "ms":
        return f"{value:,.0f} ms"
    if unit == "s":
        return f"{value:,.2f} s"
    return f"{value:,.1f} {unit}"


def markdown(results: dict[str, Any]) -> str:
    """The table (figure, value, same-run baseline, ratio, target, met) and each figure's notes."""
    machine = results["machine"]
    lines = [
        f"Measured {results['date'][:10]} on {machine['cpus']} CPUs ({machine['platform']}, "
        f"Python {machine['python']}), shared with other work, so each figure stands beside a "
        "baseline measured in the same run (`make bench`, `make bench ONLY=scim`).",
        "",
        "| figure | value | baseline (same run) | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for f in results["figures"]:
        baseline = _number(f["baseline"], f["unit"])
        met = "yes" if f["met"] else "**no**"
        name = f"{f['name']} (measured {f['measured']})" if f.get("measured") else f["name"]
        lines.append(
            f"| {name} | {_number(f['value'], f['unit'])} | {f['baseline_name']}: "
            f"{baseline} | {f['ratio']:.2f} | {f['target']} | {met} |"
        )
    notes = [f"- {f['name']}: {f['notes']}" for f in results["figures"] if f.get("notes")]
    return "\n".join([*lines, "", *notes] if notes else lines)


def replace_section(text: str, table: str) -> str:
    """`text` with what stands between the markers replaced by `table`."""
    start, end = text.index(START) + len(START), text.index(END)
    return f"{text[:start]}\n{table}\n{text[end:]}"


def newest_results(directory: Path = ROOT / "bench" / "results") -> Path:
    return max(directory.glob("????-??-??.json"))


def update_readme(readme: Path = ROOT / "README.md", results: Path | None = None) -> None:
    source = results or newest_results()
    readme.write_text(replace_section(readme.read_text(), markdown(json.loads(source.read_text()))))


if __name__ == "__main__":
    update_readme(results=Path(sys.argv[1]) if len(sys.argv) > 1 else None)
