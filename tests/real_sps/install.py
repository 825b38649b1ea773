"""Install a pinned library on first use into .cache/real_sps/<library>-<version> (git-ignored):
a venv made with the project's Python and pip, or an npm prefix; a marker file makes it a no-op."""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys
import venv
from pathlib import Path

from tests.real_sps.catalogue import LIBRARIES, Pin

CHECKOUT = Path(__file__).resolve().parents[2]
CACHE = CHECKOUT / ".cache" / "real_sps"


def folder(library: str, version: str) -> Path:
    return CACHE / f"{library}-{version}"


def ensure(library: str, version: str) -> Path:
    """The folder holding the library, installed once; a lock per folder, as pytest-xdist's
    workers may ask for the same one together."""
    pin = LIBRARIES[library][version]
    target = folder(library, version)
    marker = target / ".installed"
    wanted = json.dumps({"packages": pin.packages, "overrides": pin.overrides})
    if marker.exists() and marker.read_text() == wanted:
        return target
    target.mkdir(parents=True, exist_ok=True)
    with (CACHE / f".{library}-{version}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (marker.exists() and marker.read_text() == wanted):
            (install_python if pin.runtime == "python" else install_node)(pin, target)
            marker.write_text(wanted)
    return target


def run(command: list[str], cwd: Path | None = None) -> None:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
        )


def install_python(pin: Pin, target: Path) -> None:
    python = target / "bin" / "python"
    if not python.exists():
        # The project's Python, so the pinned lxml/xmlsec wheels come from pip's cache.
        venv.EnvBuilder(with_pip=True, clear=True).create(target)
    run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            *pin.packages,
        ]
    )


def install_node(pin: Pin, target: Path) -> None:
    manifest = {"name": "real-sp", "version": "0.0.0", "private": True, "dependencies": {}}
    for spec in pin.packages:
        name, _, version = spec.rpartition("@")
        manifest["dependencies"][name] = version  # type: ignore[index]
    if pin.overrides:
        manifest["overrides"] = dict(pin.overrides)
        for name, version in pin.overrides.items():
            manifest["dependencies"][name] = version  # type: ignore[index]
    (target / "package.json").write_text(json.dumps(manifest, indent=2))
    run(
        [
            "npm",
            "install",
            "--prefix",
            str(target),
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
            "--loglevel=error",
        ]
    )


if __name__ == "__main__":  # python -m tests.real_sps.install [library ...]: install ahead
    for name in sys.argv[1:] or list(LIBRARIES):
        for each in LIBRARIES[name]:
            print(name, each, ensure(name, each), flush=True)
