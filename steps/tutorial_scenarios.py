"""Every packaged tutorial feature bound to pytest: what `entra-harness demo` runs, in the
checkout or after a plain `pip install` (issue 20, Deliver 4)."""

from pytest_bdd import scenarios

from steps import features_dir

scenarios(str(features_dir()))
