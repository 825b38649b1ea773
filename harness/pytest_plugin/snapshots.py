"""Tenant snapshots as test fixtures (issue 22): a snapshot file parsed once per process and
loaded into the session's tenant before each test that asks for it."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from mock_idp.snapshot.document import read_snapshot
from mock_idp.snapshot.entities import Sections, load_sections
from mock_idp.tenant import Tenant

MARKER = "entra_snapshot"
MARKER_HELP = (
    f"{MARKER}(path): load this tenant snapshot before the test (a path relative to the test's "
    "file, or absolute)"
)
_parsed: dict[tuple[Path, int, int], Sections] = {}
_parsed_lock = threading.Lock()


def chosen_snapshot(request: pytest.FixtureRequest) -> Path | None:
    """The nearest `entra_snapshot` marker's path, else the --entra-snapshot option's."""
    marker = request.node.get_closest_marker(MARKER)
    if marker is not None:
        path = Path(marker.args[0])
        return path if path.is_absolute() else Path(request.node.path).parent / path
    option = request.config.getoption("--entra-snapshot", None)
    return Path(option) if option else None


def parsed(path: Path) -> Sections:
    """Read and checked once per process (again only if the file changes)."""
    status = path.stat()
    key = (path.resolve(), status.st_mtime_ns, status.st_size)
    with _parsed_lock:
        if key not in _parsed:
            _parsed[key] = read_snapshot(path)
        return _parsed[key]


def load_snapshot(tenant: Tenant, path: Path) -> float:
    """Replace the tenant by the snapshot's; the seconds it took."""
    started = time.perf_counter()
    load_sections(tenant, parsed(path))
    return time.perf_counter() - started
