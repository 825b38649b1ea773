"""The SQLite store (WAL): the embedded default, so a restarted server keeps its resources."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from uuid import uuid4

from scim2_models import NotFoundException, PreconditionFailedException, UniquenessException

from .storage import IndexKey, ScimStore, StoredResource, distinct_keys

SCHEMA = """
CREATE TABLE IF NOT EXISTS resources (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    resource_type TEXT NOT NULL,
    version INTEGER NOT NULL,
    created TEXT NOT NULL,
    last_modified TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS resources_by_type ON resources (resource_type, seq);
CREATE TABLE IF NOT EXISTS resource_keys (
    resource_type TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    resource_seq INTEGER NOT NULL,
    is_unique INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS resource_keys_unique
    ON resource_keys (resource_type, name, value) WHERE is_unique = 1;
CREATE INDEX IF NOT EXISTS resource_keys_lookup ON resource_keys (resource_type, name, value);
CREATE INDEX IF NOT EXISTS resource_keys_owner ON resource_keys (resource_seq);
"""

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
        connection = self._connection()
        # WAL: readers never block the writer nor it them (sqlite.org/wal.html); the mode is
        # stored in the file, so every later connection has it.
        connection.execute("PRAGMA journal_mode=WAL")
        connection.executescript(SCHEMA)

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
            self._local.connection = connection
            with self._connections_lock:
                self._connections.append(connection)
        return connection

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

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
    def _check_unique(
        connection: sqlite3.Connection, resource_type: str, keys: list[IndexKey], owner: int
    ) -> None:
        for key in keys:
            if not key.unique:
                continue
            holder = connection.execute(
                "SELECT resource_seq FROM resource_keys WHERE resource_type = ? AND name = ?"
                " AND value = ? AND is_unique = 1",
                (resource_type, key.name, key.value),
            ).fetchone()
            if holder is not None and holder[0] != owner:
                raise UniquenessException(
                    detail=f"{key.name} {key.value!r} is already taken by another {resource_type}"
                )

    @staticmethod
    def _insert_keys(
        connection: sqlite3.Connection, resource_type: str, seq: int, keys: list[IndexKey]
    ) -> None:
        connection.executemany(
            "INSERT INTO resource_keys (resource_type, name, value, resource_seq, is_unique)"
            " VALUES (?, ?, ?, ?, ?)",
            [(resource_type, k.name, k.value, seq, int(k.unique)) for k in keys],
        )

    @staticmethod
    def _check_version(resource_type: str, row: Row, expected_version: int | None) -> None:
        if expected_version is not None and row[2] != expected_version:
            raise PreconditionFailedException(
                detail=f'{resource_type} {row[1]} is at version W/"{row[2]}"'
            )

    def create(
        self, resource_type: str, data: dict[str, Any], keys: Iterable[IndexKey], now: str
    ) -> StoredResource:
        distinct = distinct_keys(keys)
        text = json.dumps(data)
        resource_id = str(uuid4())
        with self._write() as connection:
            self._check_unique(connection, resource_type, distinct, -1)
            cursor = connection.execute(
                "INSERT INTO resources (id, resource_type, version, created, last_modified, data)"
                " VALUES (?, ?, 1, ?, ?, ?)",
                (resource_id, resource_type, now, now, text),
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
        distinct = distinct_keys(keys)
        text = json.dumps(data)
        with self._write() as connection:
            row = self._row(connection, resource_type, resource_id)
            self._check_version(resource_type, row, expected_version)
            seq = row[0]
            self._check_unique(connection, resource_type, distinct, seq)
            connection.execute(
                "UPDATE resources SET data = ?, version = version + 1, last_modified = ?"
                " WHERE seq = ?",
                (text, now, seq),
            )
            connection.execute("DELETE FROM resource_keys WHERE resource_seq = ?", (seq,))
            self._insert_keys(connection, resource_type, seq, distinct)
        return StoredResource(resource_type, resource_id, row[2] + 1, row[3], now, json.loads(text))

    def delete(
        self, resource_type: str, resource_id: str, expected_version: int | None = None
    ) -> None:
        with self._write() as connection:
            row = self._row(connection, resource_type, resource_id)
            self._check_version(resource_type, row, expected_version)
            connection.execute("DELETE FROM resource_keys WHERE resource_seq = ?", (row[0],))
            connection.execute("DELETE FROM resources WHERE seq = ?", (row[0],))

    def find(self, resource_type: str, name: str, value: str) -> list[StoredResource]:
        rows = (
            self._connection()
            .execute(
                "SELECT r.seq, r.id, r.version, r.created, r.last_modified, r.data"
                " FROM resource_keys k JOIN resources r ON r.seq = k.resource_seq"
                " WHERE k.resource_type = ? AND k.name = ? AND k.value = ? ORDER BY r.seq",
                (resource_type, name, value),
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
            connection.execute("DELETE FROM resource_keys")
            connection.execute("DELETE FROM resources")

    def close(self) -> None:
        with self._connections_lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            connection.close()
        self._local = threading.local()
