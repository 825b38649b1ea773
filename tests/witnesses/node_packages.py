"""npm packages for the Node witnesses, installed on first use into a git-ignored cache under the checkout."""

# CI installs nothing by hand: the first test that needs a Node package runs `npm install` of the
# exact versions into .cache/witnesses/node/<name> (git-ignored, kept between runs), under a file
# lock so pytest-xdist workers install once. Later runs find the stamp and skip npm.

from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
from pathlib import Path

CACHE = Path(__file__).resolve().parents[2] / ".cache" / "witnesses" / "node"


def node_modules(name: str, packages: list[str]) -> Path:
    """The node_modules folder holding `packages` (exact `name@version` specs), installed now if
    missing; RuntimeError with npm's output when the registry cannot be reached."""
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise RuntimeError("node and npm are needed (scripts/bootstrap.sh installs Debian's)")
    directory = CACHE / name
    directory.mkdir(parents=True, exist_ok=True)
    stamp = directory / (
        ".installed-" + hashlib.sha256(" ".join(packages).encode()).hexdigest()[:16]
    )
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not stamp.exists():
            (directory / "package.json").write_text('{"private": true}\n')
            done = subprocess.run(
                [npm, "install", "--no-audit", "--no-fund", "--save-exact", *packages],
                cwd=directory,
                capture_output=True,
                text=True,
                timeout=600,
            )
            if done.returncode != 0:
                raise RuntimeError(
                    f"npm install {' '.join(packages)} failed:\n{done.stderr[-2000:]}"
                )
            for old in directory.glob(".installed-*"):
                old.unlink()
            stamp.touch()
    return directory / "node_modules"
