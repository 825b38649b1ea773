"""The generated scenarios of the tutorials in ENTRA_HARNESS_TUTORIALS bound to pytest: what
`entra-harness demo --tutorial FILE.md` and the corpus run collect (issue 18, Deliver 4)."""

from pytest_bdd import scenarios

from gallery.generic import tutorials_from_environment
from harness.gallery_scenarios.features import generate

_tutorials = tutorials_from_environment()
_features = generate(_tutorials) if _tutorials else None
if _features is not None:
    scenarios(str(_features))
