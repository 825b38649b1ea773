"""The generated scenarios of the tutorials named by ENTRA_HARNESS_TUTORIALS (issue 18, Deliver 4).

Unset, nothing is collected; `entra-harness demo --tutorial FILE.md`, `make corpus` and
test_corpus_scenarios.py set it, and the session stack serves the same tutorials' apps.
"""

from pytest_bdd import scenarios

from harness.gallery_scenarios.features import generate
from harness.serving.stack import tutorials_from_environment

_tutorials = tutorials_from_environment()
_features = generate(_tutorials) if _tutorials else None
if _features is not None:
    scenarios(str(_features))
