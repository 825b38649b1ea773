"""`entra-harness import TUTORIAL.md [--out FILE.toml] [--json]`: the importer's command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from gallery.importer.profile import write
from gallery.importer.tutorial import import_tutorial


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The subcommand's arguments, for the harness CLI to mount under `import`."""
    parser.add_argument("tutorial", type=Path, help="a published gallery tutorial (Markdown)")
    parser.add_argument("--out", type=Path, help="write the app profile (gallery TOML) here")
    parser.add_argument(
        "--json", action="store_true", help="print the summary (issue 18's schema) as JSON"
    )


def run(args: argparse.Namespace) -> int:
    if not args.tutorial.is_file():
        print(f"no such tutorial: {args.tutorial}", file=sys.stderr)
        return 2
    result = import_tutorial(args.tutorial)
    if args.out:
        write(result, args.out)
    if args.json:
        print(json.dumps(result.summary(), indent=2, ensure_ascii=False))
    else:
        reason = f" ({result.exclude_reason.value})" if result.exclude_reason else ""
        print(f"{result.app.value}: {result.kind}{reason}; {len(result.warnings)} warning(s)")
        for warning in result.warnings:
            print(f"  line {warning.line}: {warning.message}")
        if args.out:
            print(f"profile written to {args.out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="entra-harness import", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
