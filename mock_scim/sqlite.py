"""The SQLite store (WAL): the embedded default, so a restarted server keeps its resources."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from uuid import uuid4

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: processes meet SQLite's busy handler only
    fcntl = None  # type: ignore[assignment]

from scim2_models import NotFoundException, UniquenessException

from .storage import Change, IndexKey, ScimStore, StoredResource, check_version, distinct_keys

# Each write touches as few b-trees as it can (a create: the row, its id index, its type index,
# its keys), since every page it changes is written to the WAL per commit. A resource's keys are
# kept in its row, so they are deleted by primary key without another index. The keys of all
# resources share one table ordered by value first: a user's userName and its work email are
# usually one string (and its externalId often a prefix of it), so its keys land in one leaf
# page rather than one per table or per name (a create wrote 8.8 WAL pages with unique and
# lookup keys apart, by name; measured with wal_checkpoint's frame count).
SCHEMA = """
CREATE TABLE IF NOT EXISTS resources (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    resource_type TEXT NOT NULL,
    version INTEGER NOT NULL,
    created TEXT NOT NULL,
    last_modified TEXT NOT NULL,
    data TEXT NOT NULL,
    keys TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS resources_by_type ON resources (resource_type, seq);
CREATE TABLE IF NOT EXISTS index_keys (
    resource_type TEXT NOT NULL,
    value TEXT NOT NULL,
    name TEXT NOT NULL,
    resource_seq INTEGER NOT NULL,
    is_unique INTEGER NOT NULL,
    PRIMARY KEY (resource_type, value, name, resource_seq)
) WITHOUT ROWID;
"""
SCHEMA_VERSION = 3
# Write transactions of this process between two WAL checkpoints (SQLite's own default is one
# per 1,000 pages; a create writes about 5). A checkpoint syncs the WAL and the database file,
# whose latency hardly grows with the pages copied, and a single-threaded server answers nothing
# meanwhile: one per 1,000 commits rather than 200 took a create from about 200 to about 100 µs
# of wall time on this machine's disk, CPU alike, for a WAL of up to about 20 MB per process.
CHECKPOINT_EVERY = 1000

COLUMNS = "seq, id, version, created, last_modified, data"
Row = tuple[int, str, int, str, str, str]


class SqliteStore(ScimStore):
    """One database file; one connection per thread (sqlite3 connections are not shared).

    Writes run in BEGIN IMMEDIATE transactions: the write lock is taken before anything is read,
    so checking a unique key and inserting it are one step, across threads and processes alike,
    and two writers never deadlock upgrading a read lock.
    """

    def __init__(self, path: Path, busy_timeout_ms: int = 30_000) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        # Threads of this process queue here rather than in SQLite's busy handler, which sleeps
        # a millisecond or more between tries; other processes still meet the busy handler.
        self._write_lock = threading.Lock()
        self._commits = 0
        # Processes sharing the file (gunicorn workers) queue on an flock of a sidecar file, which
        # wakes the next writer when the holder releases it: SQLite's busy handler instead sleeps
        # 1, 2, 5, 10 ms … between tries, which made two workers' creates slower than one's
        # (bench/scim.py). The lock only orders writers; BEGIN IMMEDIATE still decides, so a
        # process that shares no lock file (or inherited its descriptor) stays correct. The
        # kernel drops the lock of a killed process.
        self._lock_file: int | None = (
            os.open(f"{self.path}.writelock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            if fcntl is not None
            else None
        )
        connection = self._connection()
        # WAL: readers never block the writer nor it them (sqlite.org/wal.html); the mode is
        # stored in the file, so every later connection has it. Set under the writers' file
        # lock: two processes opening a new file at once (a server's workers) made one fail
        # with "database is locked", the busy handler not waiting for that change.
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
        finally:
            if self._lock_file is not None:
                fcntl.flock(self._lock_file, fcntl.LOCK_UN)
        with self._write() as writing:
            version = writing.execute("PRAGMA user_version").fetchone()[0]
            tables = writing.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]
            if tables and version != SCHEMA_VERSION:
                raise RuntimeError(
                    f"{self.path} holds SCIM data of another layout (version {version}); "
                    "move it away to start afresh"
                )
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    writing.execute(statement)
            writing.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(
                self.path,
                isolation_level=None,  # transactions are explicit: BEGIN IMMEDIATE … COMMIT
                check_same_thread=False,  # only so that close() may close it from elsewhere
                timeout=self.busy_timeout_ms / 1000,
            )
            # synchronous=NORMAL in WAL mode: COMMIT has written the transaction into the WAL
            # file (the operating system holds it) before it returns, so a killed process loses
            # no acknowledged write; only an OS crash or a power cut could, which FULL's fsync
            # per commit would prevent at a hundred times the cost (sqlite.org/pragma.html
            # #pragma_synchronous). The property this store promises is the first.
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute(f"PRAGMA busy_timeout={int(self.busy_timeout_ms)}")
            # No checkpoint inside COMMIT: SQLite's automatic one (every 1,000 WAL pages) fsyncs
            # the WAL and the database while this process still holds the write lock, stalling
            # every writer; _write runs a PASSIVE one after releasing it instead. Durability is
            # the same: a committed transaction is in the WAL either way (sqlite.org/wal.html).
            connection.execute("PRAGMA wal_autocheckpoint=0")
            self._local.connection = connection
            with self._connections_lock:
                self._connections.append(connection)
        return connection

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        connection = self._connection()
        with self._write_lock:
            self._commits += 1
            checkpoint = self._commits % CHECKPOINT_EVERY == 0
            if self._lock_file is not None:
                fcntl.flock(self._lock_file, fcntl.LOCK_EX)
            try:
                connection.execute("BEGIN IMMEDIATE")
                try:
                    yield connection
                except BaseException:
                    connection.execute("ROLLBACK")
                    raise
                connection.execute("COMMIT")
            finally:
                if self._lock_file is not None:
                    fcntl.flock(self._lock_file, fcntl.LOCK_UN)
        if checkpoint:
            # PASSIVE: copies what no reader still needs, waits for nobody; writers go on.
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)")

    @staticmethod
    def _resource(resource_type: str, row: Row) -> StoredResource:
        _, resource_id, version, created, last_modified, data = row
        return StoredResource(
            resource_type, resource_id, version, created, last_modified, json.loads(data)
        )

    @staticmethod
    def _row(connection: sqlite3.Connection, resource_type: str, resource_id: str) -> Row:
        row: Row | None = connection.execute(
            f"SELECT {COLUMNS} FROM resources WHERE id = ? AND resource_type = ?",
            (resource_id, resource_type),
        ).fetchone()
        if row is None:
            raise NotFoundException(detail=f"{resource_type} {resource_id} not found")
        return row

    @staticmethod
    def _insert_keys(
        connection: sqlite3.Connection, resource_type: str, seq: int, keys: list[IndexKey]
    ) -> None:
        """Add a resource's keys; a unique one another resource holds refuses the write. The
        check and the insert are one step: the caller holds the write lock (BEGIN IMMEDIATE)."""
        for key in keys:
            if (
                key.unique
                and connection.execute(
                    "SELECT 1 FROM index_keys WHERE resource_type = ? AND value = ? AND name = ?"
                    " AND resource_seq != ? AND is_unique",
                    (resource_type, key.value, key.name, seq),
                ).fetchone()
            ):
                raise UniquenessException(
                    detail=f"{key.name} {key.value!r} is already taken by another {resource_type}"
                )
        connection.executemany(
            "INSERT INTO index_keys VALUES (?, ?, ?, ?, ?)",
            [(resource_type, k.value, k.name, seq, k.unique) for k in keys],
        )

    @staticmethod
    def _delete_keys(connection: sqlite3.Connection, resource_type: str, seq: int) -> None:
        stored = connection.execute("SELECT keys FROM resources WHERE seq = ?", (seq,)).fetchone()
        connection.executemany(
            "DELETE FROM index_keys WHERE resource_type = ? AND value = ? AND name = ?"
            " AND resource_seq = ?",
            [(resource_type, value, name, seq) for name, value, _ in json.loads(stored[0])],
        )

    def create(
        self, resource_type: str, data: dict[str, Any], keys: Iterable[IndexKey], now: str
    ) -> StoredResource:
        distinct = distinct_keys(keys)
        text = json.dumps(data)
        resource_id = str(uuid4())
        with self._write() as connection:
            cursor = connection.execute(
                "INSERT INTO resources"
                " (id, resource_type, version, created, last_modified, data, keys)"
                " VALUES (?, ?, 1, ?, ?, ?, ?)",
                (resource_id, resource_type, now, now, text, _keys_text(distinct)),
            )
            seq = cursor.lastrowid
            assert seq is not None
            self._insert_keys(connection, resource_type, seq, distinct)
        return StoredResource(resource_type, resource_id, 1, now, now, json.loads(text))

    def get(self, resource_type: str, resource_id: str) -> StoredResource:
        return self._resource(
            resource_type, self._row(self._connection(), resource_type, resource_id)
        )

    def replace(
        self,
        resource_type: str,
        resource_id: str,
        data: dict[str, Any],
        keys: Iterable[IndexKey],
        now: str,
        expected_version: int | None = None,
    ) -> StoredResource:
        with self._write() as connection:
            row = self._row(connection, resource_type, resource_id)
            check_version(resource_type, row[1], row[2], expected_version)
            return self._rewrite(connection, resource_type, row, data, keys, now)

    def update(
        self, resource_type: str, resource_id: str, change: Change, now: str
    ) -> StoredResource:
        # The read happens under BEGIN IMMEDIATE: no other writer, thread or process, can come
        # between it and the write.
        with self._write() as connection:
            row = self._row(connection, resource_type, resource_id)
            stored = self._resource(resource_type, row)
            changed = change(stored)
            if changed is None:
                return stored
            return self._rewrite(connection, resource_type, row, *changed, now)

    def _rewrite(
        self,
        connection: sqlite3.Connection,
        resource_type: str,
        row: Row,
        data: dict[str, Any],
        keys: Iterable[IndexKey],
        now: str,
    ) -> StoredResource:
        distinct = distinct_keys(keys)
        text = json.dumps(data)
        seq = row[0]
        self._delete_keys(connection, resource_type, seq)
        self._insert_keys(connection, resource_type, seq, distinct)
        connection.execute(
            "UPDATE resources SET data = ?, keys = ?, version = version + 1,"
            " last_modified = ? WHERE seq = ?",
            (text, _keys_text(distinct), now, seq),
        )
        return StoredResource(resource_type, row[1], row[2] + 1, row[3], now, json.loads(text))

    def delete(
        self, resource_type: str, resource_id: str, expected_version: int | None = None
    ) -> None:
        with self._write() as connection:
            row = self._row(connection, resource_type, resource_id)
            check_version(resource_type, row[1], row[2], expected_version)
            self._delete_keys(connection, resource_type, row[0])
            connection.execute("DELETE FROM resources WHERE seq = ?", (row[0],))

    def find(self, resource_type: str, name: str, value: str) -> list[StoredResource]:
        rows = (
            self._connection()
            .execute(
                "SELECT r.seq, r.id, r.version, r.created, r.last_modified, r.data"
                " FROM index_keys k JOIN resources r ON r.seq = k.resource_seq"
                " WHERE k.resource_type = ? AND k.value = ? AND k.name = ? ORDER BY r.seq",
                (resource_type, value, name),
            )
            .fetchall()
        )
        return [self._resource(resource_type, row) for row in rows]

    def page(self, resource_type: str, offset: int, limit: int) -> list[StoredResource]:
        rows = (
            self._connection()
            .execute(
                f"SELECT {COLUMNS} FROM resources WHERE resource_type = ? ORDER BY seq"
                " LIMIT ? OFFSET ?",
                (resource_type, limit, offset),
            )
            .fetchall()
        )
        return [self._resource(resource_type, row) for row in rows]

    def scan(self, resource_type: str) -> Iterator[StoredResource]:
        rows = (
            self._connection()
            .execute(
                f"SELECT {COLUMNS} FROM resources WHERE resource_type = ? ORDER BY seq",
                (resource_type,),
            )
            .fetchall()
        )
        for row in rows:
            yield self._resource(resource_type, row)

    def count(self, resource_type: str) -> int:
        row = (
            self._connection()
            .execute("SELECT COUNT(*) FROM resources WHERE resource_type = ?", (resource_type,))
            .fetchone()
        )
        return int(row[0])

    def clear(self) -> None:
        with self._write() as connection:
            connection.execute("DELETE FROM index_keys")
            connection.execute("DELETE FROM resources")

    def close(self) -> None:
        with self._connections_lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            connection.close()
        self._local = threading.local()
        with self._write_lock:
            if self._lock_file is not None:
                os.close(self._lock_file)
                self._lock_file = None


def _keys_text(keys: list[IndexKey]) -> str:
    return json.dumps([[key.name, key.value, key.unique] for key in keys])
