"""The snapshot file: the tenant's entities as one readable, diffable JSON document, with the
format's version; private keys and secret tokens only when asked (`include_keys`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .entities import SECTIONS, Sections, sections

if TYPE_CHECKING:
    from ..tenant import Tenant

FORMAT = "entra-harness tenant snapshot"
# Raised when a section's shape changes; a file of another version is refused, not guessed at.
SNAPSHOT_VERSION = 1


class SnapshotError(ValueError):
    """A file that is not a snapshot this version can load, with what to do about it."""


def export_document(tenant: Tenant, include_keys: bool = False) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "snapshotVersion": SNAPSHOT_VERSION,
        "includesKeys": include_keys,
        **sections(tenant, include_keys),
    }


def document_text(document: dict[str, Any]) -> str:
    """Two-space indented, keys in the order written, a final newline: stable for diffs."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def check_document(document: Any, source: str = "snapshot") -> Sections:
    """The sections of a snapshot of this version; anything else refused with a clear reason."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SnapshotError(f"{source} is not an entra-harness tenant snapshot")
    version = document.get("snapshotVersion")
    if version != SNAPSHOT_VERSION:
        raise SnapshotError(
            f"{source} is snapshot version {version}; this entra-harness reads version "
            f"{SNAPSHOT_VERSION} only. Load it with the entra-harness release that wrote it and "
            "configure the tenant again, or export a new snapshot."
        )
    return {section: list(document.get(section, [])) for section in SECTIONS}


def read_snapshot(path: Path) -> Sections:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except ValueError as error:
        raise SnapshotError(f"{path} is not JSON: {error}") from None
    return check_document(document, str(path))


def write_snapshot(tenant: Tenant, path: Path, include_keys: bool = False) -> None:
    Path(path).write_text(document_text(export_document(tenant, include_keys)), encoding="utf-8")
