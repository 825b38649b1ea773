"""The tenant's state directory: SQLite (WAL), one row per entity, one transaction per change.

A change is written before it is acknowledged: the server calls `save` after each request and
before the response leaves (harness/serving/persisting.py), the provisioning scheduler after
each cycle. Only entities whose JSON changed are written. The directory is one process's: a
second one is refused while the first holds its lock (the kernel drops it if that process is
killed)."""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from .entities import SECTIONS, RenderedCache, Sections

if TYPE_CHECKING:
    from ..tenant import Tenant

DATABASE = "tenant.sqlite3"
SCHEMA_VERSION = 1
# seq keeps each section's order (the tenant's dicts keep insertion order, and so do cycles over
# them); an update keeps its row's seq, as a dict keeps a key's place.
SCHEMA = """
CREATE TABLE IF NOT EXISTS entities (
    seq INTEGER PRIMARY KEY,
    section TEXT NOT NULL,
    id TEXT NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (section, id)
)
"""


class StateDirectoryError(RuntimeError):
    """A state directory this process cannot use, and why."""


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
    # WAL with synchronous=NORMAL, as mock_scim/sqlite.py: COMMIT has put the transaction in the
    # WAL file before it returns, so a killed process loses nothing it acknowledged (an OS crash
    # could; FULL would fsync every commit for that).
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    return connection


def _check_version(connection: sqlite3.Connection, path: Path) -> bool:
    """Whether the file holds a tenant already; refuse one of another layout."""
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    tables = connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]
    if tables and version != SCHEMA_VERSION:
        raise StateDirectoryError(
            f"{path} holds tenant state of layout version {version}; this entra-harness reads "
            f"version {SCHEMA_VERSION}. Export a snapshot with the release that wrote it, or "
            "move the directory away to start afresh."
        )
    return bool(tables)


def _rows(connection: sqlite3.Connection) -> Sections:
    found: Sections = {section: [] for section in SECTIONS}
    for section, data in connection.execute("SELECT section, data FROM entities ORDER BY seq"):
        if section in found:
            found[section].append(json.loads(data))
    return found


def read_state(directory: Path) -> Sections | None:
    """The tenant saved in `directory` (None: none yet), read without taking the directory:
    WAL lets a reader see the last committed state while `up` keeps writing."""
    path = Path(directory) / DATABASE
    if not path.exists():
        return None
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if not _check_version(connection, path):
            return None
        return _rows(connection)
    finally:
        connection.close()


class TenantStore:
    """The state directory of one running tenant."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        # The rows hold private signing keys and secret tokens: the owner's only.
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.path = self.directory / DATABASE
        self._owner = os.open(self.directory / "tenant.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC)
        try:
            fcntl.flock(self._owner, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._owner)
            raise StateDirectoryError(
                f"{self.directory} is in use by another entra-harness process; stop it first"
            ) from None
        self._lock = threading.Lock()
        self._cache = RenderedCache()
        self._written: dict[tuple[str, str], str] = {}
        self._connection = _connect(self.path)
        try:
            self.had_state = _check_version(self._connection, self.path)
        except StateDirectoryError:
            self.close()
            raise
        self._connection.execute(SCHEMA)
        self._connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def load(self) -> Sections | None:
        """The saved tenant, or None for a new directory; what is loaded counts as written."""
        if not self.had_state:
            return None
        with self._lock:
            rows = self._connection.execute("SELECT section, id, data FROM entities").fetchall()
            self._written = {(section, id_): data for section, id_, data in rows}
            return _rows(self._connection)

    def save(self, tenant: Tenant) -> int:
        """Write every entity whose JSON changed since the last save, and delete the gone, in
        one transaction; the number of rows written or deleted."""
        with self._lock:
            texts = self._cache.texts(tenant)
            written = self._written
            changed = [(key, text) for key, text in texts.items() if written.get(key) != text]
            gone = [key for key in written if key not in texts]
            if not changed and not gone:
                return 0
            connection = self._connection
            connection.execute("BEGIN IMMEDIATE")
            try:
                connection.executemany("DELETE FROM entities WHERE section = ? AND id = ?", gone)
                connection.executemany(
                    "INSERT INTO entities (section, id, data) VALUES (?, ?, ?) "
                    "ON CONFLICT (section, id) DO UPDATE SET data = excluded.data",
                    [(section, id_, text) for (section, id_), text in changed],
                )
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
            for key in gone:
                del written[key]
            written.update(changed)
            return len(changed) + len(gone)

    def close(self) -> None:
        with self._lock:
            self._connection.close()
            os.close(self._owner)
