"""Gherkin step definitions, written once for every vendor (the vendor is gallery data).

Another project loads the whole library with one line in its conftest.py (README "Use it in
your own tests"): `pytest_plugins = ["steps"]`.
"""

from __future__ import annotations

import pkgutil
from pathlib import Path

# Every step module of this package, found rather than listed, so a new *_steps module is part
# of the library the day it is written (pytest imports each as a plugin: its steps are fixtures).
pytest_plugins = [
    f"steps.{module.name}"
    for module in pkgutil.iter_modules(__path__)
    if module.name == "world" or module.name.endswith("_steps")
]

# The wheel ships the tutorial features as this package (pyproject's package-dir maps it to the
# checkout's features/ folder).
FEATURES_PACKAGE = "entra_harness_features"


def features_dir() -> Path:
    """The tutorial features: the installed package's copy, else the checkout's features/."""
    import importlib.util

    spec = importlib.util.find_spec(FEATURES_PACKAGE)
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(__file__).resolve().parent.parent / "features"
