"""Install a red-team pin on first use: tests/real_sps' own cache for its libraries, and
.cache/sp_redteam/<library>-<version> (git-ignored) for the new ones, the same way."""

from __future__ import annotations

import fcntl
import json
import sys
from pathlib import Path

from tests.checks.sp_redteam.catalogue import NEW_PINS
from tests.real_sps.install import CHECKOUT, install_node, install_python
from tests.real_sps.install import ensure as ensure_real_sp

CACHE = CHECKOUT / ".cache" / "sp_redteam"


def ensure(library: str, version: str) -> Path:
    if library not in NEW_PINS:
        return ensure_real_sp(library, version)
    pin = NEW_PINS[library][version]
    target = CACHE / f"{library}-{version}"
    marker = target / ".installed"
    wanted = json.dumps({"packages": pin.packages, "overrides": pin.overrides})
    if marker.exists() and marker.read_text() == wanted:
        return target
    target.mkdir(parents=True, exist_ok=True)
    with (CACHE / f".{library}-{version}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # pytest-xdist workers may ask together
        if not (marker.exists() and marker.read_text() == wanted):
            (install_python if pin.runtime == "python" else install_node)(pin, target)
            marker.write_text(wanted)
    return target


if __name__ == "__main__":  # python -m tests.checks.sp_redteam.install: install ahead
    for name in sys.argv[1:] or list(NEW_PINS):
        for each in NEW_PINS[name]:
            print(name, each, ensure(name, each), flush=True)
