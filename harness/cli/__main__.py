"""`python -m harness.cli`: the entra-harness command line."""

import sys

try:
    from harness.cli.commands import main
except ModuleNotFoundError as missing:
    # Run by an interpreter without the dependencies (`python3 -m harness.cli` outside the
    # venv): the missing package and where to get it, not an import traceback (issue 20).
    from harness.cli.errors import explain

    message, hint, code = explain(missing)
    print(f"entra-harness: {message} (hint: {hint})", file=sys.stderr)
    raise SystemExit(code) from None

raise SystemExit(main())
