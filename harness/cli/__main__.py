"""`python -m harness.cli.commands`: the entra-harness command line."""

from harness.cli.commands import main

raise SystemExit(main())
